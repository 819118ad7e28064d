"""SPARQL: terms and binding, running queries on any engine, named queries, the endpoint, push."""

# The named graph `kg push` writes by default (here, so the CLI need not import kg.sparql.push).
PUSHED_GRAPH = "https://w3id.org/industrial-park-kg/id/graph/kg"
