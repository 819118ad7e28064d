"""Read a CSV or XLSX table, hostile input included, into rows of text as a spreadsheet shows them.

The one entry point is :func:`read_table`; it returns a :class:`Table` or raises
:class:`kg.errors.InputError` carrying every problem found (file, row, what, how to fix), never a
traceback. Tables are sources (``tables:`` in the seeds) whose cells facts quote, so a cell's text
is kept as the reader of the table sees it:

- **Row numbers** are the spreadsheet's: the header is row 1 of a CSV, and an XLSX row keeps the
  sheet's own number. A CSV cell holding a line break is still one row.
- **Header**: the first non-empty row (or ``header_row``), after a title: up to three rows of
  one filled cell above the first row of several (2025年度…名单 over 序号, 企业名称 …) are the
  table's ``title``. Every non-empty column needs a name,
  names are unique, and in XLSX no merged cell may touch the header row.
- **Empty rows** after the header are skipped and listed in ``Table.empty_rows`` (the caller may
  report them): an archived table stays as published, so a blank line in it is not an error.
- **Cells** are text: CSV as written; XLSX numbers without a trailing ``.0``, zero-padded as their
  format shows (a stock code 000001 stays 000001), percentages as ``90%``, dates as ``YYYY-MM-DD``,
  formulas as their cached value, and a merged data cell repeated in every row it covers (that is
  what each row shows). Short rows are padded with ``""``.
- **Problems** name the file, and the row and column as the spreadsheet numbers them
  (``list.csv:5:2``: row 5, column B), or the file alone when the whole file is wrong.
- **Refused**: a file over 20 MiB (before it is read), a 0-byte file, bytes neither UTF-8 nor
  GB18030, control characters in a cell (tab and line breaks allowed), cells beyond the header's
  columns, an XLSX that unpacks to more than 100 MiB or has more than 100,000 rows or 500 columns,
  an old ``.xls``.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "list.csv"
>>> _ = path.write_bytes("序号,企业名称,代码\\n1,晶睿电子,000001\\n".encode("gb18030"))
>>> table = read_table(path)
>>> table.encoding, table.header, table.rows[0].number, table.rows[0].cells
('gb18030', ['序号', '企业名称', '代码'], 2, ['1', '晶睿电子', '000001'])
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

from kg.errors import InputError, Problem

MAX_TABLE_BYTES = 20 << 20  # a table file above 20 MiB is refused before it is read
MAX_XLSX_UNPACKED = 100 << 20  # the sum of an XLSX's uncompressed parts (a zip bomb stops here)
MAX_XLSX_PARTS = 10_000
MAX_ROWS = 100_000  # a province's honour list has a few thousand rows
MAX_COLUMNS = 500
MAX_PROBLEMS = 50  # a table broken on every row says so 50 times, then how many more
CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")

# C0 and C1 controls except tab, line feed and carriage return (a cell may hold line breaks)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class Row:
    """One data row: its number as the spreadsheet shows it, and its cells as text, one per
    header column (padded with "" where the row is short)."""

    number: int
    cells: list[str]


@dataclass(frozen=True)
class Table:
    """A table read by :func:`read_table`.

    ``path`` is the file as given, ``sheet`` the XLSX sheet read (None for a CSV), ``encoding``
    the CSV's encoding (``utf-8``, ``utf-8-sig`` or ``gb18030``; None for XLSX),
    ``header_row`` the header's row number, ``empty_rows`` the empty rows skipped after it.
    """

    path: str
    sheet: str | None
    header: list[str]
    rows: list[Row]
    encoding: str | None = None
    header_row: int = 1
    empty_rows: list[int] = field(default_factory=list)
    title: str | None = None  # the title line(s) above the header, when the table has them

    def column(self, name: str) -> int:
        """The index of the column whose header is `name` (after NFC, trimmed); KeyError if none."""
        wanted = cell_text(name)
        for i, head in enumerate(self.header):
            if cell_text(head) == wanted:
                return i
        raise KeyError(name)

    def row(self, number: int) -> Row | None:
        """The data row numbered `number`, or None (the header, an empty row, or no such row)."""
        lo, hi = 0, len(self.rows)
        while lo < hi:  # rows are in ascending order of number
            mid = (lo + hi) // 2
            if self.rows[mid].number < number:
                lo = mid + 1
            else:
                hi = mid
        return self.rows[lo] if lo < len(self.rows) and self.rows[lo].number == number else None


def cell_text(text: str) -> str:
    """A cell (or a quote of it) as compared: NFC, surrounding white space removed.

    >>> cell_text(" 晶睿电子\\n") == "晶睿电子"
    True
    """
    return unicodedata.normalize("NFC", text).strip()


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class _Problems:
    def __init__(self, shown: str):
        self.shown = shown
        self.found: list[Problem] = []
        self.more = 0

    def add(self, row: int, message: str, hint: str = "", col: int = 1) -> None:
        """A problem at a row (0: the whole file) and a 1-based column of the spreadsheet."""
        if len(self.found) >= MAX_PROBLEMS:
            self.more += 1
            return
        self.found.append(Problem(self.shown, row, col if row else 0, message, hint))

    def fail(self, row: int, message: str, hint: str = "") -> NoReturn:
        """Add a problem that stops the reading, and raise every problem found."""
        self.add(row, message, hint)
        self.raise_if_any()
        raise AssertionError("unreachable: raise_if_any raised")

    def raise_if_any(self) -> None:
        if self.more:
            total = len(self.found) + self.more
            self.found.append(Problem(self.shown, 0, 0,  # line 0: sorted first
                                      f"{total:,} problems; the first {len(self.found)} follow",
                                      "fix them and read the table again"))
        if self.found:
            raise InputError(self.found)


def read_table(path: str | Path, sheet: str | None = None, header_row: int | None = None,
               shown: str | None = None) -> Table:
    """Read the CSV or XLSX file at `path` (by its suffix) into a :class:`Table`.

    `sheet` names an XLSX sheet (default: the first); `header_row` the row that holds the
    header (default: the first non-empty row; rows above it are ignored, e.g. a title);
    `shown` is the name problems give the file (default: `path`). Raises InputError with every
    problem found.
    """
    path = Path(path)
    problems = _Problems(shown or str(path))
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        hint = ("an Excel 97-2003 workbook: save it as .xlsx or .csv (UTF-8)" if suffix == ".xls"
                else "give a .csv or an .xlsx file")
        problems.fail(0, f"not a table this reader knows (suffix {suffix or 'none'!r})", hint)
    if sheet is not None and suffix in CSV_SUFFIXES:
        problems.fail(0, f"a CSV file has no sheets, but sheet {sheet!r} was asked for",
                      "remove the sheet name")
    if not path.is_file():  # a folder, a FIFO or a device: never open it
        problems.fail(0, "not found" if not path.exists() else "not a plain file",
                      "give the path of a table file")
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        problems.fail(0, f"the file is {size / (1 << 20):,.1f} MiB, over the limit of "
                      f"{MAX_TABLE_BYTES >> 20} MiB", "split the table into smaller files")
    if size == 0:
        problems.fail(0, "the file is empty (0 bytes)", "archive the table's real file")
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, header_row, problems)
    return _read_xlsx(path, sheet, header_row, problems)


# -- CSV ---------------------------------------------------------------------------------------

def _decode(data: bytes, problems: _Problems) -> tuple[str, str] | None:
    """(text, encoding): UTF-8 strictly first (a BOM says utf-8-sig), then GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.add(0, "the file is UTF-16 text (Excel's 'Unicode text')",
                     "save it as 'CSV UTF-8 (comma delimited)'")
        return None
    if data.startswith(b"PK\x03\x04"):
        problems.add(0, "the file is a zip archive (an XLSX workbook?), not CSV text",
                     "give it the suffix .xlsx, or save it as CSV")
        return None
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8:
        try:  # many government CSVs are GBK; GB18030 is its superset
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8.start) + 1
            problems.add(line, f"the file is neither UTF-8 nor GB18030 text: byte "
                         f"0x{data[utf8.start]:02x} at line {line} is not UTF-8",
                         "save the table as 'CSV UTF-8'")
            return None


