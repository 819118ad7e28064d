"""Benchmark: how `kg analyze` grows with the graph, as ratios to a cheap baseline.

Builds synthetic projected graphs shaped like the seed graph (parks with platforms, chains
with six segments, companies located in the parks with honours and segment facts, plus a
preferential-attachment web of other links), then times, in this one process, (a) the
baseline: building the simple undirected graph and its degrees, and (b) each part of the
analysis: centrality (exact betweenness up to kg.graph.analytics.EXACT_BETWEENNESS_MAX nodes,
estimated above), Louvain, chain coverage, key enterprises. Prints each as a ratio to (a);
no threshold is asserted anywhere.

    python benchmarks/analytics_scale.py --sizes 500 2000 8000
"""

from __future__ import annotations

import argparse
import random
import time

import networkx as nx

from kg.graph import analytics


def synthetic(n_companies: int, seed: int = 1) -> nx.MultiDiGraph:
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()

    def node(n, cls, level=""):
        g.add_node(n, id=n, cls=cls, label=n, label_en="", aliases=[], level=level)

    def edge(u, v, rel, inferred=False):
        g.add_edge(u, v, key=rel, relation=rel, label=rel, inferred=inferred, year=None,
                   stage=None, quote="q", source="s")

    parks = [f"park-{i:03d}" for i in range(max(1, n_companies // 200))]
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


def timed(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def baseline(g):
    h = analytics.simple_undirected(g)
    return dict(h.degree())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    args = parser.parse_args()
    parts = {"centrality": analytics.centrality, "louvain": analytics.communities,
             "chains": analytics.chain_coverage, "key enterprises": analytics.key_enterprises}
    print(f"{'companies':>9} {'nodes':>7} {'baseline s':>10}  "
          + "  ".join(f"{name:>15}" for name in parts), flush=True)
    for size in args.sizes:
        g = synthetic(size)
        base = timed(baseline, g)
        ratios = [timed(fn, g) / base for fn in parts.values()]
        print(f"{size:>9} {g.number_of_nodes():>7} {base:>10.3f}  "
              + "  ".join(f"{r:>14.1f}×" for r in ratios), flush=True)


if __name__ == "__main__":
    main()
