"""The library of named SPARQL queries in `queries/*.rq`, and their parameters.

Each file starts with a comment header:

    # title: Companies of a park
    # question-zh: 某园区（含下属园区、平台和地块）有哪些企业？
    # question-en: Which companies are in a park, its sub-parks, platforms and sites rolled up?
    # param: park (entity, default lishui-edz): the park, by id, label or IRI
    # example:
    #   company ...

Parameter types: `entity` (an id, an exact label or alias, or an IRI; resolved to the entity's
IRI), `source` (the id of a source article in the graph), `string`, `integer`, `year`, `iri`.
A default of `*` leaves the variable unbound (all).

So that the file runs as it stands in any store, each parameter has a block
`VALUES ?name { default }` in the text (an entity default written as its full IRI, `*` as
UNDEF); `bind_params` replaces that block by the bound term. A query without the block (a
user's own file) gets one at the top of its WHERE group (`kg.sparql.run.bind`). Either way a
value is an escaped RDF term, never query text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, NamedTuple

from kg.collector import collector_paused
from kg.errors import InputError, KgError, NotFound, Problem, did_you_mean
from kg.names import AmbiguousName, NameIndex, Named
from kg.rdf.prefixes import PREFIXES
from kg.sparql.run import (PROLOGUE, XSD, QueryError, Result, Select, Term, bind, blank_comments,
                           iri, literal, values_block)

HEADER_KEYS = {"title", "question-zh", "question-en", "param", "example"}
PARAM_TYPES = {"entity", "source", "string", "integer", "year", "iri"}
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*) \((?P<type>\w+)(?:, default (?P<default>[^)]*))?\):"
                    r" (?P<doc>.+)$")
UNBOUND = "*"

Runner = Callable[[str], Result]
Names = Callable[[], NameIndex]  # the name index of the graph a Runner reads, made when asked


class Param(NamedTuple):
    name: str
    type: str
    default: str | None  # None: required; "*": unbound unless given
    doc: str


class NamedQuery(NamedTuple):
    name: str
    path: Path
    title: str
    question_zh: str
    question_en: str
    params: list[Param]
    example: list[str]
    text: str


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
            problems.append(Problem(shown, number, 3, f"unknown header key '{key}'",
                                    did_you_mean(key, HEADER_KEYS)))
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


def load_queries(folders: str | Path | list[Path]) -> dict[str, NamedQuery]:
    """Every `*.rq` in the folders, by name, a later folder's query replacing an earlier one
    of the same name; InputError lists every bad header."""
    problems: list[Problem] = []
    queries = {}
    for folder in folders if isinstance(folders, list) else [Path(folders)]:
        for path in sorted(Path(folder).glob("*.rq")):
            parsed = parse_query_file(path, problems)
            if parsed:
                queries[parsed.name] = parsed
    if problems:
        raise InputError(problems)
    return dict(sorted(queries.items()))


def ad_hoc_query(text: str) -> NamedQuery:
    """Query text typed by the user: a query without a header or parameters."""
    return NamedQuery("ad-hoc", Path("-"), "ad hoc", "", "", [], [], text)


def find_query(name: str, folders: list[Path]) -> NamedQuery:
    """A named query from the folders, or a `.rq` file by its path.

    A file without our header is still a query, just without parameters.
    """
    path = Path(name)
    if name.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise NotFound(path)
        return parse_query_file(path, []) or NamedQuery(
            path.stem, path, "", "", "", [], [], path.read_text(encoding="utf-8"))
    # The file of that name, the last folder's first, as load_queries would pick it: parsing
    # every query only to take one cost a small `kg query` 7 ms (of 0.23 s, profiled).
    named = [Path(folder) / f"{name}.rq" for folder in reversed(folders)] \
        if re.fullmatch(r"[\w-]+", name) else []
    for candidate in named:
        if candidate.is_file():
            problems: list[Problem] = []
            parsed = parse_query_file(candidate, problems)
            if parsed is None:
                raise InputError(problems)
            return parsed
    available = load_queries(folders)
    if name not in available:
        hint = did_you_mean(name, available, otherwise="")
        raise KgError(f"no named query '{name}' ({hint + ' ' if hint else ''}see 'kg queries')")
    return available[name]


# Exact labels, aliases and ids are looked up by value (index lookups, not a scan); only a
# name with no exact match falls back to every name, compared by kg.names' folding rule.
RESOLVE_ENTITY = PROLOGUE + """SELECT DISTINCT ?e ?label ?cls WHERE {
  { __LABELS__ ?e rdfs:label|skos:altLabel ?l . }
  __IRIS__
  ?e a ?cls . FILTER(STRSTARTS(STR(?cls), STR(ipk:)))
  OPTIONAL { ?e rdfs:label ?label FILTER(lang(?label) = "zh") }
} ORDER BY ?e"""

# For graphs built with another base IRI: match the id at the end of any entity IRI.
RESOLVE_BY_SUFFIX = PROLOGUE + """SELECT DISTINCT ?e ?label ?cls WHERE {
  ?e a ?cls . FILTER(STRSTARTS(STR(?cls), STR(ipk:)))
  FILTER(REPLACE(STR(?e), "^.*/", "") = ?needle)
  OPTIONAL { ?e rdfs:label ?label FILTER(lang(?label) = "zh") }
} ORDER BY ?e"""

RDFS_LABEL = PREFIXES["rdfs"] + "label"
# Every entity and every name, as two scans joined here: joined in SPARQL, the on-disk store
# looks each entity's names up one by one (9 s at province size against 4 s).
ALL_TYPED = PROLOGUE + """SELECT ?e ?cls WHERE {
  ?e a ?cls . FILTER(STRSTARTS(STR(?cls), STR(ipk:)))
}"""
ALL_NAMES = PROLOGUE + """SELECT ?e ?p ?name WHERE {
  VALUES ?p { rdfs:label skos:altLabel } ?e ?p ?name .
}"""


def all_named(run: Runner) -> list[Named]:
    """Every entity of an ipk class with its names, as `_named` gives them: the id first, the
    zh label for messages."""
    classes: dict[str, str] = {}
    for row in _rows(run(ALL_TYPED)):
        key, cls = row["e"].value, row["cls"].value
        classes[key] = min(cls, classes.get(key, cls))  # one class, whatever the row order
    labels: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for row in _rows(run(ALL_NAMES)):
        key, name = row["e"].value, row["name"]
        if key in classes:
            names.setdefault(key, []).append(name.value)
            if row["p"].value == RDFS_LABEL and name.lang == "zh":
                labels[key] = min(name.value, labels.get(key, name.value))
    return [Named(key, labels.get(key, ""), cls.rsplit("/", 1)[-1],
                  tuple(dict.fromkeys([key.rsplit("/", 1)[-1], *names.get(key, ())])))
            for key, cls in sorted(classes.items())]


NAMES_FILE = "names.json"  # beside a build's store: its name index, written when first needed
NAMES_MAX = 1 << 30  # a names.json above 1 GiB is not read (a province's: 123 MB)


@collector_paused()  # a province's names: millions of objects, none of them cyclic garbage
def name_index(run: Runner, folder: Path | None = None) -> NameIndex:
    """Every entity of the graph `run` reads, by its names (`all_named`), folded. With
    `folder`, the generation of a published build whose store `run` reads, the index is read
    from folder/names.json, and kept there the first time: at province size gathering and
    folding the names takes 10 s, reading them back 3 s. A names.json that is not one (cut
    short, edited) is made again."""
    from kg.rdf.store import kept

    return kept(folder, NAMES_FILE, NAMES_MAX, NameIndex.from_record,
                lambda: NameIndex(all_named(run)), NameIndex.record)


def _named(rows) -> list[Named]:
    """Entities from rows of ?e ?cls ?label [?name]: the id (end of the IRI) is a name too."""
    found: dict[str, tuple[str, str, list[str]]] = {}
    for row in rows:
        key = row["e"].value
        label = row.get("label")
        cls = row.get("cls")
        entry = found.setdefault(key, (label.value if label else "",
                                       cls.value.rsplit("/", 1)[-1] if cls else "", []))
        entry[2].append(key.rsplit("/", 1)[-1])
        if row.get("name"):
            entry[2].append(row["name"].value)
    return [Named(key, label, cls, tuple(dict.fromkeys(names)))
            for key, (label, cls, names) in sorted(found.items())]


def resolve_entity(value: str, run: Runner, names: Names | None = None) -> Term:
    """An entity's IRI from its id, label or alias (kg.names' rule), or the IRI itself; when
    no name is exactly the value, `names()` gives the index to fold it against (default: made
    from `all_named`)."""
    from kg.rdf.prefixes import DEFAULT_BASE
    from kg.seeds.kinds import ENTITY_TYPES, ID_PATTERN

    value = value.strip()
    if re.match(r"^https?://", value):
        return iri(value)
    labels = [literal(value, lang="zh"), literal(value, lang="en"), literal(value)]
    iris = ([iri(f"{DEFAULT_BASE}{t['path']}/{value}") for t in ENTITY_TYPES.values()]
            if ID_PATTERN.match(value) else [])
    # rdflib fails on an empty VALUES block, so the id branch is left out when not an id
    by_id = f"UNION {{ {values_block('e', iris)} }}" if iris else ""
    query = (RESOLVE_ENTITY.replace("__LABELS__", values_block("l", labels))
             .replace("__IRIS__", by_id))
    found = _named(_rows(run(query)))
    if not found:
        found = _named(_rows(run(bind(RESOLVE_BY_SUFFIX, {"needle": literal(value)}))))
    if len(found) > 1:
        raise AmbiguousName(value, [e.describe() for e in found])
    if found:
        return iri(found[0].key)
    # no exact name: the one folding rule over every name (a scan, only on this path)
    return iri((names or (lambda: NameIndex(all_named(run))))().resolve(value))


def _rows(answer: Result) -> list[dict]:
    assert isinstance(answer, Select)
    return answer.rows


SOURCES = PROLOGUE + """SELECT DISTINCT ?article WHERE {
  ?st prov:wasDerivedFrom ?article . FILTER(isIRI(?article))
}"""


def resolve_source(value: str, run: Runner) -> Term:
    """A source id that some fact of the graph is derived from; did-you-mean otherwise."""
    ids = {row["article"].value.rsplit("/", 1)[-1] for row in _rows(run(SOURCES))}
    if value not in ids:
        raise QueryError(f"no source '{value}' in the graph ("
                         + did_you_mean(value, ids, "sources: " + ", ".join(sorted(ids))) + ")")
    return literal(value)


def param_term(param: Param, value: str, run: Runner, names: Names | None = None) -> Term:
    if param.type == "entity":
        return resolve_entity(value, run, names)
    if param.type == "source":
        return resolve_source(value, run)
    if param.type == "iri":
        return iri(value)
    if param.type in ("integer", "year"):
        if not re.fullmatch(r"-?\d+", value):
            raise QueryError(f"parameter {param.name} must be a whole number, got {value!r}")
        if param.type == "year":
            return literal(f"{int(value):04d}", XSD + "gYear")
        return literal(str(int(value)), XSD + "integer")
    return literal(value)


def values_span(text: str, name: str) -> tuple[int, int] | None:
    """Where the query's own `VALUES ?name { … }` block is (comments ignored), if it has one."""
    match = re.search(rf"\bVALUES\s+\?{re.escape(name)}\s*\{{[^{{}}]*\}}",
                      blank_comments(text), re.IGNORECASE)
    return match.span() if match else None


