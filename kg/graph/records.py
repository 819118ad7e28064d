"""The shapes of the projection's attributes and of the analysis, as TypedDicts.

networkx keeps node and edge attributes in plain dicts, and the analysis is JSON; TypedDicts
are plain dicts at run time, so typing them changes no output, while mypy checks every key
path that reads them. networkx itself is untyped: the accessors at the end of this module
are the one place its data is taken to have these shapes.

The projection (`kg.graph.projection.project`) writes every key of `NodeData` and `EdgeData`;
graphs built by hand (doctests, tests) may hold fewer, which is why readers use ``.get`` with
a default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypedDict, cast

import networkx as nx

# -- The projection ------------------------------------------------------------------------------


class NodeData(TypedDict):
    """The attributes of an entity node."""

    iri: str
    id: str
    cls: str  # class local name, e.g. Company
    label: str  # zh; the id when the entity has none
    label_en: str  # "" when none
    aliases: list[str]
    quote: str
    source: str  # article id
    level: str  # an honour's level key (national, provincial, municipal), else ""


class Qualifiers(TypedDict):
    """One key per statement qualifier of `kg.seeds.schema.EDGE_QUALIFIERS`, in its order
    (tests/test_types.py checks the two agree): an int for years and whole numbers, the local
    name for entities and stages, else the text; None when the fact does not say."""

    year: int | None
    date: str | None
    batch: int | None
    rank: int | None
    stage: str | None
    role: str | None
    specialty: str | None
    awarded_by: str | None
    list: str | None  # last: a key named "list" hides the builtin from later annotations


class EdgeData(Qualifiers):
    """The attributes of a fact edge (and of the chain-structure edges, whose statement is
    None and whose qualifiers are all None)."""

    relation: str
    label: str  # the relation's zh label
    label_en: str
    statement: str | None  # the statement node's IRI
    quote: str
    source: str  # article id
    inferred: bool


# -- Facts and the analysis (kg.graph.analytics) --------------------------------------------------


class Fact(TypedDict):
    """One projected fact u → v, with the labels of both ends (`kg.graph.analytics.fact`)."""

    subject: str
    subject_label: str
    relation: str
    label: str
    label_en: str
    object: str
    object_label: str
    year: int | None
    stage: str | None
    inferred: bool
    quote: str
    source: str


Route = list[Fact]  # facts that lead from a company to a park or a segment


class Honour(TypedDict):
    """An honour a company holds, with the points it earns (`kg.graph.analytics.honours`)."""

    id: str
    label: str
    level: str
    year: int | None  # the latest year any of its facts gives
    stage: str | None  # one stage, several joined with ", ", or None
    final: bool
    inferred: bool
    points: float


class SegmentCompany(TypedDict):
    """A park's company in a chain segment, with the routes that put it in both."""

    id: str
    label: str
    segment_via: list[Route]
    park_via: list[Route]
    inferred: bool
    leading: bool
    national_honour: bool
    anchor: bool
    honours: list[Honour]


class SegmentInputs(TypedDict):
    companies: int
    anchors: int
    inferred_memberships: int


class SegmentReport(TypedDict):
    """One segment of a chain in a park: its rating and what the rating rests on."""

    id: str
    label: str
    label_en: str
    rating: str  # zh, a value of analytics.STRENGTH
    rating_en: str  # a key of analytics.STRENGTH
    rule: str
    inputs: SegmentInputs
    companies: list[SegmentCompany]
    order: int  # 1 = most upstream


class NamedEnterprise(TypedDict):
    """A company the sources name as a chain's leading (龙头) or up/downstream enterprise."""

    id: str
    label: str
    role: str  # leading or supply
    role_zh: str
    in_park: bool
    in_a_segment: bool
    inferred: bool


class ChainCoverage(TypedDict):
    """A chain a park develops, segment by segment (`kg.graph.analytics.chain_coverage`)."""

    park: str
    park_label: str
    chain: str
    chain_label: str
    segments: list[SegmentReport]
    gaps: list[str]  # segment ids
    named_enterprises: list[NamedEnterprise]


class NetworkPosition(TypedDict):
    points: float
    pagerank: float
    highest_company_pagerank: float
    degree: int
    betweenness: float


class HonourPoints(TypedDict):
    points: float
    items: list[Honour]


