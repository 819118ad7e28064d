"""What changed between two builds, fact by fact: `kg diff OLD NEW`.

Both graphs are loaded into one in-memory Oxigraph store, each in its own named graph. Oxigraph
finds the subjects with a triple the other graph lacks (one anti-join each way, in Rust); only
those are read in Python, so two province-sized builds that differ by a week's edits cost two
parses and two joins, not a walk over every triple.

A fact is compared as a fact, never as triples: its `rdf:Statement` (subject, relation, object
or figure, qualifiers, source, quote) is read into a `FactView`, whose IRIs are replaced by
ids relative to the build's base IRI and whose figure (a Quantity node) is read into its
amount, unit and approximation. Statement and Quantity IRIs are content hashes that change
with any edit, so they are never compared or shown. Two facts are the same fact when they have
the same subject, relation, object (for a figure: any figure) and source; among those, the
facts whose content differs are paired as "changed", most alike first, and the rest are added
or removed. Entities (anything typed that is not a statement or a figure) are matched by id:
added, removed, or changed in their own attributes (labels, aliases, note, quote, source…).

The result is plain data (`Diff`); `render_text`, `render_md` and `to_json` turn it into text.
Blank nodes are only read as statements or figures (our builds have none); other blank-node
subjects are left out, since their labels change with every parse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, NotFound, counted
from kg.rdf.mapping import DEFAULT_BASE
from kg.rdf.prefixes import PREFIXES, curie
from kg.seeds import schema
from kg.tables import escape_controls, md_escape

Node = ox.NamedNode | ox.BlankNode
Term = Node | ox.Literal | ox.Triple
OLD = ox.NamedNode("urn:kg-diff:old")
NEW = ox.NamedNode("urn:kg-diff:new")
JSON_FORMAT = "kg-diff/1"  # the "format" key of --format json; bumped when a key changes meaning

_RDF, _RDFS, _IPK = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["ipk"]
_SKOS, _PROV = PREFIXES["skos"], PREFIXES["prov"]
RDF_TYPE = ox.NamedNode(_RDF + "type")
RDF_STATEMENT = ox.NamedNode(_RDF + "Statement")
RDF_PREDICATE = ox.NamedNode(_RDF + "predicate")
RDF_OBJECT = ox.NamedNode(_RDF + "object")
RDFS_LABEL = ox.NamedNode(_RDFS + "label")
IPK_QUANTITY = ox.NamedNode(_IPK + "Quantity")
SOURCE_CLASSES = {_IPK + "Article", _IPK + "NewspaperPage", _IPK + "Table"}

# Properties shown by the seeds' own keys, so a curator reads what they typed.
_NAMES = {
    _RDF + "type": "type", _RDFS + "label": "label", _SKOS + "altLabel": "aliases",
    _SKOS + "editorialNote": "note", _PROV + "wasDerivedFrom": "source", _IPK + "quote": "quote",
    _IPK + "sourceRow": "row", _IPK + "inferenceNote": "inferred", _IPK + "hasSegment": "segments",
    _IPK + "amount": "amount", _IPK + "unitText": "unit", _IPK + "approximation": "qualifier",
    **{_IPK + q.prop: q.key for q in schema.QUALIFIERS.values()},
}
# Left out of a statement's qualifiers: its frame, shown apart, or implied by another value.
_STATEMENT_FRAME = {_RDF + "type", _RDF + "subject", _RDF + "predicate", _RDF + "object",
                    _PROV + "wasDerivedFrom", _IPK + "quote", _IPK + "inferred"}
# Left out of a figure: derived from its amount and unit by the mapping.
_FIGURE_DERIVED = {_RDF + "type", _RDFS + "label", _IPK + "unit", _IPK + "normalizedAmount",
                   _IPK + "normalizedUnit"}
# ipk: individuals shown by their seeds key: stages, approximations, honour levels.
_INDIVIDUALS = {
    **{_IPK + s.local: key for key, s in schema.STAGES.items()},
    **{_IPK + local: key for key, (local, _zh, _en) in schema.QUANTITY_QUALIFIERS.items()},
    **{_IPK + local: key for key, local in schema.HONOUR_LEVEL_INDIVIDUALS.items()},
}
STATUS_ORDER = {"removed": 0, "changed": 1, "added": 2, "kept": 3}
SIGN = {"added": "+", "removed": "-", "changed": "~", "kept": " "}


class DiffInputError(KgError):
    """An argument of `kg diff` is neither a build nor a revision."""


# -- reading the two graphs ---------------------------------------------------------------------

GRAPH_FILES = ("kg.nt", "kg.ttl", "kg.trig")  # in an exports folder, the fastest to read first


def graph_file_of(path: Path, shown: str) -> Path:
    """The graph file a path names: the file itself, or an exports folder's kg.nt (else kg.ttl,
    kg.trig)."""
    if path.is_dir():
        for name in GRAPH_FILES:
            if (path / name).is_file():
                return path / name
        raise DiffInputError(f"{shown}: no {', '.join(GRAPH_FILES)} in this folder (give a "
                             "build's exports folder, a graph file, or a git revision)")
    if not path.is_file():
        raise NotFound(shown)
    return path


def load_triples(store: ox.Store, triples: Iterable[ox.Triple], graph: ox.NamedNode) -> None:
    """Load triples (e.g. a mapping's, without writing a file) into the named graph `graph`."""
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


# -- what a graph says, as comparable values ----------------------------------------------------

@dataclass(frozen=True, order=True)
class Val:
    """One value: `key` is what is compared (an id relative to the base, a literal with its
    datatype or language), `text` what is shown (a label with its id, the literal's text)."""

    key: str
    text: str
    id: str | None = None  # the entity's id when the value names one
    label: str | None = None  # and its label, when it has one


@dataclass(frozen=True)
class FactView:
    """A fact as one build states it, without its statement's IRI."""

    subject: str  # the subject's id, relative to the base
    relation: str
    object: Val  # an entity, a literal, or the figure (its text as printed, e.g. 超400家)
    figure: tuple[tuple[str, tuple[Val, ...]], ...] | None
    qualifiers: tuple[tuple[str, tuple[Val, ...]], ...]
    source: Val
    quote: str

    @property
    def match_key(self) -> tuple[str, str, str, str]:
        """What makes two facts the same fact, whatever else changed."""
        return (self.subject, self.relation,
                "figure" if self.figure is not None else self.object.key, self.source.key)

    def fields(self) -> dict[str, tuple[Val, ...]]:
        """Every compared part but the match key, by name."""
        parts = dict(self.figure or ())
        parts.update(self.qualifiers)
        parts["quote"] = (Val(self.quote, self.quote),)
        return parts


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class FactChange:
    status: str  # added, removed, changed
    old: FactView | None
    new: FactView | None
    changes: tuple[FieldChange, ...] = ()

    @property
    def fact(self) -> FactView:
        view = self.new or self.old
        assert view is not None  # a change has at least one side
        return view


@dataclass
class EntityChange:
    key: str  # the id relative to the base (kind/id)
    id: str
    iri: str
    classes: tuple[str, ...]
    label: str
    status: str  # added, removed, changed (its own attributes), kept (only its facts changed)
    attributes: tuple[FieldChange, ...] = ()
    facts: list[FactChange] = field(default_factory=list)


@dataclass
class Diff:
    old: str
    new: str
    old_base: str
    new_base: str
    entities: list[EntityChange]

    def summary(self) -> dict[str, int]:
        count: dict[str, int] = {}
        for ent in self.entities:
            if ent.status != "kept":
                count[f"entities_{ent.status}"] = count.get(f"entities_{ent.status}", 0) + 1
            for fact in ent.facts:
                count[f"facts_{fact.status}"] = count.get(f"facts_{fact.status}", 0) + 1
        return {f"{kind}_{status}": count.get(f"{kind}_{status}", 0)
                for kind in ("entities", "facts") for status in ("added", "removed", "changed")}

    @property
    def empty(self) -> bool:
        return not self.entities and self.old_base == self.new_base


def _base_of(store: ox.Store, graph: ox.NamedNode) -> str:
    """The base IRI a build minted its IRIs from, read off a statement or a source."""
    for quad in store.quads_for_pattern(None, RDF_TYPE, RDF_STATEMENT, graph):
        if isinstance(quad.subject, ox.NamedNode) and "statement/" in quad.subject.value:
            return quad.subject.value.rsplit("statement/", 1)[0]
        break
    for cls in sorted(SOURCE_CLASSES):
        for quad in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(cls), graph):
            if isinstance(quad.subject, ox.NamedNode) and "source/" in quad.subject.value:
                return quad.subject.value.rsplit("source/", 1)[0]
            break
    return DEFAULT_BASE


