"""kg viz without a browser: what each view holds, where it puts it, what it says, and the files.

The same views are opened in headless Chromium by test_views_browser.py.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from helpers import ONTOLOGY, ROOT
from kg.cli import main
from kg.graph.projection import node_index, project
from kg.names import UnknownName
from kg.rdf.read import load_graph_file
from kg.views import (CLASS_COLOURS, MAX_NODES, MORE, build_views, class_labels, write_views,
                      write_views_of_file)
from kg.views.page import index_html, page_html
from synthetic import SEGMENTS, synthetic_projection

STANDARD = ["overview", "park", "chain", "honours"]
PARK_PAGES = ["park-lishui-edz", "park-biomed-industrial-park"]  # most companies first


@pytest.fixture(scope="module")
def graph(built):
    return project(load_graph_file(built / "kg.ttl"))


@pytest.fixture(scope="module")
def classes():
    return class_labels(ONTOLOGY)


@pytest.fixture(scope="module")
def views(graph, classes):
    return {v.name: v for v in build_views(graph, classes, focus_on="晶睿电子")}


def by_id(view):
    return {n["id"]: n for n in view.nodes}


def test_the_views_are_the_four_standard_ones_plus_the_focus(views):
    assert list(views) == STANDARD + ["focus-jingrui-electronics"]
    for view in views.values():
        assert not view.note, f"{view.name} cut the small seed graph: {view.note}"


def test_every_view_has_unique_nodes_and_edges_only_between_them(views):
    for view in views.values():
        ids = [n["id"] for n in view.nodes]
        assert len(ids) == len(set(ids)), view.name
        edge_ids = [e["id"] for e in view.edges]
        assert len(edge_ids) == len(set(edge_ids)), view.name
        assert all(e["from"] in ids and e["to"] in ids for e in view.edges), view.name
        assert any("晶睿电子" in n["names"] for n in view.nodes), view.name


def test_building_views_does_not_change_the_projection(graph, classes):
    before = copy.deepcopy(graph)
    build_views(graph, classes, focus_on="晶睿电子")
    assert list(graph.nodes(data=True)) == list(before.nodes(data=True))
    assert list(graph.edges(keys=True, data=True)) == list(before.edges(keys=True, data=True))


def test_overview_holds_every_entity_coloured_by_class_sized_by_degree(views, graph, classes):
    view = views["overview"]
    assert {n["id"] for n in view.nodes} == set(graph)
    assert set(CLASS_COLOURS) == set(classes)  # a colour for every class of the schema
    for n in view.nodes:
        assert n["color"]["background"] == CLASS_COLOURS[n["cls"]]
    ranked = sorted(view.nodes, key=lambda n: graph.degree(n["id"]))
    assert [n["size"] for n in ranked] == sorted(n["size"] for n in view.nodes)
    assert ranked[-1]["size"] > ranked[0]["size"]
    html = page_html(view, classes)
    legend = re.findall(r'data-cls="(\w+)">.*?<span class="n">(\d+)</span>', html)
    assert dict((cls, int(n)) for cls, n in legend) == Counter(n["cls"] for n in view.nodes)
    assert "企业 company" in html  # the class labels come from the ontology


def test_node_tooltips_give_both_labels_the_class_and_key_facts(views):
    tip = by_id(views["overview"])["jingrui-electronics"]["tip"]
    assert tip["head"] == "晶睿电子 · Jingrui Electronics"
    text = "\n".join(tip["lines"])
    assert "类别 class: 企业 / company" in text
    assert "→ 位于 located in: 丽水特色半导体“万亩千亿”新产业平台" in text
    assert "→ 牵头项目 leads project: 晶睿电子项目" in text
    assert "… 另有 3 条事实 / 3 more facts" in text  # sorted by text: its honour is one of them
    assert "晶睿电子是丽水特色半导体“万亩千亿”新产业平台中的重点企业" in text
    assert "来源 source: art2-clusters" in text
    # the honour from its other end, with the fact's year
    giant = "\n".join(by_id(views["overview"])["national-little-giant"]["tip"]["lines"])
    assert "← 获得荣誉 has honour: 晶睿电子 (2024)" in giant


def test_edge_tooltips_give_the_relation_year_and_quote_with_its_source(views):
    [edge] = [e for e in views["overview"].edges
              if e["id"] == "jingrui-electronics|national-little-giant|hasHonour"]
    assert edge["tip"]["head"] == "获得荣誉 · has honour"
    lines = edge["tip"]["lines"]
    assert lines[0] == "晶睿电子 → 国家级专精特新“小巨人”企业"
    assert "年份 year: 2024" in lines
    assert any(line.startswith("“") and "小巨人" in line for line in lines)
    assert lines[-1] == "— 来源 source: art2-clusters"


def test_park_view_holds_the_parks_their_places_and_what_links_to_them(views, graph):
    ids = set(by_id(views["park"]))
    assert {"lishui-edz", "biomed-industrial-park", "lishui-semiconductor-platform"} <= ids
    assert {"teer-valve", "jingrui-electronics", "semiconductor-chain"} <= ids
    assert "national-little-giant" not in ids  # two links away from any place


def test_chain_view_puts_segments_in_order_left_to_right_companies_under_them(views, graph):
    nodes = by_id(views["chain"])
    order = ["sc-chip-materials", "sc-equipment", "sc-design", "sc-manufacturing",
             "sc-packaging-testing", "sc-application"]
    xs = [nodes[s]["x"] for s in order]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert len({nodes[s]["y"] for s in order}) == 1
    segment = nodes["sc-chip-materials"]
    for company in ("jingrui-electronics", "tongchuang-special-materials"):
        assert nodes[company]["y"] > segment["y"]
        assert segment["x"] <= nodes[company]["x"] < nodes["sc-equipment"]["x"]
    assert all(n.get("fixed") for n in nodes.values())  # placed in Python: same every build


def test_chain_gaps_are_hollow_and_nothing_stands_under_them(views):
    nodes = by_id(views["chain"])
    gaps = [n for n in nodes.values() if n.get("shapeProperties", {}).get("borderDashes")]
    assert {n["id"] for n in gaps} == {"sc-equipment", "sc-design", "sc-manufacturing",
                                      "sc-packaging-testing", "sc-application"}
    for gap in gaps:
        assert gap["color"]["background"] == "#ffffff" and "空缺 gap" in gap["label"]
        under = [n for n in nodes.values()
                 if gap["x"] <= n["x"] < gap["x"] + 200 and n["y"] > gap["y"]
                 and abs(n["y"] - gap["y"]) < 400]
        assert not under, f"{gap['id']} has {under} under it"


def test_honours_view_shows_who_awarded_what_to_whom_by_year(views):
    view = views["honours"]
    nodes = by_id(view)
    row = {n: nodes[n]["y"] for n in nodes}
    assert row["jingrui-electronics"] == row["national-little-giant"]  # 2024
    assert row["teer-valve"] > row["jingrui-electronics"]  # 2025 comes after 2024
    assert row["key-provincial-sme"] == row["key-provincial-sme-list-2025"]
    assert nodes["zj-economy-informatization-dept"]["x"] < nodes["key-provincial-sme"]["x"] \
        < nodes["teer-valve"]["x"]  # who → what → whom, left to right
    captions = [h["text"] for h in view.headers]
    assert captions[:4] == ["授予/发布机构 who awarded", "名单 list", "荣誉 what", "获得者 to whom"]
    assert captions[4:] == ["2024", "2025", "年份未载 year not stated"]
    labels = {(e["from"], e["to"]): e.get("label") for e in view.edges}
    assert labels[("teer-valve", "key-provincial-sme")] == "2025"
    assert labels[("key-provincial-sme-list-2025", "zj-economy-informatization-dept")] is None


def test_focus_view_reaches_depth_links_around_the_entity(graph, classes):
    [view] = [v for v in build_views(graph, classes, focus_on="Jingrui Electronics", depth=1)
              if v.name.startswith("focus-")]
    undirected = graph.to_undirected(as_view=True)
    assert {n["id"] for n in view.nodes} == {"jingrui-electronics",
                                            *undirected.neighbors("jingrui-electronics")}
    assert by_id(view)["jingrui-electronics"]["fixed"] is True


def test_focus_finds_by_id_label_english_label_and_alias(graph, classes):
    index = node_index(graph)  # the rule build_views resolves --focus with
    assert index.resolve("lishui-edz") == "lishui-edz"
    assert index.resolve("丽水经开区") == "lishui-edz"
    assert index.resolve("lishui eDZ") == "lishui-edz"  # an alias, any case
    assert index.resolve("Jingrui Electronics") == "jingrui-electronics"
    with pytest.raises(UnknownName, match="'电子': no entity .* Did you mean: .*晶睿电子"):
        build_views(graph, classes, focus_on="电子")


def test_large_graph_views_hold_at_most_max_nodes_and_say_what_they_grouped(classes):
    g = synthetic_projection()
    views = {v.name: v for v in build_views(g, classes, focus_on="co-0007")}
    for view in views.values():
        assert len(view.nodes) <= MAX_NODES, view.name
    for name in ("overview", "park", "chain", "honours"):
        assert str(MAX_NODES) in views[name].note, name
    overview = views["overview"]
    assert sorted(n["id"] for n in overview.nodes) == sorted(
        f"class:{c}" for c in {c for _, c in g.nodes(data="cls")})
    companies = by_id(overview)["class:Company"]
    assert companies["label"] == "企业\n×1500" and "晶睿电子" in companies["names"]
    assert sum(int(e["label"]) for e in overview.edges) == g.number_of_edges()


def test_large_chain_view_counts_every_company_it_does_not_show(classes):
    g = synthetic_projection()
    [chain] = [v for v in build_views(g, classes) if v.name == "chain"]
    nodes = by_id(chain)
    in_chain = {u for u, _, d in g.edges(data=True)
                if d["relation"] in ("inSegment", "leadingEnterpriseIn")}
    shown = {n for n in nodes if n in in_chain}
    counted = sum(int(n["label"][1:]) for n in nodes.values() if n["cls"] == MORE)
    assert len(shown) + counted == len(in_chain) and counted > 0
    gaps = [f"seg-{s}" for s in range(SEGMENTS - 2, SEGMENTS)]
    assert all(nodes[s]["shapeProperties"]["borderDashes"] for s in gaps)


# Both below the smallest of the three views checked (focus-jingrui-electronics: 27 nodes).
@pytest.mark.parametrize("max_nodes", [20, 25])
def test_a_low_max_nodes_cuts_the_seed_views_and_says_so(graph, classes, max_nodes):
    for view in build_views(graph, classes, focus_on="晶睿电子", max_nodes=max_nodes):
        assert len(view.nodes) <= max_nodes, view.name
        if view.name in ("overview", "park", "focus-jingrui-electronics"):
            assert view.note and f"{max_nodes}" in view.note, view.name


class Tags(HTMLParser):
    """Every element of a page and its attributes, as a browser's tokenizer sees them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


