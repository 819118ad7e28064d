"""One build: load and check the seeds, map to RDF, validate, write the exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kg.graph.scores import analytics_for
from kg.rdf.export import render, union_graph, write_atomically
from kg.rdf.mapping import DEFAULT_BASE, map_seeds
from kg.seeds.loader import load_seeds
from kg.rdf.store import seeds_fingerprint, write_store
from kg.rdf.validate import ValidationResult, validate_graph


class NotConforming(Exception):
    """The graph was built but breaks the shapes; nothing was written."""

    def __init__(self, result: ValidationResult):
        self.result = result
        super().__init__(f"{len(result.violations)} SHACL violations")


@dataclass
class BuildResult:
    files: list[Path]
    entities: int
    facts: int
    triples: int


def build(seeds_dir: str | Path = "seeds", out_dir: str | Path = "exports",
          ontology_dir: str | Path = "ontology", base: str = DEFAULT_BASE,
          validate: bool = True,
          progress: Callable[[str], None] = lambda _: None,
          store_dir: str | Path | None = None) -> BuildResult:
    """Build the exports from the seeds. Raises InputError or NotConforming before writing."""
    progress(f"loading and checking seeds in {seeds_dir}/")
    seeds = load_seeds(seeds_dir)
    progress(f"{len(seeds.entities)} entities and {len(seeds.facts)} facts from "
             f"{len(seeds.files)} files; mapping to RDF")
    dataset = map_seeds(seeds, base=base)
    graph = union_graph(dataset)
    if validate:
        progress(f"validating {len(graph):,} triples against {ontology_dir}/shapes.ttl")
        result = validate_graph(graph, ontology_dir)
        if not result.conforms:
            raise NotConforming(result)
    progress("serialising")
    rendered = render(dataset)
    progress("computing network analytics (analytics.ttl)")
    rendered["analytics.ttl"] = analytics_for(rendered["kg.ttl"])
    files = write_atomically(rendered, out_dir, progress)
    if store_dir is not None:
        progress(f"filling the embedded store at {store_dir}")
        write_store(store_dir, rendered["kg.nt"], rendered["kg.trig"],
                    seeds_fingerprint(seeds_dir))
    return BuildResult(files, len(seeds.entities), len(seeds.facts), len(graph))
