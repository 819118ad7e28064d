"""The focus view: the entities within a few links of one entity (`kg viz --focus`)."""

from __future__ import annotations

import networkx as nx

from kg.views.layout import DEFAULT_DEPTH, MAX_NODES
from kg.views.model import View, page_name
from kg.views.parts import Context, Node, top_view


def focus(ctx: Context, centre: Node, depth: int = DEFAULT_DEPTH,
          max_nodes: int = MAX_NODES) -> View:
    """`centre`, fixed in the middle, and the entities within `depth` links of it; above
    `max_nodes`, the nearest, then most linked, and a "+N" node for the rest."""
    g = ctx.g
    dist = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), centre,
                                                 cutoff=depth)
    ranked = sorted(dist, key=lambda n: (dist[n], -g.degree(n), str(n)))
    label = ctx.label(centre)
    return top_view(
        ctx, page_name("focus", centre), f"聚焦 Focus: {label}",
        f"{label} 及 {depth} 步以内的实体 / {label} and the entities within {depth} links of it",
        ranked, max_nodes,
        ("按距离、再按连接数取前若干个", "nearest first, then the most linked"),
        {centre: {"x": 0, "y": 0, "fixed": True, "borderWidth": 4}})
