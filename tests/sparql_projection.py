"""The projection as it was first written: three SPARQL queries with OPTIONALs. Slow at scale
(kg.graph.projection now scans the store per property), kept as the reference that
tests/test_projection.py holds the fast projection equal to."""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox

from kg.graph.projection import LEVELS, local_name, qualifier_attrs, relation_labels
from kg.graph.records import EdgeData, NodeData
from kg.rdf.store import select
from kg.seeds import schema
from kg.sparql.run import PROLOGUE

_ENTITY_CLASSES = " ".join(f"ipk:{t}" for t in schema.ENTITY_TYPES)

ENTITIES = PROLOGUE + f"""
SELECT ?e ?cls ?zh ?en ?quote ?src ?level
       (GROUP_CONCAT(DISTINCT ?alias; SEPARATOR="\\u001f") AS ?aliases) WHERE {{
  VALUES ?cls {{ {_ENTITY_CLASSES} }}
  ?e a ?cls .
  OPTIONAL {{ ?e rdfs:label ?zh FILTER(lang(?zh) = "zh") }}
  OPTIONAL {{ ?e rdfs:label ?en FILTER(lang(?en) = "en") }}
  OPTIONAL {{ ?e skos:altLabel ?alias }}
  OPTIONAL {{ ?e ipk:quote ?quote }}
  OPTIONAL {{ ?e prov:wasDerivedFrom ?src }}
  OPTIONAL {{ ?e ipk:level ?level }}
}} GROUP BY ?e ?cls ?zh ?en ?quote ?src ?level ORDER BY ?e"""

# One variable per statement qualifier, named by its YAML key.
_QUALIFIER_VARS = " ".join(f"?{q.key}" for q in schema.EDGE_QUALIFIERS)
_QUALIFIER_OPTIONALS = "\n".join(f"  OPTIONAL {{ ?st ipk:{q.prop} ?{q.key} }}"
                                  for q in schema.EDGE_QUALIFIERS)

FACT_EDGES = PROLOGUE + f"""
SELECT ?st ?s ?p ?o {_QUALIFIER_VARS}
       ?inferred ?quote ?src WHERE {{
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  VALUES ?cls {{ {_ENTITY_CLASSES} }}
  ?o a ?cls .
{_QUALIFIER_OPTIONALS}
  OPTIONAL {{ ?st ipk:inferred ?inferred }}
  OPTIONAL {{ ?st ipk:quote ?quote }}
  OPTIONAL {{ ?st prov:wasDerivedFrom ?src }}
}} ORDER BY ?s ?p ?o ?st"""

CHAIN_EDGES = PROLOGUE + """
SELECT ?s ?p ?o ?quote ?src WHERE {
  { ?s ipk:hasSegment ?o . BIND(ipk:hasSegment AS ?p) BIND(?s AS ?chain) }
  UNION
  { ?s ipk:upstreamOf ?o . BIND(ipk:upstreamOf AS ?p) ?s skos:inScheme ?chain }
  OPTIONAL { ?chain ipk:quote ?quote }
  OPTIONAL { ?chain prov:wasDerivedFrom ?src }
} ORDER BY ?s ?p ?o"""


def _value(solution: ox.QuerySolution, name: str) -> str | None:
    term = solution[name]
    return None if term is None else term.value


def sparql_project(store: ox.Store) -> nx.MultiDiGraph:
    """Project the entities and entity-to-entity facts of `store` into a MultiDiGraph."""
    g = nx.MultiDiGraph()
    for row in select(store, ENTITIES):
        ident = local_name(row["e"].value)
        aliases = _value(row, "aliases")
        node: NodeData = {
            "iri": row["e"].value, "id": ident, "cls": local_name(row["cls"].value),
            "label": _value(row, "zh") or ident, "label_en": _value(row, "en") or "",
            "aliases": sorted(aliases.split("\x1f")) if aliases else [],
            "quote": _value(row, "quote") or "",
            "source": local_name(_value(row, "src") or ""),
            "level": LEVELS.get(local_name(_value(row, "level") or ""), "")}
        g.add_node(ident, **node)
    for row in select(store, FACT_EDGES):
        s, o = local_name(row["s"].value), local_name(row["o"].value)
        if s not in g or o not in g:
            continue
        relation = local_name(row["p"].value)
        key = relation
        n = 1
        while g.has_edge(s, o, key):  # the same relation twice (two sources): keep both
            n += 1
            key = f"{relation}#{n}"
        g.add_edge(s, o, key=key, **_edge(relation, row, fact=True))
    for row in select(store, CHAIN_EDGES):
        s, o = local_name(row["s"].value), local_name(row["o"].value)
        relation = local_name(row["p"].value)
        g.add_edge(s, o, key=relation, **_edge(relation, row, fact=False))
    return g


def _edge(relation: str, row: ox.QuerySolution, fact: bool) -> EdgeData:
    """An edge's attributes, in the order the graph files write them: a fact's from its
    FACT_EDGES row; a chain-structure edge (a CHAIN_EDGES row) has no statement and no
    qualifiers."""
    zh, en = relation_labels(relation)
    return {"relation": relation, "label": zh, "label_en": en,
            "statement": row["st"].value if fact else None,
            "quote": _value(row, "quote") or "", "source": local_name(_value(row, "src") or ""),
            "inferred": fact and _value(row, "inferred") == "true",
            **qualifier_attrs(_qualifiers(row) if fact else None)}


def _qualifiers(row: ox.QuerySolution) -> dict[str, str | None]:
    return {q.key: _value(row, q.key) for q in schema.EDGE_QUALIFIERS}