class _Side:
    """One build's graph in the shared store, read node by node."""

    def __init__(self, store: ox.Store, graph: ox.NamedNode):
        self.store, self.graph = store, graph
        self.base = _base_of(store, graph)
        self._labels: dict[str, str | None] = {}

    def rel(self, iri: str) -> str:
        return iri[len(self.base):] if iri.startswith(self.base) else iri

    def node(self, key: str) -> ox.NamedNode:
        return ox.NamedNode(key if ":" in key else self.base + key)

    def outgoing(self, node: Node) -> list[tuple[str, Term]]:
        return [(q.predicate.value, q.object)
                for q in self.store.quads_for_pattern(node, None, None, self.graph)]

    def types(self, node: Node) -> set[str]:
        return {q.object.value for q in self.store.quads_for_pattern(node, RDF_TYPE, None,
                                                                     self.graph)
                if not isinstance(q.object, ox.Triple)}

    def label(self, node: ox.NamedNode) -> str | None:
        """The node's Chinese label (else any label), or None."""
        if node.value not in self._labels:
            labels = sorted((q.object.language != "zh", q.object.language or "", q.object.value)
                            for q in self.store.quads_for_pattern(node, RDFS_LABEL, None,
                                                                  self.graph)
                            if isinstance(q.object, ox.Literal))
            self._labels[node.value] = labels[0][2] if labels else None
        return self._labels[node.value]

    def value(self, term: Term) -> Val:
        """A term as a comparable value: ids for our IRIs, seeds keys for our individuals."""
        if isinstance(term, ox.Literal):
            tag = f"@{term.language}" if term.language else f"^^{term.datatype.value}"
            return Val(term.value + tag, term.value)
        if isinstance(term, ox.NamedNode):
            if term.value in _INDIVIDUALS:
                return Val(term.value, _INDIVIDUALS[term.value])
            key = self.rel(term.value)
            if key == term.value:  # not minted by the build: shown as a prefixed name
                return Val(key, _relation(key))
            ident = entity_id(key)
            label = self.label(term)
            return Val(key, f"{label} ({ident})" if label and label != ident else ident, ident,
                       label)
        return Val("_:", "[blank node]")  # never compared by its label, which each parse renames

    def fact(self, stmt: Node) -> FactView | None:
        """The fact a statement node states, or None when it lacks a subject or predicate."""
        parts: dict[str, list[Term]] = {}
        for pred, obj in self.outgoing(stmt):
            parts.setdefault(pred, []).append(obj)
        subject = parts.get(_RDF + "subject")
        predicate = parts.get(_RDF + "predicate")
        if not subject or not predicate or not parts.get(_RDF + "object"):
            return None
        obj = parts[_RDF + "object"][0]
        figure = None
        if isinstance(obj, (ox.NamedNode, ox.BlankNode)) and \
                IPK_QUANTITY.value in self.types(obj):
            figure = self._figure(obj)
            label = self.label(obj) if isinstance(obj, ox.NamedNode) else None
            shown = label or " ".join(v.text for _n, vs in figure for v in vs)
            obj_val = Val("figure", shown)
        else:
            obj_val = self.value(obj)
        qualifiers = _named(self, ((p, o) for p, os in parts.items() if p not in _STATEMENT_FRAME
                                   for o in os))
        sources = sorted(self.value(o) for o in parts.get(_PROV + "wasDerivedFrom", []))
        sources = [Val(v.key, v.id or v.text, v.id) for v in sources]  # a source by its id
        quotes = sorted(_text(o) for o in parts.get(_IPK + "quote", []))
        return FactView(self.value(subject[0]).key, _relation(_text(predicate[0])), obj_val,
                        figure, qualifiers,
                        sources[0] if sources else Val("", "(no source)"),
                        " / ".join(quotes))

    def _figure(self, node: Node) -> tuple[tuple[str, tuple[Val, ...]], ...]:
        return _named(self, ((p, o) for p, o in self.outgoing(node) if p not in _FIGURE_DERIVED))


