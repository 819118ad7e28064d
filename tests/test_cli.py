"""The command line: help, exit codes, and output, run in-process with CliRunner."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from helpers import ONTOLOGY, ROOT, ontology_with
from kg.cli import main

COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"kg {name}" in result.output
    assert f"kg {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_dash_m_kg_works():
    done = subprocess.run([sys.executable, "-m", "kg", "--help"], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0 and "build" in done.stdout


def test_unknown_option_is_a_usage_error():
    assert CliRunner().invoke(main, ["build", "--no-such-option"]).exit_code == 2


@pytest.mark.slow
def test_validate_exit_codes(built, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(built / "kg.ttl"), "--ontology", str(ONTOLOGY)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("Conforms:")

    broken = tmp_path / "broken.ttl"
    text = (built / "kg.ttl").read_text(encoding="utf-8")
    broken.write_text(text.replace("ipk:level ipk:NationalLevel", "ipk:level \"national\""),
                      encoding="utf-8")
    bad = runner.invoke(main, ["validate", str(broken), "--ontology", str(ONTOLOGY)])
    assert bad.exit_code == 1
    assert "ipk:level" in bad.output and "violations in" in bad.output

    garbled = tmp_path / "garbled.ttl"
    garbled.write_text("this is not turtle .", encoding="utf-8")
    unreadable = runner.invoke(main, ["validate", str(garbled), "--ontology", str(ONTOLOGY)])
    assert unreadable.exit_code == 2
    assert "not readable as Turtle" in unreadable.output


def test_build_exits_1_and_writes_nothing_when_the_graph_breaks_a_shape(mini_seeds, tmp_path):
    strict = ontology_with(tmp_path, "<urn:test:CompanyNeedsEnglish> a sh:NodeShape ; "
                           "sh:targetClass ipk:Company ;\n  sh:property [ sh:path ipk:hasBrand ; "
                           "sh:minCount 1 ; sh:message \"every company needs a brand\"@en ] .\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--seeds", str(mini_seeds), "--ontology",
                                       str(strict), "--out", str(out)])
    assert result.exit_code == 1
    assert "every company needs a brand" in result.output
    assert "nothing was written" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_a_build_that_does_not_conform_leaves_the_last_build_as_it_was(mini_seeds, tmp_path):
    """The files and the store are staged while the verdict is awaited; a graph that breaks a
    shape leaves the published build, its store and nothing else."""
    from kg.rdf.store import open_read_only

    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", "--seeds", str(mini_seeds), "--ontology",
                                     str(ONTOLOGY), "--out", str(out)]).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    quads = set(open_read_only(out / ".store"))
    strict = ontology_with(tmp_path, "<urn:test:CompanyNeedsEnglish> a sh:NodeShape ; "
                           "sh:targetClass ipk:Company ;\n  sh:property [ sh:path ipk:hasBrand ; "
                           "sh:minCount 1 ] .\n")
    result = CliRunner().invoke(main, ["build", "--seeds", str(mini_seeds), "--ontology",
                                       str(strict), "--out", str(out)])
    assert result.exit_code == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert set(open_read_only(out / ".store")) == quads


def test_stats_counts_and_zero_unsourced(built):
    result = CliRunner().invoke(main, ["stats", str(built / "kg.ttl"), "--format", "json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["facts_without_source_or_quote"] == 0
    assert stats["entities_per_class"]["ipk:Company"] >= 21
    assert sum(v["facts"] for v in stats["facts_per_source"].values()) == stats["facts"]
    assert stats["facts_per_relation"]["ipk:hasHonour"] >= 15


def test_stats_table_is_readable(built):
    result = CliRunner().invoke(main, ["stats", str(built / "kg.ttl")])
    assert result.exit_code == 0
    assert "ipk:Company" in result.output
    assert "without source or quote: 0" in result.output


def test_stats_on_a_missing_file_is_exit_2():
    # a path the user typed is "not found"; only a missing default export says to build
    result = CliRunner().invoke(main, ["stats", "no/such/kg.ttl"])
    assert result.exit_code == 2 and "no/such/kg.ttl: not found" in result.output
    assert "kg build" not in result.output


def test_readme_query_output_is_real():
    """The README's example query, run on exports/kg.ttl, prints what the README shows."""
    import contextlib
    import io
    import os
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Querying the Turtle"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"Output on the bundled seeds:\n\n```\n(.*?)```", readme, re.S).group(1)
    printed = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(printed):
            exec(code, {})
    finally:
        os.chdir(cwd)
    assert printed.getvalue() == shown


