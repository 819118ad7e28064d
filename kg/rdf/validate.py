"""Validate a built graph against the SHACL shapes in `ontology/`.

Two engines, one report: `validate_store` runs pyshacl-turbo (a Rust engine) on a pyoxigraph
store, the fast path at province size; `validate_graph` runs pySHACL on an rdflib Graph and stays
the reference the tests hold the fast engine to (tests/test_shacl_parity.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.collector import collector_paused
from kg.errors import EXIT_NOT_CONFORMING, InputError, KgError, Problem, counted
from kg.rdf import shacl_lines
from kg.rdf.prefixes import curie

if TYPE_CHECKING:
    import pyoxigraph as ox

ONTOLOGY_FILE = "ipk.ttl"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True, order=True)
class Violation:
    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    severity: str


@dataclass(frozen=True, order=True)
class ShapeResult:
    """One sh:ValidationResult as exact terms: what the two engines must agree on.

    focus, path and value are N-Triples terms; shape names a blank-node shape by where it sits in
    shapes.ttl (`ipks:HonourShape/sh:property ipk:level`), so names compare across parses.
    """

    focus: str
    path: str
    value: str
    severity: str
    shape: str
    component: str


@dataclass
class ValidationResult:
    conforms: bool
    violations: list[Violation]
    triples: int
    # Every result, one per shape and constraint (violations merge those with the same words).
    results: frozenset[ShapeResult] = field(default_factory=frozenset)

    def report(self) -> str:
        """One line per violation, then a count."""
        lines = []
        for v in self.violations:
            who = f"{v.focus_label} ({v.focus})" if v.focus_label else v.focus
            where = f" {v.path}" if v.path else ""
            value = f" = {v.value}" if v.value else ""
            lines.append(f"{v.severity}: {who}{where}{value}: {v.message}")
        lines.append(f"{counted(len(self.violations), 'violation')} in "
                     f"{counted(self.triples, 'triple')}.")
        return "\n".join(lines)


class NotConforming(KgError):
    """The graph breaks the shapes. From `kg build`, nothing was written."""

    exit_code = EXIT_NOT_CONFORMING

    def __init__(self, result: ValidationResult, written: bool = False):
        self.result = result
        self.written = written
        super().__init__(f"{len(result.violations)} SHACL violations")

    def report(self) -> str:
        return self.result.report() + "\nThe graph does not conform to the shapes" + (
            "." if self.written else "; nothing was written.")


def _ontology_files(ontology_dir: str | Path) -> tuple[Path, Path]:
    folder = Path(ontology_dir)
    missing = [Problem(str(folder / name), 0, 0, "ontology file not found",
                       "pass --ontology with the folder holding ipk.ttl and shapes.ttl")
               for name in (ONTOLOGY_FILE, SHAPES_FILE) if not (folder / name).is_file()]
    if missing:
        raise InputError(missing)
    return folder / ONTOLOGY_FILE, folder / SHAPES_FILE


def _parse_turtle(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds; BadSyntax knows the line
        line = getattr(exc, "lines", -1) + 1
        why = getattr(exc, "_why", None) or str(exc).splitlines()[0]
        raise InputError([Problem(str(path), line, 0, f"not readable as Turtle: {why}",
                                  "fix the file, or pass --ontology with another folder")]) from None


def load_ontology(ontology_dir: str | Path) -> tuple[Graph, Graph]:
    """The OWL ontology and the SHACL shapes, parsed (fresh graphs: pySHACL adds to the shapes)."""
    ontology_file, shapes_file = _ontology_files(ontology_dir)
    return _parse_turtle(ontology_file), _parse_turtle(shapes_file)


def validation_fingerprint(ontology_dir: str | Path) -> str:
    """What a verdict depends on besides the data: the ontology, the shapes and the engine.
    A rebuild trusts the previous build's verdict only under the same fingerprint."""
    from importlib.metadata import version

    # kg.rdf.shacl_lines compares literals with pySHACL's own functions
    digest = hashlib.sha256(f"pyshacl-turbo {version('pyshacl-turbo')} pyshacl "
                            f"{version('pyshacl')}".encode())
    for path in _ontology_files(ontology_dir):
        digest.update(b"\0" + path.read_bytes())
    return digest.hexdigest()