def _read_csv(path: Path, header_row: int | None, problems: _Problems) -> Table:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_TABLE_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        problems.fail(0, f"cannot be read ({exc.strerror})", "check that the file is readable")
    if len(data) > MAX_TABLE_BYTES:
        problems.add(0, f"the file is over the limit of {MAX_TABLE_BYTES >> 20} MiB",
                     "split the table into smaller files")
    decoded = _decode(data, problems) if not problems.found else None
    if decoded is None:
        problems.raise_if_any()  # a decoding failure is a problem
        raise AssertionError("unreachable")
    text, encoding = decoded
    if "\x00" in text:  # the csv module refuses NUL outright; say where it is
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.fail(line, f"NUL byte in line {line}: this is not CSV text",
                      "is it a binary file, or UTF-16? save the table as 'CSV UTF-8'")
    records: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS:
                problems.add(number, f"more than {MAX_ROWS:,} rows", "split the table")
                break
            records.append((number, cells))
    except csv.Error as exc:
        problems.fail(len(records) + 1, f"not readable as CSV: {exc}",
                      "check the quotes in that row: a cell that holds a comma or a quote "
                      "is written \"like \"\"this\"\"\"")
    return _build(str(path), None, encoding, records, {}, header_row, problems)


# -- XLSX --------------------------------------------------------------------------------------

