"""Oxigraph stores of the built graph: in memory for one-off reads, and the persistent
embedded store that `kg build` fills beside its exports (``OUT/.store``) so queries need not
re-parse Turtle.

A build is published as one generation (see kg/build.py): its store is OUT/.store/<id>/db,
reached by the link OUT/.store/current (kg.project.store_of), and its manifest OUT/.store.json
records the seeds folder and fingerprint it was built from, the store, and every export file
as published. A reader trusts the store only while the export files on disk are the ones
recorded, so a half-published build is reported, never believed; and it compares the seeds to
tell a fresh store from a stale one, or from a store of other seeds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Callable, NamedTuple, TypeVar

import pyoxigraph as ox

from kg.project import MANIFEST_NAME, STORE_NAME

T = TypeVar("T")  # what a reader keeps (`kept`)


def select(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT query; `Store.query` is typed for every query form."""
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[-80:]!r}")
    return solutions


def file_digest(path: str | Path) -> str:
    import hashlib  # 3 ms at start-up: a query that finds the files as recorded never loads it

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _seed_files(root: Path) -> list[tuple[str, str]]:
    """(path relative to `root`, path) of every file below it, sorted as Paths sort (by their
    parts), __pycache__ left out and symlinked folders not entered, as Path.rglob does; with
    os.scandir, which `kg query` needs to check the seeds unchanged in a millisecond."""
    found: list[tuple[tuple[str, ...], str]] = []
    folders: list[tuple[tuple[str, ...], str]] = [((), str(root))]
    while folders:
        parts, folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name == "__pycache__":
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(((*parts, entry.name), entry.path))
                    elif entry.is_file():
                        found.append(((*parts, entry.name), entry.path))
        except (PermissionError, FileNotFoundError, NotADirectoryError):
            continue
    return [("/".join(parts), path) for parts, path in sorted(found)]


def seeds_fingerprint(seeds_dir: str | Path) -> str:
    """A hash of every file under the seeds folder: names and bytes."""
    return seeds_digests(seeds_dir)[0]


def seeds_digests(seeds_dir: str | Path) -> tuple[str, dict[str, str]]:
    """`seeds_fingerprint`, and the sha256 of each file by its path below the folder, read
    in one pass."""
    import hashlib

    root = Path(seeds_dir)
    digest = hashlib.sha256()
    each = {}
    for relative, path in _seed_files(root):
        data = Path(path).read_bytes()
        digest.update(relative.encode("utf-8") + b"\0")
        digest.update(data + b"\0")
        each[relative] = hashlib.sha256(data).hexdigest()
    return digest.hexdigest(), each


RACY_NS = 2_000_000_000  # a file changed this close to the snapshot may change again unseen


def seeds_stat(seeds_dir: str | Path, now_ns: int | None = None) -> str:
    """Every seeds file's size, inode, mtime and name, a line each: what `kg query` compares to
    tell the seeds unchanged without reading 100 MB of them. Kept as it is, not hashed: no hash
    library to load on every query (hashlib's OpenSSL costs a small query 3 ms). "" when a file
    changed within RACY_NS of `now_ns` (git's racy-clean problem: an edit in the same clock
    tick keeps the mtime), so that the next check reads the bytes instead.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "种子.yaml").write_text("x")
    ...     print(seeds_stat(folder).split(" ")[0], seeds_stat(folder).split(" ")[-1])
    1 "种子.yaml"
    """
    lines = []
    for relative, path in _seed_files(Path(seeds_dir)):
        st = os.stat(path)
        if now_ns is not None and st.st_mtime_ns > now_ns - RACY_NS:
            return ""
        # the name last and quoted, so that no name can make two listings read alike
        lines.append(f"{st.st_size} {st.st_ino} {st.st_mtime_ns} "
                     f"{json.dumps(relative, ensure_ascii=False)}")
    return "\n".join(lines)


def _out_of(store_dir: Path) -> Path:
    """The build folder OUT of OUT/.store or of a store in it, OUT/.store/<generation>/db."""
    for folder in (store_dir, *store_dir.parents):
        if folder.name == STORE_NAME:
            return folder.parent
    return store_dir.parent


def _meta_path(store_dir: Path) -> Path:
    """The build's manifest, OUT/.store.json: the one record of what a build published."""
    return _out_of(store_dir) / MANIFEST_NAME


