"""kg build: deterministic, fresh, atomic exports that three independent readers agree on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from helpers import EXPORTS, ONTOLOGY, ROOT, SEEDS
from kg.errors import CannotWrite

EXPORT_NAMES = ["analytics.ttl", "kg.jsonld", "kg.nt", "kg.trig", "kg.ttl"]


def build_in_subprocess(out, hash_seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    subprocess.run([sys.executable, "-m", "kg", "build", "--seeds", str(SEEDS), "--ontology",
                    str(ONTOLOGY), "--out", str(out)], cwd=ROOT,
                   env=env, check=True, capture_output=True)


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path):
    # Different hash seeds shuffle Python's sets and dicts of strings: output must not care.
    build_in_subprocess(tmp_path / "a", "1")
    build_in_subprocess(tmp_path / "b", "2")
    for name in EXPORT_NAMES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_committed_exports_are_fresh(built):
    """Fails when seeds/ changed but exports/ was not rebuilt and committed."""
    for name in EXPORT_NAMES:
        committed = EXPORTS / name
        assert committed.is_file(), f"exports/{name} is missing: run 'kg build'"
        assert committed.read_bytes() == (built / name).read_bytes(), \
            f"exports/{name} is stale against seeds/: run 'kg build' and commit exports/"


def rapper_count(path, syntax: str) -> int:
    if shutil.which("rapper") is None:
        pytest.fail("rapper (Debian raptor2-utils) is not installed; .ci/run installs it")
    done = subprocess.run(["rapper", "-i", syntax, "-c", str(path)], capture_output=True,
                          text=True, check=True)
    line = [x for x in done.stderr.splitlines() if "returned" in x][-1]
    return int(line.split("returned")[1].split()[0])


def test_three_readers_agree_on_the_triple_count(built):
    ttl = built / "kg.ttl"
    with_rdflib = len(Graph().parse(ttl, format="turtle"))
    with_oxigraph = len(list(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)))
    with_rapper = rapper_count(ttl, "turtle")
    assert with_rdflib == with_oxigraph == with_rapper
    assert with_rdflib > 2000  # the whole page, not a sample


def test_every_format_holds_the_same_triples(built):
    turtle = Graph().parse(built / "kg.ttl", format="turtle")
    triples = set(turtle)
    assert set(Graph().parse(built / "kg.nt", format="nt")) == triples
    assert set(Graph().parse(built / "kg.jsonld", format="json-ld")) == triples
    ds = Dataset().parse(built / "kg.trig", format="trig")
    assert {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))} == triples
    assert rapper_count(built / "kg.nt", "ntriples") == len(triples)
    assert rapper_count(built / "kg.trig", "trig") >= len(triples)  # a triple may sit in two graphs


def test_trig_has_one_named_graph_per_source(built):
    ds = Dataset().parse(built / "kg.trig", format="trig")
    names = {str(g.identifier).rsplit("/", 1)[-1] for g in ds.graphs() if len(g)}
    assert {"lishui-edz-news-page", "art1-party-meeting", "art2-clusters",
            "art3-key-provincial-sme", "art4-biomed-park", "art5-patent-products",
            "art6-chip-park-phase2"} <= names


def test_jsonld_has_a_context(built):
    import json

    doc = json.loads((built / "kg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["ipk"] == "https://w3id.org/industrial-park-kg/ontology/"


def test_a_failed_write_leaves_previous_exports(tmp_path, monkeypatch):
    from kg.rdf import export

    out = tmp_path / "out"
    export.write_atomically({"kg.ttl": b"old ttl", "kg.nt": b"old nt"}, out)

    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_fsync(fd)

    monkeypatch.setattr(export.os, "fsync", failing_fsync)
    with pytest.raises(CannotWrite, match="disk full; nothing was changed"):
        export.write_atomically({"kg.ttl": b"new ttl", "kg.nt": b"new nt"}, out)
    assert (out / "kg.ttl").read_bytes() == b"old ttl"
    assert (out / "kg.nt").read_bytes() == b"old nt"
    assert sorted(p.name for p in out.iterdir()) == ["kg.nt", "kg.ttl"]  # no temporaries left


def test_views_into_a_path_under_a_file_are_exit_5_without_a_traceback(built, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = CliRunner().invoke(main, ["viz", str(built / "kg.ttl"), "--out",
                                     str(blocker / "views")])
    assert done.exit_code == 5, done.output
    assert done.stderr.startswith(f"{blocker / 'views'}: cannot write: Not a directory")
