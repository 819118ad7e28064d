"""The ontology declares every term the graph uses, matches kg.seeds.schema, and the shapes bite."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from helpers import ONTOLOGY, validate_both
from kg.seeds import schema
from kg.rdf.namespace import IPK

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
                  "stage": IPK.Stage, "quantity": IPK.Quantity, "code": XSD.string,
                  "iri": RDFS.Resource}


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


@pytest.mark.slow
def test_built_graph_conforms(graph):
    result = validate_both(graph)
    assert result.conforms, [str(v) for v in result.violations[:5]]


@pytest.mark.slow
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
    result = validate_both(broken)
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
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    found = {}
    for alternatives in shapes.objects(None, SH["or"]):
        members = list(Collection(shapes, alternatives))
        paths = [shapes.value(m, SH.path) for m in members]
        if len(members) == 2 and paths[1] == RDF.predicate:
            found[paths[0]] = set(Collection(shapes, shapes.value(members[1], SH["in"])))
    assert set(found) == {URIRef(NS + q.prop) for q in schema.STATEMENT_QUALIFIERS}
    for q in schema.STATEMENT_QUALIFIERS:
        expected = {IPK[r.name] for r in schema.RELATIONS.values() if q.key in r.qualifiers}
        assert found[URIRef(NS + q.prop)] == expected, q.key


# -- The qualifier and stage tables of kg.seeds.schema against the hand-written .ttl files -------

# Terms on statement and Quantity nodes that are not qualifiers: the mapper writes them from
# other seed keys (quote:, row:, inferred:, quantity:).
NOT_QUALIFIERS = {IPK.quote, IPK.sourceRow, IPK.inferred, IPK.inferenceNote, IPK.amount, IPK.unit,
                  IPK.unitText, IPK.approximation, IPK.normalizedAmount, IPK.normalizedUnit}
NODE_CLASS = {"statement": RDF.Statement, "quantity": IPK.Quantity}
# What ipk.ttl's rdfs:range and shapes.ttl's sh:datatype / sh:class allow, by kind of value.
KIND_RANGES = {"year": {XSD.gYear}, "integer": {XSD.integer}, "date": {XSD.gYearMonth, XSD.date},
               "text": {RDF.langString}, "stage": {IPK.Stage}, "code": {XSD.string},
               "exchange": {XSD.string}}


def _allowed_range(q: schema.Qualifier) -> set[URIRef]:
    return {URIRef(NS + t) for t in q.refs} if q.kind == "entity" else KIND_RANGES[q.kind]


def _union(graph: Graph, node) -> set:
    """A class or datatype, or the members of its owl:unionOf."""
    members = graph.value(node, OWL.unionOf)
    return {node} if members is None else set(Collection(graph, members))


def _labels(graph: Graph, term: URIRef) -> dict[str, str]:
    return {label.language: str(label) for label in graph.objects(term, RDFS.label)}


def test_ontology_declares_exactly_the_qualifier_table(ontology):
    for on, cls in NODE_CLASS.items():
        in_ontology = set(ontology.subjects(RDFS.domain, cls)) - NOT_QUALIFIERS
        in_table = {URIRef(NS + q.prop) for q in schema.QUALIFIERS.values() if q.on == on}
        assert in_ontology - in_table == set(), f"ipk.ttl only, on {on} nodes"
        assert in_table - in_ontology == set(), f"kg.seeds.schema.QUALIFIERS only, on {on} nodes"
    for q in schema.QUALIFIERS.values():
        term = URIRef(NS + q.prop)
        assert _labels(ontology, term) == {"zh": q.zh, "en": q.en}, q.key
        assert _union(ontology, ontology.value(term, RDFS.range)) == _allowed_range(q), q.key
        kind = OWL.ObjectProperty if q.node else OWL.DatatypeProperty
        assert (term, RDF.type, kind) in ontology, q.key


def _property_shapes(shapes: Graph, cls: URIRef) -> dict:
    """sh:path -> property shape, over the node shapes that target `cls`."""
    return {shapes.value(p, SH.path): p for shape in shapes.subjects(SH.targetClass, cls)
            for p in shapes.objects(shape, SH.property)}


def _constraint(shapes: Graph, prop_shape) -> set:
    """The datatypes or classes a property shape allows, directly or as sh:or alternatives."""
    alternatives = shapes.value(prop_shape, SH["or"])
    nodes = [prop_shape] if alternatives is None else list(Collection(shapes, alternatives))
    return {t for n in nodes for p in (SH.datatype, SH["class"]) for t in shapes.objects(n, p)}


def test_shapes_constrain_exactly_the_qualifier_table():
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    for on, cls in NODE_CLASS.items():
        constrained = {path for path in _property_shapes(shapes, cls)
                       if str(path).startswith(NS)} - NOT_QUALIFIERS
        in_table = {URIRef(NS + q.prop) for q in schema.QUALIFIERS.values() if q.on == on}
        assert in_table - constrained == set(), f"not constrained by shapes.ttl on {on} nodes"
        assert constrained - in_table == set(), f"shapes.ttl only, on {on} nodes"
    for q in schema.QUALIFIERS.values():
        prop_shape = _property_shapes(shapes, NODE_CLASS[q.on])[URIRef(NS + q.prop)]
        assert _constraint(shapes, prop_shape) == _allowed_range(q), q.key


def test_ontology_declares_exactly_the_stage_table(ontology):
    in_ontology = set(ontology.subjects(RDF.type, IPK.Stage))
    assert in_ontology == {URIRef(NS + s.local) for s in schema.STAGES.values()}
    for stage in schema.STAGES.values():
        assert _labels(ontology, URIRef(NS + stage.local)) == {"zh": stage.zh, "en": stage.en}
