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


@pytest.mark.parametrize("name", VIEWS)
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
    assert hrefs == [f"{name}.html" for name in VIEWS]
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
