"""Reading a built graph file in any syntax `kg build` writes (and a few more), chosen by its
extension, into Oxigraph or rdflib; named graphs are merged into the default graph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import KgError, NotFound

if TYPE_CHECKING:
    from rdflib import Graph

# What `kg build` writes, and what else both engines read; the syntax follows the extension.
GRAPH_SYNTAXES = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig",
                  "nq": "nquads", "rdf": "xml", "owl": "xml"}


def graph_syntax(graph_file: str | Path) -> str:
    """The extension of a graph file, checked: one clear error for a file no engine reads."""
    path = Path(graph_file)
    if not path.is_file():
        raise NotFound(graph_file)
    extension = path.suffix.lstrip(".").lower()
    if extension not in GRAPH_SYNTAXES:
        raise KgError(f"{graph_file}: cannot tell its RDF syntax from the extension "
                      f"(give a file ending in {', '.join('.' + e for e in GRAPH_SYNTAXES)})")
    return extension


def _format(extension: str) -> ox.RdfFormat:
    return ox.RdfFormat.from_extension(extension) or ox.RdfFormat.RDF_XML


def _name(extension: str) -> str:
    """The syntax's name for messages: Turtle, N-Triples, JSON-LD, TriG…"""
    return _format(extension).name


def load_graph_file(graph_file: str | Path, store: ox.Store | None = None,
                    graph: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph(),
                    shown: str | None = None) -> ox.Store:
    """A store (a new in-memory one unless given) holding the file in `graph`; the named graphs
    of TriG, N-Quads and JSON-LD are merged into it (by default the default graph, which the
    named queries read). Errors name the file as `shown` (default: its path)."""
    syntax = _format(graph_syntax(graph_file))
    store = ox.Store() if store is None else store
    try:
        if syntax.supports_datasets:
            store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph)
                              for q in ox.parse(path=str(graph_file), format=syntax))
        else:
            store.bulk_load(path=str(graph_file), format=syntax, to_graph=graph)
    except (SyntaxError, ValueError, OSError) as exc:
        raise KgError(f"{shown or graph_file}: not readable as {syntax.name}: {exc}") from None
    return store


def read_rdflib(graph_file: str | Path) -> Graph:
    """The file parsed with rdflib, named graphs merged (the same rule as load_graph_file)."""
    from rdflib import Dataset, Graph  # 0.1 s: only the rdflib engine pays it

    extension = graph_syntax(graph_file)
    dataset = Dataset()
    try:
        dataset.parse(str(graph_file), format=GRAPH_SYNTAXES[extension])
    except Exception as exc:  # rdflib raises many kinds for a malformed file
        raise KgError(f"{graph_file}: not readable as {_name(extension)}: {exc}") from None
    graph = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph
