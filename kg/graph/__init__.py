"""Graph analytics: the networkx projection, measures, reports, scores as RDF, paths, graph files."""
