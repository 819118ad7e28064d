"""Plain-text tables that stay aligned with Chinese text (wide characters count as two)."""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcswidth


def text_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)  # control characters: count them plainly


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - text_width(text))
    return gap + text if right else text + gap


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns sized by display width; numbers right-aligned.

    >>> print(format_table(["名称", "n"], [["晶睿电子", 1], ["TEER", 12]]))
    名称       n
    --------  --
    晶睿电子   1
    TEER      12
    """
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) if rows else False
               for i in range(len(headers))]
    widths = [max([text_width(h)] + [text_width(r[i]) for r in cells])
              for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, widths[i], numeric[i]) for i, h in enumerate(headers)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(row)).rstrip())
    return "\n".join(lines)
