"""Serialise the built dataset: canonical Turtle, N-Triples, JSON-LD, TriG.

Same seeds, same bytes: the mapping sorts the quads once (`kg.rdf.mapping.Mapped`) and
Oxigraph's serialisers write them in that order, so subjects come out grouped and every file
is byte-stable; kg.nt's lines are sorted. JSON-LD is written here (see `jsonld`). All files
of a build are written to temporary files first and moved into place only when every one of
them was written, so a failed build leaves the previous exports as they were.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import operator
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Callable, TypeVar, cast

import pyoxigraph as ox

from kg.collector import collector_paused
from kg.errors import CannotWrite
from kg.rdf.incremental import Spliced, joined, splice_parts
from kg.rdf.prefixes import PREFIXES, curie

if TYPE_CHECKING:  # kg viz writes files through here without mapping anything
    from kg.rdf.mapping import Mapped

T = TypeVar("T")  # what `render` keeps of a file it made
_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD_STRING = PREFIXES["xsd"] + "string"
# Oxigraph starts each subject on a line of its own (and escapes line breaks in literals):
# a blank line before each makes the files read like hand-written Turtle and TriG.
_TURTLE_SUBJECT = re.compile(rb"\n(?=[^\t@\n])")
_TRIG_BLOCK = re.compile(rb"\n(?=[^\t@}\n]|\t[^\t])")


class _Spaced:
    r"""A file Oxigraph writes into, chunk by chunk, that puts a blank line where `pattern`
    finds a line break, as `pattern.sub(b"\n\n", whole)` would; `getvalue()` gives the bytes.

    So a file of 200 MB is never held twice, nor copied out of Oxigraph's buffer. The patterns
    look at most two bytes ahead, so a line break in a chunk's last two bytes waits for the
    next chunk; the text before it is judged with it as context, which is exact because the
    patterns never match a line break followed by another.

    >>> spaced = _Spaced(_TRIG_BLOCK)
    >>> for chunk in (b"a\n", b"\tb\n", b"\t", b"\tc\n}\nd\n"):
    ...     _ = spaced.write(chunk)
    >>> spaced.getvalue() == _TRIG_BLOCK.sub(b"\n\n", b"a\n\tb\n\t\tc\n}\nd\n")
    True
    """

    def __init__(self, pattern: re.Pattern[bytes]):
        self.pattern = pattern
        self.out = io.BytesIO()  # its getvalue() hands its buffer over without a copy
        self.pending = b""

    def write(self, chunk: bytes) -> int:
        data = self.pending + bytes(chunk)
        cut = data.rfind(b"\n", len(data) - 2)
        if cut < 0:
            self.out.write(self.pattern.sub(b"\n\n", data))
            self.pending = b""
        else:  # its two bytes ahead are not all here yet
            self.out.write(self.pattern.sub(b"\n\n", data[:cut + 1])[:-1])
            self.pending = data[cut:]
        return len(chunk)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        if self.pending:
            self.out.write(self.pattern.sub(b"\n\n", self.pending))
            self.pending = b""
        return self.out.getvalue()


def _serialize(data: Iterable[ox.Triple] | Iterable[ox.Quad], syntax: ox.RdfFormat,
               spaced: re.Pattern[bytes] | None = None) -> bytes:
    """`data` in `syntax` with our prefixes, a blank line where `spaced` finds a line break."""
    out = io.BytesIO() if spaced is None else _Spaced(spaced)
    ox.serialize(data, cast(IO[bytes], out), format=syntax, prefixes=PREFIXES)  # it writes only
    return out.getvalue()


def turtle(triples: Iterable[ox.Triple] | Iterable[ox.Quad]) -> bytes:
    r"""Turtle with our prefixes, a subject's triples grouped with `;` and `,`, a blank line
    between subjects. Grouping needs the triples sorted by subject (Mapped.triples is); quads
    must be in the default graph (as parsed N-Triples are).

    >>> a, b = ox.NamedNode("https://schema.org/a"), ox.NamedNode("https://schema.org/b")
    >>> label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    >>> text = turtle([ox.Triple(a, label, ox.Literal("two\nlines", language="zh")),
    ...                ox.Triple(a, label, ox.Literal("z")), ox.Triple(b, label, ox.Literal("w"))])
    >>> print(text.decode().split(" .\n\n", 1)[1])  # after the prefixes
    schema:a rdfs:label "two\nlines"@zh , "z" .
    <BLANKLINE>
    schema:b rdfs:label "w" .
    <BLANKLINE>
    """
    return _serialize(triples, ox.RdfFormat.TURTLE, _TURTLE_SUBJECT)


def trig(quads: Iterable[ox.Quad]) -> bytes:
    """TriG with our prefixes, one block per named graph (quads must come graph by graph, as
    Mapped.quads gives them), a blank line before each graph and each subject."""
    return _serialize(quads, ox.RdfFormat.TRIG, _TRIG_BLOCK)


def ntriples(triples: Iterable[ox.Triple] | Iterable[ox.Quad]) -> bytes:
    """Canonical N-Triples, one triple a line, in the order given (Mapped.triples: sorted)."""
    return _serialize(triples, ox.RdfFormat.N_TRIPLES)


def write_ntriples(triples: Iterable[ox.Triple] | Iterable[ox.Quad], into: IO[bytes]) -> None:
    """`ntriples` written into a file as they are made: a province's are 0.5 GB."""
    ox.serialize(triples, into, format=ox.RdfFormat.N_TRIPLES)


