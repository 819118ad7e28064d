"""The project's own vocabulary, `ipk:`, as an rdflib DefinedNamespace; the prefix table
(`kg.rdf.prefixes`) is re-exported here.

`_fail = True` makes a misspelt term raise instead of minting a wrong IRI. A test checks that
this list and `ontology/ipk.ttl` declare the same terms.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

from kg.rdf.prefixes import ONTOLOGY_IRI, PREFIXES, bind_prefixes, curie

__all__ = ["IPK", "ONTOLOGY_IRI", "PREFIXES", "bind_prefixes", "curie"]


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
    Table: URIRef
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
    leadsProject: URIRef
    keyEnterpriseOf: URIRef
    incubatedBy: URIRef
    partner: URIRef
    developsChain: URIRef
    leadingEnterpriseIn: URIRef
    supplyChainEnterpriseIn: URIRef
    suppliesTo: URIRef
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
    legalName: URIRef
    creditCode: URIRef
    stockCode: URIRef
    region: URIRef
    sameAs: URIRef
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
    exchange: URIRef
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
    sheet: URIRef
    sourceRow: URIRef
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
