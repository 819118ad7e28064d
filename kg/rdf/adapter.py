"""An rdflib view of pyoxigraph terms, for the few callers that need an rdflib Graph (pySHACL
as the reference validator, tests comparing graphs); the build itself never makes one."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.rdf.prefixes import PREFIXES, bind_prefixes

_XSD_STRING = PREFIXES["xsd"] + "string"


def as_rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """The same term in rdflib; a plain literal stays plain (rdflib tells "a" from
    "a"^^xsd:string, RDF 1.1 does not).

    >>> as_rdflib_term(ox.Literal("5", datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")))
    rdflib.term.Literal('5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    >>> as_rdflib_term(ox.Literal("甲", language="zh")) == Literal("甲", lang="zh")
    True
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    raise ValueError(f"not a term rdflib can hold here (a quoted triple): {term!r}")


def as_rdflib_dataset(quads: Iterable[ox.Quad]) -> Dataset:
    """The quads as an rdflib Dataset with our prefixes, each named graph kept."""
    ds = Dataset()
    bind_prefixes(ds)
    graphs: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, Graph] = {}
    for q in quads:
        g = graphs.get(q.graph_name)
        if g is None:
            name = q.graph_name
            g = graphs[name] = (ds.default_graph if isinstance(name, ox.DefaultGraph)
                                else ds.graph(URIRef(name.value) if isinstance(name, ox.NamedNode)
                                              else BNode(name.value)))
        g.add((as_rdflib_term(q.subject), as_rdflib_term(q.predicate), as_rdflib_term(q.object)))
    return ds


def as_rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """The triples (of quads: their union) as one rdflib Graph with our prefixes."""
    g = Graph()
    bind_prefixes(g)
    for t in triples:
        g.add((as_rdflib_term(t.subject), as_rdflib_term(t.predicate), as_rdflib_term(t.object)))
    return g

