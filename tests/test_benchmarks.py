"""benchmarks/run.py and benchmarks/naive.py: the harness of issue 9's figures.

The fast tests hold its parsers to what the project prints and ships (the build's -v
progress, its summary line, the queries' headers) and its seed edit to what the loader
accepts; the slow one runs the whole harness at a tiny size and reads RESULTS.md. No test
looks at a time.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import QUERIES_DIR, ROOT
from kg.cli import main
from kg.seeds.loader import load_seeds
from kg.sparql.queries import load_queries


def _load(name: str):
    # benchmarks/ is not a package: load the script by its path
    spec = importlib.util.spec_from_file_location(f"bench_{name}",
                                                  ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


run = _load("run")
synth = _load("synth")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "seeds"
    synth.generate(parks=2, companies=30, out=out, seed=5)
    return out


def test_steps_are_read_from_the_builds_progress(tiny, tmp_path):
    result = CliRunner().invoke(main, ["build", "--seeds", str(tiny), "--out",
                                       str(tmp_path / "out"), "-v", "--no-validate"])
    assert result.exit_code == 0, result.output
    steps = run.parse_steps(result.stderr, total=1e6)
    assert len(steps) >= 3, result.stderr
    assert steps[0][0].startswith("loading"), steps
    assert all(seconds >= 0 for _name, seconds in steps)
    sizes = run.parse_built(result.stdout)
    assert set(sizes) == {"triples", "entities", "facts"} and min(sizes.values()) > 0


def test_parse_steps_gives_each_step_the_time_to_the_next():
    err = "·    0.0 s  loading\n·    2.5 s  validating 10 triples\nnote: x\n·    3.0 s  writing\n"
    assert run.parse_steps(err, total=4.0) == [("loading", 2.5), ("validating 10 triples", 0.5),
                                               ("writing", 1.0)]
    assert run.parse_steps("no progress here", total=1.0) == []


def test_every_shipped_query_and_parameter_is_found():
    found = run.named_queries(QUERIES_DIR)
    shipped = load_queries(QUERIES_DIR)
    assert set(found) == set(shipped)
    for name, params in found.items():
        assert [p for p, _ in params] == [p.name for p in shipped[name].params], name
        assert [d for _, d in params] == [p.default for p in shipped[name].params], name


def test_query_parameters_name_entities_of_the_seeds(tiny):
    picked = run.pick_params(tiny)
    assert set(picked) >= {"park", "chain", "company", "honour", "source"}
    seeds = load_seeds(tiny)
    for key in ("park", "chain", "company", "honour"):
        assert picked[key] in seeds.entities, key
    assert picked["source"] in seeds.articles


def test_touching_a_file_changes_one_quote_and_the_seeds_still_check(tiny, tmp_path):
    import shutil

    seeds = tmp_path / "seeds"
    shutil.copytree(tiny, seeds)
    before = {p.name: p.read_text("utf-8") for p in seeds.glob("*.yaml")}
    run.touch_one_file(seeds, 0)
    run.touch_one_file(seeds, 1)
    after = {p.name: p.read_text("utf-8") for p in seeds.glob("*.yaml")}
    changed = [n for n in before if before[n] != after[n]]
    assert changed, "nothing was changed"
    for name in changed:
        a, b = before[name].splitlines(), after[name].splitlines()
        assert len(a) == len(b)
        assert sum(x != y for x, y in zip(a, b)) in (1, 2)  # the same file may be hit twice
    result = CliRunner().invoke(main, ["check", "--seeds", str(seeds)])
    assert result.exit_code == 0, result.output


def test_verdicts_say_met_or_missed_and_by_how_much():
    assert run.verdict(10.0, "naive").startswith("met")
    assert run.verdict(4.0, "naive").startswith("missed: 2.00× short")
    assert run.verdict(4.0, "naive", "lower").startswith("undecided")
    assert run.verdict(9.0, "naive", "lower").startswith("met")
    assert run.verdict(3.0, "query", "lower") == "missed: more than 1.50× over the limit"
    assert run.verdict(1.0, "query", "lower").startswith("undecided")
    assert run.verdict(1.0, "query", "upper").startswith("met")
    assert run.verdict(3.0, "query", "upper").startswith("undecided")
    assert run.verdict(0.05, "rebuild").startswith("met")
    assert run.verdict(0.2, "rebuild") == "missed: 2.00× over the limit"
    assert run.spread(run.Figure([3.0, 1.0, 2.0])) == "2.00 s (1.00 s–3.00 s, n=3)"
    assert run.spread(run.Figure([5.0], note="stopped")) == "> 5.00 s (stopped)"


def test_a_child_is_measured_alone_and_stopped_at_its_limit(tmp_path):
    touch = "x = bytearray(200 << 20); x[::4096] = b'1' * len(x[::4096])"  # every page
    big = run.run_child([sys.executable, "-c", touch], tmp_path)
    assert big.ok and big.rss >= 200, big
    small = run.run_child([sys.executable, "-c", "pass"], tmp_path)
    assert small.ok and small.rss < 100  # not the earlier child's peak
    stopped = run.run_child([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path,
                            timeout=0.5)
    assert stopped.timed_out and not stopped.ok


def test_a_child_with_a_worker_is_measured_as_both_at_once(tmp_path):
    """A build's workers hold memory beside it: the peak is their sum, not the largest one
    (which is what wait4 gives)."""
    touch = "x = bytearray(200 << 20); x[::4096] = b'1' * len(x[::4096])"
    worker = touch + "; import time; time.sleep(1.5)"
    both = run.run_child([sys.executable, "-c", f"{touch}\nimport subprocess, sys\n"
                          f"subprocess.run([sys.executable, '-c', {worker!r}], check=True)"],
                         tmp_path)
    assert both.ok and both.rss >= 400, both
    own, worker_rss = both.peak["tree_each"]  # when the peak came, both were there
    assert own >= 200 and worker_rss >= 200, both.peak
    assert 0 < both.peak["tree_at"] < both.wall


def test_the_peak_is_placed_in_the_step_that_was_running():
    err = "·    0.0 s  loading\n·    2.5 s  validating 10 triples in a second process\n" \
          "·    3.0 s  writing\n"
    build = run.Run(4.0, 4.0, 900.0, 0, "", err, peak={
        "largest": 600.0, "tree": 900.0, "tree_at": 2.7, "tree_each": [600.0, 300.0]})
    assert run.peak_when(build) == (
        "its processes together peaked at 900 MiB, 2.70 s after its start, during "
        "“validating 10 triples in a second process” (the build's own process 600 MiB, its "
        "second process 300 MiB)")
    spike = run.Run(4.0, 4.0, 950.0, 0, "", err, peak={
        "largest": 950.0, "tree": 900.0, "tree_at": 0.5, "tree_each": [900.0]})
    assert "during “loading” (the build's own process 900 MiB)" in run.peak_when(spike)
    assert run.peak_when(spike).endswith("one process alone reached 950 MiB (wait4) between "
                                         "two samples")
    assert run.peak_when(run.Run(1.0, 1.0, 0.0, 0, "", err)) == ""  # nothing sampled


def test_naive_stages_report_stopped_not_run_and_skipped(tiny, tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "naive.py"), "--seeds",
                          str(tiny), "--out", str(tmp_path), "--timeout", "60",
                          "--skip", "triples"],
                         capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    records = {r["stage"]: r for r in map(json.loads, out.stdout.splitlines())}
    assert list(records) == ["yaml", "triples", "graph_add", "turtle", "shacl"]
    assert records["yaml"]["status"] == "done"
    assert records["triples"]["status"] == "skipped"
    assert {records[s]["status"] for s in ("graph_add", "turtle", "shacl")} == {"not run"}


def test_naive_seed_triples_are_the_builds_triples(tiny, tmp_path):
    naive = _load("naive")
    result = CliRunner().invoke(main, ["build", "--seeds", str(tiny), "--out",
                                       str(tmp_path / "out"), "-q", "--no-validate"])
    assert result.exit_code == 0, result.output
    from rdflib import Graph

    built = Graph().parse(tmp_path / "out" / "kg.nt", format="nt")
    assert set(naive.seed_triples(tiny)) == set(built)
    assert set(naive.built_triples(tmp_path / "out" / "kg.nt")) == set(built)


def test_run_refuses_a_work_folder_inside_a_project(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "sources.yaml").write_text("entities: []\n")
    with pytest.raises(SystemExit, match="inside the kg project"):
        run.main(["--parks", "1", "--companies", "1", "--work", str(tmp_path / "w"),
                  "--out", str(tmp_path / "R.md")])
    assert not (tmp_path / "w").exists() and not (tmp_path / "R.md").exists()


@pytest.mark.slow
def test_run_writes_every_section_with_numbers(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--parks", "2",
                           "--companies", "20", "--repeat", "1", "--work", str(tmp_path / "work"),
                           "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == run.SECTIONS
    assert text.startswith("# Benchmarks") and "python benchmarks/run.py --parks 2" in text
    summary = text.split("## Summary", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in summary.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 7  # header and one row per target
    for row in rows[1:]:
        assert re.search(r"\d", row.split("|")[2]), row  # a measured figure
        assert re.search(r"\bmet\b|missed|undecided", row), row
    queries = text.split("## 4. Named queries", 1)[1].split("\n## ", 1)[0]
    assert "failed" not in queries and "not measured" not in queries, queries
    for name in run.named_queries(QUERIES_DIR):
        assert f"| {name} |" in queries, name
    # with --repeat 1, a small query through kg is still the median of QUICK_RUNS runs
    assert re.search(rf"\| company-profile \| [\d.]+ s \([\d.]+ s–[\d.]+ s, "
                     rf"n={run.QUICK_RUNS}\) \|", queries), queries
    memory = text.split("## 6.", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"The build's SHACL engine alone.* peaks at [\d,.]+ MiB: [\d.]+× the "
                     r"store", memory), memory
    assert re.search(r"When, in the first cold build: its processes together peaked at "
                     r"[\d,]+ MiB, [\d.]+ s after its start, during “[^”]+” \(the build's own "
                     r"process [\d,]+ MiB", memory), memory
    naive = text.split("## 1.", 1)[1].split("\n## ", 1)[0]
    assert "conforms=True" in naive
    assert re.search(r"\| shacl \| \d", naive), naive


def test_the_quotes_benchmark_finds_every_quote_of_the_seeds_both_ways(tiny):
    figures = _load("quotes").measure(tiny, count=200, scanned=50)
    assert figures["quotes"] > 50 and figures["chars"] > 1000
    assert figures["scan"] > 0 and figures["finder"] > 0


def test_the_seeds_worker_benchmark_loads_the_same_seeds_both_ways(tiny):
    figures = _load("seeds_worker").measure(tiny, repeat=1)
    assert figures["entities"] > 100 and figures["facts"] > 100 and figures["files"] > 1
    assert figures["alone"] > 0 and figures["beside"] > 0


def test_the_build_parts_benchmark_times_what_a_cold_build_does(tiny, tmp_path):
    """Its parts make what a cold build makes: the same kg.nt and kg.trig, and a store of as
    many quads (the union, a graph per source, the analytics twice)."""
    import pyoxigraph as ox

    from kg.build import build
    from kg.project import STORE_NAME
    from kg.rdf.store import store_db

    parts = _load("build_parts")
    figures = parts.measure(tiny, tmp_path / "parts", ROOT / "ontology")
    out = tmp_path / "exports"
    build(tiny, out, ROOT / "ontology", cold=True)
    for name in ("kg.nt", "kg.trig"):
        assert (tmp_path / "parts" / name).read_bytes() == (out / name).read_bytes(), name
    assert figures["quads"] == len(ox.Store.read_only(str(store_db(out / STORE_NAME))))
    assert len(figures["parts"]) == 13 and all(cpu > 0 for *_, cpu in figures["parts"][:2])
    assert re.search(r"spread perfectly over \d+ cores: [\d.]+ s, [\d.]+× the floor",
                     parts.report(figures))


def test_the_shacl_engines_benchmark_finds_both_engines_agree(built, tmp_path):
    figures = _load("shacl_lines").measure(built / "kg.nt", repeat=1)
    assert figures["conforms"] and figures["results"] == 0 and figures["triples"] > 1000
    assert figures["lines_seconds"] > 0 and figures["turbo_seconds"] > 0
    assert figures["lines_mib"] > 0 and figures["turbo_mib"] > 0
    # with results to agree on: every quote gone
    broken = tmp_path / "broken.nt"
    broken.write_bytes(b"".join(line for line in (built / "kg.nt").read_bytes().splitlines(True)
                                if b"/ontology/quote>" not in line))
    figures = _load("shacl_lines").measure(broken, repeat=1)
    assert not figures["conforms"] and figures["results"] > 100
