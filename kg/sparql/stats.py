"""Counts over a built graph: entities per class, facts per relation and per source."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.rdf.namespace import curie
from kg.rdf.store import select
from kg.sparql.run import PROLOGUE

ENTITIES_PER_CLASS = PROLOGUE + """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class .
  FILTER(?class NOT IN (rdf:Statement, ipk:Quantity))
} GROUP BY ?class ORDER BY DESC(?n) ?class"""

FACTS_PER_RELATION = PROLOGUE + """
SELECT ?relation (COUNT(?st) AS ?n) WHERE {
  ?st a rdf:Statement ; rdf:predicate ?relation .
} GROUP BY ?relation ORDER BY DESC(?n) ?relation"""

FACTS_PER_SOURCE = PROLOGUE + """
SELECT ?source (SAMPLE(?title) AS ?headline) (COUNT(?st) AS ?n) WHERE {
  ?st a rdf:Statement ; prov:wasDerivedFrom ?source .
  OPTIONAL { ?source schema:headline ?title }
} GROUP BY ?source ORDER BY ?source"""

# A fact or an entity without a source, or without a quote, breaks the provenance promise.
UNSOURCED = PROLOGUE + """
SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?x a rdf:Statement } UNION
  { ?x a ?class . FILTER(?class NOT IN (rdf:Statement, ipk:Quantity, ipk:Article,
                                        ipk:NewspaperPage, ipk:Table)) }
  FILTER(NOT EXISTS { ?x prov:wasDerivedFrom ?src ; ipk:quote ?q })
}"""


@dataclass
class Stats:
    triples: int
    entities_per_class: list[tuple[str, int]]
    facts_per_relation: list[tuple[str, int]]
    facts_per_source: list[tuple[str, str, int]]
    facts: int
    unsourced: int

    def as_dict(self) -> dict:
        return {
            "triples": self.triples,
            "entities_per_class": dict(self.entities_per_class),
            "facts_per_relation": dict(self.facts_per_relation),
            "facts_per_source": {s: {"headline": h, "facts": n}
                                 for s, h, n in self.facts_per_source},
            "facts": self.facts,
            "facts_without_source_or_quote": self.unsourced,
        }


def _short(term: ox.NamedNode) -> str:
    # Class and relation names are ipk: terms, or rdf:Statement.
    return curie(term.value, ("ipk", "rdf"))


def graph_stats(store: ox.Store) -> Stats:
    """Compute the counts by SPARQL over the built graph, so they cannot disagree with it."""
    per_class = [(_short(r["class"]), int(r["n"].value)) for r in select(store, ENTITIES_PER_CLASS)]
    per_rel = [(_short(r["relation"]), int(r["n"].value))
               for r in select(store, FACTS_PER_RELATION)]
    per_src = [(r["source"].value.rsplit("/", 1)[-1],
                r["headline"].value if r["headline"] else "", int(r["n"].value))
               for r in select(store, FACTS_PER_SOURCE)]
    unsourced = int(next(select(store, UNSOURCED))["n"].value)
    # the default graph only: a build's store also holds each source's triples in a named graph
    triples = int(next(select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))["n"].value)
    return Stats(triples, per_class, per_rel, per_src, sum(n for _, n in per_rel), unsourced)
