"""Load `seeds/*.yaml` into typed records and check them against `kg.seeds.schema`.

The loader knows nothing of RDF. It returns `Seeds` or raises `InputError` carrying every
problem found in every file, each with `file:line:col`.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kg.collector import collector_paused
from kg.seeds import schema
from kg.errors import InputError, Problem, did_you_mean
from kg.seeds.beside import Parsed, parsed_beside
from kg.seeds.quotes import KEPT_INDEXES, QuoteFinder
from kg.seeds.sheets import Table, cell_text, read_table
from kg.seeds.yamlmarks import Mark, MarkedList, MarkedMap, load_marked

ID_PATTERN = schema.ID_PATTERN
DATE_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$")
YEAR_RANGE = (1900, 2100)
WHOLE_RANGE = (1, 1000)  # a batch or a rank
URL_PATTERN = re.compile(r"^https?://[^\s<>\"{}|\\^`]{1,2000}$")  # what xsd:anyURI and IRIs accept
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$")
TOP_KEYS = {"pages", "articles", "tables", "entities", "facts"}
SOURCE_SECTIONS = ("pages", "articles", "tables")
PAGE_KEYS = {"id", "label", "label_en", "file", "newspaper", "date", "inferred_year",
             "inferred_year_basis", "note"}
TABLE_KEYS = {"id", "label", "label_en", "file", "sheet", "header_row", "publisher", "date", "year",
              "url", "note"}
ARTICLE_KEYS = {"id", "page", "lines", "title", "subtitle", "kicker", "byline", "reporters",
                "correspondents", "note"}
# Keys whose value is a list or a mapping; every other key takes one scalar.
COLLECTION_KEYS = {"aliases", "aliases_en", "segments", "lines", "reporters", "correspondents",
                   "quantity"}
# Keys that may say `null`: the page's newspaper and date, when the page does not print them.
NULLABLE_KEYS = {"newspaper", "date"}
# Relations whose value must stand in the fact's own quote: identity is never filled in.
IDENTITY_RELATIONS = {"legalName", "creditCode", "stockCode", "sameAs"}
# A seeds file above 256 MiB is refused: the page's largest is 30 kB, a synthetic province's
# 0.8 MB, an honour list of 20,000 new firms imported 8.5 MB, and a whole province of 100,000
# companies written as one file 84 MB (read in 18 s here, 1.5 GB at its peak).
MAX_SEED_BYTES = 256 << 20
MAX_SOURCE_BYTES = 16 << 20  # an archived source text above 16 MiB is refused


@dataclass(frozen=True)
class Where:
    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Page:
    id: str
    label: str
    label_en: str | None
    file: str
    text: str
    inferred_year: int | None
    inferred_year_basis: str | None
    where: Where


@dataclass
class TableSource:
    """A table archived under the seeds folder (`tables:`): facts citing it quote one cell of
    one row. Its rows are read to check those quotes, not kept here."""

    id: str
    label: str
    label_en: str | None
    file: str
    sheet: str | None
    header_row: int | None
    publisher: str | None  # a PublicBody id
    date: str | None  # YYYY-MM or YYYY-MM-DD
    year: int | None
    url: str | None  # where it was published; never fetched
    note: str | None
    where: Where
    marks: RecordMarks | None = field(default=None, repr=False, compare=False)


@dataclass
class Article:
    id: str
    page: str
    lines: tuple[int, int]
    title: str
    subtitle: str | None
    kicker: str | None
    byline: str
    reporters: list[str]
    correspondents: list[str]
    where: Where


class RecordMarks:
    """Where a record and each of its values stand: all the later checks need of it, so the
    parsed file (values, keys, their marks) can be freed once its records are read."""

    __slots__ = ("mark", "value_marks")

    def __init__(self, rec: MarkedMap):
        self.mark, self.value_marks = rec.mark, rec.value_marks


@dataclass(slots=True)
class Entity:
    id: str
    type: str
    label: str
    label_en: str | None
    aliases: list[str]
    aliases_en: list[str]
    note: str | None
    source: str
    quote: str
    where: Where
    level: str | None = None
    segments: list[str] = field(default_factory=list)
    marks: RecordMarks | None = field(default=None, repr=False, compare=False)
    row: int | None = None  # with a table source: the row the quote is a cell of


@dataclass(frozen=True)
class Quantity:
    amount: Decimal
    unit: str
    qualifier: str


@dataclass(slots=True)
class Fact:
    subject: str
    relation: str
    object: str | None
    value: int | str | None  # a literal relation's value (see Relation.value_kind)
    quantity: Quantity | None
    qualifiers: dict[str, int | str]
    source: str
    quote: str
    note: str | None
    inferred: str | None
    where: Where
    marks: RecordMarks | None = field(default=None, repr=False, compare=False)
    row: int | None = None  # with a table source: the row the quote is a cell of


@dataclass
class Seeds:
    pages: dict[str, Page]
    articles: dict[str, Article]
    entities: dict[str, Entity]
    facts: list[Fact]
    files: list[str]
    tables: dict[str, TableSource] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # sha256 of each file read, by name


def squash(text: str) -> str:
    """Text with all white space removed: the page breaks lines mid-sentence."""
    return "".join(text.split())


class _Checker:
    """Collects problems while reading one seeds folder."""

    def __init__(self, root: Path, known: Mapping[str, str] | None = None):
        self.root = root
        # The ids of the files not read (a rebuild's part): an entity's type, "" for a source.
        self.known: Mapping[str, str] = known or {}
        self.digests: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.pages: dict[str, Page] = {}
        self.articles: dict[str, Article] = {}
        self.entities: dict[str, Entity] = {}
        self.facts: list[Fact] = []
        self.ids: dict[str, Where] = {}
        self.article_text: dict[str, str] = {}
        self.tables: dict[str, TableSource] = {}
        self.table_rows: dict[str, Table] = {}  # read once, to check the quotes citing it
        self.finders: dict[str, QuoteFinder] = {}  # an article's text, for its many quotes
        self.indexed: dict[str, QuoteFinder] = {}  # those holding an index, least recent first
        self.unreadable: list[str] = []  # files that could not be read as seeds

    # -- helpers -------------------------------------------------------------------------
    def problem(self, path: str, mark: Mark, message: str, hint: str = "") -> None:
        self.problems.append(Problem(path, mark.line, mark.col, message, hint))

    def _value_mark(self, rec: MarkedMap | RecordMarks, key: str) -> Mark:
        return rec.value_marks.get(key, rec.mark)

    def keys(self, path, rec, allowed: set[str], required: tuple[str, ...], what: str,
             mark: Mark) -> bool:
        """Check a record's keys and the kind of each value; False if it cannot be read."""
        if not isinstance(rec, MarkedMap):
            self.problem(path, getattr(rec, "mark", mark), f"{what} must be a mapping",
                         "write it as 'key: value' lines")
            return False
        ok = True
        for key, value in rec.items():
            if key not in allowed:
                self.problem(path, rec.key_marks[key], f"unknown key '{key}' in {what}",
                             did_you_mean(key, allowed))
            elif value is None and key not in NULLABLE_KEYS and key not in required:
                self.problem(path, rec.value_marks[key], f"'{key}' is empty",
                             f"give '{key}' a value, or remove the line")
                ok = False
            elif isinstance(value, (MarkedMap, MarkedList)) and key not in COLLECTION_KEYS:
                kind = "mapping" if isinstance(value, MarkedMap) else "list"
                self.problem(path, rec.value_marks[key], f"'{key}' takes one value, not a {kind}",
                             f"write {key}: followed by a single value")
                ok = False
        for key in required:
            if rec.get(key) in (None, ""):
                self.problem(path, rec.mark, f"{what} has no '{key}'", f"add '{key}:'")
                ok = False
        return ok

    def text(self, path, rec, key, required=False) -> str | None:
        value = rec.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(path, self._value_mark(rec, key), f"'{key}' must be text, got {value!r}",
                         "write it as text; quote it if YAML reads it as a number")
            return None
        return value

    def text_list(self, path, rec, key) -> list[str]:
        value = rec.get(key)
        if value is None:
            return []
        if not isinstance(value, MarkedList) or not all(isinstance(v, str) for v in value):
            self.problem(path, self._value_mark(rec, key), f"'{key}' must be a list of text",
                         f"write {key}: [a, b]")
            return []
        return list(value)

    def whole(self, path, rec, key, low, high, what) -> int | None:
        value = rec.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(path, self._value_mark(rec, key),
                         f"'{key}' must be {what}, got {value!r}",
                         f"write a whole number from {low} to {high}")
            return None
        return value

    def claim_id(self, path, rec, what) -> str | None:
        ident = rec.get("id")
        mark = self._value_mark(rec, "id")
        if not isinstance(ident, str) or not ID_PATTERN.match(ident):
            self.problem(path, mark, f"{what} id {ident!r} is not a readable ASCII id",
                         "use lower-case letters, digits and single hyphens, e.g. jingrui-electronics")
            return None
        if ident in self.ids or ident in self.known:
            self.problem(path, mark, f"id '{ident}' is defined twice",
                         f"first defined at {self.ids.get(ident, 'another file')}; "
                         "rename one or merge them")
            return None
        self.ids[ident] = Where(path, mark.line, mark.col)
        return ident

    # -- files ---------------------------------------------------------------------------
    def read_file(self, file: Path) -> MarkedMap | None:
        path = str(file.relative_to(self.root.parent)) if file.is_relative_to(self.root.parent) \
            else str(file)
        text = self.read_text(path, file, MAX_SEED_BYTES)
        if text is None:
            return None
        self.digests[file.name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self.parse_file(path, text)

    def adopt(self, file: Path, parsed: Callable[[], Parsed | None]) -> MarkedMap | None:
        """`read_file` of a file another process read (kg.seeds.beside): what it found is
        taken as found here; read here if that process failed."""
        given = parsed()
        if given is None:
            return self.read_file(file)
        data, problems, unreadable, digests = given
        self.problems.extend(problems)
        self.unreadable.extend(unreadable)
        self.digests.update(digests)
        return data

    def parse_file(self, path: str, text: str) -> MarkedMap | None:
        """A seeds file's text as the mapping of its sections; None, with problems, if not."""
        data, problems = load_marked(text, path)
        self.problems.extend(problems)
        if data is None:
            if problems:
                self.unreadable.append(path)
            return None
        if not isinstance(data, MarkedMap):
            self.unreadable.append(path)
            self.problems.append(Problem(path, 1, 1, "a seeds file must be a mapping",
                                         "start with 'entities:' or 'facts:'"))
            return None
        data.path = path
        for key in data:
            if key not in TOP_KEYS:
                self.problem(path, data.key_marks[key], f"unknown section '{key}'",
                             did_you_mean(key, TOP_KEYS))
            elif not isinstance(data[key], MarkedList):
                self.problem(path, data.value_marks[key], f"section '{key}' must be a list",
                             "start each item with '- '")
        return data

    def read_text(self, path: str, file: Path, limit: int, where: Mark | None = None,
                  shown: str = "") -> str | None:
        """A file's UTF-8 text, at most `limit` bytes; None, with a problem, if it is not that.

        `where` is the seeds line naming the file as `shown` (a page's `file:`); else the
        problem is reported in the file itself. An unreadable file is a root cause.
        """
        here = where or Mark(0, 0)
        shown = shown or "the file"
        self.unreadable.append(shown)  # until it is read
        if not file.is_file():  # a FIFO or a device would block or never end
            self.problem(path, here, f"{shown} is not a plain file",
                         "a pipe, a device or a folder cannot be read; use a plain text file")
            return None
        try:
            with open(file, "rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            self.problem(path, here, f"{shown} cannot be read ({exc.strerror})",
                         "check that the file is readable")
            return None
        if len(data) > limit:
            self.problem(path, here, f"{shown} is larger than the limit of {limit >> 20} MiB",
                         "split it into smaller files")
            return None
        try:
            text = data.decode("utf-8")
            self.unreadable.pop()
            return text
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            line_start = data.rfind(b"\n", 0, exc.start) + 1
            col = len(data[line_start:exc.start].decode("utf-8")) + 1  # valid up to the byte
            if where is None:
                here = Mark(line, col)
            self.problem(path, here, f"{shown} is not UTF-8 text: byte 0x{data[exc.start]:02x} "
                         f"at line {line}, column {col} ({exc.reason})",
                         "save the file as UTF-8")
            return None

    def items(self, data: MarkedMap, section: str):
        """(record, where it starts) for each item of a section."""
        value = data.get(section)
        return zip(value, value.item_marks) if isinstance(value, MarkedList) else ()

    def read_records(self, file: Path, text: str | None = None,
                     sections: Sequence[str] = (*SOURCE_SECTIONS, "entities", "facts"),
                     path: str | None = None,
                     parsed: Callable[[], Parsed | None] | None = None
                     ) -> str | None:
        """Read the records of one seeds file (of `sections` only), or of `text` shown as
        `path`, or of the file as another process `parsed` it; the file's path as shown,
        None if it cannot be read."""
        readers = {"pages": self.read_page, "articles": self.read_article,
                   "tables": self.read_table_source,
                   "entities": self.read_entity, "facts": self.read_fact}
        if text is not None:
            data = self.parse_file(path or str(file), text)
        elif parsed is not None:
            data = self.adopt(file, parsed)
        else:
            data = self.read_file(file)
        if data is None:
            return None
        for section in sections:
            for rec, mark in self.items(data, section):
                readers[section](data.path, rec, mark)
        return data.path

    def seeds(self, read: list[str]) -> Seeds:
        return Seeds(self.pages, self.articles, self.entities, self.facts, read, self.tables,
                     self.digests)

    # -- sources -------------------------------------------------------------------------
    def read_page(self, path, rec, mark) -> None:
        if not self.keys(path, rec, PAGE_KEYS, ("id", "label", "file"), "page", mark):
            return
        ident = self.claim_id(path, rec, "page")
        label = self.text(path, rec, "label")
        file = self.text(path, rec, "file")
        if ident is None or label is None or file is None:
            return
        source_file = self.source_file(path, rec, file)
        if source_file is None:
            return
        file_mark = self._value_mark(rec, "file")
        text = self.read_text(path, source_file, MAX_SOURCE_BYTES, file_mark, file)
        self.text(path, rec, "newspaper")
        self.text(path, rec, "note")
        if rec.get("date") is not None:
            self.read_kind(path, rec, "date", "date")
        year = self.whole(path, rec, "inferred_year", *YEAR_RANGE, "a year")
        if text is None:
            return
        self.pages[ident] = Page(ident, label, self.text(path, rec, "label_en"), file, text, year,
                                 self.text(path, rec, "inferred_year_basis"),
                                 Where(path, rec.mark.line, rec.mark.col))

    def source_file(self, path, rec, file: str) -> Path | None:
        """The archived source file a page or table names, if it is under the seeds folder."""
        source_file = self.root / file
        file_mark = self._value_mark(rec, "file")
        if not source_file.resolve().is_relative_to(self.root.resolve()):
            self.problem(path, file_mark, f"source file '{file}' is outside {self.root.name}/",
                         "archive the source under the seeds folder, e.g. sources/")
            return None
        if not source_file.exists():
            self.problem(path, file_mark,
                         f"source file '{file}' not found under {self.root.name}/",
                         "archive the source there, or fix the path")
            return None
        return source_file

    def read_table_source(self, path, rec, mark) -> None:
        if not self.keys(path, rec, TABLE_KEYS, ("id", "label", "file"), "table", mark):
            return
        ident = self.claim_id(path, rec, "table")
        label, file = self.text(path, rec, "label"), self.text(path, rec, "file")
        sheet = self.text(path, rec, "sheet")
        header_row = self.whole(path, rec, "header_row", 1, 1_000_000, "a row number")
        date = self.read_kind(path, rec, "date", "date") if "date" in rec else None
        year = self.whole(path, rec, "year", *YEAR_RANGE, "a year")
        if "date" in rec and "year" in rec:
            self.problem(path, rec.key_marks["year"], "give a table's 'date' or its 'year', not both",
                         "keep 'date' when the day or month is known, else 'year'")
        for key in ("label_en", "publisher", "note"):
            self.text(path, rec, key)
        url = self.text(path, rec, "url")
        if url is not None and not URL_PATTERN.match(url):
            self.problem(path, self._value_mark(rec, "url"),
                         f"'url' must be an http(s) address without spaces, got {url!r}",
                         "copy the address as published, e.g. https://…; it is never fetched")
        if ident is None or label is None or file is None:
            return
        # a table that cannot be read is a root cause: the quotes citing it are not checked
        self.unreadable.append(file)
        source_file = self.source_file(path, rec, file)
        if source_file is None:
            return
        try:
            table = read_table(source_file, sheet, header_row,
                               shown=str(Path(path).parent / file))
        except InputError as exc:
            self.problems.extend(exc.problems)
            return
        self.unreadable.pop()
        self.table_rows[ident] = table
        self.tables[ident] = TableSource(
            ident, label, self.text(path, rec, "label_en"), file, sheet, header_row,
            self.text(path, rec, "publisher"), date if isinstance(date, str) else None, year,
            self.text(path, rec, "url"), self.text(path, rec, "note"),
            Where(path, rec.mark.line, rec.mark.col), RecordMarks(rec))

    def read_article(self, path, rec, mark) -> None:
        if not self.keys(path, rec, ARTICLE_KEYS, ("id", "page", "lines", "title", "byline"),
                         "article", mark):
            return
        ident = self.claim_id(path, rec, "article")
        page = self.text(path, rec, "page")
        lines = rec.get("lines")
        if not (isinstance(lines, MarkedList) and len(lines) == 2
                and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in lines)
                and lines[0] <= lines[1]):
            self.problem(path, self._value_mark(rec, "lines"),
                         f"'lines' must be [first, last] line numbers, got {lines!r}",
                         "write lines: [3, 19]")
            lines = None
        title = self.text(path, rec, "title")
        byline = self.text(path, rec, "byline")
        if ident and page and lines and title and byline:
            self.articles[ident] = Article(
                ident, page, (lines[0], lines[1]), title, self.text(path, rec, "subtitle"),
                self.text(path, rec, "kicker"), byline, self.text_list(path, rec, "reporters"),
                self.text_list(path, rec, "correspondents"),
                Where(path, rec.mark.line, rec.mark.col))

    def check_articles(self) -> None:
        for art in self.articles.values():
            page = self.pages.get(art.page)
            if page is None:
                self.problems.append(Problem(
                    art.where.path, art.where.line, art.where.col,
                    f"article '{art.id}' names unknown page '{art.page}'",
                    did_you_mean(art.page, self.pages)))
                continue
            all_lines = page.text.splitlines()
            first, last = art.lines
            if last > len(all_lines):
                self.problems.append(Problem(
                    art.where.path, art.where.line, art.where.col,
                    f"article '{art.id}' ends at line {last}, but {page.file} has "
                    f"{len(all_lines)} lines", "fix 'lines'"))
                continue
            self.article_text[art.id] = squash("\n".join(all_lines[first - 1:last]))
            for what, text in (("title", art.title), ("subtitle", art.subtitle),
                               ("kicker", art.kicker), ("byline", art.byline)):
                if text and squash(text) not in self.article_text[art.id]:
                    self.problems.append(Problem(
                        art.where.path, art.where.line, art.where.col,
                        f"article '{art.id}' {what} is not in lines {first}-{last} of {page.file}",
                        "copy it verbatim from the source"))
            for person in art.reporters + art.correspondents:
                self.expect_ref(art.where.path, Mark(art.where.line, art.where.col), person,
                                ("Person",), f"article '{art.id}' byline")

    # -- entities ------------------------------------------------------------------------
    def read_entity(self, path, rec, mark) -> None:
        if not self.keys(path, rec, schema.ENTITY_KEYS | {"level", "segments"},
                         ("id", "type", "label", "source", "quote"), "entity", mark):
            return
        ident = self.claim_id(path, rec, "entity")
        etype = rec["type"]
        if etype not in schema.ENTITY_TYPES:
            self.problem(path, self._value_mark(rec, "type"), f"unknown entity type '{etype}'",
                         did_you_mean(str(etype), schema.ENTITY_TYPES))
            return
        extra = schema.ENTITY_TYPES[etype].get("extra", set())
        for key in ("level", "segments"):
            if key in rec and key not in extra:
                self.problem(path, rec.key_marks[key], f"'{key}' does not apply to {etype}",
                             "remove it")
        level = None
        if etype == "Honour":
            level = rec.get("level")
            if level not in schema.HONOUR_LEVEL_INDIVIDUALS:
                self.problem(path, self._value_mark(rec, "level"),
                             f"honour level {level!r} is missing or unknown",
                             "write level: national, provincial or municipal")
        label = self.text(path, rec, "label")
        source, quote = self.text(path, rec, "source"), self.text(path, rec, "quote")
        if ident is None or label is None or source is None or quote is None:
            return
        self.entities[ident] = Entity(
            ident, etype, label, self.text(path, rec, "label_en"),
            self.text_list(path, rec, "aliases"), self.text_list(path, rec, "aliases_en"),
            self.text(path, rec, "note"), source, quote,
            Where(path, rec.mark.line, rec.mark.col), level,
            self.text_list(path, rec, "segments"), RecordMarks(rec), self.row(path, rec))

    # -- facts ---------------------------------------------------------------------------
    def read_fact(self, path, rec, mark) -> None:
        if not self.keys(path, rec, schema.FACT_KEYS, ("subject", "relation", "source", "quote"),
                         "fact", mark):
            return
        name = rec["relation"]
        relation = schema.RELATIONS.get(name)
        if relation is None:
            self.problem(path, self._value_mark(rec, "relation"), f"unknown relation '{name}'",
                         did_you_mean(str(name), schema.RELATIONS) +
                         " (the relations are listed in seeds/README.md)")
            return
        given = [k for k in ("object", "value", "quantity") if k in rec]
        wanted = ("quantity" if relation.range == "quantity" else
                  "value" if relation.literal else "object")
        if given != [wanted]:
            self.problem(path, rec.mark, f"'{name}' takes '{wanted}:'"
                         + (f", not {', '.join(repr(g) for g in given)}" if given else ""),
                         f"give exactly one '{wanted}:'")
            return
        value, quantity, obj = None, None, None
        if wanted == "quantity":
            quantity = self.read_quantity(path, rec, name)
        elif wanted == "value":
            value = self.read_kind(path, rec, "value", relation.value_kind)
        else:
            obj = self.text(path, rec, "object")
        qualifiers = {}
        for key in schema.QUALIFIERS.keys() & rec.keys():
            if key not in relation.qualifiers:
                allowed = ", ".join(sorted(relation.qualifiers)) or "none"
                instead = schema.INSTEAD.get((name, key))
                self.problem(path, rec.key_marks[key], f"'{name}' does not take '{key}'",
                             f"use relation: {instead} for this count, with the same '{key}:'"
                             if instead else f"qualifiers allowed here: {allowed}")
                continue
            qualifiers[key] = self.read_kind(path, rec, key, schema.QUALIFIERS[key].kind)
        inferred = rec.get("inferred")
        if inferred is not None and (not isinstance(inferred, str) or not inferred.strip()):
            self.problem(path, self._value_mark(rec, "inferred"),
                         "'inferred' must say why the fact is inferred",
                         "write inferred: \"the reason\"")
            inferred = None
        source, quote = self.text(path, rec, "source"), self.text(path, rec, "quote")
        subject = rec["subject"]
        if source is None or quote is None or (wanted == "value" and value is None) \
                or (wanted == "quantity" and quantity is None) \
                or (wanted == "object" and obj is None):
            return
        self.check_identity(path, rec, name, value, quote)
        fact = Fact(subject, name, obj, value, quantity,
                    {k: v for k, v in qualifiers.items() if v is not None}, source, quote,
                    self.text(path, rec, "note"), inferred,
                    Where(path, rec.mark.line, rec.mark.col), RecordMarks(rec), self.row(path, rec))
        self.facts.append(fact)

    def row(self, path, rec) -> int | None:
        return self.whole(path, rec, "row", 1, 1_048_576, "a row number")  # XLSX's last row

    def read_quantity(self, path, rec, name) -> Quantity | None:
        q = rec["quantity"]
        if not self.keys(path, q, schema.QUANTITY_KEYS, ("amount", "unit"), "quantity",
                         self._value_mark(rec, "quantity")):
            return None
        amount, unit = q["amount"], q["unit"]
        qualifier = q.get("qualifier") or "exact"
        ok = True
        if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)) or amount < 0:
            self.problem(path, self._value_mark(q, "amount"),
                         f"amount must be a number of at least 0, got {amount!r}",
                         "write the number as printed, e.g. 4.94, without quotes")
            ok = False
        kind = schema.FIGURE_KIND[name]
        units = schema.FIGURE_KINDS[kind]
        if unit not in units:
            self.problem(path, self._value_mark(q, "unit"),
                         f"'{name}' is a {kind} figure and needs a unit from {', '.join(units)}; "
                         f"got {unit!r}", "write the unit as the source prints it")
            ok = False
        elif ok and kind == "share" and amount > 100:
            self.problem(path, self._value_mark(q, "amount"),
                         f"a share is 0-100 %, got {amount}", "check the figure in the source")
            ok = False
        if qualifier not in schema.QUANTITY_QUALIFIERS:
            self.problem(path, self._value_mark(q, "qualifier"),
                         f"unknown qualifier {qualifier!r}",
                         did_you_mean(str(qualifier), schema.QUANTITY_QUALIFIERS))
            ok = False
        return Quantity(Decimal(amount), unit, qualifier) if ok else None

    def read_kind(self, path: str, rec: MarkedMap, key: str,
                  kind: schema.ValueKind) -> int | str | None:
        """The value under `key` checked as a `kind` of `kg.seeds.schema`; None if wrong.

        A literal relation's `value:` and every qualifier are read here. An entity id is only
        text at this point: `check_references` resolves it once every entity is read.
        """
        value, mark = rec[key], self._value_mark(rec, key)
        if kind == "year":
            return self.whole(path, rec, key, *YEAR_RANGE, "a year")
        if kind == "integer":
            return self.whole(path, rec, key, *WHOLE_RANGE, "a whole number from 1")
        if kind == "date":
            match = DATE_PATTERN.match(value) if isinstance(value, str) else None
            if match is None:
                self.problem(path, mark, f"date {value!r} is not YYYY-MM or YYYY-MM-DD",
                             "write it in quotes, e.g. date: \"2024-11\"")
                return None
            year, month, day = (int(g) if g else 1 for g in match.groups())
            try:
                datetime.date(year, month, day)
            except ValueError:
                self.problem(path, mark, f"date {value!r} is not a day of the calendar",
                             f"check the day: {year}-{month:02d} has no day {day}")
                return None
            return value
        if kind == "stage":
            if value not in schema.STAGES:
                self.problem(path, mark, f"unknown stage {value!r}",
                             did_you_mean(str(value), schema.STAGES))
                return None
            return value
        if kind == "exchange":
            if value not in schema.EXCHANGES:
                known = schema.exchange_code(str(value))
                self.problem(path, mark, f"unknown exchange {value!r}",
                             f"write its ISO 10383 code: {known}" if known else
                             "write one of " + ", ".join(
                                 f"{k} ({zh})" for k, (zh, _en) in schema.EXCHANGES.items()))
                return None
            return value
        if kind in ("code", "iri"):
            if not isinstance(value, str):
                self.problem(path, mark, f"{key} {value!r} must be text",
                             "write it in quotes as printed, e.g. \"002407\" (leading zeros count)")
                return None
            pattern = CODE_PATTERN if kind == "code" else URL_PATTERN
            if not pattern.match(value):
                self.problem(path, mark, f"{key} {value!r} is not "
                             + ("an identifier" if kind == "code" else "an http(s) IRI"),
                             "letters, digits and - . / only, as printed" if kind == "code"
                             else "write the record's full http:// or https:// address")
                return None
            return value
        return self.text(path, rec, key)

    def check_identity(self, path, rec, relation: str, value: int | str | None,
                       quote: str) -> None:
        """What a source states about identity is checked as it is stated: the value stands in
        the quote, and a credit code carries its right check character (GB 32100-2015)."""
        if relation not in IDENTITY_RELATIONS or not isinstance(value, str):
            return
        mark = self._value_mark(rec, "value")
        if squash(value) not in squash(quote):
            self.problem(path, mark, f"'{relation}' {value!r} is not in its quote",
                         "quote the words of the source that state it")
        if relation == "creditCode":
            from kg.match import credit_code_problem
            problem = credit_code_problem(value)
            if problem:
                self.problem(path, mark, f"credit code {value!r}: {problem}",
                             "copy the 18 characters from the source; a wrong check "
                             "character means a misprint or a typing error")

    # -- cross-checks --------------------------------------------------------------------
    def expect_ref(self, path, mark, ident, types, what) -> None:
        entity = self.entities.get(ident) if isinstance(ident, str) else None
        if entity is None and self.known.get(ident):
            if self.known[ident] not in types:
                self.problem(path, mark, f"{what}: '{ident}' is a {self.known[ident]}",
                             f"it must be a {' or '.join(types)}")
            return
        if entity is None:
            self.problem(path, mark, f"{what}: unknown id {ident!r}",
                         did_you_mean(ident, self.entities, "write the id of an entity "
                                      "defined in the seeds") if isinstance(ident, str)
                         else "write an entity id")
        elif entity.type not in types:
            self.problem(path, mark, f"{what}: '{ident}' is a {entity.type}",
                         f"it must be a {' or '.join(types)}")

    def check_quote(self, path, rec: RecordMarks, source, quote, what,
                    row: int | None = None) -> None:
        mark = self._value_mark(rec, "quote")
        if source in self.tables:
            self.check_cell(path, rec, source, quote, what, row)
            return
        if row is not None and source in self.articles:
            self.problem(path, self._value_mark(rec, "row"),
                         f"{what}: 'row' is for a table source, and '{source}' is an article",
                         "remove 'row:', or cite the table the row is in")
        if source not in self.articles:
            self.problem(path, mark, f"{what}: unknown source '{source}'",
                         did_you_mean(source, self.articles.keys() | self.tables.keys()))
            return
        text = self.article_text.get(source)
        if text is None:
            return
        wanted = squash(quote)
        if len(wanted) < 2:
            self.problem(path, mark, f"{what}: quote is too short", "quote the clause that says it")
        elif not self.found(source, text, wanted):
            self.problem(path, mark, f"{what}: quote not found in {source}: {quote!r}",
                         _closest_hint(wanted, text))

    def found(self, source: str, text: str, wanted: str) -> bool:
        """Whether `wanted` stands in the source's text; the KEPT_INDEXES texts indexed most
        recently keep their index, the others let it go (bounded memory)."""
        finder = self.finders.get(source)
        if finder is None:
            finder = self.finders[source] = QuoteFinder(text)
        answer = finder.contains(wanted)
        if finder.indexed:
            self.indexed.pop(source, None)
            self.indexed[source] = finder  # the most recently used last
            while len(self.indexed) > KEPT_INDEXES:
                self.indexed.pop(next(iter(self.indexed))).forget()
        return answer

    def check_cell(self, path, rec: RecordMarks, source, quote, what, row: int | None) -> None:
        """A quote of a table is one whole cell of the row it names (NFC, trimmed)."""
        table = self.table_rows.get(source)
        if table is None:
            return
        if row is None:
            self.problem(path, rec.mark, f"{what}: cites table '{source}' but gives no 'row'",
                         "add 'row: N', the row number as the spreadsheet shows it")
            return
        found = table.row(row)
        if found is None:
            last = table.rows[-1].number
            first = table.rows[0].number
            why = ("is the header" if row == table.header_row else
                   "is empty" if row in table.empty_rows else
                   f"is not one of its data rows, {first}-{last}" if first != last else
                   f"is not its one data row, {first}")
            self.problem(path, self._value_mark(rec, "row"),
                         f"{what}: row {row} of table '{source}' {why}",
                         "give the row number as the spreadsheet shows it; the header is row "
                         f"{table.header_row}")
            return
        wanted = cell_text(quote)
        if not any(cell_text(cell) == wanted for cell in found.cells):
            cells = " | ".join(f"{head}={cell}" for head, cell in zip(table.header, found.cells))
            self.problem(path, self._value_mark(rec, "quote"),
                         f"{what}: quote is not a cell of row {row} of table '{source}': "
                         f"{quote!r}", f"quote one whole cell verbatim; the row's cells: {cells}")
        elif len(wanted) < 2:
            self.problem(path, self._value_mark(rec, "quote"),
                         f"{what}: quote is too short", "quote a cell of at least two characters, "
                         "e.g. the company's name")

    def check_references(self) -> None:
        for table in self.tables.values():
            if table.publisher is not None and table.marks is not None:
                self.expect_ref(table.where.path, self._value_mark(table.marks, "publisher"),
                                table.publisher, ("PublicBody",), f"publisher of table '{table.id}'")
        for ent in self.entities.values():
            rec = ent.marks
            assert rec is not None  # every record read here keeps its marks
            self.check_quote(ent.where.path, rec, ent.source, ent.quote, f"entity '{ent.id}'",
                             ent.row)
            for seg in ent.segments:
                self.expect_ref(ent.where.path, self._value_mark(rec, "segments"), seg,
                                ("ChainSegment",), f"segments of '{ent.id}'")
        seen: dict[tuple, Where] = {}
        for fact in self.facts:
            rec, path = fact.marks, fact.where.path
            assert rec is not None  # every record read here keeps its marks
            relation = schema.RELATIONS[fact.relation]
            self.expect_ref(path, self._value_mark(rec, "subject"), fact.subject,
                            relation.domain, f"subject of '{fact.relation}'")
            if fact.object is not None:
                self.expect_ref(path, self._value_mark(rec, "object"), fact.object,
                                relation.range, f"object of '{fact.relation}'")
            for q in schema.QUALIFIERS.values():
                if q.kind == "entity" and q.key in fact.qualifiers:
                    self.expect_ref(path, self._value_mark(rec, q.key), fact.qualifiers[q.key],
                                    q.refs, f"'{q.key}'")
            self.check_quote(path, rec, fact.source, fact.quote,
                             f"fact '{fact.subject} {fact.relation}'", fact.row)
            key = (fact.subject, fact.relation, fact.object, str(fact.value), fact.quantity,
                   tuple(sorted(fact.qualifiers.items())), fact.source, fact.row)
            if key in seen:
                self.problems.append(Problem(path, fact.where.line, fact.where.col,
                                             "the same fact is stated twice",
                                             f"also at {seen[key]}; remove one"))
            seen[key] = fact.where


