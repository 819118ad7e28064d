"""The one prefix table that every Turtle, TriG, JSON-LD and SPARQL text of the project uses.

Kept free of rdflib so light commands (and `kg --help`) can use it without loading rdflib.
"""

from __future__ import annotations

from typing import Protocol

ONTOLOGY_IRI = "https://w3id.org/industrial-park-kg/ontology/"
DEFAULT_BASE = "https://w3id.org/industrial-park-kg/id/"  # entity IRIs: base + kind path + id

# Prefix -> namespace IRI. The order is the order of bindings and of the SPARQL prologue.
PREFIXES: dict[str, str] = {
    "ipk": ONTOLOGY_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}


class _Binds(Protocol):
    def bind(self, prefix: str, namespace: str) -> object: ...


def bind_prefixes(graph: _Binds) -> None:
    """Bind every prefix of `PREFIXES` on an rdflib Graph or Dataset."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)


def curie(iri: str, prefixes: tuple[str, ...] = tuple(PREFIXES)) -> str:
    """`iri` as prefix:local with the first of `prefixes` whose namespace it starts with.

    >>> curie("https://w3id.org/industrial-park-kg/ontology/Company")
    'ipk:Company'
    >>> curie("http://www.w3.org/2004/02/skos/core#altLabel", ("ipk", "rdf"))
    'http://www.w3.org/2004/02/skos/core#altLabel'
    """
    for prefix in prefixes:
        if iri.startswith(PREFIXES[prefix]):
            return f"{prefix}:{iri[len(PREFIXES[prefix]):]}"
    return iri
