"""`kg link REGISTRY.csv`: the seeds' companies linked to a registry of listed firms.

True matches are found with their evidence, the look-alikes of issue 11 are never accepted, a
registry row that fits two companies goes to review, and `--write` records the accepted links as
facts quoting the registry's cells, which `kg check` proves and `kg build` maps. Run against the
real seeds, copied, and the registry fixture of tests/fixtures/registry/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import yaml
import pytest
from click.testing import CliRunner

from helpers import folder_digest
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "tests" / "fixtures" / "registry" / "listed-firms.csv"
LOOKALIKES = {"zhongxin-wafer": "中欣氟材", "teer-valve": "特尔佳", "ruilian-medical": "瑞联新材",
              "zhongguang-electric-group": "中广核技", "deliya-automation": "得利斯"}


@pytest.fixture
def seeds(tmp_path) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", dest)
    return dest


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def link_json(seeds: Path, registry: Path = REGISTRY) -> list[dict]:
    result = run("link", str(registry), "--seeds", str(seeds), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_true_matches_are_accepted_with_their_evidence(seeds):
    links = link_json(seeds)
    accepted = {(i["entity"], i["code"]) for i in links if i["status"] == "accepted"}
    assert accepted == {("jiangfeng-electronics", "300666"), ("minde-electronics", "300656")}
    assert all(set(i) == {"entity", "candidate", "code", "status", "evidence"} for i in links)
    jiangfeng = next(i for i in links if i["entity"] == "jiangfeng-electronics")
    assert jiangfeng["candidate"] == "宁波江丰电子材料股份有限公司"
    assert any("江丰电子" in e for e in jiangfeng["evidence"])
    assert any("sector" in e for e in jiangfeng["evidence"])


def test_lookalikes_are_never_accepted(seeds):
    links = link_json(seeds)
    for entity, lookalike in LOOKALIKES.items():
        assert not [i for i in links if i["entity"] == entity and i["status"] == "accepted"], \
            f"{entity} glued to {lookalike}"
        assert not [i for i in links if lookalike in i["candidate"] and i["status"] == "accepted"]


def test_the_industry_column_is_evidence(seeds, tmp_path):
    """The same short name with a disjoint industry is not accepted."""
    registry = tmp_path / "registry.csv"
    registry.write_text("name,full_name,code,industry\n"
                        "江丰电子,某某江丰电子股份有限公司,300001,农副食品加工业\n", encoding="utf-8")
    links = link_json(seeds, registry)
    assert [(i["entity"], i["status"]) for i in links] == [("jiangfeng-electronics", "review")]
    assert any("sector" in e for e in links[0]["evidence"])


def test_a_row_that_fits_two_companies_goes_to_review(seeds):
    (seeds / "twin.yaml").write_text(
        "entities:\n  - {id: jiangfeng-twin, type: Company, label: 江丰电子, "
        "source: art6-chip-park-phase2, quote: 江丰电子}\n"
        "facts:\n  - {subject: jiangfeng-twin, relation: keyEnterpriseOf, "
        "object: lishui-semiconductor-platform, source: art2-clusters, "
        "quote: 晶睿电子是丽水特色半导体“万亩千亿”新产业平台中的重点企业, inferred: test twin}\n",
        encoding="utf-8")
    links = link_json(seeds)
    twins = [i for i in links if i["code"] == "300666"]
    assert {i["entity"] for i in twins} == {"jiangfeng-electronics", "jiangfeng-twin"}
    assert {i["status"] for i in twins} == {"review"}


def test_write_records_facts_that_check_build_and_stay_put(seeds, tmp_path):
    out = seeds / "links.yaml"
    result = run("link", str(REGISTRY), "--seeds", str(seeds), "--write", str(out))
    assert result.exit_code == 0, result.output
    assert (seeds / "sources" / "listed-firms.csv").read_bytes() == REGISTRY.read_bytes()
    assert "id: listed-firms" in (seeds / "sources.yaml").read_text(encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    assert "value: '300666'" in text and "row: 2" in text and "relation: stockCode" in text
    assert "exchange" not in text  # the registry does not say which exchange
    check = run("check", "--seeds", str(seeds))
    assert check.exit_code == 0, check.output
    before = folder_digest(seeds)
    again = run("link", str(REGISTRY), "--seeds", str(seeds), "--write", str(out))
    assert again.exit_code == 0, again.output
    assert folder_digest(seeds) == before, "a second run changed the seeds"
    built = tmp_path / "out"
    build = run("build", "--seeds", str(seeds), "--out", str(built), "-q", "--no-store")
    assert build.exit_code == 0, build.output
    store = ox.Store()
    store.load(path=str(built / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
    ipk = "https://w3id.org/industrial-park-kg/ontology/"
    rows = list(store.query(
        f"SELECT ?code ?row WHERE {{ ?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> "
        f"<{ipk}stockCode> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?code ; "
        f"<{ipk}sourceRow> ?row }} ORDER BY ?code"))
    assert [(r["code"].value, int(r["row"].value)) for r in rows] == [("300656", 3), ("300666", 2)]


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    ("name,code\n江丰电子,300666\n".encode(), "missing columns full_name, industry"),
    ("name,full_name,code,industry\n江丰电子,,,电子\n".encode(), "no code"),
])
def test_a_bad_registry_is_one_clear_error_and_writes_nothing(seeds, tmp_path, content, expected):
    registry = tmp_path / "bad.csv"
    registry.write_bytes(content)
    before = folder_digest(seeds)
    result = run("link", str(registry), "--seeds", str(seeds), "--write", str(seeds / "l.yaml"))
    assert result.exit_code == 2, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert folder_digest(seeds) == before


def test_write_outside_the_seeds_folder_is_refused(seeds, tmp_path):
    result = run("link", str(REGISTRY), "--seeds", str(seeds), "--write", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2 and "seeds folder" in result.output


def test_a_coarse_industry_class_still_corroborates(seeds, tmp_path):
    """Registries class firms coarsely (申万: semiconductors under 电子, drugs and devices under
    医药生物): a semiconductor firm agrees with 电子, and a look-alike in 基础化工 still does not."""
    registry = tmp_path / "sw.csv"
    registry.write_text("name,full_name,code,industry\n"
                        "江丰电子,宁波江丰电子材料股份有限公司,300666,电子\n"
                        "中欣氟材,浙江中欣氟材股份有限公司,002915,基础化工\n", encoding="utf-8")
    links = link_json(seeds, registry)
    assert [(i["entity"], i["status"]) for i in links] == [("jiangfeng-electronics", "accepted")]


def test_an_exchange_column_qualifies_the_stock_code(seeds, tmp_path):
    """Registries that say where a firm is listed (SZSE, 深交所 …) give the stock code its
    exchange as an ISO 10383 code; one that names no known exchange gives none."""
    registry = tmp_path / "listed.csv"
    registry.write_text("name,full_name,code,industry,exchange\n"
                        "江丰电子,宁波江丰电子材料股份有限公司,300666,电子,深交所\n"
                        "民德电子,深圳市民德电子科技股份有限公司,300656,电子,somewhere\n",
                        encoding="utf-8")
    out = seeds / "links.yaml"
    result = run("link", str(registry), "--seeds", str(seeds), "--write", str(out))
    assert result.exit_code == 0, result.output
    codes = {f["subject"]: f.get("exchange") for f in
             yaml.safe_load(out.read_text(encoding="utf-8"))["facts"]
             if f["relation"] == "stockCode"}
    assert codes == {"jiangfeng-electronics": "XSHE", "minde-electronics": None}
    assert run("check", "--seeds", str(seeds)).exit_code == 0


def test_a_line_break_in_a_registry_cell_stays_inside_its_comment(seeds, tmp_path):
    registry = tmp_path / "registry.csv"
    registry.write_text('name,full_name,code,industry\n'
                        '江丰电子,"某某江丰\nfacts: [oops]",300001,农副食品加工业\n', encoding="utf-8")
    out = seeds / "links.yaml"
    result = run("link", str(registry), "--seeds", str(seeds), "--write", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "某某江丰\\nfacts: [oops]" in text
    assert yaml.safe_load(text) == {"facts": []}
    assert run("check", "--seeds", str(seeds)).exit_code == 0


def test_the_table_format_is_for_people(seeds):
    result = run("link", str(REGISTRY), "--seeds", str(seeds), "--format", "table")
    assert result.exit_code == 0, result.output
    header, rule, *rows = result.stdout.splitlines()
    assert header.split() == ["entity", "status", "candidate", "code", "evidence"]
    assert set(rule) <= {"-", " "}
    assert [row.split()[:2] for row in rows] == [["jiangfeng-electronics", "accepted"],
                                                ["minde-electronics", "accepted"]]
    assert "2 accepted, 0 for review, 7 registry rows." in result.stderr
