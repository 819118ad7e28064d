"""Benchmark: `kg analyze` next to igraph running the same algorithms on the same graph.

For each graph it times, in this one process: the projection from the store (when given a
store), each part of `kg.graph.analytics.analyze` (the conversion to igraph, centrality,
Leiden communities, components, cores, chain coverage, key enterprises) and the text report,
against the floor: igraph alone running the same algorithms (the same betweenness sources, PageRank,
Leiden with the same seed, coreness, components) on a graph it already holds. It prints
the ratio and which part dominates; no threshold is asserted anywhere.

    python benchmarks/analytics_scale.py --sizes 2000 20000 100000   # synthetic projections
    python benchmarks/analytics_scale.py --graph /tmp/out/kg.ttl      # a build, read as kg analyze does

`measure(store_or_graph)` returns the figures as a dict (see its docstring) for
benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any, Callable

import igraph as ig
import networkx as nx
import pyoxigraph as ox

from kg.graph import analytics
from kg.graph.projection import project
from kg.graph.report import render_text


def synthetic(n_companies: int, seed: int = 1) -> nx.MultiDiGraph:
    """A projected graph shaped like the seed graph: parks with platforms, chains with six
    segments, companies located in the parks with honours and segment facts, plus a
    preferential-attachment web of partner links."""
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()

    def node(n, cls, level=""):
        g.add_node(n, id=n, iri=f"urn:x:{n}", cls=cls, label=n, label_en="", aliases=[],
                   level=level)

    def edge(u, v, rel, inferred=False):
        g.add_edge(u, v, key=rel, relation=rel, label=rel, inferred=inferred, year=None,
                   stage=None, quote="q", source="s")

    parks = [f"park-{i:03d}" for i in range(max(1, n_companies // 500))]
    levels = ["national", "provincial", "municipal"]
    honours = [f"honour-{i:02d}" for i in range(12)]
    for h in honours:
        node(h, "Honour", level=levels[int(h[-2:]) % 3])
    for p in parks:
        node(p, "Park")
        node(f"{p}-platform", "Platform")
        edge(p, f"{p}-platform", "buildsPlatform")
        chain = f"{p}-chain"
        node(chain, "IndustryChain")
        edge(p, chain, "developsChain")
        segments = [f"{chain}-s{i}" for i in range(6)]
        for s in segments:
            node(s, "ChainSegment")
            edge(chain, s, "hasSegment")
        for a, b in zip(segments, segments[1:]):
            edge(a, b, "upstreamOf")
    companies = [f"company-{i:06d}" for i in range(n_companies)]
    for c in companies:
        node(c, "Company")
        p = rnd.choice(parks)
        edge(c, rnd.choice([p, f"{p}-platform"]), "locatedIn", inferred=rnd.random() < 0.2)
        for h in rnd.sample(honours, rnd.randint(0, 2)):
            edge(c, h, "hasHonour")
        if rnd.random() < 0.3:
            edge(c, f"{p}-chain-s{rnd.randint(0, 5)}", "inSegment", inferred=rnd.random() < 0.5)
        if rnd.random() < 0.05:
            edge(c, f"{p}-chain", "leadingEnterpriseIn")
    web = nx.barabasi_albert_graph(n_companies, 2, seed=seed)
    for u, v in web.edges():
        edge(companies[u], companies[v], "partner")
    return g


def _timed(times: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = fn()
    times[name] = time.perf_counter() - start
    return result


def igraph_floor(graph: ig.Graph) -> dict[str, float]:
    """igraph alone, the same algorithms and parameters as kg's analysis, on a graph it holds."""
    n = graph.vcount()
    times: dict[str, float] = {}
    if n <= analytics.EXACT_BETWEENNESS_MAX:
        _timed(times, "betweenness", lambda: graph.betweenness(directed=False))
    else:
        sources = random.Random(analytics.SEED).sample(range(n),
                                                       min(analytics.BETWEENNESS_SAMPLE, n))
        _timed(times, "betweenness", lambda: graph.betweenness(directed=False, sources=sources))
    _timed(times, "pagerank", lambda: graph.pagerank(
        directed=False, damping=analytics.PAGERANK_ALPHA, implementation="prpack"))
    ig.set_random_number_generator(random.Random(analytics.SEED))
    try:
        _timed(times, "communities", lambda: graph.community_leiden(
            objective_function="modularity", n_iterations=-1))
    finally:
        ig.set_random_number_generator(random)
    _timed(times, "components", graph.connected_components)
    _timed(times, "cores", graph.coreness)
    return times


