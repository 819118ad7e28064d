"""`kg import`: an honour list (CSV or XLSX) into reviewable seeds, on a copy of the seeds.

Rows naming firms of the page by their full names are accepted for them; look-alikes
(中欣氟材 beside 中欣晶圆, 特尔佳 beside 特尔阀门) are never glued to them; a new firm is
proposed; a repeated row gives one fact; a doubtful row is listed for review, not written. The
result checks and builds with ipk:sourceRow, re-importing changes no byte, and a bad table or
bad parameters exit 2 with nothing written. The new firms' names are made up for the tests.
"""

from __future__ import annotations

import json
import shutil

import openpyxl
import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from helpers import ONTOLOGY, SEEDS, folder_digest
from kg.cli import main
from kg.errors import InputError
from kg.seeds.importer import load_mapping, shipped_mapping

IPK = "https://w3id.org/industrial-park-kg/ontology/"

HEADER = ["序号", "企业名称", "所在地区"]
ROWS = [
    ["1", "同创（丽水）特种材料有限公司", "丽水市"],  # row 2: full-width brackets, same firm
    ["2", "特尔阀门高科技材料有限公司", "丽水市"],  # row 3
    ["3", "中欣氟材股份有限公司", "绍兴市"],  # row 4: not 中欣晶圆
    ["4", "特尔佳科技股份有限公司", "深圳市"],  # row 5: not 特尔阀门
    ["5", "浙江星河微电子有限公司", "丽水市"],  # row 6: a made-up new firm
    ["6", "同创(丽水)特种材料有限公司", "丽水市"],  # row 7: repeats row 2
    ["7", "浙江晶睿电子科技有限公司", ""],  # row 8: 晶睿电子? nothing corroborates it
    ["8", "丽水经开区管委会", "丽水市"],  # row 9: a PublicBody's name, nothing corroborates it
    ["9", "", "丽水市"],  # row 10: no name
]
EXPECTED = {2: ("accepted", "tongchuang-special-materials"), 3: ("accepted", "teer-valve"),
            4: ("new", "zhongxin-fucai"), 5: ("new", "teer-jiake-ji"),
            6: ("new", "xinghe-weidian-zi"), 7: ("repeated", None), 8: ("review", None),
            9: ("review", None), 10: ("empty", None)}


def write_csv(path, rows, encoding="utf-8"):
    path.write_bytes(("\n".join(",".join(r) for r in rows) + "\n").encode(encoding))
    return path


def write_xlsx(path, rows, edit=None):
    book = openpyxl.Workbook()
    ws = book.active
    for row in rows:
        ws.append(row)
    if edit:
        edit(ws)
    book.save(path)
    return path


@pytest.fixture
def seeds(tmp_path):
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


def honours(seeds, table, *extra, fmt="json"):
    return CliRunner().invoke(main, [
        "import", "honours", str(table), "--honour", "national-little-giant", "--year", "2024",
        "--stage", "recognised", "--awarded-by", "zj-economy-informatization-dept",
        "--out", str(seeds / "little-giants.yaml"), "--seeds", str(seeds), "--format", fmt,
        *extra])


