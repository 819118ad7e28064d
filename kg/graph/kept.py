"""The projection of a published build, kept beside its store for `kg path`.

Parsing kg.ttl and projecting it takes 22 s at province size, on every question. The first
`kg path` on a build keeps the projection, with the articles' headlines and the index of the
entities' names, as JSON in the build's generation folder (OUT/.store/<id>/projection.json);
the next ones read it back. It goes with the generation when a later build removes it. It is
read as any input: checked value by value, never trusted; one that is not one is made again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx

from kg.collector import collector_paused
from kg.graph.projection import node_index
from kg.names import NameIndex
from kg.rdf.store import kept

FILE = "projection.json"
FORMAT = "kg projection 1"
MAX_BYTES = 2 << 30  # a province's: about 200 MB

Kept = tuple[nx.MultiDiGraph, dict[str, str], NameIndex]  # graph, headlines, names


def record(g: nx.MultiDiGraph, titles: dict[str, str], names: NameIndex) -> dict:
    """What `from_record` reads back: nodes and edges in the graph's order, with every
    attribute."""
    return {"format": FORMAT, "nodes": [[n, data] for n, data in g.nodes(data=True)],
            "edges": [[u, v, k, data] for u, v, k, data in g.edges(keys=True, data=True)],
            "titles": titles, "names": names.record()}


def _value(x: object) -> bool:
    return x is None or isinstance(x, (str, int, float)) or (
        isinstance(x, list) and all(isinstance(y, str) for y in x))


def _attributes(x: object) -> bool:
    return isinstance(x, dict) and all(isinstance(k, str) and _value(v) for k, v in x.items())


def from_record(data: object) -> Kept | None:
    """The projection `data` holds, or None when it is not one `record` wrote.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="甲", aliases=["A"], cls="Company")
    >>> g.add_node("b", label="乙", aliases=[], cls="Park")
    >>> _ = g.add_edge("a", "b", key="locatedIn", year=2024, quote="甲在乙", inferred=False)
    >>> again, titles, names = from_record(record(g, {"art": "标题"}, node_index(g)))
    >>> list(again.nodes(data=True)) == list(g.nodes(data=True))
    True
    >>> list(again.edges(keys=True, data=True)) == list(g.edges(keys=True, data=True))
    True
    >>> titles, names.resolve("甲")
    ({'art': '标题'}, 'a')
    >>> from_record({"format": FORMAT, "nodes": [], "edges": [["a", "b", "k", {}]],
    ...              "titles": {}, "names": names.record()}) is None  # an edge of no node
    True
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    nodes, edges, titles = data.get("nodes"), data.get("edges"), data.get("titles")
    if not (isinstance(nodes, list) and isinstance(edges, list) and isinstance(titles, dict)):
        return None
    if not all(isinstance(n, list) and len(n) == 2 and isinstance(n[0], str)
               and _attributes(n[1]) for n in nodes):
        return None
    known = {n for n, _data in nodes}
    if not all(isinstance(e, list) and len(e) == 4 and e[0] in known and e[1] in known
               and isinstance(e[2], str) and _attributes(e[3]) for e in edges):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in titles.items()):
        return None
    names = NameIndex.from_record(data.get("names"))
    if names is None:
        return None
    g = nx.MultiDiGraph()
    g.add_nodes_from((n, attrs) for n, attrs in nodes)
    g.add_edges_from((u, v, k, attrs) for u, v, k, attrs in edges)
    return g, titles, names


@collector_paused()  # JSON of a province: millions of objects, none of them cyclic garbage
def kept_projection(folder: Path | None,
                    make: Callable[[], tuple[nx.MultiDiGraph, dict[str, str]]]) -> Kept:
    """The projection and headlines `make()` gives, with their name index: read from
    `folder` (a published build's generation) when kept there, else made and kept there."""
    def made() -> Kept:
        g, titles = make()
        return g, titles, node_index(g)

    return kept(folder, FILE, MAX_BYTES, from_record, made, lambda k: record(*k))
