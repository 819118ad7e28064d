"""Network analytics over the projected graph (`kg.graph.projection.project`).

Every function here takes a networkx graph and returns new values; none changes its input.
The measures run on :func:`simple_undirected`: one edge per linked pair of entities, whatever
the number or direction of the facts between them, because a relation's direction in this
graph is a reading convention (company → honour), not a flow.

The heavy measures run on igraph's C core (:func:`engine_graph` converts once per analysis,
vertex i being the i-th node id in sorted order, so no hash order reaches the results);
networkx is the reference they are tested against (tests/test_analytics_engine.py):

- **Centrality**: degree, degree centrality, betweenness (exact up to
  ``EXACT_BETWEENNESS_MAX`` nodes; above, estimated from ``BETWEENNESS_SAMPLE`` sources
  picked with a fixed seed, the estimator of networkx's ``betweenness_centrality(k=…)``, with
  the error bound of :func:`betweenness_bound`: exact betweenness grows with nodes × links,
  hours at province size) and PageRank (``alpha=0.85``, solved by PRPACK).
- **Communities**: Leiden maximising modularity (igraph's ``community_leiden``, run until
  a pass changes nothing), Louvain's successor: Louvain's moves plus a refinement that keeps
  every community connected. Its random numbers come from ``random.Random(SEED)``, so the
  same graph gives the same partition in every process. (igraph's Louvain, ``multilevel``,
  took 26 s at province size, as nodes linked to thousands slow each pass; Leiden 3 s, with a
  higher modularity. networkx's Louvain stays the reference in the tests.)
- **Components** and **k-core** (core numbers).
- **Chain coverage** (:func:`chain_coverage`) and **key enterprises**
  (:func:`key_enterprises`), with the rules stated next to their constants below.

Numbers are rounded to ``DIGITS`` decimals and every list is sorted, so the same graph gives
the same output, byte for byte.
"""

from __future__ import annotations

import math
import random
from functools import cache, partial
from typing import NamedTuple, cast

import igraph as ig
import networkx as nx

from kg.graph.records import (Analysis, Breakdown, ChainCoverage, EdgeData, Entity, EntityRow,
                              EntityScores, Fact, Honour, KeyEnterprise, LeadingIn,
                              NamedEnterprise, Route, ScoredCompany, SegmentCompany,
                              SegmentReport, SegmentServed, node_data)
from kg.seeds import schema

SEED = 42
DIGITS = 6
EXACT_BETWEENNESS_MAX = 2000  # exact up to this many nodes (seconds); sampled above
BETWEENNESS_SAMPLE = 500  # sources of the estimate above that (~50 s at 100k nodes here)
BOUND_CONFIDENCE = 0.95  # the probability with which betweenness_bound holds for every node
PAGERANK_ALPHA = 0.85
COMMUNITY_METHOD = f"Leiden maximising modularity, seed {SEED}"

# Park membership: a company is in a park when it is locatedIn, settledIn or incubatedBy the
# park or a place inside it, or leadsProject a project locatedIn or partOf one; a place is inside
# a park when it is partOf it or locatedIn it (a sub-park, a site, a platform), or when the park
# buildsPlatform it; recursively. (A firm the page names only as leading a project the park
# gathered is in the park through that project, never through an invented location.)
MEMBER_RELATIONS = ("incubatedBy", "locatedIn", "settledIn")
PROJECT_RELATIONS = ("locatedIn", "partOf")  # a project in a place
PLACE_CLASSES = frozenset(schema.PLACES)

# Segment strength. An anchor is a company in the segment that the sources call a leading
# enterprise (龙头, leadingEnterpriseIn) of the chain, or that holds a national-level honour.
STRONG_MIN_COMPANIES = 3
STRENGTH = {  # key: (zh, en, rule)
    "strong": ("优势", "strong",
               f"at least {STRONG_MIN_COMPANIES} companies and at least one anchor"),
    "potential": ("潜力", "potential",
                  f"an anchor but fewer than {STRONG_MIN_COMPANIES} companies, or "
                  f"{STRONG_MIN_COMPANIES} or more companies without an anchor"),
    "weak": ("薄弱", "weak", f"1 to {STRONG_MIN_COMPANIES - 1} companies, none an anchor"),
    "gap": ("空白", "gap", "no company of the park in the segment"),
}
ANCHOR_RULE = ("an anchor is a company in the segment that is a leading enterprise (龙头) of the "
               "chain or holds a national-level honour")