def _read_xlsx(path: Path, sheet: str | None, header_row: int | None,
               problems: _Problems) -> Table:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.fail(0, "not an XLSX workbook (not a zip archive)",
                      "an encrypted workbook or an old .xls saved as .xlsx? "
                      "save it again as .xlsx or as CSV UTF-8")
    with archive:
        infos = archive.infolist()
        # zipfile never unpacks more than a member's declared size, so the directory's sizes
        # bound what openpyxl can inflate: a zip bomb is refused before anything is unpacked.
        unpacked = sum(i.file_size for i in infos)
        if len(infos) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED:
            problems.fail(0, f"the workbook unpacks to {unpacked / (1 << 20):,.0f} MiB in "
                          f"{len(infos):,} parts, over the limit of {MAX_XLSX_UNPACKED >> 20} MiB "
                          f"or {MAX_XLSX_PARTS:,} parts (a zip bomb, or a workbook too large)",
                          "save the one sheet that holds the table as CSV UTF-8")
    try:
        return _read_sheet(path, sheet, header_row, problems)
    except InputError:
        raise
    except Exception as exc:  # openpyxl on hostile input raises anything: report, never a traceback
        problems.fail(0, f"not readable as XLSX: {type(exc).__name__}: {exc}",
                      "open it in a spreadsheet program and save it again as .xlsx, or as CSV UTF-8")


def _read_sheet(path: Path, sheet: str | None, header_row: int | None,
                problems: _Problems) -> Table:
    import openpyxl  # 100 ms to import: only commands that read a workbook pay it

    with warnings.catch_warnings():  # openpyxl warns on unsupported extensions: never print
        warnings.simplefilter("ignore")
        # read-only streams the rows; data_only gives a formula's cached value, not its text.
        # (XML entity bombs: expat >= 2.4 refuses them, and openpyxl parses with expat here.)
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            names = book.sheetnames
            if sheet is None:
                sheet = names[0]
            elif sheet not in names:
                problems.fail(0, f"no sheet named {sheet!r}",
                              "the sheets are: " + ", ".join(repr(n) for n in names))
            ws = book[sheet]
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                problems.fail(0, f"sheet {sheet!r} is a chart, not a table", "name a worksheet")
            merged = _merged_ranges(book, ws, problems)
            ws.reset_dimensions()  # a forged <dimension> would pad every row to its width
            records: list[tuple[int, list[str]]] = []
            for number, cells in enumerate(ws.iter_rows(), start=1):
                if number > MAX_ROWS:
                    problems.add(number, f"more than {MAX_ROWS:,} rows", "split the table")
                    break
                if len(cells) > MAX_COLUMNS:
                    problems.add(number, f"row {number} reaches column {len(cells):,}, over the "
                                 f"limit of {MAX_COLUMNS}", "delete the stray cells far right")
                    break
                records.append((number, [_shown(c) for c in cells]))
        finally:
            book.close()
    problems.raise_if_any()
    return _build(str(path), sheet, None, records, merged, header_row, problems)