class StoreMeta(NamedTuple):
    """What a published build holds: the seeds folder and fingerprint it was built from, the
    sha256 of its kg.ttl, its generation, its store (relative to OUT, "" for none) and every
    export file with (sha256, inode, size, mtime_ns) as published."""

    seeds_dir: str
    seeds: str
    graph: str
    quads: int = 0
    generation: str = ""
    store: str = ""
    files: tuple[tuple[str, str, int, int, int], ...] = ()
    # What validated the build (kg.rdf.validate.validation_fingerprint); "" if nothing did.
    validated: str = ""
    # seeds_stat() of the seeds when they were read; "" to make readers check the bytes.
    seeds_stat: str = ""
    # kg.graph.scores.analytics_key of its analytics.ttl: a rebuild under the same key reuses it.
    analytics: str = ""
    # kg.code.version() of the kg that made it (hex): a rebuild by the same reuses its parts.
    code: str = ""
    # sha256 of what each seeds file gave it (kg.filewise), kept in its generation; "" if none.
    rebuild: str = ""
    # The base IRI it minted under, and what it counted: a build of the same seeds under the
    # same base by the same kg finds it up to date ("" for an older kg's: never).
    base: str = ""
    counts: tuple[int, int, int] = (0, 0, 0)  # entities, facts, triples

    def record(self) -> dict:
        return {"generation": self.generation, "store": self.store,
                "seeds_dir": self.seeds_dir, "seeds": self.seeds, "graph": self.graph,
                "quads": self.quads, "validated": self.validated,
                "seeds_stat": self.seeds_stat.split("\n") if self.seeds_stat else [],
                "analytics": self.analytics, "code": self.code, "rebuild": self.rebuild,
                "base": self.base, "entities": self.counts[0], "facts": self.counts[1],
                "triples": self.counts[2],
                "files": {name: {"sha256": sha, "inode": ino, "size": size, "mtime_ns": mtime}
                          for name, sha, ino, size, mtime in self.files}}


# What a store is filled from: a file (or its bytes), its syntax, its named graph or None.
Load = tuple[Path | bytes, ox.RdfFormat, str | None]


# Oxigraph's bulk loader holds several times what it is handed while it sorts: 1.5 GB more
# for a province's kg.nt of 530 MB, 1.6 GB for its kg.trig of 214 MB (pyoxigraph has no
# setting for it). Handed pieces, it holds a fraction of that: kg.nt in pieces of 16 MB loads
# with 0.1 GB more in 24 s instead of 20 s. kg.trig, loaded alone then compacted, took 69 s
# of CPU whole; in pieces of 32 MB, 72 s and a peak of 0.68 GB; of 16 MB, 75 s and 0.34 GB
# (of 8 MB: 76 s, 0.22 GB). It loads while the analytics run: the build's peak.
PIECE = {ox.RdfFormat.N_TRIPLES: 16 << 20, ox.RdfFormat.N_QUADS: 16 << 20,
         ox.RdfFormat.TRIG: 16 << 20}
# Where a piece may end in the files a build writes (kg.rdf.export, whose Oxigraph escapes
# line breaks in literals and writes the prefixes first): after a line of N-Triples or
# N-Quads, after the `}` line that closes a graph of TriG.
_PIECE_ENDS = {ox.RdfFormat.N_TRIPLES: b"\n", ox.RdfFormat.N_QUADS: b"\n",
               ox.RdfFormat.TRIG: b"\n}\n"}
_HEAD = re.compile(rb"(?:@prefix [^\n]*\n|#[^\n]*\n|\n)*")  # comments and prefixes
_DIRECTIVE = re.compile(rb"^(?:@prefix|@base|prefix|base)\b", re.M | re.I)
_OVERLAP = 16  # bytes of a chunk searched again with the next: a match may straddle them


def _chunks(source: bytes | Path, size: int) -> Iterator[bytes]:
    """`source` (text, or a file) `size` bytes at a time: a file is never read whole."""
    if isinstance(source, Path):
        with open(source, "rb") as f:
            while chunk := f.read(size):
                yield chunk
    else:
        view = memoryview(source)
        for at in range(0, len(source), size):
            yield bytes(view[at:at + size])