def _closest_hint(wanted: str, text: str) -> str:
    """Say how far the quote matches the source, to point at the first wrong character."""
    best, at = 0, -1
    for start in range(len(text)):
        n = 0
        while n < len(wanted) and start + n < len(text) and text[start + n] == wanted[n]:
            n += 1
        if n > best:
            best, at = n, start
    if best >= 2:
        got = wanted[best] if best < len(wanted) else ""
        src = text[at + best] if at + best < len(text) else "end of article"
        return (f"matches the source up to '{wanted[:best]}', then the quote has '{got}' "
                f"where the source has '{src}'; copy it verbatim")
    return "copy the words verbatim from that article"


def _one_line(problem: Problem) -> Problem:
    """The problem with line breaks in the text it quotes shown as escapes: one line each."""
    if not _BREAKS.search(problem.message + problem.hint):
        return problem
    return Problem(problem.path, problem.line, problem.col,
                   _BREAKS.sub(lambda m: repr(m.group())[1:-1], problem.message),
                   _BREAKS.sub(lambda m: repr(m.group())[1:-1], problem.hint))


_BREAKS = re.compile(r"[\n\r\t\x85\u2028\u2029]")


def seed_files(root: Path) -> list[Path]:
    """The seeds files in a fixed order: sources first, then by name."""
    files = sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
    return sorted(files, key=lambda f: (f.name != "sources.yaml", f.name))


