"""Validate a built graph against the SHACL shapes in `ontology/`, with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, Graph, URIRef
from rdflib.namespace import SH

from kg.errors import EXIT_NOT_CONFORMING, InputError, KgError, Problem, counted

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


@dataclass
class ValidationResult:
    conforms: bool
    violations: list[Violation]
    triples: int

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


def load_ontology(ontology_dir: str | Path) -> tuple[Graph, Graph]:
    """The OWL ontology and the SHACL shapes, parsed."""
    folder = Path(ontology_dir)
    missing = [Problem(str(folder / name), 0, 0, "ontology file not found",
                       "pass --ontology with the folder holding ipk.ttl and shapes.ttl")
               for name in (ONTOLOGY_FILE, SHAPES_FILE) if not (folder / name).is_file()]
    if missing:
        raise InputError(missing)
    ontology, shapes = Graph(), Graph()
    ontology.parse(folder / ONTOLOGY_FILE, format="turtle")
    shapes.parse(folder / SHAPES_FILE, format="turtle")
    return ontology, shapes


def _label(graph: Graph, node) -> str:
    labels = sorted(graph.objects(node, RDFS.label), key=lambda l: (getattr(l, "language", "") != "zh", str(l)))
    return str(labels[0]) if labels else ""


def _short(graph: Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # an IRI no prefix fits
            return f"<{node}>"
    return str(node)


def validate_graph(data: Graph, ontology_dir: str | Path) -> ValidationResult:
    """Run pySHACL (no inference: it was 8x slower and the shapes do not need it)."""
    import pyshacl  # slow to import; only validation needs it

    ontology, shapes = load_ontology(ontology_dir)
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none",
        abort_on_first=False, allow_warnings=True)
    violations = []
    for result in report.subjects(SH.resultSeverity, None):
        focus = report.value(result, SH.focusNode)
        messages = sorted(report.objects(result, SH.resultMessage),
                          key=lambda m: (getattr(m, "language", "") != "en", str(m)))
        violations.append(Violation(
            focus=_short(data, focus), focus_label=_label(data, focus),
            path=_short(data, report.value(result, SH.resultPath)),
            value=_short(data, report.value(result, SH.value)),
            message=" / ".join(str(m) for m in messages) or "constraint not met",
            severity=_short(data, report.value(result, SH.resultSeverity)).split(":")[-1]))
    return ValidationResult(bool(conforms), sorted(set(violations)), len(data))


def validate_store(store: ox.Store, ontology_dir: str | Path) -> ValidationResult:
    """Validate the default graph of `store`."""
    # TEMPORARY: replaced by the pyshacl-turbo engine
    from kg.rdf.adapter import store_as_rdflib_graph

    return validate_graph(store_as_rdflib_graph(store), ontology_dir)


def read_graph(path: str | Path) -> Graph:
    """A built graph file parsed with rdflib (the graph pySHACL validates), in any syntax
    `kg build` writes."""
    from kg.rdf.read import read_rdflib

    return read_rdflib(path)