def incoming_predicates(ontology_dir: str | Path) -> frozenset[str] | None:
    """The predicates of the triples pointing at a node that the shapes read to judge it:
    those of sh:targetObjectsOf, which make it a focus node. None (every predicate) when a
    shape reads a path backwards (sh:inversePath). A rebuild's neighbourhoods need no more:
    at province size, the triples pointing at a source or a class are hundreds of thousands."""
    shapes = _parsed_ontology(ontology_dir).shapes
    if (None, SH.inversePath, None) in shapes:
        return None
    return frozenset(str(o) for o in shapes.objects(None, SH.targetObjectsOf))


def _unusable_shapes(ontology_dir: str | Path, engine: str, exc: Exception) -> InputError:
    return InputError([Problem(str(Path(ontology_dir) / SHAPES_FILE), 0, 0,
                               f"{engine} cannot use these shapes: {str(exc).splitlines()[0]}",
                               "see https://www.w3.org/TR/shacl/ for what each parameter takes")])


@dataclass(frozen=True)
class ParsedOntology:
    """The shapes of one folder, parsed, and its ontology as mixed in, once per content for
    the fast engine."""

    shapes: Graph
    # The ontology's triples as the engine mixes them into the data it validates (what pySHACL
    # calls inoculation), as N-Triples: mixed in once here, then appended to each data text.
    # The engine would otherwise re-parse and re-write all the data to mix them in on every
    # call (at 25,000 companies, 6 of the 18 s a validation took).
    mixed_in: bytes
    # The shapes compiled for kg.rdf.shacl_lines, or why that engine cannot run them.
    plan: shacl_lines.Plan | str


# (folder, digest of both files) -> parsed, keyed by content so an edited shapes.ttl is
# re-read; a few entries cover a test session. The engine keeps the compiled shapes itself.
_PARSED: dict[tuple[str, str], ParsedOntology] = {}
_PARSED_MAX = 4


def _parsed_ontology(ontology_dir: str | Path) -> ParsedOntology:
    """The ontology and shapes, parsed, their compilation checked and the ontology mixed in
    as the engine does, once per content."""
    import pyshacl_turbo
    from pyshacl_turbo import _native
    from pyshacl_turbo.rdf import input_graph

    files = _ontology_files(ontology_dir)
    digest = hashlib.sha256(b"\0".join(f.read_bytes() for f in files)).hexdigest()
    key = (str(Path(ontology_dir).resolve()), digest)
    if key not in _PARSED:
        ontology, shapes = load_ontology(ontology_dir)
        try:
            pyshacl_turbo.compile_shapes(shapes)
        except (ValueError, RuntimeError, NotImplementedError) as exc:  # its ValidationFailure too
            raise _unusable_shapes(ontology_dir, "pyshacl-turbo", exc) from None
        # Mixed into no data, the engine's inoculation gives the ontology's share of any data:
        # tests/test_shacl_parity.py proves data + this is the graph the engine makes itself.
        mixed_in = _native.inoculate("", "nt", input_graph(ontology, flatten=True).source)
        try:
            plan: shacl_lines.Plan | str = shacl_lines.compile_shapes(shapes)
        except shacl_lines.Unsupported as exc:
            plan = str(exc)
        except RecursionError:  # shapes nested thousands deep
            plan = "shapes nested too deep"
        if len(_PARSED) >= _PARSED_MAX:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = ParsedOntology(shapes, mixed_in.encode(), plan)
    return _PARSED[key]