@collector_paused()
def load_seeds(root: str | Path) -> Seeds:
    """Read and check every seeds file under `root`; raise InputError with all problems."""
    root = Path(root)
    if not root.is_dir():
        raise InputError([Problem(str(root), 0, 0, "seeds folder not found",
                                  "pass the folder that holds the *.yaml seeds")])
    checker = _Checker(root)
    files = seed_files(root)
    if not files:
        raise InputError([Problem(str(root), 0, 0, "no *.yaml files in the seeds folder",
                                  "add seeds files, see seeds/README.md")])
    # One file at a time, its tree freed once its records are read: a province's seeds would
    # otherwise be held twice. Facts may still name entities of any file: references are
    # checked once every file is read.
    # At province size a second process parses part of the files meanwhile.
    with parsed_beside(root, files) as beside:
        read = [path for file in files
                if (path := checker.read_records(file, parsed=beside.get(file))) is not None]
    # A file that cannot be read is the root cause: references into it would all fail.
    if not checker.unreadable:
        checker.check_articles()
        checker.check_references()
    if checker.problems:
        raise InputError([_one_line(p) for p in checker.problems])
    # The marks serve the checks alone, and are half of the records' memory (0.4 GB of a
    # province's): let go before the mapping, which reuses that memory.
    records: list[Entity | Fact | TableSource] = [*checker.entities.values(), *checker.facts,
                                                  *checker.tables.values()]
    for record in records:
        record.marks = None
    return checker.seeds(read)