# Key-enterprise score = position + honours + segments + leading.
POSITION_POINTS = 10  # × the company's PageRank / the highest PageRank of any company
HONOUR_POINTS = {"national": 3, "provincial": 2, "municipal": 1}  # per distinct honour held
# 拟, 公示: the honour counts half. Named by seeds key, so a renamed stage fails here.
NOT_FINAL_STAGES = frozenset(schema.STAGES[key].local for key in ("proposed", "publicised"))
SEGMENT_POINTS = 2  # per distinct chain segment served (inSegment, or makes a product in it)
LEADING_POINTS = 4  # per leadingEnterpriseIn fact (a chain, industry or platform)
SCORE_RULE = (f"score = position + honours + segments + leading; position = "
              f"{POSITION_POINTS} × PageRank / highest PageRank of any company; honours = "
              f"{HONOUR_POINTS['national']} per national, {HONOUR_POINTS['provincial']} per "
              f"provincial, {HONOUR_POINTS['municipal']} per municipal honour, half while only "
              f"proposed or publicised (拟/公示); segments = {SEGMENT_POINTS} per chain segment "
              f"served; leading = {LEADING_POINTS} per explicit 龙头 mention "
              f"(leadingEnterpriseIn). Inferred inputs count and are flagged.")


def _r(x: float) -> float:
    return round(float(x), DIGITS)


def simple_undirected(g: nx.Graph) -> nx.Graph:
    """The graph the network measures run on: undirected, simple, nodes in sorted order.

    One edge per pair of linked nodes (parallel and opposite facts collapse), no self-loops.
    Node attributes are copied; the input is not changed.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("b", "a", key="x"); g.add_edge("a", "b", key="y"); g.add_edge("a", "a", key="z")
    'x'
    'y'
    'z'
    >>> h = simple_undirected(g)
    >>> list(h.nodes), list(h.edges), g.number_of_edges()
    (['a', 'b'], [('a', 'b')], 3)
    """
    h = nx.Graph()
    for n in sorted(g):
        h.add_node(n, **{k: (list(v) if isinstance(v, list) else v)
                         for k, v in g.nodes[n].items()})
    h.add_edges_from(sorted({(min(u, v), max(u, v)) for u, v in g.edges() if u != v}))
    return h


class EngineGraph(NamedTuple):
    """:func:`simple_undirected` as an igraph graph: vertex i is ``ids[i]``, ids sorted."""

    ids: list[str]
    graph: ig.Graph


def engine_graph(g: nx.Graph) -> EngineGraph:
    """The simple undirected graph of `g` in igraph, built once per analysis.

    Examples
    --------
    >>> e = engine_graph(nx.MultiDiGraph([("b", "a"), ("a", "b"), ("c", "c")]))
    >>> e.ids, e.graph.get_edgelist()
    (['a', 'b', 'c'], [(0, 1)])
    """
    ids = sorted(g)
    index = {n: i for i, n in enumerate(ids)}
    pairs = set()
    for u, neighbours in g._adj.items():  # one entry per linked pair and direction, not per fact
        i = index[u]
        for v in neighbours:
            j = index[v]
            if i < j:
                pairs.add((i, j))
            elif j < i:
                pairs.add((j, i))
    return EngineGraph(ids, ig.Graph(n=len(ids), edges=sorted(pairs)))


def betweenness_bound(nodes: int, sources: int, confidence: float = BOUND_CONFIDENCE) -> float:
    """How far an estimated (normalised) betweenness can be from the exact one: with
    probability at least `confidence`, every one of the `nodes` estimates is within this.

    A node's estimate is the mean of its dependency on each sampled source, divided by
    nodes − 2: values in [0, 1] drawn without replacement from those whose mean is its exact
    betweenness (at least ``sources − 1`` of them, as a node sampled as a source does not
    count itself). Hoeffding's inequality, which holds for sampling without replacement,
    and a union bound over the nodes give ``sqrt(ln(2 · nodes / (1 − confidence)) /
    (2 · (sources − 1)))``. It is additive: tight for the hubs, loose for the many nodes
    whose betweenness is near 0.

    Examples
    --------
    >>> round(betweenness_bound(100_000, 500), 3)
    0.123
    """
    return math.sqrt(math.log(2 * nodes / (1 - confidence)) / (2 * (sources - 1)))


