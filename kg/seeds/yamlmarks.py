"""A strict YAML reader that keeps `line:col` for every value.

PyYAML's `safe_load` keeps the last of two duplicate keys, reads `2011-03-01` as a date and
`no` as False. Here we build the tree from the parser's events ourselves and decide every
scalar's type: plain integers and decimals become numbers, `null`/`~`/empty become None,
`true`/`false` booleans, and everything else stays text. Duplicate keys are problems, reported
with both places.

Seeds are plain data, so the reader refuses what plain data never needs, each with its place:
anchors and aliases (an alias bomb expands a few hundred bytes into gigabytes), tags (`!foo`,
`!!binary`: they would be silently read as text), nesting deeper than `MAX_DEPTH`, more than
one document, and control characters in any text (they would reach the terminal raw). The tree
is built without recursion, from events, so a deep file cannot exhaust the stack.

The events come from libyaml's C parser when PyYAML has it (`FAST`; it parses the seeds about
15 times faster). PyYAML's pure-Python parser stays the reference: libyaml words syntax errors
its own way and places a bad byte by its offset, so a file with any problem is read again by
the pure parser and only that reading is reported; so is a file holding what the two parsers
are known to read differently (`_read_fast`). `tests/test_seeds_cyaml.py` holds them equal.
"""

from __future__ import annotations

import re
from decimal import Decimal

import yaml

from kg.errors import Problem

# Read with libyaml when PyYAML was built with it; tests set this to compare both parsers.
FAST: bool = bool(getattr(yaml, "__with_libyaml__", False))
MAX_DEPTH = 12  # the seeds need 5: file, section, record, quantity, list of names
_INT = re.compile(r"^[-+]?[0-9]{1,30}$")  # longer runs of digits stay text (int() refuses 4300+)
_DECIMAL = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)$")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "false": False, "False": False}
# C0 and C1 controls but tab, newline and carriage return; DEL; bidirectional overrides.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Mark:
    __slots__ = ("line", "col")

    def __init__(self, line: int, col: int):
        self.line, self.col = line, col


class MarkedMap(dict):
    """A mapping that remembers where it, each key and each value stand (1-based)."""

    mark: Mark
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]
    path: str  # set on a file's top-level mapping by the loader


class MarkedList(list):
    mark: Mark
    item_marks: list[Mark]


