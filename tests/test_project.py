"""Project folders: found from any subfolder, named with --project or KG_PROJECT, created with
kg init; each build's store lives with its output; shipped queries and ontology travel with the
package and a project's own override them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.project import find_root, open_project, packaged

from helpers import ROOT


def kg(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m kg ARGS` in a real process started in `cwd`."""
    environment = {k: v for k, v in os.environ.items() if k != "KG_PROJECT"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True,
                          text=True, env=environment, timeout=300)


def digest(folder: Path) -> str:
    """A hash of every file under `folder`: names and bytes ('' when it does not exist)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest() if folder.exists() else ""


@pytest.fixture
def fresh(tmp_path) -> Path:
    """A project made by 'kg init', built once."""
    project = tmp_path / "park"
    made = CliRunner().invoke(main, ["init", str(project)])
    assert made.exit_code == 0, made.output
    built = CliRunner().invoke(main, ["--project", str(project), "build"])
    assert built.exit_code == 0, built.output
    return project


def test_init_makes_a_project_that_builds_and_validates_at_once(fresh):
    assert (fresh / "seeds" / "sources.yaml").is_file()
    assert (fresh / "README.md").is_file()
    example = (fresh / "seeds" / "example.yaml").read_text(encoding="utf-8")
    assert example.count("relation:") == 1 and "# " in example  # one fact, commented
    for name in ("kg.ttl", "kg.nt", "kg.jsonld", "kg.trig", "analytics.ttl"):
        assert (fresh / "exports" / name).is_file()
    checked = CliRunner().invoke(main, ["--project", str(fresh), "validate"])
    assert checked.exit_code == 0 and checked.output.startswith("Conforms:")
    answer = CliRunner().invoke(main, ["--project", str(fresh), "query", "park-companies",
                                       "--param", "park=示例园区", "--format", "csv"])
    assert answer.exit_code == 0 and "示例科技有限公司" in answer.output, answer.output


def test_init_never_overwrites(fresh):
    again = CliRunner().invoke(main, ["init", str(fresh)])
    assert again.exit_code == 2 and "not an empty folder" in again.stderr


def test_commands_work_from_any_subfolder(fresh):
    inside = fresh / "seeds" / "sources"
    assert find_root(inside) == fresh.resolve()
    done = kg("stats", "--format", "json", cwd=inside)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["facts"] == 1
    assert kg("check", cwd=inside).stdout.startswith("OK: 2 entities and 1 fact in")


def test_outside_a_project_it_says_so_and_how_to_point_at_one(fresh, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    lost = kg("stats", cwd=elsewhere)
    assert lost.returncode == 2 and "Traceback" not in lost.stderr
    assert "no kg project in" in lost.stderr and "--project DIR" in lost.stderr
    assert "KG_PROJECT" in lost.stderr and "kg init" in lost.stderr
    for found in (kg("--project", str(fresh), "stats", cwd=elsewhere),
                  kg("stats", "--project", str(fresh), cwd=elsewhere),
                  kg("stats", cwd=elsewhere, env={"KG_PROJECT": str(fresh)})):
        assert found.returncode == 0, found.stderr
        assert "without source or quote: 0" in found.stdout
    not_one = kg("--project", str(elsewhere), "stats", cwd=elsewhere)
    assert not_one.returncode == 2 and "is not a kg project" in not_one.stderr


def test_a_missing_default_export_says_to_build_and_a_typed_path_says_not_found(tmp_path):
    project = tmp_path / "p"
    assert CliRunner().invoke(main, ["init", str(project)]).exit_code == 0
    unbuilt = CliRunner().invoke(main, ["--project", str(project), "analyze"])
    assert unbuilt.exit_code == 2
    assert "exports/kg.ttl: not found (run 'kg build' first)" in unbuilt.stderr
    typed = CliRunner().invoke(main, ["--project", str(project), "analyze", "typo.ttl"])
    assert typed.exit_code == 2 and typed.stderr.strip() == "typo.ttl: not found"


def test_a_build_elsewhere_leaves_the_projects_store_untouched(fresh, tmp_path):
    store = fresh / "exports"
    before = digest(store), digest(fresh / ".kg")
    other = tmp_path / "other"
    built = CliRunner().invoke(main, ["--project", str(fresh), "build", "--seeds",
                                      str(ROOT / "tests" / "fixtures" / "mini"), "--out",
                                      str(other)])
    assert built.exit_code == 0, built.output
    assert (digest(store), digest(fresh / ".kg")) == before
    assert (other / ".store").is_dir() and (other / ".store.json").is_file()


def test_a_store_of_other_seeds_says_what_it_holds(fresh):
    mini = ROOT / "tests" / "fixtures" / "mini"
    assert CliRunner().invoke(main, ["--project", str(fresh), "build", "--seeds",
                                     str(mini)]).exit_code == 0
    answer = CliRunner().invoke(main, ["--project", str(fresh), "query", "park-companies",
                                       "--param", "park=示例园区", "--format", "csv"])
    assert answer.exit_code == 0, answer.output
    assert f"holds a build of {mini.resolve()}" in answer.stderr
    assert "older" not in answer.stderr and "示例科技有限公司" in answer.stdout


def test_a_graph_files_own_store_is_recognised_only_while_it_matches(fresh):
    """kg serve --graph serves the build's store only while it was published with that file."""
    from kg.project import store_of
    from kg.rdf.store import store_for_graph

    graph = fresh / "exports" / "kg.ttl"
    assert store_for_graph(graph, store_of(graph.parent))
    graph.write_text(graph.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert not store_for_graph(graph, store_of(graph.parent))
    answer = CliRunner().invoke(main, ["query", "park-companies", "--graph", str(graph),
                                       "--param", "park=example-park", "--format", "csv"])
    assert answer.exit_code == 0 and "示例科技有限公司" in answer.output


def test_project_queries_add_to_and_override_the_shipped_ones(fresh):
    own = fresh / "queries"
    own.mkdir()
    shipped = (packaged("queries") / "park-companies.rq").read_text(encoding="utf-8")
    (own / "park-companies.rq").write_text(
        shipped.replace("# title: ", "# title: OVERRIDDEN ", 1), encoding="utf-8")
    (own / "company-count.rq").write_text(
        "# title: Companies\n# question-zh: 有多少家企业?\n# question-en: How many companies?\n"
        "PREFIX ipk: <https://w3id.org/industrial-park-kg/ontology/>\n"
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ipk:Company }\n", encoding="utf-8")
    named = CliRunner().invoke(main, ["--project", str(fresh), "queries"])
    assert named.exit_code == 0 and "company-count" in named.output
    assert "awarding-bodies" in named.output  # the shipped ones are still there
    assert open_project(fresh).queries[-1] == own.resolve()
    count = CliRunner().invoke(main, ["--project", str(fresh), "query", "company-count",
                                      "--format", "csv"])
    assert count.exit_code == 0 and count.output.splitlines()[-1] == "1"


def test_a_projects_own_ontology_replaces_the_shipped_one(fresh):
    assert open_project(fresh).ontology == packaged("ontology")
    shutil.copytree(packaged("ontology"), fresh / "ontology")
    assert open_project(fresh).ontology == (fresh / "ontology").resolve()


@pytest.mark.slow
def test_a_non_editable_install_carries_the_ontology_and_queries(tmp_path):
    target, source = tmp_path / "site", tmp_path / "source"
    # from a copy: pip builds in the source tree, which must stay as it is
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".kg", "exports", "build", "*.egg-info", ".pytest_cache", "__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--target", str(target), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (target / "kg" / "ontology" / "shapes.ttl").is_file()
    assert len(list((target / "kg" / "queries").glob("*.rq"))) >= 18
    project = tmp_path / "p"
    env = {"PYTHONPATH": str(target)}
    outside = tmp_path / "cwd"
    outside.mkdir()
    assert kg("init", str(project), cwd=outside, env=env).returncode == 0
    built = kg("--project", str(project), "build", cwd=outside, env=env)
    assert built.returncode == 0, built.stderr
    listed = kg("queries", cwd=outside, env=env)  # no project needed for the shipped queries
    assert listed.returncode == 0 and "park-companies" in listed.stdout
    where = subprocess.run([sys.executable, "-c", "import kg; print(kg.__file__)"], cwd=outside,
                           env={**os.environ, **env}, capture_output=True, text=True)
    assert where.stdout.startswith(str(target))


def test_every_subpackage_is_listed_for_setuptools():
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kg").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"
    assert {"kg.ontology", "kg.queries"} <= listed


def test_stats_from_the_store_and_from_the_file_agree(fresh, tmp_path):
    """The store holds each source's triples again in a named graph; stats count the graph."""
    from_store = CliRunner().invoke(main, ["--project", str(fresh), "stats", "--format", "json"])
    copy = tmp_path / "copy.ttl"  # no store beside it: read from the file
    copy.write_bytes((fresh / "exports" / "kg.ttl").read_bytes())
    from_file = CliRunner().invoke(main, ["stats", str(copy), "--format", "json"])
    assert from_store.exit_code == from_file.exit_code == 0
    assert json.loads(from_store.output) == json.loads(from_file.output)