def _last_line_printed(probe: str) -> str:
    """The last line `probe` prints, run by a Python of its own in the repository."""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_help_and_light_commands_load_nothing_heavy():
    """kg --help starts fast: rdflib, pyoxigraph, pyshacl, networkx, pyvis, igraph, and even
    urllib.request and wcwidth, load only in the commands that use them."""
    probe = ("import sys; from kg.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = {'rdflib', 'pyoxigraph', 'pyshacl', 'pyshacl_turbo', 'networkx', 'pyvis',"
             " 'yaml', 'igraph', 'urllib.request', 'wcwidth'}\n"
             "print(sorted(heavy & ({m.split('.')[0] for m in sys.modules} | set(sys.modules))))")
    assert _last_line_printed(probe) == "[]"


def test_the_executable_loads_kg_with_the_collector_off_and_its_objects_frozen():
    """`kg` (kg.__main__.run) loads kg.cli before Python's cyclic collector may walk what
    start-up made, freezes those objects, and runs the command with the collector on."""
    probe = ("import gc, sys\nfrom kg.__main__ import run\n"
             "sys.argv = ['kg', '--version']\nseen = []\n"
             "gc.callbacks.append(lambda phase, info: seen.append(gc.get_freeze_count()))\n"
             "try:\n    run()\nexcept SystemExit:\n    pass\n"
             "print(gc.isenabled(), gc.get_freeze_count() > 10_000, 0 in seen)")
    # no collection before the freeze: while kg.cli loaded, the collector was off
    assert _last_line_printed(probe) == "True True False"


def test_a_query_on_the_store_loads_only_what_it_needs_and_ends_with_its_whole_answer(tmp_path):
    """`kg query` from a project's store is a small query's price: no rdflib, YAML, hashlib (the
    seeds are told unchanged by their stat), schema, mapping or name folding is loaded; and the
    process ends right after the answer (kg.cli._end_now), which is written whole, as CliRunner
    (which must not be ended) gets it."""
    import os
    import time

    from kg.build import build

    project = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", project / "seeds")
    then = time.time() - 60  # not just written: the build records their stat (RACY_NS)
    for path in (project / "seeds").rglob("*"):
        os.utime(path, (then, then))
    build(project / "seeds", project / "exports", ONTOLOGY)
    args = ["query", "company-profile", "--param", "company=晶睿电子", "--format", "csv"]
    probe = ("import os, sys\nfrom kg import cli\nreal_exit = os._exit\n"
             "def ending(code):\n"
             "    heavy = {'rdflib', 'yaml', 'hashlib', 'difflib', 'html', 'dataclasses', 'kg.match',"
             " 'kg.seeds.schema', 'kg.rdf.mapping', 'kg.seeds.loader', 'urllib.request', 'networkx'}\n"
             "    print('ended early, loaded:', sorted(heavy & set(sys.modules)))\n"
             "    sys.stdout.flush()\n    real_exit(code)\n"
             f"os._exit = ending\nsys.argv = ['kg', *{args!r}]\ncli.program()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=project)
    assert done.returncode == 0, done.stderr
    answer, _, last = done.stdout.rstrip("\n").rpartition("\n")
    assert last == "ended early, loaded: []"
    with_runner = CliRunner().invoke(main, ["--project", str(project), *args])
    assert with_runner.exit_code == 0 and answer + "\n" == with_runner.output
    assert answer.count("\n") >= 3 and "晶睿" in answer


def test_build_progress_shows_elapsed_time_with_v_and_nothing_with_q(mini_seeds, tmp_path):
    runner = CliRunner()
    loud = runner.invoke(main, ["build", "--seeds", str(mini_seeds), "--out", str(tmp_path / "a"),
                                "--ontology", str(ONTOLOGY), "-v"])
    assert loud.exit_code == 0, loud.output
    steps = [line for line in loud.stderr.splitlines() if line.startswith("·")]
    assert len(steps) >= 4 and all(re.match(r"^· +\d+\.\d s  \S", s) for s in steps), steps
    assert any("4 facts from 2 files" in s for s in steps)
    quiet = runner.invoke(main, ["build", "--seeds", str(mini_seeds), "--out",
                                 str(tmp_path / "b"), "--ontology", str(ONTOLOGY), "-v", "-q"])
    assert quiet.exit_code == 0 and "·" not in quiet.stderr