def _text(term: Term) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def _relation(iri: str) -> str:
    return iri[len(_IPK):] if iri.startswith(_IPK) else curie(iri)


def _named(side: _Side, pairs: Iterable[tuple[str, Term]]
           ) -> tuple[tuple[str, tuple[Val, ...]], ...]:
    """(property, value) pairs grouped by the property's seeds name, values sorted."""
    grouped: dict[str, list[Val]] = {}
    for pred, obj in pairs:
        name = _NAMES.get(pred) or curie(pred)
        if isinstance(obj, ox.Literal) and obj.language and obj.language != "zh":
            name += f"_{obj.language}"  # label_en, aliases_en: as the seeds write them
        val = side.value(obj)
        if name == "source":  # a source by its id, as the seeds cite it
            val = Val(val.key, val.id or val.text, val.id)
        grouped.setdefault(name, []).append(val)
    return tuple((name, tuple(sorted(set(vals)))) for name, vals in sorted(grouped.items()))


def entity_id(key: str) -> str:
    """The seeds id of an entity from its IRI relative to the base (company/teer-valve)."""
    return key.rsplit("/", 1)[-1] if "/" in key and ":" not in key else key


def _changes(old: dict[str, tuple[Val, ...]], new: dict[str, tuple[Val, ...]]
             ) -> tuple[FieldChange, ...]:
    out = []
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name, ()), new.get(name, ())
        if [v.key for v in a] != [v.key for v in b]:
            out.append(FieldChange(name, tuple(v.text for v in a), tuple(v.text for v in b)))
    return tuple(out)


