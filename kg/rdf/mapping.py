"""Map checked seed records to RDF: entities, direct triples, statement nodes, figures.

Every fact becomes a direct triple (`s ipk:rel o`, for the easy question) and an
`rdf:Statement` node carrying its qualifiers, its source and its verbatim quote (for the
auditor). Triples land in one named graph per source article. No blank nodes: every node
has an IRI derived from its content, so the same seeds always give the same graph.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV

from kg.seeds import schema
from kg.rdf.namespace import IPK, PREFIXES, bind_prefixes
from kg.seeds.loader import Entity, Fact, Quantity, Seeds

DEFAULT_BASE = "https://w3id.org/industrial-park-kg/id/"
SDO = Namespace(PREFIXES["schema"])


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def year_literal(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


def date_literal(date: str) -> Literal:
    return Literal(date, datatype=XSD.gYearMonth if len(date) == 7 else XSD.date)


def amount_text(amount: Decimal) -> str:
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def decimal_literal(amount: Decimal) -> Literal:
    """xsd:decimal in its canonical form (a digit each side of the point), as Turtle writes it."""
    text = amount_text(amount)
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def value_term(kind: schema.ValueKind, value: int | str,
               iri: dict[str, URIRef]) -> URIRef | Literal:
    """A checked seed value of `kind` as an RDF term: a qualifier or a literal relation's value.

    >>> value_term("date", "2024-11", {}).datatype == XSD.gYearMonth
    True
    >>> value_term("stage", "proposed", {}) == IPK.Proposed
    True
    """
    if isinstance(value, int):  # the loader reads years and whole numbers as int, else text
        return year_literal(value) if kind == "year" else Literal(value)
    if kind == "date":
        return date_literal(value)
    if kind == "stage":
        return IPK[schema.STAGES[value].local]
    if kind == "entity":
        return iri[value]
    return zh(value)


def quantity_label(q: Quantity) -> str:
    """The figure as the source would print it: 超700亿元, 约4.94亿元, 40%以上, 高达300%."""
    marker = schema.QUANTITY_QUALIFIERS[q.qualifier][1]
    number = f"{amount_text(q.amount)}{q.unit}"
    return number + marker if q.qualifier == "or-more" else marker + number


class Minter:
    """Makes the IRIs of one build from a base IRI."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def entity(self, entity: Entity) -> URIRef:
        return URIRef(f"{self.base}{schema.ENTITY_TYPES[entity.type]['path']}/{entity.id}")

    def source(self, ident: str) -> URIRef:
        return URIRef(f"{self.base}source/{ident}")

    def graph(self, ident: str) -> URIRef:
        return URIRef(f"{self.base}graph/{ident}")

    def hashed(self, kind: str, *parts: object) -> URIRef:
        digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
        return URIRef(f"{self.base}{kind}/{digest[:16]}")


def fact_key(fact: Fact) -> tuple:
    """Everything that makes a fact this fact, in a stable order."""
    return (fact.subject, fact.relation, fact.object, fact.value, fact.quantity,
            sorted(fact.qualifiers.items()), fact.source, fact.quote)


