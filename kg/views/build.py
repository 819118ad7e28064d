"""Interactive views of the graph: what each view shows, where its nodes go, what its tooltips say.

Every view is built from the shared networkx projection (`kg.graph.projection.project`) and becomes
one self-contained HTML page (`kg.views.page`). A view is plain data: nodes and edges as
vis-network items, captions drawn on the canvas, and a note saying what was left out.

- **overview**: every entity, coloured by class, sized by degree (the number of facts linking
  it to other entities in the whole graph);
- **park**: the parks and their places (sites, platforms, bases) with everything linked to them;
- **chain**: each industry chain, its segments in order from upstream (left) to downstream
  (right), the companies of each segment under it; a segment without a company is drawn
  hollow with a dashed border and nothing under it;
- **honours**: who awarded (bodies, lists) what (honours) to whom (recipients), one row per year;
- **focus**: the entities within `depth` links of one entity (`kg viz --focus`).

Layouts are the same from one build to the next: the chain and honours views place every node
in Python; the others let vis-network lay them out from a fixed random seed and switch physics
off once it has stabilised.

Large graphs: a view never holds more than ``max_nodes`` nodes (`MAX_NODES`, 300, by default:
vis-network lays out a few hundred nodes in a second or two; past a few thousand it stalls).
Above it the overview groups entities by class, with counts; the chain and honours views keep
their skeleton (chains and segments; honours, lists, bodies) and show the best-linked members of
each group, counting the rest in one "+N" node per group; the park and focus views show the top
of a ranking (nearest first, then most linked). The page says so.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.seeds import schema

MAX_NODES = 300
"""The most nodes one view holds; above it a view aggregates or ranks (see the module notes)."""

DEFAULT_DEPTH = 2
LAYOUT_SEED = 7  # vis-network's layout.randomSeed for the views it lays out

CLASS_COLOURS = {
    "Park": "#1f77b4", "Site": "#aec7e8", "Platform": "#17becf", "IndustrialBase": "#9edae5",
    "Company": "#ff7f0e", "EnterpriseGroup": "#ffbb78", "PublicBody": "#d62728",
    "ResearchInstitute": "#ff9896", "Person": "#8c564b", "IndustryChain": "#2ca02c",
    "ChainSegment": "#98df8a", "Industry": "#9467bd", "ApplicationField": "#c5b0d5",
    "IndustryCluster": "#bcbd22", "Honour": "#e6ab02", "HonourList": "#dbdb8d",
    "Product": "#e377c2", "Technology": "#f7b6d2", "Brand": "#c49c94", "MarketRegion": "#7f7f7f",
    "Project": "#393b79", "Meeting": "#637939", "Policy": "#843c39", "Initiative": "#7b4173",
}
MORE = "More"  # the class of "+N" nodes that count what a view does not show one by one
MORE_COLOUR = "#cbd2d9"
GAP_COLOUR = "#ffffff"
COMPANIES = ("Company", "EnterpriseGroup")
TOP_NAMES = 20  # names listed in the tooltip of a "+N" or class node
FACTS_IN_TOOLTIP = 6

STAGE_LABELS = {local: (zh, en) for local, zh, en in schema.STAGES.values()}
AWARDED_BY = ("授予", "awarded")


class FocusError(ValueError):
    """`--focus` names no entity, or more than one; the message lists what to do."""


@dataclass
class View:
    """One page: vis-network items plus what the page says about them."""

    name: str  # the file name without .html
    title: str  # plain text; escaped when rendered
    summary: str  # one line: what the view shows (index and page)
    nodes: list[dict]
    edges: list[dict]
    physics: bool  # True: vis-network lays it out from LAYOUT_SEED, then stops
    note: str = ""  # what was grouped or left out, "" when the view shows everything
    headers: list[dict] = field(default_factory=list)  # captions on the canvas: x, y, text
    keys: list[tuple[str, str]] = field(default_factory=list)  # extra legend: (css, text)


@dataclass
class _Ctx:
    g: nx.MultiDiGraph
    classes: dict[str, tuple[str, str]]
    max_degree: int

    def label(self, n) -> str:
        return self.g.nodes[n].get("label") or str(n)

    def class_text(self, cls: str) -> str:
        zh, en = self.classes.get(cls, ("其他类别", "other classes") if cls == MORE else (cls, cls))
        return f"{zh} / {en}" if zh != en else zh


# Class labels -------------------------------------------------------------------------------

def class_labels(ontology_dir: str | Path | None = "ontology") -> dict[str, tuple[str, str]]:
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
    query = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?c ?zh ?en WHERE { ?c rdfs:label ?zh, ?en
        FILTER(lang(?zh) = "zh" && lang(?en) = "en") }"""
    for row in store.query(query):
        cls = row["c"].value.rsplit("/", 1)[-1]
        if cls in labels:
            labels[cls] = (row["zh"].value, row["en"].value)
    return labels


