"""The building blocks views share: context, tooltips, entity and "+N" nodes, ranking, cuts."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.graph.projection import node_index
from kg.graph.records import (EdgeData, all_edges, in_edges, node_data, out_edges,
                              qualifier_value)
from kg.names import NameIndex
from kg.rdf.store import select
from kg.seeds import schema
from kg.sparql.run import PROLOGUE
from kg.views.layout import CLASS_COLOURS, FACTS_IN_TOOLTIP, MORE, MORE_COLOUR, TOP_NAMES
from kg.views.model import View

Node = str  # a node of the projection: an entity id
ClassLabels = dict[str, tuple[str, str]]  # class local name -> (zh, en)

def class_labels(ontology_dir: str | Path | None) -> ClassLabels:
    """The zh and en labels of the entity classes from ``ontology/ipk.ttl``; local names as
    a fallback when the ontology or a label is missing.

    >>> class_labels(None)["Company"]
    ('Company', 'Company')
    """
    labels = {cls: (cls, cls) for cls in schema.ENTITY_TYPES}
    path = Path(ontology_dir) / "ipk.ttl" if ontology_dir is not None else None
    if path is None or not path.is_file():
        return labels
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    query = PROLOGUE + """SELECT ?c ?zh ?en WHERE { ?c rdfs:label ?zh, ?en
        FILTER(lang(?zh) = "zh" && lang(?en) = "en") }"""
    for row in select(store, query):
        cls = row["c"].value.rsplit("/", 1)[-1]
        if cls in labels:
            labels[cls] = (row["zh"].value, row["en"].value)
    return labels


@dataclass
class Context:
    """The projection a view reads, with what every view asks of it."""

    g: nx.MultiDiGraph
    classes: ClassLabels
    max_degree: int
    index: NameIndex = field(repr=False)  # the one name rule: focus lookup and page search

    def label(self, n: Node) -> str:
        return node_data(self.g, n).get("label") or str(n)

    def class_text(self, cls: str) -> str:
        zh, en = self.classes.get(cls, ("其他类别", "other classes") if cls == MORE else (cls, cls))
        return f"{zh} / {en}" if zh != en else zh

    def names(self, n: Node) -> list[str]:
        """What the page's search finds `n` by: zh and en label, aliases, id (non-empty)."""
        return list(dict.fromkeys(x for x in (*self.index.entities[n].names, str(n)) if x))


def context(g: nx.MultiDiGraph, classes: ClassLabels | None = None) -> Context:
    degrees = [d for _, d in g.degree()]
    return Context(g, classes or class_labels(None), max(degrees, default=0) or 1, node_index(g))


def size(value: float, top: float) -> float:
    """A node's size: the square root of its share of `top`, between 12 and 40."""
    return round(12 + 28 * math.sqrt(max(value, 0) / (top or 1)), 1)


def colour(cls: str) -> str:
    return CLASS_COLOURS.get(cls, MORE_COLOUR)


# Tooltips -------------------------------------------------------------------------------------

def _qualifier_text(ctx: Context, q: schema.Qualifier, value: Any) -> str:
    if q.kind == "stage":
        stage = schema.STAGE_BY_LOCAL.get(value)
        return f"{stage.zh} / {stage.en}" if stage else str(value)
    if q.kind == "entity":
        return ctx.label(value) if value in ctx.g else str(value)
    if q.key == "batch":
        return f"第{value}批 (no. {value})"
    return str(value)


def _qualifiers(ctx: Context, d: EdgeData) -> list[str]:
    """One line per qualifier the fact carries, in the order and with the labels of the
    schema's qualifier table."""
    lines = [f"{q.zh} {q.en}: {_qualifier_text(ctx, q, value)}"
             for q in schema.EDGE_QUALIFIERS
             if (value := qualifier_value(d, q.key)) not in (None, "")]
    if d.get("inferred"):
        lines.append("推断 inferred: implied by the source, not stated in so many words")
    return lines


def _provenance(quote: str, source: str) -> list[str]:
    lines = [f"“{quote}”"] if quote else []
    if source:
        lines.append(f"— 来源 source: {source}")
    return lines


