"""Push to a real Oxigraph server (PyPI `oxigraph`), then every named query agrees remote and local."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from helpers import ROOT, canonical, free_port, oxigraph_executable
from kg.sparql import engines
from kg.cli import main
from kg.sparql.queries import bind_params, load_queries

QUERIES = load_queries(ROOT / "queries")


def start_oxigraph(location, union_default_graph: bool):
    """A real `oxigraph serve` on a free loopback port; yields its base URL, then stops it."""
    exe = oxigraph_executable()
    if exe is None:
        pytest.fail("the Oxigraph server is not installed (neither next to "
                    f"{sys.executable} nor on PATH): pip install oxigraph (tests/run.sh does)")
    port = free_port()
    process = subprocess.Popen([exe, "serve", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}"]
                               + (["--union-default-graph"] if union_default_graph else []),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {process.stderr.read().decode()}")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(20)


# every test using this fixture is marked remote and slow (tests/conftest.py)
@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    yield from start_oxigraph(tmp_path_factory.mktemp("oxigraph"), union_default_graph=True)


@pytest.fixture(scope="module")
def plain_oxigraph_server(tmp_path_factory, oxigraph_server):
    """Oxigraph out of the box: its default graph is not the union of the named graphs.
    (Asks for oxigraph_server only so that conftest marks its tests remote and slow.)"""
    yield from start_oxigraph(tmp_path_factory.mktemp("plain"), union_default_graph=False)


@pytest.fixture(scope="module")
def pushed(oxigraph_server, built):
    result = CliRunner().invoke(main, ["push", f"{oxigraph_server}/store", "--file",
                                       str(built / "kg.nt")])
    assert result.exit_code == 0, result.output
    return oxigraph_server


def test_push_reports_what_it_sent_and_read_back(pushed, built):
    lines = sum(1 for line in (built / "kg.nt").read_text(encoding="utf-8").splitlines() if line)
    again = CliRunner().invoke(main, ["push", f"{pushed}/store", "--file", str(built / "kg.nt")])
    assert again.exit_code == 0
    assert f"Pushed {lines:,} triples" in again.output and f"read back {lines:,}" in again.output


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_named_query_agrees_remote_and_local(name, pushed, built):
    remote = engines.remote_engine(f"{pushed}/query")
    local = engines.oxigraph_file_engine(built / "kg.ttl")
    q = QUERIES[name]
    assert canonical(remote.run(bind_params(q, {}, remote.run))) == \
        canonical(local.run(bind_params(q, {}, local.run)))


def test_query_command_with_endpoint(pushed, built):
    args = ["query", "chain-leaders", "--format", "csv"]
    remote = CliRunner().invoke(main, args + ["--endpoint", f"{pushed}/query"])
    local = CliRunner().invoke(main, args + ["--graph", str(built / "kg.ttl")])
    assert remote.exit_code == 0 and remote.output == local.output


def test_push_to_the_default_graph_replaces_it(oxigraph_server, built):
    for _ in range(2):  # twice: PUT replaces, it does not add
        result = CliRunner().invoke(main, ["push", f"{oxigraph_server}/store", "--graph",
                                           "default", "--file", str(built / "kg.nt")])
        assert result.exit_code == 0, result.output


def test_unreachable_store_and_endpoint_exit_3(built):
    dead = f"http://127.0.0.1:{free_port()}"
    push = CliRunner().invoke(main, ["push", f"{dead}/store", "--file", str(built / "kg.nt")])
    assert push.exit_code == 3 and "cannot reach" in push.output
    query = CliRunner().invoke(main, ["query", "chain-leaders", "--endpoint", f"{dead}/query"])
    assert query.exit_code == 3 and "cannot reach" in query.output


def test_push_refuses_a_relative_graph_name(built):
    result = CliRunner().invoke(main, ["push", "http://127.0.0.1:1/store", "--graph", "lishui",
                                       "--file", str(built / "kg.nt")])
    assert result.exit_code == 2


def test_push_then_query_works_on_a_store_without_a_union_default_graph(plain_oxigraph_server,
                                                                          built):
    pushed = CliRunner().invoke(main, ["push", f"{plain_oxigraph_server}/store", "--file",
                                       str(built / "kg.nt")])
    assert pushed.exit_code == 0, pushed.output
    args = ["query", "chain-leaders", "--format", "csv"]
    local = CliRunner().invoke(main, args + ["--graph", str(built / "kg.ttl")])
    remote = CliRunner().invoke(main, args + ["--endpoint", f"{plain_oxigraph_server}/query"])
    assert remote.exit_code == 0 and remote.output == local.output and local.output.count("\n") > 2
    # entity parameters are resolved in the pushed graph too
    park = CliRunner().invoke(main, ["query", "park-companies", "--param", "park=丽水经开区",
                                     "--endpoint", f"{plain_oxigraph_server}/query"])
    assert park.exit_code == 0 and "晶睿电子" in park.output
    # 'none' leaves the store's own (empty) default graph
    count = ["query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv",
             "--endpoint", f"{plain_oxigraph_server}/query"]
    assert CliRunner().invoke(main, count + ["--default-graph", "none"]).output.split() == ["n", "0"]
    assert CliRunner().invoke(main, count).output.split() != ["n", "0"]


def test_default_graph_must_be_an_iri_or_none():
    result = CliRunner().invoke(main, ["query", "chain-leaders", "--endpoint",
                                       "http://127.0.0.1:1/query", "--default-graph", "kg"])
    assert result.exit_code == 2 and "absolute IRI or 'none'" in result.output


def test_the_oxigraph_server_is_found_beside_python_without_path(monkeypatch):
    """pip puts it in the venv's bin/, which need not be on PATH (a venv not activated)."""
    import sys
    from pathlib import Path

    monkeypatch.setenv("PATH", "")
    found = oxigraph_executable()
    assert found is not None and Path(found).parent == Path(sys.executable).parent
