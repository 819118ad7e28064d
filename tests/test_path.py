"""kg path: the shortest explained connection between two entities (issue 4, part 3)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.graph.paths import NoPath, find_path, resolve
from kg.names import AmbiguousName, UnknownName
from kg.graph.projection import project
from kg.rdf.read import load_graph_file


@pytest.fixture(scope="module")
def graph(built):
    return project(load_graph_file(built / "kg.ttl"))


def run(built, *args, graph_file=None):
    return CliRunner().invoke(main, ["path", *args, "--graph", str(graph_file or
                                                                    built / "kg.ttl")])


def test_hops_between_companies_of_different_articles_are_explained(built, graph):
    # 晶睿电子 is in article 2, 世格宠物 in article 4
    result = run(built, "晶睿电子", "世格宠物")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    hops = find_path(graph, "jingrui-electronics", "shige-pet")
    assert lines[0] == f"晶睿电子 → 世格宠物: {len(hops)} hops"
    assert len(lines) == 1 + 2 * len(hops)  # a sentence and a quote line per hop
    assert len({h["source"] for h in hops}) >= 2  # the connection crosses articles
    for i, hop in enumerate(hops, 1):
        sentence, quote = lines[2 * i - 1], lines[2 * i]
        assert sentence.startswith(f"{i}. {hop['subject_label']} {hop['label']} "
                                   f"({hop['label_en']}) {hop['object_label']}")
        assert hop["quote"] and f"“{hop['quote']}”" in quote
        assert hop["source"] in quote and "《" in quote  # article id and headline
        # each hop is a real fact of the graph, between consecutive entities
        assert graph.has_edge(hop["subject"], hop["object"])
    chain = [hops[0]["subject"] if hops[0]["subject"] == "jingrui-electronics"
             else hops[0]["object"]]
    for hop in hops:
        chain.append(hop["object"] if hop["subject"] == chain[-1] else hop["subject"])
    assert chain[0] == "jingrui-electronics" and chain[-1] == "shige-pet"


def test_year_and_stage_are_told_where_known(built):
    result = run(built, "teer-valve", "生物医药产业园")
    assert result.exit_code == 0, result.output
    assert "特尔阀门高科技材料有限公司 落户 (settled in) 丽水经开区, 2011." in result.stdout
    result = run(built, "世格宠物", "生物医药产业园")
    assert "世格宠物 孵化于 (incubated by) 生物医药产业园, 毕业." in result.stdout


def test_inferred_hops_say_so(built):
    result = run(built, "同创特材", "中欣晶圆")
    assert result.exit_code == 0, result.output
    assert "[inferred: the source implies it without stating it]" in result.stdout


@pytest.mark.parametrize("name, expected", [
    ("jingrui-electronics", "jingrui-electronics"),  # id
    ("晶睿电子", "jingrui-electronics"),  # Chinese label
    ("Teer Valve High-Tech Materials Co., Ltd.", "teer-valve"),  # English label
    ("teer valve high-tech materials co., ltd.", "teer-valve"),  # English, any case
    ("同创特材", "tongchuang-special-materials"),  # Chinese alias
    ("Lishui EDZ", "lishui-edz"),  # English alias
])
def test_names_resolve_by_id_label_or_alias(graph, name, expected):
    assert resolve(graph, name) == expected


def test_same_entity_is_zero_hops(built):
    result = run(built, "晶睿电子", "jingrui-electronics")
    assert result.exit_code == 0 and "are the same entity" in result.stdout


def test_no_path_is_a_clear_message_and_exit_4(built, graph):
    # the body that published the cluster list is linked only to its list, not to the companies
    with pytest.raises(NoPath):
        find_path(graph, "zj-manufacturing-leading-group-office", "jingrui-electronics")
    result = run(built, "zj-manufacturing-leading-group-office", "晶睿电子")
    assert result.exit_code == 4  # its own code: not "does not conform" (1)
    assert result.stderr.startswith(
        "No connection: no chain of facts links 浙江省制造业高质量发展(数字经济发展)领导小组办公室 "
        "(zj-manufacturing-leading-group-office) and 晶睿电子 (jingrui-electronics)")


def test_unknown_name_is_exit_2_with_suggestions(built, graph):
    with pytest.raises(UnknownName):
        resolve(graph, "晶睿")
    result = run(built, "晶睿", "特尔阀门")
    assert result.exit_code == 2
    assert "'晶睿': no entity has this id, label or alias." in result.stderr
    assert "Did you mean: jingrui-electronics (晶睿电子, Company); jingrui-electronics-project " \
        "(晶睿电子项目, Project)?" in result.stderr
    assert "Traceback" not in result.output


def test_ambiguous_name_is_exit_2_listing_candidates(built, tmp_path):
    text = (built / "kg.ttl").read_text(encoding="utf-8")
    clash = tmp_path / "clash.ttl"
    clash.write_text(text + '\n<https://w3id.org/industrial-park-kg/id/product/silicon-epitaxial-'
                     'wafer> <http://www.w3.org/2004/02/skos/core#altLabel> "晶睿电子"@zh .\n',
                     encoding="utf-8")
    with pytest.raises(AmbiguousName) as caught:
        resolve(project(load_graph_file(clash)), "晶睿电子")
    assert caught.value.candidates == ["jingrui-electronics (晶睿电子, Company)",
                                       "silicon-epitaxial-wafer (硅外延片, Product)"]
    result = run(built, "晶睿电子", "特尔阀门", graph_file=clash)
    assert result.exit_code == 2
    assert "'晶睿电子' names 2 entities; give one of these ids:" in result.stderr
    assert "  silicon-epitaxial-wafer (硅外延片, Product)" in result.stderr
    assert run(built, "jingrui-electronics", "特尔阀门", graph_file=clash).exit_code == 0


def test_missing_graph_is_exit_2(built, tmp_path):
    result = run(built, "a", "b", graph_file=tmp_path / "none.ttl")
    assert result.exit_code == 2 and "none.ttl: not found" in result.stderr


def test_readme_example_is_real_output(built):
    from test_analytics import readme_blocks

    [block] = [text for _lang, text in readme_blocks() if text.startswith("$ kg path")]
    command, *expected = block.splitlines()
    result = run(built, *command.split()[3:])  # "$ kg path A B"
    assert result.exit_code == 0 and result.stdout.splitlines() == expected


def test_the_projection_is_kept_beside_the_builds_store(built, tmp_path, monkeypatch):
    """The first path on a build keeps its projection, headlines and names beside its store;
    the next ones read them back and answer alike, and a kept file that is not one is made
    again. A graph file that is not its build's published kg.ttl keeps nothing."""
    import json
    import shutil

    import kg.cli
    from kg.graph import kept
    from kg.project import store_of
    from kg.rdf.store import generation_of, store_db

    out = tmp_path / "exports"
    shutil.copytree(built, out, symlinks=True)  # the build, its store and its link
    folder = generation_of(store_db(store_of(out)))
    assert folder is not None
    (folder / kept.FILE).unlink(missing_ok=True)  # kept by the paths asked before this test
    plain = tmp_path / "plain.ttl"  # the same graph, outside any build
    plain.write_bytes((built / "kg.ttl").read_bytes())
    questions = [("晶睿电子", "世格宠物"), ("晶睿", "不存在的公司"), ("jingrui-electronics",
                                                                     "jingrui-electronics")]
    answers = [run(built, *q, graph_file=plain) for q in questions]
    assert [a.exit_code for a in answers] == [0, 2, 0]
    assert not any(tmp_path.rglob(kept.FILE))  # nothing kept for a file of no build
    first = [run(built, *q, graph_file=out / "kg.ttl") for q in questions]
    assert [(a.exit_code, a.output) for a in first] == [(a.exit_code, a.output) for a in answers]
    data = json.loads((folder / kept.FILE).read_bytes())
    g, titles, _names = kept.from_record(data)
    projected = project(load_graph_file(plain))
    assert list(g.nodes(data=True)) == list(projected.nodes(data=True))
    assert list(g.edges(keys=True, data=True)) == list(projected.edges(keys=True, data=True))
    assert titles
    # read back: kg.ttl is not parsed again
    monkeypatch.setattr(kg.cli, "_projected", lambda *_: pytest.fail("kg.ttl parsed again"))
    again = [run(built, *q, graph_file=out / "kg.ttl") for q in questions]
    assert [(a.exit_code, a.output) for a in again] == [(a.exit_code, a.output) for a in answers]
    monkeypatch.undo()
    for broken in (b"{}", json.dumps({**data, "edges": [["a", "nowhere", "k", {}]]}).encode(),
                   (folder / kept.FILE).read_bytes()[:1000]):
        (folder / kept.FILE).write_bytes(broken)
        remade = run(built, *questions[0], graph_file=out / "kg.ttl")
        assert remade.output == answers[0].output
        assert kept.from_record(json.loads((folder / kept.FILE).read_bytes())) is not None