@collector_paused()
def read_file_records(root: str | Path, file: Path, text: str, shown: str) -> Seeds | None:
    """The records of one seeds file as `text` (an earlier version of `file`) shows them,
    each checked on its own, without the checks across files: what a rebuild maps to tell
    what that file gave to the last build. None on any problem."""
    checker = _Checker(Path(root))
    path = checker.read_records(file, text, path=shown)
    return None if path is None or checker.problems else checker.seeds([path])


@collector_paused()
def load_part(root: str | Path, files: Sequence[Path], known: Mapping[str, str],
              defined_in: Callable[[str], Path | None]) -> Seeds | None:
    """The records of `files`, some of a folder's seeds files, checked as `load_seeds` checks
    them, given `known`: the ids the other files define (an entity's type, "" for a source).
    The sources their records cite in other files are read from the file `defined_in` names.
    None on any problem: `load_seeds` of the whole folder then tells them all."""
    root = Path(root)
    checker = _Checker(root, known)
    read = [path for file in files if (path := checker.read_records(file)) is not None]
    if checker.problems:
        return None
    context: set[Path] = set(files)
    for _round in range(3):  # an entity's source, its article, the article's page
        wanted = {ent.source for ent in checker.entities.values()} | \
            {fact.source for fact in checker.facts} | \
            {art.page for art in checker.articles.values()}
        missing = wanted - checker.pages.keys() - checker.articles.keys() - checker.tables.keys()
        more = {defined_in(ident) for ident in missing}
        if None in more:
            return None
        more_files = sorted(f for f in more if f is not None and f not in context)
        if not more_files:
            break
        context.update(more_files)
        # Their sources only: read again as the ids they claim (not `known` to the checker).
        checker.known = {k: v for k, v in known.items() if defined_in(k) not in more_files}
        for file in more_files:
            checker.read_records(file, sections=SOURCE_SECTIONS)
    checker.check_articles()
    checker.check_references()
    return None if checker.problems else checker.seeds(read)
