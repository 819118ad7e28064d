"""Oxigraph stores of the built graph: in memory for one-off reads, and the persistent
embedded store that `kg build` fills beside its exports (``OUT/.store``) so queries need not
re-parse Turtle.

The persistent store remembers which seeds folder it was built from, a fingerprint of those
seeds, and a hash of the kg.ttl written with it; a reader compares them with what is on disk
to tell a fresh store from a stale one, or from a store of other seeds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, NotFound



class UnreadableGraph(KgError):
    """A graph file that is not valid Turtle."""


def load_store(turtle_path: str | Path) -> ox.Store:
    """An in-memory Oxigraph store holding the Turtle file, in its default graph."""
    store = ox.Store()
    try:
        store.bulk_load(path=str(turtle_path), format=ox.RdfFormat.TURTLE)
    except FileNotFoundError:
        raise NotFound(turtle_path) from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise UnreadableGraph(f"{turtle_path}: not readable as Turtle: {exc}") from None
    return store


def select(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT query; `Store.query` is typed for every query form."""
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[-80:]!r}")
    return solutions


def file_digest(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def seeds_fingerprint(seeds_dir: str | Path) -> str:
    """A hash of every file under the seeds folder: names and bytes."""
    root = Path(seeds_dir)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _meta_path(store_dir: Path) -> Path:
    return store_dir.parent / f"{store_dir.name}.json"


@dataclass(frozen=True)
class StoreMeta:
    """What a store holds: the seeds folder and fingerprint it was built from, and the
    sha256 of the kg.ttl written with it."""

    seeds_dir: str
    seeds: str
    graph: str
    quads: int = 0


def write_store(store_dir: str | Path, ntriples: bytes, trig: bytes, meta: StoreMeta) -> int:
    """Fill a new store beside the old one, then swap: readers never see half a store.

    The union graph goes into the default graph and each source's triples into its named
    graph, so `GRAPH ?g` queries work too. Returns the number of quads.
    """
    store_dir = Path(store_dir)
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = store_dir.with_name(store_dir.name + ".new")
    old = store_dir.with_name(store_dir.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    store = ox.Store(str(fresh))
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(trig, format=ox.RdfFormat.TRIG)
    store.flush()
    quads = len(store)
    del store  # closes RocksDB before the directory moves
    _meta_path(store_dir).unlink(missing_ok=True)  # no reader trusts the old record meanwhile
    shutil.rmtree(old, ignore_errors=True)
    if store_dir.exists():
        store_dir.rename(old)
    fresh.rename(store_dir)
    shutil.rmtree(old, ignore_errors=True)
    record = {"seeds_dir": meta.seeds_dir, "seeds": meta.seeds, "graph": meta.graph,
              "quads": quads}
    tmp = _meta_path(store_dir).with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    tmp.replace(_meta_path(store_dir))
    return quads


def read_meta(store_dir: str | Path) -> StoreMeta | None:
    """The record of a store, or None when there is no (complete) store."""
    store_dir, meta_path = Path(store_dir), _meta_path(Path(store_dir))
    if not store_dir.is_dir() or not meta_path.is_file():
        return None
    try:
        record = json.loads(meta_path.read_text(encoding="utf-8"))
        return StoreMeta(str(record.get("seeds_dir", "")), str(record.get("seeds", "")),
                         str(record.get("graph", "")), int(record.get("quads", 0)))
    except (ValueError, TypeError, AttributeError):
        return None


@dataclass
class StoreState:
    status: str  # "fresh", "stale", "other" (built from other seeds) or "missing"
    message: str


def store_state(store_dir: str | Path, seeds_dir: str | Path) -> StoreState:
    """Whether the store at `store_dir` holds a build of the seeds in `seeds_dir` as they are."""
    meta = read_meta(store_dir)
    if meta is None:
        return StoreState("missing", f"no store at {store_dir} (run 'kg build')")
    seeds = Path(seeds_dir)
    if meta.seeds_dir and Path(meta.seeds_dir) != seeds.resolve():
        return StoreState("other", f"the store at {store_dir} holds a build of "
                                   f"{meta.seeds_dir}, not of {seeds}")
    if seeds.is_dir() and meta.seeds != seeds_fingerprint(seeds):
        return StoreState("stale", f"{seeds} changed after the store at {store_dir} was built "
                                   "(run 'kg build' to refresh it)")
    return StoreState("fresh", f"using the store at {store_dir}")


def store_for_graph(graph_file: str | Path, store_dir: str | Path) -> bool:
    """True when the store at `store_dir` was written with exactly this kg.ttl."""
    meta = read_meta(store_dir)
    return meta is not None and bool(meta.graph) and meta.graph == file_digest(graph_file)


def open_read_only(store_dir: str | Path) -> ox.Store:
    return ox.Store.read_only(str(store_dir))


def open_graph(graph_file: str | Path) -> ox.Store:
    """A built graph to read: the store `kg build` wrote beside it when that store was written
    with this very file (no parsing), else the file loaded into memory."""
    from kg.project import store_of

    store_dir = store_of(Path(graph_file).parent)
    if Path(graph_file).is_file() and store_for_graph(graph_file, store_dir):
        return open_read_only(store_dir)
    return load_store(graph_file)
