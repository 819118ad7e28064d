"""What a source states about a company's identity: registered name, unified social credit code,
stock code with its exchange, administrative region, an outside record's IRI. Each is a fact with
its source and quote, checked as stated, mapped with the vocabularies it aligns to, and valid
under the shapes. The source text here is made up for the test: the firm is fictional."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import InputError
from kg.seeds.loader import load_seeds

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def with_check(first17: str) -> str:
    """A code completed with its GB 32100-2015 check character, computed here independently of
    kg.match, so that the two implementations check each other."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + ALPHABET[(31 - total % 31) % 31]


CODE = with_check("91331100MA2HX7Q3K")  # a made-up company in 331100 (丽水市)
WRONG = CODE[:-1] + ALPHABET[(ALPHABET.index(CODE[-1]) + 1) % 31]
NAME = "丽水示例新材料科技有限公司"
TEXT = (f"示例新材料获评市级专精特新企业。{NAME}(统一社会信用代码:{CODE})位于丽水市,"
        "于2021年在深圳证券交易所上市,证券代码002999。\n")

SOURCES = """\
pages:
  - id: notice
    label: 示例公告
    file: sources/notice.txt
articles:
  - id: notice-1
    page: notice
    lines: [1, 1]
    title: 示例新材料获评市级专精特新企业
    byline: 示例新材料
entities:
  - {id: example-materials, type: Company, label: 示例新材料, source: notice-1, quote: 示例新材料获评}
"""

FACTS = f"""\
facts:
  - subject: example-materials
    relation: legalName
    value: {NAME}
    source: notice-1
    quote: {NAME}
  - subject: example-materials
    relation: creditCode
    value: "{CODE}"
    source: notice-1
    quote: "统一社会信用代码:{CODE}"
  - subject: example-materials
    relation: stockCode
    value: "002999"
    exchange: XSHE
    source: notice-1
    quote: 于2021年在深圳证券交易所上市,证券代码002999
  - subject: example-materials
    relation: region
    value: 丽水市
    source: notice-1
    quote: 位于丽水市
"""


@pytest.fixture
def seeds(tmp_path):
    root = tmp_path / "seeds"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "notice.txt").write_text(TEXT, encoding="utf-8")
    (root / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "facts.yaml").write_text(FACTS, encoding="utf-8")
    return root


def problems(root) -> list[str]:
    with pytest.raises(InputError) as info:
        load_seeds(root)
    return [str(p) for p in info.value.problems]


def edit(root, old, new):
    path = root / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_identity_facts_build_validate_and_align(seeds, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out), "-q",
                                       "--no-store"])
    assert result.exit_code == 0, result.output
    store = ox.Store()
    store.load(path=str(out / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
    ipk = "https://w3id.org/industrial-park-kg/ontology/"
    wanted = " ".join(f"<{ipk}{name}>" for name in ("legalName", "creditCode", "stockCode",
                                                    "region"))
    rows = {(b["p"].value.removeprefix(ipk), b["o"].value, b["o"].language,
             b["o"].language is None and b["o"].datatype.value or None)
            for b in store.query(f"SELECT ?p ?o WHERE {{ VALUES ?p {{ {wanted} }} ?s ?p ?o }}")}
    xsd_string = "http://www.w3.org/2001/XMLSchema#string"
    assert rows == {("legalName", NAME, "zh", None), ("creditCode", CODE, None, xsd_string),
                    ("stockCode", "002999", None, xsd_string), ("region", "丽水市", "zh", None)}
    [exchange] = store.query(f"SELECT ?x WHERE {{ ?st <{ipk}exchange> ?x ; "
                             f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{ipk}stockCode> }}")
    assert exchange["x"].value == "XSHE"


def test_a_wrong_check_character_is_refused_with_the_right_one(seeds):
    edit(seeds, f'value: "{CODE}"', f'value: "{WRONG}"')
    (seeds / "sources" / "notice.txt").write_text(TEXT.replace(CODE, WRONG), encoding="utf-8")
    edit(seeds, f"quote: \"统一社会信用代码:{CODE}\"", f"quote: \"统一社会信用代码:{WRONG}\"")
    [problem] = problems(seeds)
    assert problem.startswith("seeds/facts.yaml:9:")
    assert "check character" in problem and CODE[-1] in problem, problem


def test_an_identifier_must_stand_in_its_quote(seeds):
    edit(seeds, 'value: "002999"', 'value: "002998"')
    [problem] = problems(seeds)
    assert "'stockCode' '002998' is not in its quote" in problem


def test_an_exchange_by_its_common_name_gets_the_iso_code_as_hint(seeds):
    edit(seeds, "exchange: XSHE", "exchange: SZSE")
    [problem] = problems(seeds)
    assert "unknown exchange 'SZSE'" in problem and "XSHE" in problem


def test_a_stock_code_written_as_a_number_loses_no_zero_silently(seeds):
    edit(seeds, 'value: "002999"', "value: 002999")
    [problem] = problems(seeds)
    assert "must be text" in problem and "leading zeros" in problem


@pytest.mark.parametrize("iri", ["javascript:alert(1)", "https://a b/c", "file:///etc/passwd",
                                 "https://x.org/<script>"])
def test_same_as_takes_only_an_http_iri(seeds, iri):
    (seeds / "more.yaml").write_text(
        "facts:\n  - subject: example-materials\n    relation: sameAs\n"
        f"    value: \"{iri}\"\n    source: notice-1\n    quote: 示例新材料获评\n", encoding="utf-8")
    found = problems(seeds)
    assert any("is not an http(s) IRI" in p for p in found), found


def test_a_short_name_and_a_legal_name_stay_one_entity(seeds):
    loaded = load_seeds(seeds)
    assert [e.id for e in loaded.entities.values() if e.type == "Company"] == ["example-materials"]
    assert {f.relation for f in loaded.facts} == {"legalName", "creditCode", "stockCode", "region"}


def test_both_engines_agree_on_the_exchange_written_as_a_plain_literal(seeds):
    """kg.nt writes "XSHE" (RDF 1.1: the same term as "XSHE"^^xsd:string); the shapes' sh:in
    lists it the same way, so pySHACL (which tells the two apart) and pyshacl-turbo agree."""
    from rdflib import Graph

    from helpers import validate_both
    from kg.rdf.export import ntriples
    from kg.rdf.mapping import map_seeds

    text = ntriples(map_seeds(load_seeds(seeds)).triples())
    assert b'"XSHE" .' in text
    assert validate_both(Graph().parse(data=text, format="nt")).conforms
    unknown = validate_both(Graph().parse(data=text.replace(b'"XSHE"', b'"XXXX"'), format="nt"))
    assert {v.path for v in unknown.violations} == {"ipk:exchange"}
