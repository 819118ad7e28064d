"""The two sides of `kg diff`: a built graph, a seeds folder, or a git revision of the project.

A revision's `seeds/` is taken out of git (`git archive`) into a temporary folder, loaded,
checked and mapped by this version of kg, straight into the comparison's store: no file is
written for it, and the working tree, its exports/ and .kg/ are never touched. The mapping is
what `kg build` publishes as kg.nt, so a revision and that revision's build compare equal.
Validation and analytics are skipped: a diff shows what changed, valid or not.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError, KgError, Problem, counted
from kg.project import MARKER, is_project
from kg.rdf.diff import DiffInputError, graph_file_of, load_triples
from kg.rdf.mapping import map_seeds
from kg.rdf.read import load_graph_file
from kg.seeds.loader import load_seeds

ACCEPTS = ("a graph file (kg.ttl, kg.nt, kg.trig), a build's exports folder, a seeds folder, "
           "or a git revision of the project (HEAD~1, a branch, a commit)")


def load_side(store: ox.Store, given: str, graph: ox.NamedNode,
              project: Callable[[], Path], progress: Callable[[str], None]) -> None:
    """Load what `given` names into the named graph `graph` of `store`.

    A path that exists is read as a graph file, an exports folder or a seeds folder; else
    `given` is tried as a git revision of the project (`project()` gives its root, and is
    only asked then). Raises DiffInputError saying what is accepted."""
    path = Path(given)
    if path.exists():
        if path.is_dir() and (path / "sources.yaml").is_file():
            _load_seeds(store, path, graph, given, progress)
        elif path.is_dir() and is_project(path):
            raise DiffInputError(f"{given}: a project folder: give its exports/ (a build) or "
                                 f"its seeds/, or a git revision")
        else:
            graph_file = graph_file_of(path, given)
            progress(f"reading {graph_file}")
            load_graph_file(graph_file, store, graph, given)
        return
    root, commit = _revision(given, project)
    with tempfile.TemporaryDirectory(prefix="kg-diff-") as tmp:
        seeds = _checkout_seeds(root, given, commit, Path(tmp))
        try:
            _load_seeds(store, seeds, graph, given, progress)
        except InputError as exc:  # name the revision's file, not the temporary copy
            raise RevisionInputError(given, [Problem(_in_revision(p.path, seeds, given), p.line, p.col,
                                      p.message, p.hint) for p in exc.problems]) from None


class RevisionInputError(InputError):
    """The seeds of a revision do not pass this version's checks."""

    def __init__(self, revision: str, problems: list[Problem]):
        self.revision = revision
        super().__init__(problems)

    def report(self) -> str:
        return (f"{self}\n{counted(len(self.problems), 'problem')} in the seeds of "
                f"{self.revision}, checked by this version of kg (to compare with a build of an "
                "older version, give its exported kg.ttl instead).")


def _load_seeds(store: ox.Store, seeds_dir: Path, graph: ox.NamedNode, shown: str,
                progress: Callable[[str], None]) -> None:
    progress(f"loading and mapping the seeds of {shown}")
    seeds = load_seeds(seeds_dir)
    mapped = map_seeds(seeds)
    load_triples(store, mapped.triples(), graph)
    progress(f"{shown}: {counted(mapped.triple_count, 'triple')}")


def _in_revision(path: str, seeds: Path, revision: str) -> str:
    """A problem's file as `REV:seeds/…` (the loader names it relative to the seeds' parent)."""
    file = Path(path)
    for base in (seeds, Path(seeds.name)):
        if file.is_relative_to(base):
            return f"{revision}:seeds/{file.relative_to(base).as_posix()}"
    return path


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except OSError as exc:
        raise DiffInputError(f"cannot run git to read a revision: {exc.strerror or exc}") \
            from None


def _revision(given: str, project: Callable[[], Path]) -> tuple[Path, str]:
    """The project's root and the commit `given` names in its git repository."""
    try:
        root = project()
    except KgError as exc:
        raise DiffInputError(f"{given}: no such file or folder, and no project to read it as a "
                             f"git revision of ({exc}); give {ACCEPTS}") from None
    if given.startswith("-") or not given.strip():
        raise DiffInputError(f"{given!r}: not a file, a folder or a revision; give {ACCEPTS}")
    done = _git(root, "rev-parse", "--verify", "--quiet",
                f"{given}^{{commit}}")
    if done.returncode != 0:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        where = f"{root} is not in a git repository" if inside.returncode != 0 else \
            f"no such revision in the git repository of {root}"
        raise DiffInputError(f"{given}: no such file or folder, and {where}; give {ACCEPTS}")
    return root, done.stdout.decode().strip()


def _checkout_seeds(root: Path, revision: str, commit: str, into: Path) -> Path:
    """The project's seeds/ as of `commit`, extracted under `into`; returns its folder."""
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    seeds = f"{prefix}seeds"
    done = _git(root, "archive", "--format=tar", commit, "--", seeds)
    if done.returncode != 0:
        raise DiffInputError(f"{revision}: has no {seeds}/ in the project's git repository "
                             f"({done.stderr.decode(errors='replace').strip()})")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        tar.extractall(into, filter="data")  # refuses links and paths out of `into`
    folder = into / seeds
    if not (folder / "sources.yaml").is_file():
        raise DiffInputError(f"{revision}: its {seeds}/ has no sources.yaml "
                             f"(a project's seeds need {MARKER.as_posix()})")
    return folder
