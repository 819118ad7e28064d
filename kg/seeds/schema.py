"""What the seeds may say: entity types, relations, qualifiers, units.

This table is the contract between the YAML layer and the ontology. The loader checks
seeds against it; the mapper turns it into RDF terms; a test proves that `ontology/`
declares every class and property named here, with the same domains and ranges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, NamedTuple

from kg.seeds.kinds import ENTITY_TYPES, ID_PATTERN  # noqa: F401  (re-exported: the schema names both)

# `row` only with a table source: the row whose cell the quote is (kg.seeds.sheets numbering).
ENTITY_KEYS = {"id", "type", "label", "label_en", "aliases", "aliases_en", "note",
               "source", "quote", "row"}


ORGANISATIONS = ("Company", "EnterpriseGroup", "PublicBody", "ResearchInstitute")
PLACES = ("Park", "Site", "Platform", "IndustrialBase")


@dataclass(frozen=True)
class Relation:
    """One relation the seeds may state.

    `range` is a tuple of entity types, or one of the literal kinds
    "text", "year", "quantity", "stage", "code", "iri".
    """

    name: str
    domain: tuple[str, ...]
    range: tuple[str, ...] | ValueKind | Literal["quantity"]
    qualifiers: frozenset[str] = field(default_factory=frozenset)
    label_zh: str = ""
    label_en: str = ""
    figure: bool = False  # a sub-property of ipk:hasFigure (range is a Quantity node)

    @property
    def literal(self) -> bool:
        return isinstance(self.range, str)

    @property
    def value_kind(self) -> ValueKind:
        """The kind of a literal relation's `value:`; a ValueError for the other relations."""
        if isinstance(self.range, tuple) or self.range == "quantity":
            raise ValueError(f"'{self.name}' takes an object or a quantity, not a value")
        return self.range


# A qualifier's (or a literal relation's) kind of value: in the seeds -> in RDF.
#   year     a whole number 1900-2100 -> xsd:gYear
#   integer  a whole number from 1 -> xsd:integer
#   date     "YYYY-MM" or "YYYY-MM-DD" -> xsd:gYearMonth or xsd:date
#   text     text -> a @zh literal
#   entity   the id of an entity of one of the qualifier's `refs` types -> its IRI
#   stage    a key of STAGES -> its ipk:Stage individual
#   code     an identifier as printed (letters, digits, - . /) -> a plain xsd:string literal
#   exchange a key of EXCHANGES (an ISO 10383 MIC) -> a plain xsd:string literal
#   iri      an absolute http(s) IRI of a record elsewhere -> that IRI (never fetched)
ValueKind = Literal["year", "integer", "date", "text", "entity", "stage", "code", "exchange",
                    "iri"]


@dataclass(frozen=True)
class Qualifier:
    """One qualifier a fact may carry: a row of `QUALIFIERS`.

    The loader checks the value by `kind`, the mapper writes it with the ipk: property `prop`
    on the fact's statement node (or, `on="quantity"`, on its figure's Quantity node), and
    the projection and graph files carry statement qualifiers as edge attributes named `key`.
    A test proves that ontology/ipk.ttl declares `prop` with these labels and that
    ontology/shapes.ttl constrains it.
    """

    key: str  # the YAML key, also the projection's edge attribute
    prop: str  # ipk: property local name
    kind: ValueKind
    zh: str
    en: str
    refs: tuple[str, ...] = ()  # kind "entity": the entity types the id may name
    on: Literal["statement", "quantity"] = "statement"

    @property
    def integer(self) -> bool:
        """An int in the seeds and the projection (GraphML/GEXF "long", Neo4j "int")."""
        return self.kind in ("year", "integer")

    @property
    def node(self) -> bool:
        """An IRI in RDF (an entity or a stage); the projection keeps its local name."""
        return self.kind in ("entity", "stage")