def _cuttable(source: bytes | Path, syntax: ox.RdfFormat, size: int) -> bool:
    """Whether `source` is larger than `size` and its pieces load to what it loads to: in a
    syntax cut by `_PIECE_ENDS`, without blank node labels (each load names its blank nodes
    anew) or, in TriG, a directive after the first statement."""
    end = _PIECE_ENDS.get(syntax)
    length = source.stat().st_size if isinstance(source, Path) else len(source)
    if end is None or length <= size:
        return False
    tail, head_end = b"", -1
    for chunk in _chunks(source, size) if isinstance(source, Path) else (source,):
        text = tail + chunk
        if b"_:" in text:
            return False
        if end != b"\n":
            if head_end < 0:  # the prefixes lead the first chunk
                head_end = _HEAD.match(text).end()  # type: ignore[union-attr]
            if _DIRECTIVE.search(text, head_end if not tail else 0):
                return False
        tail = text[-_OVERLAP:]
    return True


def pieces(source: bytes | Path, syntax: ox.RdfFormat, size: int | None = None
           ) -> Iterator[bytes]:
    """`source` (text, or a file read a chunk at a time) in pieces of about `size` bytes
    (default `PIECE`) that load to what it loads to (`_cuttable`), each piece of TriG led by
    the prefixes; else whole.

    >>> [len(piece) for piece in pieces(b"<a> <b> <c> .\\n" * 3, ox.RdfFormat.N_TRIPLES, 20)]
    [14, 14, 14]
    >>> len(list(pieces(b"_:a <b> <c> .\\n" * 3, ox.RdfFormat.N_TRIPLES, 20)))
    1
    >>> head = b"@prefix a: <http://a/> .\\n\\n"
    >>> block = b"<http://g/1> {\\n\\ta:s a:p a:o .\\n}\\n\\n"
    >>> text = head + block + block.replace(b"/1", b"/2")
    >>> [piece.startswith(head) for piece in pieces(text, ox.RdfFormat.TRIG, 40)]
    [True, True]
    """
    size = size or PIECE.get(syntax, 0)
    if _cuttable(source, syntax, size):
        yield from _cut(source, syntax, size)
    else:
        yield source.read_bytes() if isinstance(source, Path) else source


def _cut(source: bytes | Path, syntax: ox.RdfFormat, size: int) -> Iterator[bytes]:
    """`pieces` of a `source` known to be `_cuttable`."""
    end = _PIECE_ENDS[syntax]
    head: bytes | None = None
    rest = b""
    for chunk in _chunks(source, size):
        text = rest + chunk
        cut = text.rfind(end)
        if cut < 0:
            rest = text
            continue
        piece, rest = text[:cut + len(end)], text[cut + len(end):]
        if head is None:
            head = b"" if end == b"\n" else _HEAD.match(piece).group()  # type: ignore[union-attr]
            yield piece
        elif piece.strip():
            yield head + piece
    if rest.strip():
        yield (head or b"") + rest


def load_in_pieces(store: ox.Store, data: bytes | Path, syntax: ox.RdfFormat,
                   graph: str | None, size: int | None = None) -> None:
    """Bulk-load `data` (text, or a file) into `store` (into `graph`, or the default graph)
    piece by piece (`pieces` of `size`), so the loader's memory stays small. A file that is
    not cut is read by the loader itself."""
    into = None if graph is None else ox.NamedNode(graph)
    size = size or PIECE.get(syntax, 0)
    if _cuttable(data, syntax, size):
        for piece in _cut(data, syntax, size):
            store.bulk_load(piece, format=syntax, to_graph=into)
    elif isinstance(data, Path):
        store.bulk_load(path=str(data), format=syntax, to_graph=into)
    else:
        store.bulk_load(data, format=syntax, to_graph=into)


def fill_store(db_dir: str | Path, loads: Iterable[Load]) -> int:
    """Fill the store at `db_dir` (new, or filled in part early: kg.build.EarlyStore) from
    files, each into the default graph (graph None) or the named graph given. For
    a build: kg.nt (the union) and analytics.ttl into the default graph, kg.trig (each
    source's triples in its named graph, so `GRAPH ?g` queries work too) and analytics.ttl
    into the analytics graph. Returns the number of quads.

    Oxigraph parses the files it was handed (`load_in_pieces`): a province's 8.3 million quads
    load in 55 s, where handing it the same quads as Python objects took 86 s
    (benchmarks/RESULTS.md and the run before); then the store is compacted, which halves the
    time of a large query on it (2.9 s to 1.6 s). At province size compacting takes 22-28 s,
    and is still worth it: on the build's store left as loaded, three large named queries took
    26, 16 and 43 s instead of 18, 11 and 30 s. (A store kept open after its loads compacts
    itself in the background; the build closes its early store at once, so it does not.)
    Oxigraph lets go of Python's lock while it loads, so a thread can fill a store beside
    other work."""
    store = ox.Store(str(db_dir))
    for source, syntax, graph in loads:
        load_in_pieces(store, source, syntax, graph)
    store.flush()
    store.optimize()
    quads_in_store = len(store)
    del store  # closes RocksDB
    return quads_in_store


