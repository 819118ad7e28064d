"""`kg query` on user text: guards before the engine, prefixes, column order, tables that fit
and escape, values carried exactly, and readable remote errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from helpers import ROOT
from trap import Trap
from kg.cli import main
from kg import tables
from kg.sparql import run
from kg.sparql.run import QueryError

ENGINES = ("oxigraph", "rdflib")


def kg(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_deep_nesting_exits_2_instead_of_crashing(built):
    deep = "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000
    done = kg("query", "--graph", str(built / "kg.ttl"), "--sparql", deep)
    assert done.returncode == 2, done.stderr[-500:]
    assert "nests brackets 3000 deep, over the limit of 40" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_service_is_refused_unless_allowed(built, engine):
    trap = Trap()
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{trap.port}/x> {{ ?s ?p ?o }} }}"
    result = CliRunner().invoke(main, ["query", "--graph", str(built / "kg.ttl"),
                                       "--engine", engine, "--sparql", query])
    assert result.exit_code == 2 and "SERVICE calls are refused" in result.output
    assert trap.calls == 0  # nothing was sent
    trap.close()


def test_guard_function():
    assert run.nesting_depth('SELECT * { ?s ?p "{{{{" . FILTER((1)) } # {{{') == 3
    run.guard_query("SELECT ?service { ?service ?p 'SERVICE <x>' }")  # not SERVICE calls
    run.guard_query("SELECT * { SERVICE <http://a.example:81/q> {} }", allow_service=["a.example"])
    run.guard_query("SELECT * { SERVICE <http://a.example:81/q> {} }", allow_service=["a.example:81"])
    for query in ("SELECT * { service <http://b.example/> {} }",
                  "PREFIX e: <http://b.example/> SELECT * { SERVICE e:q {} }",
                  "SELECT * { SERVICE ?where {} }",
                  "SELECT * { \\u0053ERVICE <http://b.example/> {} }"):
        with pytest.raises(QueryError):
            run.guard_query(query, allow_service=["a.example"])
    with pytest.raises(QueryError, match="characters long"):
        run.guard_query("ASK {}" + " " * 300_000)


@pytest.mark.parametrize("engine", ENGINES)
def test_project_prefixes_are_declared_and_select_star_keeps_the_query_order(built, engine):
    result = CliRunner().invoke(main, [
        "query", "--graph", str(built / "kg.ttl"), "--engine", engine, "--format", "csv",
        "--sparql", "SELECT * WHERE { ?s a ipk:Company ; rdfs:label ?label } LIMIT 1"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "s,label"
    result = CliRunner().invoke(main, [
        "query", "--graph", str(built / "kg.ttl"), "--engine", engine, "--format", "csv",
        "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"])
    assert result.output.splitlines()[0] == "s,p,o"


def test_star_order():
    assert run.star_order("SELECT * { ?o ?p ?s . ?x ?y ?s }", ["s", "p", "o", "x", "y"]) == \
        ["o", "p", "s", "x", "y"]
    assert run.star_order("SELECT ?b ?a { ?a ?p ?b }", ["b", "a"]) == ["b", "a"]


@pytest.mark.parametrize("engine", ENGINES)
def test_syntax_errors_say_line_and_column(built, engine):
    result = CliRunner().invoke(main, ["query", "--graph", str(built / "kg.ttl"), "--engine",
                                       engine, "--sparql", "SELECT * WHERE {\n  ?s ?p\n}"])
    assert result.exit_code == 2
    assert "SPARQL syntax error at line " in result.output, result.output
    assert result.output.rstrip().endswith("^")  # a caret under the place
    assert len(result.output) < 400  # no list of Unicode ranges


def test_an_unknown_prefix_is_named_not_listed_as_unicode_ranges(built):
    result = CliRunner().invoke(main, ["query", "--graph", str(built / "kg.ttl"), "--sparql",
                                       "SELECT * WHERE { ?s nope:p ?o }"])
    assert result.exit_code == 2
    assert "unknown prefix; declare it with PREFIX" in result.output and "ipk" in result.output
    assert "u{" not in result.output


@pytest.fixture
def odd_graph(tmp_path):
    path = tmp_path / "odd.ttl"
    path.write_text('<http://x/a> <http://x/p> "red\\u001b[31m\\nline two\\ttab" .\n'
                    '<http://x/b> <http://x/p> "' + "很长的名字" * 40 + '" .\n', encoding="utf-8")
    return path


def test_tables_escape_controls_fit_the_width_and_count_rows(odd_graph):
    result = CliRunner().invoke(main, ["query", "--graph", str(odd_graph), "--width", "60",
                                       "--sparql", "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 5 and lines[-1] == "(2 rows)"  # one line per row: no split on \n
    assert "red\\x1b[31m\\nline two\\ttab" in lines[2] and "\x1b" not in result.output
    assert all(len(line) <= 60 for line in lines[:4]) and lines[3].endswith("…")
    one = CliRunner().invoke(main, ["query", "--graph", str(odd_graph), "--sparql",
                                    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"])
    assert one.output.endswith("(1 row)\n")


def test_wide_characters_are_cut_by_display_width():
    table = tables.format_table(["名称", "n"], [["晶睿电子" * 10, 1]], width=20)
    assert table.splitlines()[2] == "晶睿电子晶睿电子…  1"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_machine_formats_carry_values_exactly(odd_graph, fmt):
    result = CliRunner().invoke(main, ["query", "--graph", str(odd_graph), "--format", fmt,
                                       "--sparql", "SELECT ?o WHERE { <http://x/a> ?p ?o }"])
    value = "red\x1b[31m\nline two\ttab"
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(result.output)))[1] == [value]
    elif fmt == "json":
        assert json.loads(result.output) == [{"o": value}]
    else:
        assert "\x1b[31m" in result.output


class _Refusing(BaseHTTPRequestHandler):
    def do_POST(self):
        body = (b"<!DOCTYPE html><html><head><title>415 Unsupported Media Type</title></head>"
                b"<body><h1>Unsupported</h1><p>Use <b>application/sparql-query</b></p>"
                b"</body></html>")
        self.send_response(415 if self.path == "/415" else 200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_remote_errors_are_readable_and_exit_3():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path in ("/415", "/html-not-json"):
            result = CliRunner().invoke(main, ["query", "--endpoint", base + path,
                                               "--sparql", "ASK {}"])
            assert result.exit_code == 3, result.output
            assert "<" not in result.output and "Unsupported" in result.output
            assert len(result.output.splitlines()) == 1
        assert "answered 415" in CliRunner().invoke(
            main, ["query", "--endpoint", base + "/415", "--sparql", "ASK {}"]).output
    finally:
        server.shutdown()
        server.server_close()