def edge_tip(ctx: Context, u: Node, v: Node, d: EdgeData) -> dict:
    """Tooltip of an edge: the relation's labels, the two ends, qualifiers, quote and source."""
    head = d.get("label") or d.get("relation", "")
    if d.get("label_en") and d["label_en"] != head:
        head = f"{head} · {d['label_en']}"
    lines = [f"{ctx.label(u)} → {ctx.label(v)}", *_qualifiers(ctx, d),
             *_provenance(d.get("quote") or "", d.get("source") or "")]
    return {"head": head, "lines": lines}


def _fact_line(ctx: Context, d: EdgeData, other: Node, outgoing: bool) -> str:
    arrow = "→" if outgoing else "←"
    rel = d.get("label") or d.get("relation", "")
    if d.get("label_en"):
        rel = f"{rel} {d['label_en']}"
    year = f" ({d['year']})" if d.get("year") is not None else ""
    return f"{arrow} {rel}: {ctx.label(other)}{year}"


def node_tip(ctx: Context, n: Node) -> dict:
    """Tooltip of an entity: zh and en label, class, id, aliases, key facts, its own quote."""
    a = node_data(ctx.g, n)
    head = a.get("label") or str(n)
    if a.get("label_en"):
        head = f"{head} · {a['label_en']}"
    lines = [f"类别 class: {ctx.class_text(a.get('cls', ''))}", f"id: {n}"]
    if a.get("aliases"):
        lines.append("别名 aliases: " + ", ".join(a["aliases"]))
    facts = sorted([_fact_line(ctx, d, v, True) for _, v, d in out_edges(ctx.g, n)]
                   + [_fact_line(ctx, d, u, False) for u, _, d in in_edges(ctx.g, n)])
    lines.extend(facts[:FACTS_IN_TOOLTIP])
    if len(facts) > FACTS_IN_TOOLTIP:
        lines.append(f"… 另有 {len(facts) - FACTS_IN_TOOLTIP} 条事实 / "
                     f"{len(facts) - FACTS_IN_TOOLTIP} more facts")
    lines.extend(_provenance(a.get("quote") or "", a.get("source") or ""))
    return {"head": head, "lines": lines}


def more_lines(hidden: Sequence[str], intro: Sequence[str]) -> list[str]:
    """`intro`, then the first `TOP_NAMES` of `hidden` and a count of the rest."""
    lines = [*intro, *hidden[:TOP_NAMES]]
    if len(hidden) > TOP_NAMES:
        lines.append(f"… {len(hidden) - TOP_NAMES} more")
    return lines


# Nodes and edges ------------------------------------------------------------------------------

def _ink(fill: str) -> str:
    """Dark text on light fills, white on dark ones.

    >>> _ink("#ffbb78"), _ink("#393b79")
    ('#1f2933', '#ffffff')
    """
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#1f2933" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def entity_node(ctx: Context, n: Node, **extra: Any) -> dict:
    """An entity as a vis-network node: a dot sized by degree, or a box (``shape="box"``)
    with the label inside."""
    a = node_data(ctx.g, n)
    cls = a.get("cls", "")
    fill = colour(cls)
    node = {"id": str(n), "label": a.get("label") or str(n), "cls": cls,
            "size": size(ctx.g.degree(n), ctx.max_degree),
            "color": {"background": fill, "border": "#3e4c59",
                      "highlight": {"background": fill, "border": "#000000"}},
            "names": ctx.names(n), "tip": node_tip(ctx, n)}
    if extra.get("shape") == "box":
        node["font"] = {"color": _ink(fill)}
    node.update(extra)
    return node


def more_node(ctx: Context, ident: str, hidden: Sequence[Node], what: tuple[str, str],
              max_nodes: int, **extra: Any) -> dict:
    """A "+N" node counting entities a view does not show one by one."""
    lines = more_lines([ctx.label(n) for n in hidden],
                       [f"未逐一显示：本视图最多 {max_nodes} 个节点 / not shown one by one: a view "
                        f"holds at most {max_nodes} nodes"])
    node = {"id": ident, "label": f"+{len(hidden)}", "cls": MORE, "shape": "box",
            "color": {"background": MORE_COLOUR, "border": "#7b8794"},
            "names": [n for x in hidden for n in ctx.names(x)],
            "tip": {"head": f"另有 {len(hidden)} 个{what[0]} / {len(hidden)} more {what[1]}",
                    "lines": lines}}
    node.update(extra)
    return node


