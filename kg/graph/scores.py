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

import hashlib
from collections.abc import Callable, Iterator, Mapping

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kg import code
from kg.collector import collector_paused, memory_released
from kg.graph.analytics import DIGITS, analyze
from kg.graph.projection import NAMES_UNREAD
from kg.graph.records import Analysis, NodeData, all_nodes
from kg.rdf.adapter import as_rdflib_graph
from kg.rdf.export import turtle
from kg.rdf.mapping import RDF_TYPE, RDFS_LABEL, XSD_DECIMAL, XSD_INTEGER, en, ipk, zh

STRENGTH_INDIVIDUALS = {"strong": ipk("StrongSegment"), "potential": ipk("PotentialSegment"),
                        "weak": ipk("WeakSegment"), "gap": ipk("GapSegment")}

HEADER = b"""# Network analytics of kg.ttl, computed by `kg build` (kg/graph/analytics.py): centrality,
# communities, components, k-core, key-enterprise scores, derived park membership and chain
# segment assessments. Derived data, not source facts: the rules are in README.md, "Analytics".
# Load it together with kg.ttl.
"""

# N-Triples literals as `analytics_lines` writes them, to be filled with a number.
_INTEGER = f'"{{}}"^^<{XSD_INTEGER.value}>'
_DECIMAL = f'"{{:.{DIGITS}f}}"^^<{XSD_DECIMAL.value}>'


def analytics_lines(g: nx.MultiDiGraph, analysis: Analysis, base: str) -> list[str]:
    """The analysis as N-Triples lines over the IRIs of the projected entities, each once,
    sorted (as kg.nt's lines); segment assessments get IRIs under `base`, the base the graph
    was built with. Made as text: at province size, a million pyoxigraph triples cost seconds
    to make, hash and sort, their lines a fraction of that.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", cls="Company", label="甲", iri="http://x/company/a")
    >>> [line for line in analytics_lines(g, analyze(g), "http://x/") if "degree" in line]
    ['<http://x/company/a> <https://w3id.org/industrial-park-kg/ontology/degree> "0"^^<http://www.w3.org/2001/XMLSchema#integer> .\\n']
    """
    return _lines(dict(all_nodes(g)), analysis, base)


def _lines(nodes: Mapping[str, NodeData], analysis: Analysis, base: str) -> list[str]:
    """`analytics_lines` from the projected graph's nodes alone (id → attributes)."""
    lines: set[str] = set()
    iris: dict[str, str] = {}
    predicates: dict[str | ox.NamedNode, str] = {}

    def iri(n: str) -> str:
        if n not in iris:
            iris[n] = str(ox.NamedNode(nodes[n]["iri"]))
        return iris[n]

    def add(s: str, p: str | ox.NamedNode, o: str) -> None:
        if p not in predicates:
            predicates[p] = str(ipk(p) if isinstance(p, str) else p)
        lines.add(f"{s} {predicates[p]} {o} .\n")

    for e in analysis["centrality"]:
        s = iri(e["id"])
        add(s, "degree", _INTEGER.format(e["degree"]))
        add(s, "betweenness", _DECIMAL.format(e["betweenness"]))
        add(s, "pageRank", _DECIMAL.format(e["pagerank"]))
        add(s, "community", _INTEGER.format(e["community"]))
        add(s, "component", _INTEGER.format(e["component"]))
        add(s, "coreNumber", _INTEGER.format(e["core_number"]))
    for k in analysis["key_enterprises"]:
        s = iri(k["id"])
        add(s, "keyEnterpriseScore", _DECIMAL.format(k["score"]))
        add(s, "keyEnterpriseRank", _INTEGER.format(k["rank"]))
        for park in k["parks"]:
            add(s, "inPark", iri(park))
    for cov in analysis["chains"]:
        for seg in cov["segments"]:
            a = str(ox.NamedNode(f"{base}assessment/{cov['park']}--{seg['id']}"))
            add(a, RDF_TYPE, str(ipk("SegmentAssessment")))
            add(a, RDFS_LABEL, str(zh(f"{cov['park_label']}·{cov['chain_label']}·"
                                      f"{seg['label']}：{seg['rating']}")))
            add(a, "assessedPark", iri(cov["park"]))
            add(a, "assessedChain", iri(cov["chain"]))
            add(a, "assessedSegment", iri(seg["id"]))
            add(a, "strength", str(STRENGTH_INDIVIDUALS[seg["rating_en"]]))
            add(a, "companyCount", _INTEGER.format(seg["inputs"]["companies"]))
            add(a, "anchorCount", _INTEGER.format(seg["inputs"]["anchors"]))
            add(a, "inferredCount", _INTEGER.format(seg["inputs"]["inferred_memberships"]))
            names_en = [nodes[cov["park"]].get("label_en") or cov["park"],
                        nodes[cov["chain"]].get("label_en") or cov["chain"],
                        seg["label_en"] or seg["id"]]
            add(a, RDFS_LABEL, str(en(f"{' · '.join(names_en)}: {seg['rating_en']}")))
            for c in seg["companies"]:
                add(a, "segmentCompany", iri(c["id"]))
    # A line's order is its triple's (subject, predicate, object) order: a subject or a
    # predicate ends at its '>', which no IRI holds, and a space sorts before any term's end.
    return sorted(lines)


