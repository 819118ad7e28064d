"""How are two entities connected? The shortest explained path through the projected graph.

Names are resolved by id, or by exact label or alias in Chinese or English (English case
does not matter). The path is the one with the fewest facts, walking facts in either
direction; among equally short paths, one whose hops rest on stated facts wins over one that
needs inferred facts, and the rest of the tie is broken by id order. Each hop is told as a
sentence in the fact's own direction, with the relation's label, its year where known, and the
quote and source behind it.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pyoxigraph as ox

from kg.errors import EXIT_NO_PATH, KgError, counted
from kg.graph.analytics import fact
from kg.graph.projection import node_index
from kg.graph.records import EdgeData, Fact, node_data
from kg.names import NameIndex
from kg.rdf.store import select
from kg.seeds import schema
from kg.sparql.run import PROLOGUE
from kg.tables import escape_lines

INFERRED_COST = 0.001  # an inferred hop costs a little more, so stated facts win ties


class NoPath(KgError):
    """Both entities exist, but no chain of facts links them."""

    exit_code = EXIT_NO_PATH


def resolve(g: nx.Graph, name: str) -> str:
    """The node a name stands for, by the one rule of `kg.names`.

    Raises `kg.names.UnknownName` (with near matches) or `AmbiguousName` (with the candidates).

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_node("a", label="晶睿电子", label_en="Jingrui Electronics", aliases=["晶睿"], cls="Company")
    >>> g.add_node("b", label="晶睿", label_en="", aliases=[], cls="Product")
    >>> resolve(g, "a"), resolve(g, "jingrui electronics")
    ('a', 'a')
    >>> resolve(g, "晶睿")
    Traceback (most recent call last):
    ...
    kg.names.AmbiguousName: '晶睿' names 2 entities; give one of these ids:
      a (晶睿电子, Company)
      b (晶睿, Product)
    """
    return node_index(g).resolve(name)


def resolve_both(g: nx.Graph, source: str, target: str,
                 index: NameIndex | None = None) -> tuple[str, str]:
    """Both ends of a path question; one error reports every name that does not resolve.
    `index` is `node_index(g)`, when kept (kg.graph.kept)."""
    ends, problems = [], []
    index = index or node_index(g)  # once for both: a province's index takes seconds
    for name in (source, target):
        try:
            ends.append(index.resolve(name))
        except KgError as exc:
            problems.append(str(exc))
    if problems:
        raise KgError("\n".join(problems))
    return ends[0], ends[1]


def _hop_cost(g: nx.MultiDiGraph) -> Callable[[str, str, object], float]:
    def cost(u: str, v: str, _data: object) -> float:
        facts: list[EdgeData] = [*g.get_edge_data(u, v, default={}).values(),
                                 *g.get_edge_data(v, u, default={}).values()]
        return 1 + (0 if any(not d.get("inferred") for d in facts) else INFERRED_COST)
    return cost


def _best_fact(g: nx.MultiDiGraph, u: str, v: str) -> Fact:
    """Of the facts between u and v (either direction), the one to tell: stated before
    inferred, then with a year, then by relation name."""
    options = [fact(g, a, b, k) for a, b in ((u, v), (v, u))
               for k in sorted(g.get_edge_data(a, b, default={}))]
    return min(options, key=lambda f: (f["inferred"], f["year"] is None, f["relation"],
                                       f["subject"]))


def find_path(g: nx.MultiDiGraph, a: str, b: str) -> list[Fact]:
    """The facts along the shortest connection from `a` to `b` (see the module docstring).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for n in "abc":
    ...     g.add_node(n, label=n.upper())
    >>> _ = g.add_edge("a", "b", key="r", relation="r", label="连", inferred=False)
    >>> _ = g.add_edge("c", "b", key="r", relation="r", label="连", inferred=True)
    >>> [(f["subject"], f["object"], f["inferred"]) for f in find_path(g, "a", "c")]
    [('a', 'b', False), ('c', 'b', True)]
    >>> find_path(g, "a", "a")
    []
    """
    walk = nx.Graph()
    walk.add_nodes_from(sorted(g))
    walk.add_edges_from(sorted({(min(u, v), max(u, v)) for u, v in g.edges() if u != v}))
    try:
        nodes = nx.dijkstra_path(walk, a, b, weight=_hop_cost(g))
    except nx.NetworkXNoPath:
        da, db = node_data(g, a), node_data(g, b)
        raise NoPath(f"No connection: no chain of facts links {da.get('label', a)} ({a}) and "
                     f"{db.get('label', b)} ({b}), in either direction.") from None
    return [_best_fact(g, u, v) for u, v in zip(nodes, nodes[1:])]


def article_titles(store: ox.Store) -> dict[str, str]:
    """Headlines of the source articles, by article id, for citing a hop's source."""
    rows = select(store, PROLOGUE + "SELECT ?a ?h WHERE { ?a schema:headline ?h }")
    return {row["a"].value.rsplit("/", 1)[-1]: row["h"].value for row in rows}


def hop_sentence(f: Fact, titles: dict[str, str] | None = None) -> str:
    """One fact as a sentence, then its quote and source.

    Examples
    --------
    >>> print(hop_sentence({"subject_label": "晶睿电子", "label": "获得荣誉", "label_en": "has honour",
    ...     "object_label": "小巨人", "year": 2024, "stage": None, "inferred": False,
    ...     "quote": "并于2024年获评", "source": "art2"}, {"art2": "标题"}))
    晶睿电子 获得荣誉 (has honour) 小巨人, 2024.
       “并于2024年获评” — art2 《标题》
    """
    titles = titles or {}
    when = [str(f["year"])] if f["year"] is not None else []
    stage = f.get("stage")
    if stage:
        when.append(schema.stage_zh(stage))
    en = f" ({f['label_en']})" if f.get("label_en") else ""
    line = f"{f['subject_label']} {f['label']}{en} {f['object_label']}"
    line += (", " + ", ".join(when) if when else "") + "."
    if f["inferred"]:
        line += " [inferred: the source implies it without stating it]"
    title = f" 《{titles[f['source']]}》" if f["source"] in titles else ""
    source = f"{f['source']}{title}" if f["source"] else "no source recorded"
    quote = f"“{f['quote']}”" if f["quote"] else "(no quote)"
    return f"{line}\n   {quote} — {source}"


def explain_path(g: nx.MultiDiGraph, a: str, b: str, hops: list[Fact],
                 titles: dict[str, str] | None = None) -> str:
    """The whole answer: a heading, then one numbered sentence per hop; for a terminal, each
    line's control characters escaped (labels and quotes come from any graph file)."""
    la, lb = node_data(g, a).get("label", a), node_data(g, b).get("label", b)
    if not hops:
        return escape_lines(f"{la} ({a}) and {lb} ({b}) are the same entity.")
    lines = [f"{la} → {lb}: {counted(len(hops), 'hop')}"]
    for i, f in enumerate(hops, 1):
        lines.append(f"{i}. {hop_sentence(f, titles)}")
    return escape_lines("\n".join(lines))
