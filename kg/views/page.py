"""One self-contained, offline, escaped HTML page per view, and the index of views.

Why not pyvis' own page: pyvis 0.3.2's template links Bootstrap from a CDN even with
``cdn_resources="in_line"``, inserts the heading raw, and switches every tooltip to ``innerHTML``
once a title holds ``href``. We take only the vis-network build pyvis ships
(``pyvis/lib/vis-9.1.2``) and inline it into a page of our own:

- **Offline**: vis-network's JS and CSS are inlined; nothing is loaded from anywhere. A Content
  Security Policy (``default-src 'none'``) makes the browser refuse any request should one
  slip in, and allows only the page's own two scripts, by hash.
- **Escaped**: text in the HTML (title, heading, notes, legend, index) goes through
  `html.escape`; the graph data travels as JSON in a non-executed ``<script type=
  "application/json">`` block with ``<``, ``>`` and ``&`` written as ``\\u003c`` etc., so a
  name holding ``</script>`` cannot end it; tooltips are DOM elements built with
  ``textContent``; canvas labels are drawn as text. Nothing is ever assigned to ``innerHTML``.
- **Deterministic**: no dates, paths or random ids; JSON keys sorted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from html import escape
from pathlib import Path

import networkx as nx

from kg.graph.records import node_data
from kg.views.layout import (CLASS_COLOURS, GAP_COLOUR, LABEL_PX, LAYOUT_SEED, MORE, MORE_COLOUR,
                             TOP_LABELS)
from kg.views.matrix import SUMMARY as MATRIX_SUMMARY, TITLE as MATRIX_TITLE
from kg.views.model import View, page_name

VIS_VERSION = "9.1.2"


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the pyvis package."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / f"vis-{VIS_VERSION}"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    return script_safe(js), css.replace("</", "<\\/")


def script_safe(js: str) -> str:
    """JS that can sit inside <script>…</script>: no '</script' or '<!--' in it.

    Both can only occur inside JS strings or regular expressions, where '<\\/' means '</'.

    >>> script_safe('a = "</SCRIPT>"; b = "<!--"')
    'a = "<\\\\/SCRIPT>"; b = "<\\\\!--"'
    """
    return re.sub(r"<(/script|!--)", lambda m: "<\\" + m.group(1), js, flags=re.I)


def json_for_script(data: object) -> str:
    """JSON that cannot end or confuse the <script> block it sits in.

    >>> json_for_script({"label": "</script><img src=x>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def csp(*scripts: str) -> str:
    hashes = " ".join(_hash(s) for s in scripts)
    script_src = f"script-src {hashes}; " if scripts else ""
    return ("default-src 'none'; " + script_src + "style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


# Force layouts: a label smaller than drawThreshold on screen is not drawn (at the fitted zoom of
# a few hundred nodes that is a blur of overlapping text), and none grows past maxVisible when
# zoomed in; the page enlarges the top nodes' fonts so that theirs stay readable (APP).
LABEL_SCALING = {"label": {"enabled": False, "drawThreshold": LABEL_PX - 4,
                           "maxVisible": LABEL_PX + 5}}


def options(view: View) -> dict:
    """vis-network options: one complete dict (never pyvis' set_options, which strips spaces)."""
    physics = view.physics and bool(view.nodes)
    return {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": True},
        "physics": ({"enabled": True, "solver": "forceAtlas2Based",
                     "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110,
                                          "avoidOverlap": 0.4},
                     "stabilization": {"enabled": True, "iterations": 800, "updateInterval": 50,
                                       "fit": True}}
                    if physics else {"enabled": False}),
        "interaction": {"hover": True, "tooltipDelay": 120, "keyboard": False,
                        "multiselect": False},
        "nodes": {"shape": "dot", "borderWidth": 1,
                  "font": {"size": 14, "face": "sans-serif", "color": "#1f2933"},
                  "margin": 8,
                  **({"scaling": LABEL_SCALING} if physics else {})},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"color": "#9aa5b1", "highlight": "#1f2933", "hover": "#52606d"},
                  "font": {"size": 11, "face": "sans-serif", "color": "#52606d",
                           "strokeWidth": 3, "align": "middle"},
                  "smooth": ({"enabled": True, "type": "continuous"} if physics else
                             {"enabled": True, "type": "curvedCW", "roundness": 0.12})},
    }


def top_nodes(view: View, n: int = TOP_LABELS) -> list[str]:
    """The nodes whose labels a force layout keeps readable at the fitted zoom: the largest
    (size is by degree), then by id."""
    ranked = sorted(view.nodes, key=lambda x: (-x.get("size", 0), x["id"]))
    return [x["id"] for x in ranked[:n]]


