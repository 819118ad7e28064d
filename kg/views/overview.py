"""The overview: every entity coloured by class and sized by degree, or classes with counts."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from kg.graph.records import all_edges, node_data
from kg.views.layout import MAX_NODES, MORE
from kg.views.model import View
from kg.views.parts import (Context, colour, cut_note, edges_among, entity_node, more_lines, rank,
                            size)

TITLE = "总览 Overview"
SUMMARY = ("全部实体，按类别着色，按连接数定大小 / every entity, coloured by class, sized by "
           "degree (facts linking it to other entities)")


def overview(ctx: Context, max_nodes: int = MAX_NODES) -> View:
    """Every entity, coloured by class, sized by degree (the facts linking it to other entities
    in the whole graph); above `max_nodes`, one node per class with its count."""
    g = ctx.g
    if g.number_of_nodes() <= max_nodes:
        nodes = [entity_node(ctx, n) for n in sorted(g, key=str)]
        return View("overview", TITLE, SUMMARY, nodes, edges_among(ctx, list(g)), physics=True)
    members = defaultdict(list)
    for n, cls in g.nodes(data="cls"):
        members[cls].append(n)
    by_size = sorted(members, key=lambda c: (-len(members[c]), c))
    group = {c: c if i < max_nodes - 1 or len(by_size) <= max_nodes else MORE
             for i, c in enumerate(by_size)}  # more classes than nodes: the smallest fold
    nodes = []
    for cls in sorted(set(group.values())):
        ranked = rank(ctx, [n for c in by_size if group[c] == cls for n in members[c]])
        zh, en = ctx.classes.get(cls, ("其他类别", "other classes"))
        nodes.append({
            "id": f"class:{cls}", "label": f"{zh}\n×{len(ranked)}", "cls": cls,
            "size": size(len(ranked), len(members[by_size[0]])),
            "color": {"background": colour(cls), "border": "#3e4c59"},
            "names": [zh, en, cls, *(x for n in ranked for x in ctx.names(n))],
            "tip": {"head": f"{zh} / {en}: {len(ranked)} 个实体 entities",
                    "lines": more_lines([f"{ctx.label(n)} ({g.degree(n)})" for n in ranked],
                                        ["连接最多的 most linked (facts):"])}})
    links: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for u, v, _k, d in all_edges(g):
        pair = (group[node_data(g, u)["cls"]], group[node_data(g, v)["cls"]])
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
    note = cut_note(g.number_of_nodes(), len(nodes), max_nodes,
                    (f"按类别汇总为 {len(nodes)} 个类别节点，节点上标出数量；双击“园区”打开覆盖矩阵",
                     f"all {g.number_of_nodes()} entities are grouped into {len(nodes)} class "
                     f"nodes, with counts; double-click the parks' node for the coverage "
                     f"matrix"))
    return View("overview", TITLE, SUMMARY, nodes, edges, physics=True, note=note)
