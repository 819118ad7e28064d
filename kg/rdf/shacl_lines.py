"""SHACL on sorted N-Triples lines: the shapes of `ontology/`, checked one subject at a time.

A cold build holds its graph as kg.nt's bytes, sorted, so each subject's triples sit together.
Every shape in shapes.ttl reads only what a node says of itself (simple paths), the types of
the nodes it points at (sh:class) and, for sh:targetObjectsOf, which nodes a predicate points
at. So two passes over the lines validate the graph: one gathers types, subclasses and the
objects that are targets, the other checks each subject's triples. No copy of the graph is
made: pyshacl-turbo, which this replaces on that path, builds its own, about three times the
memory of an Oxigraph store holding the graph, and spends half its time on it.

Each check does what pySHACL's constraint component does (`kg/rdf/validate.py` keeps pySHACL as
the reference, and tests/helpers.validate_both holds every shape test to it). Literal values are
compared by pySHACL's own functions on rdflib terms. A shapes file using anything not listed in
`compile_shapes` (or data this engine cannot be sure of) raises `Unsupported`, and the caller
validates with pyshacl-turbo instead: the same verdict, only slower.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS_OF = b"<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
RDFS_LABEL = b"<http://www.w3.org/2000/01/rdf-schema#label>"
_XSD_STRING_SUFFIX = b'"^^<http://www.w3.org/2001/XMLSchema#string>'
BLOCK = 1 << 24  # bytes of kg.nt split into lines at a time: the lines of one block live at once


class Unsupported(Exception):
    """The shapes or the data go beyond what this engine does exactly as pySHACL does."""


# What each shape may say besides its constraints; anything else is Unsupported.
_DESCRIPTIVE = {RDF.type, RDFS.label, RDFS.comment, SH.message, SH.name, SH.description,
                SH.order, SH.group}
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf}
# Parameters -> the component they report as (shapes.ttl's names: sh:...ConstraintComponent).
_COMPONENTS = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH["in"]: "In",
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive", SH.minLength: "MinLength", SH.maxLength: "MaxLength",
    SH.pattern: "Pattern", SH.languageIn: "LanguageIn", SH.uniqueLang: "UniqueLang",
    SH["or"]: "Or", SH.lessThanOrEquals: "LessThanOrEquals",
    SH.qualifiedValueShape: "QualifiedMinCount",
}
_STRUCTURE = {SH.path, SH.property, SH.qualifiedMinCount, SH.qualifiedMaxCount}


@dataclass(eq=False)
class Shape:
    """One shape, compiled: its own checks and its property shapes."""

    node: Any  # the shape in the shapes graph
    path: bytes | None  # the predicate, as N-Triples; None for a node shape
    checks: list[tuple[str, Any]] = field(default_factory=list)  # (component, parameter)
    properties: list[Shape] = field(default_factory=list)
    reports: bool = False  # has sh:message, so may be reported (else Unsupported)

    @property
    def local(self) -> bool:
        """Whether it reads nothing but the node itself (so it can judge any value node)."""
        return self.path is None and not self.properties and all(
            kind not in ("Or", "QualifiedMinCount", "LessThanOrEquals")
            or (kind == "Or" and all(s.local for s in param))
            or (kind == "QualifiedMinCount" and param[0].local)
            for kind, param in self.checks)


@dataclass
class Plan:
    """The shapes of a shapes graph, compiled: the targeted ones by how they target."""

    by_class: dict[bytes, list[Shape]]
    by_subject_of: dict[bytes, list[Shape]]
    by_object_of: dict[bytes, list[Shape]]


def _iri(node: Any, what: str) -> bytes:
    if not isinstance(node, URIRef):
        raise Unsupported(f"{what} is not an IRI: {node!r}")
    return f"<{node}>".encode()


def _one(shapes: Graph, node: Any, parameter: Any) -> Any:
    values = list(shapes.objects(node, parameter))
    if len(values) != 1:
        raise Unsupported(f"{len(values)} values of {parameter} on {node}")
    return values[0]


def compile_shapes(shapes: Graph) -> Plan:
    """The plan for `shapes`, or Unsupported when they use what this engine does not do."""
    compiled: dict[Any, Shape] = {}

    def shape(node: Any, within: tuple = ()) -> Shape:
        if node in within:
            raise Unsupported(f"a shape that contains itself: {node}")
        if node in compiled:
            return compiled[node]
        path = None
        paths = list(shapes.objects(node, SH.path))
        if paths:
            path = _iri(_one(shapes, node, SH.path), "sh:path")  # only simple paths
        made = Shape(node, path, reports=(node, SH.message, None) in shapes)
        inner = (*within, node)
        for predicate in set(shapes.predicates(node, None)):
            if predicate in _DESCRIPTIVE or predicate in _TARGETS or predicate in _STRUCTURE:
                continue
            kind = _COMPONENTS.get(predicate)  # type: ignore[call-overload]
            if kind is None:
                raise Unsupported(f"{predicate} on {node}")
            value = _one(shapes, node, predicate)
            if kind == "Class":
                made.checks.append((kind, _iri(value, "sh:class")))
            elif kind == "Datatype":
                _iri(value, "sh:datatype")
                made.checks.append((kind, value))
            elif kind == "NodeKind":
                if value not in (SH.IRI, SH.Literal, SH.BlankNode, SH.BlankNodeOrIRI,
                                 SH.BlankNodeOrLiteral, SH.IRIOrLiteral):
                    raise Unsupported(f"sh:nodeKind {value}")
                made.checks.append((kind, value))
            elif kind == "In":
                made.checks.append((kind, set(shapes.items(value))))
            elif kind in ("MinCount", "MaxCount", "MinLength", "MaxLength"):
                if not isinstance(value, Literal) or not isinstance(value.value, int) \
                        or isinstance(value.value, bool) or value.value < 0:
                    raise Unsupported(f"{predicate} {value!r}")
                made.checks.append((kind, value.value))
            elif kind in ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive"):
                if not isinstance(value, Literal):
                    raise Unsupported(f"{predicate} {value!r}")
                made.checks.append((kind, value))
            elif kind == "Pattern":
                if (node, SH.flags, None) in shapes or not isinstance(value, Literal):
                    raise Unsupported("sh:pattern with sh:flags")
                made.checks.append((kind, re.compile(str(value))))
            elif kind == "LanguageIn":
                tags = list(shapes.items(value))
                if not all(isinstance(tag, Literal) and isinstance(tag.value, str)
                           for tag in tags):
                    raise Unsupported(f"sh:languageIn {value!r}")
                made.checks.append((kind, {str(tag).lower() for tag in tags}))
            elif kind == "UniqueLang":
                if value != Literal(True):
                    raise Unsupported(f"sh:uniqueLang {value!r}")
                made.checks.append((kind, True))
            elif kind == "Or":
                members = [shape(member, inner) for member in shapes.items(value)]
                if not members:
                    raise Unsupported(f"sh:or {value!r}")
                made.checks.append((kind, members))
            elif kind == "LessThanOrEquals":
                made.checks.append((kind, _iri(value, "sh:lessThanOrEquals")))
            elif kind == "QualifiedMinCount":
                least = shapes.value(node, SH.qualifiedMinCount)
                most = shapes.value(node, SH.qualifiedMaxCount)
                if most is not None or not isinstance(least, Literal) \
                        or not isinstance(least.value, int) \
                        or (node, SH.qualifiedValueShapesDisjoint, None) in shapes:
                    raise Unsupported("sh:qualifiedValueShape other than with a sh:qualifiedMinCount")
                made.checks.append((kind, (shape(value, inner), least.value)))
        made.properties = [shape(member, inner) for member in shapes.objects(node, SH.property)]
        if any(p.path is None for p in made.properties) or (path and made.properties):
            raise Unsupported(f"sh:property on {node}")
        for kind, param in made.checks:
            # what judges a value node other than the focus must read that node alone
            if path is not None and ((kind == "Or" and not all(s.local for s in param))
                                     or (kind == "QualifiedMinCount" and not param[0].local)):
                raise Unsupported(f"a value shape reading paths on {node}")
        compiled[node] = made
        return made

    plan = Plan({}, {}, {})
    targeted = {s for t in _TARGETS for s in shapes.subjects(t, None)}
    for node in shapes.subjects(SH.targetNode, None):
        raise Unsupported(f"sh:targetNode on {node}")
    for node in shapes.subjects(RDF.type, None):  # implicit class targets
        if (node, RDF.type, RDFS.Class) in shapes or (node, RDF.type, URIRef(
                "http://www.w3.org/2002/07/owl#Class")) in shapes:
            if (node, RDF.type, SH.NodeShape) in shapes or (node, RDF.type,
                                                            SH.PropertyShape) in shapes:
                raise Unsupported(f"an implicit class target: {node}")
    for deactivated in shapes.subjects(SH.deactivated, None):
        raise Unsupported(f"sh:deactivated on {deactivated}")
    for severe in shapes.subjects(SH.severity, None):
        raise Unsupported(f"sh:severity on {severe}")
    for node in sorted(targeted, key=str):
        made = shape(node)
        if made.path is not None:
            raise Unsupported(f"a property shape with a target: {node}")
        for reporting in (made, *made.properties):
            if reporting.checks and not reporting.reports:  # pySHACL's own words would differ
                raise Unsupported(f"no sh:message on {reporting.node}")
        for target, into in ((SH.targetClass, plan.by_class),
                             (SH.targetSubjectsOf, plan.by_subject_of),
                             (SH.targetObjectsOf, plan.by_object_of)):
            for value in shapes.objects(node, target):
                into.setdefault(_iri(value, str(target)), []).append(made)
    return plan


# N-Triples terms ------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
           "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        if match.group(3) is not None:
            if match.group(3) not in _SIMPLE:
                raise Unsupported(f"an escape \\{match.group(3)}")
            return _SIMPLE[match.group(3)]
        return chr(int(match.group(1) or match.group(2), 16))

    return _ESCAPE.sub(one, text)


def literal_parts(term: bytes) -> tuple[str, str | None, str | None]:
    """(lexical form, language, datatype IRI) of an N-Triples literal term."""
    end = term.rindex(b'"')
    lexical = _unescape(term[1:end].decode())
    rest = term[end + 1:]
    if not rest:
        return lexical, None, None
    if rest.startswith(b"@"):
        return lexical, rest[1:].decode(), None
    if rest.startswith(b"^^<") and rest.endswith(b">"):
        return lexical, None, _unescape(rest[3:-1].decode())
    raise Unsupported(f"a literal term {term[:80]!r}")


def rdflib_term(term: bytes) -> Any:
    """The rdflib term of an N-Triples term (as pySHACL would have read it)."""
    if term.startswith(b"<") and term.endswith(b">"):
        return URIRef(_unescape(term[1:-1].decode()))
    if term.startswith(b"_:"):
        return BNode(term[2:].decode())
    if term.startswith(b'"'):
        lexical, language, datatype = literal_parts(term)
        return Literal(lexical, lang=language, datatype=datatype)
    raise Unsupported(f"a term {term[:80]!r}")


# The checks -----------------------------------------------------------------------------------

Check = Callable[[list[bytes], bytes, dict[bytes, list[bytes]]], Any]  # -> the failing values
_NO_VALUE = (None,)  # a result without sh:value (counts)


class Checker:
    """Each shape's checks as functions of (value nodes, focus node, the focus's own triples:
    predicate -> objects) giving the values that fail (None for a count), each doing what
    pySHACL's component does; and, for a set of targeting shapes, the program that runs them.
    `closure` gives a node's classes and their superclasses; rdflib terms are made once."""

    def __init__(self, closure: dict[bytes, frozenset[bytes]]):
        from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
        from pyshacl.rdfutil.compare import compare_literal

        self.closure = closure
        self._terms: dict[bytes, Any] = {}
        # a method that reads nothing of its component: called with None for it
        self._actual_datatype: Callable[[Any, Literal, Any], bool] = \
            DatatypeConstraintComponent._assert_actual_datatype
        self._compare = compare_literal
        self._checks: dict[int, list[tuple[str, Check]]] = {}
        self._programs: dict[tuple[int, ...], Program] = {}

    def term(self, node: bytes) -> Any:
        found = self._terms.get(node)
        if found is None:
            found = self._terms[node] = rdflib_term(node)
        return found

    def checks(self, shape: Shape) -> list[tuple[str, Check]]:
        made = self._checks.get(id(shape))
        if made is None:
            made = self._checks[id(shape)] = [(kind, self._check(kind, param))
                                              for kind, param in shape.checks]
        return made

    def program(self, shapes: list[Shape]) -> Program:
        """What judging a node targeted by `shapes` runs, made once per set of shapes."""
        key = tuple(id(shape) for shape in shapes)
        made = self._programs.get(key)
        if made is None:
            made = self._programs[key] = Program(shapes, [], {}, [])
            seen: set[int] = set()
            for top in shapes:
                for kind, check in self.checks(top):
                    made.on_focus.append((top, kind, check))
                for prop in top.properties:
                    if id(prop) in seen:
                        continue  # a property shape two targeting shapes share reports once
                    seen.add(id(prop))
                    assert prop.path is not None
                    for kind, check in self.checks(prop):
                        made.by_path.setdefault(prop.path, []).append((prop, kind, check))
                        if check([], b"", {}):  # fails with no values: a minimum count
                            made.when_absent.append((prop.path, prop, kind))
        return made

    def conforms(self, shape: Shape, node: bytes, focus: bytes,
                 group: dict[bytes, list[bytes]]) -> bool:
        """Whether `node` conforms to `shape` (an sh:or member, a qualified value shape)."""
        if node != focus:
            if not shape.local:
                raise Unsupported("a shape reading paths on a value node")  # compile_shapes stops it
            group = {}
        values = [node] if shape.path is None else group.get(shape.path, [])
        return not any(check(values, node, group) for _kind, check in self.checks(shape)) \
            and all(self.conforms(prop, node, node, group) for prop in shape.properties)

    def _check(self, kind: str, param: Any) -> Check:
        term = self.term
        if kind == "MinCount":
            return lambda values, _f, _g: _NO_VALUE if len(values) < param else ()
        if kind == "MaxCount":
            return lambda values, _f, _g: _NO_VALUE if len(values) > param else ()
        if kind == "Class":
            closure = self.closure
            return lambda values, _f, _g: [v for v in values
                                           if param not in closure.get(v, _NONE)]
        if kind == "Datatype":
            if param == _LANG_STRING:  # the bulk (quotes, labels): no rdflib term needed
                return lambda values, _f, _g: [v for v in values if not _tagged(v)]
            return lambda values, _f, _g: [v for v in values
                                           if not self._has_datatype(v, param)]
        if kind == "NodeKind":
            allowed = {first for first, kinds in _NODE_KINDS.items() if param in kinds}
            return lambda values, _f, _g: [v for v in values if v[:1] not in allowed]
        if kind == "In":
            iris = {_iri(member, "sh:in") for member in param if isinstance(member, URIRef)}
            # an IRI is in the list when its text is; other terms compare as rdflib's
            return lambda values, _f, _g: [v for v in values if v not in iris and (
                v[:1] == b"<" or term(v) not in param)]
        if kind in _RANGES:
            return lambda values, _f, _g: [v for v in values
                                           if not self._in_range(kind, param, v)]
        if kind in ("MinLength", "MaxLength", "Pattern"):
            return lambda values, _f, _g: [v for v in values
                                           if not self._string_ok(kind, param, v)]
        if kind == "LanguageIn":
            return lambda values, _f, _g: [v for v in values if not _language_in(v, param)]
        if kind == "UniqueLang":
            return lambda values, _f, _g: _unique_lang(values)
        if kind == "Or":
            classes = _classes_only(param)
            if classes is not None:  # the common case, [ sh:class A ] [ sh:class B ] ...
                closure = self.closure
                return lambda values, _f, _g: [v for v in values
                                               if not classes & closure.get(v, _NONE)]
            return lambda values, f, g: [v for v in values if not any(
                self.conforms(member, v, f, g) for member in param)]
        if kind == "QualifiedMinCount":
            shape, least = param
            return lambda values, f, g: _NO_VALUE if sum(
                self.conforms(shape, v, f, g) for v in values) < least else ()
        if kind == "LessThanOrEquals":
            return lambda values, _f, g: list(self._less_than_or_equals(values, g.get(param, [])))
        raise Unsupported(kind)  # compile_shapes admits no other

    def _has_datatype(self, value: bytes, datatype: Any) -> bool:
        """pySHACL's DatatypeConstraintComponent.evaluate, for one value node."""
        if not value.startswith(b'"'):
            return False
        if datatype == _XSD_STRING and value.endswith(b'"'):
            return True  # a plain literal, a string
        literal = self.term(value)
        if literal.datatype == datatype:
            if getattr(literal, "ill_typed", None) is True:
                return False
            return bool(self._actual_datatype(None, literal, datatype))
        if datatype == RDFS.Literal:
            return True
        if datatype == RDFS.Datatype and literal.datatype:
            return True
        if literal.datatype is None and literal.language is None and datatype == XSD.string:
            return bool(self._actual_datatype(None, literal, datatype))
        if datatype == RDF.langString and literal.language:
            return bool(self._actual_datatype(None, literal, datatype))
        return False

    def _in_range(self, kind: str, bound: Literal, value: bytes) -> bool:
        """pySHACL's value range components, for one value node."""
        if not value.startswith(b'"'):
            return False  # blank nodes and IRIs do not compare
        literal = self.term(value)
        if isinstance(bound.value, str) != isinstance(literal.value, str):
            return False
        try:
            order = self._compare(literal, bound)
        except (TypeError, NotImplementedError):
            return False
        return _RANGES[kind](order)

    def _string_ok(self, kind: str, param: Any, value: bytes) -> bool:
        """pySHACL's string-based components, for one value node."""
        if value.startswith(b"_:"):
            return kind == "MinLength" and param == 0
        if kind == "MinLength" and value[:1] == b'"' and \
                value.rindex(b'"') - 1 >= 4 * param and b"\\" not in value:
            return True  # more bytes than 4 per character: more characters than needed
        text = literal_parts(value)[0] if value.startswith(b'"') else str(self.term(value))
        if kind == "MinLength":
            return param == 0 or len(text) >= param
        if kind == "MaxLength":
            return len(text) <= param
        return bool(param.match(text) or param.search(text))

    def _less_than_or_equals(self, values: list[bytes],
                             others: list[bytes]) -> Iterator[bytes]:
        """pySHACL's _compare_ltoe: a result for each pair out of order."""
        for value in dict.fromkeys(values):
            if value.startswith(b"_:") or any(o.startswith(b"_:") for o in others):
                raise Unsupported("sh:lessThanOrEquals on a blank node")  # pySHACL stops
            left = _comparable(self.term(value))
            for other in others:
                right = _comparable(self.term(other))
                if isinstance(left, str) != isinstance(right, str) or not left <= right:
                    yield value


