"""Tables into reviewable seeds (`kg import`): a mapping file says which columns hold what, and
each row becomes facts citing its own cells.

A mapping (YAML; `kg/seeds/mappings/honours.yaml` is the shipped honours form, documented in
seeds/README.md "Importing tables") has:

- ``params``: values given on the command line (an honour id, a year ...), each of a kind
  (``entity`` with ``types``, ``year``, ``integer``, ``stage``, ``text``), required or not;
- ``columns``: the table's columns it reads, each found by its exact ``header`` or by a header
  that ``contains`` one of some keywords (the first keyword found in one header wins);
- ``entity``: the row's organisation: its ``type``, and the column keys of its ``name`` (matched
  against the seeds' organisations by `kg.match`), ``region``, ``code`` (a credit code) and
  ``industry`` (evidence for the matcher);
- ``facts``: templates of the facts each row states about its organisation: a ``relation``, its
  ``object`` or ``value``, qualifiers, and the column whose cell is the ``quote`` (default: the
  name). A value is a constant, ``{param: KEY}`` or ``{column: KEY}``.

Each row's name is matched against the organisations of the seeds, leaving out the output file
itself (so importing the same table again finds the same answers): ``accepted`` rows give facts
on the known entity (and its ``legalName`` when the cell is a full name other than its label);
``new`` rows propose a new entity; ``review`` rows (several candidates, a look-alike nothing
corroborates, a row accepted for an entity another row also names, a new firm an earlier row
already proposed under another region or company form) are listed in the output as a comment,
never written as facts; a ``repeated`` name gives one fact only; an ``empty`` name is
reported. Nothing is written here: `plan_import` returns the files to write (`kg.seeds.archive`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from kg.errors import InputError, Problem, counted, did_you_mean
from kg.match import Matcher, Profile, core, credit_code_problem, is_full_name, normalise, sectors_of
from kg.seeds import schema
from kg.seeds.archive import (ARCHIVE_FOLDER, SOURCES_FILE, Planned, plan_table_source, plan_text,
                              readable_id, source_id_for, yaml_text)
from kg.seeds.loader import ID_PATTERN, WHOLE_RANGE, YEAR_RANGE, Seeds, load_seeds
from kg.seeds.profiles import organisation_profiles, seeds_without
from kg.seeds.sheets import Table, cell_text, column_letter, read_table
from kg.seeds.yamlmarks import MarkedList, MarkedMap, load_marked
from kg.tables import escape_controls

MAPPINGS = Path(__file__).resolve().parent / "mappings"  # the shipped mapping files
PARAM_KINDS = ("entity", "year", "integer", "stage", "text")
MAX_MAPPING_BYTES = 64 << 10
HEADER = "# Imported from the table"  # how an output file begins: only such a file is rewritten
Status = Literal["accepted", "new", "review", "repeated", "empty"]
STATUSES: tuple[Status, ...] = ("accepted", "new", "review", "repeated", "empty")


# -- the mapping file ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """A value taken from a parameter or from the row's cell of a column."""

    kind: Literal["param", "column"]
    key: str


Value = Ref | str | int


@dataclass(frozen=True)
class ParamSpec:
    key: str
    kind: str  # one of PARAM_KINDS
    types: tuple[str, ...] = ()  # kind "entity": the entity types the id may name
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str | None = None  # the exact header
    contains: tuple[str, ...] = ()  # or keywords, one of which the header holds
    required: bool = False


@dataclass(frozen=True)
class FactTemplate:
    relation: str
    target: Value | None  # the object (an entity id) or the value, per the relation
    qualifiers: tuple[tuple[str, Value], ...]
    quote: str  # the column whose cell the fact quotes


@dataclass(frozen=True)
class Mapping:
    path: str
    name: str
    description: str
    params: dict[str, ParamSpec]
    columns: dict[str, ColumnSpec]
    entity_type: str
    name_column: str
    region_column: str | None
    code_column: str | None
    industry_column: str | None
    facts: tuple[FactTemplate, ...]


def shipped_mapping(name: str) -> Path:
    """The path of a mapping shipped with kg (``honours``)."""
    return MAPPINGS / f"{name}.yaml"


