"""Oxigraph stores of the built graph: in memory for one-off reads, and the persistent
embedded store under `.kg/` that `kg build` fills so queries need not re-parse Turtle.

The persistent store remembers a fingerprint of the seeds it was built from; a reader compares
it with the seeds on disk to tell a fresh store from a stale one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

DEFAULT_STORE = Path(".kg") / "store"


def load_store(turtle_path: str | Path) -> ox.Store:
    """An in-memory Oxigraph store holding the Turtle file, in its default graph."""
    store = ox.Store()
    store.bulk_load(path=str(turtle_path), format=ox.RdfFormat.TURTLE)
    return store


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


def write_store(store_dir: str | Path, ntriples: bytes, trig: bytes, fingerprint: str) -> int:
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
    shutil.rmtree(old, ignore_errors=True)
    if store_dir.exists():
        store_dir.rename(old)
    fresh.rename(store_dir)
    shutil.rmtree(old, ignore_errors=True)
    meta = {"seeds": fingerprint, "quads": quads}
    tmp = _meta_path(store_dir).with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    tmp.replace(_meta_path(store_dir))
    return quads


@dataclass
class StoreState:
    status: str  # "fresh", "stale" or "missing"
    message: str


def store_state(store_dir: str | Path, seeds_dir: str | Path) -> StoreState:
    store_dir = Path(store_dir)
    meta_path = _meta_path(store_dir)
    if not store_dir.is_dir() or not meta_path.is_file():
        return StoreState("missing", f"no store at {store_dir} (run 'kg build')")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if Path(seeds_dir).is_dir() and meta.get("seeds") != seeds_fingerprint(seeds_dir):
        return StoreState("stale", f"the store at {store_dir} is older than {seeds_dir}/ "
                                   "(run 'kg build' to refresh it)")
    return StoreState("fresh", f"using the store at {store_dir}")


def open_read_only(store_dir: str | Path) -> ox.Store:
    return ox.Store.read_only(str(store_dir))
