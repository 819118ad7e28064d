"""`kg suggest ARTICLE.txt --out DRAFT.yaml`: seeds drafted from a new article by rules.

Run on the articles of tests/fixtures/articles/ (fictional, each with hand-made answers): every
draft passes `kg check` once placed in a copy of the seeds with its article, every quote is a
slice of the article, negated clauses and aims give no achievement, a look-alike of a known firm
is a new entity, and precision and recall against the answers stay above their floors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from helpers import folder_digest
from kg.cli import main
from kg.seeds.loader import load_seeds, squash
from kg.seeds.suggest import (Score, SuggestError, answers_from_seeds, read_article, score,
                              suggest)
from tests.helpers import FIXTURES, SEEDS

ARTICLES = FIXTURES / "articles"
DEVELOPMENT = sorted(ARTICLES.glob("*.txt"))  # the rules were written and tuned on these
# Written with their answers before the drafter first read them (three rounds, see README).
HELD_OUT = sorted(ARTICLES.glob("heldout*/*.txt"))
PAGE = SEEDS / "sources" / "lishui-edz-news-page.txt"
PAGE_ARTICLES = {"p1": (3, 19), "p2": (21, 39), "p3": (41, 59), "p4": (61, 77),
                 "p5": (79, 97), "p6": (99, 113)}  # line ranges of seeds/sources.yaml

# Floors. The development articles score P = R = 1.00 (122/122) and the held-out ones P = R = 1.00
# (120/120) since the rules were fixed after each held-out round's blind run (P 0.77 / R 0.55,
# P 0.84 / R 0.73, P 0.97 / R 0.97). They are regression floors: low enough that one answer a
# curator changes does not fail (one item of 120 is 0.8 %), high enough that a rule broken for one
# article (about 10 items) does. On the page's own articles, against what the curators recorded,
# the drafts score P 0.72 (33/46) and R 0.12 (33/274): most curated facts (meetings, initiatives,
# products, technologies, characteristics) are beyond the rules; the floors sit one or two facts
# below. See README "Drafting seeds from an article".
FLOOR_DEVELOPMENT = 0.95
FLOOR_HELD_OUT = 0.90
FLOOR_PAGE_PRECISION = 0.65
FLOOR_PAGE_RECALL = 0.11


@pytest.fixture(scope="module")
def seeds():
    return load_seeds(SEEDS)


def draft_of(path: Path, seeds):
    return suggest(read_article(path), path.name, seeds)


def answers_of(path: Path) -> dict:
    return yaml.safe_load(path.with_suffix(".answers.yaml").read_text(encoding="utf-8"))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def place(tmp_path: Path, article: Path, draft_text: str) -> Path:
    """A copy of the seeds with the article archived and the draft in it, as a curator would."""
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    shutil.copy(article, dest / "sources" / article.name)
    (dest / f"{article.stem}.yaml").write_text(draft_text, encoding="utf-8")
    return dest


@pytest.mark.parametrize("article", DEVELOPMENT + HELD_OUT, ids=lambda p: p.stem)
def test_draft_passes_kg_check_and_quotes_are_verbatim(article, seeds, tmp_path):
    draft = draft_of(article, seeds)
    text = squash(article.read_text(encoding="utf-8"))
    assert draft.quotes(), "a draft with nothing to check checks nothing"
    for quote in draft.quotes():
        assert squash(quote) in text, quote
    folder = place(tmp_path, article, draft.to_yaml(article.name))
    result = run("check", "--seeds", str(folder))
    assert result.exit_code == 0, result.output
    assert "every quote found in its source" in result.output


@pytest.mark.parametrize("name", sorted(PAGE_ARTICLES))
def test_the_pages_own_articles_draft_into_valid_seeds(name, seeds, tmp_path):
    """The real page, article by article, as if it were new: the draft is valid seed YAML."""
    first, last = PAGE_ARTICLES[name]
    lines = PAGE.read_text(encoding="utf-8").splitlines()[first - 1:last]
    article = tmp_path / f"{name}.txt"
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    draft = draft_of(article, seeds)
    assert draft.article["byline"].startswith("本报讯")
    folder = place(tmp_path, article, draft.to_yaml(article.name))
    assert run("check", "--seeds", str(folder)).exit_code == 0


def total(paths, seeds) -> Score:
    result = Score()
    for path in paths:
        result = result + score(draft_of(path, seeds), answers_of(path), seeds)
    return result


def test_precision_and_recall_above_their_floors(seeds):
    dev, held = total(DEVELOPMENT, seeds), total(HELD_OUT, seeds)
    assert dev.expected >= 100 and held.expected >= 40
    for name, got, floor in (("development", dev, FLOOR_DEVELOPMENT),
                             ("held-out", held, FLOOR_HELD_OUT)):
        assert got.precision >= floor, (name, got.wrong)
        assert got.recall >= floor, (name, got.missed)


def test_on_the_pages_own_articles_against_the_curated_seeds(seeds):
    """Real text the rules were not written on (only run over), scored against the seeds'
    curated facts; every name is known there, so this measures the fact rules alone."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    result = Score()
    for article in seeds.articles.values():
        first, last = article.lines
        text = "\n".join(lines[first - 1:last]) + "\n"
        draft = suggest(text, f"again-{article.id}.txt", seeds, f"again-{article.id}")
        result = result + score(draft, answers_from_seeds(seeds, article.id), seeds)
    assert result.expected == 274
    assert result.recall >= FLOOR_PAGE_RECALL, result.missed
    assert result.precision >= FLOOR_PAGE_PRECISION, result.wrong