def _short(node: Any) -> str:
    """A term as the report shows it: prefix:local for the project's prefixes, else <iri>."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        short = curie(str(node))
        return short if short != str(node) else f"<{node}>"
    return str(node)


def _shapes_short(shapes: Graph, node: Any) -> str:
    """A term with the prefixes of shapes.ttl (sh:, ipks:, ...)."""
    return "" if node is None else shapes.namespace_manager.normalizeUri(node)


def _shape_name(shapes: Graph, node: Any) -> str:
    """A shape's IRI, or for a blank node its place under a named shape (stable across parses)."""
    if not isinstance(node, BNode):
        return _shapes_short(shapes, node)
    owners = sorted(shapes.subject_predicates(node))
    if not owners:
        return "[]"
    owner, link = owners[0]
    if link == RDF.first:  # an sh:or / sh:and / sh:xone member: the list's owner and the index
        head, index = owner, 0
        while (before := shapes.value(None, RDF.rest, head)) is not None:
            head, index = before, index + 1
        holder, holding = sorted(shapes.subject_predicates(head))[0]
        return f"{_shape_name(shapes, holder)}/{_shapes_short(shapes, holding)}[{index}]"
    path = shapes.value(node, SH.path)
    return (f"{_shape_name(shapes, owner)}/{_shapes_short(shapes, link)}"
            + (f" {_shapes_short(shapes, path)}" if path else ""))


def _term(node: Any) -> str:
    """A term in N-Triples; "x"^^xsd:string written "x", as RDF 1.1 makes them one term (pySHACL
    reports the data's plain literal, pyshacl-turbo the typed form)."""
    if node is None:
        return ""
    if isinstance(node, Literal) and node.datatype == XSD.string:
        return Literal(str(node)).n3()
    return node.n3()


def _read_report(report: Graph, shapes: Graph, label: Callable[[Any], str],
                 triples: int, conforms: bool) -> ValidationResult:
    violations, results = set(), set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = str(report.value(result, SH.resultSeverity)).rpartition("#")[2]
        messages = sorted(report.objects(result, SH.resultMessage),
                          key=lambda m: (getattr(m, "language", "") != "en", str(m)))
        violations.add(Violation(
            focus=_short(focus), focus_label=label(focus), path=_short(path),
            value=_short(value), message=" / ".join(str(m) for m in messages) or "constraint not met",
            severity=severity))
        results.add(ShapeResult(
            focus=_term(focus), path=_term(path), value=_term(value), severity=severity,
            shape=_shape_name(shapes, report.value(result, SH.sourceShape)),
            component=_shapes_short(shapes, report.value(result, SH.sourceConstraintComponent))))
    return ValidationResult(conforms, sorted(violations), triples, frozenset(results))


def _first_label(labels: Iterable[tuple[str | None, str]]) -> str:
    """Of (language, text) pairs, the Chinese label first, as the seeds name things."""
    ordered = sorted(labels, key=lambda label: (label[0] != "zh", label[1]))
    return ordered[0][1] if ordered else ""


def validate_graph(data: Graph, ontology_dir: str | Path) -> ValidationResult:
    """Run pySHACL, the reference engine (no inference: it was 8x slower and the shapes do not
    need it). Slow at scale: use `validate_store` there."""
    import pyshacl  # slow to import; only validation needs it

    ontology, shapes = load_ontology(ontology_dir)
    try:
        conforms, report, _ = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="none",
            abort_on_first=False, allow_warnings=True)
    except (pyshacl.errors.ShapeLoadError, pyshacl.errors.ConstraintLoadError) as exc:
        raise _unusable_shapes(ontology_dir, "pySHACL", exc) from None
    return _read_report(report, shapes,
                        lambda node: _first_label((getattr(label, "language", None), str(label))
                                                  for label in data.objects(node, RDFS.label)),
                        len(data), bool(conforms))


def _store_term(node: Any) -> ox.NamedNode | ox.BlankNode | None:
    import pyoxigraph as ox

    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):  # the engine keeps the store's blank-node ids in its report
        return ox.BlankNode(str(node))
    return None


def _store_labels(store: ox.Store, node: Any) -> str:
    import pyoxigraph as ox

    subject = _store_term(node)
    if subject is None:
        return ""
    quads = store.quads_for_pattern(subject, ox.NamedNode(str(RDFS.label)), None, None)
    return _first_label((q.object.language, q.object.value)
                        for q in quads if isinstance(q.object, ox.Literal))