def page_data(view: View) -> dict:
    """What the page's script reads: the items, options, captions, the nodes labelled at the
    fitted zoom, and counts for checking."""
    return {"name": view.name, "nodes": view.nodes, "edges": view.edges, "options": options(view),
            "headers": view.headers, "top": top_nodes(view) if view.physics else [],
            "label_px": LABEL_PX,
            "counts": {"nodes": len(view.nodes), "edges": len(view.edges)}}


STYLE = """
html, body { margin: 0; height: 100%; font-family: "Noto Sans CJK SC", "Noto Sans SC",
  "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2933; }
body { display: flex; flex-direction: column; }
header { padding: 8px 16px; border-bottom: 1px solid #e4e7eb; }
header h1 { font-size: 20px; margin: 0 0 2px; }
header p { margin: 2px 0; font-size: 13px; color: #52606d; }
header .note { color: #8d2b0b; background: #fff8e6; padding: 3px 6px; }
main { flex: 1; display: flex; min-height: 0; }
#kg-stage { flex: 1; min-width: 0; position: relative; }
#kg-graph { position: absolute; inset: 0; background: #ffffff; }
#kg-busy { position: absolute; inset: 0; display: flex; align-items: center;
  justify-content: center; background: rgba(255, 255, 255, 0.92); font-size: 16px;
  color: #52606d; z-index: 5; }
#kg-busy[hidden] { display: none; }
aside { width: 270px; padding: 10px 12px; border-left: 1px solid #e4e7eb; overflow-y: auto;
  font-size: 13px; }
aside h2 { font-size: 13px; margin: 10px 0 4px; }
#kg-search { width: 100%; box-sizing: border-box; padding: 4px 6px; font-size: 14px; }
#kg-results { list-style: none; margin: 4px 0; padding: 0; }
#kg-results button { border: 0; background: none; padding: 2px 0; text-align: left;
  cursor: pointer; font: inherit; color: #0b4f8a; }
#kg-status { color: #52606d; min-height: 1em; }
#kg-legend label { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
  border: 1px solid #3e4c59; flex: none; }
.sw.box { border-radius: 2px; }
.sw.gap { border-radius: 2px; border: 1px dashed #3e4c59; background: #ffffff; }
.n { color: #7b8794; margin-left: auto; }
.kg-tip { max-width: 420px; font-size: 12px; line-height: 1.45; }
.kg-tip strong { display: block; font-size: 13px; margin-bottom: 2px; }
.kg-tip div { white-space: normal; }
"""

