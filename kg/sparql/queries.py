"""The library of named SPARQL queries in `queries/*.rq`, and their parameters.

Each file starts with a comment header:

    # title: Companies of a park
    # question-zh: 某园区（含下属园区、平台和地块）有哪些企业？
    # question-en: Which companies are in a park, its sub-parks, platforms and sites rolled up?
    # param: park (entity, default lishui-edz): the park, by id, label or IRI
    # example:
    #   company ...

Parameter types: `entity` (an id, an exact label or alias, or an IRI; resolved to the entity's
IRI), `string`, `integer`, `year`, `iri`. A default of `*` leaves the variable unbound (all).
Values are bound as RDF terms with `kg.sparql.run.bind`, never pasted into the query text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kg.errors import InputError, Problem
from kg.sparql.run import XSD, QueryError, Result, Select, Term, bind, iri, literal, values_block

HEADER_KEYS = {"title", "question-zh", "question-en", "param", "example"}
PARAM_TYPES = {"entity", "string", "integer", "year", "iri"}
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*) \((?P<type>\w+)(?:, default (?P<default>[^)]*))?\):"
                    r" (?P<doc>.+)$")
UNBOUND = "*"

Runner = Callable[[str], Result]


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None  # None: required; "*": unbound unless given
    doc: str


@dataclass
class NamedQuery:
    name: str
    path: Path
    title: str
    question_zh: str
    question_en: str
    params: list[Param] = field(default_factory=list)
    example: list[str] = field(default_factory=list)
    text: str = ""


def parse_query_file(path: Path, problems: list[Problem]) -> NamedQuery | None:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Param] = []
    example: list[str] = []
    in_example = False
    shown = f"queries/{path.name}"
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        body = line[1:]
        if in_example:
            if body.strip():
                example.append(body[3:] if body.startswith("   ") else body.strip())
                continue
            in_example = False
        match = re.match(r"^ ([a-z-]+):(?: (.*))?$", body)
        if not match:
            continue
        key, value = match.group(1), (match.group(2) or "").strip()
        if key not in HEADER_KEYS:
            close = difflib.get_close_matches(key, HEADER_KEYS, n=1)
            problems.append(Problem(shown, number, 3, f"unknown header key '{key}'",
                                    f"did you mean '{close[0]}'?" if close else
                                    "use " + ", ".join(sorted(HEADER_KEYS))))
        elif key == "param":
            p = _PARAM.match(value)
            if not p or p.group("type") not in PARAM_TYPES:
                problems.append(Problem(shown, number, 3, f"cannot read parameter {value!r}",
                                        "write '# param: name (entity, default x): what it is'"
                                        f"; types: {', '.join(sorted(PARAM_TYPES))}"))
                continue
            params.append(Param(p.group("name"), p.group("type"), p.group("default"),
                                p.group("doc")))
        elif key == "example":
            in_example = True
        else:
            fields[key] = value
    for key in ("title", "question-zh", "question-en"):
        if not fields.get(key):
            problems.append(Problem(shown, 1, 1, f"header has no '{key}'",
                                    f"add '# {key}: ...' at the top"))
    if any(p.path == shown for p in problems):
        return None
    return NamedQuery(path.stem, path, fields["title"], fields["question-zh"],
                      fields["question-en"], params, example, text)


def load_queries(folder: str | Path) -> dict[str, NamedQuery]:
    """Every `*.rq` in `folder`, by name; InputError lists every bad header."""
    problems: list[Problem] = []
    queries = {}
    for path in sorted(Path(folder).glob("*.rq")):
        parsed = parse_query_file(path, problems)
        if parsed:
            queries[parsed.name] = parsed
    if problems:
        raise InputError(problems)
    return queries


# Labels, aliases and ids are looked up by value (index lookups), not by scanning.
RESOLVE_ENTITY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?e ?label WHERE {
  { __LABELS__ ?e rdfs:label|skos:altLabel ?l . }
  __IRIS__
  OPTIONAL { ?e rdfs:label ?label FILTER(lang(?label) = "zh") }
} ORDER BY ?e"""