def test_the_scorer_counts_misses_wrong_proposals_and_forbidden_ones(seeds):
    path = ARTICLES / "a06-negation.txt"
    draft, answers = draft_of(path, seeds), answers_of(path)
    perfect = score(draft, answers, seeds)
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    n_facts, n_entities = len(answers["facts"]), len(answers["entities"])
    items = n_facts + n_entities
    # an answer nobody proposed lowers recall only
    more = dict(answers, facts=answers["facts"] + [
        {"relation": "hasHonour", "subject": "浙江青禾汽配有限公司", "object": "省级“未来工厂”"}])
    missed = score(draft, more, seeds)
    assert (missed.precision, missed.recall) == (1.0, items / (items + 1))
    # a proposal no answer asks for lowers precision only
    fewer = dict(answers, facts=answers["facts"][1:])
    extra = score(draft, fewer, seeds)
    assert (extra.precision, extra.recall) == ((items - 1) / items, 1.0)
    # a qualifier that differs is no match
    wrong_year = dict(answers, facts=[dict(f, year=2023) if f.get("year") == 2024 else f
                                      for f in answers["facts"]])
    assert score(draft, wrong_year, seeds).recall < 1.0
    # a proposal that an `absent:` entry forbids counts as wrong even when an answer wants it
    forbidden = dict(answers, absent=[{"relation": "hasHonour", "subject": "浙江曜石智能装备有限公司"}])
    assert score(draft, forbidden, seeds).precision < 1.0


def facts_of(draft, relation=None, subject=None):
    return [p.record for p in draft.facts
            if (relation is None or p.record["relation"] == relation)
            and (subject is None or p.record["subject"] == subject)]


def new_id(draft, label):
    return next(p.record["id"] for p in draft.entities if p.record["label"] == label)


def test_negated_clauses_give_no_fact(seeds):
    draft = draft_of(ARTICLES / "a06-negation.txt", seeds)
    qinghe = new_id(draft, "浙江青禾汽配有限公司")
    lanzhou = new_id(draft, "浙江澜舟电子有限公司")
    assert facts_of(draft, "hasHonour", qinghe) == []  # 未列入 / 并非
    assert [f["object"] for f in facts_of(draft, "hasHonour", lanzhou)] == \
        ["national-high-tech-enterprise"]  # 未能入选 the one, 获评 the other
    assert any("未列入" in s for s in draft.skipped) and any("未能" in s for s in draft.skipped)


def test_aims_are_goals_never_achievements(seeds):
    draft = draft_of(ARTICLES / "a07-aims.txt", seeds)
    tuochuan = new_id(draft, "浙江拓川新材料有限公司")
    assert [f["object"] for f in facts_of(draft, "hasHonour", tuochuan)] == \
        ["provincial-specialised-sme"]  # 计划…入选“小巨人” is an aim; 已获评 is done
    goals = facts_of(draft, "goal")
    assert {g["subject"] for g in goals} == {"lishui-edz", tuochuan}
    assert all(g["note"].startswith("an aim (") for g in goals)
    assert not [f for f in draft.facts if "quantity" in f.record]  # 力争…10家, 突破600家


def test_look_alikes_are_new_entities_and_the_matcher_finds_a_registered_name(seeds):
    draft = draft_of(ARTICLES / "a08-lookalikes.txt", seeds)
    fluoro = next(p for p in draft.entities if p.record["label"] == "浙江中欣氟材股份有限公司")
    assert fluoro.record["id"] not in seeds.entities
    assert "zhongxin-wafer" in fluoro.why and "not a match" in fluoro.why
    teer = next(p for p in draft.entities if p.record["label"] == "特尔佳科技")
    assert "teer-valve" in teer.why
    known = {k.text: k.id for k in draft.known}
    assert known["中欣晶圆"] == "zhongxin-wafer"
    assert known["浙江晶睿电子科技有限公司"] == "jingrui-electronics"  # the matcher, with evidence


