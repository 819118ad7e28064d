"""Industrial-park knowledge graph: curated YAML seeds to a validated, provenance-carrying RDF graph."""

__version__ = "0.1.0"
