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
    with_oxigraph = {(q.subject, q.predicate, q.object)  # a second JSON-LD reader
                     for q in ox.parse(path=str(built / "kg.jsonld"), format=ox.RdfFormat.JSON_LD)}
    assert with_oxigraph == {(t.subject, t.predicate, t.object)
                             for t in ox.parse(path=str(built / "kg.nt"),
                                               format=ox.RdfFormat.N_TRIPLES)}
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
    ids = [node["@id"] for node in doc["@graph"]]
    assert len(ids) == len(set(ids)), "a subject's triples are split over two nodes"
    company = next(n for n in doc["@graph"] if n["@id"].endswith("/company/jingrui-electronics"))
    assert company["@type"] == "ipk:Company" and "rdfs:label" in company


def test_turtle_groups_each_subject_once_and_nt_lines_are_sorted(built):
    lines = (built / "kg.ttl").read_text(encoding="utf-8").splitlines()
    subjects = [line.split(" ", 1)[0] for line in lines
                if line and not line.startswith(("\t", "@prefix"))]
    assert len(subjects) == len(set(subjects)) == len(
        {t.subject for t in ox.parse(path=str(built / "kg.ttl"), format=ox.RdfFormat.TURTLE)})
    assert lines[lines.index(next(x for x in lines if x.startswith("<")))-1] == ""  # blank line
    nt = (built / "kg.nt").read_text(encoding="utf-8").splitlines()
    assert nt == sorted(set(nt))


def test_a_second_build_gives_the_same_bytes_and_reports_progress(built, tmp_path):
    from kg.build import build

    said: list[str] = []
    build(SEEDS, tmp_path / "again", ONTOLOGY, validate=False, with_store=False,
          progress=said.append)
    for name in EXPORT_NAMES:
        assert (tmp_path / "again" / name).read_bytes() == (built / name).read_bytes(), name
    assert any(m.startswith("mapped 3,1") and m.endswith("/s); sorting them") for m in said), said
    assert any(m.startswith("serialised kg.ttl (") and "triples/s)" in m for m in said), said


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


def test_the_store_a_build_fills_early_holds_what_its_files_hold(built, tmp_path):
    """The second core fills kg.nt and kg.trig into the store before the analytics exist;
    the store must hold exactly what a fill from the published files gives."""
    from kg.build import store_loads
    from kg.project import store_of
    from kg.rdf.mapping import DEFAULT_BASE
    from kg.rdf.store import fill_store, open_read_only

    names = ["kg.nt", "kg.trig", "analytics.ttl"]
    filled = fill_store(tmp_path / "db", store_loads(built, names, DEFAULT_BASE))
    built_store = open_read_only(store_of(built))
    assert len(built_store) == filled
    assert set(built_store) == set(ox.Store(str(tmp_path / "db")))


@pytest.mark.parametrize("pattern", ["_TURTLE_SUBJECT", "_TRIG_BLOCK"])
def test_blank_lines_put_in_chunk_by_chunk_are_where_the_whole_text_puts_them(pattern):
    import random

    from kg.rdf import export

    regex = getattr(export, pattern)
    rng = random.Random(9)
    for _ in range(3000):  # texts made of what the patterns look at, cut anywhere
        text = bytes(rng.choice(b"\n\t@}ab") for _ in range(rng.randrange(40)))
        spaced, start = export._Spaced(regex), 0
        while start < len(text):
            end = start + rng.randrange(1, 6)
            spaced.write(text[start:end])
            start = end
        assert spaced.getvalue() == regex.sub(b"\n\n", text), text


@pytest.mark.parametrize("name", ["kg.nt", "kg.trig"])
def test_a_store_loaded_in_small_pieces_holds_what_one_load_holds(built, tmp_path, name):
    from kg.rdf.store import load_in_pieces, pieces

    syntax = ox.RdfFormat.from_extension(name.rsplit(".", 1)[1])
    data = (built / name).read_bytes()
    # Text or a file read a chunk at a time: the same pieces, a piece per 2 kB or so of
    # lines, and per graph (the page's sources are seven) of TriG.
    cut_up = list(pieces(data, syntax, 2000))
    assert list(pieces(built / name, syntax, 2000)) == cut_up
    assert len(cut_up) >= 7 if name == "kg.trig" else len(cut_up) > len(data) // 4000
    whole = ox.Store()
    whole.bulk_load(data, format=syntax)
    for source in (data, built / name):
        cut = ox.Store(str(tmp_path / f"db-{type(source).__name__}"))
        load_in_pieces(cut, source, syntax, None, 2000)
        assert set(cut) == set(whole) and len(whole) > 500


