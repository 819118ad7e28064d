"""Small things a reader meets: plurals, points with two decimals, stages in Chinese, undated
honours last."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from helpers import QUERIES_DIR
from kg.cli import main
from kg.seeds.schema import STAGES


def kg(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_counts_take_the_right_number():
    from kg.graph.report import counted

    assert [counted(1, "fact"), counted(2, "fact"), counted(1, "entity", "entities"),
            counted(1234, "triple")] == ["1 fact", "2 facts", "1 entity", "1,234 triples"]


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_key_enterprise_points_always_have_two_decimals(built, fmt):
    out = kg("analyze", str(built / "kg.ttl"), "--format", fmt)
    assert "14.00 = position 10.00" in out and "15.32 = position 6.32" in out
    lines = [line for line in out.splitlines() if re.match(r"(\*\*)?\d+\. .*: \d", line)
             or " = position " in line]
    assert lines and all(not re.search(r"(?<![\d.])\d+\.\d(?!\d)", line.split("PageRank")[0])
                         for line in lines), "a point with one decimal"


def test_json_keeps_the_numbers(built):
    keys = json.loads(kg("analyze", str(built / "kg.ttl"), "--format", "json"))["key_enterprises"]
    assert isinstance(keys[1]["score"], (int, float)) and keys[1]["score"] == 14


@pytest.mark.parametrize("name", ["park-honour-timeline", "honour-holders"])
def test_stages_are_in_chinese_and_undated_honours_last(built, name):
    out = kg("query", name, "--graph", str(built / "kg.ttl"), "--format", "json")
    rows = json.loads(out)
    stages = {row["stage"] for row in rows if "stage" in row}
    assert stages and stages <= {s.zh for s in STAGES.values()}, stages
    dated = [bool(row.get("year")) for row in rows]
    assert dated == sorted(dated, reverse=True), "an undated honour before a dated one"


def test_the_stage_table_in_the_queries_is_the_schema_s(built):
    rows = " ".join(f'(ipk:{s.local} "{s.zh}")' for s in STAGES.values())
    for path in QUERIES_DIR.glob("*.rq"):
        text = path.read_text(encoding="utf-8")
        if "ipk:stage" in text:
            assert rows in text, f"{path.name}: its stage table differs from schema.STAGES"


def test_one_violation_is_singular():
    from kg.rdf.validate import ValidationResult, Violation

    one = ValidationResult(False, [Violation("ex:a", "甲", "ipk:level", "x", "bad", "Violation")], 1)
    assert one.report().endswith("1 violation in 1 triple.")
