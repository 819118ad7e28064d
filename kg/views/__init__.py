"""Views: interactive offline HTML views of the projected graph, one module per view."""

from kg.views.layout import CLASS_COLOURS, DEFAULT_DEPTH, MAX_NODES, MORE
from kg.views.model import View
from kg.views.parts import class_labels
from kg.views.write import build_views, write_views, write_views_of_file

__all__ = ["CLASS_COLOURS", "DEFAULT_DEPTH", "MAX_NODES", "MORE", "View", "build_views",
           "class_labels", "write_views", "write_views_of_file"]
