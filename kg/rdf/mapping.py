"""Map checked seed records to RDF: entities, direct triples, statement nodes, figures.

Every fact becomes a direct triple (`s ipk:rel o`, for the easy question) and an
`rdf:Statement` node carrying its qualifiers, its source and its verbatim quote (for the
auditor). Triples land in one named graph per source article or table; a fact quoting a
table's cell also names its row (`ipk:sourceRow`). No blank nodes: every node
has an IRI derived from its content, so the same seeds always give the same graph.

The mapping emits pyoxigraph terms straight away (no rdflib Graph in between: at province
size that cost more than everything else), sorted once and deduplicated in `Mapped`.
`kg.rdf.adapter` gives an rdflib view of the same output for the few callers that need one.
"""

from __future__ import annotations

import hashlib
import time
from array import array
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.collector import collector_paused
from kg.errors import counted
from kg.rdf.namespace import IPK, PREFIXES
from kg.seeds import schema
from kg.rdf.prefixes import DEFAULT_BASE as DEFAULT_BASE  # where callers have found it
from kg.seeds.loader import Article, Entity, Fact, Page, Quantity, Seeds, TableSource, Where

if TYPE_CHECKING:
    import numpy as np

Term = ox.NamedNode | ox.Literal
Row = tuple[ox.NamedNode, ox.NamedNode, Term, ox.NamedNode]  # subject, predicate, object, graph

_RDF, _RDFS, _XSD = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["xsd"]
_SKOS, _PROV, _SDO = PREFIXES["skos"], PREFIXES["prov"], PREFIXES["schema"]
RDF_TYPE = ox.NamedNode(_RDF + "type")
RDF_STATEMENT = ox.NamedNode(_RDF + "Statement")
RDF_SUBJECT = ox.NamedNode(_RDF + "subject")
RDF_PREDICATE = ox.NamedNode(_RDF + "predicate")
RDF_OBJECT = ox.NamedNode(_RDF + "object")
RDFS_LABEL = ox.NamedNode(_RDFS + "label")
SKOS_ALT_LABEL = ox.NamedNode(_SKOS + "altLabel")
SKOS_EDITORIAL_NOTE = ox.NamedNode(_SKOS + "editorialNote")
SKOS_IN_SCHEME = ox.NamedNode(_SKOS + "inScheme")
PROV_WAS_DERIVED_FROM = ox.NamedNode(_PROV + "wasDerivedFrom")
SDO_HEADLINE = ox.NamedNode(_SDO + "headline")
SDO_IS_PART_OF = ox.NamedNode(_SDO + "isPartOf")
SDO_AUTHOR = ox.NamedNode(_SDO + "author")
SDO_PUBLISHER = ox.NamedNode(_SDO + "publisher")
SDO_DATE_PUBLISHED = ox.NamedNode(_SDO + "datePublished")
SDO_URL = ox.NamedNode(_SDO + "url")
XSD_ANY_URI = ox.NamedNode(_XSD + "anyURI")
XSD_INTEGER = ox.NamedNode(_XSD + "integer")
XSD_DECIMAL = ox.NamedNode(_XSD + "decimal")
XSD_BOOLEAN = ox.NamedNode(_XSD + "boolean")
XSD_G_YEAR = ox.NamedNode(_XSD + "gYear")
XSD_G_YEAR_MONTH = ox.NamedNode(_XSD + "gYearMonth")
XSD_DATE = ox.NamedNode(_XSD + "date")
TRUE = ox.Literal("true", datatype=XSD_BOOLEAN)


@cache
def ipk(local: str) -> ox.NamedNode:
    """A term of our vocabulary; a misspelt one raises (IPK is a closed DefinedNamespace).

    >>> ipk("Company").value
    'https://w3id.org/industrial-park-kg/ontology/Company'
    """
    return ox.NamedNode(str(IPK[local]))


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def year_literal(year: int) -> ox.Literal:
    return ox.Literal(f"{year:04d}", datatype=XSD_G_YEAR)


