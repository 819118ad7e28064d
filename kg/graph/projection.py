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

How it reads: one scan of the store's default graph per property it needs
(`Store.quads_for_pattern`, an index range), joined in Python, instead of SPARQL with a dozen
OPTIONALs: 20% less CPU (585,000 triples in memory: 2.6 s against 3.2 s; on the build's on-disk
store, where every row costs more, 7 s against 15 s). Where a property has several
values the smallest wins (a fact's qualifiers: one edge per combination, as a SPARQL join
would give), and nodes and edges are added in IRI order, so the graph is the same every time.
tests/test_projection.py holds it equal to the SPARQL formulation it replaced. A build
projects its mapped triples the same way without a store (`project_triples`: the same
reads over the triples indexed by predicate).
"""

from __future__ import annotations

import collections
import itertools
import sys
from collections.abc import Iterable, Mapping
from typing import cast

import networkx as nx
import pyoxigraph as ox

from kg.collector import collector_paused
from kg.graph.records import EdgeData, NodeData, Qualifiers, all_nodes
from kg.names import NameIndex, Named
from kg.rdf.incremental import SortedNTriples, parse_lines
from kg.rdf.prefixes import PREFIXES
from kg.seeds import schema

LEVELS = {individual: key for key, individual in schema.HONOUR_LEVEL_INDIVIDUALS.items()}

STRUCTURE_LABELS = {"hasSegment": ("包含环节", "has segment"),
                    "upstreamOf": ("上游于", "upstream of")}

_IPK, _RDF = PREFIXES["ipk"], PREFIXES["rdf"]
_TYPE = _RDF + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_ALT_LABEL = PREFIXES["skos"] + "altLabel"
_IN_SCHEME = PREFIXES["skos"] + "inScheme"
_DERIVED_FROM = PREFIXES["prov"] + "wasDerivedFrom"
_QUOTE, _LEVEL, _INFERRED = _IPK + "quote", _IPK + "level", _IPK + "inferred"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Pair = tuple[Term | str, Term | str]  # (subject, object), as terms or as their values

def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _text(term: Term | str) -> str:
    """A term's value (an RDF-star triple, which no entity is, as its N-Triples text; a value
    already, as is). An IRI is interned: a statement's or an entity's is read from many
    triples, and held once."""
    if isinstance(term, str):
        return term
    if isinstance(term, ox.NamedNode):
        return sys.intern(term.value)
    return str(term) if isinstance(term, ox.Triple) else term.value


def _local(iri: str) -> str:
    """`local_name`, interned: an entity's node key is held once however many edges it ends."""
    return sys.intern(local_name(iri))


class _Scan:
    """A graph read one predicate at a time, every predicate at most once per projection;
    terms as their string values, whose hashing is cheap (pyoxigraph terms hash slowly)."""

    def __init__(self) -> None:
        self._read: dict[str, dict[str, list[str]]] = {}

    def pairs(self, predicate: str, obj: str | None = None) -> Iterable[Pair]:
        """(subject, object) of every triple with `predicate` (and object `obj`, if given)."""
        raise NotImplementedError

    def values(self, predicate: str) -> dict[str, list[str]]:
        """Subject → its objects' values for one predicate, each list sorted."""
        if predicate not in self._read:
            found: dict[str, list[str]] = {}
            for s, o in self.pairs(predicate):
                found.setdefault(_text(s), []).append(_text(o))
            for objects in found.values():
                if len(objects) > 1:
                    objects.sort()
            self._read[predicate] = found
        return self._read[predicate]

    def forget(self, predicates: Iterable[str]) -> None:
        """Let the values read of `predicates` go (the projection is done with them)."""
        for predicate in predicates:
            self._read.pop(predicate, None)

    def counts(self, predicate: str) -> Mapping[str, int]:
        """Subject → how many objects it has for one predicate."""
        return collections.Counter(_text(s) for s, _o in self.pairs(predicate))

    def labels(self, language: str) -> dict[str, str]:
        """Subject → its smallest rdfs:label in exactly this language."""
        found: dict[str, str] = {}
        for subject, o in self.pairs(_LABEL):
            s = _text(subject)
            if isinstance(o, ox.Literal) and o.language == language:
                if s not in found or o.value < found[s]:
                    found[s] = o.value
        return found


