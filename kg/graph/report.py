"""The analysis of `kg.graph.analytics.analyze` rendered as text, Markdown, JSON or CSV files.

Renderers return strings (or bytes per file name); only `kg.cli` prints or writes. The same
rows feed the terminal report and the Markdown one, so the two cannot disagree.
"""

from __future__ import annotations

import csv
import io
import json
import re

from collections.abc import Sequence
from typing import cast

from kg.seeds import schema
from kg.graph.analytics import ANCHOR_RULE, SCORE_RULE, STRENGTH
from kg.errors import counted
from kg.graph.records import (Analysis, ChainCoverage, Entity, Honour, KeyEnterprise,
                              NamedEnterprise, Route, SegmentCompany, SegmentReport)
from kg.tables import escape_lines, format_table, md_escape

LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
SHOWN_MEMBERS = 8


def to_json(analysis: Analysis) -> str:
    """The analysis as indented JSON (UTF-8 text, keys in a fixed order)."""
    return json.dumps(analysis, ensure_ascii=False, indent=2) + "\n"


# -- Pieces of text shared by the text and Markdown reports -------------------------------------


def _flag(inferred: bool) -> str:
    return " (inferred)" if inferred else ""


def route_text(route: Route) -> str:
    """Facts as short clauses: '晶睿电子 位于 平台 (inferred); 丽水经开区 建设平台 平台'."""
    return "; ".join(f"{f['subject_label']} {f['label']} {f['object_label']}{_flag(f['inferred'])}"
                     for f in route)


def honour_text(h: Honour) -> str:
    details = [LEVEL_ZH.get(h["level"], h["level"] or "level unknown")]
    if h["year"] is not None:
        details.append(str(h["year"]))
    if h["stage"]:
        details.append(", ".join(schema.stage_zh(s) for s in h["stage"].split(", ")))
    return f"{h['label']} ({', '.join(details)}){_flag(h['inferred'])}"


def _names(members: list[Entity], shown: int = SHOWN_MEMBERS) -> str:
    names = ", ".join(m["label"] for m in members[:shown])
    return names + (f" (+{len(members) - shown})" if len(members) > shown else "")


def _rating(s: SegmentReport) -> str:
    return f"{s['rating']} ({s['rating_en']})"


def _segment_summary(s: SegmentReport) -> str:
    i = s["inputs"]
    if not i["companies"]:
        return f"{_rating(s)}: {s['rule']}"
    return (f"{_rating(s)}: {counted(i['companies'], 'company', 'companies')}, "
            f"{counted(i['anchors'], 'anchor')}, "
            f"{i['inferred_memberships']} inferred; rule: {s['rule']}")


def _company_lines(c: SegmentCompany) -> list[str]:
    """A company in a segment: why it is there, why it is in the park, its honours."""
    roles = [r for r, on in (("龙头 of the chain", c["leading"]),
                             ("national honour", c["national_honour"])) if on]
    head = c["label"] + (f" [anchor: {', '.join(roles)}]" if roles else "") + _flag(c["inferred"])
    lines = [head,
             "  in segment: " + " | ".join(route_text(r) for r in c["segment_via"]),
             "  in park: " + " | ".join(route_text(r) for r in c["park_via"]),
             "  honours: " + ("; ".join(honour_text(h) for h in c["honours"]) or "none recorded")]
    return lines


def _named_text(n: NamedEnterprise) -> str:
    where = "in the park" if n["in_park"] else "park membership not recorded"
    seg = "in a segment" if n["in_a_segment"] else "no segment recorded"
    return f"{n['label']} ({n['role_zh']}; {where}; {seg}){_flag(n['inferred'])}"


def _segment_rows(cov: ChainCoverage) -> list[list[object]]:
    return [[s["order"], s["label"], s["label_en"], _rating(s), s["inputs"]["companies"],
             s["inputs"]["anchors"], s["inputs"]["inferred_memberships"],
             ", ".join(c["label"] for c in s["companies"])] for s in cov["segments"]]


SEGMENT_HEADERS = ["order", "segment", "segment (en)", "rating", "companies", "anchors",
                   "inferred", "companies of the park"]


