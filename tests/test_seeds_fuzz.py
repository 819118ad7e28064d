"""Fuzz the seed loader with mutations of the real seeds.

Each mutation changes one seeds file; a pool of two workers loads each case with a time limit
(SIGALRM) under a memory limit (RLIMIT_AS). The loader must answer every case with either
`Seeds` or an `InputError` whose report names a place and holds no control character: never
another exception, a hang or a blown limit. Mutations known to make the seeds invalid must be
rejected; of the others that load, a sample is mapped to RDF and must pass the shipped SHACL
shapes. The random seed is fixed, so a failure names a case that can be replayed.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import resource
import shutil
import signal
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from helpers import SEEDS

CASES = 420
SHACL_SAMPLE = 6
CASE_SECONDS = 10  # a load takes about 0.2 s
MEMORY = 2 << 30
RANDOM_SEED = 20261129
REPORT_LINE = re.compile(r"^seeds/[^:]+(:\d+:\d+)?: .+$")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# `key: value` on one line, optionally the first key of a list item.
PAIR = re.compile(r"^(?P<lead>\s*(?:- )?)(?P<key>[a-z_]+): (?P<value>[^\s&*!|>\[{#\"'].*)$")
SCALAR_KEYS = {"id", "type", "label", "label_en", "subject", "relation", "object", "value",
               "source", "quote", "year", "level", "stage", "awarded_by", "role", "note",
               "title", "byline", "page", "file", "inferred_year", "in_list", "batch"}


# -- mutations: each returns (new bytes, whether the seeds must be rejected) or None -------------

def _pairs(lines, keys=None):
    return [i for i, line in enumerate(lines) if (m := PAIR.match(line))
            and (keys is None or m["key"] in keys)]


def _with(lines, i, line):
    return "".join(lines[:i] + [line] + lines[i + 1:]).encode()


def _change_value(rng, lines, make, keys=SCALAR_KEYS):
    at = _pairs(lines, keys)
    if not at:
        return None
    i = rng.choice(at)
    m = PAIR.match(lines[i])
    return _with(lines, i, f"{m['lead']}{m['key']}: {make(rng, m['value'])}\n")


def to_list(rng, lines):
    return _change_value(rng, lines, lambda r, v: f"[{v}]"), True


def to_map(rng, lines):
    return _change_value(rng, lines, lambda r, v: f"{{a: {v}}}"), True


def to_null(rng, lines):
    return _change_value(rng, lines, lambda r, v: r.choice(["~", "null", ""])), True


def to_tag(rng, lines):
    return _change_value(rng, lines,
                         lambda r, v: r.choice(["!foo ", "!!binary ", "!!str ", "! "]) + v), True


def to_anchor(rng, lines):
    return _change_value(rng, lines, lambda r, v: r.choice([f"&a {v}", "*a", "[*b, *b]"])), True


def to_deep(rng, lines):
    depth = rng.choice([13, 40, 500, 5000])
    return _change_value(rng, lines, lambda r, v: "[" * depth + "x" + "]" * depth), True


def escape_control(rng, lines):
    escape = rng.choice([r"\e[31m", r"\e]0;TITLE\a", r"\x9b", r"\0", r"\x7f", r"\u202e"])
    text_keys = {"label", "label_en", "quote", "note", "title", "value", "role"}
    return _change_value(rng, lines, lambda r, v: '"' + v.replace("\\", "").replace('"', "")
                         + escape + '"', text_keys), True


def raw_control(rng, lines):
    text = "".join(lines)
    at = rng.randrange(len(text))
    char = rng.choice(["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\x01"])
    return (text[:at] + char + text[at:]).encode(), True


def not_utf8(rng, lines):
    data = "".join(lines).encode()
    at = rng.randrange(len(data))
    return data[:at] + rng.choice([b"\xff", b"\xc3\x28", b"\x80"]) + data[at:], True


def huge_year(rng, lines):
    return _change_value(rng, lines, lambda r, v: r.choice(["9" * 5000, "-1", "1" + "0" * 40,
                                                            "2.5"]), {"year"}), True


def bad_date(rng, lines):
    date = rng.choice(["2024-02-30", "2023-02-29", "2024-13", "2024-00", "not-a-date",
                       "2024-11-31", "20241", "2024-1-5", "2024-06-31"])
    at = [i for i, line in enumerate(lines) if re.match(r"\s+date: ", line)]
    if not at:
        return None, True
    i = rng.choice(at)
    return _with(lines, i, lines[i].split("date:")[0] + f"date: \"{date}\"\n"), True


def bad_page_date(rng, lines):
    at = [i for i, line in enumerate(lines) if line.startswith("    date:")]
    if not at:
        return None, True
    return _with(lines, at[0], rng.choice(["    date: not-a-date\n", "    date: [2024]\n",
                                            "    date: \"2024-02-30\"\n"])), True


def duplicate_pair(rng, lines):
    at = [i for i in _pairs(lines) if not PAIR.match(lines[i])["lead"].endswith("- ")]
    i = rng.choice(at)
    return "".join(lines[:i + 1] + [lines[i]] + lines[i + 1:]).encode(), True


def second_document(rng, lines):
    return ("".join(lines) + "---\n" + rng.choice(["", "facts: []\n"])).encode(), True


def delete_line(rng, lines):
    i = rng.randrange(len(lines))
    return "".join(lines[:i] + lines[i + 1:]).encode(), False


def duplicate_line(rng, lines):
    i = rng.randrange(len(lines))
    return "".join(lines[:i + 1] + [lines[i]] + lines[i + 1:]).encode(), False


def swap_lines(rng, lines):
    i = rng.randrange(len(lines) - 1)
    return "".join(lines[:i] + [lines[i + 1], lines[i]] + lines[i + 2:]).encode(), False


def truncate(rng, lines):
    text = "".join(lines).encode()
    return text[:rng.randrange(len(text))], False  # may cut a character: then not UTF-8


def huge_amount(rng, lines):
    at = [i for i, line in enumerate(lines) if "amount: " in line]
    if not at:
        return None, False
    i = rng.choice(at)
    new = re.sub(r"amount: [0-9.]+", "amount: " + rng.choice(["9" * 40, "0", "1" * 31]),
                 lines[i])
    return _with(lines, i, new), False


MUTATIONS = [to_list, to_map, to_null, to_tag, to_anchor, to_deep, escape_control, raw_control,
             not_utf8, huge_year, bad_date, bad_page_date, duplicate_pair, second_document,
             delete_line, duplicate_line, swap_lines, truncate, huge_amount]


def make_cases() -> list[tuple[int, str, str, bytes, bool]]:
    rng = random.Random(RANDOM_SEED)
    files = {f.name: f.read_text(encoding="utf-8").splitlines(keepends=True)
             for f in sorted(SEEDS.glob("*.yaml"))}
    cases = []
    while len(cases) < CASES:
        mutation = MUTATIONS[len(cases) % len(MUTATIONS)]
        name = {bad_page_date: "sources.yaml", bad_date: "art4-biomed-park.yaml"}.get(
            mutation, rng.choice(sorted(files)))
        data, invalid = mutation(rng, files[name])
        if data is not None:
            cases.append((len(cases), mutation.__name__, name, data, invalid))
    return cases


# -- the workers ---------------------------------------------------------------------------------

_ROOT: Path | None = None


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang


def _start(under: Path) -> None:
    global _ROOT
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    signal.signal(signal.SIGALRM, _alarm)
    # Under the test's own temporary folder: a pool's workers are ended without clean-up.
    _ROOT = Path(tempfile.mkdtemp(prefix="kg-fuzz-", dir=under)) / "seeds"
    shutil.copytree(SEEDS, _ROOT)


def _run(case, shacl: bool = False):
    from kg.errors import InputError
    from kg.seeds.loader import load_seeds

    index, mutation, name, data, invalid = case
    assert _ROOT is not None
    target = _ROOT / name
    original = (SEEDS / name).read_bytes()
    target.write_bytes(data)
    signal.alarm(CASE_SECONDS)
    try:
        seeds = load_seeds(_ROOT)
        if not shacl:
            return index, "loaded", ""
        from kg.rdf.adapter import as_rdflib_graph
        from kg.rdf.mapping import map_seeds
        from helpers import validate_both  # both engines; a disagreement is a crash

        result = validate_both(as_rdflib_graph(map_seeds(seeds).triples()))
        return index, "conforms" if result.conforms else "not conforming", result.report()
    except InputError as exc:
        return index, "rejected", exc.report()
    except _Hang:
        return index, "hang", ""
    except MemoryError:
        return index, "memory", ""
    except BaseException as exc:  # noqa: BLE001 - any other exception is the finding
        return index, "crash", f"{type(exc).__name__}: {exc}"[:500]
    finally:
        signal.alarm(0)
        target.write_bytes(original)


def _run_shacl(case):
    return _run(case, shacl=True)


def _results(pool, function, cases) -> dict[int, tuple[str, str]]:
    out = {}
    it = pool.imap_unordered(function, cases)
    for _ in cases:
        index, outcome, detail = it.next(timeout=CASE_SECONDS * 6)  # a worker stuck in C code
        out[index] = (outcome, detail)
    return out


@pytest.mark.slow
@pytest.mark.figures
def test_the_loader_survives_mutated_seeds(tmp_path):
    cases = make_cases()
    with multiprocessing.get_context("fork").Pool(2, initializer=_start,
                                                  initargs=(tmp_path,)) as pool:
        results = _results(pool, _run, cases)
        loaded = [c for c in cases if results[c[0]][0] == "loaded" and not c[4]]
        sample = random.Random(RANDOM_SEED).sample(loaded, min(SHACL_SAMPLE, len(loaded)))
        shacl = _results(pool, _run_shacl, sample)

    counts = Counter((c[1], results[c[0]][0]) for c in cases)
    print(f"\n{len(cases)} mutated seeds:")
    for (mutation, outcome), n in sorted(counts.items()):
        print(f"  {mutation:16} {outcome:10} {n}")
    print(f"  SHACL on {len(sample)} that loaded: {Counter(o for o, _ in shacl.values())}")

    def show(case, why):
        index, mutation, name, data, invalid = case
        return f"case {index} ({mutation} of {name}): {why}"

    failures = []
    for case in cases:
        outcome, detail = results[case[0]]
        if outcome in ("hang", "memory", "crash"):
            failures.append(show(case, f"{outcome} {detail}"))
        elif outcome == "loaded" and case[4]:
            failures.append(show(case, "an invalid mutation was accepted"))
        elif outcome == "rejected":
            lines = detail.splitlines()
            if not lines[:-1] or not all(REPORT_LINE.match(line) for line in lines[:-1]):
                failures.append(show(case, f"a report line names no place: {detail[:300]}"))
            if CONTROL.search(detail):
                failures.append(show(case, f"a control character in the report: {detail!r:.300}"))
    for case in sample:
        outcome, detail = shacl[case[0]]
        if outcome != "conforms":
            failures.append(show(case, f"loaded but {outcome}: {detail[:500]}"))
    assert not failures, "\n".join(failures[:20])
