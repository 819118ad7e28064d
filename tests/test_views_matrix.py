"""The coverage matrix and the parks' own views, without a browser: the numbers against the
analytics' chain coverage, the table, escaping, size bounds, determinism, and the caps.

test_views_browser.py opens the same pages in headless Chromium.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from helpers import ONTOLOGY, ROOT, load_synth
from kg.graph.analytics import chain_coverage, chain_segments, park_companies, segment_companies
from kg.graph.projection import project
from kg.rdf.read import load_graph_file
from kg.views import class_labels, write_views
from kg.views.matrix import (CELL_COMPANIES, MIN_LISTED, NOT_DEVELOPED, coverage_matrix,
                             listed_per_cell, matrix_data)
from kg.views.matrix_page import GAP_MARK, RATING_CSS, matrix_html
from kg.views.page import page_data, page_html
from kg.views.park import park_of
from kg.views.parts import context
from synthetic import synthetic_projection


@pytest.fixture(scope="module")
def seed_graph(built):
    return project(load_graph_file(built / "kg.ttl"))


@pytest.fixture(scope="module")
def synth_graph(tmp_path_factory):
    """A small tree from benchmarks/synth.py, built: parks with sub-parks, several chains."""
    from kg.build import build

    root = tmp_path_factory.mktemp("synth-views")
    load_synth().generate(parks=3, companies=90, out=root / "seeds", seed=11)
    build(root / "seeds", root / "out", ONTOLOGY)
    return project(load_graph_file(root / "out" / "kg.ttl"))


@pytest.fixture(scope="module")
def markup_graph(tmp_path_factory):
    from kg.build import build

    out = tmp_path_factory.mktemp("markup-matrix")
    build(ROOT / "tests" / "fixtures" / "markup", out, ONTOLOGY)
    return project(load_graph_file(out / "kg.ttl"))


class Table(HTMLParser):
    """The matrix table's body: per row, the row header's text and (class, text) per cell;
    and every tag with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list] = []
        self.tags: list[tuple[str, dict]] = []
        self.segments: list[str] = []
        self._in_body = False
        self._cell: list | None = None
        self._seg = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = [dict(attrs).get("class", ""), ""]
            self.rows[-1].append(self._cell)
        elif tag == "span" and self.tags[-2:-1] and self.tags[-2][0] == "th" \
                and not self._in_body:
            self._seg = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None
        if tag == "tbody":
            self._in_body = False
        if tag == "span":
            self._seg = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        if self._seg:
            self.segments.append(data)


def _check_against_coverage(g):
    """Every rated cell is the analytics' segment report; every other non-empty cell counts the
    park's companies in the segment the way the analytics count them."""
    ctx = context(g)
    m = coverage_matrix(ctx)
    rated = {}
    for cov in chain_coverage(g):
        for seg in cov["segments"]:
            rated[(cov["park"], cov["chain"], seg["id"])] = seg
    seen = 0
    for r, park in enumerate(m.parks):
        members = set(park_companies(g, park))
        for c, (chain, segment) in enumerate(m.columns):
            cell = m.cells.get((r, c))
            report = rated.get((park, chain, segment))
            if report is not None:
                seen += 1
                assert cell is not None and cell.rating == report["rating_en"]
                assert cell.count == report["inputs"]["companies"]
                assert cell.anchors == report["inputs"]["anchors"]
                assert {x["id"] for x in cell.companies} == {x["id"] for x in report["companies"]}
            else:
                count = len(members & set(segment_companies(g, segment)))
                assert (cell.count if cell else 0) == count
                assert cell is None or cell.rating == NOT_DEVELOPED
    assert seen == len(rated) > 0
    # the rendered table says the same: the count (× for a gap) and the rating's class
    table = Table(matrix_html(ctx, m))
    assert len(table.rows) == len(m.parks)
    for r, row in enumerate(table.rows):
        cells = row[1:]
        assert len(cells) == len(m.columns)
        for c, (css, text) in enumerate(cells):
            cell = m.cells.get((r, c))
            if cell is None:
                assert text == "" and not (set(css.split()) & set(RATING_CSS.values()))
            else:
                assert RATING_CSS[cell.rating] in css.split()
                assert text == (GAP_MARK if cell.rating == "gap" else str(cell.count))
    return m, table


