"""SPARQL: terms and binding, running queries on any engine, named queries, the endpoint, push."""
