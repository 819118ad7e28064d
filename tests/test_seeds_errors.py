"""Malformed seeds get clear errors: file:line:col, what is wrong, how to fix; all at once."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from helpers import ONTOLOGY
from kg.cli import main
from kg.errors import InputError
from kg.seeds.loader import load_seeds

LINE = re.compile(r"^(?P<path>[^:]+\.ya?ml):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+) \((?P<hint>.+)\)$")


def problems_of(seeds_dir) -> list[str]:
    with pytest.raises(InputError) as info:
        load_seeds(seeds_dir)
    return [str(p) for p in info.value.problems]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture lacks {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fixture_seeds_load(mini_seeds):
    seeds = load_seeds(mini_seeds)
    assert len(seeds.facts) == 4
    assert seeds.facts[2].quantity.qualifier == "or-more"


def test_duplicate_key_is_rejected_with_both_lines(mini_seeds):
    edit(mini_seeds / "facts.yaml", "    year: 2011\n", "    year: 2011\n    year: 2012\n")
    [problem] = problems_of(mini_seeds)
    assert problem.startswith("seeds/facts.yaml:")
    assert "duplicate key 'year'" in problem and "first given at line" in problem


def test_unknown_key_suggests_the_right_one(mini_seeds):
    edit(mini_seeds / "facts.yaml", "    year: 2011\n", "    yaer: 2011\n")
    [problem] = problems_of(mini_seeds)
    assert "unknown key 'yaer'" in problem and "did you mean 'year'?" in problem


def test_unknown_relation_suggests(mini_seeds):
    edit(mini_seeds / "facts.yaml", "relation: settledIn", "relation: settleIn")
    [problem] = problems_of(mini_seeds)
    assert "unknown relation 'settleIn'" in problem and "did you mean 'settledIn'?" in problem


def test_year_must_be_a_year_not_text_or_date(mini_seeds):
    edit(mini_seeds / "facts.yaml", "year: 2011", "year: 2011-03-01")
    [problem] = problems_of(mini_seeds)
    assert "'year' must be a year, got '2011-03-01'" in problem


def test_share_above_100_is_rejected(mini_seeds):
    edit(mini_seeds / "facts.yaml", "amount: 90,", "amount: 190,")
    [problem] = problems_of(mini_seeds)
    assert "a share is 0-100 %, got 190" in problem


def test_money_needs_a_money_unit(mini_seeds):
    with open(mini_seeds / "facts.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - subject: lishui-edz\n    relation: totalInvestment\n"
                 "    quantity: {amount: 700}\n    source: mini-article\n"
                 "    quote: 丽水经开区共有3家企业\n")
    problems = problems_of(mini_seeds)
    assert any("quantity has no 'unit'" in p for p in problems)


def test_wrong_unit_for_a_figure(mini_seeds):
    edit(mini_seeds / "facts.yaml", 'unit: "%"', "unit: 亿元")
    [problem] = problems_of(mini_seeds)
    assert "'exportShare' is a share figure and needs a unit from %" in problem


def test_enterprise_count_with_an_honour_points_to_honoured_enterprise_count(mini_seeds):
    edit(mini_seeds / "facts.yaml", "relation: honouredEnterpriseCount", "relation: enterpriseCount")
    [problem] = problems_of(mini_seeds)
    match = LINE.match(problem)
    assert match, problem
    assert (match["path"], match["line"]) == ("seeds/facts.yaml", "47")  # the honour: line
    assert match["msg"] == "'enterpriseCount' does not take 'honour'"
    assert "use relation: honouredEnterpriseCount" in match["hint"]


def test_unknown_reference_and_wrong_type(mini_seeds):
    edit(mini_seeds / "facts.yaml", "object: lishui-edz", "object: lishui-ezd")
    edit(mini_seeds / "facts.yaml", "awarded_by: zj-economy-dept", "awarded_by: teer-valve")
    problems = problems_of(mini_seeds)
    assert any("unknown id 'lishui-ezd'" in p and "did you mean 'lishui-edz'?" in p
               for p in problems)
    assert any("'awarded_by': 'teer-valve' is a Company" in p and "must be a PublicBody" in p
               for p in problems)


def test_quote_not_in_source_points_at_first_difference(mini_seeds):
    edit(mini_seeds / "facts.yaml", "quote: 于2011年落户丽水经开区", "quote: 于2012年落户丽水经开区")
    [problem] = problems_of(mini_seeds)
    assert "quote not found in mini-article" in problem
    assert "matches the source up to '于201', then the quote has '2'" in problem


def test_quote_spanning_a_line_break_is_found(mini_seeds):
    # The page breaks "同创特材负责人说," and "入选“重点省专”" over blank lines.
    text = (mini_seeds / "sources" / "mini-page.txt").read_text(encoding="utf-8")
    assert "负责人说,\n\n\n\n入选" in text
    edit(mini_seeds / "facts.yaml", "quote: 浙江省经济和信息化厅公示了",
         "quote: 同创特材负责人说,入选“重点省专”")
    load_seeds(mini_seeds)


def test_white_space_inside_a_quote_is_ignored(mini_seeds):
    edit(mini_seeds / "facts.yaml", "quote: 于2011年落户丽水经开区", "quote: 于2011年 落户丽水经开区")
    load_seeds(mini_seeds)


def test_duplicate_id_across_files(mini_seeds):
    with open(mini_seeds / "more.yaml", "w", encoding="utf-8") as fh:
        fh.write("entities:\n  - {id: teer-valve, type: Company, label: 特尔阀门, "
                 "source: mini-article, quote: 特尔阀门}\n")
    [problem] = problems_of(mini_seeds)
    assert problem.startswith("seeds/more.yaml:2:")
    assert "id 'teer-valve' is defined twice" in problem and "seeds/facts.yaml:" in problem


def test_yaml_booleans_and_dates_stay_text(mini_seeds):
    edit(mini_seeds / "facts.yaml", "label: 重点省专", "label: no")
    seeds = load_seeds(mini_seeds)
    assert seeds.entities["key-provincial-sme"].label == "no"


def test_syntax_error_has_line(mini_seeds):
    edit(mini_seeds / "facts.yaml", "    year: 2011\n", "    year: [2011\n")
    [problem] = problems_of(mini_seeds)
    assert "YAML syntax error" in problem and LINE.match(problem)


def test_all_problems_at_once_across_files(mini_seeds):
    edit(mini_seeds / "facts.yaml", "year: 2011", "year: twenty")
    edit(mini_seeds / "facts.yaml", "level: provincial", "level: galactic")
    edit(mini_seeds / "sources.yaml", "quote: 记者 陈春", "quote: 记者 王五")
    problems = problems_of(mini_seeds)
    assert len(problems) == 3
    assert {p.split(":")[0] for p in problems} == {"seeds/facts.yaml", "seeds/sources.yaml"}
    for p in problems:
        assert LINE.match(p), p


def test_cli_reports_exit_2_without_traceback_and_keeps_exports(mini_seeds, tmp_path):
    out = tmp_path / "exports"
    runner = CliRunner()
    args = ["--ontology", str(ONTOLOGY)]  # the build's store goes to OUT/.store
    ok = runner.invoke(main, ["build", "--seeds", str(mini_seeds), "--out", str(out), *args])
    assert ok.exit_code == 0, ok.output
    before = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()}
    assert set(before) == {"kg.ttl", "kg.nt", "kg.jsonld", "kg.trig", "analytics.ttl",
                           ".store.json"}  # the record of the build's store, in .store/

    edit(mini_seeds / "facts.yaml", "year: 2011", "year: 11")
    edit(mini_seeds / "facts.yaml", "relation: hasHonour", "relation: hasHonor")
    bad = runner.invoke(main, ["build", "--seeds", str(mini_seeds), "--out", str(out), *args])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
    assert bad.exception is None or isinstance(bad.exception, SystemExit)
    lines = bad.output.strip().splitlines()
    assert lines[-1] == "2 problems found; nothing was written."
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()} == before


def test_cli_check_on_a_missing_folder_is_a_usage_error():
    result = CliRunner().invoke(main, ["check", "--seeds", "no/such/folder"])
    assert result.exit_code == 2
    assert "no/such/folder: not found" in result.output