def _alike(a: FactView, b: FactView) -> int:
    fa, fb = a.fields(), b.fields()
    return sum([v.key for v in fa[n]] == [v.key for v in fb.get(n, ())] for n in fa)


def _content(view: FactView) -> tuple:
    return tuple((n, tuple(v.key for v in vs)) for n, vs in sorted(view.fields().items()))


def pair_facts(olds: list[FactView], news: list[FactView]) -> list[FactChange]:
    """The changes between the facts of one match key: equal ones drop out, the rest are
    paired most alike first (ties in a fixed order), the unpaired are removed or added."""
    olds = sorted(olds, key=_content)
    news = sorted(news, key=_content)
    kept_new = {_content(v) for v in news}
    kept_old = {_content(v) for v in olds}
    olds = [v for v in olds if _content(v) not in kept_new]
    news = [v for v in news if _content(v) not in kept_old]
    candidates = sorted(((-_alike(a, b), i, j) for i, a in enumerate(olds)
                         for j, b in enumerate(news)))
    used_old: set[int] = set()
    used_new: set[int] = set()
    out = []
    for _score, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        out.append(FactChange("changed", olds[i], news[j],
                              _changes(olds[i].fields(), news[j].fields())))
    out += [FactChange("removed", v, None) for i, v in enumerate(olds) if i not in used_old]
    out += [FactChange("added", None, v) for j, v in enumerate(news) if j not in used_new]
    return out


_TOUCHED = """SELECT DISTINCT ?s WHERE {{ GRAPH <{a}> {{ ?s ?p ?o }}
  FILTER NOT EXISTS {{ GRAPH <{b}> {{ ?s ?p ?o }} }} }}"""


def _touched(store: ox.Store, a: ox.NamedNode, b: ox.NamedNode) -> Iterator[Term]:
    """The subjects with a triple in graph `a` that graph `b` lacks."""
    for row in store.query(_TOUCHED.format(a=a.value, b=b.value)):  # type: ignore[union-attr]
        yield row[0]


def _fact_predicates(store: ox.Store) -> set[str]:
    """The relations statements state, in either graph: their direct triples are facts, not
    attributes of the entity."""
    rows = store.query("SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s "
                       f"<{RDF_PREDICATE.value}> ?p }} }}")
    return {row[0].value for row in rows}  # type: ignore[union-attr]