def date_literal(date: str) -> ox.Literal:
    return ox.Literal(date, datatype=XSD_G_YEAR_MONTH if len(date) == 7 else XSD_DATE)


def amount_text(amount: Decimal) -> str:
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def decimal_literal(amount: Decimal) -> ox.Literal:
    """xsd:decimal in its canonical form (a digit each side of the point), as Turtle writes it."""
    text = amount_text(amount)
    return ox.Literal(text if "." in text else text + ".0", datatype=XSD_DECIMAL)


def value_term(kind: schema.ValueKind, value: int | str,
               iri: Mapping[str, ox.NamedNode]) -> Term:
    """A checked seed value of `kind` as an RDF term: a qualifier or a literal relation's value.

    >>> value_term("date", "2024-11", {}).datatype == XSD_G_YEAR_MONTH
    True
    >>> value_term("stage", "proposed", {}) == ipk("Proposed")
    True
    >>> str(value_term("code", "002407", {}))  # a plain string: leading zeros kept, no language
    '"002407"'
    >>> value_term("iri", "https://example.org/r/1", {})
    <NamedNode value=https://example.org/r/1>
    """
    if isinstance(value, int):  # the loader reads years and whole numbers as int, else text
        return year_literal(value) if kind == "year" else integer(value)
    if kind == "date":
        return date_literal(value)
    if kind == "stage":
        return ipk(schema.STAGES[value].local)
    if kind == "entity":
        return iri[value]
    if kind in ("code", "exchange"):  # identifiers are not words of a language
        return ox.Literal(value)
    if kind == "iri":  # checked by the loader: an absolute http(s) IRI
        return ox.NamedNode(value)
    return zh(value)


def quantity_label(q: Quantity) -> str:
    """The figure as the source would print it: 超700亿元, 约4.94亿元, 40%以上, 高达300%."""
    marker = schema.QUANTITY_QUALIFIERS[q.qualifier][1]
    number = f"{amount_text(q.amount)}{q.unit}"
    return number + marker if q.qualifier == "or-more" else marker + number


class Minter:
    """Makes the IRIs of one build from a base IRI; each source's IRIs are made once."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self._sources: dict[str, ox.NamedNode] = {}
        self._graphs: dict[str, ox.NamedNode] = {}

    def entity(self, entity: Entity) -> ox.NamedNode:
        return self.entity_iri(entity.id, entity.type)

    def entity_iri(self, ident: str, etype: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}{schema.ENTITY_TYPES[etype]['path']}/{ident}")

    def source(self, ident: str) -> ox.NamedNode:
        node = self._sources.get(ident)
        if node is None:
            node = self._sources[ident] = ox.NamedNode(f"{self.base}source/{ident}")
        return node

    def graph(self, ident: str) -> ox.NamedNode:
        node = self._graphs.get(ident)
        if node is None:
            node = self._graphs[ident] = ox.NamedNode(f"{self.base}graph/{ident}")
        return node

    def hashed(self, kind: str, *parts: object) -> ox.NamedNode:
        digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
        return ox.NamedNode(f"{self.base}{kind}/{digest[:16]}")


def fact_key(fact: Fact) -> tuple:
    """Everything that makes a fact this fact, in a stable order (a table's row only when it
    has one, so the IRIs of facts from articles stay as they were)."""
    key = (fact.subject, fact.relation, fact.object, fact.value, fact.quantity,
           sorted(fact.qualifiers.items()), fact.source, fact.quote)
    return key if fact.row is None else key + (fact.row,)


def _term_texts(rows: list[Row]) -> tuple[list[str], array]:
    """The N-Triples text of each term object of `rows` (made once: rows share their term
    objects), and each row's four terms as indexes into those texts, row after row."""
    slot: dict[int, int] = {}  # by id(): the rows keep their terms alive meanwhile
    texts: list[str] = []
    slots = array("i")
    found, put, add = slot.get, slots.append, texts.append
    for row in rows:
        for term in row:
            at = found(id(term))
            if at is None:
                at = slot[id(term)] = len(texts)
                add(str(term))
            put(at)
    return texts, slots


