"""The park view: the parks and their places (sites, platforms, bases) with all linked to them;
and one park's own view (`park_of`), the drill-down from the coverage matrix."""

from __future__ import annotations

import networkx as nx

from kg.graph.analytics import chain_segments, park_companies, park_places
from kg.graph.records import out_edges
from kg.seeds import schema
from kg.views.layout import MAX_NODES
from kg.views.model import View, page_name
from kg.views.parts import Context, Node, rank, top_view


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


def park_of(ctx: Context, park: Node, max_nodes: int = MAX_NODES) -> View:
    """One park's own view: the park fixed in the middle, its places, the chains it develops
    and their segments, then its companies, most linked first; above `max_nodes`, the top of
    that ranking and a "+N" node for the rest."""
    g = ctx.g
    places = [p for p in park_places(g, park) if p != park]
    chains = sorted(v for _, v, d in out_edges(g, park) if d.get("relation") == "developsChain")
    segments = [s for ch in chains for s in chain_segments(g, ch)]
    skeleton = [park, *rank(ctx, places), *chains, *segments]
    companies = rank(ctx, set(park_companies(g, park)) - set(skeleton))
    label = ctx.label(park)
    return top_view(
        ctx, page_name("park", park), f"园区 Park: {label}",
        f"{label} 的园中园与平台、发展的产业链及其环节、园区企业 / {label}: its places, the chains it "
        f"develops and their segments, and its companies ({len(companies)})",
        list(dict.fromkeys(skeleton)) + companies, max_nodes,
        ("先列园区、园中园与平台和产业链环节，再按连接数列出企业",
         "the park, its places, chains and segments first, then its most linked companies"),
        {park: {"x": 0, "y": 0, "fixed": True, "borderWidth": 4}})
