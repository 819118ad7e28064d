"""The measures run on igraph; networkx is the reference (issue 9, "Analytics").

Parity means: exact betweenness, PageRank, core numbers and components equal networkx's to
rounding; sampled betweenness is networkx's own estimator on the same sources, and stays within
the documented bound of the exact value; the communities (igraph's Leiden, a randomised local
search) are held to networkx's Louvain by what both must satisfy (a partition of every node, the
planted communities found, modularity no lower), to what Leiden adds (every community
connected), and to themselves by giving the same partition in every process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import networkx as nx
import pytest

from helpers import ROOT
from kg.graph import analytics
from kg.graph.analytics import betweenness_bound, engine_graph


def named(g: nx.Graph) -> nx.Graph:
    """String ids, as the projection has, in an order that is not the sorted one."""
    return nx.relabel_nodes(g, {n: f"n{(7 * n) % 1009:04d}-{n}" for n in g})


def graphs() -> list[nx.Graph]:
    """Small graphs with what the seed graph has: hubs, leaves, isolated nodes, components."""
    sparse = nx.gnm_random_graph(120, 200, seed=3)
    sparse.add_nodes_from([500, 501])  # isolated
    sparse.add_edge(502, 503)  # a second component
    return [named(g) for g in (sparse, nx.barabasi_albert_graph(150, 2, seed=5),
                               nx.star_graph(12), nx.path_graph(9),
                               nx.connected_caveman_graph(6, 5))]


def per_node(e, values) -> dict[str, float]:
    return dict(zip(e.ids, values))


@pytest.mark.parametrize("g", graphs())
def test_exact_betweenness_equals_networkx(g):
    e = engine_graph(g)
    mine = per_node(e, analytics._betweenness(e))
    reference = nx.betweenness_centrality(analytics.simple_undirected(g), normalized=True)
    assert max(abs(mine[n] - reference[n]) for n in g) < 1e-9


@pytest.mark.parametrize("g", graphs()[:2])
def test_sampled_betweenness_is_networkx_estimator_on_the_same_sources(g, monkeypatch):
    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS_MAX", 10)
    monkeypatch.setattr(analytics, "BETWEENNESS_SAMPLE", 30)
    e = engine_graph(g)
    mine = per_node(e, analytics._betweenness(e))
    reference = nx.betweenness_centrality(analytics.simple_undirected(g), k=30,
                                          normalized=True, seed=analytics.SEED)
    assert max(abs(mine[n] - reference[n]) for n in g) < 1e-9
    exact = nx.betweenness_centrality(g, normalized=True)
    assert mine != pytest.approx(exact, abs=1e-9)  # it did sample


def test_sampled_betweenness_stays_within_the_documented_bound(monkeypatch):
    """A graph where exact betweenness is affordable, with hubs as at province size: every
    node, and the ten highest in particular, within betweenness_bound of exact."""
    g = named(nx.barabasi_albert_graph(1500, 2, seed=11))
    sources = 100
    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS_MAX", 1000)
    monkeypatch.setattr(analytics, "BETWEENNESS_SAMPLE", sources)
    e = engine_graph(g)
    sampled = per_node(e, analytics._betweenness(e))
    exact = nx.betweenness_centrality(g, normalized=True)
    bound = betweenness_bound(len(g), sources)
    top = sorted(g, key=lambda n: -exact[n])[:10]
    assert exact[top[0]] > bound  # the bound says something about the hubs
    assert all(abs(sampled[n] - exact[n]) <= bound for n in g)
    assert all(abs(sampled[n] - exact[n]) <= bound for n in top)
    assert analytics.betweenness_method(len(g)) == (
        f"estimated from {sources} sources, seed 42: each value within ±{bound:.3f} of exact "
        f"(probability ≥ 95%)")


def test_the_bound_shrinks_with_more_sources_and_grows_slowly_with_nodes():
    assert betweenness_bound(100_000, 2000) < betweenness_bound(100_000, 500) / 1.9
    assert betweenness_bound(100_000, 500) < betweenness_bound(1_000, 500) * 1.5


@pytest.mark.parametrize("g", graphs())
def test_pagerank_equals_converged_networkx(g):
    """PRPACK solves the system directly; networkx iterates until the total change is below
    n × tol (1e-6 by default, so single values can be 1e-5 off): compare with networkx run to
    convergence."""
    e = engine_graph(g)
    mine = per_node(e, analytics._pagerank(e))
    reference = nx.pagerank(analytics.simple_undirected(g), alpha=analytics.PAGERANK_ALPHA,
                            tol=1e-13, max_iter=10_000)
    assert max(abs(mine[n] - reference[n]) for n in g) < 1e-9
    assert sum(mine.values()) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("g", graphs())
def test_cores_components_and_degrees_equal_networkx(g):
    h = analytics.simple_undirected(g)
    assert analytics.core_numbers(g) == dict(sorted(nx.core_number(h).items()))
    assert analytics.components(g) == analytics._sorted_groups(nx.connected_components(h))
    scores = analytics.centrality(g)
    centrality = nx.degree_centrality(h)
    assert all(scores[n]["degree"] == h.degree(n) for n in g)
    assert all(scores[n]["degree_centrality"] == round(centrality[n], 6) for n in g)


@pytest.mark.parametrize("g", graphs())
def test_communities_partition_every_node_with_modularity_no_lower_than_networkx_louvain(g):
    h = analytics.simple_undirected(g)
    mine = analytics.communities(g)
    assert sorted(n for m in mine for n in m) == sorted(g)
    if h.number_of_edges():
        reference = nx.community.louvain_communities(h, seed=analytics.SEED)
        assert nx.community.modularity(h, mine) >= \
            nx.community.modularity(h, reference) - 0.005


@pytest.mark.parametrize("g", graphs())
def test_every_community_is_connected(g):
    h = analytics.simple_undirected(g)
    assert all(nx.is_connected(h.subgraph(m)) for m in analytics.communities(g))


def test_communities_are_the_planted_ones_networkx_louvain_finds():
    g = named(nx.ring_of_cliques(8, 6))
    reference = nx.community.louvain_communities(g, seed=analytics.SEED)
    assert analytics.communities(g) == analytics._sorted_groups(reference)
    assert len(analytics.communities(g)) == 8


def test_communities_leave_the_global_random_state_alone():
    import random

    random.seed(5)
    expected = [random.random() for _ in range(3)]
    random.seed(5)
    analytics.communities(graphs()[1])
    assert [random.random() for _ in range(3)] == expected


SCRIPT = """
import json, networkx as nx
from kg.graph import analytics
g = nx.relabel_nodes(nx.barabasi_albert_graph(400, 2, seed=9), lambda n: f"c{n}")
print(json.dumps([analytics.communities(g), analytics.centrality(g)]))
"""


def test_same_graph_same_communities_and_scores_in_every_process():
    runs = set()
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                             text=True, check=True).stdout
        runs.add(out)
    assert len(runs) == 1
    communities, _scores = json.loads(runs.pop())
    assert len(communities) > 1


def test_empty_and_edgeless_graphs():
    assert analytics.centrality(nx.Graph()) == {}
    assert analytics.communities(nx.Graph()) == []
    g = nx.Graph()
    g.add_nodes_from(["b", "a"])
    assert analytics.communities(g) == [["a"], ["b"]]
    assert {n: s["pagerank"] for n, s in analytics.centrality(g).items()} == {"a": 0.5, "b": 0.5}