def output(seeds) -> dict:
    return yaml.safe_load((seeds / "little-giants.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_honour_list_imports_row_by_row(seeds, tmp_path, kind):
    table = (write_csv(tmp_path / "list.csv", [HEADER, *ROWS]) if kind == "csv" else
             write_xlsx(tmp_path / "list.xlsx", [HEADER, *ROWS]))
    result = honours(seeds, table)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    got = {r["row"]: (r["status"], r["entity"]) for r in report["rows"]}
    assert got == EXPECTED
    rows = {r["row"]: r for r in report["rows"]}
    assert rows[4]["candidates"] == ["zhongxin-wafer", "zhongxin-wafer-group"]  # shown, not taken
    assert rows[7]["evidence"] == ["row 7 repeats row 2"]
    assert rows[8]["candidates"] == ["jingrui-electronics"]
    assert rows[9]["candidates"][0] == "lishui-edz-management-committee"
    assert report["counts"] == {"accepted": 2, "new": 3, "review": 2, "repeated": 1, "empty": 1}

    data = output(seeds)
    assert [e["id"] for e in data["entities"]] == ["zhongxin-fucai", "teer-jiake-ji",
                                                   "xinghe-weidian-zi"]
    honoured = [(f["subject"], f["row"], f["quote"]) for f in data["facts"]
                if f["relation"] == "hasHonour"]
    assert honoured == [("tongchuang-special-materials", 2, "同创（丽水）特种材料有限公司"),
                        ("teer-valve", 3, "特尔阀门高科技材料有限公司"),
                        ("zhongxin-fucai", 4, "中欣氟材股份有限公司"),
                        ("teer-jiake-ji", 5, "特尔佳科技股份有限公司"),
                        ("xinghe-weidian-zi", 6, "浙江星河微电子有限公司")]
    first = data["facts"][0]
    assert first == {"subject": "tongchuang-special-materials", "relation": "hasHonour",
                     "object": "national-little-giant", "year": 2024, "stage": "recognised",
                     "awarded_by": "zj-economy-informatization-dept", "source": "list",
                     "row": 2, "quote": "同创（丽水）特种材料有限公司"}
    subjects = {f["subject"] for f in data["facts"]}
    assert not subjects & {"zhongxin-wafer", "jingrui-electronics",
                           "lishui-edz-management-committee"}
    regions = {f["subject"]: f["value"] for f in data["facts"] if f["relation"] == "region"}
    assert regions["zhongxin-fucai"] == "绍兴市" and regions["teer-valve"] == "丽水市"
    # The doubtful rows are in the file for the curator, as a comment.
    text = (seeds / "little-giants.yaml").read_text(encoding="utf-8")
    assert "#   row 8 (review): 浙江晶睿电子科技有限公司\n#     candidates: jingrui-electronics" in text
    assert (seeds / "sources" / table.name).read_bytes() == table.read_bytes()
    assert "file: sources/" + table.name in (seeds / "sources.yaml").read_text(encoding="utf-8")


def test_the_import_checks_builds_with_source_rows_and_reimports_to_the_same_bytes(seeds,
                                                                                    tmp_path):
    table = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    assert honours(seeds, table).exit_code == 0
    checked = CliRunner().invoke(main, ["check", "--seeds", str(seeds)])
    assert checked.exit_code == 0, checked.output
    before = folder_digest(seeds)
    again = honours(seeds, table)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["written"] == []
    assert folder_digest(seeds) == before
    shown = honours(seeds, table, fmt="table")
    assert "Nothing changed" in shown.stdout and folder_digest(seeds) == before

    out = tmp_path / "out"
    built = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--ontology", str(ONTOLOGY),
                                      "--out", str(out), "--no-store"])
    assert built.exit_code == 0, built.output
    store = ox.Store()
    store.load(path=str(out / "kg.trig"), format=ox.RdfFormat.TRIG)
    rows = {(r["s"].value.rsplit("/", 1)[1], int(r["row"].value)) for r in store.query(f"""
        PREFIX ipk: <{IPK}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?s ?row WHERE {{ GRAPH ?g {{ ?st rdf:subject ?s ; rdf:predicate ipk:hasHonour ;
                                           ipk:sourceRow ?row }} }}""")}
    assert rows == {("tongchuang-special-materials", 2), ("teer-valve", 3),
                    ("zhongxin-fucai", 4), ("teer-jiake-ji", 5), ("xinghe-weidian-zi", 6)}
    # the named questions find facts from a table as from an article: its title is the source
    for query, param in (("honour-holders", "honour=national-little-giant"),
                         ("company-profile", "company=teer-valve")):
        answer = CliRunner().invoke(main, ["query", query, "--param", param, "--graph",
                                           str(out / "kg.ttl"), "--format", "json"])
        assert answer.exit_code == 0, answer.output
        assert {"list", "特尔阀门高科技材料有限公司"} <= {
            value for row in json.loads(answer.stdout) for value in row.values()}, query


def test_a_full_name_other_than_the_label_is_its_legal_name(seeds, tmp_path):
    """晶睿电子 is a short name; a row giving a full name that begins with it, in a shared sector
    (the seeds tie it to a semiconductor platform), is accepted and adds that name as its
    legalName. A short name alone corroborated by nothing goes to review."""
    table = write_csv(tmp_path / "full.csv", [["企业名称", "所属行业"],
                                              ["浙江晶睿电子科技有限公司", "集成电路"],
                                              ["同创特材", ""]])
    result = honours(seeds, table)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [(r["status"], r["entity"]) for r in rows] == [("accepted", "jingrui-electronics"),
                                                          ("review", None)]
    assert "shared sector electronics, semiconductor" in rows[0]["evidence"]
    facts = output(seeds)["facts"]
    assert [(f["relation"], f.get("value")) for f in facts] == [
        ("hasHonour", None), ("legalName", "浙江晶睿电子科技有限公司")]
    assert CliRunner().invoke(main, ["check", "--seeds", str(seeds)]).exit_code == 0