@dataclass
class Program:
    """The checks for a node some set of shapes targets: those on the node itself, those on
    the values of each predicate, and the (path, shape, component) that fail when the node
    has no values there."""

    shapes: list[Shape]
    on_focus: list[tuple[Shape, str, Check]]
    by_path: dict[bytes, list[tuple[Shape, str, Check]]]
    when_absent: list[tuple[bytes, Shape, str]]

    def run(self, node: bytes, group: dict[bytes, list[bytes]],
            into: list[tuple[Shape, str, bytes | None]]) -> None:
        if self.on_focus:
            focus = [node]
            for shape, kind, check in self.on_focus:
                for value in check(focus, node, group):
                    into.append((shape, kind, value))
        by_path = self.by_path
        for path, values in group.items():
            checks = by_path.get(path)
            if checks is not None:
                for shape, kind, check in checks:
                    failing = check(values, node, group)
                    if failing:
                        into.extend((shape, kind, value) for value in failing)
        for path, shape, kind in self.when_absent:
            if path not in group:
                into.append((shape, kind, None))


_NONE: frozenset[bytes] = frozenset()
_XSD_STRING, _LANG_STRING = XSD.string, RDF.langString


def _classes_only(members: list[Shape]) -> frozenset[bytes] | None:
    """The classes of sh:or members that are each one sh:class and nothing else, else None."""
    if all(m.path is None and not m.properties and len(m.checks) == 1
           and m.checks[0][0] == "Class" for m in members):
        return frozenset(m.checks[0][1] for m in members)
    return None