def points(value: float) -> str:
    """Score points as text, always two decimals, so 14.00 and 14.66 line up (JSON and CSV
    keep the numbers).

    >>> points(14.0), points(14.66), points(2)
    ('14.00', '14.66', '2.00')
    """
    return f"{value:.2f}"


def breakdown_text(k: KeyEnterprise) -> str:
    """One line that adds up to the score: each part with its points and what earned them."""
    b = k["breakdown"]
    pos = b["network_position"]
    parts = [f"position {points(pos['points'])} (PageRank {pos['pagerank']} / "
             f"{pos['highest_company_pagerank']})"]
    hon = b["honours"]
    parts.append(f"honours {points(hon['points'])}" + (
        " (" + "; ".join(f"{honour_text(h)}: {points(h['points'])}" for h in hon["items"]) + ")"
        if hon["items"] else ""))
    seg = b["chain_segments"]
    parts.append(f"segments {points(seg['points'])}" + (
        " (" + "; ".join(f"{s['label']} via {s['via']}" for s in seg["items"]) + ")"
        if seg["items"] else ""))
    lead = b["leading"]
    parts.append(f"龙头 {points(lead['points'])}" + (
        " (" + "; ".join(f"{x['label']}{_flag(x['inferred'])}" for x in lead["items"]) + ")"
        if lead["items"] else ""))
    return f"{points(k['score'])} = " + " + ".join(parts)


class Points(float):
    """A number the tables right-align (it is a float) and print with two decimals."""

    def __str__(self) -> str:
        return points(self)


def _key_rows(analysis: Analysis, top: int) -> list[list[object]]:
    return [[k["rank"], k["label"], Points(k["score"]),
             Points(k["breakdown"]["network_position"]["points"]),
             Points(k["breakdown"]["honours"]["points"]),
             Points(k["breakdown"]["chain_segments"]["points"]),
             Points(k["breakdown"]["leading"]["points"]), len(k["inferred_inputs"])]
            for k in analysis["key_enterprises"][:top]]


KEY_HEADERS = ["rank", "company", "score", "position", "honours", "segments", "龙头",
               "inferred inputs"]
CENTRALITY_HEADERS = ["entity", "class", "degree", "betweenness", "PageRank", "community", "core"]


def _centrality_rows(analysis: Analysis, top: int) -> list[list[object]]:
    return [[e["label"], e["class"], e["degree"], e["betweenness"], e["pagerank"],
             e["community"], e["core_number"]] for e in analysis["centrality"][:top]]


def _summary(analysis: Analysis) -> str:
    g = analysis["graph"]
    return (f"{counted(g['nodes'], 'entity', 'entities')}, {counted(g['facts'], 'fact')}, "
            f"{counted(g['linked_pairs'], 'linked pair')}; "
            f"measured on {g['measured_on']}; PageRank alpha {g['pagerank_alpha']}, "
            f"betweenness {g['betweenness']}, communities by {g['communities']}.")


def _components_text(analysis: Analysis) -> str:
    comps = analysis["components"]
    big = [c for c in comps if c["size"] > 1]
    singles = [c["members"][0] for c in comps if c["size"] == 1]
    parts = [f"{c['component']}: {c['size']} ({_names(c['members'], 4)})" for c in big]
    if singles:
        parts.append(f"{len(singles)} isolated: {_names(singles)}")
    return f"{counted(len(comps), 'connected component')} — " + "; ".join(parts)


def _chain_title(cov: ChainCoverage) -> str:
    return f"{cov['park_label']} · {cov['chain_label']} ({cov['park']} · {cov['chain']})"


def _gaps_text(cov: ChainCoverage) -> str:
    if not cov["segments"]:
        return "No segments are recorded for this chain, so no coverage can be rated."
    labels = [s["label"] for s in cov["segments"] if s["rating_en"] == "gap"]
    return "Gaps (空白): " + (", ".join(labels) if labels else "none")


# -- Terminal report ------------------------------------------------------------------------------