# Finding the focus ----------------------------------------------------------------------------

def names_of(attrs: dict, ident) -> list[str]:
    """The names a node is found by: zh label, en label, aliases, id (non-empty, in order)."""
    names = [attrs.get("label") or "", attrs.get("label_en") or "", *attrs.get("aliases", ()),
             str(ident)]
    return list(dict.fromkeys(n for n in names if n))


def find_entity(g: nx.MultiDiGraph, name: str) -> str:
    """The node whose id, zh or en label or alias is `name` (case-insensitive for labels).

    Raises FocusError listing the candidates when the name is ambiguous, or near names when
    nothing matches.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="甲公司", label_en="Jia", aliases=["甲"], cls="Company")
    >>> g.add_node("b", label="乙公司", label_en="", aliases=["甲"], cls="Company")
    >>> find_entity(g, "jia"), find_entity(g, "b")
    ('a', 'b')
    >>> find_entity(g, "甲")
    Traceback (most recent call last):
    ...
    kg.views.build.FocusError: '甲' names 2 entities; give --focus one of their ids:
      a  甲公司 (Company)
      b  乙公司 (Company)
    """
    if name in g:
        return name
    wanted = name.strip().casefold()
    hits = sorted(n for n, attrs in g.nodes(data=True)
                  if wanted in (x.casefold() for x in names_of(attrs, n)))
    if len(hits) == 1:
        return hits[0]
    if hits:
        width = max(len(str(n)) for n in hits)
        lines = [f"  {str(n):<{width}}  {g.nodes[n].get('label', n)} ({g.nodes[n].get('cls', '')})"
                 for n in hits]
        raise FocusError(f"'{name}' names {len(hits)} entities; give --focus one of their ids:\n"
                         + "\n".join(lines))
    near = sorted(n for n, attrs in g.nodes(data=True)
                  if wanted and any(wanted in x.casefold() for x in names_of(attrs, n)))
    hint = (" Names that contain it: " + ", ".join(f"{g.nodes[n].get('label', n)} ({n})"
                                                  for n in near[:10])
            if near else " Give an id, a Chinese or English label or an alias ('kg stats' "
                         "counts what the graph holds).")
    raise FocusError(f"no entity has the id, label or alias '{name}'.{hint}")


# Nodes and edges ------------------------------------------------------------------------------

def _context(g: nx.MultiDiGraph, classes) -> _Ctx:
    degrees = [d for _, d in g.degree()]
    return _Ctx(g, classes or class_labels(None), max(degrees, default=0) or 1)


def _size(value: float, top: float) -> float:
    return round(12 + 28 * math.sqrt(max(value, 0) / (top or 1)), 1)


def _colour(cls: str) -> str:
    return CLASS_COLOURS.get(cls, MORE_COLOUR)


def _qualifiers(ctx: _Ctx, d: dict) -> list[str]:
    lines = []
    if d.get("year") is not None:
        lines.append(f"年份 year: {d['year']}")
    if d.get("date"):
        lines.append(f"日期 date: {d['date']}")
    if d.get("batch") is not None:
        lines.append(f"批次 batch: 第{d['batch']}批 (no. {d['batch']})")
    if d.get("stage"):
        zh, en = STAGE_LABELS.get(d["stage"], (d["stage"], d["stage"]))
        lines.append(f"阶段 stage: {zh} / {en}")
    for key, title in (("awarded_by", "授予 awarded by"), ("list", "名单 list")):
        if d.get(key):
            other = d[key]
            lines.append(f"{title}: {ctx.label(other) if other in ctx.g else other}")
    for key, title in (("role", "角色 role"), ("specialty", "特色 specialty"),
                       ("rank", "排序 rank")):
        if d.get(key) not in (None, ""):
            lines.append(f"{title}: {d[key]}")
    if d.get("inferred"):
        lines.append("推断 inferred: implied by the source, not stated in so many words")
    return lines