def test_a_gbk_csv_imports(seeds, tmp_path):
    table = write_csv(tmp_path / "gbk.csv", [HEADER, *ROWS[:2]], encoding="gbk")
    result = honours(seeds, table)
    assert result.exit_code == 0, result.output
    assert [f["quote"] for f in output(seeds)["facts"] if f["relation"] == "hasHonour"] == \
        ["同创（丽水）特种材料有限公司", "特尔阀门高科技材料有限公司"]
    assert CliRunner().invoke(main, ["check", "--seeds", str(seeds)]).exit_code == 0


def merged_header(ws):
    ws.merge_cells("B1:C1")


@pytest.mark.parametrize("make, wanted", [
    (lambda p: write_csv(p / "t.csv", [["序号", "名称"], ["1", "浙江星河微电子有限公司"]]),
     "no name column: no header holds 企业名称 or 单位名称"),
    (lambda p: write_csv(p / "t.csv", []) if (p / "t.csv").write_bytes(b"") is None else None,
     "the file is empty (0 bytes)"),
    (lambda p: write_xlsx(p / "t.xlsx", [["序号", "企业名称", ""], ["1", "浙江星河微电子有限公司", "x"]],
                          merged_header), "merged header cells B1:C1"),
    (lambda p: write_csv(p / "t.csv", [["企业名称"], ["浙江星河微电子有限公司"]], encoding="utf-16"),
     "UTF-16"),
], ids=["no-name-column", "zero-bytes", "merged-header", "utf-16"])
def test_a_bad_table_exits_2_and_writes_nothing(seeds, tmp_path, make, wanted):
    table = make(tmp_path) or tmp_path / "t.csv"
    before = folder_digest(seeds)
    result = honours(seeds, table, fmt="table")
    assert result.exit_code == 2, result.output
    assert wanted in result.stderr and str(table) in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.output
    assert folder_digest(seeds) == before


def test_a_too_large_table_exits_2_and_writes_nothing(seeds, tmp_path):
    table = tmp_path / "huge.csv"
    with open(table, "wb") as fh:  # sparse: 21 MiB without writing them
        fh.write("企业名称\n".encode())
        fh.truncate(21 << 20)
    before = folder_digest(seeds)
    result = honours(seeds, table)
    assert result.exit_code == 2
    assert "over the limit of 20 MiB" in result.stderr and folder_digest(seeds) == before