def diff_graphs(store: ox.Store, old_name: str, new_name: str,
                old: ox.NamedNode = OLD, new: ox.NamedNode = NEW) -> Diff:
    """The difference between the graphs `old` and `new` of `store`, fact by fact."""
    sides = {"old": _Side(store, old), "new": _Side(store, new)}
    statements: dict[str, list[Node]] = {"old": [], "new": []}
    entity_keys: set[str] = set()
    for name, (a, b) in {"old": (old, new), "new": (new, old)}.items():
        side = sides[name]
        for node in _touched(store, a, b):
            if not isinstance(node, (ox.NamedNode, ox.BlankNode)):
                continue
            types = side.types(node)
            if RDF_STATEMENT.value in types:
                statements[name].append(node)
            elif IPK_QUANTITY.value in types:  # a figure's statements, not the figure alone
                statements[name] += [q.subject for q in store.quads_for_pattern(
                    None, RDF_OBJECT, node, side.graph) if not isinstance(q.subject, ox.Triple)]
            elif isinstance(node, ox.NamedNode):
                entity_keys.add(side.rel(node.value))
    # A statement touched on one side is read on both (it may differ on the other side under
    # the same IRI). An untouched statement is the same on both sides: it drops out anyway.
    nodes = {str(n): n for n in statements["old"] + statements["new"]}
    groups: dict[tuple, tuple[list[FactView], list[FactView]]] = {}
    for index, name in enumerate(("old", "new")):
        for text in sorted(nodes):
            view = sides[name].fact(nodes[text])
            if view is not None:
                groups.setdefault(view.match_key, ([], []))[index].append(view)
    facts: dict[str, list[FactChange]] = {}
    for match in sorted(groups):
        for change in pair_facts(*groups[match]):
            facts.setdefault(change.fact.subject, []).append(change)
    fact_predicates = _fact_predicates(store)
    entities = []
    for key in sorted(entity_keys | facts.keys()):
        ent = _entity(sides["old"], sides["new"], key, fact_predicates)
        ent.facts = sorted(facts.get(key, []), key=_fact_order)
        if ent.status != "kept" or ent.facts:
            entities.append(ent)
    return Diff(old_name, new_name, sides["old"].base, sides["new"].base, entities)


def _fact_order(change: FactChange) -> tuple:
    fact = change.fact
    return (fact.relation, fact.object.text, fact.source.key, STATUS_ORDER[change.status],
            fact.quote)


def _entity(old: _Side, new: _Side, key: str, fact_predicates: set[str]) -> EntityChange:
    described = {}
    for name, side in (("old", old), ("new", new)):
        node = side.node(key)
        pairs = [(p, o) for p, o in side.outgoing(node) if p not in fact_predicates]
        described[name] = dict(_named(side, pairs))
    was, now = described["old"], described["new"]
    attributes = _changes(was, now)
    status = "kept" if not attributes else "added" if not was else "removed" if not now \
        else "changed"
    shown = now or was
    labels = [v.text for v in shown.get("label", ())]
    side = new if now else old
    return EntityChange(key, entity_id(key), side.node(key).value,
                        tuple(v.text for v in shown.get("type", ())),
                        labels[0] if labels else entity_id(key), status, attributes)


# -- rendering ----------------------------------------------------------------------------------

def _summary_line(diff: Diff) -> str:
    if diff.empty:
        return "no differences"
    s = diff.summary()
    parts = []
    for kind, singular, plural in (("entities", "entity", "entities"), ("facts", "fact", None)):
        counts = [f"{s[f'{kind}_{st}']} {st}" for st in ("added", "removed", "changed")
                  if s[f"{kind}_{st}"]]
        if counts:
            total = sum(s[f"{kind}_{st}"] for st in ("added", "removed", "changed"))
            parts.append(f"{counted(total, singular, plural)}: {', '.join(counts)}")
    if diff.old_base != diff.new_base:
        parts.append("base IRI changed")
    return "; ".join(parts) or "no differences"


def _qualifier_text(fact: FactView) -> str:
    return ", ".join(f"{name}: {'; '.join(v.text for v in vals)}"
                     for name, vals in fact.qualifiers)


def _fact_head(fact: FactView) -> str:
    return f"{fact.relation} {fact.object.text}"


def _values(vals: tuple[str, ...]) -> str:
    return "; ".join(vals) if vals else "(none)"


def _shown_attributes(ent: EntityChange) -> tuple[FieldChange, ...]:
    """An added or removed entity's attributes but its class, which its heading gives."""
    if ent.status == "changed":
        return ent.attributes
    return tuple(a for a in ent.attributes if a.name != "type")