class _StoreScan(_Scan):
    """A store's default graph: one index range per predicate."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__()
        self.store = store

    def pairs(self, predicate: str, obj: str | None = None) -> Iterable[Pair]:
        return ((q.subject, q.object) for q in self.store.quads_for_pattern(
            None, ox.NamedNode(predicate), None if obj is None else ox.NamedNode(obj),
            ox.DefaultGraph()))


class _TripleScan(_Scan):
    """Triples in hand (a build's mapped triples, no duplicates), indexed by predicate in one
    pass: a build need not load them into a store to project them. Held as their values
    (IRIs interned), not as terms: a province's scan took 0.4 GB less."""

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]],
                 provenance: bool = True) -> None:
        """Without `provenance`, quotes and sources are only counted per subject."""
        super().__init__()
        kept = READ if provenance else READ - _PROVENANCE_READ
        self._pairs: dict[str, list[Pair]] = {p: [] for p in kept}
        self._counted: dict[str, collections.Counter[str]] = {} if provenance else {
            p: collections.Counter() for p in _PROVENANCE_READ}
        self._by_object: dict[str, dict[str, list[Pair]]] = {}
        for s, p, o in triples:
            predicate = p.value
            found = self._pairs.get(predicate)
            if found is not None:  # kept as values, but a label's language
                found.append((_text(s), o if predicate == _LABEL else _text(o)))
            elif (counted := self._counted.get(predicate)) is not None:
                counted[_text(s)] += 1

    def pairs(self, predicate: str, obj: str | None = None) -> Iterable[Pair]:
        """As `_Scan.pairs`. A predicate's terms go once read as values or grouped by object
        (a province's projection held both, and peaked at 2.2 GB): asked for again whole,
        they are a KeyError, as a predicate READ misses is, never an empty answer."""
        if obj is None:
            return self._pairs[predicate]
        if predicate not in self._by_object:  # rdf:type, asked once per class: grouped once
            grouped = self._by_object[predicate] = {}
            for s, o in self._pairs.pop(predicate):
                grouped.setdefault(_text(o), []).append((s, o))
        return self._by_object[predicate].get(obj, [])

    def values(self, predicate: str) -> dict[str, list[str]]:
        found = super().values(predicate)
        self._pairs.pop(predicate, None)
        return found

    def counts(self, predicate: str) -> Mapping[str, int]:
        if predicate in self._counted:  # counted as read, though no subject has one
            return self._counted[predicate]
        return super().counts(predicate)


def qualifier_attrs(values: dict[str, str | None] | None) -> Qualifiers:
    """A fact's statement qualifiers (raw values by YAML key) as edge attributes; all None
    without values (the chain-structure edges)."""
    attrs: dict[str, int | str | None] = {}
    for q in schema.EDGE_QUALIFIERS:
        value = None if values is None else values.get(q.key)
        if value is None:
            attrs[q.key] = None
        elif q.integer:
            attrs[q.key] = int(value)
        else:
            attrs[q.key] = _local(value) if q.node else value
    return cast(Qualifiers, attrs)  # tests/test_types.py: the schema's keys are Qualifiers' keys


def relation_labels(relation: str) -> tuple[str, str]:
    if relation in schema.RELATIONS:
        rel = schema.RELATIONS[relation]
        return rel.label_zh, rel.label_en
    return STRUCTURE_LABELS.get(relation, (relation, relation))


def _entities(scan: _Scan) -> dict[str, str]:
    """Every entity IRI with its class local name (the smallest, if typed twice)."""
    classes: dict[str, str] = {}
    for cls in schema.ENTITY_TYPES:
        for subject, _o in scan.pairs(_TYPE, _IPK + cls):
            e = _text(subject)
            if e not in classes or cls < classes[e]:
                classes[e] = cls
    return classes


