"""Building the views of a projected graph and writing them, with their index, to a folder."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.graph.projection import project
from kg.rdf.export import write_atomically
from kg.rdf.read import load_graph_file
from kg.views.chain import chain
from kg.views.focus import focus
from kg.views.honours import honours
from kg.views.layout import DEFAULT_DEPTH, MAX_NODES
from kg.views.model import View
from kg.views.overview import overview
from kg.views.page import index_html, page_html
from kg.views.park import park
from kg.views.parts import ClassLabels, class_labels, context


def build_views(g: nx.MultiDiGraph, classes: ClassLabels | None = None,
                focus_on: str | None = None, depth: int = DEFAULT_DEPTH,
                max_nodes: int = MAX_NODES) -> list[View]:
    """The standard views, plus the focus view around `focus_on` (any name `kg.names` finds;
    raises `kg.names.UnknownName` or `AmbiguousName`).

    The projection `g` is only read.
    """
    ctx = context(g, classes)
    views = [overview(ctx, max_nodes), park(ctx, max_nodes), chain(ctx, max_nodes),
             honours(ctx, max_nodes)]
    if focus_on is not None:
        views.append(focus(ctx, ctx.index.resolve(focus_on), depth, max_nodes))
    return views


def write_views(g: nx.MultiDiGraph, out_dir: str | Path,
                classes: ClassLabels | None = None, focus_on: str | None = None,
                depth: int = DEFAULT_DEPTH,
                max_nodes: int = MAX_NODES) -> tuple[list[View], list[Path]]:
    """Build the views of the projection `g` and write them, with index.html, to `out_dir`.

    Returns (views, paths). The index also links focus views written earlier to `out_dir`.
    Nothing is written when a view cannot be built (an unknown focus, say).
    """
    classes = classes or class_labels(None)
    views = build_views(g, classes, focus_on, depth, max_nodes)
    files = {f"{v.name}.html": page_html(v, classes).encode("utf-8") for v in views}
    earlier = sorted(p.name for p in Path(out_dir).glob("focus-*.html") if p.name not in files)
    files["index.html"] = index_html(views, earlier, g).encode("utf-8")
    return views, write_atomically(files, out_dir)


def write_views_of_file(graph_file: str | Path, out_dir: str | Path,
                        ontology_dir: str | Path | None,
                        focus_on: str | None = None, depth: int = DEFAULT_DEPTH,
                        max_nodes: int = MAX_NODES) -> tuple[list[View], list[Path]]:
    """`write_views` for a built graph in Turtle, with the class labels of `ontology_dir`."""
    return write_views(project(load_graph_file(graph_file)), out_dir, class_labels(ontology_dir),
                       focus_on, depth, max_nodes)