def _betweenness(e: EngineGraph) -> list[float]:
    """Normalised betweenness per vertex: exact, or sampled above ``EXACT_BETWEENNESS_MAX``.

    Normalised like networkx: by (n − 1)(n − 2) ordered pairs; sampled like networkx's
    ``betweenness_centrality(k=BETWEENNESS_SAMPLE, seed=SEED)`` (the same sources, the
    same scaling), which the tests hold it equal to.
    """
    n = len(e.ids)
    if n <= 2:
        return [0.0] * n
    # igraph halves undirected betweenness (each pair once); networkx counts both orders
    if n <= EXACT_BETWEENNESS_MAX:
        return [2 * b / ((n - 1) * (n - 2)) for b in e.graph.betweenness(directed=False)]
    k = min(BETWEENNESS_SAMPLE, n)
    sources = random.Random(SEED).sample(range(n), k)
    raw = e.graph.betweenness(directed=False, sources=sources)
    sampled = set(sources)
    # A sampled source never lies inside its own paths: its estimate rests on k − 1 sources.
    return [2 * b / ((k - 1 if v in sampled else k) * (n - 2)) for v, b in enumerate(raw)]


def _pagerank(e: EngineGraph) -> list[float]:
    n = len(e.ids)
    if e.graph.ecount() == 0:
        return [1 / n] * n
    return e.graph.pagerank(directed=False, damping=PAGERANK_ALPHA, implementation="prpack")


def _centrality(e: EngineGraph) -> dict[str, EntityScores]:
    n = len(e.ids)
    if n == 0:
        return {}
    degree = e.graph.degree()
    betweenness, pagerank = _betweenness(e), _pagerank(e)
    return {node: {"degree": degree[i],
                   "degree_centrality": _r(degree[i] / (n - 1) if n > 1 else 1.0),
                   "betweenness": _r(betweenness[i]), "pagerank": _r(pagerank[i])}
            for i, node in enumerate(e.ids)}


def centrality(g: nx.Graph) -> dict[str, EntityScores]:
    """Degree, degree centrality, betweenness and PageRank of every node.

    Computed on :func:`simple_undirected` ``(g)``; betweenness and degree centrality are
    normalised to 0..1, PageRank sums to 1.

    Examples
    --------
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> c = centrality(g)
    >>> c["b"]["degree"], c["b"]["betweenness"], c["a"]["betweenness"]
    (2, 1.0, 0.0)
    >>> c["b"]["pagerank"] > c["a"]["pagerank"]
    True
    """
    return _centrality(engine_graph(g))


def _sorted_groups(groups) -> list[list[str]]:
    """Groups of node ids, each sorted, largest first, ties by first id."""
    return sorted((sorted(m) for m in groups), key=lambda m: (-len(m), m[0]))


