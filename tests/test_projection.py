"""The RDF → networkx projection keeps entities and entity links, and nothing else."""

from __future__ import annotations

import importlib.util

import pytest

from helpers import ONTOLOGY, ROOT
from kg.build import build
from kg.graph.files import EDGE_COLUMNS
from kg.graph.projection import project, project_triples
from kg.rdf.read import load_graph_file
from kg.seeds import schema
from sparql_projection import sparql_project


@pytest.fixture(scope="module")
def store(built):
    return load_graph_file(built / "kg.ttl")


def test_nodes_are_exactly_the_entities(store):
    g = project(store)
    entities = int(next(iter(store.query(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c . "
        "FILTER(STRSTARTS(STR(?c), 'https://w3id.org/industrial-park-kg/ontology/')) "
        "FILTER(?c NOT IN (<https://w3id.org/industrial-park-kg/ontology/Quantity>, "
        "<https://w3id.org/industrial-park-kg/ontology/Article>, "
        "<https://w3id.org/industrial-park-kg/ontology/NewspaperPage>, "
        "<https://w3id.org/industrial-park-kg/ontology/Table>)) }")))["n"].value)
    assert g.number_of_nodes() == entities
    assert g.nodes["jingrui-electronics"]["label"] == "晶睿电子"
    assert g.nodes["jingrui-electronics"]["cls"] == "Company"
    assert not any(str(n).isdigit() for n in g)  # no year became a node


def test_edges_carry_their_statement_qualifiers_and_quote(store):
    g = project(store)
    [edge] = [d for _, o, d in g.out_edges("jingrui-electronics", data=True)
              if d["relation"] == "hasHonour"]
    assert edge["year"] == 2024 and "小巨人" in edge["quote"] and edge["source"] == "art2-clusters"
    stmt_edges = [d for _, _, d in g.edges(data=True) if d["statement"]]
    object_facts = int(next(iter(store.query(
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "SELECT (COUNT(?st) AS ?n) WHERE { ?st a rdf:Statement ; rdf:object ?o . "
        "?o <http://www.w3.org/2000/01/rdf-schema#label> ?l . "
        "FILTER NOT EXISTS { ?o a <https://w3id.org/industrial-park-kg/ontology/Quantity> } "
        "FILTER(lang(?l) = 'zh') }")))["n"].value)
    assert len(stmt_edges) == object_facts


def test_every_edge_has_one_attribute_per_statement_qualifier_and_one_column(store):
    g = project(store)
    keys = [q.key for q in schema.EDGE_QUALIFIERS]
    base = {"relation", "label", "label_en", "statement", "quote", "source", "inferred"}
    assert all(set(d) == base | set(keys) for _, _, d in g.edges(data=True))
    assert [attr for _h, attr in EDGE_COLUMNS if attr in keys] == keys
    by_key = {}
    for _, _, d in g.edges(data=True):
        for key in keys:
            if d[key] is not None:
                by_key.setdefault(key, set()).add(type(d[key]))
    assert set(by_key) == set(keys)  # the real seeds use every statement qualifier
    for q in schema.EDGE_QUALIFIERS:
        assert by_key[q.key] == {int if q.integer else str}, q.key
    for _, _, d in g.edges(data=True):  # entities and stages by local name
        assert d["awarded_by"] is None or g.nodes[d["awarded_by"]]["cls"] == "PublicBody"
        assert d["stage"] is None or d["stage"] in schema.STAGE_BY_LOCAL


def test_chain_order_is_in_the_projection(store):
    g = project(store)
    order = ["sc-chip-materials"]
    while True:
        nxt = [o for _, o, d in g.out_edges(order[-1], data=True) if d["relation"] == "upstreamOf"]
        if not nxt:
            break
        order.append(nxt[0])
    assert len(order) == 6 and order[-1] == "sc-application"


def test_projection_does_not_change_the_store(store):
    before = len(store)
    g1, g2 = project(store), project(store)
    assert len(store) == before
    assert g1 is not g2 and sorted(g1.edges(keys=True)) == sorted(g2.edges(keys=True))


