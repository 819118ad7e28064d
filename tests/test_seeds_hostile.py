"""Hostile or broken YAML in the seeds: one clear problem with file:line:col, never a traceback,
a hang, a blown stack or a silently accepted wrong value."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from helpers import ROOT, SEEDS
from kg.seeds.loader import MAX_SEED_BYTES, load_seeds
from test_seeds_errors import edit, problems_of

LINE = re.compile(r"^seeds/[^:]+\.ya?ml:\d+:\d+: .+ \(.+\)$")


@pytest.fixture
def real_seeds(tmp_path):
    """A writable copy of the real seeds."""
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


def line_of(path, needle) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


def load_bounded(seeds_dir) -> subprocess.CompletedProcess:
    """Load in a child with 1 GB of memory and 60 s: a bomb fails the test instead of the run."""
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from kg.errors import InputError
        from kg.seeds.loader import load_seeds
        try:
            load_seeds({str(seeds_dir)!r})
        except InputError as exc:
            print(exc)
            sys.exit(2)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=env)


def append(path, text):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


# -- 1. bombs: aliases, nesting, size -----------------------------------------------------------

BILLION_LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]) + "\n"


def test_alias_bomb_is_refused_at_its_first_anchor(mini_seeds):
    (mini_seeds / "bomb.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    result = load_bounded(mini_seeds)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert ("seeds/bomb.yaml:1:4: anchor '&a' in seeds "
            "(anchors and aliases are not allowed; write the value out)") in lines
    assert any(line.startswith("seeds/bomb.yaml:2:8: alias '*a'") for line in lines)
    assert len(lines) < 20, lines  # once per file, not once per alias


def test_deep_nesting_is_refused_with_its_place(mini_seeds):
    (mini_seeds / "deep.yaml").write_text("facts:\n  - " + "[" * 500 + "]" * 500 + "\n",
                                          encoding="utf-8")
    (mini_seeds / "deeper.yaml").write_text("".join("  " * i + "-\n" for i in range(500)),
                                            encoding="utf-8")
    result = load_bounded(mini_seeds)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert any(re.match(r"seeds/deep\.yaml:2:\d+: nested more than \d+ levels deep", line)
               for line in lines), lines
    assert any(re.match(r"seeds/deeper\.yaml:\d+:\d+: nested more than", line)
               for line in lines), lines


def test_a_seeds_file_over_the_limit_is_refused(mini_seeds, monkeypatch):
    import kg.seeds.loader

    assert MAX_SEED_BYTES >= 128 << 20  # a province of 100,000 companies in one file is 84 MB
    monkeypatch.setattr(kg.seeds.loader, "MAX_SEED_BYTES", 1 << 20)  # not 256 MiB of padding
    (mini_seeds / "big.yaml").write_text("# padding\n" * ((1 << 20) // 10 + 1), encoding="utf-8")
    assert problems_of(mini_seeds) == [
        "seeds/big.yaml: the file is larger than the limit of 1 MiB (split it into smaller files)"]


# -- 2, 3. a list, a mapping or nothing where one value belongs ---------------------------------------------

ONE_VALUE = "takes one value"


@pytest.mark.parametrize("old, new, message", [
    ("type: Company", "type: [Company]", f"'type' {ONE_VALUE}"),
    ("relation: settledIn", "relation: {a: 1}", f"'relation' {ONE_VALUE}"),
    ("type: Company", "type: !!set {a, b}", f"'type' {ONE_VALUE}"),
    ("level: provincial", "level: [provincial]", f"'level' {ONE_VALUE}"),
    ("stage: proposed", "stage: {proposed: 1}", f"'stage' {ONE_VALUE}"),
    ("object: lishui-edz", "object: [lishui-edz]", f"'object' {ONE_VALUE}"),
    ("subject: teer-valve", "subject: [teer-valve]", f"'subject' {ONE_VALUE}"),
    ('unit: "%"', 'unit: ["%"]', f"'unit' {ONE_VALUE}"),
    ("qualifier: or-more", "qualifier: {a: b}", f"'qualifier' {ONE_VALUE}"),
    # Accepted silently before: the graph held "None", or the qualifier or fact vanished.
    ("object: lishui-edz", "object: ~", "'object' is empty"),
    ("year: 2011", "year: ~", "'year' is empty"),
    ("quantity: {amount: 3, unit: 家}", "quantity: ~", "'quantity' is empty"),
])
def test_a_collection_or_nothing_where_a_value_belongs_is_a_problem_at_its_line(
        mini_seeds, old, new, message):
    facts = mini_seeds / "facts.yaml"
    edit(facts, old, new)
    line = line_of(facts, new)
    problems = problems_of(mini_seeds)
    assert any(p.startswith(f"seeds/facts.yaml:{line}:") and message in p
               for p in problems), problems
    assert all(LINE.match(p) for p in problems), problems


def test_an_article_page_that_is_not_text(mini_seeds):
    edit(mini_seeds / "sources.yaml", "page: mini-page", "page: 5")
    [problem] = [p for p in problems_of(mini_seeds) if "'page'" in p]
    assert problem.startswith("seeds/sources.yaml:8:11: 'page' must be text, got 5")


def test_a_record_that_is_not_a_mapping_is_reported_where_it_stands(mini_seeds):
    append(mini_seeds / "facts.yaml", "  - just some words\n")
    line = line_of(mini_seeds / "facts.yaml", "just some words")
    assert problems_of(mini_seeds) == [
        f"seeds/facts.yaml:{line}:5: fact must be a mapping (write it as 'key: value' lines)"]


# -- 3. accepted silently before ----------------------------------------------------------------

def test_an_empty_value_of_a_value_fact_is_refused(real_seeds):
    path = real_seeds / "art1-party-meeting.yaml"
    edit(path, "value: 研究部署经开区贯彻落实意见", "value: ~")
    line = line_of(path, "value: ~")
    assert problems_of(real_seeds) == [
        f"seeds/art1-party-meeting.yaml:{line}:12: 'value' is empty "
        "(give 'value' a value, or remove the line)"]


@pytest.mark.parametrize("date", ["2024-02-30", "2023-02-29", "2024-04-31"])
def test_a_date_must_be_a_day_of_the_calendar(real_seeds, date):
    path = real_seeds / "art4-biomed-park.yaml"
    edit(path, 'date: "2024-11"', f'date: "{date}"')
    line = line_of(path, f'date: "{date}"')
    [problem] = problems_of(real_seeds)
    assert problem.startswith(f"seeds/art4-biomed-park.yaml:{line}:11: date '{date}' is not "
                              "a day of the calendar")


def test_a_leap_day_is_a_date(real_seeds):
    edit(real_seeds / "art4-biomed-park.yaml", 'date: "2024-11"', 'date: "2024-02-29"')
    load_seeds(real_seeds)


@pytest.mark.parametrize("tagged, shown", [
    ("!foo 特尔阀门高科技材料有限公司", "!foo"),
    ("!!binary 5Lit5paH", "!!binary"),
    ("!!str 特尔阀门高科技材料有限公司", "!!str"),
    ("! 特尔阀门高科技材料有限公司", "!"),
])
def test_any_yaml_tag_is_refused(mini_seeds, tagged, shown):
    edit(mini_seeds / "facts.yaml", "label: 特尔阀门高科技材料有限公司", f"label: {tagged}")
    line = line_of(mini_seeds / "facts.yaml", tagged)
    assert problems_of(mini_seeds) == [
        f"seeds/facts.yaml:{line}:12: YAML tag '{shown}' in seeds "
        "(tags are not allowed; remove it and quote the value if it is text)"]


@pytest.mark.parametrize("old, new, message", [
    ("file: sources/mini-page.txt", "file: sources/mini-page.txt\n    date: not-a-date",
     "date 'not-a-date' is not YYYY-MM or YYYY-MM-DD"),
    ("file: sources/mini-page.txt", "file: sources/mini-page.txt\n    date: \"2024-13\"",
     "date '2024-13' is not YYYY-MM or YYYY-MM-DD"),
    ("file: sources/mini-page.txt", "file: sources/mini-page.txt\n    newspaper: 12",
     "'newspaper' must be text, got 12"),
])
def test_a_pages_date_and_newspaper_are_checked(mini_seeds, old, new, message):
    edit(mini_seeds / "sources.yaml", old, new)
    [problem] = problems_of(mini_seeds)
    assert problem.startswith("seeds/sources.yaml:6:") and message in problem, problem


def test_a_page_may_say_it_prints_no_date(mini_seeds):
    edit(mini_seeds / "sources.yaml", "file: sources/mini-page.txt",
         "file: sources/mini-page.txt\n    newspaper: null\n    date: null")
    load_seeds(mini_seeds)


@pytest.mark.parametrize("escaped, code, col", [
    (r'"特尔\e[31m阀门"', "U+001B", 15),  # the column of the escape
    (r'"\e]0;TITLE\a特尔阀门"', "U+001B", 13),
    (r'"特尔\x9b31m阀门"', "U+009B", 15),
    (r'"特尔\u202e阀门"', "U+202E", 15),
    (r'"特尔\0阀门"', "U+0000", 15),
])
def test_control_characters_in_text_are_refused_at_their_place(mini_seeds, escaped, code, col):
    edit(mini_seeds / "facts.yaml", "label: 特尔阀门高科技材料有限公司", f"label: {escaped}")
    line = line_of(mini_seeds / "facts.yaml", escaped)
    problems = problems_of(mini_seeds)
    assert problems[0] == (f"seeds/facts.yaml:{line}:{col}: control character {code} in text "
                           "(remove it; seeds hold printable text only)")
    assert not any("\x1b" in p or "\x9b" in p for p in problems)


def test_a_control_character_in_a_quote_is_refused(mini_seeds):
    edit(mini_seeds / "facts.yaml", "quote: 于2011年落户丽水经开区", 'quote: "于2011年\\e[2J落户丽水经开区"')
    problems = problems_of(mini_seeds)
    assert any(p.startswith("seeds/facts.yaml:") and "control character U+001B" in p
               for p in problems), problems


def test_tabs_and_line_breaks_in_text_stay_allowed(mini_seeds):
    edit(mini_seeds / "facts.yaml", "quote: 于2011年落户丽水经开区", 'quote: "于2011年\\t落户\\n丽水经开区"')
    load_seeds(mini_seeds)


# -- 4. where the root cause is -----------------------------------------------------------------

def test_a_nul_byte_is_reported_at_its_line_and_column(mini_seeds):
    edit(mini_seeds / "facts.yaml", "label: 丽水经开区", "label: 丽水\x00经开区")
    line = line_of(mini_seeds / "facts.yaml", "丽水\x00经开区")
    assert problems_of(mini_seeds) == [
        f"seeds/facts.yaml:{line}:14: control character U+0000 in the file "
        "(remove it; seeds hold printable text only)"]


def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(mini_seeds):
    path = mini_seeds / "facts.yaml"
    data = path.read_bytes().replace("label: 丽水经开区".encode(), b"label: \xff\xfe", 1)
    path.write_bytes(data)
    line = data[:data.index(b"\xff")].count(b"\n") + 1
    [problem] = problems_of(mini_seeds)
    assert problem.startswith(f"seeds/facts.yaml:{line}:12: the file is not UTF-8 "
                              f"text: byte 0xff at line {line}")


def test_a_source_text_that_is_not_utf8_is_a_problem_of_its_page(mini_seeds):
    source = mini_seeds / "sources" / "mini-page.txt"
    source.write_bytes(source.read_bytes() + b"\n\x81\n")
    [problem] = problems_of(mini_seeds)
    assert problem.startswith("seeds/sources.yaml:5:11: sources/mini-page.txt is not UTF-8 "
                              "text: byte 0x81 at line 15, column 1"), problem


def test_a_bad_byte_after_chinese_text_is_reported_at_its_character_column(mini_seeds):
    path = mini_seeds / "facts.yaml"
    data = path.read_bytes().replace("label: 丽水经开区".encode(), "label: 丽水".encode() + b"\xff", 1)
    path.write_bytes(data)
    line = data[:data.index(b"\xff")].count(b"\n") + 1
    [problem] = problems_of(mini_seeds)
    assert problem.startswith(f"seeds/facts.yaml:{line}:14: the file is not UTF-8 text: "
                              f"byte 0xff at line {line}, column 14"), problem


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_seeds_file_is_a_problem(mini_seeds):
    path = mini_seeds / "facts.yaml"
    path.chmod(0)
    [problem] = problems_of(mini_seeds)
    assert problem.startswith("seeds/facts.yaml: the file cannot be read (Permission denied)")


def test_a_source_file_outside_the_seeds_folder_is_refused(mini_seeds, tmp_path):
    (tmp_path / "outside.txt").write_text("丽水经开区\n", encoding="utf-8")
    edit(mini_seeds / "sources.yaml", "file: sources/mini-page.txt", "file: ../outside.txt")
    problems = problems_of(mini_seeds)
    assert problems[0].startswith("seeds/sources.yaml:5:11: source file '../outside.txt' is "
                                  "outside seeds/")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_seeds_file_that_is_a_pipe_does_not_block(mini_seeds):
    os.mkfifo(mini_seeds / "pipe.yaml")
    assert problems_of(mini_seeds) == [
        "seeds/pipe.yaml: the file is not a plain file "
        "(a pipe, a device or a folder cannot be read; use a plain text file)"]


def test_a_syntax_error_is_the_only_problem_not_its_consequences(real_seeds):
    # common.yaml defines entities every article names: unreadable, it would make each
    # reference to them unknown. Only the root cause is reported, on the broken line.
    path = real_seeds / "common.yaml"
    edit(path, "    type: PublicBody\n", "    type PublicBody\n")
    line = line_of(path, "type PublicBody")
    [problem] = problems_of(real_seeds)
    assert problem.startswith(f"seeds/common.yaml:{line}:5: YAML syntax error: could not find "
                              "expected ':'"), problem


def test_an_unclosed_quote_points_at_where_it_opens(mini_seeds):
    path = mini_seeds / "facts.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[-1].startswith("    quote: ")
    lines[-1] = lines[-1].replace("quote: ", 'quote: "')  # never closed: the file ends first
    path.write_text("".join(lines), encoding="utf-8")
    [problem] = problems_of(mini_seeds)
    assert problem.startswith(f"seeds/facts.yaml:{len(lines)}:12: YAML syntax error: found "
                              "unexpected end of stream (noticed at line "), problem


def test_a_second_document_is_refused(mini_seeds):
    append(mini_seeds / "facts.yaml", "---\nfacts: []\n")
    line = line_of(mini_seeds / "facts.yaml", "---")
    assert problems_of(mini_seeds) == [
        f"seeds/facts.yaml:{line}:1: a second YAML document ('---') in one seeds file "
        "(keep one document per file; split it into two files)"]


def test_an_empty_seeds_file_still_gets_every_reference_checked(mini_seeds):
    (mini_seeds / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    edit(mini_seeds / "facts.yaml", "object: lishui-edz", "object: lishui-ezd")
    [problem] = problems_of(mini_seeds)
    assert "unknown id 'lishui-ezd'" in problem


def test_an_unknown_id_with_no_close_match_gets_a_short_hint(mini_seeds):
    edit(mini_seeds / "facts.yaml", "object: lishui-edz", "object: zzzzzz")
    [problem] = problems_of(mini_seeds)
    assert problem.endswith("unknown id 'zzzzzz' (write the id of an entity defined in the seeds)")


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "1" * 40])
def test_a_huge_number_is_a_problem_not_a_crash(mini_seeds, number):
    edit(mini_seeds / "facts.yaml", "year: 2011", f"year: {number}")
    [problem] = problems_of(mini_seeds)
    assert "'year' must be a year" in problem


@pytest.mark.parametrize("old, new", [
    ("relation: settledIn", 'relation: "settled\\nIn"'),
    ("type: Company", 'type: "Com\\r\\npany"'),
    ("subject: teer-valve", 'subject: "teer\\u2028valve"'),
    ("year: 2011", '"ye\\nar": 2011'),
])
def test_every_problem_is_one_line_even_when_it_quotes_a_line_break(mini_seeds, old, new):
    edit(mini_seeds / "facts.yaml", old, new)
    problems = problems_of(mini_seeds)
    assert problems and all(len(p.splitlines()) == 1 and LINE.match(p) for p in problems), problems


def test_kg_check_reports_hostile_seeds_with_exit_2_and_no_traceback(mini_seeds):
    from click.testing import CliRunner

    from kg.cli import main

    (mini_seeds / "deep.yaml").write_text("facts: " + "[" * 500 + "]" * 500, encoding="utf-8")
    edit(mini_seeds / "facts.yaml", "type: Company", "type: [Company]")
    edit(mini_seeds / "facts.yaml", "label: 丽水经开区", 'label: "\\e]0;TITLE\\a丽水经开区"')
    result = CliRunner().invoke(main, ["check", "--seeds", str(mini_seeds)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "\x1b" not in result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].endswith("problems found; nothing was written.")
    assert all(LINE.match(line) for line in lines[:-1]), lines


def test_a_seeds_file_named_with_control_characters_is_shown_escaped(mini_seeds, tmp_path):
    """A file's name is no seeds text the loader checks: the problems and the progress that
    quote it print it escaped (color=True: click strips nothing, as on a terminal)."""
    from click.testing import CliRunner

    from helpers import ONTOLOGY
    from kg.cli import main

    out = tmp_path / "out"
    build = ["build", "--seeds", str(mini_seeds), "--out", str(out), "--ontology", str(ONTOLOGY),
             "-v"]
    assert CliRunner().invoke(main, build).exit_code == 0
    shutil.copy(mini_seeds / "facts.yaml", mini_seeds / "x\x1b[31mred.yaml")
    result = CliRunner().invoke(main, build, color=True)
    assert result.exit_code == 2, result.output
    assert "\x1b" not in result.stderr
    assert "every seeds file is read: more than 25% of the seeds' YAML bytes changed " \
           "(x\\x1b[31mred.yaml)" in result.stderr
    assert "seeds/x\\x1b[31mred.yaml:" in result.stderr
