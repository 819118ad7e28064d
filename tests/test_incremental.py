"""Incremental validation: the nodes `focus_nodes` picks give the verdict of a full run.

Each mutation of the real graph is validated in full by pySHACL (the reference) and on the focus
nodes only, on their neighbourhood, by pyshacl-turbo (what a rebuild runs): both must name the
same violating nodes.
"""

from __future__ import annotations

import io
import random

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.rdf.incremental import (RDF_TYPE as TYPE, SortedNTriples, focus_nodes, neighbourhood,
                                parse_lines, sorted_difference)
from kg.rdf.validate import incoming_predicates, validate_graph, validate_store
from helpers import ONTOLOGY

IPK = "https://w3id.org/industrial-park-kg/ontology/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def test_every_shape_path_is_one_predicate():
    """focus_nodes looks one step around a change: a longer path would need more."""
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl")
    paths = list(shapes.objects(None, SH.path))
    assert paths
    assert all(isinstance(p, URIRef) for p in paths), [p for p in paths if isinstance(p, BNode)]
    # A shape nested under a property shape applies to the values: a path there is a second
    # hop. Under a node shape it applies to the focus node itself, which is fine.
    for owner in set(shapes.subjects(SH.path, None)):
        nested = [m for union in shapes.objects(owner, SH["or"])
                  for m in Collection(shapes, union)]
        nested += [m for p in (SH.node, SH.qualifiedValueShape) for m in shapes.objects(owner, p)]
        assert not [m for m in nested if (m, SH.path, None) in shapes], owner

def test_sorted_difference_reads_both_files_once():
    old = b"<a> <p> <b> .\n<a> <p> <c> .\n<d> <p> <e> .\n"
    new = b"<a> <p> <c> .\n<a> <p> <z> .\n<d> <p> <e> .\n<f> <p> <g> .\n"
    added, removed = sorted_difference(io.BytesIO(old), io.BytesIO(new))
    assert added == [b"<a> <p> <z> .", b"<f> <p> <g> ."]
    assert removed == [b"<a> <p> <b> ."]
    assert sorted_difference(io.BytesIO(new), io.BytesIO(new)) == ([], [])


def _violating(lines: list[bytes], focus=None) -> set[str]:
    """The focus nodes with a violation: pySHACL on everything (the reference), or
    pyshacl-turbo on `focus` only (what a rebuild runs)."""
    data = b"\n".join(lines) + b"\n"
    if focus is None:
        result = validate_graph(Graph().parse(data=data.decode(), format="nt"), ONTOLOGY)
    else:
        result = validate_store(neighbourhood(SortedNTriples(data), focus,
                                              incoming_predicates(ONTOLOGY)),
                                ONTOLOGY, focus_nodes=focus)
    found = {r.focus for r in result.results}
    assert result.conforms == (not found)
    return found


def _mutations(lines: list[bytes], rnd: random.Random) -> list[tuple[str, list[bytes]]]:
    """Broken variants of a conforming graph: a triple removed, a type changed, a wrong value."""
    typed = [line for line in lines if RDF_TYPE.encode() in line]
    out = []
    for _ in range(3):
        drop = rnd.choice(lines)
        out.append(("remove a triple", [line for line in lines if line != drop]))
    for _ in range(3):
        line = rnd.choice(typed)
        subject = line.split(b" ", 1)[0]
        wrong = f"{subject.decode()} {RDF_TYPE} <{IPK}Quantity> .".encode()
        out.append(("retype a node", sorted(set(lines) - {line} | {wrong})))
    subjects = sorted({line.split(b" ", 1)[0] for line in typed})
    for relation in ("locatedIn", "locatedIn", "hasFigure", "hasFigure"):
        # hasFigure makes its object a figure to check (sh:targetObjectsOf)
        a, b = rnd.sample(subjects, 2)
        link = f"{a.decode()} <{IPK}{relation}> {b.decode()} .".encode()
        out.append((f"link two nodes by {relation}", sorted(set(lines) | {link})))
    return out


@pytest.mark.slow
def test_focus_validation_gives_the_full_verdict(built):
    lines = sorted(line for line in (built / "kg.nt").read_bytes().splitlines() if line)
    rnd = random.Random(9)
    seen_broken = 0
    for what, mutated in _mutations(lines, rnd):
        added, removed = sorted_difference(io.BytesIO(b"\n".join(lines)),
                                           io.BytesIO(b"\n".join(mutated)))
        graph = SortedNTriples(b"\n".join(mutated) + b"\n")
        focus = focus_nodes(parse_lines(added + removed), graph)
        full = _violating(mutated)
        assert _violating(mutated, focus) == full, what
        seen_broken += bool(full)
    assert seen_broken >= 5  # the mutations do break the graph


def _store_neighbourhood(store: ox.Store, nodes) -> set[ox.Quad]:
    """The reference: the same neighbourhood read from a store's indexes."""
    quads: set[ox.Quad] = set()
    for node in nodes:
        for quad in store.quads_for_pattern(node, None, None):
            quads.add(quad)
            if isinstance(quad.object, ox.NamedNode):
                quads.update(store.quads_for_pattern(quad.object, TYPE, None))
        quads.update(store.quads_for_pattern(None, None, node))
    return quads


