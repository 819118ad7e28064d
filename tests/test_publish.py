"""kg build publishes a build whole: one build at a time per folder, all old or all new (or a
half-published build reported as such), a failed write said plainly, analytics in the store."""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
import shutil
import subprocess
import threading
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import MINI, ONTOLOGY, ROOT
from kg.build import build
from kg.cli import main
from kg.errors import EXIT_CANNOT_WRITE, CannotWrite
from kg.project import store_of
from kg.rdf.mapping import DEFAULT_BASE
from kg.rdf.store import (open_read_only, read_manifest, read_meta, select, store_for_graph,
                          store_state)

# every test here runs real builds in subprocesses, a second or more each: the slow tier
pytestmark = pytest.mark.slow

NAMES = ["analytics.ttl", "kg.jsonld", "kg.nt", "kg.trig", "kg.ttl"]
COMPANY = "浙江省经济和信息化厅"  # a label in tests/fixtures/mini; the edit renames it
RENAMED = "浙江省经信厅"
LABELS = ('SELECT ?l WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l . '
          f'FILTER(STR(?l) IN ("{COMPANY}", "{RENAMED}")) }}')


def kg(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True,
                          text=True, env=dict(os.environ, **(env or {})), timeout=120, **kw)


def build_args(seeds: Path, out: Path) -> list[str]:
    return ["build", "--seeds", str(seeds), "--ontology", str(ONTOLOGY), "--out", str(out)]


def exports(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in NAMES}


def labels_in_store(out: Path) -> set[str]:
    store = open_read_only(store_of(out))
    return {row[0].value for row in select(store, LABELS)}


def generations(out: Path) -> list[str]:
    return sorted(p.name for p in (out / ".store").iterdir() if p.name != "current")


def assert_clean(out: Path) -> None:
    """One generation, no temporaries: what killed builds left is gone."""
    meta = read_meta(store_of(out))
    assert meta is not None
    assert generations(out) == [meta.generation]
    assert store_of(out).resolve() == (out / ".store" / meta.generation / "db").resolve()
    assert sorted(p.name for p in out.iterdir()) == sorted([*NAMES, ".store", ".store.json"])


@pytest.fixture
def two_builds(mini_seeds, tmp_path):
    """`out` holding a build of the mini seeds, and the seeds edited so the next build differs."""
    out = tmp_path / "out"
    build(mini_seeds, out, ONTOLOGY)
    old = exports(out)
    facts = mini_seeds / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace(f"label: {COMPANY}", f"label: {RENAMED}"),
                     "utf-8")
    return mini_seeds, out, old


# -- 1. one build at a time -------------------------------------------------------------------