def render_text(diff: Diff) -> str:
    """Plain lines for a terminal, every text with its control characters escaped."""
    e = escape_controls
    lines = [e(f"kg diff {diff.old} → {diff.new}: {_summary_line(diff)}")]
    if diff.old_base != diff.new_base:
        lines.append(e(f"base IRI: {diff.old_base} → {diff.new_base} (entities compared by id)"))
    for ent in diff.entities:
        tag = "" if ent.status in ("changed", "kept") else f" [{ent.status}]"
        lines += ["", e(f"{SIGN[ent.status]} {ent.label} · {ent.id} · "
                        f"{', '.join(ent.classes) or '(untyped)'}{tag}")]
        for attr in _shown_attributes(ent):
            if ent.status == "changed":
                lines.append(e(f"    {attr.name}: {_values(attr.old)} → {_values(attr.new)}"))
            else:
                lines.append(e(f"    {attr.name}: {_values(attr.old or attr.new)}"))
        for change in ent.facts:
            fact = change.fact
            lines.append(e(f"  {SIGN[change.status]} {_fact_head(fact)} · source "
                           f"{fact.source.text}"))
            if change.status == "changed":
                shown = {c.name for c in change.changes}
                for c in change.changes:
                    lines.append(e(f"      {c.name}: {_values(c.old)} → {_values(c.new)}"))
                if "quote" not in shown:
                    lines.append(e(f"      quote: {fact.quote}"))
            else:
                if fact.qualifiers:
                    lines.append(e(f"      {_qualifier_text(fact)}"))
                lines.append(e(f"      quote: {fact.quote}"))
    return "\n".join(lines) + "\n"


def render_md(diff: Diff) -> str:
    """Markdown for a pull-request comment: a heading per entity, a list item per fact."""
    m = md_escape
    out = [f"### kg diff {m(diff.old)} → {m(diff.new)}", "", f"**{m(_summary_line(diff))}**"]
    if diff.old_base != diff.new_base:
        out += ["", f"Base IRI: {m(diff.old_base)} → {m(diff.new_base)} (entities compared by id)"]
    for ent in diff.entities:
        tag = "" if ent.status in ("changed", "kept") else f" ({ent.status})"
        out += ["", f"#### {m(ent.label)} · {m(ent.id)} · {m(', '.join(ent.classes))}{tag}", ""]
        for attr in _shown_attributes(ent):
            if ent.status == "changed":
                out.append(f"- {m(attr.name)}: {m(_values(attr.old))} → {m(_values(attr.new))}")
            else:
                out.append(f"- {m(attr.name)}: {m(_values(attr.old or attr.new))}")
        for change in ent.facts:
            fact = change.fact
            out.append(f"- **{change.status}** {m(_fact_head(fact))} · source "
                       f"{m(fact.source.text)}")
            if change.status == "changed":
                for c in change.changes:
                    out.append(f"  - {m(c.name)}: {m(_values(c.old))} → {m(_values(c.new))}")
                if "quote" not in {c.name for c in change.changes}:
                    out.append(f"  - quote: {m(fact.quote)}")
            else:
                if fact.qualifiers:
                    out.append(f"  - {m(_qualifier_text(fact))}")
                out.append(f"  - quote: {m(fact.quote)}")
    return "\n".join(out) + "\n"


def _fact_json(fact: FactView | None) -> dict | None:
    if fact is None:
        return None
    obj: dict[str, object]
    if fact.figure is not None:
        obj = {"figure": fact.object.text,
               **{name: "; ".join(v.text for v in vals) for name, vals in fact.figure}}
    elif fact.object.id is not None:
        obj = {"id": fact.object.id, "label": fact.object.label}
    else:
        obj = {"value": fact.object.text}
    return {"relation": fact.relation, "object": obj,
            "qualifiers": {name: "; ".join(v.text for v in vals) for name, vals in fact.qualifiers},
            "source": fact.source.id or fact.source.text, "quote": fact.quote}


def to_json(diff: Diff) -> str:
    """The documented JSON structure (README "Comparing builds"), keys in a fixed order."""
    doc = {
        "format": JSON_FORMAT,
        "old": {"name": diff.old, "base": diff.old_base},
        "new": {"name": diff.new, "base": diff.new_base},
        "differences": not diff.empty,
        "summary": diff.summary(),
        "entities": [{
            "id": ent.id, "iri": ent.iri, "classes": list(ent.classes), "label": ent.label,
            "status": ent.status,
            "attributes": [{"name": a.name, "old": list(a.old), "new": list(a.new)}
                           for a in ent.attributes],
            "facts": [{
                "status": ch.status,
                "changes": {c.name: {"old": "; ".join(c.old) or None,
                                     "new": "; ".join(c.new) or None} for c in ch.changes},
                "old": _fact_json(ch.old), "new": _fact_json(ch.new)}
                for ch in ent.facts],
        } for ent in diff.entities],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