def test_kg_nt_lines_are_sorted_bytewise(built):
    """What SortedNTriples bisects on, and what sorted_difference reads in one pass."""
    lines = (built / "kg.nt").read_bytes().splitlines()
    assert lines == sorted(lines)
    assert len(set(lines)) == len(lines)


def test_sorted_lines_read_what_a_store_gives(built):
    """Every node's own triples, the triples pointing at it and whole neighbourhoods of
    random node sets: the same from the sorted lines as from a store of them."""
    data = (built / "kg.nt").read_bytes()
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    graph = SortedNTriples(data)
    nodes = sorted({q.subject for q in store if isinstance(q.subject, ox.NamedNode)}
                   | {q.object for q in store if isinstance(q.object, ox.NamedNode)},
                   key=lambda n: n.value)

    def stored(lines: list[bytes]) -> set[ox.Quad]:  # a store writes decimals canonically
        found = ox.Store()
        found.extend(ox.Quad(t.subject, t.predicate, t.object) for t in parse_lines(lines))
        return set(found)

    pointed = 0
    for node in nodes:
        own = set(store.quads_for_pattern(node, None, None))
        assert stored(graph.subject_lines(node)) == own, node
        incoming = set(store.quads_for_pattern(None, None, node))
        assert stored(graph.object_lines([node])) == incoming, node
        some_predicates = {q.predicate.value for q in list(incoming)[::2]}
        assert stored(graph.object_lines([node], some_predicates)) == \
            {q for q in incoming if q.predicate.value in some_predicates}, node
        pointed += bool(incoming)
    assert pointed > 100  # the page's graph links its nodes
    rnd = random.Random(4)
    for size in (0, 1, 3, 10, 40):
        some = rnd.sample(nodes, size)
        assert set(neighbourhood(graph, some)) == _store_neighbourhood(store, some)
    # Nodes the graph does not hold: nothing, wherever they would sort.
    for iri in ("http://a.example/", "https://w3id.org/industrial-park-kg/id/company/zzz",
                "https://w3id.org/industrial-park-kg/id/company/", "urn:~"):
        assert graph.subject_lines(ox.NamedNode(iri)) == []
        assert graph.object_lines([ox.NamedNode(iri)]) == []


def test_the_shapes_read_incoming_triples_of_their_object_targets_only(tmp_path):
    """A rebuild's neighbourhoods hold the triples pointing at a node by the predicates of
    sh:targetObjectsOf alone; a shape reading a path backwards would need them all."""
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl")
    wanted = {str(o) for o in shapes.objects(None, SH.targetObjectsOf)}
    assert IPK + "hasFigure" in wanted
    assert incoming_predicates(ONTOLOGY) == wanted
    backwards = tmp_path / "ontology"
    backwards.mkdir()
    (backwards / "ipk.ttl").write_bytes((ONTOLOGY / "ipk.ttl").read_bytes())
    (backwards / "shapes.ttl").write_text(
        (ONTOLOGY / "shapes.ttl").read_text("utf-8") + """
ipks:ParkOfCompanyShape a sh:NodeShape ;
    sh:targetClass ipk:Park ;
    sh:property [ sh:path [ sh:inversePath ipk:locatedIn ] ; sh:class ipk:Company ] .
""", "utf-8")
    assert incoming_predicates(backwards) is None


def test_sorted_lines_at_the_ends_of_the_file():
    """The first and the last line are found, with or without a final line break."""
    lines = [b"<x:a> <x:p> <x:b> .", b"<x:b> <x:p> \"<x:a> .\" .", b"<x:z> <x:p> <x:a> ."]
    for data in (b"\n".join(lines), b"\n".join(lines) + b"\n"):
        graph = SortedNTriples(data)
        assert graph.subject_lines(ox.NamedNode("x:a")) == lines[:1]
        assert graph.subject_lines(ox.NamedNode("x:z")) == lines[2:]
        # a literal ending like an IRI object is not a triple pointing at the node
        assert graph.object_lines([ox.NamedNode("x:a")]) == lines[2:]
        assert graph.object_lines([ox.NamedNode("x:b")]) == lines[:1]


def test_apply_difference_gives_the_new_sorted_lines():
    """Lines added and removed anywhere, at both ends and side by side, by bisection; refused
    when an added line is there already or a removed one is not."""
    from kg.rdf.incremental import apply_difference

    rnd = random.Random(11)
    for _ in range(2000):
        pool = sorted({bytes([97 + rnd.randrange(6)]) * rnd.randint(1, 3) for _ in range(10)})
        old = sorted(rnd.sample(pool, rnd.randint(0, len(pool))))
        new = sorted(rnd.sample(pool, rnd.randint(0, len(pool))))
        data = b"".join(line + b"\n" for line in old)
        graph = SortedNTriples(data)
        assert [line for line in pool if graph.holds(line)] == old
        added = [line for line in new if line not in old]
        removed = [line for line in old if line not in new]
        assert apply_difference(data, added, removed) == b"".join(line + b"\n" for line in new)
        if old:
            assert apply_difference(data, [rnd.choice(old)], []) is None
        if len(old) < len(pool):
            assert apply_difference(data, [], [rnd.choice(sorted(set(pool) - set(old)))]) is None
