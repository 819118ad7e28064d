"""mypy runs clean on kg/, and the typed records of kg.graph.records agree with the schema."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from kg.graph import files, records
from kg.seeds import schema

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # about 6 s without a cache (a fresh clone), under a second with one
def test_mypy_is_clean_on_kg():
    from mypy import api

    # The project's configuration whatever the working folder; the cache is git-ignored.
    report, errors, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                      "--cache-dir", str(ROOT / ".mypy_cache"),
                                      str(ROOT / "kg")])
    assert status == 0, f"mypy found problems in kg/:\n{report}{errors}"


def test_qualifiers_record_has_one_key_per_statement_qualifier_in_order():
    hints = typing.get_type_hints(records.Qualifiers)
    assert list(hints) == [q.key for q in schema.EDGE_QUALIFIERS]
    for q in schema.EDGE_QUALIFIERS:
        assert hints[q.key] == ((int if q.integer else str) | None), q.key


def test_graph_file_columns_name_projection_attributes():
    node_keys = set(typing.get_type_hints(records.NodeData))
    edge_keys = set(typing.get_type_hints(records.EdgeData))
    assert {attr for _h, attr in files.NODE_COLUMNS} <= node_keys
    assert {attr for _h, attr in files.EDGE_COLUMNS if attr is not None} <= edge_keys
