"""Questions about the page, asked of the built graph with SPARQL (Oxigraph).

Each answer below was read off the source page by a person; the graph must give it back.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from helpers import SEEDS
from kg.seeds.loader import squash
from kg.sparql.run import PROLOGUE

ID = "https://w3id.org/industrial-park-kg/id/"


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(built / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    return s


def values(store, query: str, var: str) -> set[str]:
    prefixes = PROLOGUE + "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    return {row[var].value for row in store.query(prefixes + query)}


def labels_of(store, relation: str, subject_label: str) -> set[str]:
    return values(store, f"""SELECT ?l WHERE {{
        ?s rdfs:label "{subject_label}"@zh ; ipk:{relation} ?o . ?o rdfs:label ?l .
        FILTER(lang(?l) = "zh") }}""", "l")


def test_every_company_on_the_page_is_a_company(store):
    names = values(store, 'SELECT ?l WHERE { ?c a ipk:Company ; rdfs:label ?l FILTER(lang(?l)="zh") }', "l")
    for name in ["中欣晶圆", "江丰电子", "民德电子", "富乐德", "晶睿电子", "旺荣", "广芯微", "杰祥科技",
                 "健仕传动", "天裕型钢", "得利亚自动化", "高崎智能", "同创(丽水)特种材料有限公司",
                 "特尔阀门高科技材料有限公司", "浙江德明汽车零部件有限公司", "世格宠物", "潮鸟科技",
                 "知脊见康", "瑞联医疗", "医准智能", "浙江中广电器集团股份有限公司"]:
        assert name in names, name


def test_enterprise_groups(store):
    groups = values(store, """SELECT ?l WHERE { ?g a ipk:EnterpriseGroup ; rdfs:label ?l }""", "l")
    assert {"中欣晶圆系", "江丰电子系", "民德电子系"} <= {g.strip("“”") for g in groups}


def test_semiconductor_chain_has_six_ordered_segments(store):
    rows = list(store.query(PROLOGUE + """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?l ?n WHERE { ?chain ipk:hasSegment ?seg . ?chain rdfs:label "半导体全产业链"@zh .
        ?seg ipk:segmentOrder ?n ; rdfs:label ?l FILTER(lang(?l)="zh") } ORDER BY ?n"""))
    assert [r["l"].value for r in rows] == ["芯片材料", "装备", "设计", "制造", "封测", "应用"]


def test_teer_valve_profile(store):
    assert labels_of(store, "hasBrand", "特尔阀门高科技材料有限公司") == {"TEER"}
    assert labels_of(store, "exportsTo", "特尔阀门高科技材料有限公司") == {"中东", "欧洲", "美洲"}
    assert {"智能低温阀门", "智能控制阀门", "智能管线阀门"} <= labels_of(
        store, "makes", "特尔阀门高科技材料有限公司")
    years = values(store, """SELECT ?y WHERE { ?st rdf:subject ?c ; rdf:predicate ipk:settledIn ;
        ipk:year ?y . ?c rdfs:label "特尔阀门高科技材料有限公司"@zh }""", "y")
    assert years == {"2011"}


def test_approximate_figures_keep_their_qualifier(store):
    rows = list(store.query(PROLOGUE + """SELECT ?amount ?approx WHERE {
        ?chain rdfs:label "滚动功能部件产业链"@zh ; ipk:enterpriseCount ?q .
        ?q ipk:amount ?amount ; ipk:approximation ?approx }"""))
    assert [(Decimal(r["amount"].value), r["approx"].value.rsplit("/", 1)[-1]) for r in rows] == \
        [(400, "MoreThan")]
    invest = list(store.query(PROLOGUE + """SELECT ?amount ?norm ?approx WHERE {
        ?p rdfs:label "半导体芯片产业园二期项目"@zh ; ipk:totalInvestment ?q .
        ?q ipk:amount ?amount ; ipk:normalizedAmount ?norm ; ipk:approximation ?approx }"""))
    assert [(Decimal(r["amount"].value), Decimal(r["norm"].value),
             r["approx"].value.rsplit("/", 1)[-1]) for r in invest] == \
        [(Decimal("4.94"), 494_000_000, "About")]


def test_six_graduated_five_named(store):
    count = values(store, """SELECT ?a WHERE { ?p rdfs:label "生物医药产业园"@zh ;
        ipk:graduatedEnterpriseCount ?q . ?q ipk:amount ?a }""", "a")
    assert {Decimal(c) for c in count} == {6}
    named = values(store, """SELECT ?c WHERE { ?c ipk:incubatedBy ?p .
        ?p rdfs:label "生物医药产业园"@zh }""", "c")
    assert len(named) == 5


def test_little_giant_2024_for_jingrui(store):
    rows = values(store, """SELECT ?y WHERE { ?st rdf:subject ?c ; rdf:predicate ipk:hasHonour ;
        rdf:object ?h ; ipk:year ?y . ?c rdfs:label "晶睿电子"@zh .
        ?h rdfs:label "国家级专精特新“小巨人”企业"@zh }""", "y")
    assert rows == {"2024"}


def test_key_provincial_smes_are_proposed_by_the_provincial_department(store):
    rows = list(store.query(PROLOGUE + """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT ?c ?body ?stage WHERE {
        ?st rdf:predicate ipk:hasHonour ; rdf:subject ?c ; rdf:object ?h ;
            ipk:awardedBy ?b ; ipk:stage ?stage ; ipk:year "2025"^^xsd:gYear .
        ?h skos:altLabel "重点省专"@zh . ?b rdfs:label ?body FILTER(lang(?body) = "zh") }"""))
    assert len(rows) == 3
    assert {r["body"].value for r in rows} == {"浙江省经济和信息化厅"}
    assert {r["stage"].value.rsplit("/", 1)[-1] for r in rows} == {"Proposed"}


def test_every_statement_has_a_verbatim_quote_from_its_article(store):
    """Independent of the loader: read the archived page and the article line ranges from RDF."""
    page = (SEEDS / "sources" / "lishui-edz-news-page.txt").read_text(encoding="utf-8").splitlines()
    rows = list(store.query(PROLOGUE + """SELECT ?x ?quote ?start ?end WHERE {
        ?x ipk:quote ?quote ; prov:wasDerivedFrom ?art .
        ?art ipk:lineStart ?start ; ipk:lineEnd ?end }"""))
    assert len(rows) > 300
    for r in rows:
        text = squash("\n".join(page[int(r["start"].value) - 1:int(r["end"].value)]))
        assert squash(r["quote"].value) in text, (r["x"].value, r["quote"].value)


def test_no_fact_lacks_source_or_quote(store):
    from kg.sparql.stats import graph_stats

    stats = graph_stats(store)
    assert stats.unsourced == 0
    assert stats.facts > 250