def _merged_ranges(book, ws, problems: _Problems) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Merged ranges as (min_row, min_col, max_row, max_col), 1-based, by their top-left cell.

    A read-only worksheet does not load them, so the sheet's XML is scanned for <mergeCell>
    in chunks (the elements sit after the cells, one short tag each).
    """
    found: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    tail = b""
    with book._archive.open(ws._worksheet_path) as src:
        while chunk := src.read(1 << 20):
            data = tail + chunk
            for m in _MERGE.finditer(data):
                ref = m.group(1).decode("ascii")
                first, _, last = ref.partition(":")
                a, b = _CELL_REF.match(first), _CELL_REF.match(last or first)
                assert a and b  # the pattern matched these shapes
                r1, c1 = int(a.group(2)), _column_index(a.group(1)) + 1
                r2, c2 = int(b.group(2)), _column_index(b.group(1)) + 1
                found[(r1, c1)] = (r1, c1, max(r1, r2), max(c1, c2))
            tail = data[-200:]  # a tag cut at the chunk's end is found in the next round
            if len(found) > MAX_ROWS:
                problems.add(0, f"more than {MAX_ROWS:,} merged ranges", "unmerge them")
                break
    return found


def _shown(cell) -> str:
    """A cell's value as the spreadsheet shows it, as text."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else \
            value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        fmt = str(getattr(cell, "number_format", "General") or "General")
        return _number_shown(value, fmt)
    return str(value)