class _Reader:
    """Reads a mapping's marked tree, collecting problems with their line and column."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node, key: str | None, message: str, hint: str = "") -> None:
        mark = getattr(node, "mark", None)
        if key is not None and isinstance(node, MarkedMap):
            mark = node.value_marks.get(key, node.key_marks.get(key, mark))
        line, col = (mark.line, mark.col) if mark is not None else (1, 1)
        self.problems.append(Problem(self.path, line, col, message, hint))

    def mapping(self, node, what: str, allowed: set[str], required: frozenset[str] | set[str]
                = frozenset()) -> MarkedMap | None:
        if not isinstance(node, MarkedMap):
            self.problem(node, None, f"{what} must be a mapping", "write it as 'key: value' lines")
            return None
        for key in node:
            if key not in allowed:
                self.problem(node, key, f"unknown key '{key}' in {what}", did_you_mean(key, allowed))
        for key in sorted(required - node.keys()):
            self.problem(node, None, f"{what} has no '{key}'", f"add '{key}:'")
        return node

    def text(self, node: MarkedMap, key: str, what: str) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(node, key, f"{what}: '{key}' must be text, got {value!r}",
                         "quote it if YAML reads it as a number")
            return None
        return value

    def words(self, node: MarkedMap, key: str, what: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or \
                not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(node, key, f"{what}: '{key}' must be a list of text", f"write {key}: [a, b]")
            return ()
        return tuple(value)

    def flag(self, node: MarkedMap, key: str, what: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.problem(node, key, f"{what}: '{key}' must be true or false, got {value!r}")
            return False
        return value


def load_mapping(path: str | Path, shown: str | None = None) -> Mapping:
    """Read and check a mapping file; InputError with every problem (file:line:col)."""
    path = Path(path)
    label = shown or str(path)
    if not path.is_file():
        raise InputError([Problem(label, 0, 0, "mapping file not found",
                                  f"give a mapping .yaml file, e.g. {shipped_mapping('honours')}")])
    data = path.read_bytes()
    if len(data) > MAX_MAPPING_BYTES:
        raise InputError([Problem(label, 0, 0, f"a mapping file over {MAX_MAPPING_BYTES >> 10} KiB",
                                  "a mapping names a few columns and facts")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem(label, 0, 0, "not UTF-8 text", "save the mapping as UTF-8")])
    tree, problems = load_marked(text, label)
    if problems:
        raise InputError(problems)
    r = _Reader(label)
    top = r.mapping(tree, "the mapping", {"name", "description", "params", "columns", "entity",
                                          "facts"}, {"columns", "entity", "facts"})
    if top is None:
        raise InputError(r.problems)
    params = _read_params(r, top.get("params") or MarkedMap())
    columns = _read_columns(r, top.get("columns"))
    ent = r.mapping(top.get("entity"), "entity", {"type", "name", "region", "code", "industry"},
                    {"type", "name"})
    entity_type, refs = "Company", {}
    if ent is not None:
        entity_type = r.text(ent, "type", "entity") or "Company"
        if entity_type not in schema.ORGANISATIONS:
            r.problem(ent, "type", f"entity type '{entity_type}' is not an organisation",
                      "one of " + ", ".join(schema.ORGANISATIONS))
        for key in ("name", "region", "code", "industry"):
            column = r.text(ent, key, "entity")
            if column is not None and column not in columns:
                r.problem(ent, key, f"entity {key}: no column '{column}' in 'columns'",
                          did_you_mean(column, columns))
            refs[key] = column if column in columns else None
    facts = _read_facts(r, top.get("facts"), params, columns, entity_type,
                        refs.get("name") or "name")
    if r.problems:
        raise InputError(r.problems)
    given_name = top.get("name")
    name = given_name if isinstance(given_name, str) else path.stem
    return Mapping(label, name, str(top.get("description") or ""), params, columns, entity_type,
                   refs["name"] or "name", refs.get("region"), refs.get("code"),
                   refs.get("industry"), facts)


def _read_params(r: _Reader, node) -> dict[str, ParamSpec]:
    found: dict[str, ParamSpec] = {}
    section = r.mapping(node, "params", set(node) if isinstance(node, MarkedMap) else set())
    for key, spec in (section or {}).items():
        what = f"param '{key}'"
        spec = r.mapping(spec, what, {"kind", "types", "required", "help"}, {"kind"})
        if spec is None:
            continue
        kind = r.text(spec, "kind", what)
        if kind not in PARAM_KINDS:
            r.problem(spec, "kind", f"{what}: unknown kind {kind!r}",
                      "one of " + ", ".join(PARAM_KINDS))
            continue
        types = r.words(spec, "types", what)
        for t in types:
            if t not in schema.ENTITY_TYPES:
                r.problem(spec, "types", f"{what}: unknown entity type '{t}'",
                          did_you_mean(t, schema.ENTITY_TYPES))
        if kind == "entity" and not types:
            r.problem(spec, None, f"{what}: an entity param needs 'types'", "e.g. types: [Honour]")
        found[key] = ParamSpec(key, kind, types, r.flag(spec, "required", what),
                               r.text(spec, "help", what) or "")
    return found


def _read_columns(r: _Reader, node) -> dict[str, ColumnSpec]:
    found: dict[str, ColumnSpec] = {}
    section = r.mapping(node, "columns", set(node) if isinstance(node, MarkedMap) else set())
    for key, spec in (section or {}).items():
        what = f"column '{key}'"
        spec = r.mapping(spec, what, {"header", "contains", "required"})
        if spec is None:
            continue
        header, contains = r.text(spec, "header", what), r.words(spec, "contains", what)
        if (header is None) == (not contains):
            r.problem(spec, None, f"{what}: give its exact 'header' or the keywords it 'contains'",
                      "one of the two")
        found[key] = ColumnSpec(key, header, contains, r.flag(spec, "required", what))
    return found


def _read_value(r: _Reader, node: MarkedMap, key: str, what: str, params, columns) -> Value | None:
    value = node.get(key)
    if isinstance(value, MarkedMap):
        if len(value) != 1 or next(iter(value)) not in ("param", "column"):
            r.problem(node, key, f"{what}: '{key}' takes a constant, {{param: KEY}} or "
                      "{column: KEY}")
            return None
        kind, name = next(iter(value.items()))
        known = params if kind == "param" else columns
        if name not in known:
            r.problem(node, key, f"{what}: no {kind} '{name}' in '{kind}s'",
                      did_you_mean(str(name), known))
            return None
        return Ref(kind, name)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        r.problem(node, key, f"{what}: '{key}' must be text, a whole number, {{param: KEY}} or "
                  f"{{column: KEY}}, got {value!r}")
        return None
    return value


def _read_facts(r: _Reader, node, params: dict[str, ParamSpec], columns: dict[str, ColumnSpec],
                entity_type: str, name_column: str) -> tuple[FactTemplate, ...]:
    if not isinstance(node, MarkedList) or not node:
        r.problem(node, None, "'facts' must be a list of fact templates",
                  "start each with '- relation: ...'")
        return ()
    found = []
    for i, spec in enumerate(node, 1):
        what = f"fact template {i}"
        spec = r.mapping(spec, what, {"relation", "object", "value", "quote"} | set(schema.QUALIFIERS),
                         {"relation"})
        if spec is None:
            continue
        name = r.text(spec, "relation", what) or ""
        relation = schema.RELATIONS.get(name)
        if relation is None:
            r.problem(spec, "relation", f"{what}: unknown relation '{name}'",
                      did_you_mean(name, schema.RELATIONS))
            continue
        if relation.range == "quantity":
            r.problem(spec, "relation", f"{what}: '{name}' takes a figure, which a mapping "
                      "cannot give", "map relations with an object or a value")
            continue
        if entity_type not in relation.domain:
            r.problem(spec, "relation", f"{what}: a {entity_type} cannot be the subject of "
                      f"'{name}'", "its subjects: " + ", ".join(relation.domain))
        wanted = "value" if relation.literal else "object"
        if wanted not in spec or ({"object", "value"} - {wanted}) & spec.keys():
            r.problem(spec, None, f"{what}: '{name}' takes '{wanted}:'", f"give one '{wanted}:'")
            continue
        target = _read_value(r, spec, wanted, what, params, columns)
        if isinstance(target, Ref) and target.kind == "param" and \
                not params[target.key].required:
            r.problem(spec, wanted, f"{what}: its {wanted} comes from param '{target.key}', "
                      "which is not required", "make the param required: true")
        qualifiers = []
        for key in schema.QUALIFIERS:
            if key not in spec:
                continue
            if key not in relation.qualifiers:
                r.problem(spec, key, f"{what}: '{name}' does not take '{key}'",
                          "qualifiers allowed: " + (", ".join(sorted(relation.qualifiers)) or "none"))
                continue
            value = _read_value(r, spec, key, what, params, columns)
            kind = schema.QUALIFIERS[key].kind
            if isinstance(value, Ref) and value.kind == "param" and \
                    params[value.key].kind != kind:
                r.problem(spec, key, f"{what}: '{key}' is of kind {kind}, but param '{value.key}' is of "
                          f"kind {params[value.key].kind}", f"give the param kind: {kind}")
            if value is not None:
                qualifiers.append((key, value))
        quote_ref = _read_value(r, spec, "quote", what, params, columns) if "quote" in spec \
            else Ref("column", name_column)
        if not (isinstance(quote_ref, Ref) and quote_ref.kind == "column"):
            r.problem(spec, "quote", f"{what}: 'quote' must be {{column: KEY}}: a fact quotes "
                      "one whole cell of its row")
            continue
        found.append(FactTemplate(name, target, tuple(qualifiers), quote_ref.key))
    return tuple(found)


# -- columns and parameters ------------------------------------------------------------------------

def find_columns(table: Table, mapping: Mapping, given: dict[str, str], shown: str,
                 option: Callable[[str], str]) -> tuple[dict[str, int | None], list[Problem]]:
    """Each mapping column's index in `table` (None: an optional column not there), and the
    problems: a required column missing, a header named but absent, two headers equally fit."""
    problems: list[Problem] = []
    found: dict[str, int | None] = {}
    heads = [normalise(h) for h in table.header]
    listed = ", ".join(h for h in table.header if h)

    def missing(message: str, hint: str) -> None:
        problems.append(Problem(shown, table.header_row, 1, message, hint))

    for key in given:
        if key not in mapping.columns:
            missing(f"{option(key)}: the mapping has no column '{key}'",
                    did_you_mean(key, mapping.columns))
    taken: set[int] = set()
    for key, spec in mapping.columns.items():
        exact = given.get(key, spec.header)
        if exact is not None:
            at = [i for i, h in enumerate(heads) if h == normalise(exact)]
            if not at:
                missing(f"no column '{exact}' (header: {listed})",
                        f"give {option(key)} one of the headers")
            found[key] = at[0] if at else None
            continue
        found[key] = None
        for word in spec.contains:
            at = [i for i, h in enumerate(heads) if normalise(word) in h and i not in taken]
            if len(at) > 1:
                missing(f"columns {', '.join(table.header[i] for i in at)} all hold '{word}'",
                        f"name the {key} column with {option(key)}")
            if at:
                found[key] = at[0]
                break
        if found[key] is None and spec.required:
            missing(f"no {key} column: no header holds " + " or ".join(spec.contains)
                    + f" (header: {listed})", f"name it with {option(key)}")
        if (index := found[key]) is not None:
            taken.add(index)
    return found, problems


def read_params(mapping: Mapping, given: dict[str, str], seeds: Seeds,
                option: Callable[[str], str]) -> tuple[dict[str, int | str], list[Problem]]:
    """The parameters as typed values, checked against their kinds and the seeds."""
    values: dict[str, int | str] = {}
    problems: list[Problem] = []

    def bad(key: str, message: str, hint: str) -> None:
        problems.append(Problem(option(key), 0, 0, message, hint))

    for key in given:
        if key not in mapping.params:
            bad(key, f"the mapping {mapping.name} takes no parameter '{key}'",
                did_you_mean(key, mapping.params))
    for key, spec in mapping.params.items():
        text = (given.get(key) or "").strip()
        if not text:
            if spec.required:
                bad(key, "is required", spec.help or f"give {option(key)}")
            continue
        if spec.kind in ("year", "integer"):
            low, high = YEAR_RANGE if spec.kind == "year" else WHOLE_RANGE  # as the loader reads
            if not re.fullmatch(r"\d{1,7}", text) or not low <= int(text) <= high:
                bad(key, f"must be a whole number from {low} to {high}, got {text!r}",
                    spec.help or "a whole number")
                continue
            values[key] = int(text)
        elif spec.kind == "stage":
            if text not in schema.STAGES:
                bad(key, f"unknown stage {text!r}", did_you_mean(text, schema.STAGES))
                continue
            values[key] = text
        elif spec.kind == "entity":
            entity = seeds.entities.get(text)
            wanted = " or ".join(spec.types)
            if entity is None:
                ids = [i for i, e in seeds.entities.items() if e.type in spec.types]
                bad(key, f"no {wanted} with the id {text!r} in the seeds",
                    did_you_mean(text, ids, otherwise=f"the {wanted} ids: " + ", ".join(sorted(ids))
                                 if ids else f"add the {wanted} to the seeds first"))
                continue
            if entity.type not in spec.types:
                bad(key, f"{text!r} is a {entity.type}, not a {wanted}",
                    f"give the id of a {wanted}")
                continue
            values[key] = text
        else:
            values[key] = text
    return values, problems


# -- ids -------------------------------------------------------------------------------------------

def _unique(base: str, taken: set[str]) -> str:
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


# -- the import ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowResult:
    """What became of one row."""

    row: int
    name: str
    status: Status
    entity: str | None = None  # accepted: the known entity; new: the proposed id
    candidates: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"row": self.row, "name": self.name, "status": self.status, "entity": self.entity,
                "candidates": list(self.candidates), "evidence": list(self.evidence)}


@dataclass(frozen=True)
class ImportResult:
    rows: list[RowResult]
    planned: list[Planned]  # the files to write; empty when nothing changes
    out: Path
    source_id: str
    entities: int  # new entities in the output
    facts: int  # facts in the output

    def counts(self) -> dict[str, int]:
        found = Counter(r.status for r in self.rows)
        return {s: found[s] for s in STATUSES}


def plan_import(seeds_dir: str | Path, table_path: str | Path, mapping: Mapping,
                params: dict[str, str], out: str | Path, *, sheet: str | None = None,
                source_id: str | None = None, label: str | None = None,
                columns: dict[str, str] | None = None, command: str = "",
                option: Callable[[str], str] = lambda key: f"--param {key}",
                column_option: Callable[[str], str] = lambda key: f"--column {key}=HEADER",
                ) -> ImportResult:
    """Read the table, match its rows, and plan the archived table, its description and the
    output seeds file. InputError (nothing planned) for bad parameters, a bad table, a missing
    column, an output outside the seeds folder; the seeds must check (`kg check`) first."""
    seeds_dir, table_path, out = Path(seeds_dir), Path(table_path), Path(out)
    problems: list[Problem] = []
    if out.suffix != ".yaml" or out.resolve().parent != seeds_dir.resolve() \
            or out.name == SOURCES_FILE:
        problems.append(Problem(str(out), 0, 0, "the output must be a new or imported .yaml file "
                                f"directly in the seeds folder {seeds_dir}",
                                f"e.g. --out {seeds_dir / 'honours-import.yaml'}"))
    if out.is_file() and not out.read_bytes().startswith(HEADER.encode("utf-8")):
        problems.append(Problem(str(out), 1, 1, "exists and was not written by 'kg import'",
                                "give a new file: an import never overwrites curated seeds"))
    seeds = load_seeds(seeds_dir)
    values, bad = read_params(mapping, params, seeds, option)
    problems += bad
    archived = f"{ARCHIVE_FOLDER}/{table_path.name}"
    if source_id is None:
        source_id = next((t.id for t in seeds.tables.values() if t.file == archived), None) \
            or source_id_for(table_path, "table")
    header_row = None
    described = seeds.tables.get(source_id)
    if not ID_PATTERN.match(source_id):
        problems.append(Problem("--source-id", 0, 0, f"{source_id!r} is not a readable ASCII id",
                                "lower-case letters, digits and single hyphens"))
    elif source_id in seeds.entities or source_id in seeds.pages or source_id in seeds.articles:
        problems.append(Problem("--source-id", 0, 0, f"'{source_id}' is already the id of "
                                "something else in the seeds", "give another --source-id"))
    elif described is not None:  # read it as `kg check` will, to give the same row numbers
        if described.file != archived:
            problems.append(Problem("--source-id", 0, 0, f"'{source_id}' already describes "
                                    f"{described.file} ({described.where})",
                                    "give another --source-id"))
        elif sheet is not None and sheet != described.sheet:
            problems.append(Problem("--sheet", 0, 0, f"table '{source_id}' is described with "
                                    f"sheet {described.sheet!r} ({described.where})",
                                    "import that sheet, or archive the other as its own file"))
        sheet, header_row = described.sheet, described.header_row
    table = None
    try:
        table = read_table(table_path, sheet, header_row, shown=str(table_path))
    except InputError as exc:
        problems += exc.problems
    where: dict[str, int | None] = {}
    if table is not None:
        where, bad = find_columns(table, mapping, columns or {}, str(table_path), column_option)
        problems += bad
    if table is not None:
        problems += _cell_problems(table, mapping, where, str(table_path))
    if problems or table is None:
        raise InputError(problems)

    kept = seeds_without(seeds, seeds_dir, out)
    rows = _match_rows(table, mapping, where, kept)
    rows = _new_ids(rows, kept, source_id, _previous_ids(out, source_id))
    entities, facts = _records(table, mapping, where, values, rows, kept, source_id)
    text = _output_text(command, source_id, archived, rows, entities, facts)
    extra = {"sheet": table.sheet} if sheet is not None and table.sheet else None
    if described is None:
        planned = plan_table_source(seeds_dir, table_path, source_id,
                                    label or table.title or cell_text(table_path.stem), extra)
    else:  # described already (in any seeds file): only the archived bytes must agree
        planned = plan_table_source(seeds_dir, table_path, source_id, "", None)
        planned = [p for p in planned if p.path.name != SOURCES_FILE]
    planned += plan_text(out, text)
    return ImportResult(rows, planned, out, source_id, len(entities), len(facts))


def _cell_problems(table: Table, mapping: Mapping, where: dict[str, int | None],
                   shown: str) -> list[Problem]:
    """Cells that a whole-number qualifier takes from a column must hold one."""
    problems = []
    for template in mapping.facts:
        for key, value in template.qualifiers:
            if not (isinstance(value, Ref) and value.kind == "column") or \
                    schema.QUALIFIERS[key].kind not in ("year", "integer"):
                continue
            col = where.get(value.key)
            if col is None:
                continue
            for row in table.rows:
                cell = row.cells[col].strip()
                low, high = YEAR_RANGE if schema.QUALIFIERS[key].kind == "year" else WHOLE_RANGE
                if cell and not (cell.isdigit() and low <= int(cell) <= high):
                    problems.append(Problem(shown, row.number, col + 1,
                                            f"cell {column_letter(col)}{row.number} should be a "
                                            f"whole number from {low} to {high} ({key}), "
                                            f"not {cell!r}",
                                            "write the number alone, e.g. 3 for 第三批"))
    return problems


def _cell(row, col: int | None) -> str:
    return row.cells[col].strip() if col is not None else ""


def _match_rows(table: Table, mapping: Mapping, where: dict[str, int | None],
                seeds: Seeds) -> list[RowResult]:
    matcher = Matcher(organisation_profiles(seeds))
    domains = [schema.RELATIONS[t.relation].domain for t in mapping.facts]
    name_col = where[mapping.name_column]
    seen: dict[str, int] = {}
    results: list[RowResult] = []
    for row in table.rows:
        name = _cell(row, name_col)
        if not name:
            results.append(RowResult(row.number, "", "empty", evidence=("the name cell is empty",)))
            continue
        key = normalise(name)
        if key in seen:
            results.append(RowResult(row.number, name, "repeated",
                                     evidence=(f"row {row.number} repeats row {seen[key]}",)))
            continue
        seen[key] = row.number
        if len(cell_text(name)) < 2 or not core(name):
            results.append(RowResult(row.number, name, "review",
                                     evidence=("a name this short names no one",)))
            continue
        code = _cell(row, where.get(mapping.code_column or ""))
        notes: tuple[str, ...] = ()
        if code and (why := credit_code_problem(code)):  # evidence only when valid
            code, notes = "", (f"credit code {code} not used nor written: {why}",)
        party = Profile(f"row {row.number}", (name,),
                        region=_cell(row, where.get(mapping.region_column or "")) or None,
                        codes=frozenset({code} if code else ()),
                        sectors=sectors_of(_cell(row, where.get(mapping.industry_column or ""))))
        match = matcher.match(party)
        match = replace(match, evidence=match.evidence + notes)
        if match.status == "accepted" and match.key is not None:
            entity = seeds.entities[match.key]
            if any(entity.type not in d for d in domains):
                relation = mapping.facts[[entity.type in d for d in domains].index(False)].relation
                results.append(RowResult(row.number, name, "review", None, match.candidates,
                                         match.evidence + (f"{match.key} is a {entity.type}: "
                                                           f"'{relation}' does not apply to it",)))
            else:
                results.append(RowResult(row.number, name, "accepted", match.key,
                                         match.candidates, match.evidence))
        elif match.status == "review":
            results.append(RowResult(row.number, name, "review", None, match.candidates,
                                     match.evidence))
        else:
            near = (match.evidence if match.candidates else ()) + notes
            results.append(RowResult(row.number, name, "new", None, match.candidates, near))
    for number in table.empty_rows:  # the reader skipped them; the report still says so
        results.append(RowResult(number, "", "empty", evidence=("the whole row is empty",)))
    results.sort(key=lambda r: r.row)
    # One entity is one firm: two rows accepted for it name it twice, or one is a false friend.
    by_entity: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(results):
        if item.status == "accepted" and item.entity:
            by_entity[item.entity].append(i)
    for ident, indices in by_entity.items():
        if len(indices) > 1:
            numbers = ", ".join(str(results[i].row) for i in indices)
            for i in indices:
                held = results[i]
                results[i] = replace(held, status="review", entity=None, evidence=held.evidence + (
                    f"rows {numbers} are all accepted for {ident}: one firm under two names?",))
    # Two new firms whose names differ only by region or company form may be one: the first is
    # proposed, the later ones wait for a curator (never two entities for one firm, silently).
    first_new: dict[str, RowResult] = {}
    for i, item in enumerate(results):
        if item.status != "new":
            continue
        same = first_new.setdefault(core(item.name), item)
        if same is not item:
            results[i] = replace(item, status="review", evidence=item.evidence + (
                f"row {item.row} is row {same.row}'s new firm {same.name} but for region or "
                "company form: the same firm?",))
    return results


def _previous_ids(out: Path, source_id: str) -> dict[tuple[int, str], str]:
    """The ids the output file already gives its new entities, by (row, label): a curator's
    renaming survives a re-import, and so does a change of pinyin reading."""
    if not out.is_file():
        return {}
    try:
        tree, problems = load_marked(out.read_text(encoding="utf-8"), str(out))
    except (OSError, UnicodeDecodeError):
        return {}
    if problems or not isinstance(tree, dict):
        return {}
    found = {}
    for rec in tree.get("entities") or []:
        if isinstance(rec, dict) and rec.get("source") == source_id and \
                isinstance(rec.get("row"), int) and isinstance(rec.get("label"), str) and \
                isinstance(rec.get("id"), str) and ID_PATTERN.match(rec["id"]):
            found[rec["row"], rec["label"]] = rec["id"]
    return found


def _new_ids(rows: list[RowResult], seeds: Seeds, source_id: str,
             previous: dict[tuple[int, str], str]) -> list[RowResult]:
    taken = set(seeds.entities) | set(seeds.pages) | set(seeds.articles) | set(seeds.tables) | \
        {source_id}
    given: dict[int, str] = {}
    for item in rows:  # the ids the output already has come first
        ident = previous.get((item.row, item.name))
        if item.status == "new" and ident and ident not in taken:
            given[item.row] = ident
            taken.add(ident)
    for item in rows:
        if item.status == "new" and item.row not in given:
            base = readable_id(core(item.name)) or f"{source_id}-row-{item.row}"
            given[item.row] = _unique(base, taken)
            taken.add(given[item.row])
    return [replace(r, entity=given[r.row]) if r.status == "new" else r for r in rows]


def _resolve(value: Value, values: dict[str, int | str], row, where) -> int | str | None:
    if not isinstance(value, Ref):
        return value
    if value.kind == "param":
        return values.get(value.key)
    return _cell(row, where.get(value.key)) or None


def _records(table: Table, mapping: Mapping, where: dict[str, int | None],
             values: dict[str, int | str], rows: list[RowResult], seeds: Seeds,
             source_id: str) -> tuple[list[dict], list[dict]]:
    entities: list[dict] = []
    facts: list[dict] = []
    for item in rows:
        if item.status not in ("accepted", "new") or item.entity is None:
            continue
        row = table.row(item.row)
        assert row is not None  # every result stands for a data row of this table
        cited = {"source": source_id, "row": item.row}
        if item.status == "new":
            entities.append({"id": item.entity, "type": mapping.entity_type, "label": item.name,
                             **cited, "quote": item.name})
        for template in mapping.facts:
            target = _resolve(template.target, values, row, where) \
                if template.target is not None else None
            quote = _cell(row, where.get(template.quote))
            if target is None or len(cell_text(quote)) < 2:
                continue
            relation = schema.RELATIONS[template.relation]
            fact: dict = {"subject": item.entity, "relation": template.relation,
                          ("value" if relation.literal else "object"): target}
            for key, value in template.qualifiers:
                resolved = _resolve(value, values, row, where)
                if resolved is not None:
                    fact[key] = int(resolved) if schema.QUALIFIERS[key].integer else resolved
            facts.append({**fact, **cited, "quote": quote})
        label = seeds.entities[item.entity].label if item.status == "accepted" else item.name
        if item.status == "accepted" and is_full_name(item.name) and \
                normalise(item.name) != normalise(label):
            facts.append({"subject": item.entity, "relation": "legalName", "value": item.name,
                          **cited, "quote": item.name})
        region = _cell(row, where.get(mapping.region_column or ""))
        if len(cell_text(region)) >= 2:
            facts.append({"subject": item.entity, "relation": "region", "value": region,
                          **cited, "quote": region})
        code = _cell(row, where.get(mapping.code_column or ""))
        if code and credit_code_problem(code) is None:
            facts.append({"subject": item.entity, "relation": "creditCode", "value": code,
                          **cited, "quote": code})
    return entities, facts


def _comment(text: str) -> str:
    return escape_controls(text)  # a name from a table must not end the comment line


def _output_text(command: str, source_id: str, archived: str, rows: list[RowResult],
                 entities: list[dict], facts: list[dict]) -> str:
    counts = Counter(r.status for r in rows)
    lines = [f"{HEADER} '{source_id}' ({archived}) by",
             f"#   {_comment(command)}" if command else "#   kg import",
             "# Review it, then run 'kg check' and 'kg build'. Importing the same table again "
             "gives this file again.",
             f"# {counted(len(rows), 'row')}: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES)
             + "."]
    held = [r for r in rows if r.status in ("review", "repeated", "empty")]
    if held:
        lines += ["#", "# Not written as facts (decide, then add them by hand or fix the table):"]
    for item in held:
        lines.append(f"#   row {item.row} ({item.status}): {_comment(item.name) or '(no name)'}")
        if item.candidates:
            lines.append(f"#     candidates: {', '.join(item.candidates)}")
        lines += [f"#     - {_comment(reason)}" for reason in item.evidence]
    body = {"entities": entities} if entities else {}
    body["facts"] = facts
    return "\n".join(lines) + "\n" + yaml_text(body)
