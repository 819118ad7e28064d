"""kg export: GraphML, GEXF and Neo4j CSV of the projected graph, read back (issue 4, part 4)."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.graph.files import flat_graph, graph_files
from kg.graph.projection import project
from kg.rdf.read import load_graph_file


@pytest.fixture(scope="module")
def graph(built):
    return project(load_graph_file(built / "kg.ttl"))


def export(built, tmp_path, fmt):
    out = tmp_path / fmt
    result = CliRunner().invoke(main, ["export", str(built / "kg.ttl"), "--format", fmt,
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.stdout


def test_graphml_reads_back_with_the_same_nodes_and_edges(built, tmp_path, graph):
    out, said = export(built, tmp_path, "graphml")
    back = nx.read_graphml(out / "kg.graphml", force_multigraph=True)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert set(back) == set(graph)
    assert f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges" in said
    assert back.nodes["jingrui-electronics"]["label"] == "晶睿电子"
    [honour] = [d for _, v, d in back.out_edges("jingrui-electronics", data=True)
                if d["relation"] == "hasHonour"]
    assert honour["year"] == 2024 and honour["inferred"] is False
    assert "None" not in (out / "kg.graphml").read_text(encoding="utf-8")


def test_gexf_reads_back_with_the_same_nodes_and_edges(built, tmp_path, graph):
    out, _ = export(built, tmp_path, "gexf")
    back = nx.read_gexf(out / "kg.gexf")
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes["teer-valve"]["aliases"] == "特尔阀门"
    text = (out / "kg.gexf").read_text(encoding="utf-8")
    assert "None" not in text and "lastmodifieddate" not in text


def test_neo4j_csv_has_typed_headers_and_the_same_counts(built, tmp_path, graph):
    out, _ = export(built, tmp_path, "csv")
    assert sorted(p.name for p in out.iterdir()) == ["edges.csv", "nodes.csv"]
    nodes = list(csv.reader(io.StringIO((out / "nodes.csv").read_text(encoding="utf-8"))))
    edges = list(csv.reader(io.StringIO((out / "edges.csv").read_text(encoding="utf-8"))))
    assert nodes[0][0] == "id:ID" and nodes[0][-1] == ":LABEL" and "aliases:string[]" in nodes[0]
    assert edges[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {"year:int", "inferred:boolean"} <= set(edges[0])
    assert len(nodes) - 1 == graph.number_of_nodes()
    assert len(edges) - 1 == graph.number_of_edges()
    ids = {row[0] for row in nodes[1:]}
    assert all(row[0] in ids and row[1] in ids for row in edges[1:])  # no dangling edge
    year = edges[0].index("year:int")
    assert all(row[year] == "" or row[year].isdigit() for row in edges[1:])


def test_files_are_deterministic_and_the_graph_is_not_changed(graph):
    before = sorted((u, v, k, sorted(d.items(), key=str))
                    for u, v, k, d in graph.edges(keys=True, data=True))
    for fmt in ("graphml", "gexf", "csv"):
        assert graph_files(graph, fmt) == graph_files(graph, fmt), fmt
    flat_graph(graph)
    assert sorted((u, v, k, sorted(d.items(), key=str))
                  for u, v, k, d in graph.edges(keys=True, data=True)) == before
    assert isinstance(graph.nodes["teer-valve"]["aliases"], list)


def test_format_is_required_and_checked():
    assert CliRunner().invoke(main, ["export"]).exit_code == 2
    assert CliRunner().invoke(main, ["export", "--format", "dot"]).exit_code == 2


def _empty_values(tree, tag):
    return [el.attrib for el in tree.iter() if el.tag.endswith(tag) and
            (el.attrib.get("value") == "" if tag == "attvalue" else not (el.text or "").strip())]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_edge_ids_are_unique_and_stable_and_no_value_is_empty(built, tmp_path, graph, fmt):
    import xml.etree.ElementTree as ET

    out, _ = export(built, tmp_path, fmt)
    path = out / f"kg.{fmt}"
    back = (nx.read_graphml(path, force_multigraph=True) if fmt == "graphml"
            else nx.read_gexf(path))
    ids = [el.attrib["id"] for el in ET.parse(path).iter() if el.tag.endswith("}edge")]
    assert len(ids) == len(set(ids)) == graph.number_of_edges()
    assert all(k.split("--")[0] == u and k.split("--")[-1] == v
               for u, v, k in back.edges(keys=True)), "ids are source--relation--target"
    assert "jingrui-electronics--hasHonour--" in " ".join(ids)
    assert _empty_values(ET.parse(path), "attvalue" if fmt == "gexf" else "}data") == []
    assert all(value not in ("", None) for _n, d in back.nodes(data=True) for value in d.values())
    again, _ = export(built, tmp_path / "again", fmt)
    assert (again / f"kg.{fmt}").read_bytes() == path.read_bytes()