def _communities(e: EngineGraph, seed: int = SEED) -> list[list[str]]:
    if not e.ids:
        return []
    # igraph draws its random numbers from Python's RNG interface: a private seeded one
    # makes Leiden's node order, and so the partition, the same in every process.
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = e.graph.community_leiden(objective_function="modularity", n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    return _sorted_groups([e.ids[i] for i in part] for part in parts)


def communities(g: nx.Graph, seed: int = SEED) -> list[list[str]]:
    """Communities (Leiden, maximising modularity) with a fixed seed: lists of node ids,
    largest first.

    Examples
    --------
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"),
    ...               ("c", "x")])
    >>> communities(g)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    return _communities(engine_graph(g), seed)


def _components(e: EngineGraph) -> list[list[str]]:
    return _sorted_groups([e.ids[i] for i in part] for part in e.graph.connected_components())


def components(g: nx.Graph) -> list[list[str]]:
    """Connected components (of the undirected graph): lists of node ids, largest first.

    Examples
    --------
    >>> components(nx.DiGraph([("b", "a"), ("c", "d")]))
    [['a', 'b'], ['c', 'd']]
    """
    return _components(engine_graph(g))


def _core_numbers(e: EngineGraph) -> dict[str, int]:
    return dict(zip(e.ids, e.graph.coreness()))


def core_numbers(g: nx.Graph) -> dict[str, int]:
    """The k-core number of every node (on the simple undirected graph, so no self-loops).

    Examples
    --------
    >>> core_numbers(nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")]))
    {'a': 2, 'b': 2, 'c': 2, 'd': 1}
    """
    return _core_numbers(engine_graph(g))


# -- Facts, park membership and chains ----------------------------------------------------------


def fact(g: nx.MultiDiGraph, u: str, v: str, key: str) -> Fact:
    """One projected fact u → v as a `Fact`: ids, labels, relation, year, stage, provenance.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="甲"); g.add_node("h", label="荣誉")
    >>> _ = g.add_edge("a", "h", key="hasHonour", relation="hasHonour", label="获得荣誉",
    ...                label_en="has honour", year=2024, inferred=False, quote="q", source="s")
    >>> f = fact(g, "a", "h", "hasHonour")
    >>> f["subject_label"], f["label"], f["object_label"], f["year"], f["stage"]
    ('甲', '获得荣誉', '荣誉', 2024, None)
    """
    d = cast(EdgeData, g._adj[u][v][key])  # edge_data without the view: a hot path
    return {"subject": u, "subject_label": g._node[u].get("label", u),
            "relation": d.get("relation", key), "label": d.get("label", key),
            "label_en": d.get("label_en", ""),
            "object": v, "object_label": g._node[v].get("label", v),
            "year": d.get("year"), "stage": d.get("stage"),
            "inferred": bool(d.get("inferred")), "quote": d.get("quote", ""),
            "source": d.get("source", "")}


def _cls(g: nx.Graph, n: str) -> str:
    return g._node[n].get("cls", "")  # node_data without the view: called for every edge


def _label(g: nx.Graph, n: str) -> str:
    return node_data(g, n).get("label", n)


def _facts(g: nx.MultiDiGraph, n: str, relation: str,
           direction: str = "out") -> list[tuple[str, str, str]]:
    """Facts of one relation at node n, sorted: (u, v, key) triples."""
    # The adjacency dicts directly: edge views cost several times more on hubs (a park, an
    # honour held by thousands), and this runs for every node of the graph.
    if direction == "out":
        found = [(n, v, k) for v, keyed in g._adj[n].items() for k, d in keyed.items()
                 if d.get("relation") == relation]
    else:
        found = [(u, n, k) for u, keyed in g._pred[n].items() for k, d in keyed.items()
                 if d.get("relation") == relation]
    return sorted(found)


def park_places(g: nx.MultiDiGraph, park: str) -> dict[str, Route]:
    """The places inside `park`, each with the facts that put it there (the park: no facts).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for n, c in [("p", "Park"), ("sub", "Park"), ("pl", "Platform")]:
    ...     g.add_node(n, cls=c, label=n)
    >>> _ = g.add_edge("sub", "p", key="partOf", relation="partOf")
    >>> _ = g.add_edge("p", "pl", key="buildsPlatform", relation="buildsPlatform")
    >>> {place: [f["relation"] for f in via] for place, via in park_places(g, "p").items()}
    {'p': [], 'pl': ['buildsPlatform'], 'sub': ['partOf']}
    """
    places: dict[str, Route] = {park: []}
    todo = [park]
    while todo:
        area = todo.pop(0)
        found = [(u, fact(g, u, v, k)) for rel in ("partOf", "locatedIn")
                 for u, v, k in _facts(g, area, rel, "in") if _cls(g, u) in PLACE_CLASSES]
        found += [(v, fact(g, u, v, k)) for u, v, k in _facts(g, area, "buildsPlatform")]
        for place, f in sorted(found, key=lambda x: (x[0], x[1]["relation"])):
            if place not in places:
                places[place] = [f] + places[area]
                todo.append(place)
    return dict(sorted(places.items()))


def park_companies(g: nx.MultiDiGraph, park: str) -> dict[str, list[Route]]:
    """Companies in `park`: for each, every route of facts from the company to the park.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for n, c in [("p", "Park"), ("pl", "Platform"), ("c", "Company")]:
    ...     g.add_node(n, cls=c, label=n)
    >>> _ = g.add_edge("p", "pl", key="buildsPlatform", relation="buildsPlatform")
    >>> _ = g.add_edge("c", "pl", key="locatedIn", relation="locatedIn", inferred=True)
    >>> [[(f["subject"], f["relation"], f["object"], f["inferred"]) for f in route]
    ...  for route in park_companies(g, "p")["c"]]
    [[('c', 'locatedIn', 'pl', True), ('p', 'buildsPlatform', 'pl', False)]]
    >>> g.add_node("pr", cls="Project", label="pr"); g.add_node("d", cls="Company", label="d")
    >>> _ = g.add_edge("pr", "p", key="locatedIn", relation="locatedIn")
    >>> _ = g.add_edge("d", "pr", key="leadsProject", relation="leadsProject")
    >>> [[(f["subject"], f["relation"], f["object"]) for f in route]
    ...  for route in park_companies(g, "p")["d"]]
    [[('d', 'leadsProject', 'pr'), ('pr', 'locatedIn', 'p')]]
    """
    members: dict[str, list[Route]] = {}
    for place, route in park_places(g, park).items():
        for rel in MEMBER_RELATIONS:
            for u, v, k in _facts(g, place, rel, "in"):
                if _cls(g, u) == "Company":
                    members.setdefault(u, []).append([fact(g, u, v, k)] + route)
        for rel in PROJECT_RELATIONS:
            for p, _v, pk in _facts(g, place, rel, "in"):
                if _cls(g, p) != "Project":
                    continue
                for u, v, k in _facts(g, p, "leadsProject", "in"):
                    if _cls(g, u) == "Company":
                        members.setdefault(u, []).append(
                            [fact(g, u, v, k), fact(g, p, place, pk)] + route)
    return dict(sorted(members.items()))


def chain_segments(g: nx.MultiDiGraph, chain: str) -> list[str]:
    """The segments of `chain` from upstream to downstream (hasSegment, ordered by upstreamOf).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for s in ("s2", "s1", "s3"):
    ...     _ = g.add_edge("k", s, key="hasSegment", relation="hasSegment")
    >>> _ = g.add_edge("s1", "s2", key="upstreamOf", relation="upstreamOf")
    >>> _ = g.add_edge("s2", "s3", key="upstreamOf", relation="upstreamOf")
    >>> chain_segments(g, "k")
    ['s1', 's2', 's3']
    """
    segments = [v for _, v, _k in _facts(g, chain, "hasSegment")]
    order = nx.DiGraph()
    order.add_nodes_from(segments)
    order.add_edges_from((u, v) for s in segments for u, v, _k in _facts(g, s, "upstreamOf")
                         if v in order)
    try:
        return list(nx.lexicographical_topological_sort(order))
    except nx.NetworkXUnfeasible:  # a cycle in upstreamOf: fall back to id order
        return sorted(segments)


def segment_companies(g: nx.MultiDiGraph, segment: str) -> dict[str, list[Route]]:
    """Companies in `segment`, each with the facts that place it: inSegment, or makes a product
    that is inSegment.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for n, c in [("c", "Company"), ("d", "Company"), ("pr", "Product"), ("s", "ChainSegment")]:
    ...     g.add_node(n, cls=c, label=n)
    >>> _ = g.add_edge("c", "s", key="inSegment", relation="inSegment")
    >>> _ = g.add_edge("d", "pr", key="makes", relation="makes")
    >>> _ = g.add_edge("pr", "s", key="inSegment", relation="inSegment", inferred=True)
    >>> {c: [[f["relation"] for f in via] for via in vias]
    ...  for c, vias in segment_companies(g, "s").items()}
    {'c': [['inSegment']], 'd': [['makes', 'inSegment']]}
    """
    found: dict[str, list[Route]] = {}
    for u, v, k in _facts(g, segment, "inSegment", "in"):
        placed = fact(g, u, v, k)
        if _cls(g, u) == "Company":
            found.setdefault(u, []).append([placed])
        elif _cls(g, u) == "Product":
            for maker, p, k2 in _facts(g, u, "makes", "in"):
                if _cls(g, maker) == "Company":
                    found.setdefault(maker, []).append([fact(g, maker, p, k2), placed])
    return dict(sorted(found.items()))


def honours(g: nx.MultiDiGraph, company: str) -> list[Honour]:
    """The honours a company holds: one entry per honour, with its level, year, stage and the
    points it earns in the key-enterprise score.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("c", label="c"); g.add_node("h", label="省级", level="provincial")
    >>> _ = g.add_edge("c", "h", key="hasHonour", relation="hasHonour", year=2025, stage="Proposed")
    >>> [(h["id"], h["level"], h["stage"], h["points"]) for h in honours(g, "c")]
    [('h', 'provincial', 'Proposed', 1.0)]
    """
    held: dict[str, list[Fact]] = {}
    for u, v, k in _facts(g, company, "hasHonour"):
        held.setdefault(v, []).append(fact(g, u, v, k))
    out: list[Honour] = []
    for honour, facts in sorted(held.items()):
        level = node_data(g, honour).get("level", "")
        final = any(f["stage"] not in NOT_FINAL_STAGES for f in facts)
        years = sorted(f["year"] for f in facts if f["year"] is not None)
        stages = sorted({f["stage"] for f in facts if f["stage"]})
        points = HONOUR_POINTS.get(level, 0) * (1 if final else 0.5)
        out.append({"id": honour, "label": _label(g, honour), "level": level,
                    "year": years[-1] if years else None,
                    "stage": stages[0] if len(stages) == 1 else (", ".join(stages) or None),
                    "final": final, "inferred": all(f["inferred"] for f in facts),
                    "points": float(points)})
    return out


def rate_segment(companies: int, anchors: int) -> str:
    """The strength of a segment from its number of park companies and of anchors among them.

    Returns one of the keys of ``STRENGTH``: strong (优势), potential (潜力), weak (薄弱),
    gap (空白).

    Examples
    --------
    >>> [rate_segment(n, a) for n, a in [(0, 0), (1, 0), (2, 1), (3, 0), (3, 1)]]
    ['gap', 'weak', 'potential', 'potential', 'strong']
    """
    if companies == 0:
        return "gap"
    if anchors and companies >= STRONG_MIN_COMPANIES:
        return "strong"
    if anchors or companies >= STRONG_MIN_COMPANIES:
        return "potential"
    return "weak"


def _named(g: nx.MultiDiGraph, chain: str, relation: str) -> dict[str, Fact]:
    """Companies named for a chain by `relation`, with the fact (the first, if several)."""
    named: dict[str, Fact] = {}
    for u, v, k in _facts(g, chain, relation, "in"):
        if _cls(g, u) == "Company":
            named.setdefault(u, fact(g, u, v, k))
    return named


def _is_inferred(routes: list[Route]) -> bool:
    """A membership is inferred when every route to it uses at least one inferred fact."""
    return all(any(f["inferred"] for f in route) for route in routes)


def _segment_report(reads: _Reads, segment: str, members: dict[str, list[Route]],
                    leading: dict[str, Fact], order: int) -> SegmentReport:
    g = reads.g
    rows: list[SegmentCompany] = []
    for company, via in reads.segment_companies(segment).items():
        if company not in members:
            continue
        held = reads.honours(company)
        national = any(h["level"] == "national" for h in held)
        rows.append({"id": company, "label": _label(g, company),
                     "segment_via": via, "park_via": members[company],
                     "inferred": _is_inferred(via) or _is_inferred(members[company]),
                     "leading": company in leading, "national_honour": national,
                     "anchor": company in leading or national, "honours": held})
    anchors = sum(r["anchor"] for r in rows)
    rating = rate_segment(len(rows), anchors)
    zh, en, rule = STRENGTH[rating]
    node = node_data(g, segment)
    return {"id": segment, "label": node.get("label", segment),
            "label_en": node.get("label_en", ""),
            "rating": zh, "rating_en": en, "rule": rule,
            "inputs": {"companies": len(rows), "anchors": anchors,
                       "inferred_memberships": sum(r["inferred"] for r in rows)},
            "companies": rows, "order": order}


class _Reads:
    """What chain coverage and the key-enterprise scores both read of one graph, each read once:
    a park's companies, a segment's companies, a company's honours, a chain's named companies
    (a province asks these of every park, segment and company, many times over)."""

    def __init__(self, g: nx.MultiDiGraph) -> None:
        self.g = g
        self.park_companies = cache(partial(park_companies, g))
        self.segment_companies = cache(partial(segment_companies, g))
        self.honours = cache(partial(honours, g))
        self.named = cache(partial(_named, g))


def chain_coverage(g: nx.MultiDiGraph, reads: _Reads | None = None) -> list[ChainCoverage]:
    """Per park and per chain it develops (developsChain): each segment in chain order with
    the park's companies in it, their honours, its strength rating and the inputs behind it;
    the gap segments; and the chain's named leading (龙头) and up/downstream enterprises.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for n, c in [("p", "Park"), ("k", "IndustryChain"), ("s1", "ChainSegment"),
    ...              ("s2", "ChainSegment"), ("c", "Company")]:
    ...     g.add_node(n, cls=c, label=n)
    >>> for u, v, rel in [("p", "k", "developsChain"), ("k", "s1", "hasSegment"),
    ...                   ("k", "s2", "hasSegment"), ("s1", "s2", "upstreamOf"),
    ...                   ("c", "p", "locatedIn"), ("c", "s1", "inSegment"),
    ...                   ("c", "k", "leadingEnterpriseIn")]:
    ...     _ = g.add_edge(u, v, key=rel, relation=rel)
    >>> [cov] = chain_coverage(g)
    >>> [(s["id"], s["rating"], s["inputs"]["companies"]) for s in cov["segments"]], cov["gaps"]
    ([('s1', '潜力', 1), ('s2', '空白', 0)], ['s2'])
    """
    out: list[ChainCoverage] = []
    reads = reads or _Reads(g)
    parks = sorted(n for n in g if _cls(g, n) == "Park")
    for park in parks:
        chains = sorted({v for _u, v, _k in _facts(g, park, "developsChain")})
        if not chains:
            continue
        members = reads.park_companies(park)
        for chain in chains:
            leading = reads.named(chain, "leadingEnterpriseIn")
            supply = reads.named(chain, "supplyChainEnterpriseIn")
            segments = [_segment_report(reads, s, members, leading, order)
                        for order, s in enumerate(chain_segments(g, chain), 1)]
            placed = {c["id"] for s in segments for c in s["companies"]}
            named: list[NamedEnterprise] = [
                {"id": c, "label": _label(g, c),
                 "role": "leading" if c in leading else "supply",
                 "role_zh": "龙头企业" if c in leading else "上下游企业",
                 "in_park": c in members, "in_a_segment": c in placed,
                 "inferred": (leading.get(c) or supply[c])["inferred"]}
                for c in sorted(set(leading) | set(supply))]
            out.append({"park": park, "park_label": _label(g, park),
                        "chain": chain, "chain_label": _label(g, chain),
                        "segments": segments,
                        "gaps": [s["id"] for s in segments if s["rating_en"] == "gap"],
                        "named_enterprises": named})
    return out


def _chain_of(g: nx.MultiDiGraph, segment: str) -> str:
    chains = sorted(u for u, _v, _k in _facts(g, segment, "hasSegment", "in"))
    return chains[0] if chains else ""


def _via_text(route: Route) -> str:
    """How a company serves a segment, in words: 'inSegment' or 'makes <product>'."""
    first = route[0]
    text = "inSegment" if len(route) == 1 else f"makes {first['object_label']}"
    return text + (" (inferred)" if any(f["inferred"] for f in route) else "")


def key_enterprises(g: nx.MultiDiGraph, scores: dict[str, EntityScores] | None = None,
                    reads: _Reads | None = None) -> list[KeyEnterprise]:
    """Every company ranked by its key-enterprise score, with the breakdown (``SCORE_RULE``).

    `scores` is the output of :func:`centrality` (computed when not given).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for n, c in [("a", "Company"), ("b", "Company"), ("k", "IndustryChain")]:
    ...     g.add_node(n, cls=c, label=n)
    >>> g.add_node("h", cls="Honour", label="h", level="national")
    >>> _ = g.add_edge("a", "h", key="hasHonour", relation="hasHonour")
    >>> _ = g.add_edge("a", "k", key="leadingEnterpriseIn", relation="leadingEnterpriseIn")
    >>> _ = g.add_edge("b", "k", key="supplyChainEnterpriseIn", relation="supplyChainEnterpriseIn")
    >>> [(r["rank"], r["id"], r["score"], r["breakdown"]["honours"]["points"],
    ...   r["breakdown"]["leading"]["points"]) for r in key_enterprises(g)]
    [(1, 'a', 17.0, 3.0, 4), (2, 'b', 5.41, 0.0, 0)]
    """
    scores = centrality(g) if scores is None else scores
    reads = reads or _Reads(g)
    companies = sorted(n for n in g if _cls(g, n) == "Company")
    top = max((scores[c]["pagerank"] for c in companies), default=0.0)
    served: dict[str, dict[str, list[Route]]] = {}
    chain_of: dict[str, str] = {}  # once per segment: its in-edges are every company in it
    for s in sorted(n for n in g if _cls(g, n) == "ChainSegment"):
        chain_of[s] = _chain_of(g, s)
        for company, via in reads.segment_companies(s).items():
            served.setdefault(company, {})[s] = via
    parks: dict[str, list[str]] = {}
    for park in sorted(n for n in g if _cls(g, n) == "Park"):
        for company in reads.park_companies(park):
            parks.setdefault(company, []).append(park)
    rows: list[ScoredCompany] = []
    for c in companies:
        pagerank = scores[c]["pagerank"]
        position = round(POSITION_POINTS * pagerank / top, 2) if top else 0.0
        held = reads.honours(c)
        segments: list[SegmentServed] = [
            {"id": s, "label": _label(g, s), "chain": chain_of[s],
             "via": "; ".join(_via_text(r) for r in via), "inferred": _is_inferred(via)}
            for s, via in sorted(served.get(c, {}).items())]
        leads: dict[str, Fact] = {}
        for u, v, k in _facts(g, c, "leadingEnterpriseIn"):
            leads.setdefault(v, fact(g, u, v, k))
        leading: list[LeadingIn] = [
            {"id": v, "label": f["object_label"], "inferred": f["inferred"],
             "quote": f["quote"], "source": f["source"]} for v, f in sorted(leads.items())]
        honour_points = round(float(sum(h["points"] for h in held)), 2)
        breakdown: Breakdown = {
            "network_position": {"points": position, "pagerank": pagerank,
                                 "highest_company_pagerank": top,
                                 "degree": scores[c]["degree"],
                                 "betweenness": scores[c]["betweenness"]},
            "honours": {"points": honour_points, "items": held},
            "chain_segments": {"points": SEGMENT_POINTS * len(segments), "items": segments},
            "leading": {"points": LEADING_POINTS * len(leading), "items": leading},
        }
        inferred = ([f"segment {s['label']} ({s['id']})" for s in segments if s["inferred"]]
                    + [f"龙头 in {x['label']} ({x['id']})" for x in leading if x["inferred"]]
                    + [f"honour {h['label']} ({h['id']})" for h in held if h["inferred"]])
        parts = (breakdown["network_position"]["points"], breakdown["honours"]["points"],
                 breakdown["chain_segments"]["points"], breakdown["leading"]["points"])
        rows.append({"id": c, "label": _label(g, c), "parks": parks.get(c, []),
                     "score": round(sum(parts), 2), "breakdown": breakdown,
                     "inferred_inputs": inferred})
    rows.sort(key=lambda r: (-r["score"], r["id"]))
    return [{"rank": i, **r} for i, r in enumerate(rows, 1)]


def betweenness_method(nodes: int) -> str:
    """How betweenness was computed on a graph of `nodes` nodes, with its error bound.

    Examples
    --------
    >>> betweenness_method(10)
    'exact'
    >>> betweenness_method(100_000)
    'estimated from 500 sources, seed 42: each value within ±0.123 of exact (probability ≥ 95%)'
    """
    if nodes <= EXACT_BETWEENNESS_MAX:
        return "exact"
    bound = betweenness_bound(nodes, BETWEENNESS_SAMPLE)
    return (f"estimated from {BETWEENNESS_SAMPLE} sources, seed {SEED}: each value within "
            f"±{bound:.3f} of exact (probability ≥ {BOUND_CONFIDENCE:.0%})")


def analyze(g: nx.MultiDiGraph) -> Analysis:
    """The whole analysis of a projected graph as one JSON-ready dict.

    Keys: ``graph`` (sizes and how the measures were computed), ``rules``, ``centrality``
    (one entry per entity, highest PageRank first, with its community, component and core
    number), ``communities``, ``components``, ``k_core``, ``chains`` (:func:`chain_coverage`)
    and ``key_enterprises`` (:func:`key_enterprises`).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", cls="Company", label="甲"); g.add_node("b", cls="Park", label="乙")
    >>> _ = g.add_edge("a", "b", key="locatedIn", relation="locatedIn")
    >>> result = analyze(g)
    >>> print(" ".join(sorted(result)))
    centrality chains communities components graph k_core key_enterprises rules
    >>> [(e["id"], e["label"], e["community"], e["core_number"]) for e in result["centrality"]]
    [('a', '甲', 1, 1), ('b', '乙', 1, 1)]
    """
    e = engine_graph(g)
    scores = _centrality(e)
    groups = _communities(e)
    parts = _components(e)
    cores = _core_numbers(e)
    community_of = {n: i for i, m in enumerate(groups, 1) for n in m}
    component_of = {n: i for i, m in enumerate(parts, 1) for n in m}

    def entity(n: str) -> Entity:
        node = node_data(g, n)
        return {"id": n, "label": node.get("label", n), "label_en": node.get("label_en", ""),
                "class": node.get("cls", "")}

    def by_rank(members: list[str]) -> list[Entity]:
        return [entity(n) for n in sorted(members, key=lambda n: (-scores[n]["pagerank"], n))]

    per_entity: list[EntityRow] = [
        {**entity(n), **scores[n], "community": community_of[n],
         "component": component_of[n], "core_number": cores[n]}
        for n in sorted(g, key=lambda n: (-scores[n]["pagerank"], n))]
    max_core = max(cores.values(), default=0)
    reads = _Reads(g)
    return {
        "graph": {"nodes": g.number_of_nodes(), "facts": g.number_of_edges(),
                  "linked_pairs": e.graph.ecount(),
                  "measured_on": "the undirected simple graph: one edge per linked pair",
                  "communities": COMMUNITY_METHOD, "pagerank_alpha": PAGERANK_ALPHA,
                  "betweenness": betweenness_method(len(g))},
        "rules": {"strength": {v[0]: v[2] for v in STRENGTH.values()},
                  "strength_en": {v[1]: v[2] for v in STRENGTH.values()},
                  "anchor": ANCHOR_RULE, "key_enterprise_score": SCORE_RULE,
                  "park_membership": "locatedIn, settledIn or incubatedBy the park or a place "
                                     "inside it (partOf or locatedIn it, or a platform it "
                                     "buildsPlatform), recursively, or leadsProject a project "
                                     "locatedIn or partOf one of those"},
        "centrality": per_entity,
        "communities": [{"community": i, "size": len(m), "members": by_rank(m)}
                        for i, m in enumerate(groups, 1)],
        "components": [{"component": i, "size": len(m), "members": by_rank(m)}
                       for i, m in enumerate(parts, 1)],
        "k_core": {"max_core": max_core,
                   "members": by_rank([n for n, k in cores.items() if k == max_core])},
        "chains": chain_coverage(g, reads),
        "key_enterprises": key_enterprises(g, scores, reads),
    }
