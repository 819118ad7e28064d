"""The chain view: each industry chain's segments upstream to downstream, companies under each."""

from __future__ import annotations

from kg.graph.analytics import chain_segments
from kg.graph.records import in_edges, node_data
from kg.views.layout import BOX, COL_W, GAP_COLOUR, MAX_NODES, ROW_H
from kg.views.model import View
from kg.views.parts import (Context, Node, cut_note, edges_among, entity_node, fill, more_edge,
                            more_node, rank)

COMPANIES = ("Company", "EnterpriseGroup")


def _columns(ctx: Context, ch: Node, placed: set[Node]) -> list[tuple[Node | None, list]]:
    """The chain's columns: companies with no stated segment (under the chain), then each
    segment in order with its companies, most linked first; a company stands in one place."""
    g = ctx.g
    segments = chain_segments(g, ch)
    in_segment = [sorted((u for u, _, d in in_edges(g, seg)
                          if d.get("relation") == "inSegment"
                          and node_data(g, u).get("cls") in COMPANIES), key=str)
                  for seg in segments]
    segmented = {u for members in in_segment for u in members}
    unstated = sorted({u for u, _ in g.in_edges(ch)
                       if node_data(g, u).get("cls") in COMPANIES} - segmented, key=str)
    columns: list[tuple[Node | None, list]] = []
    for seg, members in [(None, unstated), *zip(segments, in_segment)]:
        mine = rank(ctx, [m for m in members if m not in placed])
        placed.update(mine)
        columns.append((seg, mine))
    return columns


def chain(ctx: Context, max_nodes: int = MAX_NODES) -> View:
    """Chains as rows: the chain, then its segments upstream (left) to downstream (right),
    companies under each; a segment without a company is drawn hollow with a dashed border.

    Companies linked to the chain without a stated segment stand under the chain itself. Above
    `max_nodes`, each column lists its most linked companies and counts the rest in a "+N" node.
    """
    g = ctx.g
    chains = rank(ctx, [n for n, cls in g.nodes(data="cls") if cls == "IndustryChain"])
    placed: set[Node] = set()
    rows = [(ch, _columns(ctx, ch, placed)) for ch in chains]
    skeleton = sum(len(cols) for _, cols in rows)  # the chains and their segments
    groups = {(ch, i): members for ch, cols in rows for i, (_, members) in enumerate(cols)}
    per_column = fill(groups, max_nodes - skeleton)
    nodes: list[dict] = []
    headers: list[dict] = []
    shown: list[Node] = []
    more_edges: list[dict] = []
    y0 = 0
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
    edges = edges_among(ctx, shown, skip=("hasSegment",)) + more_edges
    total = sum(len(m) for m in groups.values())
    note = ""
    if any(len(m) > per_column for m in groups.values()):
        note = cut_note(total + skeleton, len(nodes), max_nodes,
                        (f"每个环节至多列出连接最多的 {per_column} 家企业；各园区在各环节的企业数见覆盖矩阵 "
                         f"matrix.html",
                         f"each segment lists at most its {per_column} most linked companies; "
                         f"the companies of every park in every segment are counted in the "
                         f"coverage matrix, matrix.html"),
                        hidden=sum(max(0, len(m) - per_column) for m in groups.values()))
    return View("chain", "产业链 Industry chains",
                "产业链环节从上游到下游排列，企业列在所属环节下，空缺环节为虚线空框 / chain "
                "segments upstream to downstream, companies under their segment, gaps hollow",
                nodes, edges, physics=False, note=note, headers=headers,
                keys=[("gap", "虚线空框：该环节在图中尚无企业 / dashed and hollow: no company "
                              "of the graph in this segment")])