APP = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  function tipElement(tip) {
    var box = document.createElement("div");
    box.className = "kg-tip";
    var head = document.createElement("strong");
    head.textContent = tip.head;
    box.appendChild(head);
    tip.lines.forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line;
      box.appendChild(div);
    });
    return box;
  }
  function withTip(item) {
    var copy = Object.assign({}, item);
    copy.title = tipElement(item.tip);
    delete copy.tip;
    delete copy.names;
    return copy;
  }
  var nodes = new vis.DataSet(data.nodes.map(withTip));
  var edges = new vis.DataSet(data.edges.map(withTip));
  var network = new vis.Network(document.getElementById("kg-graph"), {}, data.options);
  var view = window.kgView = {data: data, nodes: nodes, edges: edges, network: network,
                              ready: false};
  var busy = document.getElementById("kg-busy");
  function ready() {
    if (view.ready) { return; }
    view.ready = true;
    window.__drawn = performance.now();  // read by benchmarks/views_draw.py
    document.documentElement.setAttribute("data-kg-state", "ready");
  }
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  // The top nodes' labels: LABEL_PX on screen at the fitted zoom, whatever the zoom is; the
  // others are drawn once zooming in makes them readable (drawThreshold), or on hover.
  function labelFont(id, px) {
    var font = Object.assign({}, byId[id].font || {});
    font.size = Math.max(14, px / network.getScale());
    return {id: id, font: font};
  }
  function settle() {
    network.fit({animation: false});
    network.moveTo({scale: network.getScale() * 0.92, animation: false});
    if (data.top.length) {
      nodes.update(data.top.map(function (id) { return labelFont(id, data.label_px); }));
    }
    network.once("afterDrawing", ready);
    network.redraw();
  }
  if (data.options.physics.enabled) {
    network.on("stabilizationProgress", function (p) {
      busy.querySelector("span").textContent = p.iterations + " / " + p.total;
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      busy.hidden = true;
      settle();
    });
    var top = {};
    data.top.forEach(function (id) { top[id] = true; });
    network.on("hoverNode", function (p) {
      if (!top[p.node]) { nodes.update([labelFont(p.node, data.label_px)]); }
    });
    network.on("blurNode", function (p) {
      if (!top[p.node]) { nodes.update([{id: p.node, font: byId[p.node].font || {size: 14}}]); }
    });
  }
  network.on("doubleClick", function (p) {  // a park opens its own view
    var node = p.nodes.length ? byId[p.nodes[0]] : null;
    if (node && node.href) { window.location.href = node.href; }
  });
  if (data.headers.length) {
    network.on("afterDrawing", function (ctx) {
      ctx.save();
      ctx.fillStyle = "#52606d";
      ctx.textBaseline = "middle";
      data.headers.forEach(function (h) {
        ctx.font = (h.bold ? "bold " : "") + (h.size || 15) + "px sans-serif";
        ctx.textAlign = h.align || "left";
        ctx.fillText(h.text, h.x, h.y);
      });
      ctx.restore();
    });
  }
  network.setData({nodes: nodes, edges: edges});
  if (!data.options.physics.enabled) { settle(); }

  var boxes = {};
  document.querySelectorAll("#kg-legend input[data-cls]").forEach(function (box) {
    boxes[box.getAttribute("data-cls")] = box;
    box.addEventListener("change", function () {
      showClass(box.getAttribute("data-cls"), box.checked);
    });
  });
  function showClass(cls, visible) {
    nodes.update(data.nodes.filter(function (n) { return n.cls === cls; })
      .map(function (n) { return {id: n.id, hidden: !visible}; }));
    if (boxes[cls]) { boxes[cls].checked = visible; }
  }

  var input = document.getElementById("kg-search");
  var results = document.getElementById("kg-results");
  var status = document.getElementById("kg-status");
  function search(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return []; }
    var found = [];
    data.nodes.forEach(function (n) {
      var best = null;
      n.names.forEach(function (name) {
        var s = name.toLowerCase(), at = s.indexOf(q);
        var score = s === q ? 0 : at === 0 ? 1 : at > 0 ? 2 : 3;
        if (score < 3 && (best === null || score < best.score)) {
          best = {score: score, name: name};
        }
      });
      if (best) { found.push({node: n, score: best.score, name: best.name}); }
    });
    found.sort(function (a, b) {
      return a.score - b.score || (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0);
    });
    return found.slice(0, 15);
  }
  function select(hit) {
    showClass(hit.node.cls, true);
    network.selectNodes([hit.node.id]);
    network.focus(hit.node.id, {scale: Math.max(network.getScale(), 1.0), animation: false});
    var shown = hit.node.label.replace(/\n/g, " ");
    status.textContent = "已定位 found: " + hit.name + (hit.name === hit.node.label ? "" :
      " (" + shown + ")");
  }
  function list() {
    var hits = search(input.value);
    results.replaceChildren();
    hits.forEach(function (hit) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = hit.node.label.replace(/\n/g, " ") +
        (hit.name === hit.node.label ? "" : " — " + hit.name);
      button.addEventListener("click", function () { select(hit); });
      item.appendChild(button);
      results.appendChild(item);
    });
    status.textContent = input.value.trim() && !hits.length ? "没有找到 nothing found" : "";
    return hits;
  }
  input.addEventListener("input", list);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var hits = list();
      if (hits.length) { select(hits[0]); }
    }
  });
})();
"""


def _legend(view: View, classes: dict[str, tuple[str, str]]) -> str:
    counts: dict[str, int] = {}
    for n in view.nodes:
        counts[n["cls"]] = counts.get(n["cls"], 0) + 1
    order = [c for c in CLASS_COLOURS if c in counts] + sorted(c for c in counts
                                                               if c not in CLASS_COLOURS)
    rows = []
    for cls in order:
        zh, en = classes.get(cls, ("另有", "more, counted") if cls == MORE else (cls, cls))
        colour = CLASS_COLOURS.get(cls, MORE_COLOUR)
        shape = " box" if cls == MORE else ""
        rows.append(f'<label><input type="checkbox" checked data-cls="{escape(cls)}">'
                    f'<span class="sw{shape}" style="background:{colour}"></span>'
                    f'{escape(zh)} {escape(en)}<span class="n">{counts[cls]}</span></label>')
    for css, text in view.keys:
        style = f' style="background:{GAP_COLOUR}"' if css == "gap" else ""
        rows.append(f'<label><span class="sw {escape(css)}"{style}></span>{escape(text)}</label>')
    return "\n".join(rows)


SIZES = "节点大小：连接数 · node size: degree (facts linking it to other entities). "


def html_head(title: str, policy: str, *styles: str) -> str:
    """A view page's opening up to </head>: its content security policy, title and styles
    (one <style> element each)."""
    style = "\n".join(f"<style>{css}</style>" for css in styles)
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" href="data:,">
{style}
</head>"""


