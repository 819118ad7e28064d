"""Tables as sources: kg.seeds.sheets reads hostile CSV and XLSX files with one clear problem each,
and a fact citing a table's row quotes one of its cells, checked by `kg check`, mapped with
ipk:sourceRow by `kg build`."""

from __future__ import annotations

import re
import shutil
import tracemalloc
import zipfile

import openpyxl
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rdflib import RDF, XSD, Literal, URIRef

from helpers import ONTOLOGY, SEEDS, validate_both
from kg.cli import main
from kg.errors import InputError
from kg.rdf.adapter import as_rdflib_graph
from kg.rdf.mapping import map_seeds
from kg.seeds import sheets
from kg.seeds.loader import load_seeds
from kg.seeds.sheets import read_table

IPK = "https://w3id.org/industrial-park-kg/ontology/"
ID = "https://w3id.org/industrial-park-kg/id/"


def problems(path, **kw) -> list[str]:
    with pytest.raises(InputError) as info:
        read_table(path, **kw)
    return [str(p) for p in info.value.problems]


def one_problem(path, **kw) -> str:
    [problem] = problems(path, **kw)
    return problem


def csv_file(tmp_path, text: str, encoding="utf-8", name="list.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# -- CSV ---------------------------------------------------------------------------------------

def test_csv_rows_keep_spreadsheet_numbers_and_text_as_written(tmp_path):
    path = csv_file(tmp_path, '序号,企业名称,股票代码\n1,晶睿电子,000001\n2,"同创(丽水)\n特种材料",002\n')
    table = read_table(path)
    assert table.header == ["序号", "企业名称", "股票代码"]
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, ["1", "晶睿电子", "000001"]), (3, ["2", "同创(丽水)\n特种材料", "002"])]
    assert table.encoding == "utf-8" and table.sheet is None and table.header_row == 1
    assert table.column("企业名称") == 1 and table.row(3) is table.rows[1] and table.row(1) is None


@pytest.mark.parametrize("encoding, name", [("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"),
                                            ("gbk", "gb18030")])
def test_csv_encodings_utf8_bom_and_gbk_are_read_and_named(tmp_path, encoding, name):
    path = csv_file(tmp_path, "企业名称,地区\n晶睿电子,丽水经开区\n", encoding)
    table = read_table(path)
    assert table.encoding == name
    assert table.header == ["企业名称", "地区"] and table.rows[0].cells == ["晶睿电子", "丽水经开区"]


