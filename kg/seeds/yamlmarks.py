"""A strict YAML reader that keeps `line:col` for every value.

PyYAML's `safe_load` keeps the last of two duplicate keys, reads `2011-03-01` as a date and
`no` as False. Here we compose the node tree ourselves and decide every scalar's type:
plain integers and decimals become numbers, `null`/`~`/empty become None, `true`/`false`
booleans, and everything else stays text. Duplicate keys are problems, reported with both places.
"""

from __future__ import annotations

import re
from decimal import Decimal

import yaml

from kg.errors import Problem

_INT = re.compile(r"^[-+]?[0-9]+$")
_DECIMAL = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)$")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "false": False, "False": False}


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


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.ScalarNode):
    if node.style:  # quoted or block scalars are always text
        return node.value
    text = node.value
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _DECIMAL.match(text):
        return Decimal(text)
    return text


def _convert(node: yaml.Node, path: str, problems: list[Problem]):
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        items = MarkedList()
        items.mark, items.item_marks = _mark(node), []
        for item in node.value:
            items.append(_convert(item, path, problems))
            items.item_marks.append(_mark(item))
        return items
    if isinstance(node, yaml.MappingNode):
        out = MarkedMap()
        out.mark, out.key_marks, out.value_marks = _mark(node), {}, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path, problems)
            km = _mark(key_node)
            if not isinstance(key, str):
                problems.append(Problem(path, km.line, km.col, f"key {key!r} is not text",
                                        "write keys as plain words"))
                continue
            if key in out:
                first = out.key_marks[key]
                problems.append(Problem(
                    path, km.line, km.col, f"duplicate key '{key}'",
                    f"first given at line {first.line}; keep one of them"))
                continue
            out[key] = _convert(value_node, path, problems)
            out.key_marks[key], out.value_marks[key] = km, _mark(value_node)
        return out
    raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover


def load_marked(text: str, path: str) -> tuple[object, list[Problem]]:
    """Parse one YAML document; return (data, problems). Data is None if unreadable."""
    problems: list[Problem] = []
    try:
        # Anchors and aliases would share values between facts; composing still resolves them.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "cannot read this YAML"
        return None, [Problem(path, line, col, f"YAML syntax error: {what}",
                              "check indentation, colons and quotes on this line")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, 1, f"YAML error: {exc}", "fix the YAML syntax")]
    if node is None:
        return None, []
    return _convert(node, path, problems), problems
