"""The Oxigraph mapping gives exactly the quads the rdflib mapping gave (frozen in
tests/fixtures/parity before the rewrite), and its rdflib view is the same graph."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from helpers import ROOT, SEEDS
from test_projection import as_lists
from kg.graph.projection import project_triples
from kg.rdf.adapter import as_rdflib_dataset, as_rdflib_graph
from kg.rdf.export import ReadBack, ntriples, render
from kg.rdf.mapping import map_seeds
from kg.seeds.loader import load_seeds

FIXTURES = ROOT / "tests" / "fixtures"
# synth-3-60 is frozen too (parity/README.md), so the test does not follow the generator
CASES = {"seeds": SEEDS, "synth-3-60": FIXTURES / "synth-3-60"}


def frozen(name: str) -> set[ox.Quad]:
    data = gzip.decompress((FIXTURES / "parity" / f"{name}.nq.gz").read_bytes())
    return set(ox.parse(data, format=ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_mapping_gives_the_frozen_quads(name):
    mapped = map_seeds(load_seeds(CASES[name]))
    quads, want = list(mapped.quads()), frozen(name)
    assert len(quads) == len(set(quads)), "a quad came out twice"
    extra = sorted(str(q) for q in set(quads) - want)
    missing = sorted(str(q) for q in want - set(quads))
    assert not extra and not missing, (
        f"{len(extra)} quads more than the rdflib mapping gave, {len(missing)} fewer; "
        f"first extra: {extra[:3]}; first missing: {missing[:3]}. If {CASES[name]} changed on "
        "purpose, refreeze tests/fixtures/parity (see its README)")


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_rdflib_view_is_the_same_graph(name):
    mapped = map_seeds(load_seeds(CASES[name]))
    want = as_rdflib_dataset(frozen(name))
    got = as_rdflib_dataset(mapped.quads())
    assert {str(g.identifier) for g in got.graphs() if len(g)} == \
        {str(g.identifier) for g in want.graphs() if len(g)}
    for g in want.graphs():
        assert isomorphic(got.graph(g.identifier), g), g.identifier
    union = {(q.subject, q.predicate, q.object) for q in frozen(name)}
    assert isomorphic(as_rdflib_graph(mapped.triples()),
                      as_rdflib_graph(ox.Triple(*t) for t in union))


def test_rows_come_sorted_and_once():
    mapped = map_seeds(load_seeds(SEEDS))
    lines = [str(t) for t in mapped.triples()]
    assert lines == sorted(set(lines))
    assert mapped.triple_count == len(lines) < len(mapped)  # one triple sits in two graphs
    graphs = [str(q.graph_name) for q in mapped.quads()]
    assert graphs == sorted(graphs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_what_is_read_back_from_kg_nt_serialises_and_projects_as_the_rows(name, tmp_path):
    """A build lets its mapped rows go once kg.nt and kg.trig are made, and reads the rest
    back from kg.nt (ReadBack): each file and the projection come out the same."""
    mapped = map_seeds(load_seeds(CASES[name]))
    nt = ntriples(mapped.triples())
    (tmp_path / "kg.nt").write_bytes(nt)
    from_rows = render(mapped)
    for source in (nt, tmp_path / "kg.nt"):
        back = ReadBack(lambda source=source: source, mapped.triple_count)
        assert render(back, ready={"kg.trig": from_rows["kg.trig"]}) == from_rows
        assert as_lists(project_triples(back.triple_rows())) \
            == as_lists(project_triples(mapped.triple_rows()))


def _sorted_as_texts(rows):
    """What `Mapped` must give, the plain way: rows sorted as tuples of their terms' N-Triples
    texts (stable, so of a quad given twice the first row stays), each quad once."""
    keys = [tuple(str(t) for t in row) for row in rows]
    order = sorted(range(len(rows)), key=keys.__getitem__)
    kept, first, shared, graphs, last = [], [], {}, {}, None
    for i in order:
        triple = keys[i][:3]
        counts = shared.setdefault(triple, {})
        counts[keys[i][3]] = counts.get(keys[i][3], 0) + 1
        if keys[i] == last:
            continue
        first.append(last is None or triple != last[:3])
        last = keys[i]
        kept.append(rows[i])
        graphs.setdefault(keys[i][3], []).append(rows[i])
    shared = {f"{s} {p} {o} .": c for (s, p, o), c in shared.items() if sum(c.values()) > 1}
    return kept, first, shared, [graphs[g] for g in sorted(graphs)]


def _nodes(*names):
    return [ox.NamedNode(f"http://x/{n}") for n in names]


# Texts whose order as tuples differs from the order of their values or their lengths: an IRI
# that goes on past another's end with a character below ">", a literal and its tagged or
# typed twin, an empty literal, characters outside the BMP.
TRICKY = [*_nodes("a", "a!", "ab", "a~", "b"),
          ox.Literal("a"), ox.Literal("a", language="en"), ox.Literal("a", language="en-gb"),
          ox.Literal("a", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
          ox.Literal(""), ox.Literal("a b"), ox.Literal('a"'), ox.Literal("𝔸"), ox.Literal("中")]


def test_mapped_sorts_as_the_texts_of_its_rows_do():
    """Mapped sorts ranks of its terms' texts, not the texts: it must give what sorting the
    texts gives, duplicates and triples shared between graphs included, whether the rows
    share term objects or hold equal terms made apart."""
    import random

    from kg.rdf.mapping import Mapped

    rnd = random.Random(7)
    subjects, predicates, graphs = _nodes("a", "a!", "ab", "b"), _nodes("p", "p!", "q"), \
        _nodes("g1", "g!", "g2")
    objects = TRICKY + subjects
    for case in range(30):
        rows = [(rnd.choice(subjects), rnd.choice(predicates), rnd.choice(objects),
                 rnd.choice(graphs)) for _ in range(rnd.randint(0, 60))]
        if case % 2:  # equal terms, apart: the same texts from other objects
            rows += [tuple(type(t)(**_term_args(t)) for t in row) for row in rows[:10]]
        rnd.shuffle(rows)
        kept, first, shared, by_graph = _sorted_as_texts(rows)
        mapped = Mapped(rows)
        assert [tuple(map(str, r)) for r in mapped.rows] == [tuple(map(str, r)) for r in kept]
        assert all(a is b for r, k in zip(mapped.rows, kept) for a, b in zip(r, k)), \
            "of equal rows, the first given must be kept"
        assert mapped._first == first and mapped.triple_count == sum(first)
        assert mapped.shared == shared
        assert [[tuple(map(str, r)) for r in g] for g in mapped._graphs] == \
            [[tuple(map(str, r)) for r in g] for g in by_graph]


def _term_args(term):
    if isinstance(term, ox.NamedNode):
        return {"value": term.value}
    return {"value": term.value, **({"language": term.language} if term.language else
                                    {"datatype": term.datatype})}
