"""A second process that parses seeds files while `load_seeds` reads the records of others.

At province size, parsing the YAML is most of loading the seeds, and the second core has
nothing else to do yet. Parsing a file there and unpickling its tree here costs this process
about a quarter of parsing it (0.08 s against 0.33 s for a file of a megabyte), and pickling
it costs the worker more than half as much again, so the worker takes half of the bytes,
interleaved with the files read here so each comes back before it is needed (at province
size here, loading the seeds took 37-39 s with the worker and 49 s without; a share of 0.55
left this process waiting for it). The records of every file are still read here,
in order, so ids, quotes and references are checked exactly as in one process.

The worker is started as `python -m kg.seeds.beside_worker` (not multiprocessing's spawn, which
would run the caller's main script again in the child). It is handed the folder and its files
as JSON on stdin and answers each, in order, as a length and a pickle of what
`_Checker.read_file` gives: the tree, and the problems, unreadable files and digests its
checker noted. A worker that dies or answers out of turn costs nothing but time: its files
are read here, so a build never depends on it for its result.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from kg.errors import Problem
from kg.seeds.yamlmarks import MarkedMap

# What `_Checker.read_file` gives, made by the worker (kg/seeds/beside_worker.py): the tree,
# and the problems, unreadable files and digests its checker noted.
Parsed = tuple[MarkedMap | None, list[Problem], list[str], dict[str, str]]

# Below this many bytes of seeds, starting a process costs more than it saves (tests set it
# to 0 to take this path on small seeds).
MIN_BYTES = 16 << 20
SHARE = 0.5  # of the bytes, parsed by the worker
# Tests only: the worker is used whatever the size of the seeds, and with "crash" it dies
# before its first answer, with "pause" it waits a minute before each.
TEST = "KG_TEST_BESIDE"
LENGTH = 8  # bytes of the length before each answer


class Beside:
    """The worker and its answers; `get(file)` gives a file's answer to ask for when its
    turn comes (None if the worker was not given it, or has failed: read it here)."""

    def __init__(self, root: Path, files: list[Path]):
        self.expected = deque(files)
        self.given = frozenset(files)
        self.answers: queue.Queue[bytes | None] = queue.Queue()
        self.failed = False
        # This process's import path, in its order: the worker imports the same kg (a
        # checkout, a worktree) and nothing else before the standard library.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.seeds.beside_worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            # Out of the terminal's reach: Ctrl-C would kill it mid-start-up, with a
            # traceback; this process stops it (`close`) whatever ends the load.
            start_new_session=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps(
                {"root": str(root), "files": [str(f) for f in files]}).encode())
            self.process.stdin.close()
        except OSError:  # it died at once
            self.failed = True
        # Drained by a thread, so the worker never waits for this process to want an answer.
        self.reader = threading.Thread(target=self._read, args=(self.process.stdout, len(files)),
                                       daemon=True)
        self.reader.start()

    def _read(self, out, count: int) -> None:
        try:
            for _ in range(count):
                head = out.read(LENGTH)
                if len(head) < LENGTH:
                    break
                size = int.from_bytes(head, "big")
                answer = out.read(size)
                if len(answer) < size:
                    break
                self.answers.put(answer)
        except (OSError, ValueError):  # closed under it by `close`
            pass
        finally:
            self.answers.put(None)

    def get(self, file: Path) -> Callable[[], Parsed | None] | None:
        return partial(self._take, file) if file in self.given else None

    def _take(self, file: Path) -> Parsed | None:
        if self.failed or not self.expected or self.expected[0] != file:
            self.failed = True
            return None
        self.expected.popleft()
        answer = self.answers.get()
        if answer is None:
            self.failed = True
            return None
        return pickle.loads(answer)  # noqa: S301 - our own worker's answer, over its own pipe

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.reader.join()


def shares(files: list[Path], sizes: dict[Path, int]) -> list[Path]:
    """The files the worker parses: SHARE of the bytes, interleaved with the others so each
    comes back before it is needed; the first is read here while the worker starts.

    >>> files = [Path(f"{i}.yaml") for i in range(6)]
    >>> [f.stem for f in shares(files, dict.fromkeys(files, 1))]
    ['1', '3', '5']
    """
    beside, here, there = [], 0, 0
    for file in files:
        if there < here * SHARE / (1 - SHARE):
            beside.append(file)
            there += sizes[file]
        else:
            here += sizes[file]
    return beside


@contextmanager
def parsed_beside(root: Path, files: list[Path]) -> Iterator[Beside | dict[Path, None]]:
    """A worker parsing part of `files` (see `shares`), stopped on leaving; none (an empty
    mapping: every file is read here) below MIN_BYTES of seeds or on one core."""
    sizes = {file: file.stat().st_size if file.is_file() else 0 for file in files}
    small = sum(sizes.values()) < MIN_BYTES and not os.environ.get(TEST)
    if small or (os.cpu_count() or 1) < 2 or not sys.executable:
        yield {}
        return
    try:
        beside = Beside(root, shares(files, sizes))
    except OSError:  # no process could be started: read everything here
        yield {}
        return
    try:
        yield beside
    finally:
        beside.close()