def bind_params(query: NamedQuery, given: dict[str, str], run: Runner,
                names: Names | None = None) -> str:
    """The query text with its parameters bound; unknown or missing parameters are errors.
    Entities are found by name as `resolve_entity` finds them."""
    known = {p.name: p for p in query.params}
    for name in given:
        if name not in known:
            hint = did_you_mean(name, known, "parameters: " + ", ".join(known) if known
                                else "it takes no parameters")
            raise QueryError(f"query '{query.name}' has no parameter '{name}' ({hint})")
    text = query.text
    inserted = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is None:
            raise QueryError(f"query '{query.name}' needs --param {param.name}=... ({param.doc})")
        span = values_span(text, param.name)
        term = None if value == UNBOUND else param_term(param, value, run, names)
        if span is not None:
            block = f"VALUES ?{param.name} {{ {term.n3() if term else 'UNDEF'} }}"
            text = text[:span[0]] + block + text[span[1]:]
        elif term is not None:
            inserted[param.name] = term
    return bind(text, inserted)


def parse_param_options(options: tuple[str, ...]) -> dict[str, str]:
    given: dict[str, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param takes key=value, got {option!r}")
        name = name.strip()
        if name in given:
            raise QueryError(f"--param {name} is given twice ({given[name]!r} and {value!r}): "
                             "a parameter takes one value; run the query once per value")
        given[name] = value
    return given