# The order is the order of the projection's edge attributes and the graph files' columns.
QUALIFIERS: dict[str, Qualifier] = {q.key: q for q in [
    Qualifier("year", "year", "year", "年份", "year"),
    Qualifier("date", "date", "date", "日期", "date"),
    Qualifier("batch", "batch", "integer", "批次", "batch"),
    Qualifier("rank", "rank", "integer", "位次", "rank"),
    Qualifier("stage", "stage", "stage", "所处阶段", "at stage"),
    Qualifier("role", "role", "text", "角色", "role"),
    Qualifier("specialty", "specialty", "text", "特色领域", "specialty"),
    Qualifier("awarded_by", "awardedBy", "entity", "授予机构", "awarded by", ("PublicBody",)),
    Qualifier("list", "inList", "entity", "所在名单", "in list", ("HonourList",)),
    Qualifier("exchange", "exchange", "exchange", "交易所", "exchange"),
    Qualifier("scope", "scope", "text", "统计范围", "scope", on="quantity"),
    Qualifier("honour", "countsHoldersOf", "entity", "统计荣誉", "counts holders of",
              ("Honour",), on="quantity"),
    Qualifier("as_of", "asOf", "text", "统计时点", "as of", on="quantity"),
]}
STATEMENT_QUALIFIERS: tuple[Qualifier, ...] = tuple(
    q for q in QUALIFIERS.values() if q.on == "statement")
FIGURE_QUALIFIERS: tuple[Qualifier, ...] = tuple(
    q for q in QUALIFIERS.values() if q.on == "quantity")

Q_TIME = frozenset({"year", "date"})
Q_HONOUR = Q_TIME | {"batch", "stage", "awarded_by", "list"}
Q_FIGURE = frozenset(q.key for q in FIGURE_QUALIFIERS)


def _rel(name: str, domain: Iterable[str],
         range_: list[str] | tuple[str, ...] | ValueKind | Literal["quantity"],
         qualifiers: Iterable[str] = (), zh: str = "", en: str = "",
         figure: bool = False) -> Relation:
    return Relation(name, tuple(domain), range_ if isinstance(range_, str) else tuple(range_),
                    frozenset(qualifiers), zh, en, figure)