def analytics_triples(g: nx.MultiDiGraph, analysis: Analysis, base: str) -> list[ox.Triple]:
    """`analytics_lines` as pyoxigraph triples, in the same order."""
    return [quad.triple for quad in _parsed(analytics_lines(g, analysis, base))]


def _parsed(lines: list[str], chunk: int = 50_000) -> Iterator[ox.Quad]:
    """The lines' triples, parsed `chunk` lines at a time: a province's analytics are 1.5
    million lines, whose text joined whole took 0.6 GB more at once."""
    for at in range(0, len(lines), chunk):
        yield from ox.parse("".join(lines[at:at + chunk]).encode(),
                            format=ox.RdfFormat.N_TRIPLES)


def analytics_graph(g: nx.MultiDiGraph, analysis: Analysis, base: str) -> Graph:
    """`analytics_triples` as an rdflib Graph, for readers that want one.

    Examples
    --------
    >>> from rdflib import URIRef, XSD
    >>> from kg.rdf.namespace import IPK
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
    return as_rdflib_graph(analytics_triples(g, analysis, base))


def analytics_turtle(g: nx.MultiDiGraph, analysis: Analysis, base: str) -> bytes:
    """The analysis as Turtle bytes, with a header saying what it is. Same input, same bytes."""
    return HEADER + turtle(_parsed(analytics_lines(g, analysis, base)))


# Attributes of nodes and edges that analytics.ttl does not depend on (provenance, shown by the
# views and the report): a changed quote (and so statement IRI) or source leaves the key as it was.
PROVENANCE = ("quote", "source", "statement")
# Nor on the names of the entities of projection.NAMES_UNREAD classes (it names only the parks,
# chains and segments it assesses): a company or a product renamed leaves the key as it was.
NAMES = ("label", "label_en", "aliases")


def analytics_key(g: nx.MultiDiGraph, base: str) -> str:
    """What analytics.ttl is a function of: the projected graph (nodes and edges with their
    attributes but their PROVENANCE, and but the NAMES of entities of NAMES_UNREAD classes),
    the base and the code. Same key, same bytes.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", cls="Company", label="甲", iri="http://x/company/a")
    >>> g.add_node("p", cls="Park", label="园", iri="http://x/park/p")
    >>> _ = g.add_edge("a", "p", key="locatedIn", relation="locatedIn", quote="甲在园")
    >>> key = analytics_key(g, "http://x/")
    >>> g.edges["a", "p", "locatedIn"]["quote"] = "甲位于园"
    >>> analytics_key(g, "http://x/") == key
    True
    >>> g.nodes["a"]["label"] = "乙"  # a company: its name is in no assessment
    >>> analytics_key(g, "http://x/") == key
    True
    >>> g.nodes["p"]["label"] = "乙园"  # a park: its name is in its assessments
    >>> analytics_key(g, "http://x/") == key
    False
    """
    digest = hashlib.sha256(code.version() + base.encode())

    def kept(data: dict, unread: tuple[str, ...] = PROVENANCE) -> list:
        return sorted((a, x) for a, x in data.items() if a not in unread)

    for n, data in sorted(g.nodes(data=True)):
        digest.update(repr((n, kept(data, PROVENANCE + NAMES if data.get("cls") in NAMES_UNREAD
                                       else PROVENANCE))).encode())
    digest.update(b"\0edges")
    for u, v, k, data in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        digest.update(repr((u, v, k, kept(data))).encode())
    return digest.hexdigest()


@collector_paused()
def analytics_for(projected: Callable[[], nx.MultiDiGraph], base: str,
                  previous: Callable[[str], bytes | None] = lambda _key: None
                  ) -> tuple[bytes, str, bool]:
    """analytics.ttl's bytes for the graph `projected()` gives (kg.graph.projection), with
    their `analytics_key` and whether they were reused: `previous(key)` gives the bytes an
    earlier build made under the same key (or None), else the graph is analysed. Only its
    nodes stay while the analysis is written out as lines, and then the analysis goes too:
    a province's graph and analysis held 0.9 GB."""
    g = projected()
    key = analytics_key(g, base)
    reused = previous(key)
    if reused is not None:
        return reused, key, True
    analysis, nodes = analyze(g), dict(all_nodes(g))
    del g
    memory_released()  # the graph's cycles, and the heap's pages its objects held
    lines = _lines(nodes, analysis, base)
    del analysis, nodes
    memory_released()
    return HEADER + turtle(_parsed(lines)), key, False