class Hashing:
    """What is written through it into a file, hashed (sha256) and counted."""

    def __init__(self) -> None:
        self._into: IO[bytes] | None = None
        self.size = 0
        self.hashed = hashlib.sha256()

    def through(self, into: IO[bytes]) -> IO[bytes]:
        """This, writing into `into`: what a writer is given."""
        self._into = into
        return cast(IO[bytes], self)

    def write(self, data: bytes) -> int:
        assert self._into is not None, "through() gives the file"
        self.hashed.update(data)
        self.size += len(data)
        return self._into.write(data)

    def flush(self) -> None:
        assert self._into is not None, "through() gives the file"
        self._into.flush()


class ReadBack:
    """The union's triples read back from kg.nt's sorted lines (`source()`: its bytes, or the
    file staged), parsed anew each time they are asked for: what a build serialises and
    projects once it has let its mapped rows go (a province's hold 1 GB of Python objects;
    a parse of its kg.nt takes seconds). Written from the rows, kg.nt gives back their
    triples in their order, so every file made from either is the same."""

    def __init__(self, source: Callable[[], bytes | Path], triple_count: int):
        self._source = source
        self.triple_count = triple_count

    def __len__(self) -> int:
        return self.triple_count

    def triples(self) -> Iterator[ox.Quad]:
        """The triples, as quads in the default graph."""
        found = self._source()
        if isinstance(found, Path):
            return ox.parse(path=found, format=ox.RdfFormat.N_TRIPLES)
        return ox.parse(found, format=ox.RdfFormat.N_TRIPLES)

    def triple_rows(self) -> Iterator[TermTriple]:
        for quad in self.triples():
            yield quad.subject, quad.predicate, quad.object


def jsonld_context() -> dict[str, str]:
    return dict(sorted(PREFIXES.items()))


def _literal_value(term: ox.Literal) -> object:
    if term.language:
        return {"@language": term.language, "@value": term.value}
    datatype = term.datatype.value
    return term.value if datatype == _XSD_STRING else {"@type": curie(datatype),
                                                        "@value": term.value}


