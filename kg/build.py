"""One build: load and check the seeds, map to RDF, validate, write the exports and their store.

A build is published as one generation, so a reader sees all of the old build or all of the
new one, or is told the exports are half-published:

0. make a fresh generation folder, OUT/.store/<id>/, seen by no reader, and claim it (an
   flock on it) while the build fills it. A full validation by kg's own engine
   (kg.rdf.shacl_lines, which holds Python's lock) runs once kg.nt is sorted: in a process of
   its own for a large graph (kg.rdf.validate_beside), its verdict taken once the analytics are
   done, else on the first core; meanwhile the second fills the generation's store. A graph
   that does not conform stops the build there. Other validations (changed nodes only, or
   pyshacl-turbo for shapes that engine cannot run, begun while the first core sorts) run on
   the second core first, which then, if the graph conforms, fills the store. The store gets kg.nt, kg.trig and the
   analytics, the first core taking the loads the second has not begun once its own work is
   done. A first build (nothing to compare with) writes kg.nt and kg.trig into the
   generation before the analytics, and every other export as soon as it is made, and lets
   their bytes go (a province's exports are 1.3 GB);
1. lock OUT (an flock on the folder itself): a second build into OUT waits up to `wait`
   seconds, then gives up with exit code 2;
2. remove what killed builds left: older generations under OUT/.store/ that no running
   build claims, temporaries;
3. stage every export file not staged yet in the generation, await the verdict (a graph
   that does not conform removes the generation again), and complete its store;
4. publish: rename each file into OUT/, point the link OUT/.store/current (what store_of
   names) at the new store, then write the manifest OUT/.store.json (generation, store,
   sha256 of every file, seeds fingerprint) in one rename, the commit point; then remove the
   previous generation.

Readers (kg.rdf.store) trust the store only while the files in OUT are the ones the manifest
records; a build killed during step 4 is reported as such until the next build repairs it.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import hashlib
import io
import json
import os
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any, Callable, Generic, NamedTuple, TypeVar, cast

import pyoxigraph as ox

from kg import code, filewise
from kg.collector import collector_paused, memory_released
from kg.errors import CannotWrite, KgError, counted, first_names
from kg.graph.projection import project_triples, unread_by_analytics
from kg.graph.scores import analytics_for
from kg.project import CURRENT, STORE_NAME, store_of
from kg.rdf import validate_beside
from kg.rdf.export import (PATCH_MAX, Hashing, ReadBack, ntriples, patch_jsonld, patch_turtle,
                           render, sync_folder, trig, write_file, write_ntriples)
from kg.rdf.incremental import (SortedNTriples, Spliced, focus_nodes, neighbourhood,
                                parse_lines, sorted_difference)
from kg.rdf.mapping import DEFAULT_BASE, map_seeds
from kg.rdf.store import (Load, StoreDelta, StoreMeta, analytics_graph, db_of, fill_store,
                          load_in_pieces, read_manifest, read_meta, seeds_digests,
                          seeds_fingerprint, seeds_stat, store_difference, update_store,
                          write_manifest)
from kg.rdf.validate import (NotConforming, ValidationResult, incoming_predicates,
                             ntriples_store, runs_on_lines, validate_handed, validate_ntriples,
                             validate_store, validation_fingerprint)
from kg.seeds.loader import MAX_SEED_BYTES, load_seeds

T = TypeVar("T")
WAIT = 600.0  # seconds a build waits for another build into the same folder
CRASH_AT = "KG_TEST_CRASH_AT"  # tests only: SIGKILL the build at this step
FAIL_AT = "KG_TEST_FAIL_AT"  # tests only: a full disk (ENOSPC) at this step
PAUSE_AT = "KG_TEST_PAUSE_AT"  # tests only: wait here (up to a minute) to be interrupted
# What a build with a store publishes, in the order a cold build tells them.
EXPORT_ORDER = ("kg.ttl", "kg.nt", "kg.jsonld", "kg.trig", "analytics.ttl")


@dataclass
class BuildResult:
    files: list[Path]
    entities: int
    facts: int
    triples: int
    store: Path | None
    up_to_date: bool = False  # nothing changed since the last build: nothing was written


class BuildRunning(KgError):
    """Another build holds the output folder for longer than we wait."""


def _step(name: str) -> None:
    """A named point of the publishing sequence, where tests kill, fail or pause the build."""
    if os.environ.get(PAUSE_AT) == name:
        # In short sleeps: a Ctrl-C the kernel hands to another thread (a Rust worker's) is
        # seen by this one between two of them, not after a minute.
        for _ in range(600):
            time.sleep(0.1)
    if os.environ.get(CRASH_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(FAIL_AT) == name:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@contextmanager
def locked(out: Path, wait: float, notice: Callable[[str], None]) -> Iterator[None]:
    """Hold an exclusive flock on the folder `out` itself (no lock file to leave behind)."""
    try:
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise CannotWrite(out, exc) from None
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildRunning(
                        f"{out}: another 'kg build' is writing there (waited {wait:g} s); "
                        "run again when it is done, or wait longer with --wait SECONDS") from None
                if not told:
                    notice(f"another 'kg build' is writing {out}/; waiting for it "
                             f"(up to {wait:g} s)")
                    told = True
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # releases the lock


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class Claim:
    """An exclusive flock on a generation folder while this build fills it, so that another
    build's `clean_up` leaves it alone; a killed build's claim ends with it. Raises
    BlockingIOError when another build holds it."""

    def __init__(self, folder: Path):
        self._fd: int | None = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Claim:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _claimed_by_a_build(path: Path) -> bool:
    try:
        Claim(path).release()
    except BlockingIOError:
        return True
    except OSError:
        pass  # not a folder (or gone)
    return False


def clean_up(out: Path, names: list[str]) -> None:
    """Remove what killed builds left in `out`: every generation but the published one and
    those builds still running are filling (a store folder of an older kg too), the
    manifest's temporary, temporaries of the files."""
    store_dir = out / STORE_NAME
    meta = read_manifest(store_dir)
    keep = {meta.generation, CURRENT} if meta and meta.store else set()  # no store: files only
    if store_dir.is_dir() and not store_dir.is_symlink():
        for entry in store_dir.iterdir():
            if entry.name not in keep and not _claimed_by_a_build(entry):
                _remove(entry)
    leftovers = [f".{name}.*.tmp" for name in names] + [
        f"{store_dir.name}.new", f"{store_dir.name}.old", f"{store_dir.name}.json.tmp"]
    for pattern in leftovers:
        for path in out.glob(pattern):
            _remove(path)


