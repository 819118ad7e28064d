"""What made a build, beside its seeds: kg's own sources and the engines' versions.

A rebuild reuses what the last build wrote (its analytics, its exports' unchanged parts) only
when the same code made it: `version()` is recorded in the build's manifest."""

from __future__ import annotations

import functools
import hashlib
from importlib.metadata import version as installed
from pathlib import Path

ENGINES = ("igraph", "networkx", "pyoxigraph")


@functools.cache
def version() -> bytes:
    """A digest of every module of the kg package and of the engines' versions: any change
    to either gives another."""
    digest = hashlib.sha256(" ".join(f"{name} {installed(name)}" for name in ENGINES).encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(b"\0" + path.relative_to(root).as_posix().encode() + b"\0"
                      + path.read_bytes())
    return digest.digest()
