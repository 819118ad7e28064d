"""The View: one page's vis-network items and what the page says about them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

# A node's id as it may stand in a file name and an href unquoted: letters (Chinese too),
# digits, ".", "_", "-". Any graph file's ids reach here, and a "#", "?", "%" or a bidirectional
# override would break the link or spoof the name.
_PLAIN_ID = re.compile(r"[^\W_][\w.-]*")
_NAME_BYTES = 120  # well under the 255 bytes a file name may have


def page_name(kind: str, ident: str) -> str:
    """The file name (without .html) of `kind`'s page for the node `ident`: the id itself when
    it is plain and short, else its first plain characters and a digest of it, so every id
    has a name of its own.

    >>> page_name("park", "lishui-edz")
    'park-lishui-edz'
    >>> page_name("park", "a#b?c")
    'park-abc-8c0da345d06d'
    >>> page_name("park", "丽水"), page_name("park", "丽水\u202e")
    ('park-丽水', 'park-丽水-4084e67cf8e6')
    >>> page_name("focus", "p" * 300)
    'focus-pppppppppppppppp-67f102b90624'
    """
    if _PLAIN_ID.fullmatch(ident) and len(ident.encode("utf-8")) <= _NAME_BYTES:
        return f"{kind}-{ident}"
    plain = "".join(c for c in ident if c.isalnum() or c in "._-")[:16]
    digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:12]
    return f"{kind}-{plain}-{digest}" if plain else f"{kind}-{digest}"


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