def _provenance(quote: str, source: str) -> list[str]:
    lines = [f"“{quote}”"] if quote else []
    if source:
        lines.append(f"— 来源 source: {source}")
    return lines


def edge_tip(ctx: _Ctx, u, v, d: dict) -> dict:
    """Tooltip of an edge: the relation's labels, the two ends, qualifiers, quote and source."""
    head = d.get("label") or d.get("relation", "")
    if d.get("label_en") and d["label_en"] != head:
        head = f"{head} · {d['label_en']}"
    lines = [f"{ctx.label(u)} → {ctx.label(v)}", *_qualifiers(ctx, d),
             *_provenance(d.get("quote") or "", d.get("source") or "")]
    return {"head": head, "lines": lines}


def _fact_line(ctx: _Ctx, d: dict, other, outgoing: bool) -> str:
    arrow = "→" if outgoing else "←"
    rel = d.get("label") or d.get("relation", "")
    if d.get("label_en"):
        rel = f"{rel} {d['label_en']}"
    year = f" ({d['year']})" if d.get("year") is not None else ""
    return f"{arrow} {rel}: {ctx.label(other)}{year}"


def node_tip(ctx: _Ctx, n) -> dict:
    """Tooltip of an entity: zh and en label, class, id, aliases, key facts, its own quote."""
    a = ctx.g.nodes[n]
    head = a.get("label") or str(n)
    if a.get("label_en"):
        head = f"{head} · {a['label_en']}"
    lines = [f"类别 class: {ctx.class_text(a.get('cls', ''))}", f"id: {n}"]
    if a.get("aliases"):
        lines.append("别名 aliases: " + ", ".join(a["aliases"]))
    facts = sorted([_fact_line(ctx, d, v, True) for _, v, d in ctx.g.out_edges(n, data=True)]
                   + [_fact_line(ctx, d, u, False) for u, _, d in ctx.g.in_edges(n, data=True)])
    lines.extend(facts[:FACTS_IN_TOOLTIP])
    if len(facts) > FACTS_IN_TOOLTIP:
        lines.append(f"… 另有 {len(facts) - FACTS_IN_TOOLTIP} 条事实 / "
                     f"{len(facts) - FACTS_IN_TOOLTIP} more facts")
    lines.extend(_provenance(a.get("quote") or "", a.get("source") or ""))
    return {"head": head, "lines": lines}


def _ink(colour: str) -> str:
    """Dark text on light fills, white on dark ones.

    >>> _ink("#ffbb78"), _ink("#393b79")
    ('#1f2933', '#ffffff')
    """
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#1f2933" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


BOX = {"shape": "box", "widthConstraint": {"maximum": 170}}  # for views placed on a grid


def entity_node(ctx: _Ctx, n, **extra) -> dict:
    """An entity as a vis-network node: a dot sized by degree, or a box (``shape="box"``)
    with the label inside."""
    a = ctx.g.nodes[n]
    cls = a.get("cls", "")
    colour = _colour(cls)
    node = {"id": str(n), "label": a.get("label") or str(n), "cls": cls,
            "size": _size(ctx.g.degree(n), ctx.max_degree),
            "color": {"background": colour, "border": "#3e4c59",
                      "highlight": {"background": colour, "border": "#000000"}},
            "names": names_of(a, n), "tip": node_tip(ctx, n)}
    if extra.get("shape") == "box":
        node["font"] = {"color": _ink(colour)}
    node.update(extra)
    return node


