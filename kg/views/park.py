"""The park view: the parks and their places (sites, platforms, bases) with all linked to them."""

from __future__ import annotations

import networkx as nx

from kg.seeds import schema
from kg.views.layout import MAX_NODES
from kg.views.model import View
from kg.views.parts import Context, rank, top_view


def park(ctx: Context, max_nodes: int = MAX_NODES) -> View:
    """The parks and places, most linked first, then everything one link from them; above
    `max_nodes`, the top of that ranking and a "+N" node for the rest."""
    g = ctx.g
    anchors = rank(ctx, [n for n, cls in g.nodes(data="cls") if cls in schema.PLACES])
    linked = set(nx.node_boundary(g.to_undirected(as_view=True), anchors))
    return top_view(
        ctx, "park", "园区 Parks",
        "园区、园中之园与平台，以及与它们相连的一切 / the parks, their sites and platforms, "
        "and everything linked to them",
        anchors + rank(ctx, linked), max_nodes,
        ("先列园区与平台，再按连接数列出其余", "parks and places first, then the most linked"))
