"""What changed between two builds, and which nodes the SHACL shapes must look at again.

A rebuild compares the new sorted N-Triples with the previous build's (`kg.nt`, trusted
through the build's manifest) in one pass over both, holding neither as a set. A node's
verdict under our shapes depends only on its own triples, the triples that point at it
(``sh:targetObjectsOf``) and the types of the nodes it points at (``sh:class`` on a value):
every path in ``ontology/shapes.ttl`` is a single predicate, which
``tests/test_incremental.py`` checks. So when the previous graph conformed, validating only
the nodes :func:`focus_nodes` returns gives the verdict of validating everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    for line in stream:
        line = line.rstrip(b"\r\n")
        if line:
            yield line


def sorted_difference(old: IO[bytes], new: IO[bytes]) -> tuple[list[bytes], list[bytes]]:
    """(added, removed): the lines only in `new`, the lines only in `old`, of two files of
    sorted N-Triples lines, read in one pass each.

    >>> import io
    >>> sorted_difference(io.BytesIO(b"a\\nb\\nd\\n"), io.BytesIO(b"b\\nc\\nd\\n"))
    ([b'c'], [b'a'])
    """
    added: list[bytes] = []
    removed: list[bytes] = []
    olds, news = _lines(old), _lines(new)
    o, n = next(olds, None), next(news, None)
    while o is not None or n is not None:
        if n is None or (o is not None and o < n):
            removed.append(o)  # type: ignore[arg-type]  # o is not None here
            o = next(olds, None)
        elif o is None or n < o:
            added.append(n)
            n = next(news, None)
        else:
            o, n = next(olds, None), next(news, None)
    return added, removed


def parse_lines(lines: Iterable[bytes]) -> list[ox.Triple]:
    data = b"\n".join(lines)
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)] if data else []


def focus_nodes(changed: Iterable[ox.Triple], store: ox.Store) -> list[ox.NamedNode]:
    """The nodes whose verdict may differ after `changed` (triples added or removed) were
    applied to the graph in `store`: every subject and IRI object of a change, and every node
    pointing at a node whose types changed. Sorted, so validation runs alike every time."""
    nodes: set[ox.NamedNode] = set()
    retyped: set[ox.NamedNode] = set()
    for t in changed:
        if isinstance(t.subject, ox.NamedNode):
            nodes.add(t.subject)
            if t.predicate == RDF_TYPE:
                retyped.add(t.subject)
        if isinstance(t.object, ox.NamedNode):
            nodes.add(t.object)
    for node in retyped:
        for quad in store.quads_for_pattern(None, None, node):
            if isinstance(quad.subject, ox.NamedNode):
                nodes.add(quad.subject)
    return sorted(nodes, key=lambda n: n.value)


def neighbourhood(store: ox.Store, nodes: Iterable[ox.NamedNode]) -> ox.Store:
    """A store of what the shapes read to judge `nodes`: their own triples, the triples
    pointing at them, and the types of the nodes they point at. Validating `nodes` on it gives
    their verdict on the whole graph, at the cost of their neighbourhood, not of the graph."""
    quads: set[ox.Quad] = set()
    for node in nodes:
        for quad in store.quads_for_pattern(node, None, None):
            quads.add(quad)
            if isinstance(quad.object, ox.NamedNode):
                quads.update(store.quads_for_pattern(quad.object, RDF_TYPE, None))
        quads.update(store.quads_for_pattern(None, None, node))
    sub = ox.Store()
    sub.extend(quads)
    return sub