def more_node(ctx: _Ctx, ident: str, hidden: list, what: str, max_nodes: int, **extra) -> dict:
    """A "+N" node counting entities a view does not show one by one."""
    names = [ctx.label(n) for n in hidden]
    lines = [f"未逐一显示：本视图最多 {max_nodes} 个节点 / not shown one by one: a view holds "
             f"at most {max_nodes} nodes", *names[:TOP_NAMES]]
    if len(names) > TOP_NAMES:
        lines.append(f"… {len(names) - TOP_NAMES} more")
    node = {"id": ident, "label": f"+{len(hidden)}", "cls": MORE, "shape": "box",
            "color": {"background": MORE_COLOUR, "border": "#7b8794"},
            "names": [n for x in hidden for n in names_of(ctx.g.nodes[x], x)],
            "tip": {"head": f"另有 {len(hidden)} 个{what[0]} / {len(hidden)} more {what[1]}",
                    "lines": lines}}
    node.update(extra)
    return node


def more_edge(ctx: _Ctx, more: dict, to, relation: tuple[str, str]) -> dict:
    """The dashed edge from a "+N" node to the node its hidden members link to."""
    return {"id": f"{more['id']}|{to}", "from": more["id"], "to": str(to), "dashes": True,
            "tip": {"head": f"{relation[0]} · {relation[1]}", "lines": [ctx.label(to)]}}


