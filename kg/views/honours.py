"""The honours view: who (bodies, lists) awarded what (honours) to whom, one row per year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from kg.graph.records import EdgeData, in_edges, node_data, out_edges
from kg.views.layout import BOX, MAX_NODES, ROW_H
from kg.views.model import View
from kg.views.parts import (Context, Node, cut_note, edge_tip, edges_among, entity_node, fill,
                            more_edge, more_node, rank)

AWARDED_BY = ("授予", "awarded")
COLUMNS = ("body", "list", "honour", "recipient")
COLUMN_X = (0, 300, 600, 900)  # x of each column, left to right
CAPTIONS = ("授予/发布机构 who awarded", "名单 list", "荣誉 what", "获得者 to whom")


NEVER = 10_000  # the "year" of an undated award: its row comes after every dated one


def _year(d: EdgeData) -> int:
    year = d.get("year")
    return year if year is not None else NEVER


@dataclass
class _Awards:
    """Who got which honour, who published its lists, and the row each of them stands in."""

    honour_ids: list[Node]
    lists: dict[Node, Node]  # list -> its honour
    honour_year: dict[Node, int]  # an honour's row: its earliest award or list
    recipients: dict[Node, Node]  # recipient -> the honour whose row it stands in
    bodies: dict[Node, Node]  # publishing or awarding body -> the honour whose row it stands in
    # (body, honour, year) -> an award it made
    derived: dict[tuple[Node, Node, int | None], tuple[Node, EdgeData]]


def _awards(g: nx.MultiDiGraph) -> _Awards:
    honour_ids = sorted((n for n, cls in g.nodes(data="cls") if cls == "Honour"), key=str)
    awards = sorted(((u, v, d) for v in honour_ids for u, _, d in in_edges(g, v)
                     if d.get("relation") == "hasHonour"), key=lambda a: (str(a[0]), str(a[1])))
    lists = {u: v for v in honour_ids for u, _, d in in_edges(g, v)
             if d.get("relation") == "listOf"}
    honour_year = {h: min([_year(d) for _, v, d in awards if v == h]
                          + [_year(d) for u, v, d in in_edges(g, h)
                             if d.get("relation") == "listOf"], default=NEVER)
                   for h in honour_ids}
    recipients: dict[Node, Node] = {}
    for u, h, d in sorted(awards, key=lambda a: (_year(a[2]), honour_year[a[1]], str(a[1]))):
        recipients.setdefault(u, h)
    bodies: dict[Node, Node] = {}
    for lst, h in sorted(lists.items(), key=lambda x: (honour_year[x[1]], str(x[0]))):
        for _, b, d in out_edges(g, lst):
            if d.get("relation") == "publishedBy":
                bodies.setdefault(b, h)
    derived: dict[tuple[Node, Node, int | None], tuple[Node, EdgeData]] = {}
    for u, h, d in awards:
        body = d.get("awarded_by")
        if body is not None and body in g \
                and not any(lists.get(x) == h for x in g.predecessors(body)):
            derived.setdefault((body, h, d.get("year")), (u, d))
            bodies.setdefault(body, h)
    return _Awards(honour_ids, lists, honour_year, recipients, bodies, derived)


def honours(ctx: Context, max_nodes: int = MAX_NODES) -> View:
    """Who awarded what to whom, by year: rows are years, columns bodies, lists, honours,
    recipients. An honour stands in the row of its earliest award; a recipient, list or body in
    the row of its earliest honour. Above `max_nodes`, the honours with most recipients are kept,
    each with its most linked recipients and a "+N" node counting the rest."""
    g = ctx.g
    found = _awards(g)
    honour_ids, lists, honour_year = found.honour_ids, found.lists, found.honour_year
    recipients, bodies, derived = found.recipients, found.bodies, found.derived
    by_honour = defaultdict(list)
    for r, h in recipients.items():
        if r not in bodies and r not in lists:  # each node stands in one place only
            by_honour[h].append(r)
    ranked_honours = sorted(honour_ids, key=lambda h: (-len(by_honour[h]), str(h)))
    kept: list[Node] = []
    budget = max_nodes
    for h in ranked_honours:  # the skeleton (honours, their lists and bodies) takes at most half
        cost = 1 + sum(1 for x in lists if lists[x] == h) + sum(1 for b in bodies
                                                              if bodies[b] == h)
        if budget - cost < max_nodes // 2 and kept:
            break
        kept.append(h)
        budget -= cost
    kept_set = set(kept)
    groups = {h: rank(ctx, by_honour[h]) for h in kept}
    per_honour = fill(groups, budget)
    columns = {"body": [x for x, h in bodies.items() if h in kept_set],
               "list": [x for x, h in lists.items() if h in kept_set], "honour": kept}
    home = {**{x: bodies[x] for x in columns["body"]}, **{x: lists[x] for x in columns["list"]},
            **{h: h for h in kept}}
    rows = sorted({honour_year[h] for h in kept})
    order = {h: i for i, h in enumerate(sorted(kept, key=lambda h: (honour_year[h], str(h))))}
    xs = dict(zip(COLUMNS, COLUMN_X))
    nodes, headers, shown, more_edges, y0 = [], [], [], [], 0
    headers += [{"x": x, "y": -90, "text": text, "align": "center", "bold": True}
                for x, text in zip(COLUMN_X, CAPTIONS)]
    for row in rows:
        in_row = {col: sorted((x for x in members if honour_year[home[x]] == row),
                              key=lambda x: (order[home[x]], str(x)))
                  for col, members in columns.items()}
        cells: dict[str, list[tuple[Node, dict]]] = {
            col: [(x, {}) for x in members] for col, members in in_row.items()}
        cells["recipient"] = []
        for h in in_row["honour"]:
            cells["recipient"] += [(r, {}) for r in groups[h][:per_honour]]
            if len(groups[h]) > per_honour:
                cells["recipient"].append((f"more:{h}", {"hidden": groups[h][per_honour:],
                                                         "honour": h}))
        headers.append({"x": -180, "y": y0, "text": "年份未载 year not stated" if row == NEVER
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
    edges = edges_among(ctx, shown, label_years=True)
    edges = [e for e in edges
             if {node_data(g, e["from"])["cls"], node_data(g, e["to"])["cls"]}
             & {"Honour", "HonourList"}]
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
        note = cut_note(total, len(nodes), max_nodes,
                        (f"列出获得者最多的 {len(kept)} 项荣誉，每项荣誉至多列出连接最多的 "
                         f"{per_honour} 个获得者",
                         f"the {len(kept)} honours with most recipients are shown, each with "
                         f"at most its {per_honour} most linked recipients"),
                        hidden=sum(max(0, len(m) - per_honour) for m in groups.values()))
    return View("honours", "荣誉 Honours",
                "谁（机构、名单）把什么荣誉授予了谁，按年份分行 / who awarded what to whom, "
                "one row per year", nodes, edges, physics=False, note=note, headers=headers)