_RELATIONS = [
    # Structure and organisation
    _rel("partOf", ["Park", "Site", "Platform", "IndustryCluster", "Project"],
         ["Park", "Platform", "IndustryCluster"], zh="隶属于", en="part of"),
    _rel("administers", ["PublicBody"], ["Park"], zh="管理", en="administers"),
    _rel("holdsPostIn", ["Person"], ["PublicBody"], {"role"}, zh="任职于", en="holds post in"),
    _rel("locatedIn", ["Company", "Project", "Park", "Site", "Platform"],
         ["Park", "Site", "Platform"], Q_TIME, zh="位于", en="located in"),
    _rel("settledIn", ["Company"], ["Park"], Q_TIME, zh="落户", en="settled in"),
    _rel("groupCore", ["EnterpriseGroup"], ["Company"], zh="核心企业", en="core company"),
    _rel("linksCompany", ["Park", "Platform"], ["Company", "EnterpriseGroup"],
         zh="链接企业", en="links company"),
    _rel("introducedProject", ["Park"], ["Project"], zh="引进", en="introduced"),
    _rel("leadsProject", ["Company"], ["Project"], zh="牵头项目", en="leads project"),
    _rel("keyEnterpriseOf", ["Company"], ["Platform", "Park"], zh="重点企业", en="key enterprise of"),
    _rel("incubatedBy", ["Company"], ["Park"], {"stage"}, zh="孵化于", en="incubated by"),
    _rel("partner", ["Park", "Platform"], ORGANISATIONS, zh="合作方", en="partner"),
    # Chains, industries, clusters
    _rel("developsChain", ["Park", "IndustryCluster"], ["IndustryChain"],
         zh="培育产业链", en="develops chain"),
    _rel("leadingEnterpriseIn", ["Company"], ["IndustryChain", "Industry", "Platform"],
         zh="龙头企业", en="leading enterprise in"),
    _rel("supplyChainEnterpriseIn", ["Company"], ["IndustryChain"],
         zh="上下游企业", en="upstream or downstream enterprise in"),
    _rel("suppliesTo", ["Company"], ["Company"], zh="供应配套", en="supplies"),
    _rel("inSegment", ["Company", "Product"], ["ChainSegment"], zh="所属环节", en="in segment"),
    _rel("leadingIndustry", ["Park"], ["Industry"], {"rank"}, zh="主导产业", en="leading industry"),
    _rel("hasCluster", ["Park"], ["IndustryCluster"], zh="产业集群", en="has cluster"),
    _rel("participatesInCluster", ["Park"], ["IndustryCluster"],
         Q_HONOUR | {"role", "specialty"}, zh="入选集群", en="participates in cluster"),
    _rel("clusterIndustry", ["IndustryCluster"], ["Industry"], zh="集群产业", en="cluster industry"),
    _rel("focusesOn", ["IndustryCluster", "Park", "Platform", "Policy"],
         ["Industry", "ApplicationField", "ChainSegment", "Initiative"], zh="聚焦",
         en="focuses on"),
    _rel("involvesIndustry", ["Park", "Company"], ["Industry"], zh="涉及产业领域",
         en="involves industry"),
    _rel("buildsPlatform", ["Park"], ["Platform"], zh="建设平台", en="builds platform"),
    _rel("aimsToBuild", ["Park"], ["IndustrialBase", "Platform"], {"stage"}, zh="致力打造",
         en="aims to build"),
    _rel("pioneered", ["Park"], ["Initiative"], zh="首创", en="pioneered"),
    _rel("appliesInitiative", ["Park", "IndustryChain", "Platform", "Meeting"], ["Initiative"],
         zh="实施", en="applies initiative"),
    # Companies and products
    _rel("makes", ["Company"], ["Product"], zh="生产", en="makes"),
    _rel("hasBrand", ["Company"], ["Brand"], zh="品牌", en="has brand"),
    _rel("exportsTo", ["Company", "Product"], ["MarketRegion"], zh="出口到", en="exports to"),
    _rel("hasTechnology", ["Company", "Product"], ["Technology"], zh="掌握技术", en="has technology"),
    _rel("appliedIn", ["Product"], ["ApplicationField"], zh="应用于", en="applied in"),
    _rel("businessScope", ["Company"], "text", zh="经营范围", en="business scope"),
    # Identity: only what a source states about who an organisation is
    _rel("legalName", ORGANISATIONS, "text", zh="登记名称", en="registered name"),
    _rel("creditCode", ORGANISATIONS, "code", zh="统一社会信用代码", en="unified social credit code"),
    _rel("stockCode", ["Company", "EnterpriseGroup"], "code", {"exchange"}, zh="证券代码",
         en="stock code"),
    _rel("region", ORGANISATIONS, "text", zh="所在行政区", en="administrative region"),
    _rel("sameAs", ORGANISATIONS, "iri", zh="外部记录", en="same as record"),
    # Honours
    _rel("hasHonour", ["Company", "Park", "Product", "IndustryChain"], ["Honour"], Q_HONOUR,
         zh="获得荣誉", en="has honour"),
    _rel("publishedBy", ["HonourList", "Policy"], ["PublicBody"], Q_TIME | {"stage"},
         zh="发布机构", en="published by"),
    _rel("listOf", ["HonourList"], ["Honour"], {"batch", "year"}, zh="名单荣誉", en="list of"),
    _rel("supportsHonour", ["Policy"], ["Honour"], zh="支持对象", en="supports honour holders"),
    # Projects, meetings, policies
    _rel("reachedStage", ["Project"], "stage", Q_TIME, zh="项目阶段", en="reached stage"),
    _rel("constructionContent", ["Project"], "text", zh="建设内容", en="construction content"),
    _rel("hasFacility", ["Park", "Project"], "text", zh="配套设施", en="has facility"),
    _rel("openedIn", ["Park"], "year", zh="开园年份", en="opened in"),
    _rel("heldBy", ["Meeting"], ["PublicBody"], zh="召开机构", en="held by"),
    _rel("chairedBy", ["Meeting"], ["Person"], {"role"}, zh="主持人", en="chaired by"),
    _rel("conveys", ["Meeting"], ["Meeting"], zh="传达学习", en="conveys"),
    _rel("deploys", ["Meeting", "Policy"], ["Initiative"], zh="部署", en="deploys"),
    _rel("validFrom", ["Policy"], "year", zh="起始年份", en="valid from"),
    _rel("validUntil", ["Policy"], "year", zh="截止年份", en="valid until"),
    _rel("characteristic", list(ENTITY_TYPES), "text", zh="特点", en="characteristic"),
    _rel("goal", list(ENTITY_TYPES), "text", zh="目标", en="goal"),
]