def _fours(slots: array) -> Iterator[tuple[int, int, int, int]]:
    it = iter(slots)
    return zip(it, it, it, it)


def _ranks(texts: list[str]) -> np.ndarray:
    """Each text's place among the distinct `texts` in sorted order (equal texts, one rank).

    >>> _ranks(["b", "a", "b", "c"]).tolist()
    [1, 0, 1, 2]
    """
    import numpy as np

    ranks = np.empty(len(texts), dtype=np.int32)
    rank, last = -1, None
    for at in sorted(range(len(texts)), key=texts.__getitem__):
        if texts[at] != last:
            rank, last = rank + 1, texts[at]
        ranks[at] = rank
    return ranks


class Mapped:
    """The mapped dataset, sorted once and each quad kept once.

    Rows are ordered by the N-Triples text of subject, predicate, object, then graph, so the
    union's triples come out in the order of kg.nt's sorted lines, and each named graph's
    quads in the same order (what keeps every export byte-stable).
    """

    def __init__(self, rows: list[Row],
                 unsorted: Callable[[bytes], None] | None = None):
        """`unsorted`, if given, is handed the union as N-Triples before the rows are sorted:
        each row's triple a line, in the rows' order (a triple given twice, twice)."""
        import numpy as np  # 0.1 s at start-up: only a build loads it

        # Each term's N-Triples text is ranked once; the rows are then sorted as four columns
        # of ranks. Sorting the rows as tuples of texts held 0.3 GB more at province size
        # (2.9 million 4-tuples), and the texts go before the sort, not after it.
        texts, slots = _term_texts(rows)
        if unsorted is not None:
            unsorted("".join([f"{texts[s]} {texts[p]} {texts[o]} .\n"
                              for s, p, o, _g in _fours(slots)]).encode())
        ranks = _ranks(texts)
        del texts
        keys = ranks[np.frombuffer(slots, dtype=np.int32)].reshape(-1, 4)
        del slots, ranks
        # Stable: of a quad given twice, the first row given is kept, as a sort of the rows.
        order = np.lexsort((keys[:, 3], keys[:, 2], keys[:, 1], keys[:, 0]))
        keys = keys[order]
        same_triple = np.zeros(len(keys), dtype=bool)  # as the row before, in this order
        same_triple[1:] = (keys[1:, :3] == keys[:-1, :3]).all(axis=1)
        same_quad = same_triple.copy()
        same_quad[1:] &= keys[1:, 3] == keys[:-1, 3]
        kept = ~same_quad
        self.rows: list[Row] = [rows[i] for i in order[kept].tolist()]
        self._first: list[bool] = (~same_triple[kept]).tolist()  # row starts a new (s, p, o)
        self.triple_count = int(np.count_nonzero(~same_triple))
        # The triples more than one row gives, as N-Triples lines: how many rows give each in
        # each graph (what a rebuild needs to tell when a triple goes; kg.filewise).
        self.shared: dict[str, dict[str, int]] = {}
        starts = np.flatnonzero(~same_triple)
        ends = np.append(starts[1:], len(keys))[:len(starts)]
        several = ends - starts > 1
        for start, end in zip(starts[several].tolist(), ends[several].tolist()):
            counts: dict[str, int] = {}
            for i in order[start:end].tolist():
                graph = str(rows[i][3])
                counts[graph] = counts.get(graph, 0) + 1
            s, p, o, _g = rows[order[start]]
            self.shared[f"{s} {p} {o} ."] = counts
        # Each named graph's rows, in row order; the graphs in the order of their IRIs.
        graphs = keys[kept, 3]
        by_graph = np.argsort(graphs, kind="stable")
        cuts = [0, *(np.flatnonzero(np.diff(graphs[by_graph])) + 1).tolist(), len(graphs)]
        grouped = [self.rows[i] for i in by_graph.tolist()]
        self._graphs = [grouped[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]

    def __len__(self) -> int:
        return len(self.rows)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad once: graph by graph (in the order of their IRIs), each in row order."""
        for rows in self._graphs:
            for s, p, o, g in rows:
                yield ox.Quad(s, p, o, g)

    def triples(self) -> Iterator[ox.Triple]:
        """The union of the named graphs, each triple once, in kg.nt's line order."""
        for (s, p, o, _g), first in zip(self.rows, self._first):
            if first:
                yield ox.Triple(s, p, o)

    def triple_rows(self) -> Iterator[tuple[ox.NamedNode, ox.NamedNode, Term]]:
        """`triples` as (subject, predicate, object) tuples of the mapping's own term objects:
        nothing made anew, for writers that read the terms in Python."""
        for (s, p, o, _g), first in zip(self.rows, self._first):
            if first:
                yield s, p, o

    def union(self) -> Iterator[ox.Quad]:
        """The triples of `triples` as quads in the default graph, for loading a store."""
        default = ox.DefaultGraph()
        for (s, p, o, _g), first in zip(self.rows, self._first):
            if first:
                yield ox.Quad(s, p, o, default)


def _rate(n: int, since: float) -> str:
    return f"{n / max(time.perf_counter() - since, 1e-9):,.0f}/s"


class EntityIris(dict):
    """Entity ids to their IRIs, each made once from the entity's type, as `Minter.entity`."""

    def __init__(self, mint: Minter, types: Mapping[str, str]):
        super().__init__()
        self._mint, self._types = mint, types

    def __missing__(self, ident: str) -> ox.NamedNode:
        node = self[ident] = self._mint.entity_iri(ident, self._types[ident])
        return node


class RecordMapper:
    """Maps seed records one at a time into `rows`; each record's rows depend on the record
    and the types of the entities it names, nothing else (what lets a rebuild map only the
    files that changed: kg.filewise)."""

    def __init__(self, mint: Minter, iri: Mapping[str, ox.NamedNode]):
        self.mint, self.iri = mint, iri
        self.rows: list[Row] = []

    def source_node(self, ident: str, cls: str, label: str, label_en: str | None,
                    file: str) -> tuple[ox.NamedNode, ox.NamedNode]:
        """An archived source (a page, a table) in its own named graph: (graph, node)."""
        add, g, node = self.rows.append, self.mint.graph(ident), self.mint.source(ident)
        add((node, RDF_TYPE, ipk(cls), g))
        add((node, RDFS_LABEL, zh(label), g))
        if label_en:
            add((node, RDFS_LABEL, en(label_en), g))
        add((node, ipk("sourceFile"), ox.Literal(file), g))
        return g, node

    def page(self, page: Page) -> None:
        add = self.rows.append
        g, node = self.source_node(page.id, "NewspaperPage", page.label, page.label_en,
                                   page.file)
        if page.inferred_year:
            add((node, ipk("inferredYear"), year_literal(page.inferred_year), g))
        if page.inferred_year_basis:
            add((node, ipk("inferenceNote"), ox.Literal(page.inferred_year_basis), g))

    def article(self, art: Article) -> None:
        """An article, in its page's graph (the loader checked that the page exists)."""
        add, iri = self.rows.append, self.iri
        g, node, a_node = self.mint.graph(art.page), self.mint.source(art.page), \
            self.mint.source(art.id)
        add((a_node, RDF_TYPE, ipk("Article"), g))
        add((a_node, RDFS_LABEL, zh(art.title), g))
        add((a_node, SDO_HEADLINE, zh(art.title), g))
        if art.subtitle:
            add((a_node, ipk("subtitle"), zh(art.subtitle), g))
        if art.kicker:
            add((a_node, ipk("kicker"), zh(art.kicker), g))
        add((a_node, ipk("byline"), zh(art.byline), g))
        add((a_node, SDO_IS_PART_OF, node, g))
        add((a_node, ipk("lineStart"), integer(art.lines[0]), g))
        add((a_node, ipk("lineEnd"), integer(art.lines[1]), g))
        for person in art.reporters:
            add((a_node, SDO_AUTHOR, iri[person], g))
        for person in art.correspondents:
            add((a_node, ipk("correspondent"), iri[person], g))

    def table(self, table: TableSource) -> None:
        add = self.rows.append
        g, node = self.source_node(table.id, "Table", table.label, table.label_en, table.file)
        # its title as a headline, as an article's: every query naming a fact's source finds it
        add((node, SDO_HEADLINE, zh(table.label), g))
        if table.sheet:
            add((node, ipk("sheet"), ox.Literal(table.sheet), g))
        if table.publisher:
            add((node, SDO_PUBLISHER, self.iri[table.publisher], g))
        if table.date:
            add((node, SDO_DATE_PUBLISHED, date_literal(table.date), g))
        elif table.year:
            add((node, SDO_DATE_PUBLISHED, year_literal(table.year), g))
        if table.url:  # a literal: never dereferenced, and any text the source printed
            add((node, SDO_URL, ox.Literal(table.url, datatype=XSD_ANY_URI), g))
        if table.note:
            add((node, SKOS_EDITORIAL_NOTE, ox.Literal(table.note), g))

    def entity(self, ent: Entity) -> None:
        add, iri = self.rows.append, self.iri
        g = self.mint.graph(ent.source)
        node = iri[ent.id]
        add((node, RDF_TYPE, ipk(ent.type), g))
        add((node, RDFS_LABEL, zh(ent.label), g))
        if ent.label_en:
            add((node, RDFS_LABEL, en(ent.label_en), g))
        for alias in ent.aliases:
            add((node, SKOS_ALT_LABEL, zh(alias), g))
        for alias in ent.aliases_en:
            add((node, SKOS_ALT_LABEL, en(alias), g))
        if ent.note:
            add((node, SKOS_EDITORIAL_NOTE, ox.Literal(ent.note), g))
        add((node, PROV_WAS_DERIVED_FROM, self.mint.source(ent.source), g))
        add((node, ipk("quote"), zh(ent.quote), g))
        if ent.row is not None:
            add((node, ipk("sourceRow"), integer(ent.row), g))
        if ent.level:
            add((node, ipk("level"), ipk(schema.HONOUR_LEVEL_INDIVIDUALS[ent.level]), g))
        for order, seg in enumerate(ent.segments, start=1):
            add((node, ipk("hasSegment"), iri[seg], g))
            add((iri[seg], SKOS_IN_SCHEME, node, g))
            add((iri[seg], ipk("segmentOrder"), integer(order), g))
            if order < len(ent.segments):
                add((iri[seg], ipk("upstreamOf"), iri[ent.segments[order]], g))

    def fact(self, fact: Fact) -> None:
        _map_fact(self.rows, self.mint.graph(fact.source), fact, self.iri, self.mint)

    def records(self, seeds: Seeds, progress: Callable[[str], None] = lambda _: None,
                files: list[tuple[int, str]] | None = None) -> None:
        """Map every record of `seeds`; `files` is told (first row, file name) each time the
        file the records come from changes."""
        start = time.perf_counter()
        last = ""

        def from_file(where: Where) -> None:
            nonlocal last
            if files is not None and where.path != last:
                last = where.path
                files.append((len(self.rows), Path(where.path).name))

        for page in seeds.pages.values():
            from_file(page.where)
            self.page(page)
        for art in seeds.articles.values():
            from_file(art.where)
            self.article(art)
        for table in seeds.tables.values():
            from_file(table.where)
            self.table(table)
        for ent in seeds.entities.values():
            from_file(ent.where)
            self.entity(ent)
        progress(f"mapped {counted(len(seeds.entities), 'entity', 'entities')} "
                 f"({_rate(len(seeds.entities), start)})")
        for n, fact in enumerate(seeds.facts, 1):
            from_file(fact.where)
            self.fact(fact)
            if n % 100_000 == 0:
                progress(f"mapped {counted(n, 'fact')} ({_rate(n, start)})")


@collector_paused()
def map_seeds(seeds: Seeds, base: str = DEFAULT_BASE,
              progress: Callable[[str], None] = lambda _: None,
              unsorted: Callable[[bytes], None] | None = None) -> Mapped:
    """Build the RDF dataset: one named graph per source, the union is the knowledge graph.
    `unsorted` is handed the union's triples as N-Triples before they are sorted (`Mapped`)."""
    start = time.perf_counter()
    mint = Minter(base)
    mapper = RecordMapper(mint, {e.id: mint.entity(e) for e in seeds.entities.values()})
    files: list[tuple[int, str]] = []
    mapper.records(seeds, progress, files)
    rows = mapper.rows
    progress(f"mapped {counted(len(rows), 'quad')} ({_rate(len(rows), start)}); sorting them")
    start = time.perf_counter()
    mapped = Mapped(rows, unsorted)
    progress(f"sorted {counted(len(mapped), 'quad')}, {counted(mapped.triple_count, 'triple')} "
             f"in their union ({_rate(len(rows), start)})")
    return mapped


def _map_fact(rows: list[Row], g: ox.NamedNode, fact: Fact, iri: Mapping[str, ox.NamedNode],
              mint: Minter) -> None:
    add = rows.append
    key = fact_key(fact)
    subject, predicate = iri[fact.subject], ipk(fact.relation)
    obj: Term
    if fact.object is not None:
        obj = iri[fact.object]
    elif fact.quantity is not None:
        obj = _map_quantity(rows, g, fact, fact.quantity, iri, mint.hashed("quantity", *key))
    else:
        assert fact.value is not None  # the loader drops a literal fact without its value
        obj = value_term(schema.RELATIONS[fact.relation].value_kind, fact.value, iri)
    add((subject, predicate, obj, g))

    stmt = mint.hashed("statement", *key)
    add((stmt, RDF_TYPE, RDF_STATEMENT, g))
    add((stmt, RDF_SUBJECT, subject, g))
    add((stmt, RDF_PREDICATE, predicate, g))
    add((stmt, RDF_OBJECT, obj, g))
    for q in schema.STATEMENT_QUALIFIERS:
        if q.key in fact.qualifiers:
            add((stmt, ipk(q.prop), value_term(q.kind, fact.qualifiers[q.key], iri), g))
    if fact.note:
        add((stmt, SKOS_EDITORIAL_NOTE, ox.Literal(fact.note), g))
    if fact.inferred:
        add((stmt, ipk("inferred"), TRUE, g))
        add((stmt, ipk("inferenceNote"), ox.Literal(fact.inferred), g))
    add((stmt, PROV_WAS_DERIVED_FROM, mint.source(fact.source), g))
    add((stmt, ipk("quote"), zh(fact.quote), g))
    if fact.row is not None:
        add((stmt, ipk("sourceRow"), integer(fact.row), g))


def _map_quantity(rows: list[Row], g: ox.NamedNode, fact: Fact, q: Quantity,
                  iri: Mapping[str, ox.NamedNode], node: ox.NamedNode) -> ox.NamedNode:
    add = rows.append
    unit = schema.UNITS[q.unit]
    add((node, RDF_TYPE, ipk("Quantity"), g))
    add((node, RDFS_LABEL, zh(quantity_label(q)), g))
    add((node, ipk("amount"), decimal_literal(q.amount), g))
    add((node, ipk("unit"), ipk(unit.local), g))
    add((node, ipk("unitText"), ox.Literal(q.unit), g))
    add((node, ipk("approximation"), ipk(schema.QUANTITY_QUALIFIERS[q.qualifier][0]), g))
    if unit.factor is not None:
        assert unit.base is not None  # a unit with a factor names its base unit
        add((node, ipk("normalizedAmount"), decimal_literal(q.amount * unit.factor), g))
        add((node, ipk("normalizedUnit"), ox.Literal(unit.base), g))
    for qual in schema.FIGURE_QUALIFIERS:
        if qual.key in fact.qualifiers:
            add((node, ipk(qual.prop), value_term(qual.kind, fact.qualifiers[qual.key], iri), g))
    return node
