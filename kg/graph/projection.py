"""The one projection of the RDF graph to networkx that analytics and views share.

What it keeps:

- **Nodes**: every entity (a node typed with one of the entity classes of `kg.seeds.schema`), keyed by
  its id (the last IRI segment). Attributes: ``iri``, ``id``, ``cls`` (class local name, e.g.
  ``Company``), ``label`` (zh), ``label_en`` (or ``""``), ``aliases`` (list), ``quote``, ``source``.
- **Edges**: every fact whose object is an entity, as a directed edge subject → object keyed by
  the relation name, so two facts between the same pair stay two edges. The fact's statement
  node is folded into edge attributes: ``relation``, ``label``/``label_en`` of the relation,
  ``statement`` (IRI), ``quote``, ``source`` (article id), ``inferred`` (bool), and one
  attribute per statement qualifier of `kg.seeds.schema.QUALIFIERS`, named by its YAML key
  (``year``, ``date``, ``batch``, ``rank``, ``stage``, ``role``, ``specialty``, ``awarded_by``,
  ``list``): an int for years and whole numbers, the local name for entities and stages,
  else the text; None when the fact does not say. Chain structure, which has no statement of
  its own, adds ``hasSegment`` (chain → segment) and ``upstreamOf`` (segment → next) edges
  whose provenance is the chain's own quote.

What it leaves out, on purpose: literals (text, years, figures) and Quantity nodes, rdf:type
objects (classes would become hubs), statement nodes themselves, articles and pages (every fact
would link through its source), and the journalists' bylines. A shared year or unit never links
two entities.

The attributes' shapes are `kg.graph.records.NodeData` and `EdgeData`. The RDF store is only
read; the function returns a new graph each time.
"""

from __future__ import annotations

from typing import cast

import networkx as nx
import pyoxigraph as ox

from kg.graph.records import EdgeData, NodeData, Qualifiers, all_nodes
from kg.names import NameIndex, Named
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
_QUALIFIER_VARS = " ".join(f"?{q.key}" for q in schema.STATEMENT_QUALIFIERS)
_QUALIFIER_OPTIONALS = "\n".join(f"  OPTIONAL {{ ?st ipk:{q.prop} ?{q.key} }}"
                                  for q in schema.STATEMENT_QUALIFIERS)

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

LEVELS = {individual: key for key, individual in schema.HONOUR_LEVEL_INDIVIDUALS.items()}

STRUCTURE_LABELS = {"hasSegment": ("包含环节", "has segment"),
                    "upstreamOf": ("上游于", "upstream of")}


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _value(solution: ox.QuerySolution, name: str) -> str | None:
    term = solution[name]
    return None if term is None else term.value


def qualifier_attrs(solution: ox.QuerySolution | None) -> Qualifiers:
    """The statement qualifiers of one FACT_EDGES solution as edge attributes; all None
    without a solution (the chain-structure edges)."""
    attrs: dict[str, int | str | None] = {}
    for q in schema.STATEMENT_QUALIFIERS:
        value = None if solution is None else _value(solution, q.key)
        if value is None:
            attrs[q.key] = None
        elif q.integer:
            attrs[q.key] = int(value)
        else:
            attrs[q.key] = local_name(value) if q.node else value
    return cast(Qualifiers, attrs)  # tests/test_types.py: the schema's keys are Qualifiers' keys


def relation_labels(relation: str) -> tuple[str, str]:
    if relation in schema.RELATIONS:
        rel = schema.RELATIONS[relation]
        return rel.label_zh, rel.label_en
    return STRUCTURE_LABELS.get(relation, (relation, relation))


def project(store: ox.Store) -> nx.MultiDiGraph:
    """Project the entities and entity-to-entity facts of `store` into a MultiDiGraph.

    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.load('''
    ... @prefix ipk: <https://w3id.org/industrial-park-kg/ontology/> .
    ... @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... <http://x/company/a> a ipk:Company ; rdfs:label "甲"@zh ; ipk:hasHonour <http://x/honour/h> .
    ... <http://x/honour/h> a ipk:Honour ; rdfs:label "荣誉"@zh .
    ... <http://x/statement/1> a rdf:Statement ; rdf:subject <http://x/company/a> ;
    ...     rdf:predicate ipk:hasHonour ; rdf:object <http://x/honour/h> ; ipk:year "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> .
    ... ''', format=ox.RdfFormat.TURTLE)
    >>> g = project(store)
    >>> sorted(g.nodes(data="label"))
    [('a', '甲'), ('h', '荣誉')]
    >>> [(u, v, k, d["year"]) for u, v, k, d in g.edges(keys=True, data=True)]
    [('a', 'h', 'hasHonour', 2024)]
    """
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
            **qualifier_attrs(row if fact else None)}


def node_index(g: nx.Graph) -> NameIndex:
    """The projection's entities found by id, label or alias (the rule of `kg.names`).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="晶睿电子", label_en="Jingrui Electronics", aliases=["晶睿"], cls="Company")
    >>> node_index(g).resolve("jingrui electronics")
    'a'
    """
    return NameIndex(Named(n, d.get("label", n), d.get("cls", ""),
                           (d.get("label", ""), d.get("label_en", ""), *d.get("aliases", ())))
                     for n, d in all_nodes(g))
