"""The coverage matrix's page: a plain HTML table with sticky headers, and a side panel a
small inline script fills from one JSON block when a cell is clicked.

Escaping as in `kg.views.page`: HTML text through `html.escape`, the data as JSON with
``<``, ``>``, ``&`` escaped, the panel built with ``textContent``; the CSP allows only the
page's own script, by hash.
"""

from __future__ import annotations

from html import escape

from kg.graph.analytics import ANCHOR_RULE, STRENGTH
from kg.views.matrix import NOT_DEVELOPED, SUMMARY, TITLE, Matrix, matrix_data
from kg.views.page import STYLE, csp, html_head, json_for_script
from kg.views.parts import Context

GAP_MARK = "×"  # a gap is marked by a symbol and a hatch, not by colour alone
RATING_CSS = {"strong": "s", "potential": "p", "weak": "w", "gap": "g", NOT_DEVELOPED: "o"}

MATRIX_STYLE = """
body { display: flex; flex-direction: column; }
main { flex: 1; display: flex; min-height: 0; }
#kg-wrap { flex: 1; overflow: auto; min-width: 0; }
#kg-matrix { border-collapse: separate; border-spacing: 0; font-size: 12px; }
#kg-matrix th, #kg-matrix td { border-right: 1px solid #e4e7eb; border-bottom: 1px solid #e4e7eb;
  padding: 0; }
#kg-matrix thead th { position: sticky; background: #f5f7fa; z-index: 2; font-weight: 600; }
#kg-matrix tr.chains th { top: 0; height: 24px; padding: 0 4px; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; max-width: 1px; border-left: 2px solid #9aa5b1; }
#kg-matrix tr.segs th { top: 25px; height: 130px; vertical-align: bottom; }
#kg-matrix tr.segs th span { writing-mode: vertical-rl; display: inline-block; max-height: 124px;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; padding: 3px 0; }
#kg-matrix th.corner { left: 0; top: 0; z-index: 3; text-align: left; padding: 4px 6px;
  vertical-align: bottom; max-width: none; border-left: 0; }
#kg-matrix th.first, #kg-matrix td.first { border-left: 2px solid #9aa5b1; }
#kg-matrix tbody th { position: sticky; left: 0; background: #ffffff; z-index: 1;
  text-align: left; font-weight: normal; padding: 2px 6px; white-space: nowrap; max-width: 260px;
  overflow: hidden; text-overflow: ellipsis; }
#kg-matrix tbody th .n { color: #7b8794; margin-left: 6px; }
#kg-matrix tbody th.d1 { padding-left: 18px; } #kg-matrix tbody th.d2 { padding-left: 30px; }
#kg-matrix td { min-width: 30px; height: 22px; text-align: center; cursor: pointer;
  font-variant-numeric: tabular-nums; }
#kg-matrix td:empty { cursor: default; }
td.s { background: #08519c; color: #ffffff; font-weight: 600; }
td.p { background: #6baed6; color: #08306b; }
td.w { background: #deebf7; color: #08306b; }
td.g { color: #8d2b0b; font-weight: 700; background: repeating-linear-gradient(45deg, #ffffff 0,
  #ffffff 3px, #fbd9d0 3px, #fbd9d0 5px); }
td.o { color: #7b8794; }
td.sel { outline: 3px solid #e6ab02; outline-offset: -3px; }
tr.hit th { background: #fff3c4 !important; }
tr[hidden] { display: none; }
aside { width: 380px; padding: 10px 12px; border-left: 1px solid #e4e7eb; overflow-y: auto;
  font-size: 13px; }
aside h2 { font-size: 14px; margin: 10px 0 4px; }
#kg-filter { width: 100%; box-sizing: border-box; padding: 4px 6px; font-size: 14px; }
.key { display: flex; align-items: center; gap: 6px; margin: 3px 0; }
.key span.sw { width: 26px; height: 16px; border: 1px solid #9aa5b1; text-align: center;
  font-size: 11px; line-height: 16px; flex: none; border-radius: 0; }
#kg-panel ol { padding-left: 20px; } #kg-panel li { margin: 6px 0; }
#kg-panel .fact, #kg-panel .hon { color: #52606d; font-size: 12px; margin-left: 8px; }
#kg-panel .tag { color: #8d2b0b; font-size: 11px; margin-left: 4px; }
"""