def _focus_iri(node: object) -> str:
    return str(getattr(node, "value", node))  # an ox.NamedNode has .value; a URIRef is a str


def validate_store(store: ox.Store, ontology_dir: str | Path,
                   focus_nodes: Iterable[object] | None = None,
                   ntriples: bytes | None = None) -> ValidationResult:
    """Validate the triples of a pyoxigraph store with pyshacl-turbo: same shapes, same verdict
    and same report as `validate_graph`, 14-26x faster at 60,000 triples.

    The engine reads the store as text (its N-Quads dump, or `ntriples`, the same triples as
    N-Triples when the caller holds them, as a build does), with the ontology mixed in as
    pySHACL does, and validates in Rust; the store is left as it was. Peak memory is several
    times the text's. A built store holds the default graph only; named graphs, if any, are
    validated too.

    `focus_nodes` (IRIs, as str, URIRef or ox.NamedNode) validates only those nodes, against
    the shapes that target them: the results of a full validation whose focus is one of them.
    It saves the checks, not the reading: a few nodes of a big store still cost seconds.
    """
    import pyoxigraph as ox

    focus = None if focus_nodes is None else sorted({_focus_iri(n) for n in focus_nodes})
    if focus == []:  # the engine reads "no focus nodes" as "all of them"
        return ValidationResult(True, [], len(store))
    text = ntriples if ntriples is not None else store.dump(format=ox.RdfFormat.N_QUADS) or b""
    return _validate_text(text, len(store), ontology_dir, focus, lambda _text: store)


def validate_ntriples(ntriples: bytes, triples: int, ontology_dir: str | Path,
                      store: Callable[[], ox.Store], engine: str = "auto") -> ValidationResult:
    """`validate_store` of a store holding the `triples` triples of `ntriples` (its default
    graph), without it. Sorted N-Triples (a build's kg.nt) are checked by `validate_lines`;
    shapes that engine cannot run go to pyshacl-turbo, where `store()` makes a store only to
    name the focus nodes of a report with results. `engine` "lines" or "turbo" runs that one
    only (benchmarks compare them)."""
    if engine not in ("auto", "lines", "turbo"):
        raise ValueError(f"no SHACL engine {engine!r}")
    if engine != "turbo":
        try:
            return validate_lines(ntriples, triples, ontology_dir)
        except shacl_lines.Unsupported:
            if engine == "lines":
                raise
    return _validate_text(ntriples, triples, ontology_dir, None, lambda _text: store())