SYNTAXES = {"kg.nt": ox.RdfFormat.N_TRIPLES, "kg.trig": ox.RdfFormat.TRIG}  # the store's files


def store_loads(folder: Path, names: list[str], base: str) -> list[Load]:
    """What the store of a build is filled from, its staged files: the union (kg.nt) and the
    analytics in the default graph, each source's graph (kg.trig), the analytics in theirs."""
    loads: list[Load] = [(folder / name, syntax, None) for name, syntax in SYNTAXES.items()]
    if "analytics.ttl" in names:
        loads += [(folder / "analytics.ttl", ox.RdfFormat.TURTLE, None),
                  (folder / "analytics.ttl", ox.RdfFormat.TURTLE, analytics_graph(base))]
    return loads


def new_generation(out: Path) -> Path:
    """A fresh generation folder, OUT/.store/<id>/, seen by no reader until the commit."""
    store_dir = out / STORE_NAME
    store_dir.mkdir(exist_ok=True)
    folder = store_dir / f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
    folder.mkdir()
    return folder


class Staged(NamedTuple):
    """An export written into the generation folder before the rest, its bytes let go."""
    path: Path
    digest: str  # sha256, hex


Rendered = dict[str, "bytes | Spliced | Staged"]


class Published(NamedTuple):
    """An export of the last build, as its manifest records it: this build's is the same."""
    path: Path  # OUT/name
    digest: str
    stat: tuple[int, int, int]  # inode, size, mtime_ns


def published_as(out: Path, meta: StoreMeta, names: set[str]) -> dict[str, Published]:
    """Those of `names` that the build `meta` records publishing in `out`."""
    return {name: Published(out / name, sha, (ino, size, mtime))
            for name, sha, ino, size, mtime in meta.files if name in names}


def same_as_published(out: Path, meta: StoreMeta, name: str,
                      data: bytes | Spliced | Staged) -> bool:
    """Whether `data` holds the bytes of OUT/`name` as the build `meta` published it."""
    handle = published_file(out, name, meta)
    if handle is None:
        return False
    with handle:
        return handle.read() == content(data)


def linked(folder: Path, name: str, published: Published) -> Staged | None:
    """The published file hard-linked into the generation folder, when it is still the one
    the manifest records (an inode's bytes never change once published: a build replaces
    files, never writes into them); else None, and the file is written."""
    target = folder / name
    try:
        os.link(published.path, target)
        st = target.stat()
    except OSError:
        return None
    if (st.st_ino, st.st_size, st.st_mtime_ns) != published.stat:  # replaced since
        target.unlink()
        return None
    return Staged(target, published.digest)


def stage(folder: Path, name: str, data: bytes | Spliced | Staged,
          progress: Callable[[str], None], same: Published | None = None) -> Staged:
    """Write one export into the generation folder (unless written already); a Spliced one
    piece by piece, hashed as it goes. One the same as the last build's (`same`) is linked."""
    if isinstance(data, Staged):
        return data
    if same is not None and (kept := linked(folder, name, same)) is not None:
        progress(f"kept {name} as the last build published it (linked, not written)")
        return kept
    if isinstance(data, Spliced):
        return stage_made(folder, name, data.write_to, progress)
    _step(f"stage:{name}")
    write_file(folder, name, data)
    progress(f"wrote {name} ({len(data):,} bytes)")
    return Staged(folder / name, hashlib.sha256(data).hexdigest())


def stage_made(folder: Path, name: str, write: Callable[[IO[bytes]], None],
               progress: Callable[[str], None]) -> Staged:
    """Write one export into the generation folder as `write` makes it, never whole in memory."""
    _step(f"stage:{name}")
    hashing = Hashing()
    path = write_file(folder, name, lambda into: write(hashing.through(into)))
    progress(f"wrote {name} ({hashing.size:,} bytes)")
    return Staged(path, hashing.hashed.hexdigest())


def content(data: bytes | Spliced | Staged) -> bytes:
    """An export's bytes, read back if staged."""
    if isinstance(data, Staged):
        return data.path.read_bytes()
    return bytes(data) if isinstance(data, Spliced) else data


def kept_as(rendered: Rendered, name: str) -> bytes | Path:
    """An export as kept now: its bytes, or the file it was staged as."""
    data = rendered[name]
    return data.path if isinstance(data, Staged) else content(data)


def digest(data: bytes | Spliced | Staged) -> str:
    return data.digest if isinstance(data, Staged) else hashlib.sha256(content(data)).hexdigest()


def stage_files(folder: Path, rendered: Rendered, progress: Callable[[str], None],
                same: dict[str, Published]) -> None:
    """Write every file not yet written into the generation folder (those the same as the
    last build's linked); `rendered` then holds each as staged, its hash taken once."""
    for name, data in rendered.items():
        rendered[name] = stage(folder, name, data, progress, same.get(name))
    _step("staged")


def stage_store(folder: Path, rendered: Rendered, meta: StoreMeta, with_store: bool,
                base: str, progress: Callable[[str], None], loaded: frozenset[str],
                delta: Callable[[], StoreDelta | None]) -> StoreMeta:
    """Make the generation's store, and return the build's manifest. The store is what
    `loaded` (files an early fill put into folder/db) leaves to load, or else a copy of the
    last build's store updated by `delta()`, or else filled from the staged files."""
    quads, db = 0, ""
    if with_store:
        started = time.perf_counter()
        update = None if loaded else delta()
        if update is not None:
            progress(f"updating a copy of the last build's store: "
                     f"{counted(len(update.added), 'triple')} added, "
                     f"{len(update.removed):,} removed, "
                     f"{counted(len(update.graphs), 'named graph')} replaced")
            quads = update_store(folder / "db", update)
            progress(f"the store holds {counted(quads, 'quad')} "
                     f"(updated in {time.perf_counter() - started:.1f} s)")
        else:
            loads = [load for load in store_loads(folder, list(rendered), base)
                     if not isinstance(load[0], Path) or load[0].name not in loaded]
            progress(f"filling the embedded store at {folder.parent}" if not loaded else
                     f"completing the embedded store at {folder.parent} (holding "
                     f"{', '.join(sorted(loaded))} already)" if loads else
                     f"compacting the embedded store at {folder.parent}")
            quads = fill_store(folder / "db", loads)
            progress(f"stored {counted(quads, 'quad')} "
                     f"({time.perf_counter() - started:.1f} s)")
        db = f"{STORE_NAME}/{folder.name}/db"
    _step("stored")
    files = []
    for name in rendered:
        st = (folder / name).stat()
        files.append((name, digest(rendered[name]), st.st_ino, st.st_size, st.st_mtime_ns))
    return meta._replace(quads=quads, generation=folder.name, store=db,
                         files=tuple(sorted(files)))