def map_seeds(seeds: Seeds, base: str = DEFAULT_BASE) -> Dataset:
    """Build the RDF dataset: one named graph per source, the union is the knowledge graph."""
    mint = Minter(base)
    ds = Dataset()
    bind_prefixes(ds)
    iri = {e.id: mint.entity(e) for e in seeds.entities.values()}

    for page in seeds.pages.values():
        g = ds.graph(mint.graph(page.id))
        node = mint.source(page.id)
        g.add((node, RDF.type, IPK.NewspaperPage))
        g.add((node, RDFS.label, zh(page.label)))
        if page.label_en:
            g.add((node, RDFS.label, Literal(page.label_en, lang="en")))
        g.add((node, IPK.sourceFile, Literal(page.file)))
        if page.inferred_year:
            g.add((node, IPK.inferredYear, year_literal(page.inferred_year)))
        if page.inferred_year_basis:
            g.add((node, IPK.inferenceNote, Literal(page.inferred_year_basis)))
        for art in (a for a in seeds.articles.values() if a.page == page.id):
            a_node = mint.source(art.id)
            g.add((a_node, RDF.type, IPK.Article))
            g.add((a_node, RDFS.label, zh(art.title)))
            g.add((a_node, SDO.headline, zh(art.title)))
            if art.subtitle:
                g.add((a_node, IPK.subtitle, zh(art.subtitle)))
            if art.kicker:
                g.add((a_node, IPK.kicker, zh(art.kicker)))
            g.add((a_node, IPK.byline, zh(art.byline)))
            g.add((a_node, SDO.isPartOf, node))
            g.add((a_node, IPK.lineStart, Literal(art.lines[0])))
            g.add((a_node, IPK.lineEnd, Literal(art.lines[1])))
            for person in art.reporters:
                g.add((a_node, SDO.author, iri[person]))
            for person in art.correspondents:
                g.add((a_node, IPK.correspondent, iri[person]))

    for ent in seeds.entities.values():
        g = ds.graph(mint.graph(ent.source))
        node = iri[ent.id]
        g.add((node, RDF.type, IPK[ent.type]))
        g.add((node, RDFS.label, zh(ent.label)))
        if ent.label_en:
            g.add((node, RDFS.label, Literal(ent.label_en, lang="en")))
        for alias in ent.aliases:
            g.add((node, SKOS.altLabel, zh(alias)))
        for alias in ent.aliases_en:
            g.add((node, SKOS.altLabel, Literal(alias, lang="en")))
        if ent.note:
            g.add((node, SKOS.editorialNote, Literal(ent.note)))
        g.add((node, PROV.wasDerivedFrom, mint.source(ent.source)))
        g.add((node, IPK.quote, zh(ent.quote)))
        if ent.level:
            g.add((node, IPK.level, IPK[schema.HONOUR_LEVEL_INDIVIDUALS[ent.level]]))
        for order, seg in enumerate(ent.segments, start=1):
            g.add((node, IPK.hasSegment, iri[seg]))
            g.add((iri[seg], SKOS.inScheme, node))
            g.add((iri[seg], IPK.segmentOrder, Literal(order)))
            if order < len(ent.segments):
                g.add((iri[seg], IPK.upstreamOf, iri[ent.segments[order]]))

    for fact in seeds.facts:
        _map_fact(ds.graph(mint.graph(fact.source)), fact, iri, mint)
    return ds


def _map_fact(g: Graph, fact: Fact, iri: dict[str, URIRef], mint: Minter) -> None:
    key = fact_key(fact)
    subject, predicate = iri[fact.subject], IPK[fact.relation]
    obj: URIRef | Literal
    if fact.object is not None:
        obj = iri[fact.object]
    elif fact.quantity is not None:
        obj = _map_quantity(g, fact, fact.quantity, iri, mint.hashed("quantity", *key))
    else:
        assert fact.value is not None  # the loader drops a literal fact without its value
        obj = value_term(schema.RELATIONS[fact.relation].value_kind, fact.value, iri)
    g.add((subject, predicate, obj))

    stmt = mint.hashed("statement", *key)
    g.add((stmt, RDF.type, RDF.Statement))
    g.add((stmt, RDF.subject, subject))
    g.add((stmt, RDF.predicate, predicate))
    g.add((stmt, RDF.object, obj))
    for q in schema.STATEMENT_QUALIFIERS:
        if q.key in fact.qualifiers:
            g.add((stmt, IPK[q.prop], value_term(q.kind, fact.qualifiers[q.key], iri)))
    if fact.note:
        g.add((stmt, SKOS.editorialNote, Literal(fact.note)))
    if fact.inferred:
        g.add((stmt, IPK.inferred, Literal(True)))
        g.add((stmt, IPK.inferenceNote, Literal(fact.inferred)))
    g.add((stmt, PROV.wasDerivedFrom, mint.source(fact.source)))
    g.add((stmt, IPK.quote, zh(fact.quote)))


def _map_quantity(g: Graph, fact: Fact, q: Quantity, iri: dict[str, URIRef],
                  node: URIRef) -> URIRef:
    unit = schema.UNITS[q.unit]
    g.add((node, RDF.type, IPK.Quantity))
    g.add((node, RDFS.label, zh(quantity_label(q))))
    g.add((node, IPK.amount, decimal_literal(q.amount)))
    g.add((node, IPK.unit, IPK[unit.local]))
    g.add((node, IPK.unitText, Literal(q.unit)))
    g.add((node, IPK.approximation, IPK[schema.QUANTITY_QUALIFIERS[q.qualifier][0]]))
    if unit.factor is not None:
        g.add((node, IPK.normalizedAmount, decimal_literal(q.amount * unit.factor)))
        g.add((node, IPK.normalizedUnit, Literal(unit.base)))
    for qual in schema.FIGURE_QUALIFIERS:
        if qual.key in fact.qualifiers:
            g.add((node, IPK[qual.prop], value_term(qual.kind, fact.qualifiers[qual.key], iri)))
    return node
