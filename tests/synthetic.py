"""A large projected graph, shaped like `kg.graph.projection.project` output, for the large-graph tests.

Deterministic: no randomness, the same graph every call.
"""

from __future__ import annotations

import networkx as nx

from kg.graph.projection import relation_labels

SEGMENTS = 8  # the last two get no company: gaps
HONOURS = 12


def _node(g, ident, cls, label, **extra):
    g.add_node(ident, iri=f"urn:test:{ident}", id=ident, cls=cls, label=label, label_en="",
               aliases=[], quote=label, source="synthetic", **extra)


def _edge(g, u, v, relation, **qualifiers):
    zh, en = relation_labels(relation)
    attrs = dict(relation=relation, label=zh, label_en=en, statement=None, quote=f"{u} {v}",
                 source="synthetic", inferred=False, year=None, batch=None, rank=None, date=None,
                 role=None, specialty=None, stage=None, awarded_by=None, list=None)
    attrs.update(qualifiers)
    g.add_edge(u, v, key=relation, **attrs)


def synthetic_projection(companies: int = 1500) -> nx.MultiDiGraph:
    """Parks, a chain of `SEGMENTS` segments, honours, lists, bodies and `companies` companies;
    company 7 is called 晶睿电子."""
    g = nx.MultiDiGraph()
    for p in range(3):
        _node(g, f"park-{p}", "Park", f"园区{p}")
    for s in range(5):
        _node(g, f"platform-{s}", "Platform", f"平台{s}")
        _edge(g, f"platform-{s}", f"park-{s % 3}", "partOf")
    _node(g, "chain", "IndustryChain", "合成产业链")
    _edge(g, "park-0", "chain", "developsChain")
    for s in range(SEGMENTS):
        _node(g, f"seg-{s}", "ChainSegment", f"环节{s}")
        _edge(g, "chain", f"seg-{s}", "hasSegment")
        if s:
            _edge(g, f"seg-{s - 1}", f"seg-{s}", "upstreamOf")
    for b in range(3):
        _node(g, f"body-{b}", "PublicBody", f"机构{b}")
    for h in range(HONOURS):
        _node(g, f"honour-{h}", "Honour", f"荣誉{h}")
        if h < 4:
            _node(g, f"list-{h}", "HonourList", f"名单{h}")
            _edge(g, f"list-{h}", f"honour-{h}", "listOf", year=2020 + h)
            _edge(g, f"list-{h}", f"body-{h % 3}", "publishedBy")
    for i in range(companies):
        ident = f"co-{i:04d}"
        _node(g, ident, "Company", "晶睿电子" if i == 7 else f"企业{i:04d}")
        _edge(g, ident, f"park-{i % 3}" if i % 2 else f"platform-{i % 5}", "locatedIn")
        if i % 3 == 0 or i == 7:
            _edge(g, ident, f"seg-{i % (SEGMENTS - 2)}", "inSegment")
        if i % 50 == 0:
            _edge(g, ident, "chain", "leadingEnterpriseIn")
        if i % 4 == 3 or i == 7:
            h = i % HONOURS
            _edge(g, ident, f"honour-{h}", "hasHonour", year=2020 + i % 5 if h % 3 else None,
                  awarded_by=f"body-{h % 3}")
    return g
