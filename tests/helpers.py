"""Shared constants and helpers of the test suite; test modules import them from here.

conftest.py holds only fixtures and hooks (pytest loads it itself; it is not imported).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SEEDS = ROOT / "seeds"
ONTOLOGY = ROOT / "ontology"
EXPORTS = ROOT / "exports"
QUERIES_DIR = ROOT / "queries"
FIXTURES = TESTS / "fixtures"
MINI = FIXTURES / "mini"
MINI_QUERIES = FIXTURES / "mini-queries"  # small seeds on which the named queries have answers

# What the suite must never write to: the working tree's embedded store and its exports.
PROTECTED = (ROOT / ".kg", EXPORTS)


def nudge(seeds: Path) -> None:
    """Change the bytes of a seeds file and none of its facts (one more comment at its end),
    so that the next build reads it instead of finding nothing changed since the last."""
    first = min(seeds.glob("*.yaml"))
    with open(first, "a", encoding="utf-8") as fh:
        fh.write("# nudged\n")


def ontology_with(folder: Path, extra: str) -> Path:
    """A copy of the project's ontology in `folder`/ontology with `extra` appended to its
    shapes (Turtle, the file's prefixes in scope)."""
    ontology = folder / "ontology"
    shutil.copytree(ONTOLOGY, ontology)
    with open(ontology / "shapes.ttl", "a", encoding="utf-8") as fh:
        fh.write("\n" + extra)
    return ontology


def oxigraph_executable() -> str | None:
    """The Oxigraph server (PyPI `oxigraph`): next to this Python (a venv's bin/, where pip puts
    it even when the venv is not activated), else on PATH; None when neither has it."""
    for name in ("oxigraph", "oxigraph.exe"):
        exe = Path(sys.executable).parent / name
        if exe.is_file() and os.access(exe, os.X_OK):
            return str(exe)
    return shutil.which("oxigraph")


def canonical(result):
    """A query result as a comparable value: rows or triples as a multiset of canonical terms."""
    from kg.sparql.run import Select, Triples

    if isinstance(result, Select):
        return Counter(tuple(sorted((k, v.canonical()) for k, v in row.items()))
                       for row in result.rows)
    if isinstance(result, Triples):
        return Counter(tuple(t.canonical() for t in triple) for triple in result.triples)
    return result.value


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on (now)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def folder_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (anywhere, e.g. a tmp copy of the seeds) by its path relative
    to it: the SHA-256 of its bytes. What a command that must write nothing is held to."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def tree_digest(*folders: Path) -> dict[str, str]:
    """Every file and folder under `folders` (which may be missing), by its path relative to
    ROOT: the SHA-256 of a file's bytes, a link's target, "folder" for a folder."""
    digest = {}
    for folder in folders:
        if not folder.exists():
            continue
        for path in sorted([folder, *folder.rglob("*")]):
            name = str(path.relative_to(ROOT))
            if path.is_symlink():
                digest[name] = "link " + os.readlink(path)
            elif path.is_dir():
                digest[name + "/"] = "folder"
            else:
                digest[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # the query page's one example in `server`


def store_of(graph):
    """The triples of an rdflib Graph in a new in-memory Oxigraph store."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def graph_of(store):
    """The triples of an Oxigraph store in a new rdflib Graph, for pySHACL."""
    import pyoxigraph as ox
    from rdflib import Graph

    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return Graph().parse(data=text, format="nt")


def validate_both(graph, ontology=ONTOLOGY):
    """Validate the same triples with pySHACL (the reference, `validate_graph`) and pyshacl-turbo
    (`validate_store`); fail unless they give the same verdict, the same results (focus, path,
    value, severity, source shape, constraint component) and the same report, whether it reads
the store's dump or the N-Triples a build holds. Returns the
    reference's result, so a shape test runs on both engines by calling this."""
    import pyoxigraph as ox

    from kg.rdf.shacl_lines import Unsupported
    from kg.rdf.validate import validate_graph, validate_lines, validate_ntriples, validate_store

    reference = validate_graph(graph, ontology)
    store = store_of(graph)
    fast = validate_store(store, ontology)
    # as a build calls it, with the triples it holds as N-Triples: the same result
    text = graph.serialize(format="nt", encoding="utf-8")
    assert validate_store(store, ontology, ntriples=text) == fast
    # as a cold build calls it, with no store: one is made, once, only to name what is wrong
    made = []

    def store_of_text():
        made.append(ox.Store())
        made[-1].load(text, format=ox.RdfFormat.N_TRIPLES)
        return made[-1]

    assert validate_ntriples(text, len(store), ontology, store_of_text) == fast
    # kg's own engine (kg.rdf.shacl_lines) takes the text, sorted as kg.nt or not; it runs the
    # project's shapes (and names what is wrong without a store), others go to pyshacl-turbo
    lines_ran = True
    try:
        assert validate_lines(text, len(store), ontology) == fast
        assert validate_lines(b"".join(sorted(text.splitlines(keepends=True))), len(store),
                              ontology) == fast
    except Unsupported:
        lines_ran = False
    assert lines_ran or Path(ontology) != Path(ONTOLOGY), "shacl_lines cannot run shapes.ttl"
    assert len(made) == (0 if not fast.violations or lines_ran else 1)
    only_reference = sorted(reference.results - fast.results)
    only_fast = sorted(fast.results - reference.results)
    assert not only_reference and not only_fast, (
        f"the engines disagree: pySHACL only {only_reference}; pyshacl-turbo only {only_fast}")
    assert fast.conforms == reference.conforms
    assert fast.violations == reference.violations and fast.triples == reference.triples
    return reference


def load_synth(name: str = "synth"):
    """benchmarks/NAME.py as a module (benchmarks/ is not a package: loaded by its path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
