"""The coverage matrix: parks × chain segments, the number of each park's companies in each
segment, coloured by the strength the analytics rate it (`kg.graph.analytics.chain_coverage`).

A graph of 2,000 companies drawn as boxes is unreadable; a table of counts is what an analyst
reads at that size. The page is a plain HTML table (sticky headers, no graph library); a click
on a cell opens its companies, their honours and the quote and source of every fact that puts
them there, rendered by a small inline script from one JSON block.

Cells of a chain the park does not develop (no developsChain fact) are not rated by the
analytics: they show their count in grey, without a colour, so nothing is rated twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.graph.analytics import (STRENGTH, chain_coverage, chain_segments, honours,
                                park_companies, segment_companies)
from kg.graph.records import Route, SegmentCompany, node_data, out_edges
from kg.views.parts import Context, Node, fill

NAME = "matrix"
TITLE = "覆盖矩阵 Coverage matrix"
SUMMARY = ("园区 × 产业链环节：每格为园区在该环节的企业数，颜色为强弱评级，空白环节标 ×；点击格子查看企业、"
           "荣誉与出处 / parks × chain segments: each cell counts the park's companies in the "
           "segment, coloured by strength, gaps marked ×; click a cell for its companies, honours "
           "and sources")
CELL_COMPANIES = 30  # companies listed per cell in the page; the rest are counted
# Companies listed over all cells (about 250 bytes each with their facts): the page stays a few
# MB at province size; above it every cell lists fewer (at least MIN_LISTED).
MATRIX_LISTED = 15_000
MIN_LISTED = 3
NOT_DEVELOPED = "other"  # the css key of a cell whose chain the park does not develop


@dataclass
class Cell:
    count: int  # the park's companies in the segment
    rating: str  # a key of analytics.STRENGTH, or NOT_DEVELOPED
    anchors: int
    companies: list[SegmentCompany]  # all of them, most notable first


@dataclass
class Matrix:
    """Rows (parks), columns (chain, segment), and the non-empty or rated cells."""

    parks: list[Node]
    depth: dict[Node, int]  # 0 for a park, 1 for a park inside another, …
    chains: list[tuple[Node, list[Node]]]  # each chain with its segments in chain order
    columns: list[tuple[Node, Node]]  # (chain, segment), left to right
    cells: dict[tuple[int, int], Cell]  # (row, column) -> cell
    park_size: dict[Node, int]  # all companies of each park
    links: dict[Node, str] = field(default_factory=dict)  # park -> its own view's file


def _notable(row: SegmentCompany) -> tuple:
    return (not row["anchor"], not row["leading"], -len(row["honours"]), row["id"])


def _rows(g, parks: list[Node]) -> tuple[list[Node], dict[Node, int]]:
    """Parks in tree order: a top park, then the parks inside it (partOf), each sorted by id."""
    inside: dict[Node, list[Node]] = {p: [] for p in parks}
    roots: list[Node] = []
    for p in parks:
        parents = sorted(v for _, v, d in out_edges(g, p)
                         if d.get("relation") == "partOf" and v in inside and v != p)
        (inside[parents[0]] if parents else roots).append(p)
    order: list[Node] = []
    depth: dict[Node, int] = {}

    def walk(p: Node, level: int) -> None:
        if p in depth:  # a cycle of partOf: each park once
            return
        depth[p] = level
        order.append(p)
        for child in sorted(inside[p]):
            walk(child, level + 1)

    for p in sorted(roots) + parks:  # parks only reachable through a cycle come last
        walk(p, 0)
    return order, depth


def coverage_matrix(ctx: Context) -> Matrix:
    """Every park (rows) against every segment of every chain (columns). A cell of a chain the
    park develops takes its count and rating from `chain_coverage`; any other cell counts the
    park's companies in the segment the same way (`park_companies` ∩ `segment_companies`)."""
    g = ctx.g
    parks, depth = _rows(g, sorted(n for n, c in g.nodes(data="cls") if c == "Park"))
    chains = [(ch, chain_segments(g, ch))
              for ch in sorted(n for n, c in g.nodes(data="cls") if c == "IndustryChain")]
    columns = [(ch, seg) for ch, segs in chains for seg in segs]
    col_of = {col: i for i, col in enumerate(columns)}
    row_of = {p: i for i, p in enumerate(parks)}
    cells: dict[tuple[int, int], Cell] = {}
    for cov in chain_coverage(g):
        for report in cov["segments"]:
            at = (row_of[cov["park"]], col_of[(cov["chain"], report["id"])])
            cells[at] = Cell(report["inputs"]["companies"], report["rating_en"],
                             report["inputs"]["anchors"], sorted(report["companies"], key=_notable))
    members = {p: park_companies(g, p) for p in parks}
    parks_of: dict[Node, list[Node]] = {}  # company -> the parks it is in (a sub-park's, too)
    for p in parks:
        for x in members[p]:
            parks_of.setdefault(x, []).append(p)
    for (ch, seg), c in col_of.items():
        found: dict[int, list[SegmentCompany]] = {}
        for x, via in segment_companies(g, seg).items():  # each membership once, not per park
            for p in parks_of.get(x, ()):
                if (row_of[p], c) not in cells:
                    found.setdefault(row_of[p], []).append(_unrated(g, x, via, members[p][x]))
        for r, rows in found.items():
            cells[(r, c)] = Cell(len(rows), NOT_DEVELOPED, 0, sorted(rows, key=_notable))
    return Matrix(parks, depth, chains, columns, cells, {p: len(members[p]) for p in parks})