def test_bad_parameters_are_all_reported_and_nothing_is_written(seeds, tmp_path):
    table = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    before = folder_digest(seeds)
    result = CliRunner().invoke(main, [
        "import", "honours", str(table), "--honour", "national-little-gian", "--year", "1800",
        "--stage", "approved", "--awarded-by", "national-little-giant", "--batch", "x",
        "--out", str(seeds / "x.yaml"), "--seeds", str(seeds)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:5] == [
        "--awarded-by: 'national-little-giant' is a Honour, not a PublicBody (give the id of a "
        "PublicBody)",
        "--batch: must be a whole number from 1 to 1000, got 'x' (the list's batch (第三批 is 3))",
        "--honour: no Honour with the id 'national-little-gian' in the seeds (did you mean "
        "'national-little-giant'?)",
        "--stage: unknown stage 'approved' (did you mean 'proposed'?)",
        "--year: must be a whole number from 1900 to 2100, got '1800' (the year of the list)"]
    assert folder_digest(seeds) == before


def test_the_output_must_be_a_file_of_the_seeds_folder(seeds, tmp_path):
    table = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    before = folder_digest(seeds)
    for out, wanted in ((tmp_path / "elsewhere.yaml", "directly in the seeds folder"),
                        (seeds / "sources.yaml", "directly in the seeds folder"),
                        (seeds / "x.txt", "directly in the seeds folder"),
                        (seeds / "art3-key-provincial-sme.yaml", "was not written by 'kg import'")):
        result = CliRunner().invoke(main, [
            "import", "honours", str(table), "--honour", "national-little-giant", "--year",
            "2024", "--out", str(out), "--seeds", str(seeds)])
        assert result.exit_code == 2 and wanted in result.stderr, result.output
    assert folder_digest(seeds) == before


def test_a_mapping_file_maps_other_tables(seeds, tmp_path):
    """A list whose batch is a column and whose names sit under 单位名称, through a mapping."""
    mapping = tmp_path / "tech-sme.yaml"
    mapping.write_text("""\
name: tech-sme
params:
  honour: {kind: entity, types: [Honour], required: true}
  year: {kind: year, required: true}
columns:
  firm: {header: 单位名称, required: true}
  batch: {contains: [批次]}
entity: {type: Company, name: firm}
facts:
  - relation: hasHonour
    object: {param: honour}
    year: {param: year}
    batch: {column: batch}
""", encoding="utf-8")
    table = write_csv(tmp_path / "tech.csv", [["单位名称", "批次"], ["特尔阀门高科技材料有限公司", "2"],
                                             ["浙江星河微电子有限公司", "3"]])
    result = CliRunner().invoke(main, [
        "import", "table", str(table), "--mapping", str(mapping), "--param",
        "honour=provincial-tech-sme", "--param", "year=2024", "--out", str(seeds / "tech.yaml"),
        "--seeds", str(seeds), "--source-id", "tech-sme-list", "--label", "科技型中小企业名单"])
    assert result.exit_code == 0, result.output
    facts = yaml.safe_load((seeds / "tech.yaml").read_text(encoding="utf-8"))["facts"]
    assert [(f["subject"], f["batch"], f["source"]) for f in facts] == [
        ("teer-valve", 2, "tech-sme-list"), ("xinghe-weidian-zi", 3, "tech-sme-list")]
    assert "label: 科技型中小企业名单" in (seeds / "sources.yaml").read_text(encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--seeds", str(seeds)]).exit_code == 0


def test_a_bad_mapping_says_where(tmp_path):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("columns:\n  name: {contains: [企业名称]}\nentity: {type: Company, name: "
                       "name}\nfacts:\n  - relation: hasHonor\n    object: x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_mapping(mapping)
    assert [str(p) for p in info.value.problems] == [
        f"{mapping}:5:15: fact template 1: unknown relation 'hasHonor' (did you mean "
        "'hasHonour'?)"]


def test_the_shipped_honours_mapping_reads():
    mapping = load_mapping(shipped_mapping("honours"))
    assert mapping.name == "honours" and mapping.name_column == "name"
    assert [f.relation for f in mapping.facts] == ["hasHonour"]


def test_two_rows_accepted_for_one_entity_both_go_to_review(seeds, tmp_path):
    """Two names of one firm on one list: one of them may be a false friend, so neither is
    written until a curator decides."""
    table = write_csv(tmp_path / "twice.csv", [HEADER, ["1", "同创(丽水)特种材料有限公司", "丽水市"],
                                               ["2", "丽水同创特种材料有限公司", "丽水市"]])
    result = honours(seeds, table)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [r["status"] for r in rows] == ["review", "review"]
    assert rows[1]["evidence"][-1] == ("rows 2, 3 are all accepted for "
                                       "tongchuang-special-materials: one firm under two names?")
    assert output(seeds)["facts"] == []


def test_the_mapping_example_of_seeds_readme_reads(tmp_path):
    text = (SEEDS / "README.md").read_text(encoding="utf-8")
    block = text.split("## Importing tables")[1].split("```yaml\n")[1].split("```")[0]
    (tmp_path / "example.yaml").write_text(block, encoding="utf-8")
    mapping = load_mapping(tmp_path / "example.yaml")
    assert mapping.name == "tech-sme" and mapping.region_column == "region"


def test_an_empty_row_is_reported_with_its_number(seeds, tmp_path):
    table = write_csv(tmp_path / "gap.csv", [["企业名称"], ["特尔阀门高科技材料有限公司"], [""],
                                             ["浙江星河微电子有限公司"]])
    result = honours(seeds, table, fmt="table")
    assert result.exit_code == 0, result.output
    assert [line.split()[:2] for line in result.stdout.splitlines()[2:5]] == [
        ["2", "accepted"], ["3", "empty"], ["4", "new"]]
    assert "3 rows: 1 accepted, 1 new, 0 review, 0 repeated, 1 empty." in result.stdout


def test_a_name_with_a_line_break_stays_inside_its_comment(seeds, tmp_path):
    """Names come from the table: one holding a line break cannot end the comment that lists
    it and slip YAML into the output."""
    table = tmp_path / "breaks.csv"
    table.write_text('企业名称\n浙江星河微电子有限公司\n"浙江星河微电子\n有限公司"\n', encoding="utf-8")
    result = honours(seeds, table)
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in json.loads(result.stdout)["rows"]] == ["new", "repeated"]
    text = (seeds / "little-giants.yaml").read_text(encoding="utf-8")
    assert "#   row 3 (repeated): 浙江星河微电子\\n有限公司\n" in text
    assert all(line.startswith(("#", "entities:", "facts:", "-", " ")) for line in
               text.splitlines())
    assert CliRunner().invoke(main, ["check", "--seeds", str(seeds)]).exit_code == 0


def test_a_table_described_already_is_read_as_described(seeds, tmp_path):
    """A table some seeds file already describes (here with its second sheet) keeps its id and
    its sheet, so the rows are numbered as `kg check` will number them."""
    book = openpyxl.Workbook()
    book.active.append(["说明"])
    sheet = book.create_sheet("名单")
    for row in (["企业名称"], ["特尔阀门高科技材料有限公司"]):
        sheet.append(row)
    book.save(seeds / "sources" / "book.xlsx")
    (seeds / "tables.yaml").write_text("tables:\n  - id: the-book\n    label: 名单\n    file: "
                                       "sources/book.xlsx\n    sheet: 名单\n", encoding="utf-8")
    sources = (seeds / "sources.yaml").read_bytes()
    result = honours(seeds, seeds / "sources" / "book.xlsx")
    assert result.exit_code == 0, result.output
    assert [(f["subject"], f["source"], f["row"]) for f in output(seeds)["facts"]] == [
        ("teer-valve", "the-book", 2)]
    assert (seeds / "sources.yaml").read_bytes() == sources
    assert CliRunner().invoke(main, ["check", "--seeds", str(seeds)]).exit_code == 0
    other = honours(seeds, seeds / "sources" / "book.xlsx", "--sheet", "Sheet")
    assert other.exit_code == 2 and "is described with sheet '名单'" in other.stderr


def test_a_new_firm_named_twice_is_proposed_once(seeds, tmp_path):
    table = write_csv(tmp_path / "twice-new.csv", [["企业名称"], ["星河微电子有限公司"],
                                                   ["浙江星河微电子股份有限公司"]])
    result = honours(seeds, table)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [(r["status"], r["entity"]) for r in rows] == [("new", "xinghe-weidian-zi"),
                                                          ("review", None)]
    assert rows[1]["evidence"] == ["row 3 is row 2's new firm 星河微电子有限公司 but for region "
                                   "or company form: the same firm?"]
    assert [e["id"] for e in output(seeds)["entities"]] == ["xinghe-weidian-zi"]


def test_a_mapping_with_many_mistakes_gets_them_all_with_their_places(tmp_path):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("""\
params:
  honour: {kind: entity, types: [Honour]}
  year: {kind: yaer}
  batch: {kind: text}
columns:
  name: {required: true}
entity: {type: Product, name: firm}
facts:
  - relation: hasHonour
    object: {param: honour}
    batch: {param: batch}
    role: x
  - relation: legalName
    value: {column: name}
    quote: {param: honour}
""", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_mapping(mapping)
    assert [str(p).removeprefix(f"{mapping}:") for p in info.value.problems] == [
        "3:16: param 'year': unknown kind 'yaer' (one of entity, year, integer, stage, text)",
        "6:9: column 'name': give its exact 'header' or the keywords it 'contains' (one of the "
        "two)",
        "7:16: entity type 'Product' is not an organisation (one of Company, EnterpriseGroup, "
        "PublicBody, ResearchInstitute)",
        "7:31: entity name: no column 'firm' in 'columns' (allowed: name)",
        "10:13: fact template 1: its object comes from param 'honour', which is not required "
        "(make the param required: true)",
        "11:12: fact template 1: 'batch' is of kind integer, but param 'batch' is of kind text "
        "(give the param kind: integer)",
        "12:11: fact template 1: 'hasHonour' does not take 'role' (qualifiers allowed: "
        "awarded_by, batch, date, list, stage, year)",
        "13:15: fact template 2: a Product cannot be the subject of 'legalName' (its subjects: "
        "Company, EnterpriseGroup, PublicBody, ResearchInstitute)",
        "15:12: fact template 2: 'quote' must be {column: KEY}: a fact quotes one whole cell of "
        "its row"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_title_line_above_the_header_is_the_tables_label(seeds, tmp_path, kind):
    """Published lists open with their title, in XLSX often merged across the columns: the
    header is found below it, row numbers stay the sheet's, and the title labels the source."""
    title = "2024年度专精特新“小巨人”企业名单"
    rows = [[title, "", ""], ["序号", "企业名称", "所在地区"],
            ["1", "同创(丽水)特种材料有限公司", "丽水市"]]

    def merge(ws):
        ws.merge_cells("A1:C1")

    table = (write_csv(tmp_path / "list.csv", rows) if kind == "csv" else
             write_xlsx(tmp_path / "list.xlsx", rows, merge))
    result = honours(seeds, table)
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["rows"]
    assert (row["row"], row["status"], row["entity"]) == (3, "accepted",
                                                          "tongchuang-special-materials")
    sources = yaml.safe_load((seeds / "sources.yaml").read_text(encoding="utf-8"))
    assert [t["label"] for t in sources["tables"]] == [title]
    assert CliRunner().invoke(main, ["check", "--seeds", str(seeds)]).exit_code == 0


def test_a_short_name_in_the_firms_city_is_accepted_a_lookalike_is_not(seeds, tmp_path):
    """Lists often print short names. 晶睿电子 and 中欣晶圆 in 丽水市 are the page's firms (the
    seeds place them in 丽水经开区); 中欣氟材 in 绍兴市 is a new firm, never 中欣晶圆."""
    table = write_csv(tmp_path / "short.csv", [["序号", "企业名称", "所在地区"],
                                               ["1", "晶睿电子", "丽水市"],
                                               ["2", "中欣晶圆", "丽水市"],
                                               ["3", "中欣氟材", "绍兴市"]])
    result = honours(seeds, table)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [(r["status"], r["entity"]) for r in rows] == [
        ("accepted", "jingrui-electronics"), ("accepted", "zhongxin-wafer"),
        ("new", "zhongxin-fucai")]
    assert "located in the same region 丽水" in rows[0]["evidence"]


def test_an_import_too_large_for_one_seeds_file_writes_nothing(seeds, tmp_path, monkeypatch):
    """The loader refuses a seeds file over its limit: an import that would write one says so
    and writes nothing, rather than leave seeds that no longer load."""
    import kg.seeds.archive

    monkeypatch.setattr(kg.seeds.archive, "MAX_SEED_BYTES", 2_000)
    table = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    before = folder_digest(seeds)
    result = honours(seeds, table)
    assert result.exit_code == 2, result.output
    assert "a seeds file may hold" in result.stderr and "split the table" in result.stderr
    assert folder_digest(seeds) == before


def test_a_batch_the_loader_would_refuse_is_refused_before_writing(seeds, tmp_path):
    """--batch takes what the loader reads back (1 to 1000): an import never writes seeds
    that `kg check` then refuses."""
    table = write_csv(tmp_path / "list.csv", [HEADER, *ROWS])
    before = folder_digest(seeds)
    result = honours(seeds, table, "--batch", "1001")
    assert result.exit_code == 2 and "--batch: must be a whole number from 1 to 1000" in \
        result.stderr
    assert folder_digest(seeds) == before


def test_a_batch_cell_out_of_range_is_refused_with_its_cell(seeds, tmp_path):
    """A batch from a column is held to the loader's range as a --batch is: cell, row, fix."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text("name: m\nparams:\n  honour: {kind: entity, types: [Honour], required: "
                       "true}\ncolumns:\n  firm: {header: 单位名称, required: true}\n  batch: "
                       "{header: 批次}\nentity: {type: Company, name: firm}\nfacts:\n  - relation: "
                       "hasHonour\n    object: {param: honour}\n    batch: {column: batch}\n",
                       encoding="utf-8")
    table = write_csv(tmp_path / "t.csv", [["单位名称", "批次"], ["特尔阀门高科技材料有限公司", "5000"]])
    before = folder_digest(seeds)
    result = CliRunner().invoke(main, [
        "import", "table", str(table), "--mapping", str(mapping), "--param",
        "honour=provincial-tech-sme", "--out", str(seeds / "t.yaml"), "--seeds", str(seeds)])
    assert result.exit_code == 2, result.output
    assert "cell B2 should be a whole number from 1 to 1000 (batch), not '5000'" in result.stderr
    assert folder_digest(seeds) == before
