"""Serialise the built dataset: canonical Turtle, N-Triples, JSON-LD, TriG.

Same seeds, same bytes: triples are added in sorted order, serialisers that sort are used,
and N-Triples lines are sorted. All files of a build are written to temporary files first and
moved into place only when every one of them was written, so a failed build leaves the
previous exports as they were.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Callable

from rdflib import Dataset, Graph

from kg.errors import CannotWrite
from kg.rdf.namespace import PREFIXES, bind_prefixes


def union_graph(ds: Dataset) -> Graph:
    """All triples of all named graphs, once each, as one graph with our prefixes."""
    g = Graph()
    bind_prefixes(g)
    for triple in sorted({(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}):
        g.add(triple)
    return g


def _prefix_lines() -> list[str]:
    return [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(PREFIXES.items())]


def trig(ds: Dataset) -> str:
    """TriG with the named graphs in IRI order (rdflib's own TriG writer orders them by hash)."""
    graphs: dict = {}
    for s, p, o, c in ds.quads((None, None, None, None)):
        graphs.setdefault(getattr(c, "identifier", c), set()).add((s, p, o))
    parts = ["\n".join(_prefix_lines()), ""]
    for name in sorted(graphs):
        g = Graph()
        bind_prefixes(g)
        for triple in sorted(graphs[name]):
            g.add(triple)
        body = [line for line in g.serialize(format="turtle").splitlines()
                if not line.startswith("@prefix")]
        parts.append(f"<{name}> {{")
        parts.extend(("    " + line).rstrip() for line in body)
        parts.append("}")
        parts.append("")
    return "\n".join(parts)


def jsonld_context() -> dict[str, str]:
    return dict(PREFIXES)


def render(ds: Dataset) -> dict[str, bytes]:
    """Every export as bytes, keyed by file name."""
    union = union_graph(ds)
    nt_lines = sorted(line for line in union.serialize(format="nt").splitlines() if line.strip())
    jsonld = json.loads(union.serialize(format="json-ld", context=jsonld_context()))
    if isinstance(jsonld.get("@graph"), list):
        jsonld["@graph"].sort(key=lambda node: node.get("@id", ""))
    return {
        "kg.ttl": union.serialize(format="turtle").encode("utf-8"),
        "kg.nt": ("\n".join(nt_lines) + "\n").encode("utf-8"),
        "kg.jsonld": (json.dumps(jsonld, ensure_ascii=False, indent=1, sort_keys=True)
                      + "\n").encode("utf-8"),
        "kg.trig": trig(ds).encode("utf-8"),
    }


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_file(folder: Path, name: str, data: bytes, temporary: bool = False) -> Path:
    """Write `data` durably into `folder`: to `name`, or to a fresh temporary beside it."""
    if temporary:
        fd, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    else:
        fd, path = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), \
            str(folder / name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # 0600 so far; exports are for sharing
        with os.fdopen(fd, "wb") as fh:
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
