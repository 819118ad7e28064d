"""Choose what answers a query: the embedded store, an in-memory graph, or a remote endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple

from kg.rdf.read import load_graph_file, read_rdflib
from kg.sparql.run import Result, run_oxigraph, run_rdflib, run_remote

if TYPE_CHECKING:
    from kg.names import NameIndex


class Engine(NamedTuple):
    name: str
    run: Callable[[str], Result]
    note: str | None = None  # said to the user on stderr: where the answers come from
    # The graph's name index, kept beside a published build's store (`name_index`); None: made
    # from the graph each time a name is not found exactly.
    names: Callable[[], NameIndex] | None = None


def oxigraph_file_engine(graph_file: str | Path) -> Engine:
    store = load_graph_file(graph_file)
    return Engine(f"oxigraph (in memory, {graph_file})", lambda q: run_oxigraph(store, q))


def rdflib_engine(graph_file: str | Path) -> Engine:
    graph = read_rdflib(graph_file)
    return Engine(f"rdflib (in memory, {graph_file})", lambda q: run_rdflib(graph, q))


def remote_engine(endpoint: str, timeout: float = 60.0,
                  default_graph: str | None = None) -> Engine:
    """An endpoint; `default_graph` (an IRI) is the graph its queries read as their default
    one, so a graph `kg push` wrote is found on stores whose default graph is not the union."""
    return Engine(f"remote {endpoint}",
                  lambda q: run_remote(endpoint, q, timeout, default_graph=default_graph))


def read_only_store_engine(store_dir: str | Path) -> Engine:
    import pyoxigraph as ox

    from kg.rdf.store import generation_of, store_db
    from kg.sparql.queries import name_index

    db = store_db(store_dir)  # resolved once: a build repointing OUT/.store/current meanwhile
    store = ox.Store.read_only(str(db))  # leaves this store and its names.json together

    def run(query: str) -> Result:
        return run_oxigraph(store, query)

    folder = generation_of(db)
    return Engine(f"oxigraph store {store_dir}", run,
                  names=None if folder is None else lambda: name_index(run, folder))


def graph_file_engine(graph_file: str | Path, engine: str = "oxigraph") -> Engine:
    """A built graph file read into memory by the chosen engine (not its build's store, which
    also holds analytics.ttl)."""
    return rdflib_engine(graph_file) if engine == "rdflib" else oxigraph_file_engine(graph_file)


def store_engine(store_dir: str | Path | None, seeds_dir: str | Path) -> Engine:
    """The embedded store when it holds the seeds as they are; otherwise the seeds, built in
    memory, with a note saying why.

    Raises InputError when the store does not fit and the seeds do not check out.
    """
    from kg.rdf.store import store_state

    state = store_state(store_dir, seeds_dir) if store_dir is not None else None
    if store_dir is not None and state is not None and state.status == "fresh":
        return read_only_store_engine(store_dir)
    import pyoxigraph as ox

    from kg.rdf.mapping import map_seeds  # the seeds' way only: 0.1 s of imports
    from kg.seeds.loader import load_seeds
    store = ox.Store()
    store.bulk_extend(map_seeds(load_seeds(seeds_dir)).union())
    return Engine(f"oxigraph (in memory, from {seeds_dir}/)", lambda q: run_oxigraph(store, q),
                  note=(f"{state.message}; " if state else "") +
                       f"answering from {seeds_dir}/ built in memory")


def choose_engine(*, endpoint: str | None = None, graph_file: str | Path | None = None,
                  engine: str = "oxigraph", store_dir: str | Path | None = None,
                  seeds_dir: str | Path | None = None, timeout: float = 60.0,
                  default_graph: str | None = None) -> Engine:
    """What answers `kg query`: an endpoint when given, else a graph file when given, else
    the project's store for its seeds (see `store_engine`)."""
    if endpoint:
        return remote_engine(endpoint, timeout, default_graph)
    if graph_file is not None:
        return graph_file_engine(graph_file, engine)
    if seeds_dir is None:
        raise ValueError("choose_engine needs an endpoint, a graph file or a seeds folder")
    return store_engine(store_dir, seeds_dir)
