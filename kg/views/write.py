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
from kg.views.layout import DEFAULT_DEPTH, MAX_NODES, PARK_VIEWS
from kg.views.matrix import NAME as MATRIX, Matrix, coverage_matrix
from kg.views.matrix_page import matrix_html
from kg.views.model import View, page_name
from kg.views.overview import overview
from kg.views.page import index_html, page_html
from kg.views.park import park, park_of
from kg.views.parts import ClassLabels, Context, class_labels, context


def build_views(g: nx.MultiDiGraph, classes: ClassLabels | None = None,
                focus_on: str | None = None, depth: int = DEFAULT_DEPTH,
                max_nodes: int = MAX_NODES) -> list[View]:
    """The standard views, plus the focus view around `focus_on` (any name `kg.names` finds;
    raises `kg.names.UnknownName` or `AmbiguousName`).

    The projection `g` is only read.
    """
    return _graph_views(context(g, classes), focus_on, depth, max_nodes)


def _graph_views(ctx: Context, focus_on: str | None, depth: int, max_nodes: int) -> list[View]:
    views = [overview(ctx, max_nodes), park(ctx, max_nodes), chain(ctx, max_nodes),
             honours(ctx, max_nodes)]
    if focus_on is not None:
        views.append(focus(ctx, ctx.index.resolve(focus_on), depth, max_nodes))
    return views


def park_pages(m: Matrix, park_views: int) -> list[str]:
    """The parks that get a page of their own: the `park_views` with most companies."""
    return sorted(m.parks, key=lambda p: (-m.park_size[p], p))[:park_views]


def _link_parks(views: list[View], links: dict[str, str]) -> None:
    """Double-clicking a park (or the class node of the parks) opens its own view (the
    matrix); the tooltip says so."""
    for view in views:
        for node in view.nodes:
            href = links.get(node["id"])
            if href and href != f"{view.name}.html":
                node["href"] = href
                node["tip"]["lines"].append(f"双击打开 double-click to open {href}")


def write_views(g: nx.MultiDiGraph, out_dir: str | Path,
                classes: ClassLabels | None = None, focus_on: str | None = None,
                depth: int = DEFAULT_DEPTH, max_nodes: int = MAX_NODES,
                park_views: int = PARK_VIEWS) -> tuple[list[View], list[Path]]:
    """Build the views of the projection `g` and write them, with the coverage matrix and
    index.html, to `out_dir`; the `park_views` parks with most companies get a view of their
    own (``park-<id>.html``), linked from the matrix and from park nodes.

    Returns (views, paths): the graph views, then the park views. The index also links focus
    views written earlier to `out_dir`; park views of an earlier run that this run does not
    write are removed, so the folder never holds a stale one. Nothing is written when a view
    cannot be built (an unknown focus, say).
    """
    classes = classes or class_labels(None)
    ctx = context(g, classes)
    views = _graph_views(ctx, focus_on, depth, max_nodes)
    matrix = coverage_matrix(ctx)
    parks = park_pages(matrix, park_views)
    own = [park_of(ctx, p, max_nodes) for p in parks]
    matrix.links = {p: f"{page_name('park', p)}.html" for p in parks}
    for view, p in zip(own, parks):
        view.links.append((f"{MATRIX}.html#{p}", "本园区在覆盖矩阵中 this park in the coverage "
                                                "matrix"))
    for view in views:
        view.links.append((f"{MATRIX}.html", "覆盖矩阵 coverage matrix"))
    _link_parks(views + own, {**matrix.links, "class:Park": f"{MATRIX}.html"})
    files = {f"{v.name}.html": page_html(v, classes).encode("utf-8") for v in views + own}
    files[f"{MATRIX}.html"] = matrix_html(ctx, matrix).encode("utf-8")
    earlier = sorted(p.name for p in Path(out_dir).glob("focus-*.html") if p.name not in files)
    files["index.html"] = index_html(views, earlier, g, own, len(matrix.parks)).encode("utf-8")
    paths = write_atomically(files, out_dir)
    for stale in sorted(Path(out_dir).glob("park-*.html")):
        if stale.name not in files:
            stale.unlink()
    return views + own, paths


def write_views_of_file(graph_file: str | Path, out_dir: str | Path,
                        ontology_dir: str | Path | None,
                        focus_on: str | None = None, depth: int = DEFAULT_DEPTH,
                        max_nodes: int = MAX_NODES,
                        park_views: int = PARK_VIEWS) -> tuple[list[View], list[Path]]:
    """`write_views` for a built graph in Turtle, with the class labels of `ontology_dir`."""
    return write_views(project(load_graph_file(graph_file)), out_dir, class_labels(ontology_dir),
                       focus_on, depth, max_nodes, park_views)