def test_bytes_neither_utf8_nor_gb18030_are_refused(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("企业名称\n".encode() + b"\x81\x30x\n")
    assert re.fullmatch(r".*list\.csv:2:1: the file is neither UTF-8 nor GB18030 text: byte 0x81 "
                        r"at line 2 is not UTF-8 \(save the table as 'CSV UTF-8'\)",
                        one_problem(path))


def test_utf16_is_refused_with_how_to_save_it(tmp_path):
    path = csv_file(tmp_path, "\ufeff企业名称\n晶睿电子\n", "utf-16-le")
    assert "UTF-16" in one_problem(path)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"")
    assert one_problem(path) == f"{path}: the file is empty (0 bytes) (archive the table's real file)"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path, suffix):
    path = tmp_path / f"big.{suffix}"
    with open(path, "wb") as fh:
        fh.truncate(50 << 20)  # sparse: no 50 MB written
    tracemalloc.start()
    try:
        problem = one_problem(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "the file is 50.0 MiB, over the limit of 20 MiB" in problem
    assert peak < 1 << 20  # reading it whole would have taken 50 MiB


def test_nul_byte_is_refused_with_its_line(tmp_path):
    path = csv_file(tmp_path, "企业名称\n晶睿电子\n中欣\x00晶圆\n")
    assert ":3:1: NUL byte in line 3" in one_problem(path)


def test_control_character_in_a_cell_is_refused_with_its_cell(tmp_path):
    path = csv_file(tmp_path, "企业名称,地区\n晶睿电子,丽水\x1b[31m\n")
    assert one_problem(path).endswith(":2:2: cell B2 holds the control character \\x1b "
                                      "(delete it: only text, tabs and line breaks belong in a cell)")


def test_ragged_rows_short_are_padded_and_a_stray_cell_has_no_header(tmp_path):
    path = csv_file(tmp_path, "企业名称,地区\n晶睿电子\n中欣晶圆,丽水,x\n")
    assert one_problem(path).endswith(
        ":1:3: column C has no header, but row 3 has a value in it: 'x' (give every column a name "
        "in the header row, or delete the stray cells)")
    table = read_table(csv_file(tmp_path, "企业名称,地区\n晶睿电子\n", name="short.csv"))
    assert table.rows[0].cells == ["晶睿电子", ""]


def test_empty_rows_in_the_middle_are_skipped_and_listed_trailing_ones_dropped(tmp_path):
    path = csv_file(tmp_path, "企业名称,地区\n晶睿电子,丽水\n,\n\n中欣晶圆,丽水\n,\n\n")
    table = read_table(path)
    assert [r.number for r in table.rows] == [2, 5]
    assert table.empty_rows == [3, 4]


def test_leading_empty_rows_then_the_header(tmp_path):
    table = read_table(csv_file(tmp_path, "\n,\n企业名称\n晶睿电子\n"))
    assert table.header_row == 3 and table.rows[0].number == 4


def test_a_title_row_above_the_header_is_skipped_when_the_header_row_is_given(tmp_path):
    table = read_table(csv_file(tmp_path, "2025年度名单\n企业名称,地区\n晶睿电子,丽水\n"),
                       header_row=2)
    assert table.header == ["企业名称", "地区"] and table.rows[0].number == 3


def test_a_column_without_a_header_is_refused(tmp_path):
    blank = csv_file(tmp_path, "序号,,地区\n1,晶睿电子,丽水\n", name="blank.csv")
    assert one_problem(blank).endswith(
        ":1:2: column B has no header, but row 2 has a value in it: '晶睿电子' (give every column "
        "a name in the header row, or delete the stray cells)")


def test_an_empty_header_row_is_refused(tmp_path):
    path = csv_file(tmp_path, "2025年度名单\n,\n企业名称\n晶睿电子\n")
    assert ":2:1: row 2, the header, is empty" in one_problem(path, header_row=2)


def test_header_only_and_all_empty_tables_are_refused(tmp_path):
    assert "a header but no data rows" in one_problem(csv_file(tmp_path, "企业名称\n\n"))
    assert "every row is empty" in one_problem(csv_file(tmp_path, ",\n\n", name="e.csv"))


def test_duplicate_header_names_are_refused(tmp_path):
    path = csv_file(tmp_path, "企业名称,地区, 企业名称\n晶睿电子,丽水,晶睿\n")
    assert one_problem(path).endswith(":1:3: columns A and C have the same header '企业名称' "
                                      "(give each column its own header)")


def test_unknown_suffix_and_old_xls_are_refused(tmp_path):
    (tmp_path / "list.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert "Excel 97-2003" in one_problem(tmp_path / "list.xls")
    (tmp_path / "list.txt").write_text("x")
    assert "not a table this reader knows" in one_problem(tmp_path / "list.txt")


def test_a_sheet_asked_of_a_csv_is_refused(tmp_path):
    assert "a CSV file has no sheets" in one_problem(csv_file(tmp_path, "a\nb\n"), sheet="名单")


def test_problems_stop_at_fifty_then_say_how_many_more(tmp_path):
    path = csv_file(tmp_path, "企业名称\n" + "晶睿\x07\n" * 60)
    found = problems(path)
    assert len(found) == sheets.MAX_PROBLEMS + 1
    assert found[0] == f"{path}: 60 problems; the first 50 follow (fix them and read the table again)"


# -- XLSX --------------------------------------------------------------------------------------

def workbook(tmp_path, rows, name="list.xlsx", title="名单", edit=None):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if edit:
        edit(ws)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_numbers_as_shown_codes_keep_their_zeros_and_sheet_rows_keep_numbers(tmp_path):
    def formats(ws):
        ws["C2"].number_format = "000000"
        ws["D2"].number_format = "0%"
        ws.insert_rows(1)  # the table starts at the sheet's row 2

    path = workbook(tmp_path, [["序号", "企业名称", "股票代码", "出口占比", "金额"],
                               [1, "晶睿电子", 1, 0.9, 4.94],
                               [2.0, "中欣晶圆", "000002", None, 3.0]], edit=formats)
    table = read_table(path)
    assert table.sheet == "名单" and table.encoding is None and table.header_row == 2
    assert [(r.number, r.cells) for r in table.rows] == [
        (3, ["1", "晶睿电子", "000001", "90%", "4.94"]), (4, ["2", "中欣晶圆", "000002", "", "3"])]


def test_xlsx_formulas_give_their_cached_value(tmp_path):
    path = workbook(tmp_path, [["企业名称", "合计"], ["晶睿电子", "=1+1"]])
    # openpyxl writes no cached value; a spreadsheet program would. Put one in, as Excel does.
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb"<f>1\+1</f><v ?/>", b"<f>1+1</f><v>2</v>", parts[sheet])
    assert b"<v>2</v>" in parts[sheet]
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert read_table(path).rows[0].cells == ["晶睿电子", "2"]


def test_xlsx_merged_header_cells_are_refused(tmp_path):
    path = workbook(tmp_path, [["序号", "企业名称", "", "地区"], [1, "晶睿电子", "晶睿", "丽水"]],
                    edit=lambda ws: ws.merge_cells("B1:C1"))
    assert one_problem(path) == (f"{path}:1:2: merged header cells B1:C1 (unmerge them and give "
                                 "each column its own header)")


def test_xlsx_merged_data_cells_show_their_value_in_every_row(tmp_path):
    path = workbook(tmp_path, [["企业名称", "地区"], ["晶睿电子", "丽水"], ["中欣晶圆", None]],
                    edit=lambda ws: ws.merge_cells("B2:B3"))
    assert [r.cells for r in read_table(path).rows] == [["晶睿电子", "丽水"], ["中欣晶圆", "丽水"]]


def test_xlsx_sheet_by_name_and_an_unknown_sheet(tmp_path):
    path = workbook(tmp_path, [["企业名称"], ["晶睿电子"]])
    assert read_table(path, sheet="名单").rows[0].cells == ["晶睿电子"]
    assert one_problem(path, sheet="Sheet9") == (f"{path}: no sheet named 'Sheet9' "
                                                 "(the sheets are: '名单')")


def test_xlsx_zip_bomb_is_refused_from_the_zip_directory(tmp_path):
    path = workbook(tmp_path, [["企业名称"], ["晶睿电子"]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/bomb.bin", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range((sheets.MAX_XLSX_UNPACKED >> 20) + 1):
                fh.write(block)
    assert path.stat().st_size < 1 << 20  # small on disk, 101 MiB unpacked
    assert "over the limit of 100 MiB" in one_problem(path)


def test_xlsx_far_column_is_refused(tmp_path):
    path = workbook(tmp_path, [["企业名称"], ["晶睿电子"]],
                    edit=lambda ws: ws.cell(row=2, column=sheets.MAX_COLUMNS + 1, value="x"))
    assert f"over the limit of {sheets.MAX_COLUMNS}" in one_problem(path)


def test_xlsx_row_cap(tmp_path):
    path = workbook(tmp_path, [["企业名称"], ["晶睿电子"]],
                    edit=lambda ws: ws.cell(row=sheets.MAX_ROWS + 2, column=1, value="x"))
    assert f"more than {sheets.MAX_ROWS:,} rows" in one_problem(path)


def test_not_a_zip_with_an_xlsx_suffix_is_refused(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_text("企业名称\n晶睿电子\n", encoding="utf-8")
    assert "not an XLSX workbook (not a zip archive)" in one_problem(path)


def test_a_broken_workbook_is_a_problem_not_a_traceback(tmp_path):
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    assert "not readable as XLSX" in one_problem(path)


# -- tables as sources in the seeds ------------------------------------------------------------

TABLES_YAML = """\
tables:
  - id: test-honour-table
    label: 测试名单
    label_en: A test list
    file: sources/honours.{suffix}
    publisher: zj-economy-informatization-dept
    year: 2024
    url: https://example.org/list
facts:
  - subject: jingrui-electronics
    relation: hasHonour
    object: national-little-giant
    year: 2024
    source: test-honour-table
    row: 2
    quote: 晶睿电子
"""
# The row holds what art2-clusters states: 晶睿电子 并于2024年获评国家级专精特新“小巨人”企业.
ROWS = [["序号", "企业名称", "荣誉", "年份"], ["1", "晶睿电子", "国家级专精特新“小巨人”企业", "2024"]]


@pytest.fixture(params=["csv", "xlsx"])
def table_seeds(tmp_path, request):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    if request.param == "csv":
        (seeds / "sources" / "honours.csv").write_text(
            "\n".join(",".join(r) for r in ROWS) + "\n", encoding="utf-8")
    else:
        workbook(seeds / "sources", ROWS, name="honours.xlsx")
    (seeds / "tables.yaml").write_text(TABLES_YAML.format(suffix=request.param),
                                       encoding="utf-8")
    return seeds


def check(seeds):
    return CliRunner().invoke(main, ["check", "--seeds", str(seeds)])


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_fact_citing_a_table_row_builds_with_its_row(table_seeds, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--seeds", str(table_seeds), "--ontology",
                                       str(ONTOLOGY), "--out", str(out)])
    assert result.exit_code == 0, result.output
    store = ox.Store()
    store.load(path=str(out / "kg.trig"), format=ox.RdfFormat.TRIG)
    rows = list(store.query(f"""
        PREFIX ipk: <{IPK}> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX schema: <https://schema.org/>
        SELECT ?g ?row ?quote ?file ?publisher WHERE {{ GRAPH ?g {{
          ?st prov:wasDerivedFrom ?t ; ipk:sourceRow ?row ; ipk:quote ?quote .
          ?t a ipk:Table ; ipk:sourceFile ?file ; schema:publisher ?publisher . }} }}"""))
    assert len(rows) == 1
    [row] = rows
    assert row["g"].value.endswith("/graph/test-honour-table")
    assert row["row"] == ox.Literal("2", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))
    assert row["quote"].value == "晶睿电子" and row["file"].value.startswith("sources/honours.")
    assert row["publisher"].value.endswith("/body/zj-economy-informatization-dept")


def test_kg_check_proves_table_quotes(table_seeds):
    result = check(table_seeds)
    assert result.exit_code == 0, result.output


def problem_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == "1 problem found; nothing was written.", result.output
    return lines[0]


def test_a_quote_that_is_not_a_whole_cell_of_the_row_exits_2_with_the_row_shown(table_seeds):
    edit(table_seeds / "tables.yaml", "quote: 晶睿电子", "quote: 晶睿")  # a substring is no cell
    assert problem_line(check(table_seeds)) == (
        "seeds/tables.yaml:16:12: fact 'jingrui-electronics hasHonour': quote is not a cell of "
        "row 2 of table 'test-honour-table': '晶睿' (quote one whole cell verbatim; the row's "
        "cells: 序号=1 | 企业名称=晶睿电子 | 荣誉=国家级专精特新“小巨人”企业 | 年份=2024)")


def test_a_quote_matches_after_nfc_and_trimming(table_seeds):
    edit(table_seeds / "tables.yaml", "quote: 晶睿电子", "quote: ' 晶睿电子 '")
    assert check(table_seeds).exit_code == 0


def test_a_wrong_row_exits_2_with_file_line_and_hint(table_seeds):
    edit(table_seeds / "tables.yaml", "row: 2", "row: 9")
    assert problem_line(check(table_seeds)) == (
        "seeds/tables.yaml:15:10: fact 'jingrui-electronics hasHonour': row 9 of table "
        "'test-honour-table' is not its one data row, 2 (give the row number as the spreadsheet "
        "shows it; the header is row 1)")


def test_the_header_row_is_no_source_row(table_seeds):
    edit(table_seeds / "tables.yaml", "row: 2", "row: 1")
    assert "row 1 of table 'test-honour-table' is the header" in problem_line(check(table_seeds))


def test_a_row_for_an_article_source_is_refused(table_seeds):
    edit(table_seeds / "tables.yaml", "source: test-honour-table",
         "source: art2-clusters")
    edit(table_seeds / "tables.yaml", "quote: 晶睿电子", "quote: 并于2024年获评国家级专精特新“小巨人”企业")
    assert problem_line(check(table_seeds)) == (
        "seeds/tables.yaml:15:10: fact 'jingrui-electronics hasHonour': 'row' is for a table "
        "source, and 'art2-clusters' is an article (remove 'row:', or cite the table the row "
        "is in)")


def test_a_table_source_without_a_row_is_refused(table_seeds):
    edit(table_seeds / "tables.yaml", "    row: 2\n", "")
    assert "cites table 'test-honour-table' but gives no 'row'" in \
        problem_line(check(table_seeds))


def test_a_missing_table_file_is_the_one_problem(table_seeds):
    for f in (table_seeds / "sources").glob("honours.*"):
        f.unlink()
    line = problem_line(check(table_seeds))
    assert re.fullmatch(r"seeds/tables\.yaml:5:11: source file 'sources/honours\.(csv|xlsx)' not "
                        r"found under seeds/ \(archive the source there, or fix the path\)", line)


def test_a_table_file_outside_the_seeds_folder_is_refused(table_seeds):
    edit(table_seeds / "tables.yaml", "file: sources/", "file: ../")
    assert "is outside seeds/" in problem_line(check(table_seeds))


def test_a_bad_table_is_reported_in_the_table_file(table_seeds):
    [bad] = (table_seeds / "sources").glob("honours.*")
    if bad.suffix == ".csv":
        bad.write_text("企业名称,企业名称\n晶睿电子,晶睿\n", encoding="utf-8")
    else:
        workbook(bad.parent, [["企业名称", "企业名称"], ["晶睿电子", "晶睿"]], name=bad.name)
    assert problem_line(check(table_seeds)) == (
        f"seeds/sources/{bad.name}:1:2: columns A and B have the same header '企业名称' "
        "(give each column its own header)")


def test_date_and_year_together_and_an_unknown_publisher_are_refused(table_seeds):
    edit(table_seeds / "tables.yaml", "    year: 2024\n    url",
         "    year: 2024\n    date: \"2024-05\"\n    url")
    edit(table_seeds / "tables.yaml", "publisher: zj-economy-informatization-dept",
         "publisher: zj-economy-dept")
    result = check(table_seeds)
    assert result.exit_code == 2
    assert "give a table's 'date' or its 'year', not both" in result.output
    assert "seeds/tables.yaml:6:16: publisher of table 'test-honour-table': unknown id " \
        "'zj-economy-dept'" in result.output


# -- the shapes bite on tables -----------------------------------------------------------------

# The three companies article 3 (the mini fixture) names as 2025's proposed 重点省专, as a table.
MINI_TABLE = "序号,企业名称\n1,特尔阀门高科技材料有限公司\n2,浙江德明汽车零部件有限公司\n"
MINI_TABLES_YAML = """\
tables:
  - id: mini-table
    label: 测试名单
    file: sources/list.csv
    publisher: zj-economy-dept
    date: "2025-06"
entities:
  - {id: deming-auto, type: Company, label: 浙江德明汽车零部件有限公司, source: mini-table, row: 3,
     quote: 浙江德明汽车零部件有限公司}
facts:
  - subject: teer-valve
    relation: hasHonour
    object: key-provincial-sme
    year: 2025
    stage: proposed
    source: mini-table
    row: 2
    quote: 特尔阀门高科技材料有限公司
"""


def test_table_nodes_conform_and_the_shapes_catch_a_broken_one(mini_seeds):
    (mini_seeds / "sources" / "list.csv").write_text(MINI_TABLE, encoding="utf-8")
    (mini_seeds / "tables.yaml").write_text(MINI_TABLES_YAML, encoding="utf-8")
    graph = as_rdflib_graph(map_seeds(load_seeds(mini_seeds)).triples())
    assert validate_both(graph).conforms
    table = URIRef(ID + "source/mini-table")
    company = next(s for s in graph.subjects(URIRef(IPK + "sourceRow"), None)
                   if (s, RDF.type, URIRef(IPK + "Company")) in graph)
    assert (company, URIRef(IPK + "sourceRow"), Literal(3, datatype=XSD.integer)) in graph
    [stmt] = graph.subjects(URIRef(IPK + "sourceRow"), Literal(2, datatype=XSD.integer))
    graph.remove((table, URIRef(IPK + "sourceFile"), None))
    graph.set((stmt, URIRef(IPK + "sourceRow"), Literal("2")))
    graph.set((company, URIRef(IPK + "sourceRow"), Literal(0, datatype=XSD.integer)))
    result = validate_both(graph)
    short = graph.namespace_manager.normalizeUri
    found = {(v.focus, v.path) for v in result.violations}
    assert {(short(table), "ipk:sourceFile"), (short(stmt), "ipk:sourceRow"),
            (short(company), "ipk:sourceRow")} <= found
    # a statement citing something that is neither an article nor a table
    graph.set((stmt, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), company))
    found = {(v.focus, v.path) for v in validate_both(graph).violations}
    assert (short(stmt), "prov:wasDerivedFrom") in found


def test_a_table_url_with_a_space_is_refused(table_seeds):
    edit(table_seeds / "tables.yaml", "url: https://example.org/list", "url: https://example.org/a list")
    assert problem_line(check(table_seeds)) == (
        "seeds/tables.yaml:8:10: 'url' must be an http(s) address without spaces, got "
        "'https://example.org/a list' (copy the address as published, e.g. https://…; it is never "
        "fetched)")
