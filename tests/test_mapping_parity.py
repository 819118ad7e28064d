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