def position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of character `index` of `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def control_name(char: str) -> str:
    return f"U+{ord(char):04X}"


class _Stop(Exception):
    """The file cannot be read further; the problem is already recorded."""


class _Builder:
    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.problems: list[Problem] = []
        self.said: set[str] = set()  # anchors and aliases are reported once per file
        self.empty = False  # an empty plain value was read: its place is the parser's choice

    def problem(self, mark: Mark, message: str, hint: str) -> None:
        self.problems.append(Problem(self.path, mark.line, mark.col, message, hint))

    def scalar(self, event: yaml.ScalarEvent, mark: Mark):
        text = event.value
        if CONTROL.search(text):
            text = self.control(event, text)
        if event.style:  # quoted or block scalars are always text
            return text
        if text in _NULL:
            self.empty = self.empty or not text
            return None
        if text in _BOOL:
            return _BOOL[text]
        if _INT.match(text):
            return int(text)
        if _DECIMAL.match(text):
            return Decimal(text)
        return text

    def control(self, event: yaml.ScalarEvent, text: str) -> str:
        """Report the first control character at its place; return the text made printable."""
        char = CONTROL.search(text).group()  # type: ignore[union-attr]
        assert event.start_mark is not None and event.end_mark is not None  # parser events
        start, end = event.start_mark.index, event.end_mark.index
        raw = self.text[start:end]
        at = raw.find(char)
        if at < 0:  # written as an escape such as "\e" or "\x1b"
            at = max(raw.find("\\"), 0)
        line, col = position(self.text, start + at)
        self.problem(Mark(line, col), f"control character {control_name(char)} in text",
                     "remove it; seeds hold printable text only")
        return CONTROL.sub(lambda m: f"<{control_name(m.group())}>", text)

    def build(self, events) -> object:
        root: object = None
        # Open collections, innermost last: [container, key waiting for its value, its mark].
        stack: list[list] = []
        documents = 0
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
                self.plain_data(event, mark)
                value: object = self.scalar(event, mark)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
                self.plain_data(event, mark)
                if len(stack) >= MAX_DEPTH:
                    self.problem(mark, f"nested more than {MAX_DEPTH} levels deep",
                                 "seeds need at most 5 levels; flatten this value")
                    raise _Stop
                container: MarkedMap | MarkedList
                if kind is yaml.MappingStartEvent:
                    container = MarkedMap()
                    container.key_marks, container.value_marks = {}, {}
                else:
                    container = MarkedList()
                    container.item_marks = []
                container.mark = mark
                stack.append([container, _NO_KEY, None])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
                mark = value.mark  # type: ignore[attr-defined]
            elif kind is yaml.AliasEvent:
                mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
                self.once("alias", mark, f"alias '*{event.anchor}' in seeds")
                value = None
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
                    self.problem(mark, "a second YAML document ('---') in one seeds file",
                                 "keep one document per file; split it into two files")
                    raise _Stop
                continue
            else:
                continue
            if not stack:
                root = value
            else:
                self.attach(stack[-1], value, mark)
        return root

    def plain_data(self, event, mark: Mark) -> None:
        if event.anchor is not None:
            self.once("anchor", mark, f"anchor '&{event.anchor}' in seeds")
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(mark, f"YAML tag '{tag}' in seeds",
                         "tags are not allowed; remove it and quote the value if it is text")

    def once(self, what: str, mark: Mark, message: str) -> None:
        if what not in self.said:
            self.said.add(what)
            self.problem(mark, message, "anchors and aliases are not allowed; write the value out")

    def attach(self, top: list, value: object, mark: Mark) -> None:
        container = top[0]
        if type(container) is MarkedList:
            container.append(value)
            container.item_marks.append(mark)
            return
        key, key_mark = top[1], top[2]
        if key is _NO_KEY:
            top[1], top[2] = value, mark
            return
        top[1] = _NO_KEY
        if not isinstance(key, str):
            self.problem(key_mark, f"key {key!r} is not text", "write keys as plain words")
        elif key in container:
            first = container.key_marks[key]
            self.problem(key_mark, f"duplicate key '{key}'",
                         f"first given at line {first.line}; keep one of them")
        else:
            container[key] = value
            container.key_marks[key], container.value_marks[key] = key_mark, mark


_NO_KEY = object()


def _syntax_problem(text: str, path: str, exc: yaml.MarkedYAMLError) -> Problem:
    # A scanner's context is where the broken token starts (a key without its ':', a quote
    # never closed): that is the line to fix. A parser's context is the enclosing block.
    marks = [exc.problem_mark, exc.context_mark]
    if isinstance(exc, yaml.scanner.ScannerError):
        marks.reverse()
    mark = next((m for m in marks if m is not None), None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or exc.context or "cannot read this YAML"
    if exc.problem and exc.context and exc.problem_mark and exc.context_mark \
            and exc.problem_mark.line != exc.context_mark.line:
        if mark is exc.context_mark:
            what += f" (noticed at line {exc.problem_mark.line + 1})"
        else:
            what += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
    return Problem(path, line, col, f"YAML syntax error: {what}",
                   "check indentation, colons and quotes on this line")


def _read_fast(text: str, path: str) -> tuple[object, list[Problem]] | None:
    """The file read by libyaml, or None if the pure parser must read it: on any problem, and
    where the two read differently. libyaml takes a tab in `a:\tb` as white space and `?` in
    `[b?]` as text, where PyYAML refuses both; it counts a U+FEFF inside the text as a column
    and places the empty value of `{a: }` one column further."""
    if "\t" in text or "?" in text or text.find("\ufeff", 1) >= 0:
        return None
    builder = _Builder(text, path)
    try:
        data = builder.build(yaml.parse(text, Loader=yaml.CSafeLoader))
    except (_Stop, yaml.YAMLError, UnicodeEncodeError):  # lone surrogates cannot go to C
        return None
    return None if builder.problems or builder.empty else (data, [])


def load_marked(text: str, path: str, fast: bool | None = None) -> tuple[object, list[Problem]]:
    """Parse one YAML document; return (data, problems). Data is None if unreadable.

    `fast` chooses libyaml (default `FAST`); problems always come from the pure parser.
    """
    if FAST if fast is None else fast:
        read = _read_fast(text, path)
        if read is not None:
            return read
    builder = _Builder(text, path)
    try:
        data = builder.build(yaml.parse(text, Loader=yaml.SafeLoader))
    except _Stop:
        return None, builder.problems
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL
        line, col = position(text, exc.position)
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        return None, [Problem(path, line, col, f"control character {control_name(char)} in the file",
                              "remove it; seeds hold printable text only")]
    except yaml.MarkedYAMLError as exc:
        return None, builder.problems + [_syntax_problem(text, path, exc)]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors
        return None, [Problem(path, 1, 1, f"YAML error: {exc}", "fix the YAML syntax")]
    return data, builder.problems
