"""The project's own vocabulary, `ipk:`, as an rdflib DefinedNamespace, and the one prefix
table that every Turtle, TriG, JSON-LD and SPARQL text of the project uses.

`_fail = True` makes a misspelt term raise instead of minting a wrong IRI. A test checks that
this list and `ontology/ipk.ttl` declare the same terms.
"""

from typing import Protocol

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ONTOLOGY_IRI = "https://w3id.org/industrial-park-kg/ontology/"

# Prefix -> namespace IRI. The order is the order of bindings and of the SPARQL prologue.
PREFIXES: dict[str, str] = {
    "ipk": ONTOLOGY_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}


class _Binds(Protocol):
    def bind(self, prefix: str, namespace: str) -> object: ...


def bind_prefixes(graph: _Binds) -> None:
    """Bind every prefix of `PREFIXES` on an rdflib Graph or Dataset."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)


def curie(iri: str, prefixes: tuple[str, ...] = tuple(PREFIXES)) -> str:
    """`iri` as prefix:local with the first of `prefixes` whose namespace it starts with.

    >>> curie("https://w3id.org/industrial-park-kg/ontology/Company")
    'ipk:Company'
    >>> curie("http://www.w3.org/2004/02/skos/core#altLabel", ("ipk", "rdf"))
    'http://www.w3.org/2004/02/skos/core#altLabel'
    """
    for prefix in prefixes:
        if iri.startswith(PREFIXES[prefix]):
            return f"{prefix}:{iri[len(PREFIXES[prefix]):]}"
    return iri


class IPK(DefinedNamespace):
    _fail = True
    _NS = Namespace(ONTOLOGY_IRI)

    # Classes
    Park: URIRef
    Site: URIRef
    Platform: URIRef
    IndustrialBase: URIRef
    Company: URIRef
    EnterpriseGroup: URIRef
    PublicBody: URIRef
    ResearchInstitute: URIRef
    Person: URIRef
    IndustryChain: URIRef
    ChainSegment: URIRef
    Industry: URIRef
    ApplicationField: URIRef
    IndustryCluster: URIRef
    Honour: URIRef
    HonourList: URIRef
    Product: URIRef
    Technology: URIRef
    Brand: URIRef
    MarketRegion: URIRef
    Project: URIRef
    Meeting: URIRef
    Policy: URIRef
    Initiative: URIRef
    NewspaperPage: URIRef
    Article: URIRef
    Quantity: URIRef
    Stage: URIRef
    Unit: URIRef
    Approximation: URIRef
    HonourLevel: URIRef

    # Properties
    partOf: URIRef
    administers: URIRef
    holdsPostIn: URIRef
    locatedIn: URIRef
    settledIn: URIRef
    groupCore: URIRef
    linksCompany: URIRef
    introducedProject: URIRef
    keyEnterpriseOf: URIRef
    incubatedBy: URIRef
    partner: URIRef
    developsChain: URIRef
    leadingEnterpriseIn: URIRef
    supplyChainEnterpriseIn: URIRef
    inSegment: URIRef
    leadingIndustry: URIRef
    hasCluster: URIRef
    participatesInCluster: URIRef
    clusterIndustry: URIRef
    focusesOn: URIRef
    involvesIndustry: URIRef
    buildsPlatform: URIRef
    aimsToBuild: URIRef
    pioneered: URIRef
    appliesInitiative: URIRef
    makes: URIRef
    hasBrand: URIRef
    exportsTo: URIRef
    hasTechnology: URIRef
    appliedIn: URIRef
    businessScope: URIRef
    hasHonour: URIRef
    publishedBy: URIRef
    listOf: URIRef
    supportsHonour: URIRef
    reachedStage: URIRef
    constructionContent: URIRef
    hasFacility: URIRef
    openedIn: URIRef
    heldBy: URIRef
    chairedBy: URIRef
    conveys: URIRef
    deploys: URIRef
    validFrom: URIRef
    validUntil: URIRef
    characteristic: URIRef
    goal: URIRef
    enterpriseCount: URIRef
    projectCount: URIRef
    totalInvestment: URIRef
    floorArea: URIRef
    buildingCount: URIRef
    nationalCapacityShare: URIRef
    nationalMarketShare: URIRef
    exportShare: URIRef
    thermalEfficiency: URIRef
    honouredEnterpriseCount: URIRef
    residentEnterpriseCount: URIRef
    graduatedEnterpriseCount: URIRef
    patentIntensiveFilingCount: URIRef
    patentIntensiveFilingEnterpriseCount: URIRef
    patentIntensiveRecognisedCount: URIRef
    microEnterpriseParkCount: URIRef
    leadingIndustryCount: URIRef
    clusterSelectionCount: URIRef
    productCount: URIRef
    batchCount: URIRef
    hasFigure: URIRef
    quote: URIRef
    level: URIRef
    hasSegment: URIRef
    segmentOrder: URIRef
    upstreamOf: URIRef
    year: URIRef
    date: URIRef
    batch: URIRef
    stage: URIRef
    awardedBy: URIRef
    inList: URIRef
    role: URIRef
    specialty: URIRef
    rank: URIRef
    scope: URIRef
    countsHoldersOf: URIRef
    asOf: URIRef
    inferred: URIRef
    inferenceNote: URIRef
    amount: URIRef
    unit: URIRef
    unitText: URIRef
    approximation: URIRef
    normalizedAmount: URIRef
    normalizedUnit: URIRef
    sourceFile: URIRef
    byline: URIRef
    correspondent: URIRef
    lineStart: URIRef
    lineEnd: URIRef
    inferredYear: URIRef
    subtitle: URIRef
    kicker: URIRef

    # Individuals: stages, approximations, units, honour levels
    Proposed: URIRef
    Publicised: URIRef
    Published: URIRef
    Recognised: URIRef
    CompletionAccepted: URIRef
    Graduated: URIRef
    Aim: URIRef
    Exactly: URIRef
    About: URIRef
    MoreThan: URIRef
    OrMore: URIRef
    UpTo: URIRef
    Percent: URIRef
    HundredMillionYuan: URIRef
    TenThousandSquareMetres: URIRef
    Enterprise: URIRef
    Item: URIRef
    Entry: URIRef
    Building: URIRef
    Batch: URIRef
    NationalLevel: URIRef
    ProvincialLevel: URIRef
    MunicipalLevel: URIRef

    # Network analytics (exports/analytics.ttl): derived, not stated by a source
    SegmentAssessment: URIRef
    SegmentStrength: URIRef
    degree: URIRef
    betweenness: URIRef
    pageRank: URIRef
    community: URIRef
    component: URIRef
    coreNumber: URIRef
    keyEnterpriseScore: URIRef
    keyEnterpriseRank: URIRef
    inPark: URIRef
    assessedPark: URIRef
    assessedChain: URIRef
    assessedSegment: URIRef
    strength: URIRef
    segmentCompany: URIRef
    companyCount: URIRef
    anchorCount: URIRef
    inferredCount: URIRef
    StrongSegment: URIRef
    PotentialSegment: URIRef
    WeakSegment: URIRef
    GapSegment: URIRef