PAGE_TAGS = {"html", "head", "meta", "title", "link", "style", "body", "header", "h1", "h2", "p",
             "a", "main", "div", "aside", "label", "input", "ul", "li", "span", "script", "code"}


def test_pages_load_nothing_and_inline_vis_network(views, classes):
    for view in views.values():
        html = page_html(view, classes)
        assert "vis-network" in html and "@version 9.1.2" in html
        tags = Tags(html).tags
        urls = [v for _, attrs in tags for k, v in attrs.items() if k in ("src", "href")]
        assert urls == ["data:,", "index.html"], view.name  # the empty icon, the index link
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
        assert not re.search(r"bootstrap|cdnjs|jsdelivr|unpkg|googleapis", html, re.I)
        [csp] = [a["content"] for t, a in tags if a.get("http-equiv") == "Content-Security-Policy"]
        assert csp.startswith("default-src 'none'; script-src 'sha256-")
        assert "innerHTML" not in html.split("<script>")[-1]  # our own script never uses it


def test_text_is_escaped_in_the_html_and_cannot_end_a_script(classes, tmp_path):
    from kg.build import build

    out = tmp_path / "out"
    build(ROOT / "tests" / "fixtures" / "markup", out, ONTOLOGY)
    g = project(load_graph_file(out / "kg.ttl"))
    for view in build_views(g, classes, focus_on="teer-valve"):
        html = page_html(view, classes)
        tags = Tags(html).tags
        assert {t for t, _ in tags} <= PAGE_TAGS, view.name
        assert [t for t, _ in tags].count("script") == 3  # the data, vis-network, ours
        assert [t for t, _ in tags].count("style") == 2  # vis-network's, ours
        assert not [k for _, attrs in tags for k in attrs if k.startswith("on")], view.name
        assert "window.__pwned" in html  # the payloads are there, as inert text
    index = index_html(build_views(g, classes, focus_on="teer-valve"), [], g)
    assert "&lt;img src=x onerror=" in index
    assert {t for t, _ in Tags(index).tags} <= PAGE_TAGS - {"script"}