# What kind of figure a relation holds decides the units it takes.
FIGURE_KINDS = {
    "count": ("家", "个", "项", "幢", "批"),
    "share": ("%",),  # a share of a whole: 0-100
    "ratio": ("%",),  # a percentage that may pass 100 (thermal efficiency)
    "money": ("亿元",),
    "area": ("万平方米",),
}

_FIGURES = [
    ("enterpriseCount", "count", "企业数量", "number of enterprises"),
    ("projectCount", "count", "项目数量", "number of projects"),
    ("totalInvestment", "money", "总投资", "total investment"),
    ("floorArea", "area", "建筑面积", "floor area"),
    ("buildingCount", "count", "单体建筑数量", "number of buildings"),
    ("nationalCapacityShare", "share", "全国产能占比", "share of national capacity"),
    ("nationalMarketShare", "share", "全国市场份额", "share of national market"),
    ("exportShare", "share", "出口占比", "export share"),
    ("thermalEfficiency", "ratio", "热效率", "thermal efficiency"),
    ("honouredEnterpriseCount", "count", "获评企业数量", "number of honoured enterprises"),
    ("residentEnterpriseCount", "count", "入园企业数量", "number of resident enterprises"),
    ("graduatedEnterpriseCount", "count", "毕业企业数量", "number of graduated enterprises"),
    ("patentIntensiveFilingCount", "count", "专利密集型产品备案数",
     "patent-intensive product filings"),
    ("patentIntensiveFilingEnterpriseCount", "count", "完成备案企业数",
     "enterprises with filings"),
    ("patentIntensiveRecognisedCount", "count", "专利密集型产品认定数",
     "recognised patent-intensive products"),
    ("microEnterpriseParkCount", "count", "小微企业园数量", "number of micro-enterprise parks"),
    ("leadingIndustryCount", "count", "主导产业数量", "number of leading industries"),
    ("clusterSelectionCount", "count", "入选集群数量", "number of cluster selections"),
    ("productCount", "count", "产品数量", "number of products"),
    ("batchCount", "count", "批次数", "number of batches"),
]

# A count of the enterprises holding an honour is honouredEnterpriseCount, never enterpriseCount
# with an `honour:`: one relation per question, so a query for holders finds every such count.
INSTEAD: dict[tuple[str, str], str] = {("enterpriseCount", "honour"): "honouredEnterpriseCount"}

RELATIONS: dict[str, Relation] = {r.name: r for r in _RELATIONS}
FIGURE_KIND: dict[str, str] = {}
for _name, _kind, _zh, _en in _FIGURES:
    _allowed = Q_FIGURE - {key for rel, key in INSTEAD if rel == _name}
    RELATIONS[_name] = _rel(_name, list(ENTITY_TYPES), "quantity", _allowed, _zh, _en, True)
    FIGURE_KIND[_name] = _kind

# The statement qualifiers some entity-to-entity relation takes: the projection's edge attributes
# (a stock code's `exchange` qualifies a literal, which the projection leaves out).
EDGE_QUALIFIERS: tuple[Qualifier, ...] = tuple(
    q for q in STATEMENT_QUALIFIERS
    if any(q.key in r.qualifiers and isinstance(r.range, tuple) for r in RELATIONS.values()))

FACT_KEYS = {"subject", "relation", "object", "value", "quantity", "source", "quote", "row",
             "note", "inferred"} | QUALIFIERS.keys()


class Stage(NamedTuple):
    local: str  # ontology individual, a member of ipk:Stage
    zh: str
    en: str


