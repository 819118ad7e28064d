"""Plain-text tables that stay aligned with Chinese text (wide characters count as two),
fit a width, and show control characters escaped so a value cannot move the cursor,
recolour the terminal or split a row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


ELLIPSIS = "…"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0/C1 controls, line/paragraph separators and bidirectional overrides
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    r"""Control characters as escapes: ESC as \x1b, a newline as \n.

    >>> escape_controls("a\x1b[31mb\nc")
    'a\\x1b[31mb\\nc'
    """
    def one(m: re.Match) -> str:
        char = m.group(0)
        code = ord(char)
        return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return _UNSAFE.sub(one, text)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~:$@^])")  # @: no mentions in a PR


def md_escape(text: str) -> str:
    r"""Text safe in Markdown and in the HTML a wiki or a PR comment renders: every ASCII
    punctuation that could start markup is backslash-escaped, control characters shown escaped.

    >>> md_escape("<img src=x> *a*")
    '\\<img src=x\\> \\*a\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", escape_controls(text))


def escape_lines(text: str) -> str:
    r"""Each line's control characters escaped, its line breaks kept: text for a terminal.

    >>> escape_lines("a\x1b[2J\nb")
    'a\\x1b[2J\nb'
    """
    return "\n".join(escape_controls(line) for line in text.split("\n"))


def text_width(text: str) -> int:
    from wcwidth import wcswidth  # 8 ms at start-up: only printed tables load it

    width = wcswidth(text)
    return width if width >= 0 else len(text)  # control characters: count them plainly


def clip(text: str, width: int) -> str:
    """The text cut to `width` display columns, ending in an ellipsis when cut."""
    if text_width(text) <= width:
        return text
    from wcwidth import wcwidth

    out, used = [], 0
    for char in text:
        w = max(wcwidth(char), 0) if unicodedata.category(char) != "Cc" else 1
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - text_width(text))
    return gap + text if right else text + gap


def _fit(widths: list[int], width: int | None, gap: int = 2, least: int = 4) -> list[int]:
    """Column widths that fit in `width`: the widest column gives way first."""
    if width is None:
        return widths
    fitted = list(widths)
    budget = width - gap * (len(fitted) - 1)
    while sum(fitted) > budget:
        widest = max(range(len(fitted)), key=lambda i: fitted[i])
        if fitted[widest] <= least:
            break  # too many columns to fit: keep them readable, let the line run on
        fitted[widest] -= 1
    return fitted


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                 width: int | None = None) -> str:
    """Columns sized by display width; numbers right-aligned; cells cut with an ellipsis to
    fit `width` columns in all, when given.

    >>> print(format_table(["名称", "n"], [["晶睿电子", 1], ["TEER", 12]]))
    名称       n
    --------  --
    晶睿电子   1
    TEER      12
    """
    cells = [[escape_controls("" if c is None else str(c)) for c in row] for row in rows]
    heads = [escape_controls(h) for h in headers]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) if rows else False
               for i in range(len(headers))]
    widths = _fit([max([text_width(h)] + [text_width(r[i]) for r in cells])
                   for i, h in enumerate(heads)], width)
    lines = ["  ".join(_pad(clip(h, widths[i]), widths[i], numeric[i])
                       for i, h in enumerate(heads)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(_pad(clip(c, widths[i]), widths[i], numeric[i])
                               for i, c in enumerate(row)).rstrip())
    return "\n".join(lines)