def ntriples_store(ntriples: bytes) -> ox.Store:
    """A store of N-Triples, made only to label the focus nodes of a report with results."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return store


def runs_on_lines(ontology_dir: str | Path) -> bool:
    """Whether kg.rdf.shacl_lines can run the shapes in `ontology_dir` (else `validate_lines`
    raises shacl_lines.Unsupported, and `validate_ntriples` uses pyshacl-turbo)."""
    return not isinstance(_parsed_ontology(ontology_dir).plan, str)


def validate_lines(ntriples: bytes, triples: int, ontology_dir: str | Path) -> ValidationResult:
    """Validate N-Triples with kg.rdf.shacl_lines: the same result as the other engines, with
    no copy of the graph (fastest on sorted lines, as kg.nt's). Raises shacl_lines.Unsupported
    when the shapes or the data go beyond what that engine does as pySHACL does."""
    parsed = _parsed_ontology(ontology_dir)
    if isinstance(parsed.plan, str):
        raise shacl_lines.Unsupported(parsed.plan)
    with collector_paused():  # a few objects per triple, freed by reference counting
        found = shacl_lines.check(ntriples, parsed.mixed_in, parsed.plan)
    return _lines_report(found, parsed.shapes, triples)


def _lines_report(found: shacl_lines.Found, shapes: Graph, triples: int) -> ValidationResult:
    """The report of what shacl_lines found, as `_read_report` makes the other engines'.
    What a shape says, and each term as text, are made once: a graph broken everywhere has
    hundreds of thousands of results from a few shapes."""
    terms: dict[bytes, tuple[str, str]] = {}  # N-Triples -> (as reported, as compared)

    def term(node: bytes | None) -> tuple[str, str]:
        if node is None:
            return "", ""
        made = terms.get(node)
        if made is None:
            rdf_term = shacl_lines.rdflib_term(node)
            made = terms[node] = (_short(rdf_term), _term(rdf_term))
        return made

    said: dict[tuple[int, str], tuple[str, str, str]] = {}  # -> message, shape, component
    labels: dict[bytes, str] = {}
    violations, results = set(), set()
    for focus_term, shape, kind, value_term in found.results:
        words = said.get((id(shape), kind))
        if words is None:
            messages = sorted(shapes.objects(shape.node, SH.message),
                              key=lambda m: (getattr(m, "language", "") != "en", str(m)))
            words = said[(id(shape), kind)] = (
                " / ".join(str(m) for m in messages) or "constraint not met",
                _shape_name(shapes, shape.node),
                _shapes_short(shapes, SH[f"{kind}ConstraintComponent"]))
        label = labels.get(focus_term)
        if label is None:
            named = [shacl_lines.rdflib_term(t) for t in found.labels.get(focus_term, [])]
            label = labels[focus_term] = _first_label(
                (n.language, str(n)) for n in named if isinstance(n, Literal))
        (focus, focus_n3), (path, path_n3) = term(focus_term), term(shape.path)
        value, value_n3 = term(value_term)
        violations.add(Violation(focus=focus, focus_label=label, path=path, value=value,
                                 message=words[0], severity="Violation"))
        results.add(ShapeResult(focus=focus_n3, path=path_n3, value=value_n3,
                                severity="Violation", shape=words[1], component=words[2]))
    return ValidationResult(not results, sorted(violations), triples, frozenset(results))


def validate_handed(handed: list[bytes], triples: int,
                    ontology_dir: str | Path) -> ValidationResult:
    """`validate_ntriples` of the N-Triples handed over as the one item of `handed`, which it
    takes out: the bytes go once the engine's text is made, so they are not held twice. The
    lines may come in any order, a triple more than once. A report's labels are read from a
    store of the engine's text (the ontology mixed in), made only when there are results."""
    import pyoxigraph as ox

    def store_of(text: str) -> ox.Store:
        store = ox.Store()
        store.bulk_load(text.encode(), format=ox.RdfFormat.N_QUADS)
        return store

    return _validate_text(handed, triples, ontology_dir, None, store_of)


def _validate_text(text: bytes | list[bytes], triples: int, ontology_dir: str | Path,
                   focus: list[str] | None, store: Callable[[str], ox.Store]
                   ) -> ValidationResult:
    """Validate `text`, or the one item of a list, which it takes out (handed over, the bytes
    go once decoded); `store(the decoded text)` gives the store a report's labels are read
    from, asked once and only when there are results."""
    import pyshacl_turbo  # imports rdflib and a native module; only validation needs it
    from pyshacl_turbo.rdf import Input  # its typed input: text the engine parses itself

    parsed = _parsed_ontology(ontology_dir)
    data_text = text.pop() if isinstance(text, list) else text
    # N-Triples lines are N-Quads lines; joined as bytes, so the text is decoded only once.
    decoded = b"\n".join((data_text, parsed.mixed_in)).decode()
    del data_text
    data = Input(decoded, "nquads", None, {},
                 preserve_ids=True)  # the store's blank-node ids, kept in the report
    conforms, report, _ = pyshacl_turbo.validate(
        data, shacl_graph=parsed.shapes, inference="none",
        abort_on_first=False, allow_warnings=True, focus_nodes=focus)
    del data
    if not isinstance(report, Graph):  # a ValidationFailure: the engine cannot run the shapes
        raise _unusable_shapes(ontology_dir, "pyshacl-turbo", Exception(str(report)))
    labels = cache(partial(store, decoded))
    return _read_report(report, parsed.shapes, lambda node: _store_labels(labels(), node),
                        triples, bool(conforms))