def commit(out: Path, folder: Path, names: list[str], meta: StoreMeta) -> None:
    """Rename each staged file into `out`, point OUT/.store/current at the new store, then
    write the manifest: the commit point."""
    for i, name in enumerate(names, 1):
        os.replace(folder / name, out / name)
        # A file linked from the last build is already in place: renaming a link over its
        # own file changes nothing and leaves the link, which goes now.
        (folder / name).unlink(missing_ok=True)
        _step(f"publish:{i}")
    if meta.store:
        link = out / STORE_NAME / f".{CURRENT}.tmp"
        link.unlink(missing_ok=True)
        link.symlink_to(Path(meta.store).relative_to(STORE_NAME))
        os.replace(link, store_of(out))
    sync_folder(out)
    sync_folder(out / STORE_NAME)
    _step("published")
    write_manifest(out / STORE_NAME, meta)
    sync_folder(out)
    _step("manifest")


@contextmanager
def writing(out: Path, kept: str = "nothing was changed") -> Iterator[None]:
    """Any OSError inside becomes CannotWrite naming the file and what was `kept`."""
    try:
        yield
    except OSError as exc:
        raise CannotWrite(exc.filename or out, exc, kept) from None


def published_file(out: Path, name: str, meta: StoreMeta) -> IO[bytes] | None:
    """OUT/`name` of the build `meta` records as published in `out`, open, when the file is
    the one the manifest records; else None."""
    recorded = {file: (ino, size, mtime) for file, _sha, ino, size, mtime in meta.files}
    if name not in recorded:
        return None
    try:
        handle = open(out / name, "rb")
    except OSError:
        return None
    st = os.fstat(handle.fileno())  # of the file we read, even if a build replaces it now
    if (st.st_ino, st.st_size, st.st_mtime_ns) != recorded[name]:
        handle.close()
        return None
    return handle


def previous_analytics(out: Path, key: str) -> bytes | None:
    """OUT/analytics.ttl of the build published in `out`, when it was made under `key`
    (kg.graph.scores.analytics_key); else None."""
    meta = read_manifest(out / STORE_NAME)
    handle = published_file(out, "analytics.ttl", meta) \
        if meta is not None and meta.analytics == key else None
    if handle is None:
        return None
    with handle:
        return handle.read()


class RunOnce(Generic[T]):
    """Work that the first thread free for it runs (`run`), once; `result()` waits for its
    value or raises what it raised. A build's early fill: its second core runs it once the
    graph conforms, or, while that core still validates, a thread the first core starts when
    its own work is done, so neither core waits idle for the other."""

    def __init__(self, work: Callable[[], T]):
        self._work: Callable[[], T] | None = work
        self._claimed = threading.Lock()
        self._done = threading.Event()
        self._value: list[tuple[bool, Any]] = []

    def run(self) -> None:
        """Run the work on this thread, unless a thread has begun it already."""
        if not self._claimed.acquire(blocking=False):
            return
        work, self._work = self._work, None  # what it holds goes once it is done
        assert work is not None  # run once: the lock is held for good
        try:
            self._value.append((True, work()))
        except BaseException as exc:  # handed to the thread that waits
            self._value.append((False, exc))
        finally:
            del work
            self._done.set()

    def result(self) -> T:
        self._done.wait()
        ok, value = self._value[0]
        if not ok:
            raise value
        return value


def _run_all(work: list[RunOnce[Any]]) -> None:
    for each in work:
        each.run()


class Background(Generic[T]):
    """A function running on a daemon thread (an interrupted build does not wait for it);
    `result()` waits for its value or raises what it raised."""

    def __init__(self, work: Callable[[], T]):
        self._work = RunOnce(work)
        self._thread = threading.Thread(target=self._work.run, daemon=True)
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the function to end (or `timeout` seconds), whatever it gives."""
        self._thread.join(timeout)

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> T:
        self._thread.join()
        return self._work.result()


INTERRUPTED_WAIT = 5.0  # seconds an interrupted build waits for its second core to stop
CHANGED_MAX = 0.25  # above this share of changed triples, validating everything is cheaper

Difference = tuple[list[bytes], list[bytes]]  # kg.nt lines added, removed


@dataclass
class PreviousBuild:
    """The build published in OUT when this one began, and how kg.nt changed since: read once,
    on a thread, for the validation and for the store; None when more than CHANGED_MAX of the
    triples changed (doing everything again is cheaper)."""

    meta: StoreMeta
    difference: Background[Difference | None]

    @functools.cached_property
    def changes(self) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
        """The difference's lines as triples (added, removed), parsed once for all that
        read them; None as for `difference`."""
        difference = self.difference.result()
        return None if difference is None else (parse_lines(difference[0]),
                                                parse_lines(difference[1]))

    def reusable(self) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
        """`changes`, when the same kg made this build, so that its parts may be reused."""
        return self.changes if self.meta.code == code.version().hex() else None


def previous_build(out: Path, nt: bytes, triples: int) -> PreviousBuild | None:
    """The build published in `out`, when its kg.nt is the file its manifest records."""
    meta = read_manifest(out / STORE_NAME)
    handle = None if meta is None else published_file(out, "kg.nt", meta)
    if meta is None or handle is None:
        return None

    def difference() -> Difference | None:
        with handle:
            added, removed = sorted_difference(handle, io.BytesIO(nt))
        return (added, removed) if len(added) + len(removed) <= CHANGED_MAX * triples else None

    return PreviousBuild(meta, Background(difference))


def store_delta(out: Path, rendered: Rendered, previous: PreviousBuild | None,
                base: str, graphs: tuple[bytes, dict[bytes, bytes | None]] | None = None
                ) -> StoreDelta | None:
    """How the store of `rendered` differs from the store published in `out`, when that is
    still the `previous` build, its kg.trig and analytics.ttl are as the manifest records, the
    analytics are the same and few triples changed; else None (the store is filled from the
    files). `graphs`, when known (kg.filewise): kg.trig's prefixes and the new block of each
    named graph that changed, so neither TriG is split into its blocks. Called under the
    build's lock, so the published build cannot change meanwhile."""
    meta = read_manifest(out / STORE_NAME)
    if previous is None or meta is None or meta.generation != previous.meta.generation \
            or not meta.store or not db_of(out / STORE_NAME, meta).is_dir():
        return None
    difference = previous.difference.result()
    if difference is None:
        return None
    with ExitStack() as opened:
        files: dict[str, IO[bytes]] = {}
        for name in ("kg.trig", "analytics.ttl"):
            handle = published_file(out, name, meta)
            if handle is None:
                return None
            files[name] = opened.enter_context(handle)
        if files["analytics.ttl"].read() != content(rendered["analytics.ttl"]):
            return None
        if graphs is not None:
            return StoreDelta(db_of(out / STORE_NAME, meta), *difference, *graphs,
                              analytics_graph(base), meta.quads or -1)
        delta = store_difference(db_of(out / STORE_NAME, meta), *difference,
                                 files["kg.trig"].read(), content(rendered["kg.trig"]),
                                 analytics_graph(base))
        return None if delta is None else delta._replace(quads=meta.quads or -1)