def _edges_among(ctx: _Ctx, shown, skip=(), label_years: bool = False) -> list[dict]:
    edges = []
    for u, v, k, d in sorted(ctx.g.subgraph(shown).edges(keys=True, data=True),
                             key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        if d.get("relation") in skip:
            continue
        edge = {"id": f"{u}|{v}|{k}", "from": str(u), "to": str(v), "tip": edge_tip(ctx, u, v, d)}
        if label_years and d.get("year") is not None:
            edge["label"] = str(d["year"])
        edges.append(edge)
    return edges


def _rank(ctx: _Ctx, nodes) -> list:
    """Most linked first, then by id: the ranking every cut uses."""
    return sorted(nodes, key=lambda n: (-ctx.g.degree(n), str(n)))


def _fill(groups: dict, budget: int) -> int:
    """The largest number of members per group that fits `budget` nodes, counting one "+N"
    node for each group that has more.

    Three nodes: one member of each group and a "+2" for the rest of "a"; four: everything.

    >>> _fill({"a": [1, 2, 3], "b": [1]}, 3), _fill({"a": [1, 2, 3], "b": [1]}, 4)
    (1, 3)
    """
    def cost(q):
        return sum(min(len(m), q) + (len(m) > q) for m in groups.values())

    top = max((len(m) for m in groups.values()), default=0)
    q = 0
    while q < top and cost(q + 1) <= budget:
        q += 1
    return q


def _cut_note(total: int, shown: int, max_nodes: int, how: str) -> str:
    return (f"图中有 {total} 个相关实体，超过一个视图的上限 {max_nodes}：{how[0]}。"
            f" / {total} entities belong here, more than the {max_nodes} a view holds: "
            f"{how[1]} ({shown} nodes shown).")


# The views ------------------------------------------------------------------------------------

def overview(ctx: _Ctx, max_nodes: int = MAX_NODES) -> View:
    g = ctx.g
    title = "总览 Overview"
    summary = ("全部实体，按类别着色，按连接数定大小 / every entity, coloured by class, sized by "
               "degree (facts linking it to other entities)")
    if g.number_of_nodes() <= max_nodes:
        nodes = [entity_node(ctx, n) for n in sorted(g, key=str)]
        return View("overview", title, summary, nodes, _edges_among(ctx, list(g)), physics=True)
    members = defaultdict(list)
    for n, cls in g.nodes(data="cls"):
        members[cls].append(n)
    by_size = sorted(members, key=lambda c: (-len(members[c]), c))
    group = {c: c if i < max_nodes - 1 or len(by_size) <= max_nodes else MORE
             for i, c in enumerate(by_size)}  # more classes than nodes: the smallest fold
    nodes = []
    for cls in sorted(set(group.values())):
        ranked = _rank(ctx, [n for c in by_size if group[c] == cls for n in members[c]])
        zh, en = ctx.classes.get(cls, ("其他类别", "other classes"))
        names = [f"{ctx.label(n)} ({ctx.g.degree(n)})" for n in ranked[:TOP_NAMES]]
        nodes.append({
            "id": f"class:{cls}", "label": f"{zh}\n×{len(ranked)}", "cls": cls,
            "size": _size(len(ranked), len(members[by_size[0]])),
            "color": {"background": _colour(cls), "border": "#3e4c59"},
            "names": [zh, en, cls, *(x for n in ranked for x in names_of(g.nodes[n], n))],
            "tip": {"head": f"{zh} / {en}: {len(ranked)} 个实体 entities",
                    "lines": ["连接最多的 most linked (facts):", *names]
                    + ([f"… {len(ranked) - TOP_NAMES} more"] if len(ranked) > TOP_NAMES else [])}})
    links = defaultdict(Counter)
    for u, v, d in g.edges(data=True):
        pair = (group[g.nodes[u]["cls"]], group[g.nodes[v]["cls"]])
        links[pair][d.get("label") or d.get("relation")] += 1
    edges = []
    for (a, b), rels in sorted(links.items()):
        total = sum(rels.values())
        edges.append({"id": f"class:{a}|class:{b}", "from": f"class:{a}", "to": f"class:{b}",
                      "label": str(total), "width": round(1 + 4 * math.sqrt(total / g.size()), 1),
                      "tip": {"head": f"{total} 条事实 facts: {ctx.class_text(a)} → "
                                      f"{ctx.class_text(b)}",
                              "lines": [f"{rel} ×{n}" for rel, n in
                                        sorted(rels.items(), key=lambda x: (-x[1], x[0]))]}})
    note = _cut_note(g.number_of_nodes(), len(nodes), max_nodes,
                     ("按类别汇总，节点上标出数量", "entities are grouped by class, with counts"))
    return View("overview", title, summary, nodes, edges, physics=True, note=note)


def _top_view(ctx: _Ctx, name, title, summary, ranked: list, max_nodes: int, how,
              **node_extra) -> View:
    """A physics view of the top of `ranked`; when it cuts, one "+N" node counts the rest and
    a note says so."""
    if len(ranked) <= max_nodes:
        shown, note = ranked, ""
    else:
        shown = ranked[:max_nodes - 1]
        note = _cut_note(len(ranked), max_nodes, max_nodes, how)
    nodes = [entity_node(ctx, n, **node_extra.get(n, {})) for n in sorted(shown, key=str)]
    if len(shown) < len(ranked):
        nodes.append(more_node(ctx, "more:rest", ranked[len(shown):], ("实体", "entities"),
                               max_nodes))
    return View(name, title, summary, nodes, _edges_among(ctx, shown), physics=True, note=note)


def park(ctx: _Ctx, max_nodes: int = MAX_NODES) -> View:
    g = ctx.g
    anchors = _rank(ctx, [n for n, cls in g.nodes(data="cls") if cls in schema.PLACES])
    linked = set(nx.node_boundary(g.to_undirected(as_view=True), anchors))
    return _top_view(
        ctx, "park", "园区 Parks",
        "园区、园中之园与平台，以及与它们相连的一切 / the parks, their sites and platforms, "
        "and everything linked to them",
        anchors + _rank(ctx, linked), max_nodes,
        ("先列园区与平台，再按连接数列出其余", "parks and places first, then the most linked"))


def focus(ctx: _Ctx, centre, depth: int = DEFAULT_DEPTH, max_nodes: int = MAX_NODES) -> View:
    g = ctx.g
    dist = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), centre,
                                                 cutoff=depth)
    ranked = sorted(dist, key=lambda n: (dist[n], -g.degree(n), str(n)))
    label = ctx.label(centre)
    return _top_view(
        ctx, f"focus-{centre}", f"聚焦 Focus: {label}",
        f"{label} 及 {depth} 步以内的实体 / {label} and the entities within {depth} links of it",
        ranked, max_nodes,
        ("按距离、再按连接数取前若干个", "nearest first, then the most linked"),
        **{centre: {"x": 0, "y": 0, "fixed": True, "borderWidth": 4}})


def _chain_order(g: nx.MultiDiGraph, chain) -> list:
    segments = sorted((v for _, v, d in g.out_edges(chain, data=True)
                       if d.get("relation") == "hasSegment"), key=str)
    flow = nx.DiGraph()
    flow.add_nodes_from(segments)
    flow.add_edges_from((u, v) for u, v, d in g.subgraph(segments).edges(data=True)
                        if d.get("relation") == "upstreamOf")
    try:
        return list(nx.lexicographical_topological_sort(flow, key=str))
    except nx.NetworkXUnfeasible:  # a cycle in the data: keep id order rather than fail
        return segments


