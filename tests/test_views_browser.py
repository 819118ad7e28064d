"""Every view opened in headless Chromium with the network off.

Checked per view: no console error, no request beyond the file itself, the canvas drawn, as
many nodes in the page's data and in vis-network as the view was built with, physics off once
stable, and the search box finding 晶睿电子. Then: the class filter, the same layout on every
load, names carrying markup that must show as text and run nowhere, and a graph larger than
a view may hold.

Chromium is Debian's /usr/bin/chromium (tests/run.sh installs it); when it is missing these
tests fail, they do not skip.
"""

from __future__ import annotations

import pytest

from browser import BrowserMissing, launch, open_page
from helpers import ONTOLOGY, ROOT
from kg.graph.projection import project
from kg.rdf.read import load_graph_file
from kg.views import build_views, class_labels, write_views_of_file
from kg.views.page import page_html
from synthetic import synthetic_projection

VIEWS = ["overview", "park", "chain", "honours", "focus-jingrui-electronics"]
PARK_VIEWS = ["park-lishui-edz", "park-biomed-industrial-park"]

PAINTED = """() => {
  const canvas = document.querySelector('#kg-graph canvas');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted++; } }
  return painted;
}"""


# every test using this fixture is marked browser and slow (tests/conftest.py)
@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: bash tests/run.sh installs it "
                    "(pip install -e '.[test]'; never 'playwright install')")
    with sync_playwright() as p:
        try:
            chromium = launch(p)
        except BrowserMissing as exc:
            pytest.fail(str(exc))
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def seed_views(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("views")
    views, _ = write_views_of_file(built / "kg.ttl", out, ONTOLOGY, focus_on="晶睿电子")
    return {v.name: (v, out / f"{v.name}.html") for v in views}


@pytest.fixture(scope="module")
def markup_views(tmp_path_factory):
    from kg.build import build

    out = tmp_path_factory.mktemp("markup")
    build(ROOT / "tests" / "fixtures" / "markup", out, ONTOLOGY)
    views, _ = write_views_of_file(out / "kg.ttl", out / "views", ONTOLOGY, focus_on="teer-valve")
    return {v.name: (v, out / "views" / f"{v.name}.html") for v in views}


def assert_clean(opened):
    assert opened.errors == [], opened.errors
    assert opened.outside_requests == [] and opened.blocked == [], opened.requests


def search(page, text: str):
    page.fill("#kg-search", text)
    page.press("#kg-search", "Enter")
    return (page.evaluate("kgView.network.getSelectedNodes()"),
            page.locator("#kg-results button").all_inner_texts(),
            page.inner_text("#kg-status"))


@pytest.mark.parametrize("name", VIEWS + PARK_VIEWS[:1])
def test_view_in_a_real_browser(browser, seed_views, name):
    view, path = seed_views[name]
    opened = open_page(browser, path)
    page = opened.page
    assert_clean(opened)
    assert page.evaluate(PAINTED) > 2000, "the canvas is blank"
    assert page.evaluate("JSON.parse(document.getElementById('kg-data').textContent)"
                         ".nodes.length") == len(view.nodes)
    assert page.evaluate("kgView.nodes.length") == len(view.nodes)
    assert page.evaluate("kgView.network.body.data.nodes.length") == len(view.nodes)
    assert page.evaluate("kgView.edges.length") == len(view.edges)
    assert page.evaluate("kgView.network.physics.options.enabled") is False
    selected, results, status = search(page, "晶睿电子")
    assert selected == ["jingrui-electronics"]
    assert results[0] == "晶睿电子" and status == "已定位 found: 晶睿电子"
    assert page.title() == view.title
    assert_clean(opened)
    page.context.close()


def test_index_opens_offline_and_links_every_view(browser, seed_views):
    index = next(iter(seed_views.values()))[1].parent / "index.html"
    opened = open_page(browser, index, wait_ready=False)
    assert_clean(opened)
    hrefs = opened.page.eval_on_selector_all("li a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [f"{name}.html" for name in VIEWS + ["matrix"] + PARK_VIEWS]
    opened.page.context.close()


def test_class_filter_hides_and_shows_a_class(browser, seed_views):
    view, path = seed_views["overview"]
    opened = open_page(browser, path)
    page = opened.page
    companies = sum(1 for n in view.nodes if n["cls"] == "Company")
    hidden = "kgView.nodes.get({filter: n => n.hidden === true}).length"
    page.uncheck("#kg-legend input[data-cls=Company]")
    assert page.evaluate(hidden) == companies
    page.check("#kg-legend input[data-cls=Company]")
    assert page.evaluate(hidden) == 0
    page.uncheck("#kg-legend input[data-cls=Company]")
    selected, _, _ = search(page, "晶睿电子")  # finding a hidden node shows its class again
    assert selected == ["jingrui-electronics"] and page.evaluate(hidden) == 0
    assert_clean(opened)
    page.context.close()


@pytest.mark.parametrize("name", ["overview", "focus-jingrui-electronics"])
def test_the_layout_is_the_same_on_every_load(browser, seed_views, name):
    positions = []
    for _ in range(2):
        opened = open_page(browser, seed_views[name][1])
        positions.append(opened.page.evaluate(
            "Object.entries(kgView.network.getPositions())"
            ".map(([id, p]) => [id, Math.round(p.x), Math.round(p.y)])"))
        opened.page.context.close()
    assert positions[0] == positions[1] and len(positions[0]) == len(seed_views[name][0].nodes)


PAYLOAD_CHECK = """() => ({
  pwned: window.__pwned === undefined ? null : window.__pwned,
  injected: document.querySelectorAll('img, svg, iframe, b, body style, header script').length,
  scripts: document.scripts.length,
})"""


@pytest.mark.parametrize("name", ["overview", "park", "chain", "honours", "focus-teer-valve"])
def test_names_with_markup_run_nowhere_and_show_as_text(browser, markup_views, name):
    view, path = markup_views[name]
    opened = open_page(browser, path)
    page = opened.page
    assert page.evaluate(PAYLOAD_CHECK) == {"pwned": None, "injected": 0, "scripts": 3}
    assert page.title() == view.title  # an onerror would have set it to 'pwned'
    if name == "focus-teer-valve":
        assert page.inner_text("h1") == ('聚焦 Focus: 特尔阀门<img src=x onerror="window.__pwned=4;'
                                         "document.title='pwned'\">")
    selected, results, _ = search(page, '<svg onload="window.__pwned=6">')  # an alias
    if "teer-valve" in {n["id"] for n in view.nodes}:
        assert selected == ["teer-valve"]
        assert results == ['特尔阀门<img src=x onerror="window.__pwned=4;document.title=\'pwned\'">'
                           ' — <svg onload="window.__pwned=6">']
        tooltip = hover(page, "teer-valve")
        assert tooltip["text"].startswith('特尔阀门<img src=x onerror="window.__pwned=4;')
        assert 'Teer <b onmouseover="window.__pwned=5">Valve</b> &amp; Co' in tooltip["text"]
        assert tooltip["tags"] == ["DIV", "STRONG"] + ["DIV"] * (tooltip["lines"])
    assert page.evaluate(PAYLOAD_CHECK) == {"pwned": None, "injected": 0, "scripts": 3}
    assert_clean(opened)
    page.context.close()


def hover(page, node_id: str) -> dict:
    """Move the mouse onto a node and read vis-network's tooltip."""
    page.evaluate("kgView.network.unselectAll()")
    box = page.locator("#kg-graph canvas").bounding_box()
    point = page.evaluate(f"kgView.network.canvasToDOM(kgView.network.getPositions(['{node_id}'])"
                          f"['{node_id}'])")
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    return page.evaluate("""() => {
      const tip = document.querySelector('div.vis-tooltip');
      const all = [...tip.querySelectorAll('*')];
      return {text: tip.textContent, tags: all.map(e => e.tagName),
              lines: tip.querySelectorAll('.kg-tip > div').length};
    }""")


def test_a_graph_larger_than_a_view_holds_is_grouped_and_says_so(browser, tmp_path):
    g = synthetic_projection()
    classes = class_labels(ONTOLOGY)
    for view in build_views(g, classes, focus_on="co-0007"):
        path = tmp_path / f"{view.name}.html"
        path.write_text(page_html(view, classes), encoding="utf-8")
        opened = open_page(browser, path)
        page = opened.page
        assert_clean(opened)
        assert page.evaluate(PAINTED) > 2000, view.name
        assert page.evaluate("kgView.nodes.length") == len(view.nodes) <= 300
        if view.name != "focus-co-0007":
            assert "more than the 300 a view holds" in page.inner_text("#kg-note"), view.name
        selected, results, status = search(page, "晶睿电子")
        assert len(selected) == 1 and "晶睿电子" in status, view.name
        if view.name == "overview":
            assert selected == ["class:Company"] and results[0] == "企业 ×1500 — 晶睿电子"
        page.context.close()


def test_views_of_the_real_graph_hold_every_entity_the_projection_has(built, seed_views):
    g = project(load_graph_file(built / "kg.ttl"))
    assert len(seed_views["overview"][0].nodes) == g.number_of_nodes()


# -- the coverage matrix, drill-down, the laying-out state and labels ----------------------------

def cell_of(page, park: str, segment: str):
    """The matrix cell of a park (id) and a segment (id), as a locator."""
    r, c = page.evaluate(f"""() => {{
      const d = kgMatrix.data;
      const r = d.parks.findIndex(p => p[1] === {park!r});
      const c = d.columns.findIndex(col => col[2] === {segment!r});
      return [r, c];
    }}""")
    assert r >= 0 and c >= 0, (park, segment)
    return page.locator(f"#kg-matrix tbody tr:nth-child({r + 1}) td:nth-of-type({c + 1})")


def test_matrix_cell_click_lists_companies_honours_and_sources(browser, seed_views):
    path = seed_views["overview"][1].parent / "matrix.html"
    opened = open_page(browser, path)
    page = opened.page
    assert_clean(opened)
    cell = cell_of(page, "lishui-edz", "sc-chip-materials")
    assert cell.inner_text() == "2" and "p" in cell.get_attribute("class").split()
    cell.click()
    panel = page.inner_text("#kg-panel")
    assert panel.startswith("丽水经开区 · 芯片材料 (半导体全产业链)"), panel
    assert "潜力 potential" in panel and "2 家企业 companies, 1 个锚企业 anchors" in panel
    assert "晶睿电子龙头 leading" in panel and "同创(丽水)特种材料有限公司" in panel
    assert "荣誉 honour: 国家级专精特新“小巨人”企业 (national, 2024) · “并于2024年获评" in panel
    assert ("晶睿电子 → 所属环节 in segment → 芯片材料 · “成为国内主要的硅外延片生产企业之一” — "
            "来源 source: art2-clusters (推断 inferred)") in panel
    assert "sel" in cell.get_attribute("class").split()
    gap = cell_of(page, "lishui-edz", "sc-design")
    assert gap.inner_text() == "×" and "g" in gap.get_attribute("class").split()
    gap.focus()
    page.keyboard.press("Enter")  # the keyboard opens a cell too
    assert "空白 gap" in page.inner_text("#kg-panel")
    page.fill("#kg-filter", "biomed")
    assert page.evaluate("[...document.querySelectorAll('#kg-matrix tbody tr')]"
                         ".map(r => r.hidden)") == [True, False]
    page.goto(opened.url + "#biomed-industrial-park")
    page.reload()
    page.wait_for_selector("tr.hit", state="attached")
    assert page.evaluate("document.querySelector('tr.hit th').textContent").startswith("生物医药")
    assert_clean(opened)
    page.context.close()


def test_matrix_shows_hostile_names_as_text(browser, markup_views):
    path = next(iter(markup_views.values()))[1].parent / "matrix.html"
    opened = open_page(browser, path)
    page = opened.page
    check = """() => ({pwned: window.__pwned === undefined ? null : window.__pwned,
                       injected: document.querySelectorAll('img, svg, iframe, b, body style, '
                                                           + 'td script, th script').length})"""
    assert page.evaluate(check) == {"pwned": None, "injected": 0}
    assert page.title() == "覆盖矩阵 Coverage matrix"
    assert page.inner_text("#kg-matrix tbody th").startswith(
        "丽水经开区</script><script>window.__pwned=3;")
    cell = page.locator("#kg-matrix tbody td:not(:empty)").first
    cell.click()
    panel = page.inner_text("#kg-panel")
    assert '特尔阀门<img src=x onerror="window.__pwned=4;' in panel
    assert "重点省专<iframe" in panel
    assert page.evaluate(check) == {"pwned": None, "injected": 0}
    assert_clean(opened)
    page.context.close()


def test_double_clicking_a_park_opens_its_own_view(browser, seed_views):
    opened = open_page(browser, seed_views["park"][1])
    page = opened.page
    box = page.locator("#kg-graph canvas").bounding_box()
    point = page.evaluate("kgView.network.canvasToDOM(kgView.network.getPositions("
                          "['lishui-edz'])['lishui-edz'])")
    page.unroute("**/*")  # open_page lets through only the page it opened
    with page.expect_navigation():
        page.mouse.dblclick(box["x"] + point["x"], box["y"] + point["y"])
    assert page.url.endswith("/park-lishui-edz.html")
    page.wait_for_selector("html[data-kg-state=ready]", state="attached")
    assert page.title() == "园区 Park: 丽水经开区"
    page.context.close()


BUSY_LOG = """
window.__busy = [];
new MutationObserver(function () {
  var b = document.getElementById("kg-busy");
  if (!b) { return; }
  var state = (b.hidden ? "hidden" : "shown") + ":" +
    (document.documentElement.getAttribute("data-kg-state") || "loading");
  if (window.__busy[window.__busy.length - 1] !== state) { window.__busy.push(state); }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def test_a_force_layout_says_laying_out_until_stable_then_labels_its_top_nodes(browser,
                                                                                tmp_path):
    g = synthetic_projection()
    classes = class_labels(ONTOLOGY)
    view = next(v for v in build_views(g, classes) if v.name == "park")
    path = tmp_path / "park.html"
    path.write_text(page_html(view, classes), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    context.add_init_script(BUSY_LOG)  # records the overlay from the first DOM node on
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("html[data-kg-state=ready]", state="attached", timeout=120_000)
    assert errors == []
    log = page.evaluate("window.__busy")
    assert log[0] == "shown:loading" and log[-1] == "hidden:ready", log
    assert page.evaluate("kgView.network.physics.options.enabled") is False
    assert f"laying out {len(view.nodes)} " in page.evaluate(
        "document.getElementById('kg-busy').textContent")
    visible = """ids => ids.map(id => kgView.network.body.nodes[id].labelModule.visible())"""
    top = page.evaluate("kgView.data.top")
    others = [n["id"] for n in view.nodes if n["id"] not in top][:20]
    assert page.evaluate("kgView.network.getScale()") < 0.5  # a crowded view, zoomed out
    assert all(page.evaluate(visible, top)), "a top node's label is not drawn"
    assert not any(page.evaluate(visible, others)), "small labels blur the fitted view"
    page.evaluate("kgView.network.moveTo({scale: 1.5, animation: false})")
    assert all(page.evaluate(visible, others)), "zoomed in, every label shows"
    context.close()


@pytest.mark.browser
def test_the_drawing_benchmark_measures_every_page(seed_views):
    """benchmarks/views_draw.py's measure(), which benchmarks/run.py calls."""
    import concurrent.futures
    import importlib.util

    spec = importlib.util.spec_from_file_location("views_draw",
                                                  ROOT / "benchmarks" / "views_draw.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = seed_views["overview"][1].parent
    # On a thread of its own: another test's Playwright may hold this thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        records = pool.submit(module.measure, folder, park_pages=1).result()
    assert [r["view"] for r in records] == (sorted(VIEWS + ["matrix"])
                                            + ["park-biomed-industrial-park"])  # first by name
    assert all(r["draw_ms"] > 0 and r["errors"] == 0 for r in records), records
    by_view = {r["view"]: r for r in records}
    assert by_view["matrix"]["bytes"] == (folder / "matrix.html").stat().st_size
    assert by_view["overview"]["nodes"] == len(seed_views["overview"][0].nodes)