_GRAPH_BLOCK = re.compile(rb"^<([^>\s]*)> \{\n.*?^\}\n", re.M | re.S)


def trig_graphs(data: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    """TriG as kg.rdf.export.trig writes it: the prefix lines, and each named graph's block
    (from its `<iri> {` line to the `}` line that closes it) by the graph's IRI. Oxigraph
    writes a line break inside a literal as `\\n`, so no literal holds a `}` line.

    >>> head, graphs = trig_graphs(b"@prefix a: <http://a/> .\\n\\n<http://g/1> {\\n\\ta:s a:p a:o .\\n}\\n")
    >>> head, list(graphs)
    (b'@prefix a: <http://a/> .\\n\\n', [b'http://g/1'])
    """
    blocks: dict[bytes, bytes] = {}
    head, at = None, 0
    for m in _GRAPH_BLOCK.finditer(data):
        if head is None:
            head = data[:m.start()]
        elif data[at:m.start()].strip():
            raise ValueError(f"TriG outside a graph block at byte {at}")
        blocks[m.group(1)] = m.group(0)
        at = m.end()
    if head is not None and data[at:].strip():
        raise ValueError(f"TriG outside a graph block at byte {at}")
    return (data if head is None else head), blocks


class StoreDelta(NamedTuple):
    """How a build's store differs from the store of the build before it: triples of the
    default graph added and removed (N-Triples lines), and named graphs whose content changed,
    each with its new TriG block (None: the graph is gone), parsed under `prefixes`."""

    previous: Path
    added: list[bytes]
    removed: list[bytes]
    prefixes: bytes
    graphs: dict[bytes, bytes | None]
    # The analytics, also in the default graph: a triple removed from the union stays there
    # when this graph holds it.
    kept: str
    # Quads in the store at `previous` (its manifest's count); -1 when unknown: the updated
    # store is then counted, 2 s for a province's 8 million quads.
    quads: int = -1


def store_difference(previous: Path, added: list[bytes], removed: list[bytes], old_trig: bytes,
                     trig: bytes, kept: str) -> StoreDelta | None:
    """The StoreDelta that turns the store at `previous`, filled from a kg.nt and `old_trig`,
    into one filled from a kg.nt with the lines `added` and `removed`
    (kg.rdf.incremental.sorted_difference) and `trig`; None when either TriG is not as
    kg.rdf.export.trig writes it, or their prefixes differ."""
    try:
        old_prefixes, old = trig_graphs(old_trig)
        prefixes, new = trig_graphs(trig)
    except ValueError:
        return None
    if old_prefixes != prefixes:
        return None
    changed = {iri: new.get(iri) for iri in old.keys() | new.keys() if old.get(iri) != new.get(iri)}
    return StoreDelta(previous, added, removed, prefixes, changed, kept)


def analytics_graph(base: str) -> str:
    """The named graph of a build's analytics.ttl in its store."""
    return f"{base}graph/analytics"


def _checkpoint(previous: Path, db_dir: Path) -> None:
    """A copy of a closed RocksDB store: its table files (.sst, never changed once written)
    hard-linked, the rest copied. What RocksDB's own checkpoints do, without opening the
    published store for writing."""
    db_dir.mkdir()
    for entry in previous.iterdir():
        target = db_dir / entry.name
        if entry.suffix == ".sst":
            try:
                os.link(entry, target)
                continue
            except OSError:
                pass  # another file system: copy it
        if entry.is_dir():
            shutil.copytree(entry, target)
        else:
            shutil.copy2(entry, target)


def update_store(db_dir: str | Path, delta: StoreDelta) -> int:
    """A new store at `db_dir`: the previous build's store, copied, with `delta` applied; the
    same quads a fill from the build's files gives (tests/test_rebuild.py), without parsing
    millions of unchanged ones. Returns the number of quads."""
    _checkpoint(delta.previous, Path(db_dir))
    store = ox.Store(str(db_dir))
    default = ox.DefaultGraph()
    kept = ox.NamedNode(delta.kept)
    change = 0  # quads added less quads removed

    def quads_in(graph: ox.NamedNode) -> int:
        return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))

    for q in ox.parse(b"\n".join(delta.removed), format=ox.RdfFormat.N_TRIPLES):
        quad = ox.Quad(q.subject, q.predicate, q.object, default)
        if next(store.quads_for_pattern(q.subject, q.predicate, q.object, kept), None) is None \
                and quad in store:
            store.remove(quad)
            change -= 1
    if delta.added:
        added = {ox.Quad(q.subject, q.predicate, q.object, default) for q in
                 ox.parse(b"\n".join(delta.added), format=ox.RdfFormat.N_TRIPLES)}
        change += sum(1 for quad in added if quad not in store)
        store.extend(added)
    for iri, block in sorted(delta.graphs.items()):
        graph = ox.NamedNode(iri.decode())
        if store.contains_named_graph(graph):
            change -= quads_in(graph)
            store.remove_graph(graph)
        if block is not None:
            store.load(delta.prefixes + block, format=ox.RdfFormat.TRIG)
            change += quads_in(graph)
    store.flush()
    quads_in_store = len(store) if delta.quads < 0 else delta.quads + change
    del store  # closes RocksDB
    return quads_in_store