def hold_lock(folder: Path) -> int:
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_second_build_waits_for_the_first_then_publishes(two_builds):
    seeds, out, old = two_builds
    fd = hold_lock(out)  # stands for a build in progress
    try:
        waiting = subprocess.Popen([sys.executable, "-m", "kg", *build_args(seeds, out),
                                    "--wait", "30"],  # bounded, should the note not come
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        assert waiting.stderr is not None
        for line in waiting.stderr:  # ends when the build says it waits, or exits
            if line.startswith("note: another 'kg build' is writing"):  # said without -v
                break
        assert waiting.poll() is None, waiting.communicate()
        assert exports(out) == old  # nothing written while it waits
    finally:
        os.close(fd)
    stdout, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stderr
    assert "Built" in stdout and "Traceback" not in stderr
    assert exports(out) != old and read_meta(store_of(out)) is not None


def test_a_build_that_waits_too_long_exits_2_and_writes_nothing(two_builds):
    seeds, out, old = two_builds
    fd = hold_lock(out)
    try:
        done = kg(*build_args(seeds, out), "--wait", "0.2")
    finally:
        os.close(fd)
    assert done.returncode == 2, done.stderr
    assert "another 'kg build' is writing there" in done.stderr and "--wait" in done.stderr
    assert "Traceback" not in done.stderr
    assert exports(out) == old


@pytest.mark.slow
def test_two_real_builds_at_once_both_succeed_and_leave_one_good_build(mini_seeds, tmp_path):
    out = tmp_path / "out"
    for _ in range(3):  # bounded: three pairs
        pair = [subprocess.Popen([sys.executable, "-m", "kg", *build_args(mini_seeds, out)],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
        for proc in pair:
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0 and "Traceback" not in stderr, stderr
        assert store_state(store_of(out), mini_seeds).status == "fresh"
        assert_clean(out)
        assert COMPANY in labels_in_store(out)
    answer = CliRunner().invoke(main, ["query", "--graph", str(out / "kg.ttl"), "--sparql",
                                       LABELS])
    assert answer.exit_code == 0 and COMPANY in answer.stdout


# -- 2. all old or all new --------------------------------------------------------------------

BEFORE_PUBLISHING = ["stored early", "stage:kg.nt", "staged", "stored"]  # the first: a thread
WHILE_PUBLISHING = ["publish:1", "publish:4", "published"]


@pytest.mark.slow
@pytest.mark.parametrize("step", BEFORE_PUBLISHING + WHILE_PUBLISHING + ["manifest"])
def test_a_build_killed_at_any_step_is_all_old_all_new_or_reported(two_builds, step):
    seeds, out, old = two_builds
    cold = ["--cold"] if step == "stored early" else []  # the store is filled whole then
    killed = kg(*build_args(seeds, out), *cold, env={"KG_TEST_CRASH_AT": step})
    assert killed.returncode == -9, killed.stderr  # SIGKILL at that very step
    state = store_state(store_of(out), seeds)
    if step in BEFORE_PUBLISHING:  # all old: the old build, stale against the edited seeds
        assert exports(out) == old and state.status == "stale"
        assert COMPANY in labels_in_store(out)
        assert store_for_graph(out / "kg.ttl", store_of(out))
    elif step in WHILE_PUBLISHING:  # mixed files: detected, never believed
        assert exports(out) != old
        assert state.status == "interrupted" and "run 'kg build' to repair it" in state.message
        assert read_meta(store_of(out)) is None
        assert not store_for_graph(out / "kg.ttl", store_of(out))
    else:  # committed: all new
        assert state.status == "fresh" and COMPANY not in labels_in_store(out)
    repaired = kg(*build_args(seeds, out))
    assert repaired.returncode == 0, repaired.stderr
    assert store_state(store_of(out), seeds).status == "fresh"
    assert_clean(out)
    elsewhere = out.parent / "elsewhere"
    build(seeds, elsewhere, ONTOLOGY)
    assert exports(out) == exports(elsewhere)


def test_kg_query_reports_a_half_published_build_and_answers_from_the_seeds(tmp_path,
                                                                           monkeypatch):
    project = tmp_path / "park"
    shutil.copytree(MINI, project / "seeds")
    out = project / "exports"
    build(project / "seeds", out, ONTOLOGY)
    (out / "kg.nt").write_bytes((out / "kg.nt").read_bytes() + b"\n")  # as a killed publish
    answer = CliRunner().invoke(main, ["--project", str(project), "query", "--sparql", LABELS])
    assert answer.exit_code == 0, answer.output
    assert "kg.nt in" in answer.stderr and "run 'kg build' to repair it" in answer.stderr
    assert "answering from" in answer.stderr and COMPANY in answer.stdout


def test_a_build_cleans_up_what_a_killed_build_left(mini_seeds, tmp_path):
    out = tmp_path / "out"
    build(mini_seeds, out, ONTOLOGY)
    (out / ".store" / "20000101T000000-dead").mkdir()  # a generation never published
    (out / ".kg.ttl.abc123.tmp").write_bytes(b"half")  # an older kg's temporary
    (out / ".store.json.tmp").write_text("{")
    build(mini_seeds, out, ONTOLOGY)
    assert_clean(out)


@pytest.mark.parametrize("name", ["/dev/zero", "../outside.ttl", "..", ""])
def test_a_manifest_naming_a_file_outside_out_is_not_believed(mini_seeds, tmp_path, name):
    """Its files are checked by name under OUT: a name that leaves OUT (or /dev/zero, which
    hashes forever) makes it no manifest, for the store's readers and for the next build."""
    import json

    out = tmp_path / "out"
    build(mini_seeds, out, ONTOLOGY)
    (tmp_path / "outside.ttl").write_bytes(b"")
    manifest = json.loads((out / ".store.json").read_text("utf-8"))
    manifest["files"][name] = {"sha256": "0" * 64, "inode": 0, "size": 0, "mtime_ns": 0}
    (out / ".store.json").write_text(json.dumps(manifest), "utf-8")
    assert read_manifest(store_of(out)) is None
    assert store_state(store_of(out), mini_seeds).status == "missing"
    again = build(mini_seeds, out, ONTOLOGY)
    assert not again.up_to_date and read_meta(store_of(out)) is not None
    assert store_state(store_of(out), mini_seeds).status == "fresh"


def test_an_older_kgs_store_is_replaced(mini_seeds, tmp_path):
    out = tmp_path / "out"
    build(mini_seeds, out, ONTOLOGY)
    shutil.rmtree(out / ".store")
    (out / ".store").mkdir()
    (out / ".store" / "CURRENT").write_text("MANIFEST-000001\n")  # a bare RocksDB folder
    (out / ".store.json").write_text('{"seeds_dir": "x", "seeds": "y", "graph": "z"}\n')
    assert store_state(store_of(out), mini_seeds).status == "missing"
    build(mini_seeds, out, ONTOLOGY)
    assert_clean(out)
    assert store_state(store_of(out), mini_seeds).status == "fresh"


# -- 3. a write that fails --------------------------------------------------------------------

def test_an_out_folder_under_a_file_is_exit_5_without_a_traceback(mini_seeds, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = kg(*build_args(mini_seeds, blocker / "exports"))
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{blocker / 'exports'}: cannot write: Not a directory; nothing was changed" \
        in done.stderr


def test_a_store_path_taken_by_a_file_keeps_the_exports(two_builds):
    seeds, out, old = two_builds
    manifest = (out / ".store.json").read_bytes()
    shutil.rmtree(out / ".store")
    (out / ".store").write_text("someone's file")
    with pytest.raises(CannotWrite, match="nothing was changed"):
        build(seeds, out, ONTOLOGY)
    assert exports(out) == old and (out / ".store.json").read_bytes() == manifest
    assert (out / ".store").read_text() == "someone's file"


@pytest.mark.parametrize("step", ["stored early", "stage:kg.jsonld", "stored"])
def test_a_full_disk_while_staging_changes_nothing(two_builds, monkeypatch, step):
    seeds, out, old = two_builds
    monkeypatch.setenv("KG_TEST_FAIL_AT", step)
    cold = ["--cold"] if step == "stored early" else []  # the store is filled whole then
    done = CliRunner().invoke(main, build_args(seeds, out) + cold)
    assert done.exit_code == EXIT_CANNOT_WRITE, done.output
    assert "No space left on device; nothing was changed" in done.stderr
    assert exports(out) == old and store_state(store_of(out), seeds).status == "stale"
    assert COMPANY in labels_in_store(out)
    monkeypatch.delenv("KG_TEST_FAIL_AT")
    build(seeds, out, ONTOLOGY)
    assert_clean(out)


def test_a_full_disk_while_publishing_is_reported_and_repaired(two_builds, monkeypatch):
    seeds, out, old = two_builds
    monkeypatch.setenv("KG_TEST_FAIL_AT", "publish:2")
    done = CliRunner().invoke(main, build_args(seeds, out))
    assert done.exit_code == EXIT_CANNOT_WRITE, done.output
    assert "half-published" in done.stderr and "Traceback" not in done.output
    assert store_state(store_of(out), seeds).status == "interrupted"
    monkeypatch.delenv("KG_TEST_FAIL_AT")
    build(seeds, out, ONTOLOGY)
    assert_clean(out)


@pytest.fixture
def read_only(tmp_path):
    """A read-only bind mount of tmp_path/rw at tmp_path/ro (needs root and mount)."""
    rw, ro = tmp_path / "rw", tmp_path / "ro"
    rw.mkdir()
    ro.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    try:
        subprocess.run(["mount", "--bind", str(rw), str(ro)], check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot bind-mount here: {exc.stderr.decode().strip()}")
    try:
        yield rw, ro
    finally:
        subprocess.run(["umount", str(ro)], check=True)


def test_a_read_only_exports_folder_is_exit_5_and_keeps_everything(read_only, mini_seeds):
    rw, ro = read_only
    build(mini_seeds, rw / "out", ONTOLOGY)
    old, manifest = exports(rw / "out"), (rw / "out" / ".store.json").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], check=True)
    (mini_seeds / "facts.yaml").write_text(
        (mini_seeds / "facts.yaml").read_text("utf-8") + "\n", "utf-8")
    done = kg(*build_args(mini_seeds, ro / "out"))
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert "cannot write: Read-only file system; nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr
    assert exports(rw / "out") == old
    assert (rw / "out" / ".store.json").read_bytes() == manifest
    meta = read_meta(store_of(rw / "out"))
    assert meta is not None and generations(rw / "out") == [meta.generation]


# -- 4. analytics in the store ----------------------------------------------------------------

def readme_pagerank() -> tuple[str, list[list[str]]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Analytics\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.S)
    i = [lang for lang, _ in blocks].index("sparql")
    return blocks[i][1], [line.split() for line in blocks[i + 1][1].splitlines()]


@pytest.fixture
def built_project(built, tmp_path) -> Path:
    """A project of the real seeds whose exports are the session's build."""
    project = tmp_path / "park"
    project.mkdir()
    (project / "seeds").symlink_to(ROOT / "seeds")
    (project / "exports").symlink_to(built)
    return project


def test_the_readmes_pagerank_query_answers_through_kg_query(built_project):
    project = built_project
    query, shown = readme_pagerank()
    answer = CliRunner().invoke(main, ["--project", str(project), "query", "--sparql", query,
                                       "--format", "csv"])
    assert answer.exit_code == 0, answer.output
    assert "note:" not in answer.stderr  # answered by the store itself
    rows = list(csv.reader(io.StringIO(answer.stdout)))[1:]
    assert rows == shown


def test_analytics_has_its_own_named_graph(built):
    store = open_read_only(store_of(built))
    [[n]] = select(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH "
                          "<https://w3id.org/industrial-park-kg/id/graph/analytics> "
                          "{ ?s <https://w3id.org/industrial-park-kg/ontology/pageRank> ?o } }")
    assert int(n.value) > 0


def test_a_build_without_a_store_leaves_no_store_that_claims_its_exports(two_builds):
    seeds, out, _old = two_builds
    build(seeds, out, ONTOLOGY, with_store=False)
    state = store_state(store_of(out), seeds)
    assert state.status == "missing" and "run 'kg build'" in state.message
    assert not store_for_graph(out / "kg.ttl", store_of(out))
    assert generations(out) == [] and not store_of(out).exists()  # gone with its build


@pytest.mark.slow
def test_the_readmes_pagerank_query_answers_through_kg_serve(built_project):
    query, shown = readme_pagerank()
    server = subprocess.Popen([sys.executable, "-m", "kg", "--project", str(built_project),
                               "serve", "--port", "0"], cwd=ROOT, stderr=subprocess.PIPE,
                              text=True)
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        assert line.startswith("Serving SPARQL at http://127.0.0.1:"), line
        url = line.split()[3] + "?" + urllib.parse.urlencode({"query": query})
        request = urllib.request.Request(url, headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as response:
            rows = list(csv.reader(io.StringIO(response.read().decode("utf-8"))))[1:]
        assert rows == shown
    finally:
        server.terminate()
        server.wait(20)


def test_the_store_path_stays_valid_across_rebuilds(two_builds):
    """`kg serve` opens store_of(out) again for each new worker, also after a rebuild."""
    seeds, out, _old = two_builds
    path = store_of(out)
    assert COMPANY in {row[0].value for row in select(open_read_only(path), LABELS)}
    build(seeds, out, ONTOLOGY)
    assert store_of(out) == path
    assert {row[0].value for row in select(open_read_only(path), LABELS)} == {RENAMED}


def test_the_store_is_filled_from_files_into_their_graphs_and_loses_no_quad(tmp_path):
    import pyoxigraph as ox

    from kg.rdf import store

    p, g = ox.NamedNode("http://example.org/p"), ox.NamedNode("http://example.org/g")
    triples = [ox.Triple(ox.NamedNode(f"http://example.org/{i}"), p, ox.Literal(str(i)))
               for i in range(30)]
    (tmp_path / "u.nt").write_bytes(ox.serialize(triples[:20], format=ox.RdfFormat.N_TRIPLES))
    (tmp_path / "s.trig").write_bytes(ox.serialize(
        [ox.Quad(*t, g) for t in triples[10:]], format=ox.RdfFormat.TRIG))
    (tmp_path / "a.ttl").write_bytes(ox.serialize(triples[25:], format=ox.RdfFormat.TURTLE))
    loads = [(tmp_path / "u.nt", ox.RdfFormat.N_TRIPLES, None),
             (tmp_path / "s.trig", ox.RdfFormat.TRIG, None),
             (tmp_path / "a.ttl", ox.RdfFormat.TURTLE, None),
             (tmp_path / "a.ttl", ox.RdfFormat.TURTLE, "http://example.org/a")]
    assert store.fill_store(tmp_path / "db", loads) == 20 + 5 + 20 + 5
    expected = ({ox.Quad(*t, ox.DefaultGraph()) for t in triples[:20] + triples[25:]}
                | {ox.Quad(*t, g) for t in triples[10:]}
                | {ox.Quad(*t, ox.NamedNode("http://example.org/a")) for t in triples[25:]})
    assert set(ox.Store.read_only(str(tmp_path / "db"))) == expected


def _age(folder: Path, seconds: int) -> None:
    """Every file under `folder` as if last written `seconds` ago."""
    import time

    then = time.time() - seconds
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def test_seeds_racy_when_read_are_stated_at_the_end_of_the_build(tmp_path, monkeypatch):
    """Seeds that had just changed when the build read them get the stat of the build's end,
    when their bytes are still those it fingerprinted; not when they changed meanwhile."""
    import kg.build as build_module
    import kg.rdf.store as store_module

    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(MINI, seeds)
    _age(seeds, 60)
    calls = []

    def racy_first(seeds_dir, now_ns=None):
        calls.append(now_ns)
        return "" if len(calls) == 1 else store_module.seeds_stat(seeds_dir, now_ns)

    monkeypatch.setattr(build_module, "seeds_stat", racy_first)
    build(seeds, out, ONTOLOGY)
    assert len(calls) == 2
    assert read_meta(store_of(out)).seeds_stat == store_module.seeds_stat(seeds)

    # an edit while the build runs (after its fingerprint): nothing recorded, the bytes decide
    calls.clear()
    real_load = build_module.load_seeds

    def load_then_edit(seeds_dir):
        loaded = real_load(seeds_dir)
        facts = seeds / "facts.yaml"
        facts.write_text(facts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        _age(seeds, 60)
        return loaded

    monkeypatch.setattr(build_module, "load_seeds", load_then_edit)
    build(seeds, out, ONTOLOGY, cold=True)  # every file read: load_seeds, which edits
    assert read_meta(store_of(out)).seeds_stat == ""
    assert store_state(store_of(out), seeds).status == "stale"


def test_seeds_edited_while_a_rebuild_reads_the_changed_file_leave_the_store_stale(
        tmp_path, monkeypatch):
    """The same for a rebuild that reads only the file that changed (kg.filewise)."""
    import kg.filewise as filewise

    monkeypatch.setattr(filewise, "CHANGED_SHARE", 1.0)  # the mini seeds' files are few
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(MINI, seeds)
    build(seeds, out, ONTOLOGY)
    facts = seeds / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        "quote: 于2011年落户丽水经开区", "quote: 2011年落户丽水经开区"), encoding="utf-8")
    _age(seeds, 60)
    real_load = filewise.load_part
    read = []

    def load_then_edit(*args, **kwargs):
        loaded = real_load(*args, **kwargs)
        read.append(loaded)
        facts.write_text(facts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        _age(seeds, 60)
        return loaded

    monkeypatch.setattr(filewise, "load_part", load_then_edit)
    build(seeds, out, ONTOLOGY)
    assert read and read[0] is not None  # the rebuild read the changed file alone
    assert store_state(store_of(out), seeds).status == "stale"
    # and no record of the files: its copy of facts.yaml would not be what was read
    assert read_meta(store_of(out)).rebuild == ""


def test_freshness_is_told_by_stat_without_reading_the_seeds(tmp_path, monkeypatch):
    """The manifest records the seeds' names, sizes, inodes and mtimes; `kg query` compares those
    and reads no seed byte while they hold. Seeds written within the racy window record nothing,
    so the next check reads the bytes."""
    import kg.rdf.store as store_module

    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(MINI, seeds)
    _age(seeds, 0)
    build(seeds, out, ONTOLOGY)
    assert read_meta(store_of(out)).seeds_stat == ""  # just written: racy, bytes decide
    assert store_state(store_of(out), seeds).status == "fresh"

    _age(seeds, 60)
    build(seeds, out, ONTOLOGY)
    assert read_meta(store_of(out)).seeds_stat != ""

    def no_reading(_seeds_dir):
        raise AssertionError("the seeds were read")

    monkeypatch.setattr(store_module, "seeds_fingerprint", no_reading)
    assert store_state(store_of(out), seeds).status == "fresh"
    monkeypatch.undo()

    facts = seeds / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert store_state(store_of(out), seeds).status == "stale"


def test_a_generation_another_running_build_fills_is_left_alone(two_builds):
    """A build's clean-up removes the generations killed builds left, not one that a build
    still running claims (it fills that folder before it takes the lock)."""
    from kg.build import Claim

    seeds, out, _old = two_builds
    running = out / ".store" / "20990101T000000-0a0b0c0d"
    (running / "db").mkdir(parents=True)
    (running / "db" / "MANIFEST").write_bytes(b"being filled")
    with Claim(running):
        build(seeds, out, ONTOLOGY)
        assert (running / "db" / "MANIFEST").read_bytes() == b"being filled"
        assert len(generations(out)) == 2
    build(seeds, out, ONTOLOGY)  # the claim is over, as when its build was killed
    assert_clean(out)


def test_a_graph_that_does_not_conform_is_never_stored_early():
    from kg.build import RunOnce, second_core
    from kg.rdf.validate import ValidationResult

    filled = []
    fills = [RunOnce(lambda: filled.append(1) or frozenset({"kg.nt"})),
             RunOnce(lambda: filled.append(2) or frozenset({"analytics.ttl"}))]
    stop = threading.Event()
    verdict = ValidationResult(False, [], 3)
    assert second_core([lambda: verdict], fills, stop) == verdict
    assert filled == [] and stop.is_set()  # and a fill the first core began stops
    fills = [RunOnce(lambda: filled.append(1) or frozenset({"kg.nt"})),
             RunOnce(lambda: filled.append(2) or frozenset({"analytics.ttl"}))]
    assert second_core([], fills, threading.Event()) is None
    assert [f.result() for f in fills] == [frozenset({"kg.nt"}), frozenset({"analytics.ttl"})]
    assert filled == [1, 2]


def test_the_early_fill_runs_once_whichever_core_comes_first():
    from kg.build import RunOnce

    runs, begun, go = [], threading.Event(), threading.Event()

    def work():
        runs.append(threading.current_thread().name)
        begun.set()
        go.wait(10)
        return frozenset({"kg.nt"})

    fill = RunOnce(work)
    first = threading.Thread(target=fill.run, name="first")
    first.start()
    assert begun.wait(10)
    fill.run()  # another thread, free later: finds it begun and goes on
    go.set()
    assert fill.result() == frozenset({"kg.nt"}) and runs == ["first"]
    first.join()
    broken = RunOnce(lambda: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    broken.run()
    with pytest.raises(OSError):
        broken.result()


def test_a_stopped_early_fill_finishes_its_load_and_begins_no_other(tmp_path, monkeypatch):
    from kg.build import EarlyStore, Once, fill_analytics_early, fill_early

    stop, loads = threading.Event(), []

    class Stopping(EarlyStore):
        def load(self, data, syntax, graph=None):
            loads.append(syntax)
            super().load(data, syntax, graph)
            stop.set()  # the graph was found not to conform during this load

    store = Stopping(tmp_path / "db")
    nt = b"<http://x/a> <http://x/p> <http://x/b> .\n"
    trig = b"<http://x/g> { <http://x/a> <http://x/p> <http://x/b> . }\n"
    analytics: Once[bytes | None] = Once()
    analytics.set(b"<http://x/a> <http://x/q> 1 .\n")
    ready = {"kg.nt": nt, "kg.trig": trig}
    said = []
    held = fill_early(store, ready, "kg.nt", lambda: True, said.append, stop)
    assert held == frozenset({"kg.nt"}) and len(loads) == 1
    assert fill_early(store, ready, "kg.trig", lambda: True, said.append, stop) == frozenset()
    for into_graph in (False, True):
        assert fill_analytics_early(store, into_graph, lambda: True, analytics, "http://x/",
                                    said.append, stop) == frozenset()
    assert len(loads) == 1 and len(said) == 1 and said[0].startswith("stored kg.nt early")
    store.close()
    EarlyStore(tmp_path / "other").close()  # never loaded: never made
    assert not (tmp_path / "other").exists()


def test_the_analytics_count_as_loaded_early_once_both_their_graphs_are():
    from kg.build import ANALYTICS_PARTS, RunOnce, loaded_early

    def done(*names):
        fill = RunOnce(lambda: frozenset(names))
        fill.run()
        return fill

    assert loaded_early([done("kg.nt"), done("kg.trig"), done(ANALYTICS_PARTS[0]),
                         done(ANALYTICS_PARTS[1])]) == {"kg.nt", "kg.trig", "analytics.ttl"}
    # one graph only (the build failed meanwhile): both are loaded again, which adds nothing
    assert loaded_early([done("kg.nt"), done(), done(ANALYTICS_PARTS[1]), done()]) == \
        {"kg.nt"}


def _fill_while_validating(monkeypatch, verdict=None):
    """Make a build's validation wait, once done, until the early fill has begun: it can only
    begin on the first core's thread. `verdict` replaces the real one."""
    import kg.build

    filling = threading.Event()
    real_fill = kg.build.fill_early

    def fill(*args, **kwargs):
        filling.set()
        return real_fill(*args, **kwargs)

    def waiting(real):
        def validate(*args, **kwargs):
            result = real(*args, **kwargs)
            assert filling.wait(60), "the first core never began the early fill"
            return verdict or result
        return validate

    monkeypatch.setattr(kg.build, "fill_early", fill)
    # a build's full validation, begun while it sorts, or one after a last build
    for name in ("validate_rows", "validate_changes"):
        monkeypatch.setattr(kg.build, name, waiting(getattr(kg.build, name)))


def test_a_core_done_before_the_validation_fills_the_store_meanwhile(mini_seeds, tmp_path,
                                                                      monkeypatch):
    build(mini_seeds, tmp_path / "reference", ONTOLOGY)
    _fill_while_validating(monkeypatch)
    build(mini_seeds, tmp_path / "out", ONTOLOGY)

    def quads(out):
        return sorted(str(q) for q in open_read_only(store_of(out)))

    assert quads(tmp_path / "out") == quads(tmp_path / "reference")
    for name in ("kg.ttl", "kg.trig", "analytics.ttl"):
        assert (tmp_path / "out" / name).read_bytes() == \
            (tmp_path / "reference" / name).read_bytes()


def test_a_graph_found_not_to_conform_while_the_store_fills_leaves_nothing(mini_seeds,
                                                                           tmp_path,
                                                                           monkeypatch):
    from kg.rdf.validate import NotConforming, ValidationResult

    _fill_while_validating(monkeypatch, ValidationResult(False, [], 1))
    out = tmp_path / "out"
    with pytest.raises(NotConforming):
        build(mini_seeds, out, ONTOLOGY)
    assert not out.exists()


def test_a_build_failing_in_its_analytics_neither_hangs_nor_leaves_its_generation(
        mini_seeds, tmp_path, monkeypatch):
    """The second core's early fill waits for the analytics; a build that fails before they
    exist must release it, wait for it, and remove the generation it was filling."""
    import kg.build

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.build, "analytics_for", broken)
    out = tmp_path / "out"
    finished = threading.Event()
    caught: list[BaseException] = []

    def run() -> None:
        try:
            build(mini_seeds, out, ONTOLOGY)
        except BaseException as exc:  # handed to the test's thread
            caught.append(exc)
        finished.set()

    threading.Thread(target=run, daemon=True).start()
    assert finished.wait(120), "the build hangs"
    assert [type(exc) for exc in caught] == [OSError]
    assert not out.exists()  # its generation and the folders it made are gone


def test_seed_files_are_listed_as_rglob_lists_them(tmp_path):
    """The scandir walk behind the seeds' stat and fingerprint lists what Path.rglob did, in the
    same order (so manifests of earlier builds still match): Path order, not string order
    ('a/b' before 'a-b'), no __pycache__, symlinked folders not entered, linked files kept."""
    from kg.rdf.store import _seed_files

    root = tmp_path / "seeds"
    for name in ("a/b.yaml", "a-b/x.yaml", "a.yaml", "z/__pycache__/c.pyc", "z/y/deep.txt",
                 "sources/文章.txt", ".hidden"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.yaml").write_text("x", encoding="utf-8")
    (root / "linked-folder").symlink_to(outside, target_is_directory=True)
    (root / "linked-file.yaml").symlink_to(outside / "o.yaml")
    (root / "dangling.yaml").symlink_to(tmp_path / "nowhere")

    reference = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    listed = _seed_files(root)
    assert [relative for relative, _ in listed] == [str(p.relative_to(root)) for p in reference]
    assert [path for _, path in listed] == [str(p) for p in reference]
    assert "a/b.yaml" in dict(listed) and "linked-folder/o.yaml" not in dict(listed)
    assert _seed_files(tmp_path / "missing") == []


def test_the_manifest_lists_the_seeds_stat_and_an_older_hash_still_reads_fresh(tmp_path):
    """The manifest keeps each seed file's size, inode, mtime and name as a line (no hash to
    load on every query); a manifest of an older kg, which kept a hash there, never matches a
    listing, so its readers read the seeds' bytes and still find the store fresh."""
    import json
    import time

    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(MINI, seeds)
    _age(seeds, 60)
    build(seeds, out, ONTOLOGY)
    manifest = out / ".store.json"
    record = json.loads(manifest.read_text(encoding="utf-8"))
    files = [str(p) for p in sorted(p.relative_to(seeds) for p in seeds.rglob("*") if p.is_file())]
    assert [json.loads(line.split(" ", 3)[3]) for line in record["seeds_stat"]] == files
    size = (seeds / files[0]).stat().st_size
    assert record["seeds_stat"][0].startswith(f"{size} ")

    record["seeds_stat"] = "9" * 64  # an older kg's sha256 of the stat
    manifest.write_text(json.dumps(record), encoding="utf-8")
    assert store_state(store_of(out), seeds).status == "fresh"
    (seeds / files[0]).write_text("changed: true\n", encoding="utf-8")
    time.sleep(0.01)
    assert store_state(store_of(out), seeds).status == "stale"


def test_the_two_cores_fill_the_store_at_once_and_it_holds_what_a_cold_fill_holds(
        mini_seeds, tmp_path, monkeypatch):
    """The first core, done with its own work, loads the analytics while the second loads
    kg.nt and kg.trig into the same store: both loads run at the same time, on two threads,
    and the store holds every quad a store filled by one core holds."""
    import kg.build

    analytics_begun, sources_begun = threading.Event(), threading.Event()
    threads: dict[str, str] = {}
    real_sources, real_analytics = kg.build.fill_early, kg.build.fill_analytics_early
    real_validate = kg.build.validate_rows

    def validate(*args, **kwargs):  # the second core is free once the first has begun
        result = real_validate(*args, **kwargs)
        assert analytics_begun.wait(60), "the first core never loaded the analytics"
        return result

    def sources(store, ready, name, *args, **kwargs):
        threads[name] = threading.current_thread().name
        sources_begun.set()
        return real_sources(store, ready, name, *args, **kwargs)

    def analytics(store, into_graph, *args, **kwargs):
        threads[f"analytics {into_graph}"] = threading.current_thread().name
        analytics_begun.set()
        assert sources_begun.wait(60), "kg.nt and kg.trig were not loaded meanwhile"
        return real_analytics(store, into_graph, *args, **kwargs)

    monkeypatch.setattr(kg.build, "validate_rows", validate)
    monkeypatch.setattr(kg.build, "fill_early", sources)
    monkeypatch.setattr(kg.build, "fill_analytics_early", analytics)
    build(mini_seeds, tmp_path / "out", ONTOLOGY)
    assert threads["kg.nt"] != threads["analytics True"]  # the first and the last job
    # the reference: one store filled from the exports, one file after the other
    names = ["kg.nt", "kg.trig", "analytics.ttl"]
    kg.build.fill_store(tmp_path / "db", kg.build.store_loads(tmp_path / "out", names,
                                                              DEFAULT_BASE))
    reference = sorted(str(q) for q in open_read_only(tmp_path / "db"))
    assert sorted(str(q) for q in open_read_only(store_of(tmp_path / "out"))) == reference
