"""kg as a person runs it: real processes, stopped with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from helpers import free_port


@pytest.mark.slow
def test_ctrl_c_stops_kg_serve_and_its_workers_without_a_traceback(built):
    port = free_port()
    # a session of its own, like a terminal's foreground job: Ctrl-C reaches every worker too
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port), "--graph",
         str(built / "kg.ttl"), "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        started = time.monotonic()
        line = server.stderr.readline()
        while "Serving SPARQL" not in line and time.monotonic() - started < 60:
            line = server.stderr.readline()
        assert "Serving SPARQL" in line
        os.killpg(server.pid, signal.SIGINT)
        _out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert "Traceback" not in err, err
    assert server.returncode == 0, err


@pytest.mark.slow
def test_ctrl_c_during_a_build_is_exit_130_without_a_traceback(tmp_path):
    from helpers import ONTOLOGY, SEEDS

    build = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", "--seeds", str(SEEDS), "--ontology", str(ONTOLOGY),
         "--out", str(tmp_path / "out"), "-v"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = build.stderr.readline()  # the first progress line: the build is under way
        assert line.startswith("·"), line
        os.killpg(build.pid, signal.SIGINT)
        _out, err = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert "Traceback" not in err, err
    assert build.returncode == 130 and "interrupted" in err
    assert not (tmp_path / "out" / "kg.ttl").exists()  # nothing half-published