def analytics_of_difference(out: Path, previous: PreviousBuild | None, ntriples: bytes,
                            why: Callable[[str], object] = lambda _reason: None
                            ) -> tuple[bytes, str] | None:
    """The last build's analytics.ttl and its key, when the same kg made them and what changed
    since is unread by them (`unread_by_analytics`: provenance, and the names of what they
    do not assess): kept without projecting. Else None, and `why` is told the reason."""
    if previous is None or not previous.meta.analytics or (changes := previous.reusable()) is None:
        why("the last build has no analytics this kg can keep")
        return None
    if not unread_by_analytics(*changes, SortedNTriples(ntriples)):
        why("what changed is read by the analytics (a link, its attributes, or the name of "
            "a park, chain or segment), which are computed on the whole graph")
        return None
    kept = previous_analytics(out, previous.meta.analytics)
    if kept is None:
        why("the last analytics.ttl is not the file published")
        return None
    return kept, previous.meta.analytics


def patched_exports(out: Path, previous: PreviousBuild | None,
                    ntriples: bytes) -> dict[str, Spliced]:
    """The exports this build can make by patching the last build's, when the same kg made
    them and few triples changed since: kg.ttl and kg.jsonld, each with the part of every
    subject whose triples changed written anew (`patch_turtle`, `patch_jsonld`);
    tests/test_rebuild.py holds them equal to the whole files written anew."""
    if previous is None or (changes := previous.reusable()) is None:
        return {}  # no last build, another kg made it, or too much changed
    subjects = {t.subject for t in changes[0] + changes[1]}
    if len(subjects) > PATCH_MAX or not all(isinstance(s, ox.NamedNode) for s in subjects):
        return {}
    graph = SortedNTriples(ntriples)
    nodes = {s: [(t.subject, t.predicate, t.object) for t in parse_lines(graph.subject_lines(s))]
             for s in subjects if isinstance(s, ox.NamedNode)}
    patched = {}
    for name, patch in (("kg.ttl", patch_turtle), ("kg.jsonld", patch_jsonld)):
        handle = published_file(out, name, previous.meta)
        if handle is not None:
            with handle:
                new = patch(handle.read(), nodes)
            if new is not None:
                patched[name] = new
    return patched


def validate_changes(ntriples: bytes, triples: int, previous: PreviousBuild | None,
                     ontology_dir: str | Path,
                     progress: Callable[[str], None]) -> ValidationResult:
    """Validate the `triples` triples that `ntriples` holds as sorted N-Triples: in full, or,
    given the previous build (validated the same way, so it conformed) and how kg.nt changed
    since, only the nodes the difference touches, on their neighbourhood, read from the lines
    in place (kg.rdf.incremental); the verdict is the same either way."""
    changes = None if previous is None else previous.changes
    if changes is not None:
        added, removed = changes
        graph = SortedNTriples(ntriples)
        focus = focus_nodes(added + removed, graph)
        progress(f"{len(added):,} triples added and {len(removed):,} removed since the "
                 f"last build: validating the {counted(len(focus), 'node')} they touch")
        result = validate_store(neighbourhood(graph, focus, incoming_predicates(ontology_dir)),
                                ontology_dir, focus_nodes=focus)
        result.triples = triples
        return result
    progress(f"validating {counted(triples, 'triple')} against {ontology_dir}/shapes.ttl")
    return validate_ntriples(ntriples, triples, ontology_dir, partial(ntriples_store, ntriples))


def said_validated(verdict: ValidationResult, triples: int, seconds: float,
                   progress: Callable[[str], None]) -> None:
    progress(f"validated {counted(triples, 'triple')} ({triples / max(seconds, 1e-9):,.0f}/s): "
             f"{counted(len(verdict.violations), 'violation')}")


def validated_here(ntriples: bytes, triples: int, ontology_dir: str | Path,
                   progress: Callable[[str], None]) -> ValidationResult:
    """A full validation of kg.nt in this process; NotConforming if the graph breaks a shape."""
    began = time.perf_counter()
    verdict = validate_changes(ntriples, triples, None, ontology_dir, progress)
    said_validated(verdict, triples, time.perf_counter() - began, progress)
    if not verdict.conforms:
        raise NotConforming(verdict)
    return verdict


def validate_rows(handed: list[bytes], ontology_dir: str | Path,
                  progress: Callable[[str], None]) -> ValidationResult:
    """A full validation of the mapped rows' triples, handed over as N-Triples in a one-item
    list (`validate_handed` takes them out) before they are sorted: in the rows' order, a
    triple given by two rows twice. The result counts the lines; the build sets the count of
    triples once they are sorted."""
    lines = handed[0].count(b"\n")
    progress(f"validating the triples of {counted(lines, 'mapped row')} against "
             f"{ontology_dir}/shapes.ttl, while they are sorted")
    return validate_handed(handed, lines, ontology_dir)


class Once(Generic[T]):
    """A value one thread sets (the first setting counts) and another waits for."""

    def __init__(self) -> None:
        self._set = threading.Event()
        self._value: list[T] = []

    def set(self, value: T) -> None:
        if not self._set.is_set():
            self._value.append(value)
            self._set.set()

    def wait(self) -> T:
        self._set.wait()
        return self._value[0]


