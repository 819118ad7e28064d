"""Views: interactive offline HTML views of the projected graph, one module per view.

The names below load on first use, so importing a light module of this package (say
``kg.views.layout`` for the CLI's defaults) does not pull in networkx and the view builders.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kg.views.layout import CLASS_COLOURS, DEFAULT_DEPTH, MAX_NODES, MORE

if TYPE_CHECKING:
    from kg.views.model import View
    from kg.views.parts import class_labels
    from kg.views.write import build_views, write_views, write_views_of_file

_LAZY = {"View": "kg.views.model", "class_labels": "kg.views.parts",
         "build_views": "kg.views.write", "write_views": "kg.views.write",
         "write_views_of_file": "kg.views.write"}

__all__ = ["CLASS_COLOURS", "DEFAULT_DEPTH", "MAX_NODES", "MORE", "View", "build_views",
           "class_labels", "write_views", "write_views_of_file"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg.views' has no attribute {name!r}")