# A triple as (subject, predicate, object) terms; JSON-LD refuses blank nodes and quoted triples.
TermTriple = tuple[ox.NamedNode | ox.BlankNode | ox.Triple, ox.NamedNode,
                   ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


def jsonld(triples: Iterable[TermTriple]) -> bytes:
    """JSON-LD of the union graph: our prefixes as the @context, one node per line (subjects
    in the order given, so it must be sorted by subject), keys sorted, a value alone or a list
    of values in the order given. `triples` are (subject, predicate, object) tuples.

    Written here because Oxigraph 0.5.13's JSON-LD writer ignores `prefixes`: it writes
    expanded JSON-LD (full IRIs, no @context) on one line. The form here is what JSON-LD
    compaction with a prefixes-only context gives, and expands to the same triples.

    >>> s, o = ox.NamedNode("http://x/s"), ox.NamedNode(PREFIXES["ipk"] + "Park")
    >>> print(jsonld([(s, ox.NamedNode(_RDF_TYPE), o)]).decode().split("[")[1])
    <BLANKLINE>
      {"@id": "http://x/s", "@type": "ipk:Park"}
     ]
    }
    <BLANKLINE>
    """
    out = io.BytesIO()  # line by line: the whole text is never held as str besides
    out.write(_jsonld_head().encode("utf-8"))
    separator = b""
    for line in _node_lines(triples):
        out.write(separator)
        out.write(line.encode("utf-8"))
        separator = b",\n"
    if separator:
        out.write(b"\n")
    out.write(_JSONLD_TAIL.encode("utf-8"))
    return out.getvalue()


_JSONLD_TAIL = " ]\n}\n"
_JSONLD_NODE = b'  {"@id": "'  # how each node's line begins, its IRI next


def _jsonld_head() -> str:
    head = json.dumps(jsonld_context(), ensure_ascii=False, indent=1, sort_keys=True)
    return '{\n "@context": ' + head.replace("\n", "\n ") + ',\n "@graph": [\n'


def _node_lines(triples: Iterable[TermTriple]) -> Iterator[str]:
    """One JSON line per subject of `triples` (sorted by subject), indented, without a comma."""
    keys: dict[ox.NamedNode, str] = {}  # predicates, IRIs seen as objects: few, and repeated
    iris: dict[ox.NamedNode, str] = {}
    for subject, group in itertools.groupby(triples, key=operator.itemgetter(0)):
        if not isinstance(subject, ox.NamedNode):
            raise ValueError(f"no blank nodes or quoted triples in our graphs: {subject}")
        node: dict[str, list] = {}
        for _s, p, o in group:
            key = keys.get(p)
            if key is None:
                key = keys[p] = "@type" if p.value == _RDF_TYPE else curie(p.value)
            if isinstance(o, ox.NamedNode):
                iri = iris.get(o)
                if iri is None:
                    iri = iris[o] = curie(o.value)
                node.setdefault(key, []).append(iri if key == "@type" else {"@id": iri})
            elif isinstance(o, ox.Literal):
                node.setdefault("rdf:type" if key == "@type" else key,
                                []).append(_literal_value(o))
            else:
                raise ValueError(f"no blank nodes or quoted triples in our graphs: {o}")
        out: dict[str, object] = {"@id": subject.value}
        out.update((k, v[0] if len(v) == 1 else v) for k, v in node.items())
        yield "  " + json.dumps(out, ensure_ascii=False, sort_keys=True)


def _node_key(data: bytes, start: int) -> bytes:
    """The sort key of the node line at `start`: its IRI as kg.nt's lines sort it (``<IRI>``,
    whose ``<`` all share)."""
    begin = start + len(_JSONLD_NODE)
    return data[begin:data.index(b'"', begin)] + b">"


PATCH_MAX = 10_000  # changed subjects beyond which writing the file anew is as quick


def _changes(nodes: dict[ox.NamedNode, list[TermTriple]],
             write: Callable[[ox.NamedNode], list[bytes]]) -> list[tuple[bytes, list[bytes]]]:
    """Each subject's sort key (its IRI and ">") with its parts written now, in key order."""
    return sorted((f"{s.value}>".encode("utf-8"), write(s) if nodes[s] else []) for s in nodes)


def patch_jsonld(old: bytes, nodes: dict[ox.NamedNode, list[TermTriple]]) -> Spliced | None:
    """The kg.jsonld of a graph that differs from the one `old` was written from only in the
    triples of the subjects `nodes` holds (each with its triples now, sorted as kg.nt's lines;
    none for a subject gone): `old` with their lines replaced, inserted or removed, the rest
    as it was, so the bytes of `jsonld` on the whole graph. None when `old` is not this
    writer's form, or too many subjects changed.

    >>> a, b = ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b")
    >>> p = ox.NamedNode("http://x/p")
    >>> old = jsonld([(a, p, ox.Literal("1"))])
    >>> bytes(patch_jsonld(old, {b: [(b, p, ox.Literal("2"))]})) == jsonld(
    ...     [(a, p, ox.Literal("1")), (b, p, ox.Literal("2"))])
    True
    >>> bytes(patch_jsonld(old, {a: []})) == jsonld([])
    True
    """
    head, tail = _jsonld_head().encode("utf-8"), _JSONLD_TAIL.encode("utf-8")
    if len(nodes) > PATCH_MAX or not old.startswith(head) or not old.endswith(tail):
        return None
    begin, end = len(head), len(old) - len(tail)
    if end > begin:  # the lines, and the line break after the last
        end -= 1
        last = old.rfind(b",\n", begin, end)
        if old[end] != ord("\n") or not old.startswith(_JSONLD_NODE, begin) \
                or not old.startswith(_JSONLD_NODE, begin if last < 0 else last + 2):
            return None
    pieces = splice_parts(old, begin, end, b",\n", _node_key, _changes(
        nodes, lambda s: [line.encode("utf-8") for line in _node_lines(nodes[s])]))
    return joined(pieces, b",\n", head, (b"\n" if any(pieces) else b"") + tail)


def _block_key(data: bytes, start: int) -> bytes:
    """The sort key of the Turtle block at `start`, which begins with its subject's <IRI>."""
    return data[start + 1:data.index(b">", start) + 1]


def _turtle_head() -> bytes:
    """The prefixes `turtle` begins a file of any triple with, and the blank line after."""
    text = turtle([ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode(_RDF_TYPE),
                             ox.NamedNode("urn:x"))])
    return text[:text.index(b"\n\n<") + 2]