def full_fill_expected(previous: PreviousBuild | None, analytics_kept: Once[bool]) -> bool:
    """Whether the store will be filled whole rather than updated from the last build's
    (`store_delta`): there is no last build, or many triples changed, or the analytics did."""
    if previous is None or previous.difference.result() is None:
        return True
    return not analytics_kept.wait()


class EarlyStore:
    """The generation's store while a build's two cores fill it early, each its own files at
    the same time (Oxigraph takes concurrent bulk loads): opened by the first load, closed
    (`close`) once both are done, before the build completes and compacts it."""

    def __init__(self, db: Path):
        self._db = db
        self._lock = threading.Lock()
        self._store: ox.Store | None = None

    def load(self, data: bytes | Path, syntax: ox.RdfFormat, graph: str | None = None) -> None:
        with self._lock:
            if self._store is None:
                self._store = ox.Store(str(self._db))
            store = self._store
        load_in_pieces(store, data, syntax, graph)

    def close(self) -> None:
        """Flush and close the store (a no-op if never opened); call once no load runs."""
        with self._lock:
            store, self._store = self._store, None
        if store is not None:
            store.flush()
            del store  # closes RocksDB


def fill_early(store: EarlyStore, ready: Rendered, name: str,
               wanted: Callable[[], bool], progress: Callable[[str], None],
               stop: threading.Event) -> frozenset[str]:
    """When `wanted()` says the store will be filled whole, load `name` (kg.nt or kg.trig, if
    rendered by then) into the generation's `store`; return the names of the files loaded.
    Once `stop` is set (the build failed, or its graph does not conform), no load begins: one
    begun (half a minute at most for a province) is finished, and a store not yet opened is
    never made."""
    if name not in ready or not wanted() or stop.is_set():
        return frozenset()
    started = time.perf_counter()
    store.load(kept_as(ready, name), SYNTAXES[name])  # a file staged is read piece by piece
    progress(f"stored {name} early ({time.perf_counter() - started:.1f} s)")
    _step("stored early")
    return frozenset({name})


ANALYTICS_PARTS = ("analytics.ttl (default graph)", "analytics.ttl (analytics graph)")


def fill_analytics_early(store: EarlyStore, into_graph: bool, wanted: Callable[[], bool],
                         analytics: Once[bytes | None], base: str,
                         progress: Callable[[str], None],
                         stop: threading.Event) -> frozenset[str]:
    """`fill_early` for the analytics, once computed (None: they were not), into the default
    graph or into their own (`into_graph`); returns that part's name (`ANALYTICS_PARTS`)."""
    if not wanted() or stop.is_set():
        return frozenset()
    turtle = analytics.wait()
    if turtle is None or stop.is_set():
        return frozenset()
    started = time.perf_counter()
    store.load(turtle, ox.RdfFormat.TURTLE, analytics_graph(base) if into_graph else None)
    part = ANALYTICS_PARTS[into_graph]
    progress(f"stored {part} early ({time.perf_counter() - started:.1f} s)")
    return frozenset({part})


def early_fills(store: EarlyStore, ready: Rendered, wanted: Callable[[], bool],
                analytics: Once[bytes | None], base: str, progress: Callable[[str], None],
                stop: threading.Event) -> list[RunOnce[frozenset[str]]]:
    """A build's early loads, one job each, which either core takes when free: the second
    from the first job on, once it has validated, the first from the last on, once its own
    work is done, so they load side by side until none is left."""
    return [RunOnce(partial(fill_early, store, ready, name, wanted, progress, stop))
            for name in SYNTAXES] + \
        [RunOnce(partial(fill_analytics_early, store, into_graph, wanted, analytics, base,
                         progress, stop)) for into_graph in (False, True)]


def loaded_early(fills: list[RunOnce[frozenset[str]]]) -> frozenset[str]:
    """The files the early loads put into the store whole (waiting for them)."""
    parts = frozenset().union(*(fill.result() for fill in fills))
    whole = parts - set(ANALYTICS_PARTS)
    return whole | {"analytics.ttl"} if parts >= set(ANALYTICS_PARTS) else whole


def second_core(validation: list[Callable[[], ValidationResult]],
                early_fills: list[RunOnce[frozenset[str]]],
                stop: threading.Event) -> ValidationResult | None:
    """What a build's second core does: validate (the one function in `validation`, taken
    out so what it holds is freed once it is done), then, if the graph conforms, run the
    early fills the first core has not begun; a graph that does not conform stops the fills
    begun meanwhile. Returns the verdict (None: not validated)."""
    result = validation.pop()() if validation else None
    if result is not None and not result.conforms:
        stop.set()
    else:
        _run_all(early_fills)
    return result


@dataclass
class Quick:
    """A build made from the last one and the seeds files that changed (kg.filewise), with
    what it keeps of the last build: its analytics and its patched kg.ttl and kg.jsonld."""

    rebuilt: filewise.Rebuilt
    previous: PreviousBuild
    analytics: tuple[bytes, str] | None  # None: computed anew from the patched kg.nt
    patched: dict[str, Spliced]  # those not patched are written anew from it
    generation: Path  # the last build's, whose copies of the unchanged seeds files are linked


def unchanged_build(out: Path, fingerprint: str, base: str, validate: bool,
                    ontology_dir: str | Path) -> StoreMeta | None:
    """The manifest of the build published whole in `out` (its exports and store as it
    published them), when this build would publish the same: the same kg made it from seeds of
    the same bytes (`fingerprint`) under the same base IRI and, when this one validates, it
    was validated against the same ontology and shapes. Else None."""
    meta = read_meta(out / STORE_NAME)
    if meta is None or not meta.base or meta.base != base or meta.seeds != fingerprint \
            or meta.code != code.version().hex() \
            or sorted(name for name, *_ in meta.files) != sorted(EXPORT_ORDER):
        return None
    if validate and meta.validated != validation_fingerprint(ontology_dir):
        return None
    return meta