def _add_nodes(g: nx.MultiDiGraph, scan: _Scan, classes: dict[str, str],
               quotes: dict[str, list[str]], sources: dict[str, list[str]]) -> None:
    zh, en = scan.labels("zh"), scan.labels("en")
    aliases, levels = scan.values(_ALT_LABEL), scan.values(_LEVEL)
    nothing = [""]
    for e in sorted(classes):
        ident = _local(e)
        node: NodeData = {
            "iri": e, "id": ident, "cls": classes[e],
            "label": zh.get(e) or ident, "label_en": en.get(e) or "",
            "aliases": sorted(set(aliases.get(e, ()))),
            "quote": quotes.get(e, nothing)[0],
            "source": local_name(sources.get(e, nothing)[0]),
            "level": LEVELS.get(local_name(levels.get(e, nothing)[0]), "")}
        g.add_node(ident, **node)


_FACT_KEYS = tuple(q.key for q in schema.EDGE_QUALIFIERS) + ("inferred", "quote", "src")
_FACT_PROVENANCE = (_QUOTE, _DERIVED_FROM)  # last: a lean projection counts them only
_FACT_PROPS = tuple(_IPK + q.prop for q in schema.EDGE_QUALIFIERS) + (_INFERRED, *_FACT_PROVENANCE)
Fact = tuple[str, str, str, str, tuple]
# Every predicate the projection reads (a _TripleScan keeps these triples only).
READ = frozenset((_TYPE, _LABEL, _ALT_LABEL, _IN_SCHEME, _QUOTE, _DERIVED_FROM, _LEVEL,
                  _IPK + "hasSegment", _IPK + "upstreamOf", *_FACT_PROPS,
                  *(_RDF + part for part in ("subject", "predicate", "object"))))


# What the projection keeps of these only as PROVENANCE attributes (kg.graph.scores): a node's
# or a fact's quote and source, and how many a statement has (each is one edge).
_PROVENANCE_READ = frozenset(_FACT_PROVENANCE)
# The classes whose names (labels, aliases) analytics.ttl never writes: it names only what it
# assesses (parks and other places, chains, segments; industries and clusters, which may develop
# chains, are kept to be safe), so a company or a product renamed leaves it as it was
# (kg.graph.scores).
NAMES_READ = frozenset((*schema.PLACES, "IndustryChain", "ChainSegment", "Industry",
                        "IndustryCluster"))
NAMES_UNREAD = frozenset(schema.ENTITY_TYPES) - NAMES_READ
_NAMES = frozenset((_LABEL, _ALT_LABEL))
_STATEMENT = _RDF + "Statement"
_SUBJECT, _PREDICATE, _OBJECT = (_RDF + part for part in ("subject", "predicate", "object"))
_STRUCTURE = frozenset((_IPK + "hasSegment", _IPK + "upstreamOf", _IN_SCHEME))


