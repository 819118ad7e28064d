"""Quotes checked against long source texts: the index answers exactly as `in` does."""

from __future__ import annotations

import random
import shutil

import pytest

import kg.seeds.quotes as quotes
from helpers import MINI
from kg.errors import InputError
from kg.seeds.loader import load_seeds
from kg.seeds.quotes import QuoteFinder

ALPHABETS = {"two letters": "ab", "digits": "0123456789",
             "Chinese": "合成企业号于年入选市级科技型名单丽水经开区", "mixed": "ab合成0“”()、。"}


def _needles(text: str, rng: random.Random, alphabet: str) -> list[str]:
    needles = []
    for _ in range(150):
        length = rng.choice([0, 1, 3, 4, 5, 8, 13, 30, 60])
        start = rng.randrange(len(text))
        piece = text[start:start + length]
        needles.append(piece)  # in the text (or cut short at its end)
        if piece:
            at = rng.randrange(len(piece))
            needles.append(piece[:at] + rng.choice(alphabet + "x") + piece[at + 1:])  # one change
        needles.append("".join(rng.choice(alphabet) for _ in range(length)))  # anything
    return needles + [text[:7], text[-7:], text, text + "a", ""]


@pytest.mark.parametrize("alphabet", ALPHABETS, ids=list(ALPHABETS))
@pytest.mark.parametrize("most_places", [quotes.MOST_PLACES, 3])
def test_the_index_answers_as_in_does(alphabet, most_places, monkeypatch):
    """Random texts over few letters (every gram repeats: the hardest case for an index),
    needles in them, changed in one place, or made up; at the ends; longer than the text."""
    monkeypatch.setattr(quotes, "MOST_PLACES", most_places)  # 3: the scan fallback too
    rng = random.Random(9)
    letters = ALPHABETS[alphabet]
    for size in (5, 40, 3000):
        text = "".join(rng.choice(letters) for _ in range(size))
        finder = QuoteFinder(text, scanned_up_to=0, scans_before_index=0)
        for needle in _needles(text, rng, letters):
            assert finder.contains(needle) == (needle in text), (text[:40], needle)
        assert finder._keys is not None or size < quotes.GRAM  # it did use its index


def test_short_texts_are_scanned_and_long_ones_indexed_after_a_few_quotes():
    short = QuoteFinder("丽水经开区" * 10)
    assert all(short.contains("经开区丽水") for _ in range(50)) and short._keys is None
    text = "".join(f"合成企业{i:06d}号于{2000 + i % 20}年入选" for i in range(60000))
    assert len(text) > quotes.SCANNED_UP_TO
    long = QuoteFinder(text)
    for i in range(quotes.SCANS_BEFORE_INDEX):
        assert long.contains(f"合成企业{i:06d}号于")
    assert long._keys is None
    assert long.contains("合成企业059999号于2019年入选") and long._keys is not None
    assert not long.contains("合成企业060000号于")


def _problems(seeds) -> list[str]:
    try:
        load_seeds(seeds)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_the_loader_finds_the_same_quotes_through_the_index(tmp_path, monkeypatch):
    """Every quote of the mini seeds checked through the index (as a long text's would be):
    the same seeds load, and a quote one character off is the same problem as before."""
    seeds = tmp_path / "seeds"
    shutil.copytree(MINI, seeds)
    facts = seeds / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        "于2011年落户丽水经开区", "于2012年落户丽水经开区"), encoding="utf-8")
    scanned = _problems(seeds)
    assert len(scanned) == 1 and "quote not found" in scanned[0], scanned
    monkeypatch.setattr(quotes, "SCANNED_UP_TO", 0)
    monkeypatch.setattr(quotes, "SCANS_BEFORE_INDEX", 0)
    looked_up: list[str] = []
    real_look_up = QuoteFinder._look_up
    monkeypatch.setattr(QuoteFinder, "_look_up",
                        lambda self, q: looked_up.append(q) or real_look_up(self, q))
    assert _problems(seeds) == scanned
    assert len(looked_up) >= 5
    shutil.copy(MINI / "facts.yaml", facts)
    assert _problems(seeds) == []


def test_the_loader_keeps_only_the_most_recent_indexes(tmp_path, monkeypatch):
    """Memory stays bounded however many long sources the seeds cite: the loader's checker
    keeps KEPT_INDEXES indexes (the most recently used), the others let theirs go and scan
    again, with the same answers; a finder asked often again rebuilds its index."""
    from kg.seeds.loader import _Checker

    monkeypatch.setattr(quotes, "SCANNED_UP_TO", 0)
    monkeypatch.setattr(quotes, "SCANS_BEFORE_INDEX", 1)
    checker = _Checker(tmp_path)
    texts = {f"s{i}": "".join(f"合成企业{i:02d}{j:05d}号入选" for j in range(50)) for i in range(7)}
    for source, text in texts.items():
        for j in range(3):
            assert checker.found(source, text, f"企业{source[1:]:0>2}{j:05d}号")
        assert not checker.found(source, text, "合成企业99")
    assert list(checker.indexed) == ["s3", "s4", "s5", "s6"] == list(texts)[-quotes.KEPT_INDEXES:]
    assert [f.indexed for f in checker.finders.values()] == [False] * 3 + [True] * 4
    assert checker.found("s0", texts["s0"], "企业0000049号") and not checker.finders["s0"].indexed
    assert checker.found("s0", texts["s0"], "企业0000048号") and checker.finders["s0"].indexed
    assert list(checker.indexed) == ["s4", "s5", "s6", "s0"] and not checker.finders["s3"].indexed
