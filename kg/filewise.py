"""A rebuild from the seeds files that changed, not from all of them.

Every build records what it needs to redo only part of itself next time (`FileRecord`, kept as
`rebuild/rebuild.json` in its generation folder beside a copy of each seeds file it read):
the sha256 of every file under the seeds folder, each id with the file defining it and its
type, a digest of every fact's identity, and the triples more than one record gives (with how
many rows give each in each graph). A record's rows depend only on the record and the types of
the entities it names (`kg.rdf.mapping.RecordMapper`), so when only some YAML files changed,
the next build

1. reads and checks those files alone, against the ids of the others (`load_part`), and reads
   their last versions from the copies, unchecked, for what they gave;
2. maps both and counts, triple by triple and graph by graph, what each row gave and takes
   away: a triple leaves the union when no row gives it any more;
3. patches the last kg.nt (sorted lines) and kg.trig (each changed graph's block written anew).

It gives up (None: the build reads every file, as a cold build does) whenever it cannot be
sure: a file other than a top-level YAML file changed, more than a quarter of the bytes
changed, a changed file stops defining an id or changes its type, a source it defines changes,
a fact it states is stated in another file, a triple it adds is already given by another
file, or anything in the record or the copies is not as written. Any problem in the changed
files is found again by reading every file, so errors are exactly as a cold build's.
tests/test_filewise.py holds its exports to a cold build's, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.collector import collector_paused
from kg.errors import first_names
from kg.rdf.export import trig
from kg.rdf.incremental import SortedNTriples, Spliced, apply_difference
from kg.rdf.mapping import EntityIris, Minter, RecordMapper, Row
from kg.rdf.store import trig_graphs
from kg.seeds.loader import Fact, Seeds, load_part, read_file_records, seed_files

FOLDER = "rebuild"  # in a generation folder: FOLDER/RECORD and FOLDER/COPIES/<seeds file>
RECORD = "rebuild.json"
COPIES = "seeds"
RECORD_LIMIT = 2 << 30  # a province's record is 13 MB
CHANGED_SHARE = 0.25  # of the YAML bytes: above it, reading every file is as quick
FORMAT = 1


def fact_digest(fact: Fact) -> str:
    """What makes a fact the same fact for the loader's "stated twice" check, digested."""
    key = (fact.subject, fact.relation, fact.object, str(fact.value), fact.quantity,
           tuple(sorted(fact.qualifiers.items())), fact.source, fact.row)
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).hexdigest()


def defined_ids(seeds: Seeds) -> Iterable[tuple[str, str, str]]:
    """(id, file name, entity type or "" for a source) of every id `seeds` define."""
    for records in (seeds.pages, seeds.articles, seeds.tables):
        for ident, rec in records.items():
            yield ident, Path(rec.where.path).name, ""
    for ident, ent in seeds.entities.items():
        yield ident, Path(ent.where.path).name, ent.type