def page_html(view: View, classes: dict[str, tuple[str, str]]) -> str:
    """The page of one view: heading, note, search, class filter and legend, the graph."""
    js, css = vis_assets()
    note = f'\n<p class="note" id="kg-note">{escape(view.note)}</p>' if view.note else ""
    busy = ""
    if options(view)["physics"]["enabled"]:  # shown until the layout has stabilised
        busy = (f'<div id="kg-busy" role="status">正在布局 laying out {len(view.nodes)} 个节点 '
                f"nodes… <span></span></div>")
    links = "".join(f' · <a href="{escape(href)}">{escape(text)}</a>' for href, text in view.links)
    head = html_head(view.title, csp(js, APP), "\n" + css + "\n", STYLE)
    return f"""{head}
<body>
<header>
<h1>{escape(view.title)}</h1>
<p>{escape(view.summary)} · {len(view.nodes)} 个节点 nodes, {len(view.edges)} 条边 edges ·
<a href="index.html">全部视图 all views</a>{links}</p>{note}
</header>
<main>
<div id="kg-stage"><div id="kg-graph"></div>{busy}</div>
<aside>
<h2><label for="kg-search">查找 Find</label></h2>
<input id="kg-search" type="search" autocomplete="off" placeholder="名称、英文名、别名或 id">
<ul id="kg-results"></ul>
<p id="kg-status"></p>
<h2>类别 Classes (勾选以显示 tick to show)</h2>
<div id="kg-legend">
{_legend(view, classes)}
</div>
<p>{SIZES if view.physics else ""}悬停查看详情与出处 · hover for details and sources.</p>
</aside>
</main>
<script type="application/json" id="kg-data">{json_for_script(page_data(view))}</script>
<script>{js}</script>
<script>{APP}</script>
</body>
</html>
"""


def index_html(views: list[View], earlier_focus: list[str], g: nx.MultiDiGraph,
               parks: list[View] | None = None, park_total: int = 0) -> str:
    """The index: one line per view, then the coverage matrix; focus views written earlier are
    listed after them; then the parks' own views, saying how many parks have one."""
    items = [f'<li><a href="{escape(v.name)}.html">{escape(v.title)}</a> — {escape(v.summary)} '
             f"({len(v.nodes)} 个节点 nodes){' · ' + escape(v.note) if v.note else ''}</li>"
             for v in views]
    if parks is not None:
        items.append(f'<li><a href="matrix.html">{escape(MATRIX_TITLE)}</a> — '
                     f"{escape(MATRIX_SUMMARY)} ({park_total} 个园区 parks)</li>")
    named = {f"{page_name('focus', n)}.html": n for n in g} if earlier_focus else {}
    for name in earlier_focus:
        ident = named.get(name, name[len("focus-"):-len(".html")])
        label = node_data(g, ident).get("label", ident) if ident in g else ident
        items.append(f'<li><a href="{escape(name)}">聚焦 Focus: {escape(label)}</a> — '
                     f"written by an earlier <code>kg viz --focus</code></li>")
    body = "\n".join(items)
    own = ""
    if parks:
        cap = (f"全部 {park_total} 个园区 all {park_total} parks" if len(parks) == park_total else
               f"企业最多的 {len(parks)} 个园区（共 {park_total} 个）/ the {len(parks)} parks with "
               f"most companies, of {park_total}; <code>kg viz --park-views N</code> writes more, "
               f"<code>kg viz --focus ID</code> any one")
        own = (f"\n<h2>园区视图 Park views</h2>\n<p>{cap}.</p>\n<ul>\n"
               + "\n".join(f'<li><a href="{escape(v.name)}.html">{escape(v.title)}</a> '
                           f"({len(v.nodes)} 个节点 nodes)</li>" for v in parks)
               + "\n</ul>")
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(csp())}">
<title>视图 Views</title>
<link rel="icon" href="data:,">
<style>{STYLE}
body {{ display: block; padding: 16px 24px; }} li {{ margin: 6px 0; }}</style>
</head>
<body>
<h1>产业园区知识图谱视图 Views of the industrial-park knowledge graph</h1>
<p>每个视图是一个独立的离线文件 · each view is one self-contained file that works offline.
生成：<code>kg viz</code>；聚焦某一实体：<code>kg viz --focus 晶睿电子 --depth 2</code>.</p>
<ul>
{body}
</ul>{own}
</body>
</html>
"""