@pytest.mark.parametrize("spoiler", [b"_:b1", b"@prefix late: <http://example.org/late#> ."])
def test_text_that_pieces_would_change_loads_whole(tmp_path, spoiler):
    """A blank node label (each load names its blank nodes anew) or, in TriG, a directive
    after the first statement: the file is loaded whole, so it means what it says."""
    from kg.rdf.store import load_in_pieces, pieces

    head = b"@prefix a: <http://a/> .\n\n"
    blocks = [b"<http://g/%d> {\n\ta:s a:p a:o%d .\n}\n\n" % (i, i) for i in range(200)]
    subject = b"_:b1" if spoiler.startswith(b"_:") else b"late:s"
    blocks[150] = (spoiler + b"\n\n" if spoiler.startswith(b"@") else b"") \
        + b"<http://g/x> {\n\t%s a:p a:o .\n\t%s a:p a:q .\n}\n\n" % (subject, subject)
    blocks[151] = b"<http://g/y> {\n\t%s a:p a:r .\n}\n\n" % subject
    data = head + b"".join(blocks)
    (tmp_path / "in.trig").write_bytes(data)
    assert list(pieces(data, ox.RdfFormat.TRIG, 500)) == [data]
    whole = ox.Store()
    whole.bulk_load(data, format=ox.RdfFormat.TRIG)
    cut = ox.Store(str(tmp_path / "db"))
    load_in_pieces(cut, tmp_path / "in.trig", ox.RdfFormat.TRIG, None, 500)
    assert len(cut) == len(whole) == 201
    assert len({q.subject for q in cut if q.graph_name.value.endswith(("/x", "/y"))}) == 1


def test_the_mapped_rows_are_let_go_before_the_analytics(tmp_path, monkeypatch):
    """Once kg.nt and kg.trig are made, the rest is read back from kg.nt (ReadBack): no
    mapped rows are alive while the graph is projected, analysed and serialised, nor the
    seeds files' record as objects (kept packed: kg.filewise.Packed)."""
    import gc

    import kg.build
    from kg.filewise import FileRecord
    from kg.rdf.mapping import Mapped

    alive = []
    project = kg.build.project_triples

    def projecting(triples, provenance=True):
        alive.append(sum(isinstance(o, (Mapped, FileRecord)) for o in gc.get_objects()))
        return project(triples, provenance)

    monkeypatch.setattr(kg.build, "project_triples", projecting)
    kg.build.build(SEEDS, tmp_path / "out", ONTOLOGY)
    assert alive == [0]
    assert (tmp_path / "out" / "kg.ttl").read_bytes() == (EXPORTS / "kg.ttl").read_bytes()


def test_a_cold_build_writes_kg_nt_as_it_is_made(tmp_path, monkeypatch):
    """Without a last build to compare with, kg.nt goes into the generation as it is
    serialised, never whole in memory (a province's are 0.5 GB): the same bytes, and the
    digest the manifest records is theirs. A build that maps beside a last one still makes
    them whole, to compare."""
    import hashlib

    import kg.build
    from kg.rdf.store import read_manifest

    made = []
    whole = kg.build.ntriples

    def ntriples(triples):
        made.append(True)
        return whole(triples)

    monkeypatch.setattr(kg.build, "ntriples", ntriples)
    kg.build.build(SEEDS, tmp_path / "first", ONTOLOGY)  # a first build, not told cold
    assert made == []
    assert (tmp_path / "first" / "kg.nt").read_bytes() == (EXPORTS / "kg.nt").read_bytes()
    kg.build.build(SEEDS, tmp_path / "out", ONTOLOGY, cold=True)
    assert made == []
    nt = (tmp_path / "out" / "kg.nt").read_bytes()
    assert nt == (EXPORTS / "kg.nt").read_bytes()
    meta = read_manifest(tmp_path / "out" / kg.build.STORE_NAME)
    assert meta is not None
    assert dict((name, sha) for name, sha, *_ in meta.files)["kg.nt"] \
        == hashlib.sha256(nt).hexdigest()
    kg.build.build(SEEDS, tmp_path / "out", ONTOLOGY, with_store=False)  # maps anew
    assert made == [True]
