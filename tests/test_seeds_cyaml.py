"""libyaml's C parser reads the seeds exactly as the pure-Python parser, the reference, does.

Same marked trees (values, their types and every mark) on the real seeds and the fixtures, and
the same problems (path, line, column, message, hint) on broken and hostile files, both for one
file (`load_marked`) and for a whole seeds folder (`load_seeds`).
"""

from __future__ import annotations

import pytest
import yaml

from helpers import FIXTURES, MINI, SEEDS
from kg.errors import InputError
from kg.seeds import yamlmarks
from kg.seeds.loader import load_seeds
from kg.seeds.yamlmarks import MarkedList, MarkedMap, load_marked
from test_seeds_fuzz import make_cases
from test_seeds_hostile import BILLION_LAUGHS

pytestmark = pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False),
                                reason="PyYAML was built without libyaml")

SEED_FILES = sorted(SEEDS.glob("*.yaml")) + sorted(FIXTURES.glob("*/*.yaml"))


def dump(value) -> object:
    """A marked tree as plain comparable data: every value with its type, every mark."""
    if isinstance(value, MarkedMap):
        return ("map", value.mark.line, value.mark.col,
                [(key, value.key_marks[key].line, value.key_marks[key].col,
                  value.value_marks[key].line, value.value_marks[key].col, dump(item))
                 for key, item in value.items()])
    if isinstance(value, MarkedList):
        return ("list", value.mark.line, value.mark.col,
                [(mark.line, mark.col, dump(item))
                 for mark, item in zip(value.item_marks, value, strict=True)])
    return (type(value).__name__, repr(value))  # repr: Decimal("1.0") == Decimal("1.00")


def both(text: str, path: str = "seeds/x.yaml"):
    pure, fast = load_marked(text, path, fast=False), load_marked(text, path, fast=True)
    return (dump(pure[0]), pure[1]), (dump(fast[0]), fast[1])


def test_libyaml_is_the_default_when_pyyaml_has_it():
    assert yamlmarks.FAST is True


@pytest.mark.parametrize("file", SEED_FILES, ids=lambda f: f"{f.parent.name}/{f.name}")
def test_both_parsers_build_the_same_marked_tree(file):
    text = file.read_text(encoding="utf-8")
    data, problems = load_marked(text, "seeds/x.yaml", fast=False)
    assert problems == []
    fast = yamlmarks._read_fast(text, "seeds/x.yaml")
    assert fast is not None, "a valid seeds file fell back to the pure parser"
    assert fast[1] == [] and dump(fast[0]) == dump(data)


MINI_FACTS = (MINI / "facts.yaml").read_text(encoding="utf-8")


def mini(old: str, new: str) -> str:
    assert old in MINI_FACTS, old
    return MINI_FACTS.replace(old, new, 1)