def _tagged(value: bytes) -> bool:
    """Whether an N-Triples term is a literal with a language tag."""
    return value[:1] == b'"' and value[value.rindex(b'"') + 1:][:1] == b"@"


def _language(value: bytes) -> str | None:
    """The language tag of an N-Triples term, if it is a literal with one."""
    if value[:1] != b'"':
        return None
    tail = value[value.rindex(b'"') + 1:]
    return tail[1:].decode() if tail[:1] == b"@" else None


def _language_in(value: bytes, languages: set[str]) -> bool:
    """pySHACL's LanguageInConstraintComponent: the tag, or its first part, in the list."""
    language = _language(value)
    return bool(language) and (language.lower() in languages  # type: ignore[union-attr]
                               or language.split("-")[0].lower() in languages)  # type: ignore[union-attr]


def _unique_lang(values: list[bytes]) -> list[None]:
    """pySHACL's UniqueLangConstraintComponent: a result (with no value) per repeated tag."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for value in values:
        language = _language(value)
        if language:
            (repeated if language.lower() in seen else seen).add(language.lower())
    return [None] * len(repeated)


def _comparable(term: Any) -> Any:
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal) and isinstance(term.value, str):
        return term.value
    return term


_RANGES: dict[str, Callable[[int], bool]] = {
    "MinInclusive": lambda order: order >= 0, "MaxInclusive": lambda order: order <= 0,
    "MinExclusive": lambda order: order > 0, "MaxExclusive": lambda order: order < 0}
# A term's first character -> the node kinds it matches.
_NODE_KINDS = {
    b"<": {SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI},
    b"_": {SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI},
    b'"': {SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral}}


# The passes -----------------------------------------------------------------------------------

def _lines(text: bytes) -> Iterator[list[bytes]]:
    """The lines of `text`, a block's list at a time, without their ends."""
    start, size = 0, len(text)
    while start < size:
        end = text.find(b"\n", min(start + BLOCK, size))
        end = size if end < 0 else end
        yield text[start:end].split(b"\n")
        start = end + 1