# A block that does not begin with an IRI: its subject written as a prefixed name would not sort
# by its text, so such a file is written whole (none of our subjects is under a prefix).
_NOT_AN_IRI_BLOCK = re.compile(rb"\n\n[^<]")


def _turtle_blocks(text: bytes, head: bytes) -> tuple[int, int] | None:
    """Where the blocks of Turtle as `turtle` writes it stand, one per subject, each but the
    last followed by a blank line: (begin, end); None when it is not of that form."""
    if not text:
        return 0, 0
    if not text.startswith(head) or not text.endswith(b" .\n") or len(text) == len(head) \
            or not text.startswith(b"<", len(head)) \
            or _NOT_AN_IRI_BLOCK.search(text, len(head), len(text) - 1):
        return None
    return len(head), len(text) - 1


def patch_turtle(old: bytes, nodes: dict[ox.NamedNode, list[TermTriple]]) -> Spliced | None:
    """`patch_jsonld` for kg.ttl: the blocks of the subjects in `nodes` written anew.

    >>> a, b = ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b")
    >>> p = ox.NamedNode(PREFIXES["rdfs"] + "label")
    >>> one, two = ox.Triple(a, p, ox.Literal("1")), ox.Triple(b, p, ox.Literal("2"))
    >>> old = turtle([one])
    >>> bytes(patch_turtle(old, {b: [(b, p, ox.Literal("2"))]})) == turtle([one, two])
    True
    >>> bytes(patch_turtle(old, {a: []}))
    b''
    """
    head = _turtle_head()
    where = _turtle_blocks(old, head)
    if where is None or len(nodes) > PATCH_MAX:
        return None
    written: dict[ox.NamedNode, list[bytes]] = {}
    for subject, triples in nodes.items():
        text = turtle(ox.Triple(*t) for t in triples)
        found = _turtle_blocks(text, head)
        if found is None:
            return None
        written[subject] = text[found[0]:found[1]].split(b"\n\n") if text else []
    pieces = splice_parts(old, *where, b"\n\n", _block_key, _changes(nodes, written.__getitem__))
    return joined(pieces, b"\n\n", head, b"\n") if pieces else Spliced([])


@collector_paused()
def render(mapped: Mapped | ReadBack, progress: Callable[[str], None] = lambda _: None,
           ready: Mapping[str, bytes | T] | None = None,
           keep: Callable[[str, bytes], T] | None = None) -> dict[str, bytes | T]:
    """Every export as bytes, keyed by file name; those in `ready` are taken as given. With
    `keep`, each file's bytes are handed to it once made, and what it gives is kept instead."""
    writers: list[tuple[str, Callable[[], bytes]]] = [
        ("kg.ttl", lambda: turtle(mapped.triples())),
        ("kg.nt", lambda: ntriples(mapped.triples())),
        ("kg.jsonld", lambda: jsonld(mapped.triple_rows())),
        ("kg.trig", lambda: trig(cast("Mapped", mapped).quads()))]  # read back: given
    rendered: dict[str, bytes | T] = {}
    for name, write in writers:
        if ready and name in ready:
            rendered[name] = ready[name]
            continue
        start = time.perf_counter()
        data = write()
        n = len(mapped) if name == "kg.trig" else mapped.triple_count
        rate = n / max(time.perf_counter() - start, 1e-9)
        progress(f"serialised {name} ({len(data):,} bytes, {rate:,.0f} triples/s)")
        rendered[name] = data if keep is None else keep(name, data)
        del data  # kept or not, its bytes go before the next file is made
    return rendered


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_file(folder: Path, name: str, data: bytes | Callable[[IO[bytes]], None],
               temporary: bool = False) -> Path:
    """Write `data` durably into `folder`: to `name`, or to a fresh temporary beside it.
    `data` is the bytes, or what writes them into the open file."""
    if temporary:
        fd, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    else:
        fd, path = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), \
            str(folder / name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # 0600 so far; exports are for sharing
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    return Path(path)


def sync_folder(folder: Path) -> None:
    """Make the renames into `folder` durable before what depends on them is written."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(files: dict[str, bytes], out_dir: str | Path,
                     progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """Write all files or none: temporaries first, then one rename each.

    Raises CannotWrite, saying what could not be written and why.
    """
    out = Path(out_dir)
    staged: list[tuple[str, Path]] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            staged.append((name, write_file(out, name, data, temporary=True)))
            progress(f"wrote {name} ({len(data):,} bytes)")
        for name, tmp in staged:
            os.replace(tmp, out / name)
    except OSError as exc:
        raise CannotWrite(exc.filename or out, exc) from None
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
    return [out / name for name in files]