# Stages of honours, lists and projects: YAML key -> Stage. A test proves that
# ontology/ipk.ttl declares exactly these individuals with these labels.
STAGES: dict[str, Stage] = {
    "proposed": Stage("Proposed", "拟", "proposed"),
    "publicised": Stage("Publicised", "公示", "publicised for comment"),
    "published": Stage("Published", "公布", "published"),
    "recognised": Stage("Recognised", "认定", "recognised"),
    "completion-accepted": Stage("CompletionAccepted", "竣工验收", "completion accepted"),
    "graduated": Stage("Graduated", "毕业", "graduated"),
    "aim": Stage("Aim", "目标", "aim, not yet achieved"),
}
# The projection names a stage by its individual: local name -> Stage.
STAGE_BY_LOCAL: dict[str, Stage] = {stage.local: stage for stage in STAGES.values()}


def stage_zh(local: str) -> str:
    """The zh label of a stage individual; anything else as given.

    >>> stage_zh("Proposed"), stage_zh("Unheard")
    ('拟', 'Unheard')
    """
    stage = STAGE_BY_LOCAL.get(local)
    return stage.zh if stage else local


# Qualifiers of approximate figures: YAML key -> (ontology individual, zh, en).
# The zh marker goes before the number, except 以上 which follows it.
QUANTITY_QUALIFIERS: dict[str, tuple[str, str, str]] = {
    "exact": ("Exactly", "", "exactly"),
    "about": ("About", "约", "about"),
    "more-than": ("MoreThan", "超", "more than"),
    "or-more": ("OrMore", "以上", "or more"),
    "up-to": ("UpTo", "高达", "as high as"),
}

# Stock exchanges by ISO 10383 market identifier code (MIC): the `exchange` qualifier's values.
EXCHANGES: dict[str, tuple[str, str]] = {
    "XSHG": ("上海证券交易所", "Shanghai Stock Exchange"),
    "XSHE": ("深圳证券交易所", "Shenzhen Stock Exchange"),
    "BJSE": ("北京证券交易所", "Beijing Stock Exchange"),
    "XHKG": ("香港联合交易所", "Stock Exchange of Hong Kong"),
}
# What people write for them, for the loader's hint.
EXCHANGE_NAMES = {"SSE": "XSHG", "SH": "XSHG", "上交所": "XSHG", "SZSE": "XSHE", "SZ": "XSHE",
                  "深交所": "XSHE", "BSE": "BJSE", "BJ": "BJSE", "北交所": "BJSE", "HKEX": "XHKG",
                  "HK": "XHKG", "港交所": "XHKG"}

_EXCHANGE_FULL_NAMES = {zh: mic for mic, (zh, _en) in EXCHANGES.items()}


def exchange_code(text: str) -> str | None:
    """The ISO 10383 code of an exchange as registries write it; None when it names none.

    >>> [exchange_code(t) for t in ("XSHE", "sse", "深交所", "上海证券交易所")]
    ['XSHE', 'XSHG', 'XSHE', 'XSHG']
    >>> exchange_code("NASDAQ"), exchange_code("")
    (None, None)
    """
    text = text.strip()
    if text.upper() in EXCHANGES:
        return text.upper()
    return EXCHANGE_NAMES.get(text.upper()) or EXCHANGE_NAMES.get(text) \
        or _EXCHANGE_FULL_NAMES.get(text)


HONOUR_LEVEL_INDIVIDUALS = {"national": "NationalLevel", "provincial": "ProvincialLevel",
                            "municipal": "MunicipalLevel"}

QUANTITY_KEYS = {"amount", "unit", "qualifier"}


@dataclass(frozen=True)
class Unit:
    key: str  # as written in the seeds, Chinese as in the source
    local: str  # ontology individual local name
    en: str
    factor: Decimal | None = None  # to the base unit below, for money and areas
    base: str | None = None  # UN/CEFACT code of the base unit
    max_amount: Decimal | None = None  # a share is 0-100


UNITS: dict[str, Unit] = {u.key: u for u in [
    Unit("%", "Percent", "percent", max_amount=Decimal(100)),
    Unit("亿元", "HundredMillionYuan", "hundred million yuan", Decimal(100_000_000), "CNY"),
    Unit("万平方米", "TenThousandSquareMetres", "ten thousand square metres",
         Decimal(10_000), "MTK"),
    Unit("家", "Enterprise", "enterprises"),
    Unit("个", "Item", "items"),
    Unit("项", "Entry", "entries"),
    Unit("幢", "Building", "buildings"),
    Unit("批", "Batch", "batches"),
]}