def test_matrix_equals_the_chain_coverage_of_the_seeds(seed_graph):
    m, table = _check_against_coverage(seed_graph)
    assert m.parks == ["lishui-edz", "biomed-industrial-park"]  # the sub-park under its park
    assert m.depth == {"lishui-edz": 0, "biomed-industrial-park": 1}
    semi = [seg for ch, seg in m.columns if ch == "semiconductor-chain"]
    assert semi == chain_segments(seed_graph, "semiconductor-chain")  # upstream first
    r, c = 0, m.columns.index(("semiconductor-chain", "sc-chip-materials"))
    assert m.cells[(r, c)].rating == "potential" and m.cells[(r, c)].count == 2
    assert "p" in table.rows[0][c + 1][0].split() and table.rows[0][c + 1][1] == "2"
    gaps = [c for c, (css, text) in enumerate(table.rows[0][1:]) if "g" in css.split()]
    assert len(gaps) == 5 and all(table.rows[0][c + 1][1] == GAP_MARK for c in gaps)


def test_matrix_equals_the_chain_coverage_of_a_synthetic_tree(synth_graph):
    m, _ = _check_against_coverage(synth_graph)
    assert len(m.parks) > 3 and any(d > 0 for d in m.depth.values())  # sub-parks indented
    assert {ch for ch, _ in m.columns} == {n for n, c in synth_graph.nodes(data="cls")
                                          if c == "IndustryChain"}


def test_a_cell_lists_its_companies_with_honours_quotes_and_sources(seed_graph):
    ctx = context(seed_graph)
    m = coverage_matrix(ctx)
    data = matrix_data(ctx, m)
    s = data["strings"]
    c = m.columns.index(("semiconductor-chain", "sc-chip-materials"))
    cell = data["cells"][f"0.{c}"]
    assert cell["n"] == 2 and cell["k"] == "potential" and len(cell["c"]) == 2
    names = [s[data["companies"][row[0]][0]] for row in cell["c"]]
    assert "晶睿电子" in names
    jingrui = next(row for row in cell["c"] if s[data["companies"][row[0]][0]] == "晶睿电子")
    facts = [[s[i] for i in f[:5]] for f in jingrui[4]]
    assert any(f[2] == "芯片材料" and f[3] and f[4] for f in facts), facts  # quote, source
    assert any(f[2] == "丽水经开区" or "丽水" in f[2] for f in facts), facts
    honours = [[s[h[0]], s[h[4]], s[h[5]]] for h in data["companies"][jingrui[0]][1]]
    assert honours and all(label and quote and source for label, quote, source in honours)


def test_hostile_names_are_escaped_in_the_matrix(markup_graph):
    ctx = context(markup_graph)
    html = matrix_html(ctx, coverage_matrix(ctx))
    table = Table(html)
    allowed = {"html", "head", "meta", "title", "link", "style", "body", "header", "h1", "h2",
               "p", "a", "main", "div", "aside", "label", "input", "span", "script", "table",
               "thead", "tbody", "tr", "th", "td"}
    assert {t for t, _ in table.tags} <= allowed
    assert [t for t, _ in table.tags].count("script") == 2  # the data, ours
    assert [t for t, _ in table.tags].count("style") == 1
    assert not [k for _, attrs in table.tags for k in attrs if k.startswith("on")]
    assert "&lt;img src=x onerror=" in html and "window.__pwned" in html  # inert text
    data = html.split('id="kg-data">')[1].split("</script>")[0]
    assert "<" not in data and ">" not in data
    assert "丽水经开区</script><script>window.__pwned=3;document.title='pwned'</script>" in \
        json.loads(data)["strings"]
    assert "innerHTML" not in html.split("<script>")[-1]