def _bad_line(line: bytes) -> Unsupported:
    return Unsupported(f"a line not in the build's N-Triples form: {line[:80]!r}")


def triples(text: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(subject, predicate, object) of each line of N-Triples as the build and Oxigraph write
    them: one space between terms, " ." at the end; xsd:string literals written plain."""
    for s, p, rest in _triples_fast(text):
        yield s, p, _object(rest)


def _triples_fast(text: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """`triples`, the objects left as they end the line, " ." and all (`_object` reads them):
    the first pass reads the objects of a few predicates only."""
    for block in _lines(text):
        for line in block:
            try:
                s, p, o = line.split(b" ", 2)
            except ValueError:
                if line.strip():
                    raise _bad_line(line) from None
                continue
            yield s, p, o


def _object(rest: bytes) -> bytes:
    """The object term of what follows the predicate on a line."""
    rest = rest.rstrip(b"\r")
    if rest[-2:] != b" .":
        raise _bad_line(rest)
    obj = rest[:-2]
    if obj.endswith(_XSD_STRING_SUFFIX):
        obj = obj[:-len(_XSD_STRING_SUFFIX) + 1]
    return obj


@dataclass
class Found:
    """What the passes found: each result as (focus, shape, component, value), and the labels
    of the focus nodes with results (N-Triples literal terms)."""

    results: list[tuple[bytes, Shape, str, bytes | None]]
    labels: dict[bytes, list[bytes]]


class _Scattered(Exception):
    """A subject's lines are not together: the text must be sorted first."""


def check(text: bytes, extra: bytes, plan: Plan) -> Found:
    """Validate the N-Triples `text` and `extra` (the ontology as mixed in) against `plan`.
    Fastest when `text` is sorted (a subject's lines together); if it is not, its lines are
    sorted first."""
    closure, targeted, grouped = _gather(text, extra, plan)
    mixed: dict[bytes, list[tuple[bytes, bytes]]] = {}
    for s, p, o in triples(extra):
        mixed.setdefault(s, []).append((p, o))
    checker = Checker(closure)
    by_closure: dict[frozenset[bytes], Program] = {}
    found = Found([], {})
    by_class, by_subject_of, by_object_of = plan.by_class, plan.by_subject_of, plan.by_object_of

    def judge(node: bytes, group: dict[bytes, list[bytes]]) -> None:
        extra_lines = mixed.pop(node, None)
        if extra_lines:
            for p, o in extra_lines:
                values = group.setdefault(p, [])
                if o not in values:
                    values.append(o)
        classes = closure.get(node, _NONE)
        program = by_closure.get(classes)
        if program is None:
            program = by_closure[classes] = checker.program(list(dict.fromkeys(
                shape for c in sorted(classes) for shape in by_class.get(c, ()))))
        more = [shape for p in group if p in by_subject_of for shape in by_subject_of[p]]
        if node in targeted:
            more.extend(shape for p in sorted(targeted.pop(node)) for shape in by_object_of[p])
        if more:
            program = checker.program(list(dict.fromkeys(program.shapes + more)))
        if not program.shapes:
            return
        for p, values in group.items():
            if len(values) > 1 and len(set(values)) != len(values):  # "x" and "x"^^xsd:string
                group[p] = list(dict.fromkeys(values))
        wrong: list[tuple[Shape, str, bytes | None]] = []
        program.run(node, group, wrong)
        if wrong:
            found.results.extend((node, shape, kind, value) for shape, kind, value in wrong)
            found.labels[node] = group.get(RDFS_LABEL, [])

    if not grouped:
        text = b"\n".join(sorted({line for block in _lines(text) for line in block}))
    _judge_each_subject(text, judge)
    for node in sorted(mixed):
        judge(node, {})
    for node in sorted(targeted):  # targets with no triples of their own (literals, say)
        judge(node, {})
    return found


def _judge_each_subject(text: bytes,
                        judge: Callable[[bytes, dict[bytes, list[bytes]]], None]) -> None:
    """Call `judge` with each subject of `text` (whose lines sit together) and its triples,
    as predicate -> objects."""
    current: bytes | None = None
    group: dict[bytes, list[bytes]] = {}
    for s, p, o in _triples_fast(text):
        if o[-2:] != b" .":
            o = _object(o)
        else:
            o = o[:-2]
            if o.endswith(_XSD_STRING_SUFFIX):
                o = o[:-len(_XSD_STRING_SUFFIX) + 1]
        if s != current:
            if current is not None:
                judge(current, group)
            current, group = s, {}
        values = group.get(p)
        if values is None:
            group[p] = [o]
        elif values[-1] != o:
            values.append(o)
    if current is not None:
        judge(current, group)


def _gather(text: bytes, extra: bytes, plan: Plan
            ) -> tuple[dict[bytes, frozenset[bytes]], dict[bytes, set[bytes]], bool]:
    """The first pass: each node's classes with their superclasses (one set shared by the
    nodes of the same types), the nodes targeted as objects of a predicate (with those
    predicates), and whether each subject's lines in `text` sit together."""
    types: dict[bytes, list[bytes]] = {}
    subclass: dict[bytes, list[bytes]] = {}
    targeted: dict[bytes, set[bytes]] = {}
    of_object = plan.by_object_of
    seen: set[bytes] = set()
    grouped, current = True, None
    for source in (text, extra):
        for s, p, o in _triples_fast(source):
            if s != current and source is text:
                if s[:1] != b"<" and s[:2] != b"_:":  # a comment, say: not the build's form
                    raise _bad_line(s)
                if s in seen:
                    grouped = False
                seen.add(s)
                current = s
            if p == RDF_TYPE:
                o = _object(o)
                known = types.get(s)
                if known is None:
                    types[s] = [o]
                elif o not in known:
                    known.append(o)
            elif p == SUBCLASS_OF:
                subclass.setdefault(s, []).append(_object(o))
            if p in of_object:
                targeted.setdefault(_object(o), set()).add(p)
    del seen
    supers: dict[bytes, frozenset[bytes]] = {}
    for cls in {t for known in types.values() for t in known}:
        found, todo = {cls}, [cls]
        while todo:
            for up in subclass.get(todo.pop(), ()):
                if up not in found:
                    found.add(up)
                    todo.append(up)
        supers[cls] = frozenset(found)
    shared: dict[tuple[bytes, ...], frozenset[bytes]] = {}
    closure: dict[bytes, frozenset[bytes]] = {}
    for node, known in types.items():
        key = tuple(known)
        classes = shared.get(key)
        if classes is None:
            classes = shared[key] = frozenset().union(*(supers[t] for t in known))
        closure[node] = classes
    return closure, targeted, grouped
