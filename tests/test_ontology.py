"""The ontology declares every term the graph uses, matches kg.seeds.schema, and the shapes bite."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from conftest import ONTOLOGY
from kg.seeds import schema
from kg.rdf.namespace import IPK
from kg.rdf.validate import validate_graph

NS = str(IPK._NS)
DECLARING = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
             OWL.NamedIndividual, RDF.Property}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "ipk.ttl", format="turtle")


@pytest.fixture(scope="module")
def graph(built) -> Graph:
    return Graph().parse(built / "kg.ttl", format="turtle")


def declared(ontology: Graph) -> set[URIRef]:
    return {s for t in DECLARING for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef)}


def test_namespace_and_ontology_declare_the_same_terms(ontology):
    in_namespace = {URIRef(NS + name) for name in IPK.__annotations__}
    in_ontology = {t for t in declared(ontology) if str(t).startswith(NS)}
    assert in_namespace - in_ontology == set(), "declared in kg/namespace.py only"
    assert in_ontology - in_namespace == set(), "declared in ontology/ipk.ttl only"


def test_graph_uses_no_undeclared_term(ontology, graph):
    known = declared(ontology) | {RDF.type, RDFS.label}
    used = set()
    for s, p, o in graph:
        used.add(p)
        if p == RDF.type:
            used.add(o)
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith(NS):
                used.add(term)
    assert used - known == set()
    assert RDF.Statement in used and IPK.hasHonour in used


def test_every_term_has_zh_and_en_labels_and_a_definition(ontology):
    for term in (t for t in declared(ontology) if str(t).startswith(NS)):
        langs = {l.language for l in ontology.objects(term, RDFS.label) if isinstance(l, Literal)}
        assert {"zh", "en"} <= langs, f"{term} lacks a zh or en label"
        assert ontology.value(term, SKOS.definition) is not None, f"{term} lacks a definition"


def _classes(ontology: Graph, node) -> list[str]:
    if node is None:
        return []
    if isinstance(node, URIRef):
        return [str(node)[len(NS):]] if str(node).startswith(NS) else [str(node)]
    members = ontology.value(node, OWL.unionOf)
    return [_classes(ontology, m)[0] for m in Collection(ontology, members)]


LITERAL_RANGES = {"text": RDF.langString, "year": URIRef("http://www.w3.org/2001/XMLSchema#gYear"),
                  "stage": IPK.Stage, "quantity": IPK.Quantity}


def test_domains_and_ranges_match_the_schema(ontology):
    for rel in schema.RELATIONS.values():
        term = IPK[rel.name]
        domain = _classes(ontology, ontology.value(term, RDFS.domain))
        expected = [] if len(rel.domain) == len(schema.ENTITY_TYPES) else list(rel.domain)
        assert domain == expected, rel.name
        rng = ontology.value(term, RDFS.range)
        if rel.literal:
            assert rng == LITERAL_RANGES[rel.range], rel.name
        else:
            assert _classes(ontology, rng) == list(rel.range), rel.name
        if rel.figure:
            assert (term, RDFS.subPropertyOf, IPK.hasFigure) in ontology


def test_every_class_has_a_shape(ontology):
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    targets = set(shapes.objects(None, SH.targetClass))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class)
               if isinstance(c, URIRef) and str(c).startswith(NS)}
    assert classes - targets == set()
    assert RDF.Statement in targets


def test_built_graph_conforms(graph):
    result = validate_graph(graph, ONTOLOGY)
    assert result.conforms, [str(v) for v in result.violations[:5]]


def test_shapes_catch_a_statement_without_quote_and_a_bad_quantity(graph):
    broken = Graph()
    for prefix, ns in graph.namespaces():
        broken.bind(prefix, ns)
    for triple in graph:
        broken.add(triple)
    stmt = next(broken.subjects(RDF.type, RDF.Statement))
    broken.remove((stmt, IPK.quote, None))
    quantity = next(broken.subjects(RDF.type, IPK.Quantity))
    broken.remove((quantity, IPK.unit, None))
    honour = next(broken.subjects(RDF.type, IPK.Honour))
    broken.remove((honour, IPK.level, None))
    result = validate_graph(broken, ONTOLOGY)
    assert not result.conforms
    paths = {(v.focus, v.path) for v in result.violations}
    short = broken.namespace_manager.normalizeUri
    assert (short(stmt), "ipk:quote") in paths
    assert (short(quantity), "ipk:unit") in paths
    assert (short(honour), "ipk:level") in paths


def _in_lists(shapes: Graph) -> list[set]:
    return [set(Collection(shapes, node)) for node in shapes.objects(None, SH["in"])]


def test_statement_shape_lists_exactly_the_schema_relations():
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    everything = {IPK[name] for name in schema.RELATIONS}
    assert everything in _in_lists(shapes)


def test_qualifier_shapes_allow_exactly_the_schema_relations():
    from kg.rdf.mapping import STATEMENT_QUALIFIERS

    shapes = Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    found = {}
    for alternatives in shapes.objects(None, SH["or"]):
        members = list(Collection(shapes, alternatives))
        paths = [shapes.value(m, SH.path) for m in members]
        if len(members) == 2 and paths[1] == RDF.predicate:
            found[paths[0]] = set(Collection(shapes, shapes.value(members[1], SH["in"])))
    for key, prop in STATEMENT_QUALIFIERS.items():
        expected = {IPK[r.name] for r in schema.RELATIONS.values() if key in r.qualifiers}
        assert found.get(prop) == expected, key


def _labels(graph: Graph, term: URIRef) -> dict[str, str]:
    return {label.language: str(label) for label in graph.objects(term, RDFS.label)}


def test_ontology_declares_exactly_the_stage_table(ontology):
    in_ontology = set(ontology.subjects(RDF.type, IPK.Stage))
    assert in_ontology == {URIRef(NS + s.local) for s in schema.STAGES.values()}
    for stage in schema.STAGES.values():
        assert _labels(ontology, URIRef(NS + stage.local)) == {"zh": stage.zh, "en": stage.en}