def render_text(analysis: Analysis, top: int = 15) -> str:
    """A readable terminal report: tables aligned for Chinese text, breakdowns in words."""
    out = ["Network analytics", _summary(analysis), "",
           f"Centrality: top {top} by PageRank (every entity: --format json or csv)",
           format_table(CENTRALITY_HEADERS, _centrality_rows(analysis, top)), "",
           f"Communities (Leiden): {len(analysis['communities'])}, members by PageRank"]
    out.append(format_table(["#", "size", "members"],
                            [[c["community"], c["size"], _names(c["members"])]
                             for c in analysis["communities"] if c["size"] > 1]))
    out += ["", _components_text(analysis),
            f"k-core: highest core {analysis['k_core']['max_core']}: "
            f"{_names(analysis['k_core']['members'], 20)}", "", "Chain coverage"]
    for cov in analysis["chains"]:
        out += ["", f"== {_chain_title(cov)} =="]
        if cov["segments"]:
            out.append(format_table(SEGMENT_HEADERS, _segment_rows(cov)))
        for s in cov["segments"]:
            out.append(f"{s['order']}. {s['label']} — {_segment_summary(s)}")
            for c in s["companies"]:
                out += ["   - " + line if i == 0 else "     " + line
                        for i, line in enumerate(_company_lines(c))]
        out.append(_gaps_text(cov))
        if cov["named_enterprises"]:
            out.append("Named for the chain: " + "; ".join(
                _named_text(n) for n in cov["named_enterprises"]))
    out += ["", "Strength rule: " + "; ".join(f"{zh} ({en}): {rule}"
                                                for zh, en, rule in STRENGTH.values()),
            f"  {ANCHOR_RULE}.", "",
            f"Key enterprises: top {top} of {len(analysis['key_enterprises'])}",
            format_table(KEY_HEADERS, _key_rows(analysis, top)), ""]
    for k in analysis["key_enterprises"][:top]:
        out.append(f"{k['rank']}. {k['label']}: {breakdown_text(k)}")
        if k["inferred_inputs"]:
            out.append("   inferred inputs: " + "; ".join(k["inferred_inputs"]))
    out += ["", f"Score rule: {SCORE_RULE}"]
    return escape_lines("\n".join(out)) + "\n"  # labels come from any graph file


# -- Markdown -------------------------------------------------------------------------------------


def _md_cell(value: object) -> str:
    """A table cell: its pipes escaped, but those escaped already (by `md_escape`)."""
    return "" if value is None else _PIPE.sub(r"\\|", str(value)).replace("\n", " ")


_PIPE = re.compile(r"(?<!\\)\|")


def _md_escaped(value: object) -> object:
    """The analysis with every text in it escaped for Markdown (`md_escape`): its labels,
    quotes and names come from any graph file, and a wiki renders Markdown as HTML."""
    if isinstance(value, str):
        return md_escape(value)
    if isinstance(value, dict):
        return {k: _md_escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_md_escaped(v) for v in value]
    return value


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table.

    >>> print(md_table(["a", "b"], [[1, "x|y"]]))
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_md(analysis: Analysis, top: int = 15) -> str:
    """The same report as Markdown, for a wiki or an issue."""
    analysis = cast(Analysis, _md_escaped(analysis))
    out = ["# Network analytics", "", _summary(analysis), "",
           f"## Centrality (top {top} by PageRank)", "",
           md_table(CENTRALITY_HEADERS, _centrality_rows(analysis, top)), "",
           "## Communities (Leiden)", "",
           md_table(["#", "size", "members"], [[c["community"], c["size"], _names(c["members"])]
                                               for c in analysis["communities"]]), "",
           "## Components and k-core", "", _components_text(analysis), "",
           f"Highest core {analysis['k_core']['max_core']}: "
           f"{_names(analysis['k_core']['members'], 20)}", "", "## Chain coverage", ""]
    for cov in analysis["chains"]:
        out += [f"### {_chain_title(cov)}", ""]
        if cov["segments"]:
            out += [md_table(SEGMENT_HEADERS, _segment_rows(cov)), ""]
        for s in cov["segments"]:
            out.append(f"{s['order']}. **{s['label']}** — {_segment_summary(s)}")
            for c in s["companies"]:
                lines = _company_lines(c)
                out.append(f"    - {lines[0]}")
                out += [f"        - {line.strip()}" for line in lines[1:]]
        out += ["", _gaps_text(cov), ""]
        if cov["named_enterprises"]:
            out += ["Named for the chain: " + "; ".join(
                _named_text(n) for n in cov["named_enterprises"]), ""]
    out += ["Strength rule:", ""]
    out += [f"- **{zh}** ({en}): {rule}" for zh, en, rule in STRENGTH.values()]
    out += [f"- {ANCHOR_RULE}.", "", "## Key enterprises", "",
            md_table(KEY_HEADERS, _key_rows(analysis, top)), ""]
    for k in analysis["key_enterprises"][:top]:
        out.append(f"{k['rank']}. **{k['label']}**: {breakdown_text(k)}")
        if k["inferred_inputs"]:
            out.append(f"    - inferred inputs: {'; '.join(k['inferred_inputs'])}")
    out += ["", f"Score rule: {SCORE_RULE}"]
    return "\n".join(out) + "\n"