def as_lists(g):
    """Everything a projection holds, in its order: nodes and edges with their attributes."""
    return list(g.nodes(data=True)), list(g.edges(keys=True, data=True))


def test_equals_the_sparql_formulation_on_the_seeds(store):
    assert as_lists(project(store)) == as_lists(sparql_project(store))


def default_triples(store):
    import pyoxigraph as ox

    return [(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def test_projecting_triples_in_hand_equals_projecting_their_store(store):
    assert as_lists(project_triples(default_triples(store))) == as_lists(project(store))


def test_equals_the_sparql_formulation_on_a_synthetic_province(tmp_path):
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec and spec.loader
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    synth.generate(parks=3, companies=80, out=tmp_path / "seeds", seed=3)
    build(tmp_path / "seeds", tmp_path / "out", ONTOLOGY, validate=False, with_store=False)
    synthetic = load_graph_file(tmp_path / "out" / "kg.nt")
    g = project(synthetic)
    assert g.number_of_nodes() > 100 and g.number_of_edges() > 200
    assert as_lists(g) == as_lists(sparql_project(synthetic))
    # What a build projects: the mapped triples themselves, never loaded into a store.
    from kg.rdf.mapping import map_seeds
    from kg.seeds.loader import load_seeds
    assert as_lists(project_triples(map_seeds(load_seeds(tmp_path / "seeds")).triple_rows())) \
        == as_lists(g)


def test_the_builds_store_projects_as_its_kg_ttl(built, store):
    """The store also holds analytics.ttl and the sources' named graphs: neither leaks in."""
    from kg.project import store_of
    from kg.rdf.store import open_read_only

    assert as_lists(project(open_read_only(store_of(built)))) == as_lists(project(store))


EDGE_CASES = """
@prefix ipk: <https://w3id.org/industrial-park-kg/ontology/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://x/company/a> a ipk:Company, ipk:Organization ; rdfs:label "乙"@zh, "甲"@zh, "A"@en .
<http://x/honour/h> a ipk:Honour ; rdfs:label "荣誉"@zh .
<http://x/statement/1> a rdf:Statement ; rdf:subject <http://x/company/a> ;
    rdf:predicate ipk:hasHonour ; rdf:object <http://x/honour/h> ;
    ipk:year "2021"^^<http://www.w3.org/2001/XMLSchema#gYear>,
             "2020"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<http://x/statement/2> a rdf:Statement ; rdf:subject <http://x/company/a> ;
    rdf:predicate ipk:hasHonour ; rdf:object <http://x/literal-not-entity> .
<http://x/company/b> a ipk:Company .
<http://x/statement/3> a rdf:Statement ; rdf:subject <http://x/company/b> ;
    rdf:predicate ipk:partner ; rdf:object <http://x/company/a> ; ipk:inferred true .
<http://x/statement/4> a rdf:Statement ; rdf:subject <http://x/company/b> ;
    rdf:predicate ipk:partner ; rdf:object <http://x/company/a> .
"""


def test_several_values_give_a_fixed_answer():
    """Two zh labels: the smallest; two years on one statement: one edge each, as the SPARQL
    join gives, smallest first; a statement whose object is no entity: no edge."""
    import pyoxigraph as ox

    s = ox.Store()
    s.load(EDGE_CASES, format=ox.RdfFormat.TURTLE)
    g = project(s)
    assert g.nodes["a"]["label"] == "乙" and g.nodes["a"]["label_en"] == "A"
    assert [(k, d["year"]) for _, _, k, d in g.out_edges("a", keys=True, data=True)] == [
        ("hasHonour", 2020), ("hasHonour#2", 2021)]
    assert [(k, d["inferred"]) for _, _, k, d in g.out_edges("b", keys=True, data=True)] == [
        ("partner", True), ("partner#2", False)]
    assert as_lists(project_triples(default_triples(s))) == as_lists(g)


PROVENANCE_CASES = EDGE_CASES + """
<http://x/statement/3> ipk:quote "乙与甲合作", "甲乙合作" ;
    <http://www.w3.org/ns/prov#wasDerivedFrom> <http://x/article/one>, <http://x/article/two> .
<http://x/company/a> ipk:quote "甲公司" ; <http://www.w3.org/ns/prov#wasDerivedFrom> <http://x/article/one> .
"""


def without_provenance(g):
    """`g` with every quote, source and statement IRI left empty, as a lean projection has them."""
    lean = g.copy()
    for _n, d in lean.nodes(data=True):
        d.update(quote="", source="")
    for _u, _v, d in lean.edges(data=True):
        d.update(quote="", source="", statement=None)
    return lean


@pytest.mark.parametrize("case", ["seeds", "edge cases"])
def test_a_lean_projection_is_the_projection_without_provenance(store, case):
    """What a build analyses (provenance=False): the same nodes and edges, as many and keyed
    alike (a statement with two quotes and two sources is four edges either way), with the
    same analytics_key and the same analytics.ttl."""
    import pyoxigraph as ox

    from kg.graph.analytics import analyze
    from kg.graph.scores import analytics_key, analytics_turtle
    from kg.rdf.mapping import DEFAULT_BASE

    if case == "edge cases":
        store = ox.Store()
        store.load(PROVENANCE_CASES, format=ox.RdfFormat.TURTLE)
    full = project(store)
    lean = project_triples(default_triples(store), provenance=False)
    assert as_lists(lean) == as_lists(without_provenance(full)) != as_lists(full)
    assert as_lists(project(store, provenance=False)) == as_lists(lean)
    if case == "edge cases":
        assert [k for _u, _v, k in full.out_edges("b", keys=True)] == [
            "partner", "partner#2", "partner#3", "partner#4", "partner#5"]
    assert analytics_key(lean, DEFAULT_BASE) == analytics_key(full, DEFAULT_BASE)
    assert analytics_turtle(lean, analyze(lean), DEFAULT_BASE) \
        == analytics_turtle(full, analyze(full), DEFAULT_BASE)


def test_a_scan_of_triples_in_hand_holds_their_values_not_terms(store):
    """The scan keeps IRIs and literals as strings (a label with its language), each IRI
    held once however many triples name it."""
    import pyoxigraph as ox

    from kg.graph.projection import _LABEL, _TripleScan

    scan = _TripleScan(default_triples(store))
    held = [(p, pair) for p, pairs in scan._pairs.items() for pair in pairs]
    assert held and all(isinstance(s, str) for _p, (s, _o) in held)
    assert all(isinstance(o, ox.Literal) if p == _LABEL else isinstance(o, str)
               for p, (_s, o) in held)
    subjects = {}
    assert all(subjects.setdefault(s, s) is s for _p, (s, _o) in held)


def _changed(triples: set, edit) -> tuple[set, list, list, object]:
    """The graph after `edit` (a function of the triple set), what it added and removed,
    and its sorted lines as a build holds them."""
    import pyoxigraph as ox

    from kg.rdf.incremental import SortedNTriples

    new = edit(set(triples))
    lines = sorted(f"{ox.Triple(*t)} .".encode() for t in new)
    return (new, [ox.Triple(*t) for t in new - triples], [ox.Triple(*t) for t in triples - new],
            SortedNTriples(b"\n".join(lines) + b"\n"))


def test_changes_unread_by_analytics_keep_the_analytics_key(built):
    """unread_by_analytics says True only when the projection's analytics_key is the same, and
    says it for a quote edited on an entity or on a fact (its statement renamed) unless
    another statement links the same nodes by the same relation, and for a company renamed
    (never for a park, a chain or a segment: analytics.ttl writes their names)."""
    import random

    import pyoxigraph as ox

    from kg.graph.projection import NAMES_READ, NAMES_UNREAD, unread_by_analytics
    from kg.graph.scores import analytics_key
    from kg.rdf.mapping import DEFAULT_BASE

    ipk, rdf = "https://w3id.org/industrial-park-kg/ontology/", \
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    quote, year = ox.NamedNode(ipk + "quote"), ox.NamedNode(ipk + "year")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    triples = {(q.subject, q.predicate, q.object) for q in ox.parse(
        (built / "kg.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)}
    key = analytics_key(project_triples(triples), DEFAULT_BASE)
    statements = sorted({s for s, p, o in triples if p.value == rdf + "type"
                         and o.value == rdf + "Statement"}, key=str)
    said = {st: {(p, o) for s, p, o in triples if s == st} for st in statements}
    spo = {st: tuple(o for p, o in sorted(said[st], key=str) if p.value in (
        rdf + "subject", rdf + "predicate", rdf + "object")) for st in statements}
    linked_twice = {st for st in statements if list(spo.values()).count(spo[st]) > 1}
    quoted = sorted({s for s, p, o in triples if p == quote} - set(statements), key=str)

    def requote(node, text):
        def edit(g):
            g -= {t for t in g if t[0] == node and t[1] == quote}
            return g | {(node, quote, ox.Literal(text, language="zh"))}
        return edit

    def rename(st, text, also=lambda p, o: (p, o)):
        def edit(g):
            g -= {t for t in g if t[0] == st}
            renamed = ox.NamedNode(st.value + "-renamed")
            g |= {(renamed, *also(p, o)) for p, o in said[st] if p != quote}
            return g | {(renamed, quote, ox.Literal(text, language="zh"))}
        return edit

    quantity = ox.NamedNode(ipk + "Quantity")
    figures = [st for st in statements if any(
        p.value == rdf + "object" and (o, ox.NamedNode(rdf + "type"), quantity) in triples
        for p, o in said[st])]

    def refigure(st, text):
        """A figure's quote edited: its statement and its quantity renamed, as kg maps it."""
        [q] = [o for p, o in said[st] if p.value == rdf + "object"]
        moved = ox.NamedNode(q.value + "-renamed")

        def edit(g):
            g = rename(st, text)(g)
            return {tuple(moved if term == q else term for term in t) for t in g}
        return edit

    rnd = random.Random(3)
    kept = {"entity quote": 0, "fact quote": 0, "figure quote": 0, "company name": 0,
            "unread name": 0}
    cases = []
    for st in figures:
        cases.append(("figure quote", refigure(st, "改过的引文")))
    for node in rnd.sample(quoted, 15):
        cases.append(("entity quote", requote(node, "改过的引文")))
    for st in rnd.sample(statements, 40):
        cases.append(("fact quote" if st not in linked_twice else "linked twice",
                      rename(st, "改过的引文")))
        cases.append(("fact object", rename(st, "改过的引文", lambda p, o: (
            p, quoted[0] if p.value == rdf + "object" else o))))
        cases.append(("fact year", lambda g, st=st: g - {t for t in g if t[0] == st
                                                          and t[1] == year}
                      | {(st, year, ox.Literal("1999", datatype=ox.NamedNode(
                          "http://www.w3.org/2001/XMLSchema#gYear")))}))
    unnamed = {s for s, p, o in triples if p.value == rdf + "type"
               and o.value in {ipk + cls for cls in NAMES_UNREAD}}
    companies = {s for s, p, o in triples if p.value == rdf + "type"
                 and o.value == ipk + "Company"}
    for node in rnd.sample(quoted, 10):
        cases.append(("unread name" if node in unnamed else "label",
                      lambda g, node=node: g | {(node, label, ox.Literal("别名", language="zh"))}))
        cases.append(("second quote", lambda g, node=node: g | {(node, quote, ox.Literal("又一句", language="zh"))}))
    typed = sorted({(s, o) for s, p, o in triples if p.value == rdf + "type"
                    and o.value.startswith(ipk) and o.value[len(ipk):] in schema.ENTITY_TYPES},
                   key=str)
    for node, cls in rnd.sample(typed, 5):
        other = next(ox.NamedNode(ipk + c) for c in sorted(schema.ENTITY_TYPES)
                     if ipk + c != cls.value)
        cases.append(("retype", lambda g, node=node, cls=cls, other=other:
                      g - {(node, ox.NamedNode(rdf + "type"), cls)}
                      | {(node, ox.NamedNode(rdf + "type"), other)}))
        cases.append(("untype", lambda g, node=node, cls=cls:
                      g - {(node, ox.NamedNode(rdf + "type"), cls)}))
        cases.append(("structure", lambda g, node=node: g | {
            (node, ox.NamedNode(ipk + "upstreamOf"), typed[0][0])}))
    alt = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
    for node in rnd.sample(sorted(companies, key=str), 10):
        cases.append(("company name", lambda g, node=node: g - {
            t for t in g if t[0] == node and t[1] in (label, alt)} | {
            (node, label, ox.Literal("改名", language="zh")),
            (node, label, ox.Literal("Renamed", language="en")),
            (node, alt, ox.Literal("别称", language="zh"))}))
    named = {s for s, p, o in triples if p.value == rdf + "type"
             and o.value in {ipk + cls for cls in NAMES_READ}}
    for node in sorted(named, key=str)[:10]:
        cases.append(("assessed name", lambda g, node=node: g - {
            t for t in g if t[0] == node and t[1] == label} | {
            (node, label, ox.Literal("改名", language="zh"))}))
    cases.append(("nothing", lambda g: g))
    for what, edit in cases:
        new, added, removed, graph = _changed(triples, edit)
        if unread_by_analytics(added, removed, graph):
            assert analytics_key(project_triples(new), DEFAULT_BASE) == key, what
            assert what in kept or what == "nothing", what
            kept[what] = kept.get(what, 0) + 1
    assert kept["entity quote"] == 15
    assert kept["figure quote"] == len(figures) > 3
    assert kept["fact quote"] == sum(1 for w, _ in cases if w == "fact quote") > 20
    for what in ("company name", "unread name"):
        assert kept[what] == sum(1 for w, _ in cases if w == what) > 0, what
    assert "label" in {w for w, _ in cases}  # a place's or a chain's: never kept


def test_a_renamed_statement_beside_another_of_the_same_link_is_not_unread_by_analytics(built):
    """Two statements of one subject, relation and object are two edges, keyed in the order
    of their IRIs: renaming one may swap which edge has which year, so the scores' key moves."""
    import pyoxigraph as ox

    from kg.graph.projection import unread_by_analytics
    from kg.graph.scores import analytics_key
    from kg.rdf.mapping import DEFAULT_BASE

    year = ox.NamedNode("https://w3id.org/industrial-park-kg/ontology/year")
    triples = {(q.subject, q.predicate, q.object) for q in ox.parse(
        (built / "kg.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)}
    g = project_triples(triples)
    st_iri = next(d["statement"] for _u, _v, d in sorted(g.edges(data=True), key=str)
                  if d["year"] is not None and d["statement"])
    st = ox.NamedNode(st_iri)
    own = {(p, o) for s, p, o in triples if s == st}
    twin = ox.NamedNode(st_iri + "-twin")  # sorts after st, before st's renamed IRI
    gyear = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
    triples |= {(twin, p, o) for p, o in own if p != year} | {
        (twin, year, ox.Literal("1999", datatype=gyear))}
    key = analytics_key(project_triples(triples), DEFAULT_BASE)

    def rename(g):
        renamed = ox.NamedNode(st_iri + "-zz")
        return {t for t in g if t[0] != st} | {(renamed, p, o) for p, o in own}

    new, added, removed, graph = _changed(triples, rename)
    assert analytics_key(project_triples(new), DEFAULT_BASE) != key  # the years swapped
    assert not unread_by_analytics(added, removed, graph)


def test_a_lean_projection_of_a_graph_without_quotes_or_sources():
    """No quote and no source anywhere: counted as none, not read again (a KeyError)."""
    import pyoxigraph as ox

    s = ox.Store()
    s.load(EDGE_CASES, format=ox.RdfFormat.TURTLE)
    assert as_lists(project_triples(default_triples(s), provenance=False)) \
        == as_lists(without_provenance(project(s)))