# For graphs built with another base IRI: match the id at the end of any entity IRI.
RESOLVE_BY_SUFFIX = """SELECT DISTINCT ?e ?label WHERE {
  ?e a ?cls . FILTER(STRSTARTS(STR(?cls), "https://w3id.org/industrial-park-kg/ontology/"))
  FILTER(REPLACE(STR(?e), "^.*/", "") = ?needle)
  OPTIONAL { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = "zh") }
} ORDER BY ?e"""

ALL_NAMES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?name WHERE {
  ?e a ?cls . FILTER(STRSTARTS(STR(?cls), "https://w3id.org/industrial-park-kg/ontology/"))
  { ?e rdfs:label ?l BIND(STR(?l) AS ?name) } UNION { ?e a ?c2 BIND(REPLACE(STR(?e), "^.*/", "") AS ?name) }
}"""


def resolve_entity(value: str, run: Runner) -> Term:
    """An entity's IRI from its id, exact label or alias (zh or en), or the IRI itself."""
    from kg.rdf.mapping import DEFAULT_BASE
    from kg.seeds.schema import ENTITY_TYPES
    from kg.seeds.loader import ID_PATTERN

    if re.match(r"^https?://", value):
        return iri(value)
    labels = [literal(value, lang="zh"), literal(value, lang="en"), literal(value)]
    iris = ([iri(f"{DEFAULT_BASE}{t['path']}/{value}") for t in ENTITY_TYPES.values()]
            if ID_PATTERN.match(value) else [])
    # rdflib fails on an empty VALUES block, so the id branch is left out when not an id
    by_id = f"UNION {{ {values_block('e', iris)} ?e a ?cls . }}" if iris else ""
    query = (RESOLVE_ENTITY.replace("__LABELS__", values_block("l", labels))
             .replace("__IRIS__", by_id))
    found = _found(run(query))
    if not found:
        found = _found(run(bind(RESOLVE_BY_SUFFIX, {"needle": literal(value)})))
    if len(found) == 1:
        return iri(next(iter(found)))
    if not found:
        names = run(ALL_NAMES)
        close = difflib.get_close_matches(value, [r["name"].value for r in names.rows], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"no entity has the id, label or alias {value!r}{hint}")
    candidates = ", ".join(f"{iri_} ({label.value if label else ''})"
                           for iri_, label in sorted(found.items()))
    raise QueryError(f"{value!r} names {len(found)} entities: {candidates}; pass an id or IRI")


def _found(answer: Result) -> dict:
    assert isinstance(answer, Select)
    return {row["e"].value: row.get("label") for row in answer.rows}


def param_term(param: Param, value: str, run: Runner) -> Term:
    if param.type == "entity":
        return resolve_entity(value, run)
    if param.type == "iri":
        return iri(value)
    if param.type in ("integer", "year"):
        if not re.fullmatch(r"-?\d+", value):
            raise QueryError(f"parameter {param.name} must be a whole number, got {value!r}")
        if param.type == "year":
            return literal(f"{int(value):04d}", XSD + "gYear")
        return literal(str(int(value)), XSD + "integer")
    return literal(value)


def bind_params(query: NamedQuery, given: dict[str, str], run: Runner) -> str:
    """The query text with its parameters bound; unknown or missing parameters are errors."""
    known = {p.name: p for p in query.params}
    for name in given:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else \
                ("parameters: " + ", ".join(known) if known else "it takes no parameters")
            raise QueryError(f"query '{query.name}' has no parameter '{name}' ({hint})")
    terms = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is None:
            raise QueryError(f"query '{query.name}' needs --param {param.name}=... ({param.doc})")
        if value == UNBOUND:
            continue
        terms[param.name] = param_term(param, value, run)
    return bind(query.text, terms)


def parse_param_options(options: tuple[str, ...]) -> dict[str, str]:
    given = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name:
            raise QueryError(f"--param takes key=value, got {option!r}")
        given[name.strip()] = value
    return given
