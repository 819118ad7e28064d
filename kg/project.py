"""A project folder: found by walking up from the current folder, as git finds its repository.

A project is a folder holding ``seeds/sources.yaml``. Its parts:

- ``seeds/``: the curated YAML and ``seeds/sources/``, the archived source texts;
- ``exports/``: what ``kg build`` writes, and ``exports/.store/``, the embedded Oxigraph store
  of that build with its manifest ``exports/.store.json`` (each build's store lives with its
  output, so a build elsewhere never touches it);
- ``ontology/`` and ``queries/``: optional. The ontology and the named queries ship with the
  package; a project's own ``ontology/`` replaces the shipped one, and its ``queries/`` add to
  the shipped queries or override one of the same name.

`--project DIR` or the ``KG_PROJECT`` environment variable name a project explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from kg.errors import KgError, NotFound

ENV_VARIABLE = "KG_PROJECT"
MARKER = Path("seeds") / "sources.yaml"
STORE_NAME = ".store"  # inside the exports folder, git-ignored: the build's generations
CURRENT = "current"  # in it: a link to the published generation's store
MANIFEST_NAME = ".store.json"  # beside it: what the published build holds (kg/rdf/store.py)


class NoProject(KgError):
    """No project where one was needed."""


def packaged(name: str) -> Path:
    """A data folder that ships with the package (``ontology`` or ``queries``).

    In a source checkout it is the top-level folder of that name; in an installed package it
    is installed as ``kg/<name>`` (pyproject.toml maps it there).

    >>> (packaged("ontology") / "shapes.ttl").is_file()
    True
    """
    here = Path(__file__).resolve().parent
    for folder in (here / name, here.parent / name):
        if folder.is_dir():
            return folder
    raise NotFound(here / name, "the package is incomplete: reinstall it")


def is_project(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that is a project, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    return None


class Project(NamedTuple):
    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def graph(self) -> Path:
        return self.exports / "kg.ttl"

    @property
    def ontology(self) -> Path:
        own = self.root / "ontology"
        return own if (own / "shapes.ttl").is_file() else packaged("ontology")

    @property
    def queries(self) -> list[Path]:
        """Folders of named queries, later ones overriding earlier ones by name."""
        own = self.root / "queries"
        shipped = packaged("queries")
        if own.is_dir() and own.resolve() != shipped.resolve():
            return [shipped, own]
        return [shipped]


def open_project(explicit: str | Path | None = None, cwd: Path | None = None) -> Project:
    """The project named by `explicit` or ``$KG_PROJECT``, else the one around `cwd`.

    Raises `NoProject` saying how to point at one.
    """
    named = explicit or os.environ.get(ENV_VARIABLE) or None
    if named:
        root = Path(named)
        if not root.is_dir():
            raise NoProject(f"project folder '{named}' not found")
        if not is_project(root):
            raise NoProject(f"'{named}' is not a kg project: it has no {MARKER.as_posix()} "
                            "(create one with 'kg init DIR')")
        return Project(root.resolve())
    here = cwd or Path.cwd()
    found = find_root(here)
    if found is None:
        raise NoProject(f"no kg project in {here} or any folder above it (a project holds "
                        f"{MARKER.as_posix()}): run the command inside one, pass --project DIR "
                        f"or set {ENV_VARIABLE}=DIR, or create one with 'kg init DIR'")
    return Project(found)


def store_of(out_dir: str | Path) -> Path:
    """The embedded store of the build published to `out_dir`: OUT/.store/current, a link to
    the store of the published generation, so the path stays the same across builds."""
    return Path(out_dir) / STORE_NAME / CURRENT


def existing(path: str | Path, default_hint: str | None = None) -> Path:
    """`path` if it exists. A path the user typed is 'not found'; a default one says how to
    make it (`default_hint`, e.g. "run 'kg build' first")."""
    path = Path(path)
    if not path.exists():
        raise NotFound(path, default_hint or "")
    return path