def write_manifest(store_dir: str | Path, meta: StoreMeta) -> Path:
    """Write OUT/.store.json in one rename: the commit point of a build."""
    path = _meta_path(Path(store_dir))
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(meta.record(), indent=1, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def _stat_text(recorded: object) -> str:
    """seeds_stat as recorded: a list of lines (an older kg's hash, a string, never matches)."""
    return "\n".join(map(str, recorded)) if isinstance(recorded, list) else str(recorded)


def _plain_name(name: str) -> bool:
    """A file name directly inside a folder: no separator, not . or .., not empty."""
    return name not in ("", ".", "..") and "/" not in name and "\0" not in name


def read_manifest(store_dir: str | Path) -> StoreMeta | None:
    """The manifest as written, unchecked; None when there is none or it is not one."""
    meta_path = _meta_path(Path(store_dir))
    try:
        record = json.loads(meta_path.read_text(encoding="utf-8"))
        files = tuple((str(name), str(f["sha256"]), int(f["inode"]), int(f["size"]),
                       int(f["mtime_ns"])) for name, f in sorted(record["files"].items()))
        if any(not _plain_name(name) for name, *_ in files):
            return None  # a file outside OUT (../x, /dev/zero) is no export of a build
        return StoreMeta(str(record["seeds_dir"]), str(record["seeds"]), str(record["graph"]),
                         int(record["quads"]), str(record["generation"]), str(record["store"]),
                         files, str(record.get("validated", "")),
                         _stat_text(record.get("seeds_stat", "")),
                         str(record.get("analytics", "")), str(record.get("code", "")),
                         str(record.get("rebuild", "")), str(record.get("base", "")),
                         (int(record.get("entities", 0)), int(record.get("facts", 0)),
                          int(record.get("triples", 0))))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # none, or an older kg's record: no build to trust


def differing(store_dir: str | Path, meta: StoreMeta) -> list[str]:
    """The export files on disk that are not the ones the manifest recorded: a build was
    interrupted while publishing, or someone changed them since."""
    out = _out_of(Path(store_dir))
    changed = []
    for name, sha, ino, size, mtime in meta.files:
        try:
            st = (out / name).stat()
        except OSError:
            changed.append(name)
            continue
        if (st.st_ino, st.st_size, st.st_mtime_ns) == (ino, size, mtime):
            continue  # the very file published; no need to read it
        if st.st_size != size or file_digest(out / name) != sha:
            changed.append(name)
    return changed


def db_of(store_dir: str | Path, meta: StoreMeta) -> Path:
    return _out_of(Path(store_dir)) / meta.store


def _published(store_dir: str | Path) -> StoreMeta | None:
    """The manifest, when the store it names exists."""
    meta = read_manifest(store_dir)
    return meta if meta is not None and meta.store and db_of(store_dir, meta).is_dir() else None


def _is_published(store_dir: str | Path, meta: StoreMeta) -> bool:
    """Whether `store_dir` is the manifest's store: OUT/.store, or a path (OUT/.store/current)
    that leads to it."""
    asked = Path(store_dir)
    return asked.name == STORE_NAME or asked.resolve() == db_of(store_dir, meta).resolve()


def read_meta(store_dir: str | Path) -> StoreMeta | None:
    """The manifest of a completely published build with this store, else None: no
    manifest, no store, or export files that are not the ones it records."""
    meta = _published(store_dir)
    if meta is None or not _is_published(store_dir, meta) or differing(store_dir, meta):
        return None
    return meta


class StoreState(NamedTuple):
    status: str  # "fresh", "stale", "other" (other seeds), "interrupted" or "missing"
    message: str


def store_state(store_dir: str | Path, seeds_dir: str | Path) -> StoreState:
    """Whether the store at `store_dir` holds a build of the seeds in `seeds_dir` as they are."""
    manifest = _published(store_dir)
    if manifest is None:
        return StoreState("missing", f"no store at {store_dir} (run 'kg build')")
    changed = differing(store_dir, manifest)
    if not _is_published(store_dir, manifest):
        changed.insert(0, str(store_dir))
    if changed:
        out = _out_of(Path(store_dir))
        return StoreState("interrupted", f"{', '.join(changed)} in {out} are not the files of "
                          f"the build its store holds (a build was interrupted, or they were "
                          f"edited): run 'kg build' to repair it")
    meta = manifest
    seeds = Path(seeds_dir)
    if meta.seeds_dir and Path(meta.seeds_dir) != seeds.resolve():
        return StoreState("other", f"the store at {store_dir} holds a build of "
                                   f"{meta.seeds_dir}, not of {seeds}")
    unchanged = bool(meta.seeds_stat) and seeds.is_dir() and meta.seeds_stat == seeds_stat(seeds)
    if seeds.is_dir() and not unchanged and meta.seeds != seeds_fingerprint(seeds):
        return StoreState("stale", f"{seeds} changed after the store at {store_dir} was built "
                                   "(run 'kg build' to refresh it)")
    return StoreState("fresh", f"using the store at {store_dir}")


def store_for_graph(graph_file: str | Path, store_dir: str | Path) -> bool:
    """True when the store at `store_dir` was published with exactly this kg.ttl."""
    meta = read_meta(store_dir)
    return meta is not None and bool(meta.graph) and meta.graph == file_digest(graph_file)


def store_db(store_dir: str | Path) -> Path:
    """The store folder `open_read_only` opens, links followed: for OUT/.store, the store of
    the build published there."""
    meta = read_manifest(store_dir) if Path(store_dir).name == STORE_NAME else None
    return (db_of(store_dir, meta) if meta and meta.store else Path(store_dir)).resolve()


def generation_of(db: Path) -> Path | None:
    """The generation folder (OUT/.store/<id>) holding the store `db` (as `store_db` gives
    it), where files made from that store may be kept: they go with it when a later build
    removes it. None for a store outside a build's generation."""
    folder = db.parent
    return folder if db.name == "db" and folder.parent.name == STORE_NAME else None


def kept(folder: Path | None, name: str, limit: int, read: Callable[[object], T | None],
         make: Callable[[], T], record: Callable[[T], object]) -> T:
    """What a reader keeps as JSON in a generation `folder` (OUT/.store/<id>), for the next
    reader of that build's store: `read` of the JSON kept as `name` when there is one, at most
    `limit` bytes, that `read` accepts (not None); else `make()`, kept as `record` of it when
    `folder` is given. Written whole or not at all; a folder that cannot be written (read-only,
    or removed by a newer build meanwhile) is left as it is."""
    if folder is not None:
        try:
            path = folder / name
            if path.stat().st_size <= limit:
                found = read(json.loads(path.read_bytes()))
                if found is not None:
                    return found
        except (OSError, ValueError, RecursionError):
            pass  # none yet, or not JSON: made again
    made = make()
    if folder is not None:
        from kg.rdf.export import write_file

        data = json.dumps(record(made), ensure_ascii=False).encode("utf-8")
        written = None
        try:
            written = write_file(folder, name, data, temporary=True)
            os.replace(written, folder / name)
        except OSError:
            if written is not None:
                written.unlink(missing_ok=True)
    return made


def open_read_only(store_dir: str | Path) -> ox.Store:
    """A store folder; for OUT/.store, the store of the build published there."""
    return ox.Store.read_only(str(store_db(store_dir)))
