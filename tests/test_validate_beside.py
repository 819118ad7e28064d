"""A build's kg.nt validated by a second process (kg/rdf/validate_beside.py) gives the verdict
a validation in the build's own process gives: the same violations and results, the same
exports, nothing written when the graph breaks a shape, and a worker that dies costs time only.
The worker is the real one (`python -m kg.rdf.validate_beside`); MIN_BYTES is lowered so the
project's seeds take that path."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ONTOLOGY, SEEDS, ontology_with
from kg.build import build
from kg.rdf import validate_beside
from kg.rdf.validate import NotConforming, ntriples_store, validate_ntriples

NEEDS_A_BRAND = ('<urn:test:S> a sh:NodeShape ; sh:targetClass ipk:Company ; sh:property [\n'
                 '  sh:path ipk:hasBrand ; sh:minCount 1 ;'
                 ' sh:message "every company needs a brand"@en ] .\n')
BESIDE = "in a second process"


def built(out: Path, ontology: Path, monkeypatch, min_bytes: int) -> list[str]:
    """A cold build of the project's seeds, the worker used from `min_bytes` of kg.nt on;
    what it said."""
    monkeypatch.setattr(validate_beside, "MIN_BYTES", min_bytes)
    said: list[str] = []
    build(SEEDS, out, ontology, progress=said.append, cold=True)
    return said


def exports(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file()
            and not f.name.startswith(".")}


def refused(out: Path, ontology: Path, monkeypatch, min_bytes: int):
    with pytest.raises(NotConforming) as caught:
        built(out, ontology, monkeypatch, min_bytes)
    assert not (out / "kg.ttl").exists()
    return caught.value.result


def test_the_worker_answers_the_verdict_a_validation_here_gives(tmp_path):
    build(SEEDS, tmp_path / "out", ONTOLOGY, cold=True)
    nt = (tmp_path / "out" / "kg.nt").read_bytes()
    count = nt.count(b"\n")
    for ontology in (ONTOLOGY, ontology_with(tmp_path, NEEDS_A_BRAND)):
        here = validate_ntriples(nt, count, ontology, lambda: ntriples_store(nt))
        for fed in (nt, tmp_path / "out" / "kg.nt"):  # its bytes, or the file a piece at a time
            answer = answered(fed, count, ontology)
            assert answer is not None
            there, seconds = answer
            assert seconds > 0
            assert (there.conforms, there.violations, there.results, there.triples) == \
                (here.conforms, here.violations, here.results, here.triples)
    assert there.violations and not there.conforms  # the brand shape was broken


def answered(fed, count: int, ontology: Path):
    worker = validate_beside.Validating(fed, count, ontology)
    try:
        return worker.result()
    finally:
        worker.close()


def test_a_worker_fed_part_of_kg_nt_gives_no_verdict(tmp_path):
    """Fewer lines than the build counted (a feed cut short): no verdict on a part of the
    graph; the build then validates the whole in its own process."""
    build(SEEDS, tmp_path / "out", ONTOLOGY, cold=True)
    nt = (tmp_path / "out" / "kg.nt").read_bytes()
    count = nt.count(b"\n")
    half = nt[:nt.index(b"\n", len(nt) // 2) + 1]
    assert answered(half, count, ONTOLOGY) is None
    assert answered(half, half.count(b"\n"), ONTOLOGY) is not None


def test_a_build_validated_beside_writes_what_a_build_validated_here_writes(tmp_path,
                                                                            monkeypatch):
    said = built(tmp_path / "beside", ONTOLOGY, monkeypatch, 0)
    assert any(BESIDE in line for line in said)
    assert any(line.startswith("validated ") for line in said)
    assert not any(BESIDE in line for line in built(tmp_path / "here", ONTOLOGY, monkeypatch,
                                                   1 << 60))
    assert exports(tmp_path / "beside") == exports(tmp_path / "here")


def test_a_broken_graph_validated_beside_is_refused_as_here(tmp_path, monkeypatch):
    ontology = ontology_with(tmp_path, NEEDS_A_BRAND)
    there = refused(tmp_path / "beside", ontology, monkeypatch, 0)
    here = refused(tmp_path / "here", ontology, monkeypatch, 1 << 60)
    assert there.violations and there.violations == here.violations
    assert there.results == here.results and there.triples == here.triples


@pytest.mark.parametrize("broken", [False, True])
def test_a_worker_that_dies_costs_time_only(tmp_path, monkeypatch, broken):
    """It dies before it answers: the build validates here, and says so."""
    monkeypatch.setenv(validate_beside.TEST, "crash")
    ontology = ontology_with(tmp_path, NEEDS_A_BRAND) if broken else ONTOLOGY
    if broken:
        there = refused(tmp_path / "crashed", ontology, monkeypatch, 0)
        monkeypatch.delenv(validate_beside.TEST)
        here = refused(tmp_path / "here", ontology, monkeypatch, 1 << 60)
        assert there.violations and there.violations == here.violations
        return
    said = built(tmp_path / "crashed", ontology, monkeypatch, 0)
    began = [line for line in said if line.startswith("validating ")]
    assert len(began) == 2 and BESIDE in began[0] and BESIDE not in began[1], began
    monkeypatch.delenv(validate_beside.TEST)
    built(tmp_path / "here", ontology, monkeypatch, 1 << 60)
    assert exports(tmp_path / "crashed") == exports(tmp_path / "here")


def test_small_graphs_are_validated_here(tmp_path, monkeypatch):
    monkeypatch.delenv(validate_beside.TEST, raising=False)
    assert validate_beside.start(b"<urn:a> <urn:b> <urn:c> .\n", 1, ONTOLOGY) is None


def test_a_broken_graph_is_refused_before_the_serialising_once_the_worker_has_answered(
        tmp_path, monkeypatch):
    """The verdict is taken as soon as the analytics are done, if it is in by then (here it
    is made to be): a broken province is told without writing its exports first."""
    import kg.build

    started: list[validate_beside.Validating] = []
    start, analytics_for = validate_beside.start, kg.build.analytics_for

    def recorded(*args):
        worker = start(*args)
        started.append(worker)
        return worker

    def after_the_worker(*args, **kwargs):
        for worker in started:
            worker._reader.join()  # its answer is in
        return analytics_for(*args, **kwargs)

    monkeypatch.setattr(validate_beside, "start", recorded)
    monkeypatch.setattr(kg.build, "analytics_for", after_the_worker)
    monkeypatch.setattr(validate_beside, "MIN_BYTES", 0)
    said: list[str] = []
    with pytest.raises(NotConforming):
        build(SEEDS, tmp_path / "out", ontology_with(tmp_path, NEEDS_A_BRAND),
              progress=said.append, cold=True)
    assert started and any(line.startswith("validated ") for line in said)
    assert "serialising" not in said, said