def measure(store_or_graph: ox.Store | nx.MultiDiGraph,
            parts: bool = True) -> dict[str, Any]:
    """Time kg's analysis of a store (projection included) or of a projected graph, and igraph
    alone on the same graph.

    Returns ``{"nodes", "facts", "linked_pairs", "betweenness" (how it was computed),
    "kg": {part: seconds} (project when given a store, convert, centrality, communities,
    components, cores, chains, key_enterprises, report), "kg_total" (analysis without the
    projection and report: what igraph is compared with), "igraph": {algorithm: seconds},
    "igraph_total", "ratio" (kg_total / igraph_total), "dominant" (kg's slowest part)}``.
    Seconds are wall-clock ``perf_counter`` of one run. ``parts=False`` times only the
    projection, the whole analysis and the report (half the time: the parts run the analysis
    a second time, piece by piece).
    """
    kg: dict[str, float] = {}
    if isinstance(store_or_graph, ox.Store):
        g = _timed(kg, "project", lambda: project(store_or_graph))
    else:
        g = store_or_graph
    e = _timed(kg, "convert", lambda: analytics.engine_graph(g))
    if parts:
        scores = _timed(kg, "centrality", lambda: analytics._centrality(e))
        _timed(kg, "communities", lambda: analytics._communities(e))
        _timed(kg, "components", lambda: analytics._components(e))
        _timed(kg, "cores", lambda: analytics._core_numbers(e))
        _timed(kg, "chains", lambda: analytics.chain_coverage(g))
        _timed(kg, "key_enterprises", lambda: analytics.key_enterprises(g, scores))
    whole: dict[str, float] = {}
    result = _timed(whole, "analyze", lambda: analytics.analyze(g))
    _timed(kg, "report", lambda: render_text(result, 15))
    floor = igraph_floor(e.graph)
    kg_total = whole["analyze"]
    return {"nodes": g.number_of_nodes(), "facts": g.number_of_edges(),
            "linked_pairs": e.graph.ecount(),
            "betweenness": analytics.betweenness_method(g.number_of_nodes()),
            "kg": kg, "kg_total": kg_total, "igraph": floor,
            "igraph_total": sum(floor.values()),
            "ratio": kg_total / sum(floor.values()),
            "dominant": max(kg, key=lambda part: kg[part]) if parts else None}


def _print(label: str, m: dict[str, Any]) -> None:
    parts = "  ".join(f"{k} {v:.2f}" for k, v in m["kg"].items())
    floor = "  ".join(f"{k} {v:.2f}" for k, v in m["igraph"].items())
    print(f"{label}: {m['nodes']:,} nodes, {m['linked_pairs']:,} linked pairs; betweenness "
          f"{m['betweenness']}\n"
          f"  kg analyze   {m['kg_total']:8.2f} s  ({parts})\n"
          f"  igraph alone {m['igraph_total']:8.2f} s  ({floor})\n"
          f"  ratio {m['ratio']:.2f}×; slowest part of kg: {m['dominant']}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[],
                        help="companies of synthetic projected graphs")
    parser.add_argument("--graph", help="a built kg.ttl or kg.nt (its build's store when fresh)")
    args = parser.parse_args()
    if args.graph:  # read as kg analyze reads it, the parse timed apart
        from kg.rdf.read import load_graph_file

        start = time.perf_counter()
        store = load_graph_file(args.graph)
        print(f"{args.graph}: read into Oxigraph in {time.perf_counter() - start:.2f} s")
        _print(args.graph, measure(store))
    for size in args.sizes or ([] if args.graph else [500, 2000]):
        _print(f"synthetic, {size:,} companies", measure(synthetic(size)))


if __name__ == "__main__":
    main()