def keep_unchanged(out: Path, seeds_dir: str | Path, seen: tuple[str, str], base: str,
                   validate: bool, ontology_dir: str | Path, wait: float,
                   notice: Callable[[str], None]) -> BuildResult | None:
    """Leave the build published in `out` as it is when nothing changed since
    (`unchanged_build`), recording only where the seeds are now and their stat (a touched
    file's new mtime), so that readers still need not hash them. None when it must be built."""
    if unchanged_build(out, seen[0], base, validate, ontology_dir) is None:
        return None  # checked before the lock too: a first build makes nothing here
    with locked(out, wait, notice):
        meta = unchanged_build(out, seen[0], base, validate, ontology_dir)
        if meta is None:  # another build published meanwhile
            return None
        now = meta._replace(seeds_dir=str(Path(seeds_dir).resolve()),
                            seeds_stat=read_seeds_stat(seeds_dir, seen))
        if now != meta:  # else not even the manifest is written: OUT may be read-only
            with writing(out):
                write_manifest(out / STORE_NAME, now)
        try:
            clean_up(out, list(EXPORT_ORDER))  # what a killed build left
        except OSError:
            pass  # leftovers go next time
    entities, facts, triples = meta.counts
    return BuildResult([out / name for name in EXPORT_ORDER], entities, facts, triples,
                       store_of(out), up_to_date=True)


def from_changed_files(out: Path, seeds_dir: Path, digests: dict[str, str], base: str,
                       progress: Callable[[str], None]) -> Quick | None:
    """The build of `seeds_dir` made from the one published in `out` and the seeds files that
    changed since, when the same kg made it and it kept a record (kg.filewise): its kg.nt and
    kg.trig patched, with what else can be kept: its analytics (when what changed is unread
    by them) and its kg.ttl and kg.jsonld (patched, when few subjects changed). None
    otherwise: every file is read, and `progress` is told why when there is a last build."""
    meta = read_manifest(out / STORE_NAME)
    if meta is None:
        return None  # a first build: nothing to say

    def every_file(reason: str) -> Quick | None:
        progress(f"every seeds file is read: {reason}")
        return None

    if not meta.rebuild:
        return every_file("the last build kept no record of its seeds files")
    if meta.code != code.version().hex():
        return every_file("another version of kg made the last build")
    generation = out / STORE_NAME / meta.generation
    place = generation / filewise.FOLDER
    unreadable = "the last build's record of its seeds files is not as it was written"
    try:
        with open(place / filewise.RECORD, "rb") as record_file:
            data = record_file.read(filewise.RECORD_LIMIT + 1)
        if len(data) > filewise.RECORD_LIMIT or hashlib.sha256(data).hexdigest() != meta.rebuild:
            return every_file(unreadable)
        with collector_paused():
            record = filewise.read_record(json.loads(data))
    except (OSError, ValueError, RecursionError):
        return every_file(unreadable)
    if record is None:
        return every_file(unreadable)
    graphs = {}
    for name in ("kg.nt", "kg.trig"):
        handle = published_file(out, name, meta)
        if handle is None:
            return every_file(f"{out.name}/{name} is not the file the last build published")
        with handle:
            graphs[name] = handle.read()

    def copy_of(name: str) -> bytes | None:
        try:
            with open(place / filewise.COPIES / name, "rb") as copy:
                return copy.read(MAX_SEED_BYTES + 1)
        except OSError:
            return None

    rebuilt = filewise.rebuild(seeds_dir, record, digests, copy_of, graphs["kg.nt"],
                               graphs["kg.trig"], base, code.version().hex(), why=every_file)
    if rebuilt is None:
        return None
    del graphs
    difference = (rebuilt.added, rebuilt.removed)
    previous = PreviousBuild(meta, Background(lambda: difference))
    # The analytics are global: when what changed is read by them they are computed anew, on
    # the patched kg.nt (a cold build's), as is what cannot be patched.
    analytics = analytics_of_difference(out, previous, rebuilt.ntriples, why=lambda reason:
                                        progress(f"analytics.ttl is made anew: {reason}"))
    patched = patched_exports(out, previous, rebuilt.ntriples)
    changed = rebuilt.changed
    progress(("no seeds file changed since the last build" if not changed else
              f"{counted(len(changed), 'seeds file')} changed since the last build "
              f"({first_names(changed)}): "
              f"{'it alone is' if len(changed) == 1 else 'they alone are'} read")
             + f"; {counted(len(rebuilt.added), 'triple')} added and "
               f"{len(rebuilt.removed):,} removed")
    return Quick(rebuilt, previous, analytics, patched, generation)


def keep_record(folder: Path, record: filewise.Packed, seeds_dir: Path,
                quick: Quick | None) -> str:
    """Keep the build's record of its seeds files in its generation `folder` (kg.filewise);
    its sha256 for the manifest, "" when it cannot be kept (the next build reads every file)."""
    def copies_from(name: str) -> Path | None:
        if quick is None or name not in quick.rebuilt.unchanged_copies:
            return None
        return quick.generation / filewise.FOLDER / filewise.COPIES / name

    try:
        return filewise.keep(folder, record, seeds_dir, copies_from)
    except OSError:
        return ""


def read_seeds_stat(seeds_dir: str | Path, seen: tuple[str, str]) -> str:
    """The seeds' stat to record, given (fingerprint, stat) taken before they were read. When a
    file had just changed then (racy: "" was taken), seconds later the same bytes let the stat
    of now stand for them, so readers need not hash the seeds; else "" (readers hash them)."""
    if seen[1]:
        return seen[1]
    stat_now = seeds_stat(seeds_dir, time.time_ns())
    return stat_now if stat_now and seeds_fingerprint(seeds_dir) == seen[0] else ""


