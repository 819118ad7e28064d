"""The scores of `kg.graph.analytics.analyze` as RDF, written to exports/analytics.ttl by `kg build`.

Kept out of kg.ttl on purpose: kg.ttl holds what the sources say, analytics.ttl what we
computed from it. Load both to ask, for example, for the companies with the highest
PageRank in a park (README, "Analytics"). What it holds:

- on every entity: ``ipk:degree``, ``ipk:betweenness``, ``ipk:pageRank``, ``ipk:community``,
  ``ipk:component``, ``ipk:coreNumber``;
- on every company: ``ipk:keyEnterpriseScore`` and ``ipk:keyEnterpriseRank``, and
  ``ipk:inPark`` for each park it belongs to (the membership rule of kg.graph.analytics);
- per park, chain and segment: an ``ipk:SegmentAssessment`` with its ``ipk:strength``
  (``ipk:StrongSegment`` 优势 … ``ipk:GapSegment`` 空白), counts and companies.
"""

from __future__ import annotations

from decimal import Decimal

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.graph.analytics import DIGITS, analyze
from kg.graph.records import Analysis, node_data
from kg.rdf.namespace import IPK, bind_prefixes
from kg.graph.projection import project

STRENGTH_INDIVIDUALS = {"strong": IPK.StrongSegment, "potential": IPK.PotentialSegment,
                        "weak": IPK.WeakSegment, "gap": IPK.GapSegment}

HEADER = """# Network analytics of kg.ttl, computed by `kg build` (kg/analytics.py): centrality,
# communities, components, k-core, key-enterprise scores, derived park membership and chain
# segment assessments. Derived data, not source facts: the rules are in README.md, "Analytics".
# Load it together with kg.ttl.
"""


def _decimal(x: float) -> Literal:
    return Literal(Decimal(f"{x:.{DIGITS}f}"), datatype=XSD.decimal)


def _int(x: int) -> Literal:
    return Literal(int(x), datatype=XSD.integer)


def analytics_graph(g: nx.MultiDiGraph, analysis: Analysis, base: str) -> Graph:
    """The analysis as an rdflib Graph over the IRIs of the projected entities; segment
    assessments get IRIs under `base`, the base the graph was built with.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", cls="Company", label="甲", iri="http://x/company/a")
    >>> g.add_node("p", cls="Park", label="园", iri="http://x/park/p")
    >>> _ = g.add_edge("a", "p", key="locatedIn", relation="locatedIn")
    >>> rdf = analytics_graph(g, analyze(g), "http://x/")
    >>> score = rdf.value(URIRef("http://x/company/a"), IPK.pageRank)
    >>> str(score), score.datatype == XSD.decimal
    ('0.500000', True)
    >>> (URIRef("http://x/company/a"), IPK.inPark, URIRef("http://x/park/p")) in rdf
    True
    """
    triples: set[tuple[URIRef, URIRef, URIRef | Literal]] = set()

    def iri(n: str) -> URIRef:
        return URIRef(node_data(g, n)["iri"])

    for e in analysis["centrality"]:
        s = iri(e["id"])
        triples |= {(s, IPK.degree, _int(e["degree"])),
                    (s, IPK.betweenness, _decimal(e["betweenness"])),
                    (s, IPK.pageRank, _decimal(e["pagerank"])),
                    (s, IPK.community, _int(e["community"])),
                    (s, IPK.component, _int(e["component"])),
                    (s, IPK.coreNumber, _int(e["core_number"]))}
    for k in analysis["key_enterprises"]:
        s = iri(k["id"])
        triples |= {(s, IPK.keyEnterpriseScore, _decimal(k["score"])),
                    (s, IPK.keyEnterpriseRank, _int(k["rank"]))}
        triples |= {(s, IPK.inPark, iri(p)) for p in k["parks"]}
    for cov in analysis["chains"]:
        for seg in cov["segments"]:
            a = URIRef(f"{base}assessment/{cov['park']}--{seg['id']}")
            triples |= {
                (a, RDF.type, IPK.SegmentAssessment),
                (a, RDFS.label, Literal(f"{cov['park_label']}·{cov['chain_label']}·"
                                        f"{seg['label']}：{seg['rating']}", lang="zh")),
                (a, IPK.assessedPark, iri(cov["park"])),
                (a, IPK.assessedChain, iri(cov["chain"])),
                (a, IPK.assessedSegment, iri(seg["id"])),
                (a, IPK.strength, STRENGTH_INDIVIDUALS[seg["rating_en"]]),
                (a, IPK.companyCount, _int(seg["inputs"]["companies"])),
                (a, IPK.anchorCount, _int(seg["inputs"]["anchors"])),
                (a, IPK.inferredCount, _int(seg["inputs"]["inferred_memberships"])),
            }
            names_en = [node_data(g, cov["park"]).get("label_en") or cov["park"],
                        node_data(g, cov["chain"]).get("label_en") or cov["chain"],
                        seg["label_en"] or seg["id"]]
            triples.add((a, RDFS.label, Literal(f"{' · '.join(names_en)}: {seg['rating_en']}",
                                                lang="en")))
            triples |= {(a, IPK.segmentCompany, iri(c["id"])) for c in seg["companies"]}
    out = Graph()
    bind_prefixes(out)
    for triple in sorted(triples):
        out.add(triple)
    return out


def analytics_turtle(g: nx.MultiDiGraph, analysis: Analysis, base: str) -> bytes:
    """The analysis as Turtle bytes, with a header saying what it is. Same input, same bytes."""
    body = analytics_graph(g, analysis, base).serialize(format="turtle")
    return (HEADER + body).encode("utf-8")


def analytics_for(store: ox.Store, base: str) -> bytes:
    """Project a built graph, analyse it, and return analytics.ttl's bytes."""
    g = project(store)
    return analytics_turtle(g, analyze(g), base)