COL_W, ROW_H = 210, 56


def chain(ctx: _Ctx, max_nodes: int = MAX_NODES) -> View:
    """Chains as rows: the chain, then its segments upstream to downstream, companies under each.

    Companies linked to the chain without a stated segment stand under the chain itself.
    """
    g = ctx.g
    chains = _rank(ctx, [n for n, cls in g.nodes(data="cls") if cls == "IndustryChain"])
    placed: set = set()
    rows = []  # (chain, [(segment or None, members)])
    for ch in chains:
        columns = [(seg, sorted((u for u, _, d in g.in_edges(seg, data=True)
                                 if d.get("relation") == "inSegment"
                                 and g.nodes[u].get("cls") in COMPANIES), key=str))
                   for seg in _chain_order(g, ch)]
        segmented = {u for _, members in columns for u in members}
        columns.insert(0, (None, sorted({u for u, _ in g.in_edges(ch)
                                         if g.nodes[u].get("cls") in COMPANIES} - segmented,
                                        key=str)))
        for i, (seg, members) in enumerate(columns):
            mine = _rank(ctx, [m for m in members if m not in placed])
            placed.update(mine)
            columns[i] = (seg, mine)
        rows.append((ch, columns))
    skeleton = sum(len(cols) for _, cols in rows)  # the chains and their segments
    groups = {(ch, i): members for ch, cols in rows for i, (_, members) in enumerate(cols)}
    per_column = _fill(groups, max_nodes - skeleton)
    nodes, headers, shown, more_edges, y0 = [], [], [], [], 0
    for ch, cols in rows:
        if len(cols) > 1:
            headers.append({"x": COL_W - 60, "y": y0 - 60,
                            "text": "上游 upstream → 下游 downstream", "align": "left"})
        if cols[0][1]:
            headers.append({"x": 0, "y": y0 - 34, "text": "未注明环节 segment not stated",
                            "align": "center", "size": 12})
        deepest = 0
        for i, (seg, members) in enumerate(cols):
            x = i * COL_W
            top = ch if seg is None else seg
            shown.append(top)
            if seg is None:
                nodes.append(entity_node(ctx, ch, x=x, y=y0, fixed=True, **BOX))
            elif members:
                nodes.append(entity_node(ctx, seg, x=x, y=y0, fixed=True, **BOX))
            else:  # a gap: hollow, dashed, nothing under it
                nodes.append(entity_node(
                    ctx, seg, x=x, y=y0, fixed=True, **BOX,
                    label=f"{ctx.label(seg)}\n(空缺 gap)",
                    color={"background": GAP_COLOUR, "border": "#7b8794"},
                    shapeProperties={"borderDashes": [6, 4]}))
            for j, m in enumerate(members[:per_column]):
                nodes.append(entity_node(ctx, m, x=x + 24, y=y0 + (j + 1) * ROW_H, fixed=True,
                                         **BOX))
                shown.append(m)
            rest = members[per_column:]
            if rest:
                nodes.append(more_node(ctx, f"more:{top}", rest, ("企业", "companies"),
                                       max_nodes, x=x + 24, y=y0 + (per_column + 1) * ROW_H,
                                       fixed=True))
                more_edges.append(more_edge(ctx, nodes[-1], top, ("所属环节", "in segment")))
            deepest = max(deepest, min(len(members), per_column) + bool(rest))
        y0 += (deepest + 3) * ROW_H
    edges = _edges_among(ctx, shown, skip=("hasSegment",)) + more_edges
    total = sum(len(m) for m in groups.values())
    note = ""
    if any(len(m) > per_column for m in groups.values()):
        note = _cut_note(total + skeleton, len(nodes), max_nodes,
                         (f"每个环节至多列出连接最多的 {per_column} 家企业，其余计入“+N”",
                          f"each segment lists at most its {per_column} most linked companies and "
                          f"counts the rest in a '+N' node"))
    return View("chain", "产业链 Industry chains",
                "产业链环节从上游到下游排列，企业列在所属环节下，空缺环节为虚线空框 / chain "
                "segments upstream to downstream, companies under their segment, gaps hollow",
                nodes, edges, physics=False, note=note, headers=headers,
                keys=[("gap", "虚线空框：该环节在图中尚无企业 / dashed and hollow: no company "
                              "of the graph in this segment")])


