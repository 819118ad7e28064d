"""Fixtures and hooks only; shared constants and helpers live in tests/helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import MINI, ONTOLOGY, SEEDS


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
