"""The RDF → networkx projection keeps entities and entity links, and nothing else."""

from __future__ import annotations

import pytest

from kg.graph.files import EDGE_COLUMNS
from kg.graph.projection import project
from kg.rdf.read import load_graph_file
from kg.seeds import schema


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
        "<https://w3id.org/industrial-park-kg/ontology/NewspaperPage>)) }")))["n"].value)
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
    keys = [q.key for q in schema.STATEMENT_QUALIFIERS]
    base = {"relation", "label", "label_en", "statement", "quote", "source", "inferred"}
    assert all(set(d) == base | set(keys) for _, _, d in g.edges(data=True))
    assert [attr for _h, attr in EDGE_COLUMNS if attr in keys] == keys
    by_key = {}
    for _, _, d in g.edges(data=True):
        for key in keys:
            if d[key] is not None:
                by_key.setdefault(key, set()).add(type(d[key]))
    assert set(by_key) == set(keys)  # the real seeds use every statement qualifier
    for q in schema.STATEMENT_QUALIFIERS:
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