def honours(ctx: _Ctx, max_nodes: int = MAX_NODES) -> View:
    """Who awarded what to whom, by year: rows are years, columns bodies, lists, honours,
    recipients. An honour stands in the row of its earliest award; a recipient, list or body in
    the row of its earliest honour."""
    g = ctx.g
    honour_ids = sorted((n for n, cls in g.nodes(data="cls") if cls == "Honour"), key=str)
    awards = sorted(((u, v, d) for v in honour_ids for u, _, d in g.in_edges(v, data=True)
                     if d.get("relation") == "hasHonour"), key=lambda a: (str(a[0]), str(a[1])))
    lists = {u: v for v in honour_ids for u, _, d in g.in_edges(v, data=True)
             if d.get("relation") == "listOf"}
    never = 10_000

    def year(d):
        return d.get("year") if d.get("year") is not None else never

    honour_year = {h: min([year(d) for _, v, d in awards if v == h]
                          + [year(d) for u, v, d in g.in_edges(h, data=True)
                             if d.get("relation") == "listOf"], default=never)
                   for h in honour_ids}
    recipients: dict = {}
    for u, h, d in sorted(awards, key=lambda a: (year(a[2]), honour_year[a[1]], str(a[1]))):
        recipients.setdefault(u, h)
    bodies: dict = {}
    for lst, h in sorted(lists.items(), key=lambda x: (honour_year[x[1]], str(x[0]))):
        for _, b, d in g.out_edges(lst, data=True):
            if d.get("relation") == "publishedBy":
                bodies.setdefault(b, h)
    derived = {}
    for u, h, d in awards:
        b = d.get("awarded_by")
        if b in g and not any(lists.get(x) == h for x in g.predecessors(b)):
            derived.setdefault((b, h, d.get("year")), (u, d))
            bodies.setdefault(b, h)
    by_honour = defaultdict(list)
    for r, h in recipients.items():
        if r not in bodies and r not in lists:  # each node stands in one place only
            by_honour[h].append(r)
    ranked_honours = sorted(honour_ids, key=lambda h: (-len(by_honour[h]), str(h)))
    kept, budget = [], max_nodes
    for h in ranked_honours:  # the skeleton (honours, their lists and bodies) takes at most half
        cost = 1 + sum(1 for x in lists if lists[x] == h) + sum(1 for b in bodies
                                                              if bodies[b] == h)
        if budget - cost < max_nodes // 2 and kept:
            break
        kept.append(h)
        budget -= cost
    kept_set = set(kept)
    groups = {h: _rank(ctx, by_honour[h]) for h in kept}
    per_honour = _fill(groups, budget)
    columns = {"body": [x for x, h in bodies.items() if h in kept_set],
               "list": [x for x, h in lists.items() if h in kept_set], "honour": kept}
    home = {**{x: bodies[x] for x in columns["body"]}, **{x: lists[x] for x in columns["list"]},
            **{h: h for h in kept}}
    rows = sorted({honour_year[h] for h in kept})
    order = {h: i for i, h in enumerate(sorted(kept, key=lambda h: (honour_year[h], str(h))))}
    xs = {"body": 0, "list": 300, "honour": 600, "recipient": 900}
    nodes, headers, shown, more_edges, y0 = [], [], [], [], 0
    headers += [{"x": x, "y": -90, "text": text, "align": "center", "bold": True}
                for x, text in ((0, "授予/发布机构 who awarded"), (300, "名单 list"),
                                (600, "荣誉 what"), (900, "获得者 to whom"))]
    for row in rows:
        in_row = {col: sorted((x for x in members if honour_year[home[x]] == row),
                              key=lambda x: (order[home[x]], str(x)))
                  for col, members in columns.items()}
        cells = {col: [(x, {}) for x in members] for col, members in in_row.items()}
        cells["recipient"] = []
        for h in in_row["honour"]:
            cells["recipient"] += [(r, {}) for r in groups[h][:per_honour]]
            if len(groups[h]) > per_honour:
                cells["recipient"].append((f"more:{h}", {"hidden": groups[h][per_honour:],
                                                         "honour": h}))
        headers.append({"x": -180, "y": y0, "text": "年份未载 year not stated" if row == never
                        else str(row), "align": "right", "bold": True, "size": 20})
        for col, cell in cells.items():
            for i, (x, more) in enumerate(cell):
                pos = {"x": xs[col], "y": y0 + i * ROW_H, "fixed": True}
                if more:
                    nodes.append(more_node(ctx, x, more["hidden"], ("获得者", "recipients"),
                                           max_nodes, **pos))
                    more_edges.append(more_edge(ctx, nodes[-1], more["honour"],
                                                ("获得荣誉", "has honour")))
                else:
                    nodes.append(entity_node(ctx, x, **pos, **BOX))
                    shown.append(x)
        y0 += (max(len(c) for c in cells.values()) + 1) * ROW_H + 40
    edges = _edges_among(ctx, shown, label_years=True)
    edges = [e for e in edges
             if {g.nodes[e["from"]]["cls"], g.nodes[e["to"]]["cls"]} & {"Honour", "HonourList"}]
    for (b, h, yr), (u, d) in sorted(derived.items(), key=lambda x: str(x[0])):
        if b in shown and h in shown:
            tip = edge_tip(ctx, u, h, d)
            tip["head"] = f"{AWARDED_BY[0]} · {AWARDED_BY[1]} ({ctx.label(b)})"
            edges.append({"id": f"{b}|{h}|awarded|{yr}", "from": str(b), "to": str(h),
                          "dashes": True, "tip": tip, **({"label": str(yr)} if yr else {})})
    edges += more_edges
    total = len(honour_ids) + len(lists) + len(bodies) + len(recipients)
    note = ""
    if len(kept) < len(honour_ids) or any(len(m) > per_honour for m in groups.values()):
        note = _cut_note(total, len(nodes), max_nodes,
                         (f"列出获得者最多的 {len(kept)} 项荣誉，每项荣誉至多列出连接最多的 "
                          f"{per_honour} 个获得者，其余计入“+N”",
                          f"the {len(kept)} honours with most recipients are shown, each with "
                          f"at most its {per_honour} most linked recipients, the rest counted in a "
                          f"'+N' node"))
    return View("honours", "荣誉 Honours",
                "谁（机构、名单）把什么荣誉授予了谁，按年份分行 / who awarded what to whom, "
                "one row per year", nodes, edges, physics=False, note=note, headers=headers)