@dataclass
class FileRecord:
    """What a build took from each seeds file, for the next build to redo part of it."""

    code: str
    base: str
    files: dict[str, str]  # every file under the seeds folder, by its relative path: sha256
    ids: dict[str, tuple[str, str]]  # id: (file name, entity type or "")
    facts: set[str]  # fact_digest of every fact
    entities: int
    fact_count: int
    shared: dict[str, dict[str, int]]  # as Mapped.shared

    @collector_paused()  # a build holds millions of objects: each pass of it would scan them
    def data(self) -> bytes:
        return json.dumps({
            "format": FORMAT, "code": self.code, "base": self.base, "files": self.files,
            "ids": {k: list(v) for k, v in sorted(self.ids.items())},
            "facts": sorted(self.facts), "entities": self.entities,
            "fact_count": self.fact_count, "shared": dict(sorted(self.shared.items()))},
            ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Packed:
    """A record as `keep` writes it (FileRecord.data) and the digests of its files: all a
    build keeps of it until then. As objects, its hundreds of thousands of small strings,
    made after the mapping in the holes the seeds left, would keep most of the memory Python
    freed since from going back to the system (0.7 GB of a province's, each block of it held
    by a few of them)."""

    files: dict[str, str]
    data: bytes


def packed(record: FileRecord) -> Packed:
    return Packed(dict(record.files), record.data())


@collector_paused()
def record_of(seeds: Seeds, shared: dict[str, dict[str, int]], files: dict[str, str],
              code: str, base: str) -> FileRecord | None:
    """The record of a build that read all of `seeds`; None when the files it read are not
    the ones `files` (read before) records, or two facts' digests meet (never seen)."""
    if any(files.get(name) != digest for name, digest in seeds.digests.items()):
        return None  # changed while read
    ids = {ident: (name, kind) for ident, name, kind in defined_ids(seeds)}
    facts = {fact_digest(fact) for fact in seeds.facts}
    if len(facts) != len(seeds.facts):
        return None
    return FileRecord(code, base, dict(files), ids, facts, len(seeds.entities),
                      len(seeds.facts), shared)


@collector_paused()
def read_record(data: object) -> FileRecord | None:
    """A record as `FileRecord.data` wrote it, checked value by value; None if it is not."""
    try:
        assert isinstance(data, dict) and data["format"] == FORMAT
        files, ids, facts, shared = data["files"], data["ids"], data["facts"], data["shared"]
        assert isinstance(files, dict) and isinstance(ids, dict)
        assert isinstance(facts, list) and isinstance(shared, dict)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
        assert all(isinstance(f, str) for f in facts)
        checked_ids = {}
        for ident, value in ids.items():
            assert isinstance(value, list) and len(value) == 2
            assert all(isinstance(v, str) for v in value)
            checked_ids[ident] = (value[0], value[1])
        for counts in shared.values():
            assert isinstance(counts, dict)
            assert all(isinstance(g, str) and type(n) is int and n > 0 for g, n in counts.items())
        entities, fact_count = data["entities"], data["fact_count"]
        assert type(entities) is int and type(fact_count) is int
        assert isinstance(data["code"], str) and isinstance(data["base"], str)
        return FileRecord(data["code"], data["base"], files, checked_ids, set(facts),
                          entities, fact_count, shared)
    except (AssertionError, KeyError, TypeError):
        return None


def keep(folder: Path, record: Packed, seeds_dir: Path,
         copies_from: Callable[[str], Path | None]) -> str:
    """Keep `record` in the generation `folder`, with a copy of each seeds file it records
    (linked from `copies_from(name)`, a last build's copy, when that is the same file, else
    read from `seeds_dir`); its sha256, or "" when a file is no longer what the record says
    (changed during the build): no record then."""
    place = folder / FOLDER
    copies = place / COPIES
    copies.mkdir(parents=True, exist_ok=True)
    for file in seed_files(seeds_dir):
        name = file.name
        earlier = copies_from(name)
        if earlier is not None:
            try:
                (copies / name).hardlink_to(earlier)
                continue
            except OSError:
                pass
        data = file.read_bytes()
        if hashlib.sha256(data).hexdigest() != record.files.get(name):
            return ""
        (copies / name).write_bytes(data)
    (place / RECORD).write_bytes(record.data)
    return hashlib.sha256(record.data).hexdigest()


@dataclass
class Rebuilt:
    """A build's graph made from the last one and the files that changed."""

    ntriples: bytes
    trig: bytes | Spliced  # the last build's, its changed graphs' blocks written anew
    added: list[bytes]  # kg.nt lines
    removed: list[bytes]
    entities: int
    facts: int
    record: FileRecord
    prefixes: bytes  # kg.trig's, and the new block of each graph that changed
    graphs: dict[bytes, bytes | None]
    changed: list[str] = field(default_factory=list)
    unchanged_copies: set[str] = field(default_factory=set)


class _Unsure(Exception):
    """The rebuild cannot be sure of its answer: every file is read instead. Its text says
    why, for the build's progress."""


def _row_counts(rows: list[Row]) -> tuple[dict[str, dict[str, int]], dict[str, Row]]:
    """How many rows give each triple (N-Triples line) in each graph, and a row of each."""
    counts: dict[str, dict[str, int]] = {}
    terms: dict[str, Row] = {}
    for row in rows:
        s, p, o, g = row
        line = f"{s} {p} {o} ."
        by_graph = counts.setdefault(line, {})
        key = str(g)
        by_graph[key] = by_graph.get(key, 0) + 1
        terms.setdefault(line, row)
    return counts, terms


@collector_paused()
def rebuild(seeds_dir: Path, record: FileRecord, files: dict[str, str],
            copy_of: Callable[[str], bytes | None], old_nt: bytes, old_trig: bytes,
            base: str, code: str, why: Callable[[str], object] = lambda _reason: None
            ) -> Rebuilt | None:
    """The graph of the seeds in `seeds_dir`, whose files are now `files` (as seeds_digests
    gives them), made from the last build's (`record`, its kg.nt and kg.trig, and
    `copy_of(name)`, the bytes of a seeds file as it read them); None when unsure, and
    `why` is told the reason."""
    try:
        return _rebuild(seeds_dir, record, files, copy_of, old_nt, old_trig, base, code)
    except _Unsure as unsure:
        why(str(unsure))
        return None


def _changed_files(seeds_dir: Path, record: FileRecord, files: dict[str, str]) -> list[str]:
    """The top-level YAML files changed, added or removed since `record`."""
    changed = sorted(name for name in files.keys() | record.files.keys()
                     if files.get(name) != record.files.get(name))
    for name in changed:
        if "/" in name or not name.endswith((".yaml", ".yml")):
            raise _Unsure(f"{name} changed: only top-level YAML files are read alone, not a "
                          "source text, a table or a subfolder's file")
    sizes = {f.name: f.stat().st_size for f in seed_files(seeds_dir)}
    if sum(sizes.get(n, 0) for n in changed) > CHANGED_SHARE * max(sum(sizes.values()), 1):
        raise _Unsure(f"more than {CHANGED_SHARE:.0%} of the seeds' YAML bytes changed "
                      f"({first_names(changed)})")
    return changed


def _last_versions(root: Path, record: FileRecord, changed: list[str],
                   copy_of: Callable[[str], bytes | None]) -> Seeds:
    """What the changed files gave the last build: their last versions, read from the copies,
    each record checked on its own."""
    old = Seeds({}, {}, {}, [], [])
    for name in changed:
        if name not in record.files:
            continue  # a new file
        data = copy_of(name)
        if data is None or hashlib.sha256(data).hexdigest() != record.files[name]:
            raise _Unsure(f"the last build's copy of {name} is missing or not as it was read")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _Unsure(f"the last build's copy of {name} is not UTF-8") from None
        part = read_file_records(root, root / name, text, f"{root.name}/{name}")
        if part is None:
            raise _Unsure(f"the last build's copy of {name} no longer reads")
        old.pages.update(part.pages)
        old.articles.update(part.articles)
        old.tables.update(part.tables)
        old.entities.update(part.entities)
        old.facts.extend(part.facts)
    return old


def _new_versions(root: Path, record: FileRecord, changed: list[str],
                  files: dict[str, str]) -> Seeds:
    """What the changed files give now, checked as reading every file checks them, against
    the ids the other files define."""
    changed_set = set(changed)
    present = [name for name in changed if name in files]
    if not present:
        return Seeds({}, {}, {}, [], [])
    known = {ident: kind for ident, (name, kind) in record.ids.items() if name not in changed_set}

    def defined_in(ident: str) -> Path | None:
        found = record.ids.get(ident)
        return root / found[0] if found is not None and found[1] == "" else None

    new = load_part(root, [root / name for name in present], known, defined_in)
    if new is None:  # reading every file reports the problems as a cold build does
        raise _Unsure(f"{first_names(present)} {'has' if len(present) == 1 else 'have'} problems")
    if any(new.digests.get(name) != files.get(name) for name in present):
        raise _Unsure("a seeds file changed while it was read")
    return _only_from(new, changed_set)  # not the sources read from other files


def _others_unaffected(old: Seeds, new: Seeds, new_ids: dict[str, tuple[str, str]]) -> None:
    """Raise _Unsure unless the files not read stay as they were checked: no id of the changed
    files goes or changes its type, and no source of theirs changes (others may name them)."""
    for ident, name, kind in defined_ids(old):
        if ident not in new_ids:
            raise _Unsure(f"'{ident}' is no longer defined in {name} (other files may name it)")
        if new_ids[ident][1] != kind:
            raise _Unsure(f"'{ident}' changed its type (other files may name it)")
    for mine, theirs in ((old.pages, new.pages), (old.articles, new.articles),
                         (old.tables, new.tables)):
        for ident, rec in mine.items():
            if ident not in theirs or _source_key(rec) != _source_key(theirs[ident]):
                raise _Unsure(f"the source '{ident}' changed or went (other files may cite it)")


@dataclass
class _Counted:
    """How the union and the named graphs change: kg.nt lines added and removed, and for each
    graph the rows added and the lines gone; and the shared counts after."""

    added: list[bytes]
    removed: list[bytes]
    graphs: dict[str, tuple[list[Row], set[str]]]
    shared: dict[str, dict[str, int]]


def _count(old_rows: list[Row], new_rows: list[Row], shared_before: dict[str, dict[str, int]],
           old_nt: bytes) -> _Counted:
    """Count, triple by triple and graph by graph, what the changed files' rows gave and give:
    a triple leaves the union (or a graph) when no row gives it there any more."""
    old_counts, _ = _row_counts(old_rows)
    new_counts, terms = _row_counts(new_rows)
    counted = _Counted([], [], {}, dict(shared_before))
    last_graph = SortedNTriples(old_nt)
    shared = counted.shared
    for line in old_counts.keys() | new_counts.keys():
        was_mine, now_mine = old_counts.get(line, {}), new_counts.get(line, {})
        if was_mine == now_mine:
            continue
        if line in shared:
            before = dict(shared[line])
        elif was_mine:
            before = dict(was_mine)
            if sum(before.values()) != 1:
                raise _Unsure("the record does not count a triple as the changed files gave it")
        elif last_graph.holds(line.encode("utf-8")):  # in a graph the record does not say
            raise _Unsure("a triple the changed files now give is given by another file too")
        else:
            before = {}
        after = dict(before)
        for g, n in was_mine.items():
            after[g] = after.get(g, 0) - n
        for g, n in now_mine.items():
            after[g] = after.get(g, 0) + n
        if any(n < 0 for n in after.values()):
            raise _Unsure("the record's counts of a triple do not add up")
        after = {g: n for g, n in after.items() if n}
        if sum(after.values()) > 1:
            shared[line] = after
        else:
            shared.pop(line, None)
        if bool(before) != bool(after):
            (counted.added if after else counted.removed).append(line.encode("utf-8"))
        for g in before.keys() | after.keys():
            if bool(before.get(g)) != bool(after.get(g)):
                rows, gone = counted.graphs.setdefault(g, ([], set()))
                if after.get(g):
                    s, p, o, _g = terms[line]
                    rows.append((s, p, o, ox.NamedNode(g[1:-1])))
                else:
                    gone.add(line)
    counted.added.sort()
    counted.removed.sort()
    return counted


def _rebuild(seeds_dir: Path, record: FileRecord, files: dict[str, str],
             copy_of: Callable[[str], bytes | None], old_nt: bytes, old_trig: bytes,
             base: str, code: str) -> Rebuilt:
    if record.code != code or record.base != base:
        raise _Unsure("the last build's record was made by another kg or for another base IRI")
    changed = _changed_files(seeds_dir, record, files)
    changed_set = set(changed)
    old = _last_versions(seeds_dir, record, changed, copy_of)
    new = _new_versions(seeds_dir, record, changed, files)
    new_ids = {ident: (name, kind) for ident, name, kind in defined_ids(new)}
    _others_unaffected(old, new, new_ids)
    old_facts = {fact_digest(f) for f in old.facts}
    new_facts = {fact_digest(f) for f in new.facts}
    others = record.facts - old_facts
    if len(old_facts) != len(old.facts) or len(new_facts) != len(new.facts) \
            or new_facts & others:  # reading every file says where
        raise _Unsure("a fact of the changed files is stated twice, or in another file too")

    # What each gave, row by row.
    mint = Minter(base)
    types = {ident: kind for ident, (_name, kind) in record.ids.items() if kind}
    types.update((ident, kind) for ident, (_name, kind) in new_ids.items() if kind)
    iri = EntityIris(mint, types)
    old_mapper, new_mapper = RecordMapper(mint, iri), RecordMapper(mint, iri)
    try:
        old_mapper.records(old)
        new_mapper.records(new)
    except KeyError as missing:
        raise _Unsure(f"the changed files name {missing}, which the record does not know") \
            from None
    counted = _count(old_mapper.rows, new_mapper.rows, record.shared, old_nt)
    ntriples = apply_difference(old_nt, counted.added, counted.removed)
    if ntriples is None:
        raise _Unsure("the last kg.nt does not hold the triples the record says it holds")
    new_trig, head, blocks = _patch_trig(old_trig, counted.graphs) if counted.graphs \
        else (old_trig, _trig_head(old_trig), {})

    ids = {ident: value for ident, value in record.ids.items() if value[0] not in changed_set}
    ids.update(new_ids)
    new_record = FileRecord(code, base, dict(files), ids, others | new_facts,
                            record.entities - len(old.entities) + len(new.entities),
                            record.fact_count - len(old.facts) + len(new.facts), counted.shared)
    return Rebuilt(ntriples, new_trig, counted.added, counted.removed, new_record.entities,
                   new_record.fact_count, new_record, head, blocks, changed,
                   {f.name for f in seed_files(seeds_dir)} - changed_set)


def _only_from(seeds: Seeds, names: set[str]) -> Seeds:
    def mine(records: dict) -> dict:
        return {k: v for k, v in records.items() if Path(v.where.path).name in names}

    return Seeds(mine(seeds.pages), mine(seeds.articles), mine(seeds.entities), seeds.facts,
                 seeds.files, mine(seeds.tables), seeds.digests)


def _source_key(rec: object) -> dict:
    return {k: v for k, v in vars(rec).items() if k not in ("where", "marks")}


def _trig_head(data: bytes) -> bytes:
    """The prefix lines before the first graph block of a TriG as `trig` writes it."""
    first = data.find(b"\n<")
    return data if first < 0 else data[:first + 1]


def _block_at(data: bytes, iri: bytes) -> tuple[int, int] | None:
    """Where the block of graph `iri` stands in a TriG as `trig` writes it (a blank line
    before each block, none of whose lines is `}` but the last); None if it has none."""
    at = data.find(b"\n<" + iri + b"> {\n")
    if at < 0:
        return None
    end = data.find(b"\n}\n", at + 1)
    return (at + 1, end + 3) if end >= 0 else None


def _patch_trig(old: bytes, changes: Mapping[str, tuple[list[Row], set[str]]]
                ) -> tuple[Spliced, bytes, dict[bytes, bytes | None]]:
    """kg.trig with each graph of `changes` written anew: its quads as the last file has them,
    but the lines gone, and the rows added (each block as `trig` writes it alone); with its
    prefix lines, and the new block of each changed graph. A graph's block is found by
    searching for its first line, not by splitting the file into blocks."""
    head = _trig_head(old)
    spans: dict[bytes, tuple[int, int]] = {}
    blocks: dict[bytes, bytes | None] = {}
    for g, (rows, gone) in changes.items():
        iri = g[1:-1].encode("utf-8")
        span = _block_at(old, iri)
        quads: list[ox.Quad] = []
        if span is not None:
            spans[iri] = span
            try:
                for q in ox.parse(head + old[span[0]:span[1]], format=ox.RdfFormat.TRIG):
                    if f"{q.subject} {q.predicate} {q.object} ." not in gone:
                        quads.append(q)
            except (SyntaxError, ValueError):
                raise _Unsure("a graph's block in the last kg.trig is not as kg writes it") \
                    from None
        quads.extend(ox.Quad(s, p, o, graph) for s, p, o, graph in rows)
        if not quads:
            blocks[iri] = None
            continue
        quads.sort(key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
        new_head, written = trig_graphs(trig(quads))
        if new_head != head or list(written) != [iri]:
            raise _Unsure("a graph's new block does not come out as kg.trig's blocks do")
        blocks[iri] = written[iri]
    if not all(iri in spans for iri in blocks) or not all(blocks.values()):
        raise _Unsure("a source's graph comes or goes")
    view = memoryview(old)
    pieces: list[bytes | memoryview] = []
    at = 0  # each block replaced where it stands
    for iri in sorted(spans, key=spans.__getitem__):
        start, end = spans[iri]
        pieces += [view[at:start], blocks[iri] or b""]
        at = end
    pieces.append(view[at:])
    return Spliced(pieces), head, blocks