def unread_by_analytics(added: Iterable[ox.Triple], removed: Iterable[ox.Triple],
                        graph: SortedNTriples) -> bool:
    """Whether a graph that `added` and `removed` turned into `graph` projects as before but
    for attributes analytics.ttl does not read (PROVENANCE, and the names of NAMES_UNREAD
    classes), told from the change alone: so its analytics are the last build's. True when no
    entity gained or lost a class and every triple the projection reads that changed is

    - a quote or source of an entity or statement, as many per node as before;
    - a label or alias of an entity of a NAMES_UNREAD class (a company or a product renamed);
    - of a statement wholly replaced by one that says the same (a fact's quote is part of its
      statement's IRI) of a subject, relation and object no other statement links (the order
      of such edges follows their statements' IRIs);
    - of a node that is neither an entity nor a statement, or of a statement whose object is
      not an entity (a figure's quantity, renamed with its statement): no part of the
      projection.

    False says nothing: the projection is made and compared. tests/test_projection.py holds
    True to the same `analytics_key` on many changes."""
    added = [t for t in added if t.predicate.value in READ]
    removed = [t for t in removed if t.predicate.value in READ]
    entity_classes = {_IPK + cls for cls in schema.ENTITY_TYPES}
    if any(t.predicate.value in _STRUCTURE or (t.predicate.value == _TYPE and isinstance(
            t.object, ox.NamedNode) and t.object.value in entity_classes)
           for t in added + removed):
        return False  # the entities or the chains' structure changed

    def typed(node: Term, classes: set[str]) -> bool:
        return isinstance(node, ox.NamedNode) and any(
            t.object.value in classes for t in parse_lines(graph.types(node))
            if isinstance(t.object, ox.NamedNode))

    def links_an_entity(st: Term, triples: list[ox.Triple]) -> bool:
        return any(t.subject == st and t.predicate.value == _OBJECT
                   and typed(t.object, entity_classes) for t in triples)

    def statements(triples: list[ox.Triple]) -> set[ox.NamedNode]:
        return {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)
                and t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode)
                and t.object.value == _STATEMENT}

    def says(st: Term, triples: list[ox.Triple]) -> tuple:
        """What statement `st` says in `triples`: its other values, and how many of each
        provenance value it has."""
        own = [t for t in triples if t.subject == st]
        return (tuple(sorted((t.predicate.value, str(t.object)) for t in own
                             if t.predicate.value not in _PROVENANCE_READ)),
                tuple(sorted(collections.Counter(t.predicate.value for t in own
                                                 if t.predicate.value in _PROVENANCE_READ)
                             .items())))

    gone, new = statements(removed), statements(added)
    if any(graph.subject_lines(st) for st in gone):  # a statement that lost its type only
        return False
    made = set(added)
    for st in new:  # wholly new: every triple read of it was added
        if not {t for t in parse_lines(graph.subject_lines(st))
                if t.predicate.value in READ} <= made:
            return False
    gone_linking = {st for st in gone if links_an_entity(st, removed)}
    new_linking = {st for st in new if links_an_entity(st, added)}
    if collections.Counter(says(st, removed) for st in gone_linking) != \
            collections.Counter(says(st, added) for st in new_linking):
        return False
    # The rest must be provenance, as many per node as before, unless of no entity or statement.
    statement_class = {_STATEMENT}
    unnamed_classes = {_IPK + cls for cls in NAMES_UNREAD}
    counts: collections.Counter = collections.Counter()
    for t, sign in [(t, 1) for t in added if t.subject not in new] + [
            (t, -1) for t in removed if t.subject not in gone]:
        if not (typed(t.subject, entity_classes) or typed(t.subject, statement_class)):
            continue
        if t.predicate.value in _NAMES and typed(t.subject, unnamed_classes):
            continue
        if t.predicate.value not in _PROVENANCE_READ:
            return False
        counts[t.subject, t.predicate] += sign
    if any(counts.values()):
        return False
    return not _linked_twice(new_linking, added, graph)


def _linked_twice(statements: set[ox.NamedNode], triples: list[ox.Triple],
                  graph: SortedNTriples) -> bool:
    """Whether another statement in `graph` has the subject, predicate and object of one of
    `statements` (whose triples `triples` holds)."""
    links = {}
    for st in statements:
        values = {t.predicate.value: t.object for t in triples if t.subject == st}
        links[st] = (values.get(_SUBJECT), values.get(_PREDICATE), values.get(_OBJECT))
    if len(set(links.values())) < len(links):
        return True
    objects = [o for _s, _p, o in links.values() if isinstance(o, ox.NamedNode)]
    for t in parse_lines(graph.object_lines(objects)):
        if t.predicate.value != _OBJECT or t.subject in statements \
                or not isinstance(t.subject, ox.NamedNode):
            continue
        values = {u.predicate.value: u.object
                  for u in parse_lines(graph.subject_lines(t.subject))}
        if (values.get(_SUBJECT), values.get(_PREDICATE), t.object) in links.values():
            return True
    return False


def _facts(scan: _Scan, classes: dict[str, str], provenance: bool = True) -> list[Fact]:
    """(subject, predicate, object, statement, values of _FACT_KEYS) of every statement whose
    object is an entity, one per combination of qualifier values, in IRI order. Without
    `provenance`, a quote or source is None, as many times as the statement has one."""
    subjects, predicates, objects = (scan.values(_RDF + part)
                                     for part in ("subject", "predicate", "object"))
    read = _FACT_PROPS if provenance else _FACT_PROPS[:-len(_FACT_PROVENANCE)]
    tables = [scan.values(p) for p in read]
    counts = [] if provenance else [scan.counts(p) for p in _FACT_PROVENANCE]
    rows: list[Fact] = []
    for subject, _o in scan.pairs(_TYPE, _RDF + "Statement"):
        st = _text(subject)
        for s, p, o in itertools.product(subjects.get(st, ()), predicates.get(st, ()),
                                         objects.get(st, ())):
            if o not in classes:
                continue
            choices = [table.get(st) or (None,) for table in tables] + [
                (None,) * (count.get(st) or 1) for count in counts]
            for combination in itertools.product(*choices):
                rows.append((s, p, o, st, combination))
    # A statement's combinations come out in the order of its sorted values; a stable sort
    # on the IRIs keeps that order.
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    del tables, subjects, predicates, objects
    scan.forget((_SUBJECT, _PREDICATE, _OBJECT, *read))  # before the edges are made
    return rows