def build_views(g: nx.MultiDiGraph, classes: dict | None = None, focus_on: str | None = None,
                depth: int = DEFAULT_DEPTH, max_nodes: int = MAX_NODES) -> list[View]:
    """The standard views, plus the focus view around `focus_on` (a name `find_entity` knows).

    The projection `g` is only read.
    """
    ctx = _context(g, classes)
    views = [overview(ctx, max_nodes), park(ctx, max_nodes), chain(ctx, max_nodes),
             honours(ctx, max_nodes)]
    if focus_on is not None:
        views.append(focus(ctx, find_entity(g, focus_on), depth, max_nodes))
    return views


def write_views(graph_file: str | Path, out_dir: str | Path = "exports/views",
                ontology_dir: str | Path | None = "ontology", focus_on: str | None = None,
                depth: int = DEFAULT_DEPTH, max_nodes: int = MAX_NODES):
    """Build the views of a built graph (Turtle) and write them, with index.html, to `out_dir`.

    Returns (views, paths). The index also links focus views written earlier to `out_dir`.
    """
    from kg.rdf.export import write_atomically
    from kg.graph.projection import project
    from kg.rdf.store import load_store
    from kg.views.page import index_html, page_html

    g = project(load_store(graph_file))
    classes = class_labels(ontology_dir)
    views = build_views(g, classes, focus_on, depth, max_nodes)
    files = {f"{v.name}.html": page_html(v, classes).encode("utf-8") for v in views}
    earlier = sorted(p.name for p in Path(out_dir).glob("focus-*.html") if p.name not in files)
    files["index.html"] = index_html(views, earlier, g).encode("utf-8")
    return views, write_atomically(files, out_dir)