def more_edge(ctx: Context, more: dict, to: Node, relation: tuple[str, str]) -> dict:
    """The dashed edge from a "+N" node to the node its hidden members link to."""
    return {"id": f"{more['id']}|{to}", "from": more["id"], "to": str(to), "dashes": True,
            "tip": {"head": f"{relation[0]} · {relation[1]}", "lines": [ctx.label(to)]}}


def edges_among(ctx: Context, shown: Iterable[Node], skip: Collection[str] = (),
                label_years: bool = False) -> list[dict]:
    """The facts between the `shown` nodes as vis-network edges, except `skip` relations."""
    edges = []
    for u, v, k, d in sorted(all_edges(ctx.g.subgraph(shown)),
                             key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        if d.get("relation") in skip:
            continue
        edge = {"id": f"{u}|{v}|{k}", "from": str(u), "to": str(v), "tip": edge_tip(ctx, u, v, d)}
        if label_years and d.get("year") is not None:
            edge["label"] = str(d["year"])
        edges.append(edge)
    return edges


# Cutting a view down to max_nodes -------------------------------------------------------------

def rank(ctx: Context, nodes: Iterable[Node]) -> list:
    """Most linked first, then by id: the ranking every cut uses."""
    return sorted(nodes, key=lambda n: (-ctx.g.degree(n), str(n)))


def fill(groups: Mapping[Any, Sized], budget: int) -> int:
    """The largest number of members per group that fits `budget` nodes, counting one "+N"
    node for each group that has more.

    Three nodes: one member of each group and a "+2" for the rest of "a"; four: everything.

    >>> fill({"a": [1, 2, 3], "b": [1]}, 3), fill({"a": [1, 2, 3], "b": [1]}, 4)
    (1, 3)
    """
    def cost(q: int) -> int:
        return sum(min(len(m), q) + (len(m) > q) for m in groups.values())

    top = max((len(m) for m in groups.values()), default=0)
    q = 0
    while q < top and cost(q + 1) <= budget:
        q += 1
    return q


def cut_note(total: int, shown: int, max_nodes: int, how: tuple[str, str],
             hidden: int | None = None) -> str:
    """The page's note on a cut view: how many entities belong, the limit, what was done, and
    how many entities stand in "+N" nodes instead of one by one (`hidden`, when known).

    >>> cut_note(500, 300, 300, ("甲", "a"), hidden=201)[-78:]
    "(300 nodes shown; 201 of them are counted in '+N' nodes, and found by search)."
    """
    rest = ("" if hidden is None else
            f"；{hidden} 个计入“+N”节点，可搜索")
    rest_en = ("" if hidden is None else
               f"; {hidden} of them are counted in '+N' nodes, and found by search")
    return (f"图中有 {total} 个相关实体，超过一个视图的上限 {max_nodes}：{how[0]}{rest}。"
            f" / {total} entities belong here, more than the {max_nodes} a view holds: "
            f"{how[1]} ({shown} nodes shown{rest_en}).")


def top_view(ctx: Context, name: str, title: str, summary: str, ranked: list, max_nodes: int,
             how: tuple[str, str], extra: Mapping[Node, dict] | None = None) -> View:
    """A physics view of the top of `ranked`; when it cuts, one "+N" node counts the rest and
    a note says so. `extra` holds more vis-network attributes for some nodes."""
    extra = extra or {}
    if len(ranked) <= max_nodes:
        shown, note = ranked, ""
    else:
        shown = ranked[:max_nodes - 1]
        note = cut_note(len(ranked), max_nodes, max_nodes, how,
                        hidden=len(ranked) - len(shown))
    nodes = [entity_node(ctx, n, **extra.get(n, {})) for n in sorted(shown, key=str)]
    if len(shown) < len(ranked):
        nodes.append(more_node(ctx, "more:rest", ranked[len(shown):], ("实体", "entities"),
                               max_nodes))
    return View(name, title, summary, nodes, edges_among(ctx, shown), physics=True, note=note)