def _number_shown(value: int | float, fmt: str) -> str:
    """A number as its cell format shows it, for the formats a list of companies uses.

    >>> _number_shown(1.0, "General"), _number_shown(1, "000000"), _number_shown(0.9, "0%")
    ('1', '000001', '90%')
    >>> _number_shown(4.94, "General"), _number_shown(0.125, "0.00%")
    ('4.94', '12.50%')
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if fmt.endswith("%"):
        places = len(fmt) - fmt.index(".") - 2 if "." in fmt else 0
        return f"{number * 100:.{places}f}%"
    if number == number.to_integral_value():
        text = str(int(number))
        if fmt and set(fmt) == {"0"}:  # a code kept with its leading zeros: 000001
            text = text.zfill(len(fmt)) if int(number) >= 0 else text
        return text
    if re.fullmatch(r"0\.0+", fmt):
        return f"{number:.{len(fmt) - 2}f}"
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- both --------------------------------------------------------------------------------------

def _build(path: str, sheet: str | None, encoding: str | None,
           records: list[tuple[int, list[str]]], merged: dict, header_row: int | None,
           problems: _Problems) -> Table:
    """Header, rows and their checks, the same for CSV and XLSX records (number, cells)."""
    nonempty = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not nonempty:
        problems.fail(0, "the table has no rows: every row is empty", "archive the table's real file")
    title = None
    if header_row is None:
        header_row, title = _header_after_titles(nonempty)
    head = next((cells for n, cells in records if n == header_row), None)
    if head is None or not any(c.strip() for c in head):
        problems.fail(header_row, f"row {header_row}, the header, is empty",
                      "the first row must name the columns; or give the header's row number")
    assert head is not None
    for (r1, c1, r2, c2) in merged.values():
        if r1 <= header_row <= r2 and (c1 != c2 or r1 != r2):
            ref = f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}"
            problems.add(header_row, f"merged header cells {ref}",
                         "unmerge them and give each column its own header", col=c1)
    below = {k: r for k, r in merged.items() if r[0] > header_row}
    if below:
        records = _fill_merged(records, below)
    # The table is as wide as its header or its widest data cell: a value under no header is
    # a column without a name, said once per column.
    data_width = max((max((i + 1 for i, c in enumerate(cells) if c.strip()), default=0)
                      for n, cells in records if n > header_row), default=0)
    named = max((i + 1 for i, c in enumerate(head) if c.strip()), default=0)
    width = max(named, data_width)
    header = [cell_text(c) for c in (head + [""] * width)[:width]]
    _check_cells(header_row, header, problems)
    covered = {c for (r1, c1, r2, c2) in merged.values() if r1 <= header_row <= r2
               for c in range(c1 - 1, c2)}  # said as merged header cells already
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            first = next(((n, cells[i]) for n, cells in records
                          if n > header_row and i < len(cells) and cells[i].strip()), None)
            if first is not None and i not in covered:
                problems.add(header_row, f"column {column_letter(i)} has no header, but row "
                             f"{first[0]} has a value in it: {first[1]!r}",
                             "give every column a name in the header row, or delete the stray "
                             "cells", col=i + 1)
        elif name in seen:
            problems.add(header_row, f"columns {column_letter(seen[name])} and "
                         f"{column_letter(i)} have the same header {name!r}",
                         "give each column its own header", col=i + 1)
        else:
            seen[name] = i
    rows: list[Row] = []
    empty: list[int] = []
    for number, cells in records:
        if number <= header_row:
            continue
        if not any(c.strip() for c in cells):
            empty.append(number)
            continue
        cells = (cells + [""] * width)[:width]
        _check_cells(number, cells, problems)
        rows.append(Row(number, cells))
    last = rows[-1].number if rows else header_row
    empty = [n for n in empty if n < last]  # trailing empty rows are no news
    if not rows:
        problems.fail(header_row, "the table has a header but no data rows",
                      "archive the table's real file")
    problems.raise_if_any()
    return Table(path, sheet, header, rows, encoding, header_row, empty, title)


MAX_TITLE_ROWS = 3


def _header_after_titles(nonempty: list[tuple[int, list[str]]]) -> tuple[int, str | None]:
    """The header's row and the title above it. Published lists often open with a title line
    (2025年度…名单, one cell, often merged across the columns) above the header: up to
    MAX_TITLE_ROWS rows of one filled cell before the first row of several are the title.
    A table whose rows all have one cell (a bare list of names) starts with its header.

    >>> _header_after_titles([(1, ["2025年度名单", "", ""]), (2, ["序号", "企业名称", ""]),
    ...                       (3, ["1", "甲公司", ""])])
    (2, '2025年度名单')
    >>> _header_after_titles([(1, ["企业名称"]), (2, ["甲公司"])])
    (1, None)
    """
    def filled(cells: list[str]) -> int:
        return sum(1 for c in cells if c.strip())

    for i, (number, cells) in enumerate(nonempty[:MAX_TITLE_ROWS + 1]):
        if filled(cells) > 1:
            titles = [cell_text(c) for _n, row in nonempty[:i] for c in row if c.strip()]
            return number, " ".join(titles) or None
    return nonempty[0][0], None


def _check_cells(number: int, cells: list[str], problems: _Problems) -> None:
    for i, cell in enumerate(cells):
        bad = _CONTROL.search(cell)
        if bad:
            code = ord(bad.group())
            char = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
            problems.add(number, f"cell {column_letter(i)}{number} holds the control character "
                         f"{char}", "delete it: only text, tabs and line breaks belong in a cell",
                         col=i + 1)


def _fill_merged(records: list[tuple[int, list[str]]], merged: dict) -> list[tuple[int, list[str]]]:
    """Every cell of a merged range shows the top-left cell's value: give it to each."""
    by_number = {n: cells for n, cells in records}
    for (r1, c1, r2, c2) in merged.values():
        top = by_number.get(r1)
        value = top[c1 - 1] if top is not None and c1 - 1 < len(top) else ""
        if not value:
            continue
        for r in range(r1, min(r2, r1 + MAX_ROWS) + 1):
            cells = by_number.get(r)
            if cells is None:
                continue
            if len(cells) < c2:
                cells.extend([""] * (c2 - len(cells)))
            for c in range(c1, c2 + 1):
                if not cells[c - 1]:
                    cells[c - 1] = value
    return records
