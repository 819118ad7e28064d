"""A second process that validates a build's kg.nt while this one goes on to the analytics.

kg.rdf.shacl_lines is Python: on a province's 2.9 million triples it holds this process's lock
for 45 s, and the analytics after it hold it for a minute more, while the second core idles
once the store is loaded. The worker runs the same function on the same bytes
(`validate_ntriples`), so the verdict is the one a validation here gives. It is handed a JSON
line (the ontology folder, the count of triples) and kg.nt on stdin, and answers on stdout a
pickle of (the ValidationResult, the seconds it took). A worker that fails in any way (it dies,
the shapes are unusable, it answers nothing) costs time only: the build validates here then,
and reports what that validation finds.

Started as `python -m kg.rdf.validate_beside`, in a session of its own (Ctrl-C reaches the build,
which stops it), like the seeds' worker (kg/seeds/beside.py).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.rdf.validate import ValidationResult

PIECE = 1 << 20  # bytes of a file fed at a time
# Below this much N-Triples, a process's start-up (rdflib, the shapes) costs more than it frees.
MIN_BYTES = 32 << 20
# Tests only: "always" uses the worker whatever the size; "crash" also makes it die before it
# answers; "pause" makes it wait a minute first.
TEST = "KG_TEST_VALIDATE_BESIDE"


class Validating:
    """The worker, fed kg.nt by one thread and read by another, so that neither process ever
    waits on a full pipe; `result()` waits for its answer."""

    def __init__(self, ntriples: bytes | Path, triples: int, ontology_dir: str | Path):
        # This process's import path, in its order: the worker imports the same kg.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.rdf.validate_beside"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        head = json.dumps({"ontology": str(ontology_dir), "triples": triples}).encode() + b"\n"
        self._answer: list[bytes] = []
        self._feeder = threading.Thread(target=self._feed, args=(head, ntriples), daemon=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._feeder.start()
        self._reader.start()

    def _feed(self, head: bytes, ntriples: bytes | Path) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(head)
            if isinstance(ntriples, Path):  # a piece at a time: this process never holds it
                with open(ntriples, "rb") as source:
                    shutil.copyfileobj(source, stdin, PIECE)
            else:
                stdin.write(ntriples)
        except (OSError, ValueError):  # it died, or `close` closed the pipe
            pass
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def _read(self) -> None:
        assert self.process.stdout is not None
        try:
            self._answer.append(self.process.stdout.read())
        except (OSError, ValueError):  # closed under it by `close`
            pass

    def done(self) -> bool:
        """Whether the worker has answered (or failed): `result()` would not wait."""
        return not self._reader.is_alive()

    def result(self) -> tuple[ValidationResult, float] | None:
        """The worker's verdict and the seconds it took, or None if it failed."""
        from kg.rdf.validate import ValidationResult

        self._reader.join()
        if self.process.wait() != 0 or not self._answer:
            return None
        try:
            answer = pickle.loads(self._answer[0])  # noqa: S301 - our own worker, its own pipe
        except Exception:  # cut short: no answer
            return None
        if not (isinstance(answer, tuple) and len(answer) == 2
                and isinstance(answer[0], ValidationResult)):
            return None
        return answer

    def close(self) -> None:
        """Stop the worker if it still runs, and let its pipes go."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
        self._feeder.join()
        self._reader.join()


def start(ntriples: bytes | Path, triples: int, ontology_dir: str | Path) -> Validating | None:
    """A worker validating `ntriples` (sorted, as kg.nt: its bytes, or the file), or None
    where one would not pay: below MIN_BYTES, on one core, or when no process can be started
    (or the file read)."""
    try:
        size = ntriples.stat().st_size if isinstance(ntriples, Path) else len(ntriples)
    except OSError:
        return None
    if size < MIN_BYTES and not os.environ.get(TEST):
        return None
    if (os.cpu_count() or 1) < 2 or not sys.executable:
        return None
    try:
        return Validating(ntriples, triples, ontology_dir)
    except OSError:
        return None


def main() -> None:
    """Validate the kg.nt on stdin; answer the verdict on stdout, or exit 1 on any failure."""
    stdin = sys.stdin.buffer
    try:
        head = json.loads(stdin.readline())
        ntriples = stdin.read()
        if ntriples.count(b"\n") != int(head["triples"]):  # cut short: no verdict on a part
            sys.exit(1)
        if os.environ.get(TEST) == "crash":
            os._exit(1)
        if os.environ.get(TEST) == "pause":
            time.sleep(60)
        from kg.rdf.validate import ntriples_store, validate_ntriples

        began = time.perf_counter()
        result = validate_ntriples(ntriples, int(head["triples"]), head["ontology"],
                                   lambda: ntriples_store(ntriples))
        answer = pickle.dumps((result, time.perf_counter() - began),
                              protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # the build validates in its own process, and reports what it finds
        sys.exit(1)
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
