"""RDF: the ipk: namespace, mapping seeds to triples, SHACL validation, exports, the embedded store."""
