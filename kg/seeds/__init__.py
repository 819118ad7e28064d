"""Seeds: strict YAML with marks, the schema, loading and checking."""