def test_viz_writes_index_linking_every_view_one_line_each(built, tmp_path):
    out = tmp_path / "views"
    result = CliRunner().invoke(main, ["viz", str(built / "kg.ttl"), "--out", str(out),
                                       "--ontology", str(ONTOLOGY), "--focus", "晶睿电子"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{v}.html" for v in STANDARD + ["focus-jingrui-electronics",
                                                            "index", "matrix", *PARK_PAGES])
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="([^"]+)">', index)
    assert links == [f"{v}.html" for v in STANDARD + ["focus-jingrui-electronics", "matrix",
                                                      *PARK_PAGES]]
    assert all(line.count("<li>") == 1 for line in index.splitlines() if "<li>" in line)
    assert "全部 2 个园区 all 2 parks" in index
    assert f"{out}/chain.html: 20 nodes" in result.output
    assert f"{out}/park-*.html: 2 park views" in result.output

    again = CliRunner().invoke(main, ["viz", str(built / "kg.ttl"), "--out", str(out),
                                      "--ontology", str(ONTOLOGY)])
    assert again.exit_code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="focus-jingrui-electronics.html">聚焦 Focus: 晶睿电子' in index  # still linked


@pytest.mark.parametrize("ident", ["p" * 300, "lishui\u202eedz", "lishui#edz", "丽水经开区"])
def test_a_park_or_focus_id_from_any_graph_file_gets_a_page_name_that_links(built, tmp_path,
                                                                             ident):
    """Too long for a file name, a bidirectional override, a "#" that would cut the link, or
    not ASCII: the page is named by its plain characters and a digest, and every link to it
    finds it; the index still names an earlier focus page by its label."""
    text = (built / "kg.ttl").read_text(encoding="utf-8")
    graph = tmp_path / "odd.ttl"
    graph.write_text(text.replace("/lishui-edz>", f"/{ident}>"), encoding="utf-8")
    out = tmp_path / "views"
    viz = ["viz", str(graph), "--out", str(out), "--ontology", str(ONTOLOGY)]
    result = CliRunner().invoke(main, viz + ["--focus", "丽水经开区"])
    assert result.exit_code == 0, result.output
    names = [p.name for p in out.iterdir()]
    odd = [n for n in names if n.startswith(("park-", "focus-")) and "biomed" not in n]
    assert len(odd) == 2 and all(re.fullmatch(r"[a-z]+-[\w.-]+\.html", n) for n in odd), odd
    assert all(len(n.encode()) < 100 for n in odd), odd
    for page in ("matrix.html", "index.html"):
        hrefs = re.findall(r'href="((?:park|focus)-[^"]+)"', (out / page).read_text("utf-8"))
        assert hrefs and all(h.split("#")[0] in names for h in hrefs), (page, hrefs)
    assert CliRunner().invoke(main, viz).exit_code == 0  # the focus page is an earlier one now
    assert re.search(r'href="focus-[^"]+">聚焦 Focus: 丽水经开区<',
                     (out / "index.html").read_text("utf-8"))