def build(seeds_dir: str | Path, out_dir: str | Path, ontology_dir: str | Path,
          base: str = DEFAULT_BASE, validate: bool = True,
          progress: Callable[[str], None] = lambda _: None,
          with_store: bool = True, wait: float = WAIT,
          notice: Callable[[str], None] | None = None, cold: bool = False) -> BuildResult:
    """Build the exports from the seeds into `out_dir`, and its embedded store `out_dir/.store`.

    Raises InputError or NotConforming before anything is written, BuildRunning when another
    build holds `out_dir` longer than `wait` seconds, CannotWrite when a write fails.
    `notice` is told that the build waits for another (default: `progress`).
    Unless `cold`, validation looks only at the nodes that changed since the build published
    in `out_dir`, when that build was validated the same way (see `validate_changes`), and
    that build's analytics.ttl is kept when made from the same projection (`analytics_for`).
    """
    progress(f"loading and checking seeds in {seeds_dir}/")
    # The seeds as read: taken before reading, so an edit during the build makes the store stale.
    fingerprint, digests = seeds_digests(seeds_dir)
    seeds_seen = (fingerprint, seeds_stat(seeds_dir, time.time_ns()))
    out = Path(out_dir)
    if not cold and with_store:
        kept_whole = keep_unchanged(out, seeds_dir, seeds_seen, base, validate, ontology_dir,
                                    wait, notice or progress)
        if kept_whole is not None:
            progress("nothing changed since the last build (the same seeds, kg, base IRI and "
                     "shapes): its exports and store are kept as published")
            return kept_whole
    quick = None if cold or not with_store else from_changed_files(
        out, Path(seeds_dir), digests, base, progress)
    mapped = None
    union: ReadBack | None = None  # what is serialised and projected, once rendered
    early: list[Background[ValidationResult]] = []  # a full validation begun while mapping
    if quick is None:
        seeds = load_seeds(seeds_dir)
        progress(f"{counted(len(seeds.entities), 'entity', 'entities')} and "
                 f"{counted(len(seeds.facts), 'fact')} from {counted(len(seeds.files), 'file')}; "
                 "mapping to RDF")
        # Without a last build to compare with, the validation is a full one: the second
        # core begins it on the mapped rows while this one sorts and serialises them.
        def validate_early(text: bytes) -> None:
            early.append(Background(partial(validate_rows, [text], ontology_dir, progress)))

        # pyshacl-turbo begins early, on the second core; kg's own engine (kg.rdf.shacl_lines,
        # when it runs the shapes) reads the sorted kg.nt on this core, which is faster still.
        # A last build published in out, that this one compares its kg.nt with.
        beside_last = not cold and (validate or with_store) \
            and read_manifest(out / STORE_NAME) is not None
        in_full = validate and not beside_last and not runs_on_lines(ontology_dir)
        mapped = map_seeds(seeds, base=base, progress=progress,
                           unsorted=validate_early if in_full else None)
        entities, facts, triples = len(seeds.entities), len(seeds.facts), mapped.triple_count
        taken = filewise.record_of(seeds, mapped.shared, digests, code.version().hex(), base) \
            if with_store else None
        record = None if taken is None else filewise.packed(taken)  # its objects go now
        del taken
        del seeds  # the records are mapped: their memory goes before the stores are filled
        ready: Rendered = {}
        if not beside_last:
            previous = None  # kg.nt is written into the generation as it is made (below)
        else:
            ready["kg.nt"] = ntriples(mapped.triples())
            previous = previous_build(out, content(ready["kg.nt"]), mapped.triple_count)
    else:
        ready = {"kg.nt": quick.rebuilt.ntriples, "kg.trig": quick.rebuilt.trig}
        previous, record = quick.previous, filewise.packed(quick.rebuilt.record)
        entities, facts = quick.rebuilt.entities, quick.rebuilt.facts
        triples = quick.rebuilt.ntriples.count(b"\n")
        if quick.analytics is None or set(quick.patched) != {"kg.ttl", "kg.jsonld"}:
            # what is made anew (the analytics, a file not patched) reads the patched kg.nt
            union = ReadBack(partial(kept_as, ready, "kg.nt"), triples)
    validated = "" if not validate else validation_fingerprint(ontology_dir)
    same_shapes = previous is not None and previous.meta.validated == validated
    checked_since = previous if same_shapes else None  # what validate_changes may build on
    # A full validation by kg.rdf.shacl_lines holds Python's lock: this core (or, for a large
    # graph, a process of its own) runs it, while the second loads the store (which does not).
    here = validate and not early and runs_on_lines(ontology_dir) and (
        checked_since is None or checked_since.changes is None)
    made = [folder for folder in (out, *out.parents) if not folder.exists()]
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
        folder = new_generation(out)
    second: Background[ValidationResult | None] | None = None
    spare: Background[None] | None = None  # the first core's thread for an early fill
    analytics_kept: Once[bool] = Once()  # what the second core's early fill waits for
    analytics_made: Once[bytes | None] = Once()
    failed = threading.Event()  # tells the early fills to stop
    early_store = EarlyStore(folder / "db")
    checking: validate_beside.Validating | None = None  # the worker validating kg.nt
    committing = False
    with Claim(folder) as claim:
        try:
            def stage_ready(same: dict[str, Published] | None = None) -> None:
                """Write kg.nt and kg.trig into the generation (or link those the `same` as
                the last build's) and let their bytes go (an early load still running keeps
                its own): 0.7 GB at province size."""
                if quick is None:  # else they are the last build's, patched
                    with writing(out):
                        for name in ("kg.nt", "kg.trig"):
                            ready[name] = stage(folder, name, ready[name], progress,
                                                (same or {}).get(name))

            if mapped is not None:
                with collector_paused():
                    if "kg.nt" not in ready:  # a province's are 0.5 GB: never whole in memory
                        with writing(out):
                            ready["kg.nt"] = stage_made(folder, "kg.nt", partial(
                                write_ntriples, mapped.triples()), progress)
                    ready["kg.trig"] = trig(mapped.quads())
                # The rest is read back from kg.nt: the rows' Python objects (1 GB for a
                # province) go before the analytics, the serialising and the store's loads.
                union = ReadBack(partial(kept_as, ready, "kg.nt"), mapped.triple_count)
                mapped = None
                if previous is None:  # nothing compares kg.nt with the last build's
                    stage_ready()  # the store and the worker read the files a piece at a time
                memory_released()
            # The second core validates (pyshacl-turbo, in Rust, without Python's lock) and
            # then fills the store with what is rendered by then, beside the analytics and
            # the serialising, which only read kg.nt and the analytics.
            # Handed over in a list the thread empties: a graph goes when its verdict is in.
            fills = early_fills(early_store, ready,
                                partial(full_fill_expected, previous, analytics_kept),
                                analytics_made, base, progress, failed) if with_store else []
            second = Background(partial(
                second_core,
                [early[0].result if early else
                 partial(validate_changes, content(ready["kg.nt"]), triples, checked_since,
                         ontology_dir, progress)]
                if validate and not here else [],
                fills, failed))
            verdict = None
            if here:
                # A province's: a second process validates it (kg/rdf/validate_beside.py)
                # while this one runs the analytics, as Python's lock allows one at a time.
                checking = validate_beside.start(kept_as(ready, "kg.nt"), triples, ontology_dir)
                if checking is None:
                    verdict = validated_here(content(ready["kg.nt"]), triples, ontology_dir,
                                             progress)
                else:
                    progress(f"validating {counted(triples, 'triple')} against "
                             f"{ontology_dir}/shapes.ttl, in a second process")

            def judged(wait: bool = True) -> None:
                """Take the worker's verdict (when it is in, unless `wait`): raise
                NotConforming on a broken graph; a failed worker's graph is validated here."""
                nonlocal checking, verdict
                if checking is None or not (wait or checking.done()):
                    return
                answer = checking.result()
                checking.close()
                checking = None
                if answer is None:
                    verdict = validated_here(content(ready["kg.nt"]), triples, ontology_dir,
                                             progress)
                    return
                verdict, seconds = answer
                said_validated(verdict, triples, seconds, progress)
                if not verdict.conforms:
                    raise NotConforming(verdict)

            def previous_analytics_kept(key: str) -> bytes | None:
                kept = None if cold else previous_analytics(out, key)
                analytics_kept.set(kept is not None)
                return kept

            progress("computing network analytics (analytics.ttl)")
            try:
                kept = quick.analytics if quick is not None else None if previous is None \
                    else analytics_of_difference(out, previous, content(ready["kg.nt"]))
                if kept is not None:
                    analytics, analytics_key = kept
                    analytics_kept.set(True)
                    said = "nothing analytics.ttl reads changed since the last build"
                else:
                    assert union is not None  # a rebuild from the changed files has it
                    analytics, analytics_key, reused = analytics_for(
                        # triple_rows is a generator: kg.nt is read when the graph is made
                        partial(project_triples, union.triple_rows(), provenance=False),
                        base, previous_analytics_kept)
                    said = "the projected graph is as the last build's" if reused else ""
                analytics_made.set(analytics)
            finally:  # unless told so far: the second core must not wait forever
                analytics_kept.set(False)
                analytics_made.set(None)
            if kept is None:
                memory_released()  # the analytics' text, before the files are serialised
            if said:
                progress(f"{said}: its analytics.ttl is kept")
            # What is the same as the last build published, the same kg having made it, is
            # linked: its analytics when kept, the files of the union when no triple changed,
            # kg.trig when no named graph did (as the patch tells, or its bytes).
            same: dict[str, Published] = {}
            if previous is not None:
                unchanged = {"analytics.ttl"} if said else set()
                if previous.reusable() == ([], []):
                    unchanged |= {"kg.nt", "kg.ttl", "kg.jsonld"}
                trig_same = not quick.rebuilt.graphs if quick is not None else \
                    "kg.nt" in unchanged and same_as_published(out, previous.meta, "kg.trig",
                                                               ready["kg.trig"])
                if trig_same:
                    unchanged.add("kg.trig")
                same = published_as(out, previous.meta, unchanged)
            staged: dict[str, Staged] = {}
            patched = quick.patched if quick is not None else {} if previous is None \
                else patched_exports(out, previous, content(ready["kg.nt"]))
            judged(wait=False)  # a broken graph is told before the serialising, if known
            if patched:
                progress(f"{', '.join(patched)}: the last build's, patched where triples changed")
                with writing(out):  # piece by piece, never joined in memory
                    staged = {name: stage(folder, name, data, progress, same.get(name))
                              for name, data in patched.items()}
            rendered: Rendered
            if union is not None:
                stage_ready(same)
                # Each file is written into the generation as it is made, and its bytes go:
                # a province's exports are 1.3 GB.
                with writing(out):
                    progress("serialising")
                    # mypy solves render's T as object here, from the union in `ready`
                    rendered = cast(Rendered, render(union, progress, {**ready, **staged},
                                                     partial(stage, folder, progress=progress)))
            else:
                rendered = {**ready, **staged}
            rendered["analytics.ttl"] = analytics
            meta = StoreMeta(str(Path(seeds_dir).resolve()), seeds_seen[0],
                             digest(rendered["kg.ttl"]),
                             validated=validated, analytics=analytics_key,
                             code=code.version().hex(), base=base,
                             counts=(entities, facts, triples))
            with locked(out, wait, notice or progress):
                with writing(out):
                    clean_up(out, list(rendered))  # not our generation: we hold it
                    stage_files(folder, rendered, progress, same)
                    if record is not None:
                        meta = meta._replace(rebuild=keep_record(
                            folder, record, Path(seeds_dir), quick))
                if fills:
                    # This core is free: it takes the early loads the second has not begun.
                    spare = Background(partial(_run_all, fills[::-1]))
                judged()
                result = second.result() or verdict
                if result is not None:
                    result.triples = triples  # begun early, it counted the mapped rows
                if result is not None and not result.conforms:
                    raise NotConforming(result)
                with writing(out):  # an early fill's OSError too
                    try:
                        loaded = loaded_early(fills)
                    finally:
                        early_store.close()
                    published = stage_store(folder, rendered, meta, with_store, base, progress,
                                            loaded, partial(
                                                store_delta, out, rendered, previous, base,
                                                None if quick is None else
                                                (quick.rebuilt.prefixes, quick.rebuilt.graphs)))
                published = published._replace(
                    seeds_stat=read_seeds_stat(seeds_dir, seeds_seen))
                committing = True  # from here on, the generation is (partly) published
                with writing(out, f"{out}/ is half-published and reported so until "
                                  "'kg build' repairs it"):
                    commit(out, folder, list(rendered), published)
                claim.release()  # published: the manifest keeps it now (without a store, not)
                try:
                    clean_up(out, list(rendered))  # leftovers go next time
                except OSError:
                    pass
        except BaseException as exc:
            if checking is not None:
                checking.close()
            if not committing:
                if second is not None:
                    failed.set()
                    analytics_kept.set(False)
                    analytics_made.set(None)
                    # Its store may still be filling the folder. Interrupted, the build waits
                    # a little only: a province's load takes half a minute, and a generation
                    # left behind is the next build's to clear (no build claims it).
                    for thread in (second, spare):
                        if thread is not None:
                            thread.join(None if isinstance(exc, Exception)
                                        else INTERRUPTED_WAIT)
                    early_store.close()  # a load still running keeps it open until done
                # Nothing of this build stays: its generation, and the folders it made if empty.
                shutil.rmtree(folder, ignore_errors=True)
                for empty in (out / STORE_NAME, *made):
                    try:
                        empty.rmdir()
                    except OSError:
                        pass  # not empty (an earlier build's), or gone
            raise
    return BuildResult([out / name for name in rendered], entities, facts, triples,
                       store_of(out) if with_store else None)
