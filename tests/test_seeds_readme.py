"""The relation table of seeds/README.md is the one kg/seeds/readme.py generates from the schema."""

from __future__ import annotations

import pytest

from helpers import SEEDS
from kg.seeds import readme, schema


def test_readme_table_is_the_generated_one():
    text = (SEEDS / "README.md").read_text(encoding="utf-8")
    assert readme.with_table(text) == text, (
        "seeds/README.md's relation table differs from kg/seeds/schema.py; regenerate it with "
        f"`{readme.REGENERATE}` and review the diff")


def test_a_drifted_table_is_caught_and_regenerated():
    text = (SEEDS / "README.md").read_text(encoding="utf-8")
    row = "| `leadsProject` | 牵头项目 / leads project | Company | Project | - |\n"
    assert row in text
    drifted = text.replace(row, "").replace("| as_of, scope |", "| as_of, honour, scope |")
    assert readme.with_table(drifted) != drifted
    assert readme.with_table(drifted) == text


def test_every_relation_has_one_row():
    rows = [line for line in readme.relation_table().splitlines()[2:]]
    assert [row.split("`")[1] for row in rows] == list(schema.RELATIONS)


def test_missing_markers_are_an_error(tmp_path):
    with pytest.raises(ValueError, match="lacks the markers"):
        readme.with_table("# Seeds\n\n| relation |\n")
    path = tmp_path / "README.md"
    path.write_text(f"intro\n{readme.BEGIN}\nold\n{readme.END}\ntail\n", encoding="utf-8")
    assert readme.main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == \
        f"intro\n{readme.BEGIN}\n{readme.relation_table()}{readme.END}\ntail\n"