def test_an_honour_proposal_carries_list_body_year_batch_and_stage(seeds):
    draft = draft_of(ARTICLES / "a02-hidden-champions.txt", seeds)
    hengyue = new_id(draft, "浙江恒岳精密机械有限公司")
    listed = new_id(draft, "2025年度第二批拟认定省级隐形冠军企业名单")
    [fact] = facts_of(draft, "hasHonour", hengyue)
    assert fact == {"subject": hengyue, "relation": "hasHonour",
                    "object": "provincial-hidden-champion", "year": 2025, "batch": 2,
                    "stage": "proposed", "awarded_by": "zj-economy-informatization-dept",
                    "list": listed, "source": "a02-hidden-champions",
                    "quote": "2025年度第二批拟认定省级隐形冠军企业名单,丽水经开区共有2家企业被认定为"
                             "省级隐形冠军企业,分别为浙江恒岳精密机械有限公司"}
    proposal = next(p for p in draft.facts if p.record is fact)
    assert proposal.comment() == "# rule: honour-rending, confidence: medium"


def test_every_proposal_names_its_rule_and_confidence(seeds):
    draft = draft_of(ARTICLES / "a05-project.txt", seeds)
    text = draft.to_yaml("a05-project.txt")
    records = len(draft.entities) + len(draft.facts)
    assert records and text.count("# rule: ") == records
    assert all(p.confidence in ("high", "medium", "low") for p in (*draft.entities, *draft.facts))
    figure = next(p for p in draft.facts if p.record["relation"] == "totalInvestment")
    assert figure.record["quantity"] == {"amount": 12.8, "unit": "亿元", "qualifier": "about"}


def test_same_article_same_bytes(seeds):
    path = ARTICLES / "a10-list.txt"
    assert draft_of(path, seeds).to_yaml(path.name) == draft_of(path, seeds).to_yaml(path.name)


def test_cli_writes_the_draft_and_nothing_into_the_seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    before = folder_digest(folder)
    out = tmp_path / "draft.yaml"
    article = ARTICLES / "a09-people.txt"
    result = run("suggest", str(article), "--out", str(out), "--seeds", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Drafted 2 new entities and 4 facts")
    assert folder_digest(folder) == before
    assert out.read_text(encoding="utf-8").startswith("# A draft by `kg suggest a09-people.txt`")
    assert "\n  - id: a09-people\n" in out.read_text(encoding="utf-8")


def test_cli_refuses_an_out_file_inside_the_seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    before = folder_digest(folder)
    result = run("suggest", str(ARTICLES / "a01-little-giants.txt"), "--out",
                 str(folder / "a01.yaml"), "--seeds", str(folder))
    assert result.exit_code == 2
    assert "--out is inside the seeds folder" in result.stderr and "Traceback" not in result.output
    assert folder_digest(folder) == before


def test_cli_source_id_and_its_refusals(tmp_path):
    out = tmp_path / "d.yaml"
    article = str(ARTICLES / "a11-located.txt")
    assert run("suggest", article, "--out", str(out), "--seeds", str(SEEDS),
               "--source-id", "art7-lantu").exit_code == 0
    assert "\n  - id: art7-lantu\n" in out.read_text(encoding="utf-8")
    taken = run("suggest", article, "--out", str(out), "--seeds", str(SEEDS),
                "--source-id", "art3-key-provincial-sme")
    assert taken.exit_code == 2 and "already used in the seeds" in taken.stderr


@pytest.mark.parametrize("content, message", [
    ("标题\n正文".encode("utf-8") + b"\xff\n", "bad.txt:2: not UTF-8 text: byte 0xff"),
    ("标题\n\n正文\x07\n".encode("utf-8"), "bad.txt:3: control character '\\x07'"),
    (b"  \n\n", "bad.txt: the article is empty"),
    ("标题\n".encode("utf-8") + "有限公司".encode("utf-8") * 30_000,
     "bad.txt: larger than 256 KiB, the limit for one article"),
])
def test_bad_articles_are_refused_with_file_and_line(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(SuggestError, match="^" + message.replace("\\", "\\\\")
                       .replace("(", "\\(")):
        read_article(bad, "bad.txt")
    result = run("suggest", str(bad), "--out", str(tmp_path / "d.yaml"), "--seeds", str(SEEDS))
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "d.yaml").exists()


def test_mangled_articles_still_draft_valid_seeds(seeds, tmp_path):
    """Characters dropped and punctuation, digits and trigger words thrown in at random (fixed
    seed): the drafter never crashes, and what it drafts still passes the loader."""
    import random

    rng = random.Random(11)
    noise = "，。、“”()0123456789年家个%亿元落户获评入选并非力争该公司有限公司\n"
    texts = [p.read_text(encoding="utf-8") for p in DEVELOPMENT + HELD_OUT]
    for i in range(20):
        chars = list(rng.choice(texts))
        for _ in range(rng.randint(1, 10)):
            j = rng.randrange(len(chars))
            if rng.random() < 0.5:
                del chars[j]
            else:
                chars.insert(j, rng.choice(noise))
        article = tmp_path / f"m{i}.txt"
        article.write_text("".join(chars), encoding="utf-8")
        draft = draft_of(article, seeds)
        folder = tmp_path / f"seeds{i}"
        folder = place(folder, article, draft.to_yaml(article.name))
        load_seeds(folder)  # raises InputError, with every problem, if the draft were invalid