MATRIX_APP = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var S = data.strings;
  var table = document.getElementById("kg-matrix");
  var panel = document.getElementById("kg-panel");
  var selected = null;
  window.kgMatrix = {data: data};
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function factLine(f) {
    var line = S[f[0]] + " → " + S[f[1]] + " → " + S[f[2]];
    if (S[f[3]]) { line += " · “" + S[f[3]] + "”"; }
    if (S[f[4]]) { line += " — 来源 source: " + S[f[4]]; }
    if (f[5]) { line += " (推断 inferred)"; }
    return line;
  }
  function honourLine(h) {
    var bits = [S[h[1]], h[2], S[h[3]]].filter(function (x) { return x; });
    var line = "荣誉 honour: " + S[h[0]] + (bits.length ? " (" + bits.join(", ") + ")" : "");
    if (S[h[4]]) { line += " · “" + S[h[4]] + "”"; }
    if (S[h[5]]) { line += " — 来源 source: " + S[h[5]]; }
    return line;
  }
  function show(r, c) {
    var cell = data.cells[r + "." + c];
    if (!cell) { return null; }
    var park = data.parks[r], col = data.columns[c];
    panel.replaceChildren();
    panel.appendChild(el("h2", S[park[0]] + " · " + S[col[0]] + " (" + S[col[1]] + ")"));
    if (cell.k === "other") {
      panel.appendChild(el("p", "该园区未发展此产业链，不评级 / the park does not develop this " +
        "chain (no developsChain fact): not rated"));
    } else {
      var rating = data.ratings[cell.k];
      panel.appendChild(el("p", rating[0] + " " + rating[1] + ": " + rating[2]));
    }
    panel.appendChild(el("p", cell.n + " 家企业 companies, " + cell.a + " 个锚企业 anchors"));
    var list = el("ol");
    cell.c.forEach(function (row) {
      var company = data.companies[row[0]];
      var item = el("li");
      item.appendChild(el("strong", S[company[0]]));
      if (row[2]) { item.appendChild(el("span", "龙头 leading", "tag")); }
      else if (row[1]) { item.appendChild(el("span", "锚 anchor", "tag")); }
      if (row[3]) { item.appendChild(el("span", "推断 inferred", "tag")); }
      company[1].forEach(function (h) { item.appendChild(el("div", honourLine(h), "hon")); });
      row[4].forEach(function (f) { item.appendChild(el("div", factLine(f), "fact")); });
      list.appendChild(item);
    });
    panel.appendChild(list);
    if (cell.n > cell.c.length) {
      panel.appendChild(el("p", "… 另有 " + (cell.n - cell.c.length) + " 家未列出 / " +
        (cell.n - cell.c.length) + " more not listed here (a cell lists its first " +
        cell.c.length + "): kg query park-companies --param park=" + park[1]));
    }
    return cell;
  }
  function open(event) {
    var td = event.target.closest("td");
    if (!td || !table.tBodies[0].contains(td)) { return; }
    var r = td.parentNode.sectionRowIndex, c = td.cellIndex - 1;
    if (show(r, c)) {
      if (selected) { selected.classList.remove("sel"); }
      selected = td;
      td.classList.add("sel");
    }
  }
  table.addEventListener("click", open);
  table.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(event); }
  });
  window.kgMatrix.show = show;
  var rows = table.tBodies[0].rows;
  var filter = document.getElementById("kg-filter");
  filter.addEventListener("input", function () {
    var q = filter.value.trim().toLowerCase();
    data.parks.forEach(function (p, i) {
      rows[i].hidden = q !== "" && S[p[0]].toLowerCase().indexOf(q) < 0 &&
        p[1].toLowerCase().indexOf(q) < 0;
    });
  });
  var wanted = decodeURIComponent(location.hash.slice(1));
  data.parks.forEach(function (p, i) {
    if (p[1] === wanted) {
      rows[i].classList.add("hit");
      rows[i].scrollIntoView({block: "center"});
    }
  });
  requestAnimationFrame(function () {
    window.__drawn = performance.now();
    document.documentElement.setAttribute("data-kg-state", "ready");
  });
})();
"""


def _legend() -> str:
    keys = [(RATING_CSS[k], GAP_MARK if k == "gap" else "3", f"{zh} {en}: {rule}")
            for k, (zh, en, rule) in STRENGTH.items()]
    keys.append((RATING_CSS[NOT_DEVELOPED], "2", "灰色数字：园区未发展该产业链，不评级 / grey: a chain "
                 "the park does not develop, not rated"))
    keys.append(("", "", "空格：没有企业且不评级 / empty: no company, not rated"))
    return "\n".join(f'<div class="key"><span class="sw {css}">{escape(mark)}</span>'
                     f"{escape(text)}</div>" for css, mark, text in keys)


def _table(ctx: Context, m: Matrix) -> str:
    head1 = ['<th class="corner" rowspan="2">园区 Park <span class="n">企业数 companies</span></th>']
    head2 = []
    for ch, segs in m.chains:
        if not segs:
            continue
        head1.append(f'<th class="chain" colspan="{len(segs)}" title="{escape(ctx.label(ch))}">'
                     f"{escape(ctx.label(ch))}</th>")
        head2 += [f'<th{" class=first" if i == 0 else ""} title="{escape(ctx.label(s))}">'
                  f"<span>{escape(ctx.label(s))}</span></th>" for i, s in enumerate(segs)]
    first = {i for i, (ch, seg) in enumerate(m.columns) if seg == dict(m.chains)[ch][0]}
    body = []
    for r, p in enumerate(m.parks):
        name = escape(ctx.label(p))
        link = m.links.get(p)
        cell = f'<a href="{escape(link)}">{name}</a>' if link else name
        tds = []
        for c in range(len(m.columns)):
            css = ["first"] if c in first else []
            found = m.cells.get((r, c))
            text = ""
            if found is not None:
                css.append(RATING_CSS[found.rating])
                text = GAP_MARK if found.rating == "gap" else str(found.count)
            attr = f' class="{" ".join(css)}"' if css else ""
            if found is not None:
                attr += ' tabindex="0"'  # reachable with Tab, opened with Enter
            tds.append(f"<td{attr}>{text}</td>")
        depth = min(m.depth[p], 2)
        body.append(f'<tr><th scope="row"{f" class=d{depth}" if depth else ""} '
                    f'title="{name}">{cell}<span class="n">{m.park_size[p]}</span></th>'
                    + "".join(tds) + "</tr>")
    return (f'<table id="kg-matrix">\n<thead>\n<tr class="chains">{"".join(head1)}</tr>\n'
            f'<tr class="segs">{"".join(head2)}</tr>\n</thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody>\n</table>")


def matrix_html(ctx: Context, m: Matrix, note: str = "") -> str:
    """The matrix page: heading, the table, and a side panel with legend, filter and cell
    details."""
    data = json_for_script(matrix_data(ctx, m))
    cells = sum(1 for c in m.cells.values() if c.rating != NOT_DEVELOPED)
    gaps = sum(1 for c in m.cells.values() if c.rating == "gap")
    unsegmented = [ctx.label(ch) for ch, segs in m.chains if not segs]
    extra = (f"<p>无环节的产业链（不在表中）chains without segments (not in the table): "
             f"{escape('、'.join(unsegmented))}</p>") if unsegmented else ""
    note_html = f'\n<p class="note" id="kg-note">{escape(note)}</p>' if note else ""
    head = html_head(TITLE, csp(MATRIX_APP), STYLE + MATRIX_STYLE)
    return f"""{head}
<body>
<header>
<h1>{escape(TITLE)}</h1>
<p>{escape(SUMMARY)} · {len(m.parks)} 个园区 parks × {len(m.columns)} 个环节 segments ·
{cells} 个评级格 rated cells, {gaps} 个空白 gaps ·
<a href="index.html">全部视图 all views</a></p>{note_html}
</header>
<main>
<div id="kg-wrap">
{_table(ctx, m)}
</div>
<aside>
<h2><label for="kg-filter">筛选园区 Filter parks</label></h2>
<input id="kg-filter" type="search" autocomplete="off" placeholder="园区名称或 id">
<div id="kg-panel" aria-live="polite"><p>点击格子查看该园区在该环节的企业、荣誉与出处 · click a cell for the
park's companies in the segment, their honours, and the quote and source of each fact.</p></div>
<h2>图例 Key</h2>
{_legend()}
<p>{escape(ANCHOR_RULE)}.</p>
<p>园区名称链接到园区自己的视图 · a park's name links to its own view, where one was
written.</p>{extra}
</aside>
</main>
<script type="application/json" id="kg-data">{data}</script>
<script>{MATRIX_APP}</script>
</body>
</html>
"""
