"""Named SPARQL queries: headers, two engines agree, parameters are values, every format."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from rdflib import Graph

from helpers import ROOT, SEEDS, canonical
from kg.sparql import engines
from kg.cli import main
from kg.errors import InputError, KgError
from kg.sparql.queries import bind_params, find_query, load_queries
from kg.sparql.run import bind, literal, render

QUERIES = load_queries(ROOT / "queries")
NAMES = sorted(QUERIES)


@pytest.fixture(scope="module")
def oxigraph(built):
    return engines.oxigraph_file_engine(built / "kg.ttl")


@pytest.fixture(scope="module")
def rdflib_engine(built):
    return engines.rdflib_engine(built / "kg.ttl")


# The engine comparison runs on tests/fixtures/mini-queries, a small graph rdflib answers fast.
# The queries' defaults name entities of the real page; these name entities of the fixture.
# Every parameter a query binds by default (all but those defaulting to "*") is bound here.
MINI_PARAMS = {
    "chain-coverage": {"park": "lishui-edz", "chain": "semiconductor-chain"},
    "chain-gaps": {"park": "lishui-edz", "chain": "semiconductor-chain"},
    "chain-leaders": {"chain": "rolling-functional-components-chain"},
    "company-profile": {"company": "特尔阀门"},
    "entity-graph": {"entity": "晶睿电子"},
    "honour-holders": {"honour": "重点省专"},
    "honours-as-of-year": {"asof": "2025"},
    "park-clusters-platforms": {"park": "丽水经开区"},
    "park-companies": {"park": "丽水经开区"},
    "park-honour-timeline": {"park": "丽水经开区"},
    "source-facts": {"source": "art3-key-provincial-sme"},
}
# Named queries whose answer must be empty on the fixture too, and why.
EMPTY_ON_MINI = {
    "unsourced-facts": "it lists facts or entities without a source or a quote; the loader "
                       "refuses such seeds, so on any graph kg build writes it is empty",
}


@pytest.fixture(scope="module")
def mini_oxigraph(mini_queries_built):
    return engines.oxigraph_file_engine(mini_queries_built / "kg.ttl")


@pytest.fixture(scope="module")
def mini_rdflib(mini_queries_built):
    return engines.rdflib_engine(mini_queries_built / "kg.ttl")


def test_at_least_fifteen_named_queries_with_full_headers():
    assert len(QUERIES) >= 15
    for q in QUERIES.values():
        assert q.title and q.question_zh and q.question_en, q.name
        assert q.example, f"{q.name} has no example result"


@pytest.mark.parametrize("name", NAMES)
def test_both_engines_give_the_same_answer(name, mini_oxigraph, mini_rdflib):
    q = QUERIES[name]
    params = MINI_PARAMS.get(name, {})
    on_oxigraph = mini_oxigraph.run(bind_params(q, params, mini_oxigraph.run))
    on_rdflib = mini_rdflib.run(bind_params(q, params, mini_rdflib.run))
    assert canonical(on_oxigraph) == canonical(on_rdflib)
    if name not in EMPTY_ON_MINI:
        assert canonical(on_oxigraph), f"{name} returns nothing on the fixture graph"


def test_the_fixture_parameters_bind_every_parameter_not_unbound_by_default():
    for name, q in QUERIES.items():
        bound_by_default = {p.name for p in q.params if p.default != "*"}
        assert set(MINI_PARAMS.get(name, {})) == bound_by_default, name
    assert set(MINI_PARAMS) <= set(QUERIES) and set(EMPTY_ON_MINI) <= set(QUERIES)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["chain-coverage", "park-honour-timeline"])
def test_both_engines_give_the_same_answer_on_the_page_graph(name, oxigraph, rdflib_engine):
    q = QUERIES[name]
    on_oxigraph = oxigraph.run(bind_params(q, {}, oxigraph.run))
    on_rdflib = rdflib_engine.run(bind_params(q, {}, rdflib_engine.run))
    assert canonical(on_oxigraph) == canonical(on_rdflib)
    assert canonical(on_oxigraph), f"{name} returns nothing on the seed graph"


@pytest.mark.parametrize("name", NAMES)
def test_example_in_the_header_is_real_output(name, built):
    result = CliRunner().invoke(main, ["query", name, "--graph", str(built / "kg.ttl")])
    assert result.exit_code == 0, result.output
    for line in QUERIES[name].example:
        if line != "...":
            assert line.rstrip() in result.output, f"{name}: example line not in output: {line}"


def test_unsourced_facts_returns_nothing(oxigraph, built):
    q = QUERIES["unsourced-facts"]
    assert oxigraph.run(q.text).rows == []
    # The build's store also holds the analytics, which are derived, not sourced.
    from kg.project import store_of

    assert engines.read_only_store_engine(store_of(built)).run(q.text).rows == []


def test_a_hostile_parameter_is_only_a_value(oxigraph, rdflib_engine, built, tmp_path):
    hostile = 'x" } ; DROP ALL ; { "\\ \'<>'
    q = QUERIES["source-facts"]
    as_string = q.text.replace("(source, default", "(string, default")  # a free-text parameter
    (tmp_path / "free.rq").write_text(as_string, encoding="utf-8")
    text = bind_params(load_queries(tmp_path)["free"], {"source": hostile}, oxigraph.run)
    assert 'DROP ALL ; { \\"\\\\ ' in text  # escaped inside one literal
    for engine in (oxigraph, rdflib_engine):
        assert engine.run(text).rows == []
    # the same value through the command line, against the file: nothing changes
    before = (built / "kg.ttl").read_bytes()
    out = CliRunner().invoke(main, ["query", str(tmp_path / "free.rq"), "--param",
                                    f"source={hostile}", "--graph", str(built / "kg.ttl")])
    assert out.exit_code == 0 and "(no results)" in out.output
    # as a source id it is simply not found
    out = CliRunner().invoke(main, ["query", "source-facts", "--param", f"source={hostile}",
                                    "--graph", str(built / "kg.ttl")])
    assert out.exit_code == 2 and "no source" in out.output
    assert (built / "kg.ttl").read_bytes() == before
    # as an entity name it is simply not found
    out = CliRunner().invoke(main, ["query", "park-companies", "--param", f"park={hostile}",
                                    "--graph", str(built / "kg.ttl")])
    assert out.exit_code == 2 and "no entity has this id, label or alias" in out.output


def test_entity_parameters_accept_id_label_alias_and_iri(oxigraph):
    q = QUERIES["park-companies"]
    answers = [canonical(oxigraph.run(bind_params(q, {"park": value}, oxigraph.run)))
               for value in ("lishui-edz", "丽水经开区", "经开区", "Lishui EDZ",
                             "https://w3id.org/industrial-park-kg/id/park/lishui-edz")]
    assert all(a == answers[0] for a in answers) and answers[0]


def test_parameter_errors_are_clear(built):
    runner = CliRunner()
    args = ["--graph", str(built / "kg.ttl")]
    wrong = runner.invoke(main, ["query", "park-companies", "--param", "prak=x"] + args)
    assert wrong.exit_code == 2 and "did you mean 'park'?" in wrong.output
    bad_year = runner.invoke(main, ["query", "honours-as-of-year", "--param", "asof=soon"] + args)
    assert bad_year.exit_code == 2 and "must be a whole number" in bad_year.output
    unknown = runner.invoke(main, ["query", "park-compnies"] + args)
    assert unknown.exit_code == 2 and "did you mean 'park-companies'?" in unknown.output


def test_year_parameter_filters(oxigraph):
    q = QUERIES["honours-as-of-year"]
    early = oxigraph.run(bind_params(q, {"asof": "2023"}, oxigraph.run))
    later = oxigraph.run(bind_params(q, {"asof": "2025"}, oxigraph.run))
    assert early.rows == [] and len(later.rows) > 4


def test_semiconductor_chain_coverage_shows_six_segments_in_order(oxigraph):
    q = QUERIES["chain-coverage"]
    rows = oxigraph.run(bind_params(q, {}, oxigraph.run)).rows
    order = []
    for row in rows:
        if row["segment"].value not in order:
            order.append(row["segment"].value)
    assert order == ["芯片材料", "装备", "设计", "制造", "封测", "应用"]


def test_every_output_format(built):
    runner = CliRunner()
    base = ["query", "chain-leaders", "--graph", str(built / "kg.ttl"), "--format"]
    srj = json.loads(runner.invoke(main, base + ["srj"]).output)
    assert srj["head"]["vars"] == ["role", "company", "inferred", "quote"]
    assert len(srj["results"]["bindings"]) == 5
    assert srj["results"]["bindings"][0]["quote"]["xml:lang"] == "zh"
    srx = ET.fromstring(runner.invoke(main, base + ["srx"]).output)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(srx.findall(f"{ns}results/{ns}result")) == 5
    rows = list(csv.reader(io.StringIO(runner.invoke(main, base + ["csv"]).output)))
    assert rows[0] == ["role", "company", "inferred", "quote"] and len(rows) == 6
    tsv = runner.invoke(main, base + ["tsv"]).output.splitlines()
    assert tsv[0] == "?role\t?company\t?inferred\t?quote" and '"@zh' in tsv[1]
    plain = json.loads(runner.invoke(main, base + ["json"]).output)
    assert {r["company"] for r in plain} >= {"杰祥科技", "健仕传动"}
    table = runner.invoke(main, base + ["table"]).output
    lines = table.splitlines()
    from kg.tables import text_width

    # wide characters count twice: every row's quote column starts where its header does
    column = text_width(lines[0][:lines[0].index("quote")])
    for row in lines[2:-1]:
        quote_at = row.index("汇聚") if "汇聚" in row else row.index("强化")
        assert text_width(row[:quote_at]) == column, row
    assert max(text_width(line) for line in lines[2:-1]) == text_width(lines[1])
    assert lines[-1] == "(5 rows)"


def test_construct_prints_turtle(built):
    out = CliRunner().invoke(main, ["query", "entity-graph", "--graph", str(built / "kg.ttl")])
    assert out.exit_code == 0
    g = Graph().parse(data=out.output, format="turtle")
    assert len(g) > 20


def test_ad_hoc_query_and_query_file(built, tmp_path):
    runner = CliRunner()
    ask = runner.invoke(main, ["query", "--sparql", "ASK { ?s ?p ?o }", "--graph",
                               str(built / "kg.ttl")])
    assert ask.output == "true\n"
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    out = runner.invoke(main, ["query", str(rq), "--graph", str(built / "kg.ttl"),
                               "--format", "json"])
    assert int(json.loads(out.output)[0]["n"]) == len(Graph().parse(built / "kg.ttl"))
    bad = runner.invoke(main, ["query", "--sparql", "SELEKT nothing", "--graph",
                               str(built / "kg.ttl")])
    assert bad.exit_code == 2 and "syntax error" in bad.output


def test_kg_queries_lists_every_query():
    out = CliRunner().invoke(main, ["queries"])
    assert out.exit_code == 0
    for name in NAMES:
        assert name in out.output


def test_bind_rejects_a_bad_iri():
    from kg.sparql.run import QueryError, iri

    with pytest.raises(QueryError):
        bind("SELECT * WHERE { ?s ?p ?o }", {"s": iri("http://x/> } DROP ALL {")})
    assert "VALUES (?s)" in bind("SELECT * WHERE { ?s ?p ?o }", {"s": literal("a")})


@pytest.mark.slow
def test_store_is_used_when_fresh_and_bypassed_with_a_note_when_stale(tmp_path):
    seeds = tmp_path / "seeds"  # tmp_path is a project: it holds seeds/sources.yaml
    shutil.copytree(SEEDS, seeds)
    runner = CliRunner()
    built = runner.invoke(main, ["--project", str(tmp_path), "build"])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "exports" / ".store").is_dir()
    args = ["--project", str(tmp_path), "query", "park-companies", "--format", "json"]
    fresh = runner.invoke(main, args)
    assert fresh.exit_code == 0 and "note:" not in fresh.output
    names = {r["company"] for r in json.loads(fresh.output)}
    assert "特尔阀门高科技材料有限公司" in names

    # an edit to the seeds: the answer follows the seeds, and a note says why
    art3 = seeds / "art3-key-provincial-sme.yaml"
    art3.write_text(art3.read_text(encoding="utf-8").replace(
        "label: 特尔阀门高科技材料有限公司", "label: 特尔阀门高科技材料公司"), encoding="utf-8")
    stale = runner.invoke(main, args)
    assert stale.exit_code == 0
    assert "changed after the store" in stale.stderr and "answering from" in stale.stderr
    names = {r["company"] for r in json.loads(stale.stdout)}
    assert "特尔阀门高科技材料公司" in names


def test_entities_of_another_base_iri_are_found_by_id(tmp_path):
    from kg.sparql.engines import oxigraph_file_engine
    from kg.sparql.queries import resolve_entity

    ttl = tmp_path / "other.ttl"
    ttl.write_text('<http://example.org/x/company/acme> a '
                   '<https://w3id.org/industrial-park-kg/ontology/Company> ;\n'
                   '  <http://www.w3.org/2000/01/rdf-schema#label> "某公司"@zh .\n',
                   encoding="utf-8")
    engine = oxigraph_file_engine(ttl)
    assert resolve_entity("acme", engine.run).value == "http://example.org/x/company/acme"
    assert resolve_entity("某公司", engine.run).value == "http://example.org/x/company/acme"


@pytest.mark.parametrize("name", NAMES)
def test_every_query_file_runs_as_it_stands_in_a_plain_store(name, built):
    """Pasted into another store (here a bare pyoxigraph store), a .rq gives kg's answer."""
    import pyoxigraph as ox

    from kg.sparql.run import run_oxigraph

    store = ox.Store()
    store.bulk_load(path=str(built / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    q = QUERIES[name]
    as_file = run_oxigraph(store, q.path.read_text(encoding="utf-8"))
    via_kg = CliRunner().invoke(main, ["query", name, "--format", "srj", "--graph",
                                       str(built / "kg.ttl")])
    assert via_kg.exit_code == 0, via_kg.output
    assert render(as_file, "srj") == via_kg.output
    if q.params:  # the parameters' defaults are in the text, one VALUES block each
        assert all(f"VALUES ?{p.name} {{" in q.text for p in q.params)


def test_a_parameter_replaces_the_default_block(oxigraph):
    q = QUERIES["park-companies"]
    text = bind_params(q, {"park": "https://example.org/other"}, oxigraph.run)
    assert "VALUES ?park { <https://example.org/other> }" in text
    assert "lishui-edz>" not in text and oxigraph.run(text).rows == []
    unbound = bind_params(QUERIES["figures"], {}, oxigraph.run)
    assert "VALUES ?subject { UNDEF }" in unbound


def test_a_source_parameter_must_name_a_source_of_the_graph(built):
    args = ["query", "source-facts", "--graph", str(built / "kg.ttl"), "--param"]
    typo = CliRunner().invoke(main, args + ["source=art4-biomed-prak"])
    assert typo.exit_code == 2 and "did you mean 'art4-biomed-park'?" in typo.output
    unknown = CliRunner().invoke(main, args + ["source=art9"])
    assert unknown.exit_code == 2 and "no source 'art9'" in unknown.output
    assert "art1-party-meeting" in unknown.output  # the sources are listed


def test_a_repeated_parameter_is_refused(built):
    result = CliRunner().invoke(main, ["query", "park-companies", "--graph", str(built / "kg.ttl"),
                                       "--param", "park=lishui-edz", "--param", "park=经开区"])
    assert result.exit_code == 2
    assert "--param park is given twice" in result.output


def test_every_name_from_two_scans_is_what_one_join_gave(oxigraph, rdflib_engine):
    """all_named (entities and names scanned apart, joined in Python) gives the entities, classes,
    zh labels and names that the one SPARQL join (the query it replaced) gives, on both engines."""
    from kg.sparql.queries import PROLOGUE, _named, _rows, all_named

    joined = PROLOGUE + """SELECT ?e ?cls ?label ?name WHERE {
      ?e a ?cls . FILTER(STRSTARTS(STR(?cls), STR(ipk:)))
      OPTIONAL { ?e rdfs:label ?label FILTER(lang(?label) = "zh") }
      OPTIONAL { ?e rdfs:label|skos:altLabel ?name }
    }"""
    for engine in (oxigraph, rdflib_engine):
        scanned = {e.key: (e.label, e.cls, e.names[0], set(e.names)) for e in all_named(engine.run)}
        reference = {e.key: (e.label, e.cls, e.names[0], set(e.names))
                     for e in _named(_rows(engine.run(joined)))}
        assert scanned == reference and len(scanned) > 100


def test_the_name_index_is_kept_beside_the_store_and_read_back(mini_seeds, tmp_path,
                                                               monkeypatch):
    """A name found by no exact match folds against every name of the graph: gathered from
    the store once, then read from names.json in the build's generation; a names.json that is
    not one is made again, and each new build starts without one."""
    from helpers import ONTOLOGY
    from kg.build import build
    from kg.names import NameIndex, UnknownName
    from kg.project import store_of
    from kg.rdf.store import generation_of, store_db
    from kg.sparql import queries

    out = tmp_path / "out"
    build(mini_seeds, out, ONTOLOGY)
    engine = engines.read_only_store_engine(store_of(out))
    folder = generation_of(store_db(store_of(out)))
    assert folder is not None and folder.parent == out / ".store"
    kept = folder / queries.NAMES_FILE
    question = QUERIES["park-companies"]

    def unknown() -> str:
        with pytest.raises(UnknownName) as raised:
            bind_params(question, {"park": "经开"}, engine.run, engine.names)
        return str(raised.value)

    def folded() -> str:  # no name is exactly this: found by folding it
        return bind_params(question, {"park": "丽水 经开区"}, engine.run, engine.names)

    assert not kept.exists()
    first = unknown()
    park = "https://w3id.org/industrial-park-kg/id/park/lishui-edz"
    assert f"Did you mean: {park} (丽水经开区, Park)" in first  # near names, from the index
    assert kept.is_file()
    index = NameIndex.from_record(json.loads(kept.read_bytes()))
    assert index is not None and index.resolve("丽水经开区") == park
    without = bind_params(question, {"park": "丽水 经开区"}, engine.run)  # no index kept
    assert f"<{park}>" in without
    # read back, not gathered again
    monkeypatch.setattr(queries, "all_named", lambda run: pytest.fail("names gathered again"))
    assert unknown() == first and folded() == without
    monkeypatch.undo()
    for broken in (kept.read_bytes()[:100], b'{"format": "kg name index 1", "entities": "x", '
                   b'"folded": [], "cored": []}', b"[" * 100_000, b"\xff\xfe"):
        kept.write_bytes(broken)
        assert unknown() == first and folded() == without
        assert NameIndex.from_record(json.loads(kept.read_bytes())) is not None  # made again
    # a new build is a new generation: its names are gathered anew when first needed
    build(mini_seeds, out, ONTOLOGY, cold=True)
    again = generation_of(store_db(store_of(out)))
    assert again is not None and again != folder and not folder.exists()
    assert not (again / queries.NAMES_FILE).exists()


def test_a_named_query_is_found_as_loading_them_all_would_find_it(tmp_path):
    """find_query reads only the file of that name: the same query as load_queries gives, the
    last folder's first; an unrelated broken file no longer stops it, a broken one named does."""
    shipped = ROOT / "queries"
    every = load_queries(shipped)
    assert all(find_query(name, [shipped]) == query for name, query in every.items())
    own = tmp_path / "own"
    own.mkdir()
    text = (shipped / "park-companies.rq").read_text(encoding="utf-8")
    (own / "park-companies.rq").write_text(text.replace("# title: ", "# title: MINE ", 1),
                                           encoding="utf-8")
    (own / "broken.rq").write_text("# title: no questions\nSELECT * {}\n", encoding="utf-8")
    found = find_query("park-companies", [shipped, own])
    assert found.title.startswith("MINE") and found.path == own / "park-companies.rq"
    assert find_query("park-companies", [own, shipped]).path == shipped / "park-companies.rq"
    with pytest.raises(InputError) as broken:
        find_query("broken", [shipped, own])
    assert "broken.rq" in str(broken.value) and "question-zh" in str(broken.value)
    with pytest.raises(KgError, match="no named query 'park-companys'.*park-companies"):
        find_query("park-companys", [shipped])