def _chain_edges(scan: _Scan, quotes: dict[str, list[str]], sources: dict[str, list[str]]
                 ) -> list[tuple[str, str, str, str | None, str | None]]:
    """(subject, relation, object, quote, source) of the chain structure: hasSegment
    (chain → segment) and upstreamOf (segment → next), provenance from the chain."""
    schemes = scan.values(_IN_SCHEME)
    rows = []
    for relation in ("hasSegment", "upstreamOf"):
        for subject, obj in scan.pairs(_IPK + relation):
            s = _text(subject)
            for chain in [s] if relation == "hasSegment" else schemes.get(s, []):
                for quote in quotes.get(chain) or (None,):
                    for src in sources.get(chain) or (None,):
                        rows.append((s, relation, _text(obj), quote, src))
    # Several rows for one edge (a chain with two quotes): the last, in a fixed order, wins.
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3] or "", r[4] or ""))
    return rows


@collector_paused()
def project(store: ox.Store, provenance: bool = True) -> nx.MultiDiGraph:
    """Project the entities and entity-to-entity facts of `store` into a MultiDiGraph.

    Without `provenance` (what a build's analytics read), every quote and source is "" and
    every statement IRI None; the nodes and edges are the same, as many and keyed alike.
    analytics.ttl and its key never read these (kg.graph.scores.PROVENANCE), and a province's
    projection held 0.4 GB less at its peak.

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
    return _project(_StoreScan(store), provenance)


@collector_paused()
def project_triples(triples: Iterable[tuple[Term, ox.NamedNode, Term]],
                    provenance: bool = True) -> nx.MultiDiGraph:
    """`project` of a store holding exactly `triples` ((subject, predicate, object) terms,
    each once), without the store: what a build does with its mapped triples.
    tests/test_projection.py holds the two equal."""
    return _project(_TripleScan(triples, provenance), provenance)


def _project(scan: _Scan, provenance: bool = True) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    classes = _entities(scan)
    quotes, sources = (scan.values(_QUOTE), scan.values(_DERIVED_FROM)) if provenance \
        else ({}, {})
    _add_nodes(g, scan, classes, quotes, sources)
    for s_iri, p_iri, o_iri, statement, values in _facts(scan, classes, provenance):
        s, o = _local(s_iri), _local(o_iri)
        if s not in g or o not in g:
            continue
        relation = _local(p_iri)
        key = relation
        n = 1
        while g.has_edge(s, o, key):  # the same relation twice (two sources): keep both
            n += 1
            key = f"{relation}#{n}"
        g.add_edge(s, o, key=key, **_edge(relation, statement if provenance else "",
                                          dict(zip(_FACT_KEYS, values))))
    for s_iri, relation, o_iri, quote, src in _chain_edges(scan, quotes, sources):
        g.add_edge(_local(s_iri), _local(o_iri), key=relation,
                   **_edge(relation, None, {"quote": quote, "src": src}))
    return g


def _edge(relation: str, statement: str | None, values: dict[str, str | None]) -> EdgeData:
    """An edge's attributes, in the order the graph files write them: a fact's from its
    statement; a chain-structure edge (no `statement`) has no qualifiers. A fact's
    `statement` is "" in a lean projection (no provenance): its attribute is None."""
    zh, en = relation_labels(relation)
    return {"relation": relation, "label": zh, "label_en": en, "statement": statement or None,
            "quote": values.get("quote") or "", "source": local_name(values.get("src") or ""),
            "inferred": statement is not None and values.get("inferred") == "true",
            **qualifier_attrs(values if statement is not None else None)}


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
