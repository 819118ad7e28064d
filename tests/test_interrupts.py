"""kg as a person runs it: real processes, stopped with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from helpers import ONTOLOGY, SEEDS, free_port


def _default_sigint() -> None:
    # A shell starts background jobs ('cmd &') with SIGINT ignored, and an ignored signal stays
    # ignored across exec: a terminal's foreground job, which this plays, has it at default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ctrl_c_once(args: list[str], ready: str, env: dict[str, str] | None = None,
                then: Callable[[], bool] = lambda: True) -> tuple[int, str]:
    """Start `kg ARGS` as a terminal's foreground job (a session of its own, so Ctrl-C reaches
    every process of it), send Ctrl-C once a stderr line contains `ready` and `then()` holds,
    and return the exit code and the rest of stderr."""
    job = subprocess.Popen([sys.executable, "-m", "kg", *args], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True,
                           env={**os.environ, **(env or {})}, preexec_fn=_default_sigint)
    try:
        started, line = time.monotonic(), job.stderr.readline()
        while ready not in line and line and time.monotonic() - started < 60:
            line = job.stderr.readline()
        assert ready in line, line
        while not then() and time.monotonic() - started < 60:
            time.sleep(0.05)
        assert then()
        os.killpg(job.pid, signal.SIGINT)
        _out, err = job.communicate(timeout=60)
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
    return job.returncode, err


def running(command: str) -> set[str]:
    """The ids of the processes whose command line holds `command`."""
    return set(subprocess.run(["pgrep", "-f", command], capture_output=True,
                              text=True).stdout.split())


@pytest.mark.slow
def test_ctrl_c_stops_kg_serve_and_its_workers_without_a_traceback(built):
    code, err = ctrl_c_once(["serve", "--port", str(free_port()), "--graph",
                             str(built / "kg.ttl"), "--workers", "2"], "Serving SPARQL")
    assert "Traceback" not in err, err
    assert code == 0, err


@pytest.mark.slow
def test_ctrl_c_during_a_build_is_exit_130_without_a_traceback(tmp_path):
    # Paused once every file is staged, so Ctrl-C lands mid-build however busy the machine is.
    code, err = ctrl_c_once(["build", "--seeds", str(SEEDS), "--ontology", str(ONTOLOGY),
                             "--out", str(tmp_path / "out"), "-v"], "wrote analytics.ttl",
                            {"KG_TEST_PAUSE_AT": "staged"})
    assert "Traceback" not in err, err
    assert code == 130 and "interrupted" in err
    # nothing half-published: the staged generation is gone, and the folders the build made
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_ctrl_c_while_the_seeds_worker_parses_stops_both_without_a_traceback(tmp_path):
    """Ctrl-C while the build waits for the worker of kg/seeds/beside.py (made to wait a
    minute): exit 130 at once, and the worker, in a session of its own (Ctrl-C does not reach
    it), is stopped by the build."""
    worker = "kg.seeds.beside_worker"
    before = running(worker)
    started = time.monotonic()
    code, err = ctrl_c_once(["build", "--seeds", str(SEEDS), "--ontology", str(ONTOLOGY),
                             "--out", str(tmp_path / "out"), "-v"], "loading and checking seeds",
                            {"KG_TEST_BESIDE": "pause"}, lambda: bool(running(worker) - before))
    assert "Traceback" not in err, err
    assert code == 130 and "interrupted" in err
    assert time.monotonic() - started < 30  # not the worker's minute
    assert running(worker) <= before


@pytest.mark.slow
def test_ctrl_c_while_the_build_waits_for_its_validating_worker_stops_both(tmp_path):
    """Ctrl-C while the build waits for the verdict of kg/rdf/validate_beside.py's worker (made
    to wait a minute): exit 130 at once, nothing published, and the worker, in a session of its
    own, is stopped by the build."""
    worker = "kg.rdf.validate_beside"
    before = running(worker)
    started = time.monotonic()
    code, err = ctrl_c_once(["build", "--seeds", str(SEEDS), "--ontology", str(ONTOLOGY),
                             "--out", str(tmp_path / "out"), "-v"], "wrote analytics.ttl",
                            {"KG_TEST_VALIDATE_BESIDE": "pause"},
                            lambda: bool(running(worker) - before))
    assert "Traceback" not in err, err
    assert code == 130 and "interrupted" in err
    assert time.monotonic() - started < 30  # not the worker's minute
    assert running(worker) <= before
    assert not (tmp_path / "out").exists()