def test_the_page_lists_a_bounded_number_of_companies():
    g = synthetic_projection(3000)
    ctx = context(g)
    m = coverage_matrix(ctx)
    assert listed_per_cell(m) == CELL_COMPANIES  # a small matrix lists the full cap
    assert listed_per_cell(m, budget=40) < CELL_COMPANIES
    assert listed_per_cell(m, budget=1) == MIN_LISTED
    per_cell = listed_per_cell(m, budget=40)
    data = matrix_data(ctx, m, per_cell)
    assert all(len(c["c"]) == min(c["n"], per_cell) for c in data["cells"].values())
    assert sum(c["n"] for c in data["cells"].values()) > sum(len(c["c"])
                                                            for c in data["cells"].values())


def test_matrix_page_is_deterministic(seed_graph, synth_graph):
    for g in (seed_graph, synth_graph):
        a = matrix_html(context(g), coverage_matrix(context(g)))
        b = matrix_html(context(g.copy()), coverage_matrix(context(g.copy())))
        assert a == b


def test_park_views_are_capped_linked_and_stale_ones_removed(seed_graph, tmp_path):
    classes = class_labels(ONTOLOGY)
    views, _ = write_views(seed_graph, tmp_path, classes, park_views=1)
    assert [v.name for v in views if v.name.startswith("park-")] == ["park-lishui-edz"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "企业最多的 1 个园区（共 2 个）" in index and "kg viz --park-views N" in index
    matrix = (tmp_path / "matrix.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="(park-[^"]+)"', matrix) == ["park-lishui-edz.html"]
    own = (tmp_path / "park-lishui-edz.html").read_text(encoding="utf-8")
    assert 'href="matrix.html#lishui-edz"' in own
    overview = (tmp_path / "overview.html").read_text(encoding="utf-8")
    assert '<a href="matrix.html">覆盖矩阵 coverage matrix</a>' in overview
    # the park's node in the other views opens its page on a double-click
    park_view = next(v for v in views if v.name == "park")
    node = next(n for n in park_view.nodes if n["id"] == "lishui-edz")
    assert node["href"] == "park-lishui-edz.html" and "double-click" in node["tip"]["lines"][-1]
    assert not any("href" in n for n in park_view.nodes if n["id"] == "biomed-industrial-park")
    write_views(seed_graph, tmp_path, classes, park_views=0)
    assert not list(tmp_path.glob("park-*.html"))  # none stale


def test_a_park_view_holds_the_park_its_places_chains_and_companies(seed_graph):
    ctx = context(seed_graph)
    view = park_of(ctx, "lishui-edz")
    ids = {n["id"] for n in view.nodes}
    assert {"lishui-edz", "biomed-industrial-park", "semiconductor-chain",
            "sc-chip-materials"} <= ids
    assert set(park_companies(seed_graph, "lishui-edz")) <= ids
    centre = next(n for n in view.nodes if n["id"] == "lishui-edz")
    assert centre["fixed"] is True and not view.note
    big = park_of(context(synthetic_projection()), "park-0", max_nodes=50)
    assert len(big.nodes) == 50 and "counted in '+N' nodes" in big.note


def test_force_layouts_carry_the_laying_out_overlay_and_their_top_nodes(seed_graph):
    from kg.views import build_views

    classes = class_labels(ONTOLOGY)
    for view in build_views(seed_graph, classes):
        html = page_html(view, classes)
        top = page_data(view)["top"]
        if view.physics:
            assert f'<div id="kg-busy" role="status">正在布局 laying out {len(view.nodes)} ' in html
            biggest = max(view.nodes, key=lambda n: (n["size"], n["id"]))["size"]
            assert 0 < len(top) <= 25
            assert all(n["size"] == biggest for n in view.nodes if n["id"] == top[0])
        else:
            assert 'id="kg-busy"' not in html and top == []