class SegmentServed(TypedDict):
    id: str
    label: str
    chain: str  # "" when no chain has the segment
    via: str  # in words, e.g. "makes 芯片 (inferred)"
    inferred: bool


class SegmentPoints(TypedDict):
    points: int
    items: list[SegmentServed]


class LeadingIn(TypedDict):
    """A leadingEnterpriseIn fact of a company: the chain, industry or platform it leads."""

    id: str
    label: str
    inferred: bool
    quote: str
    source: str


class LeadingPoints(TypedDict):
    points: int
    items: list[LeadingIn]


class Breakdown(TypedDict):
    """The four parts that add up to a key-enterprise score."""

    network_position: NetworkPosition
    honours: HonourPoints
    chain_segments: SegmentPoints
    leading: LeadingPoints


class ScoredCompany(TypedDict):
    """A company's key-enterprise score before it is ranked."""

    id: str
    label: str
    parks: list[str]
    score: float
    breakdown: Breakdown
    inferred_inputs: list[str]  # what the score rests on that the sources only imply


class KeyEnterprise(ScoredCompany):
    """A ranked company (`kg.graph.analytics.key_enterprises`); in JSON, rank comes first."""

    rank: int


class EntityScores(TypedDict):
    """The centrality of one node (`kg.graph.analytics.centrality`)."""

    degree: int
    degree_centrality: float
    betweenness: float
    pagerank: float


# "class" is a keyword, so this one is declared the functional way.
Entity = TypedDict("Entity", {"id": str, "label": str, "label_en": str, "class": str})


class EntityRow(Entity, EntityScores):
    """An entity with its scores and the groups it falls in: a row of ``centrality``."""

    community: int
    component: int
    core_number: int


class Community(TypedDict):
    community: int
    size: int
    members: list[Entity]  # highest PageRank first


class Component(TypedDict):
    component: int
    size: int
    members: list[Entity]


class KCore(TypedDict):
    max_core: int
    members: list[Entity]


class GraphInfo(TypedDict):
    """Sizes of the graph and how the measures were computed."""

    nodes: int
    facts: int
    linked_pairs: int
    measured_on: str
    communities: str  # how they were found
    pagerank_alpha: float
    betweenness: str


class Rules(TypedDict):
    strength: dict[str, str]  # rating (zh) -> rule
    strength_en: dict[str, str]
    anchor: str
    key_enterprise_score: str
    park_membership: str


class Analysis(TypedDict):
    """The whole analysis (`kg.graph.analytics.analyze`): what `kg analyze --format json`
    prints, and what the reports and analytics.ttl are made from."""

    graph: GraphInfo
    rules: Rules
    centrality: list[EntityRow]
    communities: list[Community]
    components: list[Component]
    k_core: KCore
    chains: list[ChainCoverage]
    key_enterprises: list[KeyEnterprise]


# -- Typed access to the projection ---------------------------------------------------------------
# networkx is untyped; these say what the projection put there.


def node_data(g: nx.Graph, n: str) -> NodeData:
    return cast(NodeData, g.nodes[n])


def edge_data(g: nx.MultiDiGraph, u: str, v: str, key: str) -> EdgeData:
    return cast(EdgeData, g.edges[u, v, key])


def qualifier_value(d: EdgeData, key: str) -> int | str | None:
    """The qualifier named `key` (a key of `Qualifiers`) of an edge, None when not given."""
    return cast("Mapping[str, int | str | None]", d).get(key)


def all_nodes(g: nx.Graph) -> Iterable[tuple[str, NodeData]]:
    return cast("Iterable[tuple[str, NodeData]]", g.nodes(data=True))


def all_edges(g: nx.MultiDiGraph) -> Iterable[tuple[str, str, str, EdgeData]]:
    """Every edge: (u, v, key, attributes)."""
    return cast("Iterable[tuple[str, str, str, EdgeData]]", g.edges(keys=True, data=True))


def in_edges(g: nx.MultiDiGraph, n: str) -> Iterable[tuple[str, str, EdgeData]]:
    """The edges into `n`: (u, n, attributes)."""
    return cast("Iterable[tuple[str, str, EdgeData]]", g.in_edges(n, data=True))


def out_edges(g: nx.MultiDiGraph, n: str) -> Iterable[tuple[str, str, EdgeData]]:
    """The edges out of `n`: (n, v, attributes)."""
    return cast("Iterable[tuple[str, str, EdgeData]]", g.out_edges(n, data=True))