# Each case is one broken or unusual file; both parsers must give the same tree and problems.
BROKEN = {
    "missing-colon": mini("type: Company", "type Company"),
    "unclosed-quote": MINI_FACTS.rstrip("\n").rsplit("\n", 1)[0] + '\n    quote: "never closed\n',
    "unclosed-flow": mini("type: Company", "type: [Company"),
    "bad-indent": mini("    type: Company", "      type: Company"),
    "stray-dedent": mini("    type: Company", "  type: Company"),
    "nul-byte": mini("label: 丽水经开区", "label: 丽水\x00经开区"),
    "bell-raw": mini("label: 丽水经开区", "label: 丽水\x07经开区"),
    "c1-raw": mini("label: 丽水经开区", "label: 丽水\x9b经开区"),
    "del-raw": mini("label: 丽水经开区", "label: 丽水\x7f经开区"),
    "bidi-raw": mini("label: 丽水经开区", "label: 丽水\u202e经开区"),
    "escape-e": mini("label: 丽水经开区", 'label: "特尔\\e[31m阀门"'),
    "escape-x9b": mini("label: 丽水经开区", 'label: "特尔\\x9b31m阀门"'),
    "escape-u202e": mini("label: 丽水经开区", 'label: "特尔\\u202e阀门"'),
    "escape-nul": mini("label: 丽水经开区", 'label: "特尔\\0阀门"'),
    "escape-tab-newline": mini("label: 丽水经开区", 'label: "丽水\\t经开\\n区"'),
    "tab-indent": mini("    type: Company", "\ttype: Company"),
    "tab-after-colon": mini("type: Company", "type:\tCompany"),
    "tab-before-dash": mini("  - id:", "\t- id:"),
    "tab-in-plain": mini("label: 丽水经开区", "label: 丽水\t经开区"),
    "anchor": mini("type: Company", "type: &a Company"),
    "alias": mini("type: Company", "type: *a"),
    "billion-laughs": BILLION_LAUGHS,
    "merge-key": "a: &a {x: 1}\nb:\n  <<: *a\n",
    "tag-foo": mini("label: 丽水经开区", "label: !foo 丽水经开区"),
    "tag-binary": mini("label: 丽水经开区", "label: !!binary 5Lit5paH"),
    "tag-str": mini("label: 丽水经开区", "label: !!str 丽水经开区"),
    "tag-bang": mini("label: 丽水经开区", "label: ! 丽水经开区"),
    "tag-set": mini("type: Company", "type: !!set {a, b}"),
    "tag-verbatim": mini("label: 丽水经开区", "label: !<tag:x> 丽水经开区"),
    "tag-directive": "%TAG !e! tag:example.com,2000:\n---\na: !e!foo b\n",
    "yaml-directive": "%YAML 1.1\n---\na: b\n",
    "yaml-directive-1.3": "%YAML 1.3\n---\na: b\n",
    "deep-flow": "facts:\n  - " + "[" * 500 + "]" * 500 + "\n",
    "deep-flow-13": "a: " + "[" * 13 + "x" + "]" * 13 + "\n",
    "deep-block": "".join("  " * i + "-\n" for i in range(500)),
    "deep-map": "".join("  " * i + f"k{i}:\n" for i in range(40)),
    "second-document": MINI_FACTS + "---\nfacts: []\n",
    "second-empty-document": MINI_FACTS + "---\n",
    "document-end": MINI_FACTS + "...\n",
    "duplicate-key": mini("    type: Company", "    type: Company\n    type: Park"),
    "key-not-text": "1: a\n[x]: b\n{y: 1}: c\n",
    "complex-key": "? a\n: b\n? [c]\n: d\n",
    "empty": "",
    "only-comment": "# nothing yet\n",
    "only-null": "~\n",
    "scalar-root": "just words\n",
    "list-root": "- a\n- b\n",
    "bom": "\ufeff" + MINI_FACTS,
    "bom-nul": "\ufeffa: 丽水\x00\n",
    "crlf": MINI_FACTS.replace("\n", "\r\n"),
    "cr-only": MINI_FACTS.replace("\n", "\r"),
    "nel-line-separator": "a: 丽水\x85b: c\u2028d\n",
    "astral": mini("label: 丽水经开区", "label: 😀丽水经开区"),
    "astral-control": mini("label: 丽水经开区", 'label: "😀\\e丽水"'),
    "block-literal": "a: |\n  line one\n  丽水\n\nb: >-\n  folded\n  text\n",
    "block-literal-control": "a: |\n  line one\n  丽水\x1b[31m\n",
    "plain-multiline": "a: one\n  two\n\n  three\nb: x",
    "single-quoted": "a: 'it''s 丽水'\nb: ''\n",
    "double-escapes": 'a: "\\/ \\N \\_ \\L \\P \\x41 \\u4e3d \\U0001F600"\n',
    "bad-escape": 'a: "\\q"\n',
    "numbers": "a: 2011\nb: -1.50\nc: .5\nd: 1e3\ne: 0x1f\nf: 0o17\ng: +12\nh: 2024-02-30\n",
    "huge-number": "a: " + "9" * 5000 + "\n",
    "nulls-bools": "a: ~\nb: null\nc:\nd: true\ne: no\nf: False\n",
    "colon-in-flow": "a: {b:c}\nd: [e:f]\n",
    "flow-plain-colon": "a: [http://x.y, 'b']\n",
    "long-key": "k" * 1100 + ": v\n",
    "trailing-garbage": "a: b\n]\n",
    "comment-no-space": "a: b#c\nd: e #f\n",
    "question-dash": "- ? a\n  : b\n-  - c\n",
    "flow-trailing-comma": "a: [b, c, ]\nd: {e: 1, }\n",
    "empty-flow-entry": "a: [b, , c]\n",
    "reserved-indicator": "a: @b\nc: `d\n",
    "percent-in-plain": "a: 90%\nb: %x\n",
    "indented-sequence": "a:\n- b\n- c\n",
    "surrogate": "a: \ud800\n",
    "fffe": "a: \ufffe\n",
    "truncated-mid-key": MINI_FACTS[:len(MINI_FACTS) // 2],
    # Where libyaml and PyYAML differ; the pure parser reads these.
    "question-in-flow-map": mini("unit: 家}", "unit: 家? }"),
    "question-in-flow-list": "a: [特色? 半导体]\nb: [b ?c]\n",
    "question-alone-in-flow": "a: [?]\n",
    "feff-inside": "a: 1\nsub\ufefftitle: {b: 1}\n",
    "empty-in-flow-map": "a: {b, c: }\n",
    "empty-key-in-flow-list": "a: [a:]\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_both_parsers_give_the_same_tree_and_problems(name):
    pure, fast = both(BROKEN[name])
    assert fast == pure


# The loader's fuzz cases: each a mutation of one real seeds file. The fast tier takes a sample;
# the whole set (about 12 s) runs in the slow tier.
FUZZ = [(index, mutation, name, data) for index, mutation, name, data, _ in make_cases()]


def _compare_fuzz(cases) -> int:
    compared = 0
    for index, mutation, name, data in cases:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # the loader refuses these before any parser
            continue
        pure, fast = both(text, f"seeds/{name}")
        assert fast == pure, f"case {index} ({mutation} of {name})"
        compared += 1
    return compared


def test_both_parsers_agree_on_a_sample_of_the_fuzz_cases():
    assert _compare_fuzz(FUZZ[::7]) > 40


@pytest.mark.slow
def test_both_parsers_agree_on_every_fuzz_case():
    assert _compare_fuzz(FUZZ) > 350


# -- a whole seeds folder: the loader's problems, bytes and all ---------------------------------

def problems(seeds_dir, monkeypatch, fast: bool) -> list:
    monkeypatch.setattr(yamlmarks, "FAST", fast)
    try:
        load_seeds(seeds_dir)
    except InputError as exc:
        return exc.problems
    return []


FOLDER_CASES = {
    "valid": None,
    "syntax": mini("type: Company", "type Company").encode(),
    "nul": mini("label: 丽水经开区", "label: 丽水\x00经开区").encode(),
    "not-utf8": MINI_FACTS.encode().replace("label: 丽水经开区".encode(), b"label: \xff\xfe", 1),
    "control-escape": mini("label: 丽水经开区", 'label: "\\e]0;TITLE\\a丽水经开区"').encode(),
    "tag-and-anchor": mini("type: Company", "type: &a !foo Company").encode(),
    "deep": ("facts:\n  - " + "[" * 500 + "]" * 500 + "\n").encode(),
    "second-document": (MINI_FACTS + "---\nfacts: []\n").encode(),
    "duplicate-key": mini("    type: Company", "    type: Company\n    type: Park").encode(),
    "collection-value": mini("type: Company", "type: [Company]").encode(),
    "unknown-id": mini("object: lishui-edz", "object: lishui-ezd").encode(),
}


@pytest.mark.parametrize("case", sorted(FOLDER_CASES))
def test_load_seeds_reports_the_same_problems_with_either_parser(mini_seeds, monkeypatch,
                                                                 case):
    if FOLDER_CASES[case] is not None:
        (mini_seeds / "facts.yaml").write_bytes(FOLDER_CASES[case])
    pure = problems(mini_seeds, monkeypatch, fast=False)
    fast = problems(mini_seeds, monkeypatch, fast=True)
    assert fast == pure
    assert (case == "valid") == (pure == [])


def test_load_seeds_gives_the_same_records_with_either_parser(monkeypatch):
    monkeypatch.setattr(yamlmarks, "FAST", False)
    pure = load_seeds(SEEDS)
    monkeypatch.setattr(yamlmarks, "FAST", True)
    assert load_seeds(SEEDS) == pure