@pytest.mark.slow
def test_viz_output_is_byte_identical_from_run_to_run(built, tmp_path):
    for run, seed in (("a", "1"), ("b", "2")):
        subprocess.run([sys.executable, "-m", "kg", "viz", str(built / "kg.ttl"), "--out",
                        str(tmp_path / run), "--ontology", str(ONTOLOGY), "--focus", "晶睿电子"],
                       cwd=ROOT, env=dict(os.environ, PYTHONHASHSEED=seed), check=True,
                       capture_output=True)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(files) == 9
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_write_views_takes_a_projected_graph_and_writes_what_the_file_gives(built, graph,
                                                                            classes, tmp_path):
    from_file, _ = write_views_of_file(built / "kg.ttl", tmp_path / "a", ONTOLOGY, "晶睿电子")
    from_graph, paths = write_views(graph, tmp_path / "b", classes, "晶睿电子")
    assert [v.name for v in from_graph] == [v.name for v in from_file]
    assert sorted(p.name for p in paths) == sorted(p.name for p in (tmp_path / "a").iterdir())
    for path in paths:
        assert path.read_bytes() == (tmp_path / "a" / path.name).read_bytes(), path.name


def test_viz_focus_on_an_ambiguous_name_lists_the_candidates_and_exits_2(mini_seeds, tmp_path):
    from kg.build import build

    facts = mini_seeds / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("    label: 浙江省经济和信息化厅\n",
                                  "    label: 浙江省经济和信息化厅\n    aliases: [特尔阀门]\n"),
                     encoding="utf-8")
    build(mini_seeds, tmp_path / "out", ONTOLOGY)
    result = CliRunner().invoke(main, ["viz", str(tmp_path / "out" / "kg.ttl"), "--out",
                                       str(tmp_path / "views"), "--focus", "特尔阀门"])
    assert result.exit_code == 2
    assert result.output == (
        "'特尔阀门' names 2 entities; give one of these ids:\n"
        "  teer-valve (特尔阀门高科技材料有限公司, Company)\n"
        "  zj-economy-dept (浙江省经济和信息化厅, PublicBody)\n")
    assert not (tmp_path / "views").exists()


@pytest.mark.parametrize("args, message", [
    (["--focus", "no such company"], "'no such company': no entity has this id, label or alias"),
    (["--depth", "0"], "Invalid value for '--depth'"),
])
def test_viz_bad_input_exits_2_without_traceback(built, tmp_path, args, message):
    result = CliRunner().invoke(main, ["viz", str(built / "kg.ttl"), "--out",
                                       str(tmp_path / "v"), *args])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output and not (tmp_path / "v").exists()


def test_viz_on_a_missing_or_broken_graph_exits_2(tmp_path):
    missing = CliRunner().invoke(main, ["viz", str(tmp_path / "no.ttl"), "--out",
                                        str(tmp_path / "v")])
    assert missing.exit_code == 2 and "no.ttl: not found" in missing.output  # a typed path
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle .", encoding="utf-8")
    result = CliRunner().invoke(main, ["viz", str(broken), "--out", str(tmp_path / "v")])
    assert result.exit_code == 2 and "not readable as Turtle" in result.output


def test_readme_shows_the_committed_chain_screenshot():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "![" in readme and "(exports/views-chain.png)" in readme
    png = (ROOT / "exports" / "views-chain.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1400, 900)
