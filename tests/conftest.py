"""Fixtures and hooks only; shared constants and helpers live in tests/helpers.py.

Markers (registered in pyproject.toml, run with --strict-markers):
  browser  the test opens pages in headless Chromium (it uses the `browser` fixture)
  remote   the test starts an Oxigraph server or talks HTTP to one (it uses `oxigraph_server`)
  slow     the test is left out of the fast tier, `python -m pytest -m "not slow"`
A test marked browser or remote is slow as well; the hook below adds that, and it adds browser
and remote to any test that uses those fixtures, so the fast tier never starts either.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import COUNT, MINI, MINI_QUERIES, ONTOLOGY, PROTECTED, SEEDS, tree_digest

# A test using one of these fixtures (directly or through another fixture) gets the marker.
MARKER_OF_FIXTURE = {"browser": "browser", "oxigraph_server": "remote"}
SLOW_MARKERS = ("browser", "remote")


@pytest.hookimpl(tryfirst=True)  # before -m deselects anything
def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in MARKER_OF_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()) and not item.get_closest_marker(marker):
                item.add_marker(marker)
        if any(item.get_closest_marker(m) for m in SLOW_MARKERS) and \
                not item.get_closest_marker("slow"):
            item.add_marker("slow")


def pytest_terminal_summary(terminalreporter):
    """What tests marked `figures` printed (load and fuzz figures), shown even when they pass."""
    for report in terminalreporter.stats.get("passed", []):
        if report.when == "call" and "figures" in report.keywords and report.capstdout:
            terminalreporter.write_sep("-", f"figures: {report.nodeid}")
            terminalreporter.write(report.capstdout)


@pytest.fixture(scope="session", autouse=True)
def working_tree_untouched():
    """Fails the session when any test wrote to the working tree's .kg/ or exports/."""
    before = tree_digest(*PROTECTED)
    yield
    after = tree_digest(*PROTECTED)
    if after != before:
        changed = sorted(name for name in before.keys() | after.keys()
                         if before.get(name) != after.get(name))
        shown = ", ".join(changed[:20]) + (f" and {len(changed) - 20} more" if changed[20:] else "")
        pytest.fail("the tests changed the working tree's .kg/ or exports/ (a command fell back "
                    f"to a default path? give it a tmp_path): {shown}", pytrace=False)


@pytest.fixture
def mini_seeds(tmp_path) -> Path:
    """A writable copy of the small fixture seeds."""
    dest = tmp_path / "seeds"
    shutil.copytree(MINI, dest)
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real seeds built once into a temporary exports folder."""
    from kg.build import build

    out = tmp_path_factory.mktemp("exports")
    build(SEEDS, out, ONTOLOGY)
    return out


@pytest.fixture(scope="session")
def mini_queries_built(tmp_path_factory) -> Path:
    """tests/fixtures/mini-queries built once into a temporary exports folder."""
    from kg.build import build

    out = tmp_path_factory.mktemp("mini-queries")
    build(MINI_QUERIES, out, ONTOLOGY)
    return out


@pytest.fixture(scope="module")
def server(built):
    """A real `kg serve` (in a thread, on loopback) over the page graph; its URL."""
    import threading

    from kg.sparql import endpoint

    service = endpoint.QueryService(built / "kg.ttl", workers=2, timeout=2.0)
    config = endpoint.ServerConfig(max_request_bytes=4096,
                                   page=endpoint.render_page({"count": ("数三元组", COUNT)}),
                                   idle_timeout=1.0, max_connections=16)
    httpd = endpoint.make_server("127.0.0.1", 0, service, config)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    yield f"http://{host}:{port}"
    httpd.shutdown()
    httpd.server_close()
    service.close()
