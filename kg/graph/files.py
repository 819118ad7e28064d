"""The projected graph as files for other tools: GraphML (Cytoscape, yEd), GEXF (Gephi) and
Neo4j's admin-import CSV.

GraphML and GEXF hold only strings, numbers and booleans, so the attributes are converted on
purpose (:func:`flat_graph`): an unknown value (None, "" or an empty list) is left out rather
than written empty or as "None", and a list (aliases) becomes one string joined with "; ".
Each edge's id is `source--relation--target` (the projection's key names the relation, with
"-2" for a second fact of one relation), unique and stable. The graph given is not
changed. Same graph, same bytes: GEXF's "last modified" date, which networkx sets to today,
is removed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

import networkx as nx

from kg.seeds import schema

FORMATS = ("graphml", "gexf", "csv")
LIST_SEPARATOR = "; "

NODE_COLUMNS = [("id:ID", "id"), ("label", "label"), ("label_en", "label_en"),
                ("aliases:string[]", "aliases"), ("class", "cls"), ("level", "level"),
                ("iri", "iri"), ("quote", "quote"), ("source", "source"), (":LABEL", "cls")]
# (header, edge attribute); a typed header says the Neo4j type, an untyped one is a string.
EDGE_COLUMNS: list[tuple[str, str | None]] = [
    (":START_ID", None), (":END_ID", None), (":TYPE", "relation"),
    ("label", "label"), ("label_en", "label_en"),
    *((f"{q.key}:int" if q.integer else q.key, q.key) for q in schema.EDGE_QUALIFIERS),
    ("inferred:boolean", "inferred"), ("quote", "quote"), ("source", "source"),
    ("statement", "statement")]


def _flat(attrs: Mapping[str, object]) -> dict[str, object]:
    out = {}
    for key, value in attrs.items():
        if isinstance(value, (list, tuple, set)):
            value = LIST_SEPARATOR.join(sorted(str(v) for v in value))
        if value is None or value == "":
            continue
        out[key] = value
    return out


def flat_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes GraphML and GEXF can hold: empty values left out, lists joined,
    each edge keyed by its id.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", aliases=["x", "w"], label_en=None, quote="", level=[])
    >>> _ = g.add_edge("a", "a", key="r", year=None, inferred=False)
    >>> f = flat_graph(g)
    >>> f.nodes["a"], f.edges["a", "a", "a--r--a"], g.nodes["a"]["aliases"]
    ({'aliases': 'w; x'}, {'inferred': False}, ['x', 'w'])
    """
    out = nx.MultiDiGraph()
    for n, data in g.nodes(data=True):
        out.add_node(n, **_flat(data))
    for u, v, k, data in g.edges(keys=True, data=True):
        # '#' (a second fact of one relation) is not allowed in a GraphML id (an NMTOKEN)
        out.add_edge(u, v, key=f"{u}--{str(k).replace('#', '-')}--{v}", **_flat(data))
    return out


def graphml(g: nx.MultiDiGraph) -> bytes:
    """GraphML bytes; edge ids are source--relation--target."""
    buf = io.BytesIO()
    nx.write_graphml(flat_graph(g), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def gexf(g: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2 bytes, without the date networkx stamps on it."""
    flat = flat_graph(g)
    for _u, _v, k, data in flat.edges(keys=True, data=True):
        data["id"] = k  # else networkx numbers the edges
    buf = io.BytesIO()
    nx.write_gexf(flat, buf, encoding="utf-8", prettyprint=True)
    return re.sub(rb' lastmodifieddate="[^"]*"', b"", buf.getvalue())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set)):
        return ";".join(sorted(str(v) for v in value))  # neo4j-admin's array delimiter
    return str(value)


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def neo4j_csv(g: nx.MultiDiGraph) -> dict[str, bytes]:
    """nodes.csv and edges.csv in the header format of ``neo4j-admin database import``.

    Plain UTF-8 without a BOM: these files are for the importer, not for a spreadsheet.
    Load with ``neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv``.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", id="a", label="甲", cls="Company", aliases=[])
    >>> g.add_node("b", id="b", label="乙", cls="Park", aliases=["B"])
    >>> _ = g.add_edge("a", "b", key="locatedIn", relation="locatedIn", year=2011, inferred=False)
    >>> files = neo4j_csv(g)
    >>> print(files["nodes.csv"].decode().splitlines()[0])
    id:ID,label,label_en,aliases:string[],class,level,iri,quote,source,:LABEL
    >>> print(files["edges.csv"].decode().splitlines()[1][:40])
    a,b,locatedIn,,,2011,,,,,,,,,false,,,
    """
    nodes = [[_cell(n if attr == "id" else data.get(attr)) for _h, attr in NODE_COLUMNS]
             for n, data in g.nodes(data=True)]
    edges = [[u, v] + [_cell(data.get(attr)) for _h, attr in EDGE_COLUMNS[2:]]
             for u, v, _k, data in g.edges(keys=True, data=True)]
    return {"nodes.csv": _csv([h for h, _a in NODE_COLUMNS], nodes),
            "edges.csv": _csv([h for h, _a in EDGE_COLUMNS], edges)}


def graph_files(g: nx.MultiDiGraph, fmt: str) -> dict[str, bytes]:
    """The files of one format, keyed by file name: kg.graphml, kg.gexf, or nodes.csv and
    edges.csv."""
    if fmt == "graphml":
        return {"kg.graphml": graphml(g)}
    if fmt == "gexf":
        return {"kg.gexf": gexf(g)}
    if fmt == "csv":
        return neo4j_csv(g)
    raise ValueError(f"unknown graph file format {fmt!r}; choose one of {', '.join(FORMATS)}")
