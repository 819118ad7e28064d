"""kg analyze: centrality, communities, chain coverage and key enterprises on the seed graph,
every format, and the scores back in RDF for SPARQL (issue 4, part 2)."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from helpers import ONTOLOGY, ROOT, validate_both
from kg.graph import analytics
from kg.graph.analytics import (HONOUR_POINTS, LEADING_POINTS, NOT_FINAL_STAGES, POSITION_POINTS,
                          SEGMENT_POINTS, STRENGTH, analyze, rate_segment)
from kg.cli import main
from kg.rdf.namespace import IPK
from kg.graph.projection import project
from kg.sparql.run import PROLOGUE
from kg.rdf.read import load_graph_file

SEMICONDUCTOR_SEGMENTS = ["芯片材料", "装备", "设计", "制造", "封测", "应用"]


@pytest.fixture(scope="module")
def store(built):
    return load_graph_file(built / "kg.ttl")


@pytest.fixture(scope="module")
def graph(store):
    return project(store)


@pytest.fixture(scope="module")
def analysis(graph):
    return analyze(graph)


@pytest.fixture(scope="module")
def as_json(built):
    result = CliRunner().invoke(main, ["analyze", str(built / "kg.ttl"), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ask(store, query: str) -> list:
    return list(store.query(PROLOGUE + query))


def semiconductor(analysis) -> dict:
    [cov] = [c for c in analysis["chains"]
             if c["park"] == "lishui-edz" and c["chain"] == "semiconductor-chain"]
    return cov


# -- The JSON contract --------------------------------------------------------------------------


def test_json_has_the_promised_keys_and_matches_the_library(as_json, analysis):
    assert {"centrality", "communities", "chains", "key_enterprises"} <= set(as_json)
    assert as_json == json.loads(json.dumps(analysis))


def test_analyze_never_parses_with_rdflib(built, as_json, monkeypatch):
    """kg.ttl is read by Oxigraph into memory (kg.cli._projected says why not the on-disk
    store); rdflib's parser, minutes at province size, is never involved."""
    import kg.rdf.read

    def refuse(path):
        raise AssertionError(f"rdflib parsed {path}")

    import rdflib

    monkeypatch.setattr(kg.rdf.read, "read_rdflib", refuse)
    monkeypatch.setattr(rdflib, "Graph", None)  # any rdflib Graph built for it fails
    monkeypatch.setattr(rdflib, "Dataset", None)
    result = CliRunner().invoke(main, ["analyze", str(built / "kg.ttl"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == as_json


@pytest.mark.slow
def test_json_output_is_byte_identical_across_hash_seeds(built):
    """Communities with a fixed seed, everything sorted: same graph, same bytes."""
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-m", "kg", "analyze", str(built / "kg.ttl"),
                               "--format", "json"], cwd=ROOT, env=env, capture_output=True,
                              check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]


# -- Centrality, communities, components, k-core ------------------------------------------------


def test_every_entity_has_its_measures_and_label(as_json, graph):
    entries = as_json["centrality"]
    assert len(entries) == graph.number_of_nodes()
    assert {e["id"] for e in entries} == set(graph)
    for e in entries:
        assert e["label"] == graph.nodes[e["id"]]["label"]
        assert {"degree", "betweenness", "pagerank", "community", "component",
                "core_number"} <= set(e)
        assert 0 <= e["betweenness"] <= 1
    assert sum(e["pagerank"] for e in entries) == pytest.approx(1, abs=1e-4)
    pageranks = [e["pagerank"] for e in entries]
    assert pageranks == sorted(pageranks, reverse=True)
    assert entries[0]["id"] == "lishui-edz"  # the park every article is about


def test_communities_components_and_cores_partition_the_entities(as_json, graph):
    for part in ("communities", "components"):
        members = [m["id"] for c in as_json[part] for m in c["members"]]
        assert sorted(members) == sorted(graph), part
        assert all(c["size"] == len(c["members"]) for c in as_json[part])
        sizes = [c["size"] for c in as_json[part]]
        assert sizes == sorted(sizes, reverse=True)
    # the firms leading the park's 42 semiconductor projects, those projects, the chain and its
    # chip-materials segment end up in one community; the honour-list firms form another
    community = {e["id"]: e["community"] for e in as_json["centrality"]}
    semiconductor = {community[n] for n in (
        "jingrui-electronics", "jiangfeng-electronics", "zhongxin-wafer", "fulede", "wangrong",
        "guangxinwei", "lishui-edz-semiconductor-projects", "semiconductor-chain",
        "sc-chip-materials")}
    assert len(semiconductor) == 1
    assert community["tongchuang-special-materials"] not in semiconductor
    core = as_json["k_core"]
    assert core["max_core"] == max(e["core_number"] for e in as_json["centrality"])
    assert "lishui-edz" in {m["id"] for m in core["members"]}


def test_analysis_does_not_change_its_input(graph):
    before = (copy.deepcopy(dict(graph.nodes(data=True))),
              sorted((u, v, k, sorted(d.items(), key=str))
                     for u, v, k, d in graph.edges(keys=True, data=True)))
    analyze(graph)
    after = (dict(graph.nodes(data=True)),
             sorted((u, v, k, sorted(d.items(), key=str))
                    for u, v, k, d in graph.edges(keys=True, data=True)))
    assert before == after


# -- Chain coverage ------------------------------------------------------------------------------


def test_semiconductor_chain_of_lishui_edz_shows_all_six_segments_in_order(as_json):
    cov = semiconductor(as_json)
    assert [s["label"] for s in cov["segments"]] == SEMICONDUCTOR_SEGMENTS
    assert [s["order"] for s in cov["segments"]] == [1, 2, 3, 4, 5, 6]
    materials = cov["segments"][0]
    assert [c["id"] for c in materials["companies"]] == ["jingrui-electronics",
                                                         "tongchuang-special-materials"]
    assert (materials["rating"], materials["rating_en"]) == ("潜力", "potential")
    assert materials["inputs"] == {"companies": 2, "anchors": 1, "inferred_memberships": 2}
    jingrui, tongchuang = materials["companies"]
    assert jingrui["anchor"] and jingrui["leading"] and jingrui["national_honour"]
    assert jingrui["inferred"]  # the page never names the segment: the breakdown says so
    assert [(h["id"], h["level"], h["year"]) for h in jingrui["honours"]] == \
        [("national-little-giant", "national", 2024)]
    assert [(h["id"], h["level"], h["stage"]) for h in tongchuang["honours"]] == \
        [("key-provincial-sme", "provincial", "Proposed")]
    assert not tongchuang["anchor"]
    # the other five: nobody on the page is placed there, so they are gaps, not guesses
    assert [s["rating"] for s in cov["segments"][1:]] == ["空白"] * 5
    assert cov["gaps"] == ["sc-equipment", "sc-design", "sc-manufacturing",
                           "sc-packaging-testing", "sc-application"]
    leaders = {n["id"] for n in cov["named_enterprises"] if n["role"] == "leading"}
    assert leaders == {"jiangfeng-electronics", "fulede", "zhongxin-wafer", "wangrong",
                       "guangxinwei", "jingrui-electronics"}


def test_every_rating_follows_the_stated_rule(as_json):
    for cov in as_json["chains"]:
        for s in cov["segments"]:
            inputs = s["inputs"]
            assert inputs["companies"] == len(s["companies"])
            assert inputs["anchors"] == sum(c["anchor"] for c in s["companies"])
            assert inputs["inferred_memberships"] == sum(c["inferred"] for c in s["companies"])
            key = rate_segment(inputs["companies"], inputs["anchors"])
            assert (s["rating"], s["rating_en"], s["rule"]) == STRENGTH[key]


def test_no_segment_membership_is_invented(as_json, store):
    """Every company placed in a segment has an inSegment fact, itself or through a product."""
    stated = {(r["c"].value.rsplit("/", 1)[-1], r["s"].value.rsplit("/", 1)[-1])
              for r in ask(store, """SELECT ?c ?s WHERE {
                  { ?c ipk:inSegment ?s } UNION { ?c ipk:makes ?p . ?p ipk:inSegment ?s }
                  ?c a ipk:Company }""")}
    placed = {(c["id"], s["id"]) for cov in as_json["chains"] for s in cov["segments"]
              for c in s["companies"]}
    assert placed and placed <= stated


def test_chain_without_segments_is_reported_not_rated(as_json):
    [rolling] = [c for c in as_json["chains"]
                 if c["chain"] == "rolling-functional-components-chain"]
    assert rolling["segments"] == [] and rolling["gaps"] == []
    assert {n["id"] for n in rolling["named_enterprises"] if n["role"] == "leading"} == \
        {"jiexiang-technology", "jianshi-transmission"}


# -- Key enterprises ----------------------------------------------------------------------------


def test_key_enterprise_scores_add_up_from_their_breakdown(as_json, store):
    levels = {r["h"].value.rsplit("/", 1)[-1]: r["l"].value.rsplit("/", 1)[-1]
              for r in ask(store, "SELECT ?h ?l WHERE { ?h ipk:level ?l }")}
    level_key = {"NationalLevel": "national", "ProvincialLevel": "provincial",
                 "MunicipalLevel": "municipal"}
    leading = {}
    for r in ask(store, "SELECT ?c ?x WHERE { ?c a ipk:Company ; ipk:leadingEnterpriseIn ?x }"):
        leading.setdefault(r["c"].value.rsplit("/", 1)[-1], set()).add(r["x"].value)
    ranked = as_json["key_enterprises"]
    companies = {e["id"] for e in as_json["centrality"] if e["class"] == "Company"}
    assert {k["id"] for k in ranked} == companies
    assert [k["rank"] for k in ranked] == list(range(1, len(ranked) + 1))
    assert [k["score"] for k in ranked] == sorted((k["score"] for k in ranked), reverse=True)
    top_pagerank = max(e["pagerank"] for e in as_json["centrality"] if e["class"] == "Company")
    for k in ranked:
        b = k["breakdown"]
        assert k["score"] == pytest.approx(sum(part["points"] for part in b.values()), abs=0.011)
        pos = b["network_position"]
        assert pos["points"] == pytest.approx(POSITION_POINTS * pos["pagerank"] / top_pagerank,
                                              abs=0.006)
        for h in b["honours"]["items"]:
            assert h["level"] == level_key[levels[h["id"]]]
            full = HONOUR_POINTS[h["level"]]
            assert h["points"] == (full if h["final"] else full / 2)
            assert h["final"] == (h["stage"] not in NOT_FINAL_STAGES)
        assert b["leading"]["points"] == LEADING_POINTS * len(leading.get(k["id"], ()))
        assert b["chain_segments"]["points"] == SEGMENT_POINTS * len(b["chain_segments"]["items"])


def test_top_key_enterprises_and_why(as_json):
    ranked = {k["id"]: k for k in as_json["key_enterprises"]}
    first = as_json["key_enterprises"][0]
    assert first["id"] == "jingrui-electronics"  # 小巨人, a 龙头, the one placed in a segment
    assert first["breakdown"]["honours"]["points"] == 3.0
    assert first["breakdown"]["leading"]["points"] == LEADING_POINTS
    assert first["breakdown"]["chain_segments"]["points"] == SEGMENT_POINTS
    assert any("芯片材料" in x for x in first["inferred_inputs"])
    assert any("龙头" in x for x in first["inferred_inputs"])
    teer = ranked["teer-valve"]  # highest network position; its 重点省专 is only proposed (拟)
    assert teer["breakdown"]["network_position"]["points"] == POSITION_POINTS
    assert [h["points"] for h in teer["breakdown"]["honours"]["items"]] == [1.0, 3.0]
    assert teer["inferred_inputs"] == []
    assert all(k["parks"] == ["lishui-edz"] for k in as_json["key_enterprises"][:8])


# -- Output formats -------------------------------------------------------------------------------


def test_text_report_is_readable(built):
    result = CliRunner().invoke(main, ["analyze", str(built / "kg.ttl")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ["Centrality", "Communities", "connected components", "k-core",
                 "== 丽水经开区 · 半导体全产业链", "芯片材料 — 潜力 (potential)",
                 "Gaps (空白): 装备, 设计, 制造, 封测, 应用", "Key enterprises",
                 "1. 晶睿电子: 15.32 = position", "Strength rule:", "Score rule:"]:
        assert text in out, text
    segments = out.index("1. 芯片材料"), out.index("2. 装备"), out.index("6. 应用")
    assert list(segments) == sorted(segments)


def test_markdown_report(built):
    result = CliRunner().invoke(main, ["analyze", str(built / "kg.ttl"), "--format", "md"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Network analytics\n")
    assert "| order | segment |" in result.stdout and "## Key enterprises" in result.stdout


def test_csv_folder_for_spreadsheets(built, tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["analyze", str(built / "kg.ttl"), "--format", "csv",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["centrality.csv", "chains.csv",
                                                    "communities.csv", "key_enterprises.csv"]
    for path in out.iterdir():
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name  # Excel needs the BOM
    rows = list(csv.DictReader(io.StringIO((out / "chains.csv").read_text("utf-8-sig"))))
    semi = [r for r in rows if r["chain"] == "semiconductor-chain"]
    assert list(dict.fromkeys(r["segment_label"] for r in semi)) == SEMICONDUCTOR_SEGMENTS
    keys = list(csv.DictReader(io.StringIO((out / "key_enterprises.csv").read_text("utf-8-sig"))))
    assert keys[0]["label"] == "晶睿电子" and keys[0]["breakdown"].startswith("15.32 = ")


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_text(built, tmp_path):
    """A label from any graph file that starts a formula gets a leading apostrophe (OWASP's
    advice against CSV injection); numbers, negative ones too, stay numbers."""
    formula = '=HYPERLINK("http://example.org/x","click")'
    text = (built / "kg.ttl").read_text(encoding="utf-8")
    hostile = text.replace('"晶睿电子"@zh',
                           '"=HYPERLINK(\\"http://example.org/x\\",\\"click\\")"@zh')
    assert hostile != text
    graph = tmp_path / "hostile.ttl"
    graph.write_text(hostile, encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["analyze", str(graph), "--format", "csv", "--out",
                                       str(out)])
    assert result.exit_code == 0, result.output
    cells = [c for path in sorted(out.iterdir())
             for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))) for c in row]
    assert "'" + formula in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")], "a cell starts a formula"
    assert all(c.lstrip("-").replace(".", "").replace("e", "").isdigit()
               for c in cells if c.startswith("-")), "only numbers may start with -"


@pytest.mark.parametrize("args, message", [
    (["--format", "csv"], "give a folder with --out"),
    (["--out", "somewhere"], "--out is for --format csv"),
    (["no/such/kg.ttl"], "no/such/kg.ttl: not found"),  # a typed path: no build hint
])
def test_bad_usage_is_exit_2_without_traceback(args, message):
    result = CliRunner().invoke(main, ["analyze", *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_unreadable_graph_is_exit_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .", encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(bad)])
    assert result.exit_code == 2 and "not readable as Turtle" in result.stderr


def test_small_graph_without_chains_still_analyses(mini_seeds, tmp_path):
    from kg.build import build

    build(mini_seeds, tmp_path, ONTOLOGY)
    result = CliRunner().invoke(main, ["analyze", str(tmp_path / "kg.ttl"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["centrality"]


def test_projection_carries_honour_levels(graph):
    assert graph.nodes["national-little-giant"]["level"] == "national"
    assert graph.nodes["key-provincial-sme"]["level"] == "provincial"
    assert graph.nodes["jingrui-electronics"]["level"] == ""


# -- Scores back in RDF ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_scores(built):
    s = ox.Store()
    s.bulk_load(path=str(built / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    s.bulk_load(path=str(built / "analytics.ttl"), format=ox.RdfFormat.TURTLE)
    return s


def test_sparql_asks_for_the_companies_with_the_highest_pagerank_in_a_park(with_scores, as_json):
    rows = ask(with_scores, """SELECT ?company ?name ?pr WHERE {
        ?park rdfs:label "丽水经开区"@zh .
        ?company a ipk:Company ; ipk:inPark ?park ; ipk:pageRank ?pr ; rdfs:label ?name .
        FILTER(lang(?name) = "zh")
    } ORDER BY DESC(?pr) ?company LIMIT 5""")
    got = [r["name"].value for r in rows]
    in_park = [k["id"] for k in as_json["key_enterprises"] if "lishui-edz" in k["parks"]]
    pagerank = {e["id"]: e["pagerank"] for e in as_json["centrality"]}
    label = {e["id"]: e["label"] for e in as_json["centrality"]}
    expected = sorted(in_park, key=lambda c: (-pagerank[c], c))[:5]
    assert got == [label[c] for c in expected]
    assert got[0] == "特尔阀门高科技材料有限公司"
    assert rows[0]["pr"].datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def test_sparql_reads_the_segment_assessments_in_chain_order(with_scores):
    rows = ask(with_scores, """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?segment ?strength ?n WHERE {
        ?a a ipk:SegmentAssessment ; ipk:assessedSegment ?s ; ipk:strength ?st ;
           ipk:companyCount ?n ; ipk:assessedPark/rdfs:label "丽水经开区"@zh .
        ?s ipk:segmentOrder ?order ; rdfs:label ?segment . FILTER(lang(?segment) = "zh")
        BIND(STRAFTER(STR(?st), STR(ipk:)) AS ?strength)
    } ORDER BY ?order""")
    assert [r["segment"].value for r in rows] == SEMICONDUCTOR_SEGMENTS
    assert [r["strength"].value for r in rows] == ["PotentialSegment"] + ["GapSegment"] * 5
    assert [int(r["n"].value) for r in rows] == [2, 0, 0, 0, 0, 0]


def test_scores_in_rdf_match_the_report(built, as_json):
    scores = Graph().parse(built / "analytics.ttl", format="turtle")
    iri = {e["id"]: URIRef(n) for e in as_json["centrality"]
           for n in [f"https://w3id.org/industrial-park-kg/id/{path}/{e['id']}"
                     for path in [analytics.schema.ENTITY_TYPES[e["class"]]["path"]]]}
    for e in as_json["centrality"]:
        assert float(scores.value(iri[e["id"]], IPK.pageRank)) == pytest.approx(e["pagerank"])
        assert int(scores.value(iri[e["id"]], IPK.community)) == e["community"]
    for k in as_json["key_enterprises"]:
        assert float(scores.value(iri[k["id"]], IPK.keyEnterpriseScore)) == k["score"]
        assert int(scores.value(iri[k["id"]], IPK.keyEnterpriseRank)) == k["rank"]


def test_scores_written_as_text_are_the_triples_in_term_order(graph, analysis):
    """analytics.ttl's triples are made as N-Triples lines and sorted as text: the same
    triples, each once, in the order of their (subject, predicate, object) terms."""
    from kg.graph.scores import analytics_lines, analytics_triples

    base = "https://w3id.org/industrial-park-kg/id/"
    lines = analytics_lines(graph, analysis, base)
    assert len(set(lines)) == len(lines) and all(line.endswith(" .\n") for line in lines)
    triples = analytics_triples(graph, analysis, base)
    assert [f"{t} .\n" for t in triples] == lines
    assert triples == sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate),
                                                          str(t.object)))
    # The order of terms, not of lines, where the two could part: an IRI the prefix of another.
    s, longer = ox.NamedNode("http://x/a"), ox.NamedNode("http://x/a-b")
    p = ox.NamedNode("http://x/p")
    pair = [ox.Triple(s, p, ox.Literal("1")), ox.Triple(longer, p, ox.Literal("1"))]
    assert sorted(pair, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))) == \
        sorted(pair, key=lambda t: f"{t} .\n")


@pytest.mark.slow
def test_scores_conform_to_the_shapes_and_use_only_declared_terms(built):
    union = Graph().parse(built / "kg.ttl", format="turtle")
    union.parse(built / "analytics.ttl", format="turtle")
    result = validate_both(union)
    assert result.conforms, [str(v) for v in result.violations[:5]]

    ontology = Graph().parse(ONTOLOGY / "ipk.ttl", format="turtle")
    declared = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    scores = Graph().parse(built / "analytics.ttl", format="turtle")
    used = {t for triple in scores for t in triple
            if isinstance(t, URIRef) and str(t).startswith(str(IPK._NS))}
    assert used and used <= declared

    broken = Graph()
    for prefix, ns in union.namespaces():
        broken.bind(prefix, ns)
    for triple in union:
        broken.add(triple)
    assessment = next(broken.subjects(IPK.strength, None))
    broken.remove((assessment, IPK.strength, None))
    broken.add((URIRef("https://w3id.org/industrial-park-kg/id/park/lishui-edz"),
                IPK.keyEnterpriseScore, next(union.objects(None, IPK.keyEnterpriseScore))))
    violations = validate_both(broken).violations
    assert "ipk:strength" in {v.path for v in violations}
    assert any("lishui-edz" in v.focus and "Only a company" in v.message for v in violations)


# -- The README shows real output ------------------------------------------------------------------


def readme_blocks() -> list[tuple[str, str]]:
    """The fenced blocks of the README's "Analytics" section: (language, text)."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Analytics\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w*)\n(.*?)```", section, re.S)


def test_readme_excerpts_are_real_output(built):
    blocks = readme_blocks()
    report = CliRunner().invoke(main, ["analyze", str(built / "kg.ttl")]).stdout
    [excerpt] = [text for lang, text in blocks if "== 丽水经开区 · 半导体全产业链" in text]
    for line in excerpt.splitlines():
        if line != "…":
            assert line in report.splitlines(), line

    [query] = [text for lang, text in blocks if lang == "sparql"]
    shown = blocks[[text for _lang, text in blocks].index(query) + 1][1]
    s = ox.Store()
    for name in ("kg.ttl", "analytics.ttl"):
        s.bulk_load(path=str(built / name), format=ox.RdfFormat.TURTLE)
    rows = [[r[v].value for v in ("company", "pageRank", "score")] for r in s.query(query)]
    assert [line.split() for line in shown.splitlines()] == rows


def test_large_graphs_estimate_betweenness_from_a_fixed_sample(monkeypatch):
    import networkx as nx

    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS_MAX", 10)
    monkeypatch.setattr(analytics, "BETWEENNESS_SAMPLE", 5)
    g = nx.path_graph([f"n{i:02d}" for i in range(30)])
    first, second = analytics.centrality(g), analytics.centrality(g)
    assert first == second
    bound = analytics.betweenness_bound(30, 5)
    assert analyze(g)["graph"]["betweenness"] == (
        f"estimated from 5 sources, seed 42: each value within ±{bound:.3f} of exact "
        f"(probability ≥ 95%)")


def test_analytics_lines_parsed_a_chunk_at_a_time_are_the_lines_parsed_whole(graph, analysis):
    """analytics.ttl is parsed from its lines in chunks (a province's are 1.5 million): the
    same triples in the same order as one parse of the whole text, whatever the chunk."""
    from kg.graph.scores import _parsed, analytics_lines

    lines = analytics_lines(graph, analysis, "https://w3id.org/industrial-park-kg/resource/")
    whole = list(ox.parse("".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES))
    assert len(whole) == len(lines) > 900
    for chunk in (1, 7, len(lines)):
        assert list(_parsed(lines, chunk)) == whole


def test_a_projection_reads_each_predicate_once_and_lets_its_terms_go():
    """The triples a build projects are read as values, or grouped by object, once: their
    terms go then, and a second reading of them whole is an error, never an empty answer."""
    from kg.graph.projection import _QUOTE, _TYPE, _TripleScan

    s, o = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/o")
    scan = _TripleScan([(s, ox.NamedNode(_QUOTE), ox.Literal("q")),
                        (s, ox.NamedNode(_TYPE), o)])
    assert scan.values(_QUOTE) == {s.value: ["q"]}
    assert scan.values(_QUOTE) == {s.value: ["q"]}  # kept as values
    with pytest.raises(KeyError):
        scan.pairs(_QUOTE)
    assert list(scan.pairs(_TYPE, o.value)) == [(s.value, o.value)]
    assert list(scan.pairs(_TYPE, o.value)) == [(s.value, o.value)]
    with pytest.raises(KeyError):
        scan.pairs(_TYPE)


def test_analytics_for_lets_the_graph_go_before_the_turtle_is_made(built, monkeypatch):
    """A build's analytics hold the projected graph only while analysing it: it is gone
    (cycles and all) when the Turtle is made, and the bytes are what the graph gives."""
    import weakref

    from kg.graph import scores
    from kg.graph.projection import project_triples
    from kg.rdf.mapping import DEFAULT_BASE

    triples = [(q.subject, q.predicate, q.object) for q in ox.parse(
        (built / "kg.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)]
    made = []

    def projected():
        g = project_triples(triples, provenance=False)
        made.append(weakref.ref(g))
        return g

    alive = []
    turtle = scores.turtle

    def turtle_of(quads):
        alive.append(made[0]() is not None)
        return turtle(quads)

    monkeypatch.setattr(scores, "turtle", turtle_of)
    ttl, key, reused = scores.analytics_for(projected, DEFAULT_BASE)
    assert alive == [False] and not reused
    monkeypatch.undo()
    g = project_triples(triples)
    assert ttl == scores.analytics_turtle(g, analyze(g), DEFAULT_BASE)
    assert key == scores.analytics_key(g, DEFAULT_BASE)
    assert ttl == (built / "analytics.ttl").read_bytes()