# -- CSV files ------------------------------------------------------------------------------------


def spreadsheet_cell(value: object) -> object:
    r"""A cell a spreadsheet shows as text: a text that would start a formula (=, +, -, @, a tab
    or a carriage return first; labels come from any graph file) gets a leading apostrophe,
    as OWASP advises against CSV injection. Numbers stay numbers.

    >>> spreadsheet_cell('=HYPERLINK("http://x")')
    '\'=HYPERLINK("http://x")'
    >>> spreadsheet_cell("晶睿电子"), spreadsheet_cell(-0.5), spreadsheet_cell(None)
    ('晶睿电子', -0.5, '')
    """
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """CSV for spreadsheets: UTF-8 with a BOM (Excel on Chinese Windows needs it), CRLF rows,
    no text a spreadsheet would run as a formula (`spreadsheet_cell`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([[spreadsheet_cell(c) for c in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def render_csv(analysis: Analysis) -> dict[str, bytes]:
    """One CSV file per part of the analysis, keyed by file name."""
    centrality = [[e["id"], e["label"], e["label_en"], e["class"], e["degree"],
                   e["degree_centrality"], e["betweenness"], e["pagerank"], e["community"],
                   e["component"], e["core_number"]] for e in analysis["centrality"]]
    communities = [[c["community"], c["size"], m["id"], m["label"]]
                   for c in analysis["communities"] for m in c["members"]]
    chains: list[list[object]] = []
    for cov in analysis["chains"]:
        for s in cov["segments"]:
            base: list[object] = [
                cov["park"], cov["park_label"], cov["chain"], cov["chain_label"], s["order"],
                s["id"], s["label"], s["rating"], s["rating_en"], s["inputs"]["companies"],
                s["inputs"]["anchors"], s["inputs"]["inferred_memberships"]]
            companies: list[list[object]] = [
                [c["id"], c["label"], c["anchor"], c["inferred"],
                 "; ".join(honour_text(h) for h in c["honours"])] for c in s["companies"]]
            chains += [base + company for company in companies or [["", "", "", "", ""]]]
    keys = [[k["rank"], k["id"], k["label"], k["score"],
             k["breakdown"]["network_position"]["points"],
             k["breakdown"]["network_position"]["pagerank"], k["breakdown"]["honours"]["points"],
             k["breakdown"]["chain_segments"]["points"], k["breakdown"]["leading"]["points"],
             "; ".join(k["parks"]), breakdown_text(k), "; ".join(k["inferred_inputs"])]
            for k in analysis["key_enterprises"]]
    return {
        "centrality.csv": csv_bytes(["id", "label", "label_en", "class", "degree",
                                     "degree_centrality", "betweenness", "pagerank", "community",
                                     "component", "core_number"], centrality),
        "communities.csv": csv_bytes(["community", "size", "id", "label"], communities),
        "chains.csv": csv_bytes(["park", "park_label", "chain", "chain_label", "order",
                                 "segment", "segment_label", "rating", "rating_en", "companies",
                                 "anchors", "inferred_memberships", "company", "company_label",
                                 "anchor", "inferred", "honours"], chains),
        "key_enterprises.csv": csv_bytes(["rank", "id", "label", "score", "position",
                                          "pagerank", "honours", "segments", "leading", "parks",
                                          "breakdown", "inferred_inputs"], keys),
    }
