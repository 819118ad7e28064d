"""The View: one page's vis-network items and what the page says about them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class View:
    """One page: vis-network items plus what the page says about them."""

    name: str  # the file name without .html
    title: str  # plain text; escaped when rendered
    summary: str  # one line: what the view shows (index and page)
    nodes: list[dict]
    edges: list[dict]
    physics: bool  # True: vis-network lays it out from LAYOUT_SEED, then stops
    note: str = ""  # what was grouped or left out, "" when the view shows everything
    headers: list[dict] = field(default_factory=list)  # captions on the canvas: x, y, text
    keys: list[tuple[str, str]] = field(default_factory=list)  # extra legend: (css, text)
    links: list[tuple[str, str]] = field(default_factory=list)  # header links: (href, text)