def _unrated(g, company: Node, segment_via: list[Route], park_via: list[Route]) -> SegmentCompany:
    """A company of a cell the analytics do not rate, in the shape of their rated rows."""
    held = honours(g, company)
    return {"id": company, "label": node_data(g, company).get("label") or company,
            "segment_via": segment_via, "park_via": park_via,
            "inferred": False, "leading": False, "national_honour": False, "anchor": False,
            "honours": held}


# The page's data: one JSON block, every string once ---------------------------------------------

class _Strings:
    """A table of distinct strings: the data refers to them by index, so a quote or label
    repeated over thousands of cells is carried once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str | None) -> int:
        return self.index.setdefault(text or "", len(self.index))

    def table(self) -> list[str]:
        return list(self.index)


def _fact_rows(s: _Strings, routes: list[Route]) -> list[list]:
    """The facts of the routes, each once: [subject, relation, object, quote, source, inferred]."""
    seen: dict[tuple, list] = {}
    for route in routes:
        for f in route:
            key = (f["subject"], f["relation"], f["object"])
            if key not in seen:
                rel = f["label"] + (f" {f['label_en']}" if f["label_en"] else "")
                seen[key] = [s(f["subject_label"]), s(rel), s(f["object_label"]), s(f["quote"]),
                             s(f["source"]), int(f["inferred"])]
    return list(seen.values())


def _honour_rows(ctx: Context, s: _Strings, row: SegmentCompany) -> list[list]:
    """[label, level, year, stage, quote, source] per honour, the quote and source of the
    hasHonour fact (the first, if several)."""
    facts = {v: d for _, v, d in sorted(out_edges(ctx.g, row["id"]), key=lambda e: str(e[1]))
             if d.get("relation") == "hasHonour"}
    out = []
    for h in row["honours"]:
        d = facts.get(h["id"])
        out.append([s(h["label"]), s(h["level"]), h["year"], s(h["stage"]),
                    s(d.get("quote") if d else ""), s(d.get("source") if d else "")])
    return out


def listed_per_cell(m: Matrix, budget: int = MATRIX_LISTED) -> int:
    """How many companies each cell lists: CELL_COMPANIES, fewer when all cells together would
    list more than `budget`, never fewer than MIN_LISTED."""
    fits = fill({k: c.companies for k, c in m.cells.items()}, budget)
    return max(MIN_LISTED, min(CELL_COMPANIES, fits))


def matrix_data(ctx: Context, m: Matrix, per_cell: int | None = None) -> dict:
    """What the page's script reads: the string table, rows, columns, and per cell its count,
    rating, anchors and its first `per_cell` companies (`listed_per_cell`) with honours and
    facts."""
    per_cell = listed_per_cell(m) if per_cell is None else per_cell
    s = _Strings()
    companies: dict[Node, list] = {}  # each company's label and honours, once
    cells = {}
    for (r, c), cell in sorted(m.cells.items()):
        listed = []
        for row in cell.companies[:per_cell]:
            if row["id"] not in companies:
                companies[row["id"]] = [s(row["label"]), _honour_rows(ctx, s, row)]
            listed.append([row["id"], int(row["anchor"]), int(row["leading"]), int(row["inferred"]),
                           _fact_rows(s, row["segment_via"] + row["park_via"])])
        cells[f"{r}.{c}"] = {"n": cell.count, "k": cell.rating, "a": cell.anchors,
                             "c": listed}
    return {
        "parks": [[s(ctx.label(p)), p, m.links.get(p, ""), m.park_size[p]] for p in m.parks],
        "columns": [[s(ctx.label(seg)), s(ctx.label(ch)), seg] for ch, seg in m.columns],
        "ratings": {k: list(v) for k, v in STRENGTH.items()},
        "cells": cells, "companies": companies, "strings": s.table(),
    }
