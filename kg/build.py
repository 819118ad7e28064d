"""One build: load and check the seeds, map to RDF, validate, write the exports and their store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from kg.graph.scores import analytics_for
from kg.project import store_of
from kg.rdf.export import render, union_graph, write_atomically
from kg.rdf.mapping import DEFAULT_BASE, map_seeds
from kg.rdf.store import StoreMeta, seeds_fingerprint, write_store
from kg.rdf.validate import NotConforming, validate_graph
from kg.seeds.loader import load_seeds


@dataclass
class BuildResult:
    files: list[Path]
    entities: int
    facts: int
    triples: int
    store: Path | None


def build(seeds_dir: str | Path, out_dir: str | Path, ontology_dir: str | Path,
          base: str = DEFAULT_BASE, validate: bool = True,
          progress: Callable[[str], None] = lambda _: None,
          with_store: bool = True) -> BuildResult:
    """Build the exports from the seeds into `out_dir`, and its embedded store `out_dir/.store`.

    Raises InputError or NotConforming before anything is written.
    """
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
    built = ox.Store()
    built.bulk_load(rendered["kg.nt"], format=ox.RdfFormat.N_TRIPLES)
    rendered["analytics.ttl"] = analytics_for(built, base)
    files = write_atomically(rendered, out_dir, progress)
    store = None
    if with_store:
        store = store_of(out_dir)
        progress(f"filling the embedded store at {store}")
        meta = StoreMeta(str(Path(seeds_dir).resolve()), seeds_fingerprint(seeds_dir),
                         hashlib.sha256(rendered["kg.ttl"]).hexdigest())
        write_store(store, rendered["kg.nt"], rendered["kg.trig"], meta)
    return BuildResult(files, len(seeds.entities), len(seeds.facts), len(graph), store)
