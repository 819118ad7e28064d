"""Draft seeds from a new article: `kg suggest`. Rules and dictionaries, no model, no network.

A curator adds a news article; this module reads it and drafts, in the seed schema, what a
curator would otherwise type by hand: the article as a source (title, byline, reporters), the
organisations it names (matched to the seeds' entities by the one matcher, `kg.match`, or
proposed as new), and facts with verbatim quotes. Every proposal names the rule that made it and
how sure it is; the curator reviews the draft, then moves it into ``seeds/``.

What it never does: glue a new name to a look-alike known entity (the matcher decides, and shared
characters are not evidence), turn a negated clause (并非, 未列入 …) into a fact, or record an aim
(力争, 目标 …) as an achievement. Every quote is a slice of the article, so it is verbatim.

The words the rules look for are data: ``kg/seeds/dictionaries/suggest.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from kg.errors import KgError
from kg.match import Matcher, Profile, core, normalise, region_of, sectors_of
from kg.seeds import schema
from kg.seeds.archive import readable_id, source_id_for, yaml_text
from kg.seeds.loader import ID_PATTERN, Seeds
from kg.seeds.profiles import organisation_profiles

DICTIONARY = Path(__file__).resolve().parent / "dictionaries" / "suggest.yaml"
PUNCT = set("，,。；;：:、！？!?“”\"‘’'()（）《》「」【】 ")
SENTENCE_END = re.compile(r"[。！？!?；;]")
CLAUSE_END = re.compile(r"[，,。！？!?；;：:]")
YEAR = re.compile(r"((?:19|20)\d{2})年(?!代)(?:度)?(?:(\d{1,2})月)?")
BATCH = re.compile(r"第([一二三四五六七八九十百\d]+)批")
NUMBER = re.compile(r"(超过|超|逾|约|高达)?(\d+(?:\.\d+)?)(%|亿元|万元|万平方米|家|个|项|幢|批)(以上|余|多)?")
SHORT_NAME_CALLED = re.compile(r"[(（](?:以下)?简称[“\"]?([^”\")）]{2,20})[”\"]?[)）]")
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Words a name never runs across on its left: what precedes a name in a list or a sentence.
LEFT_STOPS = ("分别为", "分别是", "包括", "其中", "企业", "以及", "获评", "入选", "认定为", "评为",
              "引进", "落户", "携手", "联合", "支持", "推动", "培育", "打造", "汇聚", "集聚", "强化",
              "公布", "公示", "发布", "印发", "指导", "入驻", "正式", "和", "与", "及", "由", "为", "是", "在", "对",
              "了", "的", "向", "据", "等", "凭", "将")
# A short name must be followed by punctuation or by one of these (it stands alone, not inside a word).
RIGHT_OK = ("等", "获", "入", "落", "成", "是", "被", "先", "已", "作", "位", "于", "在", "为", "与",
            "和", "凭", "的", "将", "相关", "负责人", "此次", "主要", "还", "也", "都", "均", "共",
            "掌握", "拥有", "专注", "研发", "生产", "建立", "承担", "荣获", "自", "公司",
            "两", "2", "3", "4", "5", "6", "7", "8", "9", "1")
NOT_A_NAME = ("一家", "一批", "这家", "多家", "该", "其", "本", "各", "全", "和", "与", "及", "传统",
              "同类", "其他", "相关", "国内", "行业")  # 一家集阀门 is no firm
PARK_SUFFIXES = ("经济技术开发区", "经开区", "开发区", "高新区", "工业园区", "产业园", "工业园", "科技园")
# What a project's name never runs across on its left: the verbs that introduce it.
PROJECT_LEFT_STOPS = ("举行", "建设", "投资", "签约", "引进", "实施", "推进", "开工", "投产", "启动",
                      "拟", "共", "的")
GENERIC_PROJECTS = {"项目", "重点项目", "签约项目", "产业项目", "该项目", "二期项目", "一期项目"}
# What a sentence's topic may be, for a figure or a fact whose clause names no holder.
HOLDERS = ("Company", "EnterpriseGroup", "ResearchInstitute", "Park", "Site", "Platform",
           "IndustrialBase", "IndustryChain", "IndustryCluster", "Project")
# Figures that count things (a group's count is no count of one of its members).
COUNTS = ("enterpriseCount", "projectCount", "productCount", "honouredEnterpriseCount",
          "residentEnterpriseCount", "graduatedEnterpriseCount", "patentIntensiveFilingCount",
          "patentIntensiveFilingEnterpriseCount", "patentIntensiveRecognisedCount",
          "microEnterpriseParkCount", "buildingCount", "batchCount")
NOUN_AIMS = ("目标", "建成后", "投产后", "达产后")  # aims of a figure, not of a clause (奋斗目标)
GENERIC_FIGURES = ("enterpriseCount", "projectCount", "productCount")


@lru_cache(maxsize=1)
def dictionaries() -> dict:
    """The shipped dictionaries (kg/seeds/dictionaries/suggest.yaml), read once."""
    return yaml.safe_load(DICTIONARY.read_text(encoding="utf-8"))


# --- What a draft is ------------------------------------------------------------------------------


@dataclass
class Proposal:
    """One record of the draft (an entity or a fact), why it is there and how sure it is."""

    record: dict
    rule: str
    confidence: str  # high, medium, low
    why: str = ""

    def comment(self) -> str:
        extra = f"; {self.why}" if self.why else ""
        return f"# rule: {self.rule}, confidence: {self.confidence}{extra}"


@dataclass
class Known:
    """A name of the article matched to an entity the seeds already have."""

    text: str
    id: str
    type: str
    rule: str
    confidence: str
    why: str = ""


@dataclass
class Draft:
    source_id: str
    file: str  # where the curator places the article: sources/<file>
    article: dict  # the `articles:` record
    page: dict  # the `pages:` record
    entities: list[Proposal]
    facts: list[Proposal]
    known: list[Known]
    skipped: list[str]  # what was read but not proposed, and why
    text: str  # the article with line breaks removed: every quote is a slice of it

    def quotes(self) -> list[str]:
        return [p.record["quote"] for p in (*self.entities, *self.facts)]

    def to_yaml(self, article_name: str) -> str:
        head = [
            f"# A draft by `kg suggest {article_name}`: proposals to review, not facts.",
            f"# To use it: archive the article as seeds/{self.file}, move this file into seeds/,",
            "# correct or delete what is wrong, then run `kg check`.",
            "# Each proposal names the rule that made it and how sure it is (high, medium, low).",
        ]
        if self.known:
            head.append("# Names of the article that the seeds already know (referenced by id):")
            head += [f"#   {k.text} -> {k.id} ({k.type}; rule: {k.rule}, confidence: "
                     f"{k.confidence}{'; ' + k.why if k.why else ''})" for k in self.known]
        out = ["\n".join(head), _section("pages", [(None, self.page)]),
               _section("articles", [(None, self.article)])]
        if self.entities:
            out.append(_section("entities", [(p.comment(), p.record) for p in self.entities]))
        if self.facts:
            out.append(_section("facts", [(p.comment(), p.record) for p in self.facts]))
        if self.skipped:
            out.append("# Read but not proposed:\n" + "\n".join(f"# - {s}" for s in self.skipped))
        return "\n".join(out) + "\n"


def _section(name: str, records: list[tuple[str | None, dict]]) -> str:
    lines = [f"{name}:"]
    for comment, record in records:
        if comment:
            lines.append(f"  {comment}")
        body = yaml_text([record]).rstrip("\n").split("\n")
        lines += [f"  {line}" for line in body]
    return "\n".join(lines)


# --- Reading the article --------------------------------------------------------------------------


@dataclass
class Mention:
    start: int
    end: int
    text: str
    id: str
    type: str


class SuggestError(KgError):
    """Bad input to `kg suggest` (exit 2): what is wrong, and how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(f"{message} ({hint})" if hint else message)


# One article or notice: a long one is 20 KB. The rules look around every name they find, so a
# hostile file of nothing but names costs about 50 ms a KiB: this bounds a draft to ~15 s.
MAX_ARTICLE_BYTES = 256 << 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_article(path: Path, shown: str | None = None) -> str:
    """An article file's text: UTF-8, at most 256 KiB, no control characters (the loader would
    refuse the quotes of a draft made from them). Errors name the file and line.
    """
    shown = shown or str(path)
    if not path.is_file():
        raise SuggestError(f"{shown}: not a plain file", "give the article as a UTF-8 text file")
    with open(path, "rb") as fh:  # never more than the limit read, whatever the file's size
        data = fh.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise SuggestError(f"{shown}: larger than {MAX_ARTICLE_BYTES >> 10} KiB, the limit for "
                           "one article", "draft one article or notice per file: split a longer "
                           "document into its parts")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SuggestError(f"{shown}:{line}: not UTF-8 text: byte 0x{data[exc.start]:02x}",
                           "save the article as UTF-8") from None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise SuggestError(f"{shown}:{line}: control character {bad.group()!r} in the text",
                           "remove it; an archived source holds plain text")
    if not text.strip():
        raise SuggestError(f"{shown}: the article is empty",
                           "give a UTF-8 text file with the article's title and text")
    return text


class _Drafter:
    def __init__(self, text: str, file_name: str, seeds: Seeds, source_id: str):
        self.d = dictionaries()
        self.seeds = seeds
        self.source_id = source_id
        self.file_name = file_name
        self.raw_lines = text.splitlines()
        self.flat = "".join(line.strip() for line in self.raw_lines)
        self.entities: dict[str, Proposal] = {}  # new entity id -> proposal
        self.entity_pos: dict[str, int] = {}  # new entity id -> first position
        self.by_label: dict[str, str] = {}  # normalised label of a new entity -> its id
        self.known: dict[str, Known] = {}  # text -> known match
        self.facts: list[tuple[int, Proposal]] = []
        self.skipped: list[tuple[int, str]] = []
        self.mentions: list[Mention] = []
        self.sentence_ends = [m.end() for m in SENTENCE_END.finditer(self.flat)]
        self.anaphora: set[int] = set()  # where 该公司 … stands for a name
        self.last_list: tuple[str, str, dict] | None = None  # list id, its honour, qualifiers
        self.names = self._seed_names()
        self.matcher = Matcher(organisation_profiles(seeds))

    # -- names ---------------------------------------------------------------------------------
    def _seed_names(self) -> dict[str, set[str]]:
        """normalised name -> the seed ids it names (labels and aliases of every entity)."""
        names: dict[str, set[str]] = {}
        for ent in self.seeds.entities.values():
            for n in (ent.label, *ent.aliases):
                if len(normalise(n)) >= 2:
                    names.setdefault(normalise(n), set()).add(ent.id)
        return names

    def type_of(self, ident: str) -> str:
        if ident in self.seeds.entities:
            return self.seeds.entities[ident].type
        return self.entities[ident].record["type"]

    def labels_of(self, ident: str) -> set[str]:
        if ident in self.seeds.entities:
            ent = self.seeds.entities[ident]
            return {ident, ent.label, *ent.aliases}
        rec = self.entities[ident].record
        return {ident, rec["label"], *rec.get("aliases", [])}

    def fresh_id(self, text: str, person: bool = False) -> str:
        base = readable_id(text, person) or "entity"
        ident, n = base, 2
        while ident in self.seeds.entities or ident in self.entities or ident in self.seeds.pages \
                or ident in self.seeds.tables or ident in self.seeds.articles \
                or ident in (self.source_id, f"{self.source_id}-page"):
            ident, n = f"{base}-{n}", n + 1
        return ident

    def clause_around(self, start: int, end: int, limit: int = 60) -> str:
        """The clause holding flat[start:end], clipped to `limit` characters around it."""
        left = start
        while left > 0 and not CLAUSE_END.match(self.flat[left - 1]) and start - left < limit:
            left -= 1
        right = end
        while right < len(self.flat) and not CLAUSE_END.match(self.flat[right]) \
                and right - end < limit:
            right += 1
        return self.flat[left:right]

    def new_entity(self, label: str, etype: str, pos: int, end: int, rule: str, confidence: str,
                   why: str = "", extra: dict | None = None, person: bool = False,
                   id_text: str | None = None) -> str:
        key = normalise(label)
        if key in self.by_label:
            return self.by_label[key]
        base = core(label) if etype in schema.ORGANISATIONS and len(core(label)) >= 2 else label
        base = id_text or base
        ident = self.fresh_id(base, person)
        record: dict = {"id": ident, "type": etype, "label": label}
        record.update(extra or {})
        record["source"] = self.source_id
        record["quote"] = self.clause_around(pos, end)
        self.entities[ident] = Proposal(record, rule, confidence, why)
        self.entity_pos[ident] = pos
        self.by_label[key] = ident
        return ident

    def resolve(self, text: str, etype: str, pos: int, end: int, rule: str) -> str | None:
        """The id a name of the article stands for: a seed entity (same name, or the matcher
        accepts it), else a new entity. Look-alikes are new, with the near names in the note."""
        key = normalise(text)
        if key in self.by_label:
            return self.by_label[key]
        if rule in ("park-name", "project-name"):  # 经开区生物医药产业园: the known park's park
            for n, ids_ in self.names.items():
                if len(ids_) == 1 and key.startswith(n) and len(key) > len(n) and \
                        self.type_of(next(iter(ids_))) == "Park":
                    rest = self.names.get(key[len(n):], set())
                    if len(rest) == 1:
                        key = key[len(n):]
                        break
        ids = self.names.get(key, set())
        if len(ids) == 1:
            ident = next(iter(ids))
            self.known.setdefault(text, Known(text, ident, self.type_of(ident), "known-name",
                                              "high", "a label or alias of the seeds"))
            return ident
        if len(ids) > 1:
            self.skipped.append((pos, f"'{text}' names {len(ids)} entities of the seeds "
                                      f"({', '.join(sorted(ids))}): not proposed"))
            return None
        why = ""
        if rule == "org-short":  # the short form of a full name of this article
            mine = core(text)
            for ident, p in self.entities.items():
                full = p.record["label"]
                if p.record["type"] in schema.ORGANISATIONS and full != text and \
                        len(mine) >= 3 and core(full).startswith(mine):
                    rec = p.record
                    rec.setdefault("aliases", []).append(text)
                    for k in ("source", "quote"):  # the seeds' key order
                        rec[k] = rec.pop(k)
                    self.by_label[key] = ident
                    return ident
        if etype in schema.ORGANISATIONS:
            party = Profile("article", (text,), region=region_of(text),
                            sectors=sectors_of(self.clause_around(pos, end)))
            found = self.matcher.match(party)
            if found.status == "accepted" and found.key:
                self.known.setdefault(text, Known(text, found.key, self.type_of(found.key),
                                                  "matcher", "medium", "; ".join(found.evidence)))
                return found.key
            if found.candidates:
                why = (f"new; {'to review' if found.status == 'review' else 'not'} the same as "
                       f"{', '.join(found.candidates[:3])}: " + "; ".join(found.evidence[:3]))
            else:
                why = "new: no known entity comes close"
        confidence = "high" if rule == "org-suffix" else "medium" if rule != "org-short" else "low"
        return self.new_entity(text, etype, pos, end, rule, confidence, why)

    def find_mentions(self, body: int) -> None:
        flat = self.flat
        found: list[tuple[int, int, str, str, str]] = []  # start, end, text, type, rule
        d = self.d
        # full names by their organisational form
        suffixes = sorted(d["full_name_suffixes"], key=len, reverse=True)
        for suffix in suffixes:
            for m in re.finditer(re.escape(suffix), flat):
                if m.start() < body:
                    continue
                name_start = self._left_edge(m.start())
                name = flat[name_start:m.end()]
                if len(name) - len(suffix) >= 2:
                    found.append((name_start, m.end(), name, d["full_name_suffixes"][suffix],
                                  "org-suffix"))
        for body_name in d["bodies"]:
            for m in re.finditer(re.escape(body_name), flat):
                if m.start() >= body:
                    found.append((m.start(), m.end(), body_name, "PublicBody", "org-dictionary"))
        # the seeds' own names, any type a fact may point at
        for key, ids in self.names.items():
            if len(ids) != 1:
                continue
            ident = next(iter(ids))
            ent = self.seeds.entities[ident]
            if ent.type in ("Person", "ChainSegment", "Honour", "HonourList"):
                continue
            for n in {ent.label, *ent.aliases}:
                if normalise(n) != key:
                    continue
                for m in re.finditer(re.escape(n), flat):
                    if m.start() >= body:
                        found.append((m.start(), m.end(), n, ent.type, "known-name"))
        # short company names: 2-4 characters and an ending, standing alone
        for ending in sorted(d["short_name_endings"], key=len, reverse=True):
            for m in re.finditer(re.escape(ending), flat):
                if m.start() < body:
                    continue
                for size in (4, 3, 2):
                    s = m.start() - size
                    if s < body:
                        continue
                    head = flat[s:m.start()]
                    if not all(_cjk(c) for c in head):
                        continue
                    before = flat[s - 1] if s > 0 else "，"
                    after = flat[m.end():]
                    left_ok = before in PUNCT or any(flat[:s].endswith(w) for w in LEFT_STOPS)
                    right_ok = not after or after[0] in PUNCT or after.startswith(RIGHT_OK)
                    if left_ok and right_ok and not head.startswith(NOT_A_NAME) and \
                            not any(w in head for w in LEFT_STOPS if len(w) > 1):
                        found.append((s, m.end(), flat[s:m.end()], "Company", "org-short"))
                        break
        # parks and projects named by their kind
        for suffix in PARK_SUFFIXES:
            for m in re.finditer(re.escape(suffix), flat):
                if m.start() < body:
                    continue
                s = self._left_edge(m.start(), limit=10, keep=0)
                if 2 <= m.start() - s and not flat.startswith(("全省", "全市", "全国", "各", "本"), s):
                    found.append((s, m.end(), flat[s:m.end()], "Park", "park-name"))
        firm_forms = [f for f, t in d["full_name_suffixes"].items() if t == "Company"]
        for m in re.finditer(r"项目", flat):
            s = self._left_edge(m.start(), limit=40, keep=0)
            span = flat[s:m.start()]
            cut = max((span.rfind(w) + len(w) for w in PROJECT_LEFT_STOPS if w in span),
                      default=0)
            if cut:  # 拟投资12亿元建设高性能复合材料项目: the project after the verb
                s, span = s + cut, span[cut:]
            after_firm = max((span.rfind(f) + len(f) for f in firm_forms if f in span), default=-1)
            if after_firm > 0:  # X有限公司年产300吨高纯靶材项目: the project without the firm
                s += after_firm
            elif s > 0 and flat[s - 1] not in PUNCT and not cut:
                continue
            name = flat[s:m.end()]
            if m.start() >= body and 4 <= m.start() - s <= 30 and name not in GENERIC_PROJECTS \
                    and not YEAR.match(name):
                found.append((s, m.end(), name, "Project", "project-name"))
        # Names (the seeds', registered forms, dictionary bodies) first, longest first; guesses
        # (parks, projects, short names) only where no name stands, except that a project or
        # park begins with a park's name (丽水经开区智能装备产业园一期项目) and a project may follow
        # a firm's name (X有限公司年产300吨高纯靶材项目: the project without the firm).
        names = sorted((f for f in found if f[4] in ("known-name", "org-suffix", "org-dictionary")),
                       key=lambda f: (-(f[1] - f[0]), f[4] != "known-name", f[0]))
        guesses = sorted((f for f in found if f not in names),
                         key=lambda f: (-(f[1] - f[0]), f[4] == "org-short", f[0]))
        owner: list[int | None] = [None] * (len(flat) + 1)  # index into chosen
        chosen: list[tuple[int, int, str, str, str] | None] = []
        for start, end, text, etype, rule in names:
            if any(o is not None for o in owner[start:end]):
                continue
            for i in range(start, end):
                owner[i] = len(chosen)
            chosen.append((start, end, text, etype, rule))
        for start, end, text, etype, rule in guesses:
            inside = sorted({o for o in owner[start:end] if o is not None})
            if inside and rule in ("park-name", "project-name"):
                first = chosen[inside[0]]
                parks = [chosen[i] for i in inside]
                if first is not None and first[0] == start and \
                        all(p is not None and p[3] == "Park" for p in parks):
                    for i in inside:  # absorbs the parks' names (丽水经开区生物医药产业园)
                        c = chosen[i]
                        assert c is not None
                        for j in range(c[0], c[1]):
                            owner[j] = None
                        chosen[i] = None
                    inside = []
                elif len(inside) == 1 and first is not None and first[0] == start and \
                        rule == "project-name" and end - first[1] >= 4:
                    start, text, inside = first[1], flat[first[1]:end], []
            if inside or any(o is not None for o in owner[start:end]):
                continue
            for i in range(start, end):
                owner[i] = len(chosen)
            chosen.append((start, end, text, etype, rule))
        for start, end, text, etype, rule in sorted(c for c in chosen if c is not None):
            found_id = self.resolve(text, etype, start, end, rule)
            if found_id is not None:
                self.mentions.append(Mention(start, end, text, found_id, self.type_of(found_id)))
        self._short_names()
        self._anaphora(body)

    def _anaphora(self, body: int) -> None:
        """该公司, 该项目 …: the last organisation or project of that kind named before."""
        words = {"该公司": ("Company",), "该企业": ("Company",), "该项目": ("Project",),
                 "该园区": ("Park",), "该产业园": ("Park",), "公司": ("Company",),
                 "项目": ("Project",), "全区": ("Park",)}
        added = []
        for word, types in words.items():
            for m in re.finditer(word, self.flat):
                if m.start() < body or any(x.start <= m.start() < x.end for x in self.mentions):
                    continue
                if word in ("公司", "项目") and self.flat[m.start() - 1] not in PUNCT:
                    continue  # 公司 or 项目 alone only where a clause begins with it
                # the topic: the first such name of this sentence, else of the last sentence
                # that has one (晟联半导体…,是中欣晶圆的配套企业。公司负责人: 晟联半导体)
                before = [x for x in self.mentions if x.end <= m.start() and x.type in types]
                if not before:
                    continue
                ends = [e for e in self.sentence_ends if e <= m.start()]
                here = [x for x in before if x.start >= (ends[-1] if ends else 0)]
                if not here:
                    prior = max(e for e in ends if e <= before[-1].start) if any(
                        e <= before[-1].start for e in ends) else 0
                    here = [x for x in before if x.start >= prior]
                added.append(Mention(m.start(), m.end(), word, here[0].id, here[0].type))
                self.anaphora.add(m.start())
        self.mentions = sorted(self.mentions + added, key=lambda x: x.start)

    def _short_names(self) -> None:
        """(以下简称“X”) after a name: X is an alias of that name, and stands for it after."""
        for m in SHORT_NAME_CALLED.finditer(self.flat):
            before = [x for x in self.mentions if x.end <= m.start() and m.start() - x.end <= 2]
            if not before:
                continue
            owner = before[-1].id
            alias = m.group(1)
            if owner in self.entities:
                rec = self.entities[owner].record
                if alias not in rec.get("aliases", []):
                    rec.setdefault("aliases", []).append(alias)
                    # keep the keys in the seeds' order: aliases before source and quote
                    for k in ("source", "quote"):
                        rec[k] = rec.pop(k)
            self.by_label[normalise(alias)] = owner
            for n in re.finditer(re.escape(alias), self.flat):
                if n.start() > m.end() and not any(
                        x.start <= n.start() < x.end for x in self.mentions):
                    self.mentions.append(Mention(n.start(), n.end(), alias, owner,
                                                 self.type_of(owner)))
        self.mentions.sort(key=lambda x: x.start)

    def _left_edge(self, at: int, limit: int = 30, keep: int = 2) -> int:
        """Where a name ending at `at` begins: back to punctuation, cut after the last word that
        never belongs to a name, then at a leading region (浙江中广电器 in 丽水经开区企业浙江中广电器)."""
        flat = self.flat
        s = at
        depth = 0
        while s > 0 and at - s < limit:
            ch = flat[s - 1]
            if ch in ")）":
                depth += 1
            elif ch in "(（":
                if depth == 0:
                    break
                depth -= 1
            elif ch in PUNCT:
                break
            s -= 1
        span = flat[s:at]
        cut = 0
        for w in LEFT_STOPS:
            i = span.rfind(w)
            if i >= 0 and i + len(w) > cut and i + len(w) <= len(span) - keep:
                cut = i + len(w)
        from kg.match import REGION_PARENT

        regions = [i for i in range(cut, len(span))
                   if any(span.startswith(r, i) for r in REGION_PARENT)
                   and (i == 0 or span[i - 1] not in "(（")]
        starts = [i for i in regions if not any(
            span[:i].endswith(r + sfx) or span[:i].endswith(r)
            for r in REGION_PARENT for sfx in ("省", "市", "县", "区"))]
        if starts and starts[-1] > cut:
            cut = starts[-1]
        return s + cut

    # -- helpers over sentences --------------------------------------------------------------
    def sentences(self, body: int) -> list[tuple[int, int]]:
        out, start = [], body
        for m in SENTENCE_END.finditer(self.flat, body):
            if m.end() - start > 1:
                out.append((start, m.end()))
            start = m.end()
        if len(self.flat) - start > 1:
            out.append((start, len(self.flat)))
        return out

    def clause_start(self, at: int, floor: int) -> int:
        s = at
        while s > floor and not CLAUSE_END.match(self.flat[s - 1]):
            s -= 1
        return s

    def clause_end(self, at: int, ceil: int) -> int:
        e = at
        while e < ceil and not CLAUSE_END.match(self.flat[e]):
            e += 1
        return e

    def in_range(self, start: int, end: int, types: Iterable[str] | None = None) -> list[Mention]:
        wanted = set(types) if types is not None else None
        return [m for m in self.mentions if m.start >= start and m.end <= end
                and (wanted is None or m.type in wanted)]

    def negation(self, start: int, end: int) -> str | None:
        text = self.flat[start:end]
        return next((w for w in self.d["negations"] if w in text), None)

    def aim(self, start: int, end: int) -> str | None:
        """The aim word that governs flat[end]: in the sentence before it, and not followed by a
        word of what is already done (已, 目前, 但)."""
        sentence = max((m.end() for m in SENTENCE_END.finditer(self.flat, 0, end)), default=0)
        text = self.flat[sentence:end]
        for w in self.d["aims"]:
            i = text.rfind(w)
            if i >= 0 and not any(r in text[i:] for r in ("已", "目前", "但", "现已")):
                return w
        return None

    def add_fact(self, pos: int, record: dict, rule: str, confidence: str, why: str = "") -> None:
        relation = schema.RELATIONS[record["relation"]]
        subject_type = self.type_of(record["subject"])
        if subject_type not in relation.domain:
            self.skipped.append((pos, f"{record['relation']} of {record['subject']} "
                                      f"({subject_type}): the schema takes a "
                                      f"{' or '.join(relation.domain)}; «{record['quote']}»"))
            return
        obj = record.get("object")
        if obj is not None and isinstance(relation.range, tuple) and \
                self.type_of(obj) not in relation.range:
            self.skipped.append((pos, f"{record['relation']} to {obj} ({self.type_of(obj)}): the "
                                      f"schema takes a {' or '.join(relation.range)}; "
                                      f"«{record['quote']}»"))
            return
        record["source"] = self.source_id
        quote = record.pop("quote")
        note = record.pop("note", None)
        inferred = record.pop("inferred", None)
        if note:
            record["note"] = note
        if inferred:
            record["inferred"] = inferred
        record["quote"] = quote
        named_as = next((x.text for x in self.mentions if x.start in self.anaphora
                         and x.id == record["subject"] and x.text in quote), None)
        if named_as:  # 该公司位于…: say who 该公司 was taken to be
            why = "; ".join(w for w in (why, f"the holder is named '{named_as}' here") if w)
        self.facts.append((pos, Proposal(record, rule, confidence, why)))

    def quote(self, *spans: tuple[int, int]) -> str:
        return self.flat[min(s for s, _ in spans):max(e for _, e in spans)]

    def year_in(self, start: int, end: int) -> tuple[int, int, int] | None:
        """(year, start, end) of the last year written in flat[start:end]."""
        found = list(YEAR.finditer(self.flat, start, end))
        if not found:
            return None
        m = found[-1]
        return int(m.group(1)), m.start(), m.end()

    # -- the article as a source ---------------------------------------------------------------
    def source_records(self) -> tuple[dict, dict, int]:
        lines = [line.strip() for line in self.raw_lines]
        nonempty = [i for i, line in enumerate(lines) if line]
        if not nonempty:
            raise SuggestError(f"{self.file_name}: the article is empty",
                               "give a UTF-8 text file with the article's title and text")
        title = lines[nonempty[0]]
        byline_m = re.search(r"本报讯\s*[(（][^)）]{1,60}[)）]", self.flat)
        heads = [lines[i] for i in nonempty[1:] if byline_m and
                 self.flat.find(lines[i]) < byline_m.start() and len(lines[i]) <= 40]
        page_id = f"{self.source_id}-page"
        page = {"id": page_id, "label": title, "file": f"sources/{self.file_name}"}
        article: dict = {"id": self.source_id, "page": page_id,
                         "lines": [nonempty[0] + 1, nonempty[-1] + 1], "title": title}
        if heads:
            self.skipped.append((-1, "headline lines besides the title, a subtitle or a kicker "
                                     "(decide which): " + " / ".join(heads)))
        reporters: list[str] = []
        correspondents: list[str] = []
        if byline_m:
            byline = byline_m.group(0)
            article["byline"] = byline
            body = byline_m.end()
            inner = byline[byline.find(next(c for c in byline if c in "(（")) + 1:-1]
            role = None
            for word in inner.split():
                if word in ("记者", "通讯员"):
                    role = word
                    continue
                if role is None or not 2 <= len(word) <= 4:
                    continue
                pos = self.flat.find(word, byline_m.start())
                ident = self.person(word, pos, "byline",
                                    self.flat[self.flat.rfind(role, 0, pos):pos + len(word)])
                (reporters if role == "记者" else correspondents).append(ident)
        else:
            article["byline"] = title
            self.skipped.append((-1, "no byline (本报讯(记者 …)) found: the title stands in as "
                                     "`byline:`; replace it with the article's own"))
            body = len(title)
        if reporters:
            article["reporters"] = reporters
        if correspondents:
            article["correspondents"] = correspondents
        return page, article, body

    def person(self, name: str, pos: int, rule: str, quote: str | None = None) -> str:
        known = [e.id for e in self.seeds.entities.values() if e.type == "Person" and
                 e.label == name]
        if len(known) == 1:
            self.known.setdefault(name, Known(name, known[0], "Person", "known-name", "high",
                                              "a person of the seeds"))
            return known[0]
        ident = self.new_entity(name, "Person", pos, pos + len(name), rule,
                                "high" if rule == "byline" else "medium", person=True)
        if quote:
            self.entities[ident].record["quote"] = quote
        return ident

    # -- the rules ------------------------------------------------------------------------------
    def run(self) -> Draft:
        page, article, body = self.source_records()
        self.find_mentions(body)
        chains_seen: list[Mention] = []
        for start, end in self.sentences(body):
            neg = self.negation(start, end)
            if neg and not self._has_trigger(start, end):
                self.skipped.append((start, f"negated ({neg}), nothing proposed: "
                                            f"«{self.flat[start:end]}»"))
            self.honours(start, end)
            self.places(start, end)
            self.chains(start, end, chains_seen)
            self.figures(start, end)
            self.exports(start, end)
            self.roles(start, end)
            self.aim_clause(start, end)
            chains_seen += self.in_range(start, end, ("IndustryChain",))
        facts = [p for _, p in sorted(self.facts, key=lambda f: f[0])]
        seen = set()
        unique = []
        for p in facts:  # the loader refuses a fact stated twice
            key = repr({k: v for k, v in p.record.items()
                        if k not in ("quote", "note", "inferred")})
            if key not in seen:
                seen.add(key)
                unique.append(p)
        entities = [self.entities[i] for i in sorted(self.entities, key=lambda i: (
            self.entities[i].record["type"] != "Person", self.entity_pos[i]))]
        return Draft(self.source_id, f"sources/{self.file_name}",
                     article, page, entities, unique, list(self.known.values()),
                     [s for _, s in sorted(self.skipped, key=lambda s: s[0])], self.flat)

    def aim_clause(self, start: int, end: int) -> None:
        """An aim no other rule turned into a goal (公司将力争在2026年实现…): a goal of the name
        before the aim word, the words from the aim word to the sentence's end its value."""
        text = self.flat[start:end]
        word = next((w for w in self.d["aims"] if w in text and w not in NOUN_AIMS), None)
        if word is None or any(p.record["relation"] == "goal" and start <= pos < end
                               for pos, p in self.facts):
            return
        at = start + text.index(word)
        if self.negation(self.clause_start(at, start), at + len(word)):
            return
        subjects = [x for x in self.in_range(start, at) if x.type != "PublicBody"]
        if not subjects:
            return
        subject = subjects[-1]
        stop = end - 1 if SENTENCE_END.match(self.flat[end - 1]) else end
        value = self.flat[at:stop]
        if len(value) - len(word) < 4:
            return
        self.add_fact(at, {"subject": subject.id, "relation": "goal", "value": value,
                           "quote": self.quote((subject.start, subject.end), (at, stop)),
                           "note": f"an aim ({word}), not an achievement"},
                      "aim-clause", self.sure(subject, "low"))

    def _has_trigger(self, start: int, end: int) -> bool:
        text = self.flat[start:end]
        return any(v in text for v in self.d["honour_verbs"]) or "落户" in text or "位于" in text

    def honours(self, start: int, end: int) -> None:
        flat, verbs = self.flat, self.d["honour_verbs"]
        hits: list[tuple[int, int, str]] = []
        for verb in sorted(verbs, key=len, reverse=True):
            for m in re.finditer(re.escape(verb), flat[start:end]):
                s = start + m.start()
                if not any(a <= s < b for a, b, _ in hits):
                    hits.append((s, s + len(verb), verb))
        hits.sort()
        if not hits:
            self.published_list(start, end)
            return
        previous = start
        holders: list[Mention] = []
        for s, e, verb in hits:
            rule = verbs[verb]
            clause = self.clause_start(s, start)
            phrase_end = self.clause_end(e, end)
            if rule == "honour-list":
                listed = self.list_name(start, s)
                if listed is None:
                    previous = phrase_end
                    continue
                phrase = self.honour_from_list(listed[2])
                p_start, p_end = listed[0], listed[1]
            else:
                p_start, p_end = e, phrase_end
                phrase = flat[p_start:p_end]
                if phrase.endswith("名单"):
                    phrase = self.honour_from_list(phrase)
                listed = self.list_name(start, s)
                if len(phrase) < 2 and listed:  # …公布了X名单,A、B入选: the list's honour
                    phrase = self.honour_from_list(listed[2])
                    p_start, p_end = listed[0], listed[1]
            neg = self.negation(clause, e)
            # the holders: firms of the clause (A、B获评), else listed after (分别为A、B), else
            # the sentence's topic (晶睿电子先后…,并于2024年获评), products only without firms
            subjects = []
            for types in (("Company",), ("Product",)):
                subjects = self.in_range(max(previous, clause), s, types)
                if not subjects and re.match(r"[,，:：]?(?:分别为|分别是|包括|为|是)",
                                             flat[phrase_end:end]):
                    subjects = self.in_range(phrase_end, end, types)
                if not subjects and not holders:
                    subjects = self.in_range(start, s, types)[:1]
                if subjects:
                    break
            if not subjects:
                subjects = self.in_range(clause, s, ("Park", "IndustryChain"))
            if not subjects:  # A未能入选X,但获评Y: the sentence's holder again
                subjects = holders
            holders = subjects
            since, previous = previous, phrase_end
            if neg:
                self.skipped.append((s, f"negated ({neg}), no honour proposed: "
                                        f"«{flat[clause:phrase_end]}»"))
                continue
            # 唯一入选的小微企业园: a relative clause, no honour of its own
            honour = None if phrase.startswith("的") else self.honour(phrase, p_start, p_end)
            if honour is None:
                self.skipped.append((s, f"{verb}: «{flat[p_start:p_end]}» is no honour the "
                                        f"seeds or the dictionary know"))
                continue
            if not subjects:
                self.skipped.append((s, f"{verb} {phrase}: no organisation named as the holder "
                                        f"in «{flat[start:end]}»"))
                continue
            aim = self.aim(clause, e)
            quals: dict = {}
            year = self.year_in(clause, max(p_end, e)) or \
                self.year_in(since, min([x.start for x in subjects] + [s]))
            batch = BATCH.search(flat, start, end)
            spans = [(s, e), (p_start, p_end)]
            if year:
                quals["year"] = year[0]
            if batch:
                quals["batch"] = _number(batch.group(1))
            sentence = flat[start:end]
            if "拟" in sentence[:p_end - start]:
                quals["stage"] = "proposed"
            elif "公示" in sentence:
                quals["stage"] = "publicised"
            bodies = self.in_range(start, end, ("PublicBody",))
            if bodies:
                quals["awarded_by"] = bodies[0].id
            listed = self.list_name(start, end)
            list_id = None
            carried = ""
            if listed:
                list_id = self.resolve_list(listed, honour, quals, bodies, start, end)
                if list_id:
                    quals["list"] = list_id
            elif self.last_list and self.last_list[1] == honour:
                # 某厅公示了X名单。…3家企业被认定为X: the list of the sentence before
                list_id, _, list_quals = self.last_list
                quals = {**list_quals, **quals, "list": list_id}
                carried = "list, year, batch, stage and body from the sentence before"
            if list_id:
                self.last_list = (list_id, honour, {k: v for k, v in quals.items()
                                                    if k != "list"})
            for subject in subjects:
                q = self.quote((subject.start, subject.end), *spans,
                               *([(year[1], year[2])] if year else []))
                if aim:
                    goal_text = flat[clause:p_end]
                    self.add_fact(s, {"subject": subject.id, "relation": "goal",
                                      "value": goal_text, "quote": self.quote(
                                          (subject.start, subject.end), (clause, p_end)),
                                      "note": f"an aim ({aim}), not an achievement"},
                                  "aim-honour", "medium")
                    continue
                rec = {"subject": subject.id, "relation": "hasHonour", "object": honour, **quals,
                       "quote": q}
                sure = "high" if rule != "honour-list" and subject.start < s else "medium"
                self.add_fact(s, rec, rule, self.sure(subject, "medium" if carried else sure),
                              carried)

    def published_list(self, start: int, end: int) -> None:
        """某厅公布了…名单 with no holder: the list, its publisher and its honour."""
        listed = self.list_name(start, end)
        bodies = self.in_range(start, end, ("PublicBody",))
        if not (listed and bodies and re.search(r"公示|公布|发布|印发",
                                                self.flat[start:listed[0]])):
            return
        honour = self.honour(self.honour_from_list(listed[2]), listed[0], listed[1])
        if honour:
            quals: dict = {}
            year = YEAR.search(listed[2])
            batch = BATCH.search(listed[2])
            if batch:
                quals["batch"] = _number(batch.group(1))
            if year:
                quals["year"] = int(year.group(1))
            stage = re.search(r"拟|公示", listed[2] + self.flat[start:listed[0]])
            if stage:
                quals["stage"] = "proposed" if "拟" in listed[2] else "publicised"
            quals["awarded_by"] = bodies[0].id
            list_id = self.resolve_list(listed, honour,
                                        {k: quals[k] for k in ("batch", "year") if k in quals},
                                        bodies, start, end)
            if list_id:
                self.last_list = (list_id, honour, quals)

    def list_name(self, start: int, end: int) -> tuple[int, int, str] | None:
        """A list the sentence names: 《…名单》 or a phrase ending in 名单."""
        flat = self.flat
        m = re.search(r"《([^》]{2,60}名单)》", flat[start:end])
        if m:
            return start + m.start(), start + m.end(), m.group(0)
        i = flat.find("名单", start, end)
        if i < 0:
            return None
        s = i
        depth = 0
        while s > start:
            ch = flat[s - 1]
            if ch in ")）":
                depth += 1
            elif ch in "(（":
                depth -= 1
            elif depth == 0 and (ch in "，,。；;、" or flat[:s].endswith(
                    ("了", "公布", "公示", "发布", "印发", "入选", "列入"))):
                break
            s -= 1
        if i + 2 - s < 4:
            return None
        return s, i + 2, flat[s:i + 2]

    def honour_from_list(self, name: str) -> str:
        """The honour a list is of: its name without 《》, year, batch, stage words and 名单."""
        text = name.strip("《》")
        text = re.sub(r"^(?:(?:19|20)\d{2}年度?|第[一二三四五六七八九十百\d]+批|拟|审核认定|公示|"
                      r"认定)+", "", text)
        text = re.sub(r"\([^)]*\)|（[^）]*）", "", text)
        return text.removesuffix("名单").removesuffix("的")

    def honour(self, phrase: str, start: int, end: int) -> str | None:
        """The Honour id a phrase names: a seed honour by name, else a new one if the phrase holds
        a dictionary honour."""
        phrase = phrase.removesuffix("称号").removesuffix("名单")
        if phrase[:1] in "“\"‘「" and phrase[-1:] in "”\"’」":  # wholly quoted: the name inside
            phrase = phrase[1:-1]
        phrase = re.sub(r"^(?:(?:19|20)\d{2}年度?|第[一二三四五六七八九十百\d]+批|拟)+", "", phrase)
        if len(phrase) < 2:
            return None
        key = normalise(phrase)
        for candidate in _variants(key):
            ids = [i for i in self.names.get(candidate, ()) if self.type_of(i) == "Honour"]
            if len(ids) == 1:
                self.known.setdefault(phrase, Known(phrase, ids[0], "Honour", "known-name",
                                                    "high", "a label or alias of the seeds"))
                return ids[0]
        if normalise(phrase) in self.by_label:
            return self.by_label[normalise(phrase)]
        if not any(phrase.startswith(w) for w in self.d["levels"]):  # named without its level
            ids = sorted({i for lv in ("国家级", "省级", "市级") for v in _variants(normalise(lv) + key)
                          for i in self.names.get(v, ()) if self.type_of(i) == "Honour"})
            if len(ids) == 1:
                self.known.setdefault(phrase, Known(phrase, ids[0], "Honour", "known-name",
                                                    "medium", "named without its level"))
                return ids[0]
        keyword = next((k for k in sorted(self.d["honours"], key=len, reverse=True)
                        if normalise(k) in key), None)
        if keyword is None:
            return None
        level = next((lv for w, lv in sorted(self.d["levels"].items(), key=lambda kv: -len(kv[0]))
                      if phrase.startswith(w)), None)
        why = "level as the phrase says" if level else "level from the dictionary, not the text"
        at = self.flat.find(phrase, start - 2 if start >= 2 else 0)
        at = at if at >= 0 else start
        return self.new_entity(phrase, "Honour", at, at + len(phrase), "honour-dictionary",
                               "medium" if level else "low", why,
                               {"level": level or self.d["honours"][keyword]})

    def resolve_list(self, listed: tuple[int, int, str], honour: str, quals: dict,
                     bodies: list[Mention], start: int, end: int) -> str | None:
        s, e, name = listed
        key = normalise(name)
        bare = re.sub(r"\([^)]*\)", "", key)  # 名单(“重点省专”): the list without its aside
        ids = sorted({i for k in (key, bare) for i in self.names.get(k, ())
                      if self.type_of(i) == "HonourList"})
        if len(ids) == 1:
            self.known.setdefault(name, Known(name, ids[0], "HonourList", "known-name", "high"))
            return ids[0]
        if key in self.by_label:
            return self.by_label[key]
        year = YEAR.search(name)
        ident = self.new_entity(name, "HonourList", s, e, "honour-list-name", "medium",
                                id_text=self.honour_from_list(name) + "名单" +
                                (year.group(1) if year else ""))
        list_quals = {k: quals[k] for k in ("batch", "year") if k in quals}
        self.add_fact(s, {"subject": ident, "relation": "listOf", "object": honour, **list_quals,
                          "quote": self.flat[s:e]}, "list-of", "medium")
        verb = re.search(r"公示|公布|发布|印发", self.flat[start:s])
        if bodies and verb:
            body = bodies[0]
            stage = {"公示": "publicised", "公布": "published",
                     "发布": "published"}.get(verb.group(0))
            self.add_fact(s, {"subject": ident, "relation": "publishedBy", "object": body.id,
                              **({"stage": stage} if stage else {}),
                              "quote": self.quote((body.start, body.end), (s, e))},
                          "list-published", "high")
        return ident

    def places(self, start: int, end: int) -> None:
        flat = self.flat
        for verb, relation, rule in (("落户", "settledIn", "settle-luohu"),
                                     ("入驻", "settledIn", "settle-ruzhu"),
                                     ("位于", "locatedIn", "locate-weiyu")):
            for m in re.finditer(verb, flat[start:end]):
                s, e = start + m.start(), start + m.end()
                clause = self.clause_start(s, start)
                neg = self.negation(clause, e)
                targets = [x for x in self.in_range(e, self.clause_end(e, end))
                           if x.start - e <= 1 and x.type in ("Park", "Site", "Platform")]
                before = self.in_range(start, s)
                domain = schema.RELATIONS[relation].domain
                subjects = [x for x in before if x.type in domain and x.type != "Park"] or \
                    [x for x in before if x.type in domain]
                if neg:
                    self.skipped.append((s, f"negated ({neg}), no {relation}: "
                                            f"«{flat[clause:self.clause_end(e, end)]}»"))
                    continue
                if not targets:
                    place = flat[e:self.clause_end(e, end)]
                    self.skipped.append((s, f"{verb} {place}: not a park, site or platform the "
                                            f"rules know; no {relation} proposed"))
                    continue
                if not subjects:
                    continue
                subject = subjects[-1]
                target = targets[0]
                rec: dict = {"subject": subject.id, "relation": relation, "object": target.id}
                spans = [(subject.start, subject.end), (target.start, target.end)]
                year = self.year_in(subject.end, s)
                if year:
                    m2 = YEAR.match(flat, year[1])
                    if m2 and m2.group(2):
                        rec["date"] = f"{year[0]}-{int(m2.group(2)):02d}"
                    else:
                        rec["year"] = year[0]
                aim = self.aim(clause, e)
                if aim:
                    self.add_fact(s, {"subject": subject.id, "relation": "goal",
                                      "value": flat[clause:target.end],
                                      "quote": self.quote(*spans, (clause, target.end)),
                                      "note": f"an aim ({aim}), not an achievement"},
                                  "aim-place", "medium")
                    continue
                rec["quote"] = self.quote(*spans)
                self.add_fact(s, rec, rule, self.sure(
                    subject, "high" if subject.start >= clause else "medium"))

    def chains(self, start: int, end: int, seen: list[Mention]) -> None:
        flat = self.flat
        in_sentence = self.in_range(start, end, ("IndustryChain",))
        for m in re.finditer(r"上下游|龙头企业|配套|供应", flat[start:end]):
            s, e = start + m.start(), start + m.end()
            word = m.group(0)
            clause = self.clause_start(s, start)
            neg = self.negation(clause, e)
            if word in ("配套", "供应"):
                self.supply(start, end, s, e, word, in_sentence, neg)
                continue
            companies = self.in_range(clause, s, ("Company",))
            if not companies:
                continue
            if neg:
                self.skipped.append((s, f"negated ({neg}): «{flat[clause:e]}»"))
                continue
            relation = "leadingEnterpriseIn" if word == "龙头企业" else "supplyChainEnterpriseIn"
            rule = {"上下游": "chain-shangxiayou", "龙头企业": "chain-longtou"}.get(word, "chain-supply")
            targets = in_sentence or (self.in_range(start, end, ("Platform",))
                                      if relation == "leadingEnterpriseIn" else [])
            inferred = None
            if not targets and seen:
                targets = [seen[-1]]
                inferred = (f"the chain is the one the article names before "
                            f"({seen[-1].text}); this sentence does not name it")
            if not targets:
                self.skipped.append((s, f"{word}: no chain named for «{flat[clause:e]}»"))
                continue
            target = targets[0]
            for c in companies:
                spans = [(c.start, c.end), (s, e)]
                if not inferred:
                    spans.append((target.start, target.end))
                rec: dict = {"subject": c.id, "relation": relation, "object": target.id,
                             "quote": self.quote(*spans)}
                if inferred:
                    rec["inferred"] = inferred
                self.add_fact(s, rec, rule, self.sure(c, "low" if inferred else "medium"))
        for m in re.finditer(r"环节", flat[start:end]):
            s = start + m.start()
            segments = [x for x in self.seeds.entities.values() if x.type == "ChainSegment"
                        and flat[:s].endswith(x.label)]
            if len(segments) != 1:
                continue
            seg = segments[0]
            clause = self.clause_start(s, start)
            for c in self.in_range(clause, s, ("Company", "Product")):
                self.add_fact(s, {"subject": c.id, "relation": "inSegment", "object": seg.id,
                                  "quote": self.quote((c.start, c.end), (s, s + 2))},
                              "segment-huanjie", "medium")

    def exports(self, start: int, end: int) -> None:
        """出口到 / 销往 the market regions of the seeds: exportsTo."""
        for m in re.finditer(r"出口到|出口至|销往", self.flat[start:end]):
            s, e = start + m.start(), start + m.end()
            clause = self.clause_start(s, start)
            if self.negation(clause, e):
                continue
            regions = [x for x in self.in_range(e, self.clause_end(e, end), ("MarketRegion",))]
            subjects = [x for x in self.in_range(clause, s, ("Company", "Product"))]
            if not subjects or "等" in self.flat[subjects[-1].end:s]:  # A、B等产品出口到: the topic
                subjects = self.in_range(start, s, ("Company",))[:1]
            if not subjects:
                continue
            subject = subjects[-1]
            for r in regions:
                self.add_fact(s, {"subject": subject.id, "relation": "exportsTo", "object": r.id,
                                  "quote": self.quote((subject.start, subject.end),
                                                      (r.start, r.end))},
                              "export-chukou", self.sure(subject, "medium"))

    def supply(self, start: int, end: int, s: int, e: int, word: str,
               chains: list[Mention], neg: str | None) -> None:
        """A为B配套 / A供应B: A suppliesTo B, and A is proposed as a firm of the chain the
        sentence names."""
        flat = self.flat
        companies = self.in_range(start, s, ("Company",))
        customers = [x for x in companies if flat[x.start - 1:x.start] == "为"]
        suppliers = [x for x in companies if x not in customers]
        customers += self.in_range(e, self.clause_end(e, end), ("Company",))
        if not suppliers:
            return
        supplier = suppliers[-1]
        if neg:
            self.skipped.append((s, f"negated ({neg}): «{flat[supplier.start:e]}»"))
            return
        if customers:
            customer = customers[0]
            self.add_fact(s, {"subject": supplier.id, "relation": "suppliesTo",
                              "object": customer.id, "quote": self.quote(
                                  (supplier.start, supplier.end), (s, e),
                                  (customer.start, customer.end))},
                          "supply-gongying", self.sure(supplier, "medium"))
        if chains:
            chain = chains[0]
            self.add_fact(s, {"subject": supplier.id, "relation": "supplyChainEnterpriseIn",
                              "object": chain.id, "quote": self.quote(
                                  (supplier.start, supplier.end), (s, e), (chain.start, chain.end)),
                              "inferred": f"it supplies ({word}) a firm of the chain the "
                                          f"sentence names"}, "chain-supply", "low")

    def topic(self, start: int, before: int) -> list[Mention]:
        """The sentence's topic: its first organisation, park, platform, chain or project."""
        return [x for x in self.in_range(start, before) if x.type in HOLDERS][:1]

    def sure(self, subject: Mention, confidence: str) -> str:
        """A holder named by 该公司 … is less sure than one named by its name."""
        return "low" if subject.start in self.anaphora else confidence

    def figures(self, start: int, end: int) -> None:
        flat, d = self.flat, self.d
        previous = start
        for m in NUMBER.finditer(flat, start, end):
            if flat[m.start() - 1:m.start()] == "第" or (m.group(3) == "批" and "第" in
                                                         flat[m.start() - 2:m.start()]):
                previous = m.end()
                continue
            before, amount, unit, after = m.groups()
            clause = self.clause_start(m.start(), start)
            context = flat[max(previous, clause):m.start()]
            clause_text = flat[clause:self.clause_end(m.end(), end)]
            previous = m.end()
            if unit == "万元":
                self.skipped.append((m.start(), f"figure {m.group(0)}: 万元 is no unit of the "
                                                 f"seeds (亿元 is); «{clause_text}»"))
                continue
            nxt = NUMBER.search(flat, m.end(), end)
            after_text = flat[m.end():min(nxt.start() if nxt else end,
                                          self.clause_end(m.end(), end))]
            relation = None
            if unit == "家" and self.honour_in(m.start() - len(context), m.start()):
                relation = "honouredEnterpriseCount"
            # words after the number first (40%以上的产能), then before it (总投资约4.94亿元);
            # a specific figure (入园, 毕业) before a generic one (企业, 项目)
            for generic in (False, True):
                for text in (after_text, context, clause_text):
                    if relation:
                        break
                    relation = next((name for name, units, words in d["figures"]
                                     if unit in units and (name in GENERIC_FIGURES) == generic
                                     and any(w in text for w in words)), None)
            if relation is None and self.aim(clause, m.end()):
                relation = "goal"
            if relation is None:
                self.skipped.append((m.start(), f"figure {m.group(0)}: no figure relation fits "
                                                 f"«{clause_text}»"))
                continue
            neg = self.negation(clause, m.end())
            if neg:
                self.skipped.append((m.start(), f"negated ({neg}): «{clause_text}»"))
                continue
            # the clause's own holder, else the first name of the nearest clause before that
            # has one (澄岚生物于…落户丽水经开区,计划总投资…: 澄岚生物)
            subjects = [x for x in self.in_range(clause, m.start()) if x.type != "PublicBody"]
            if subjects and (self.flat[subjects[-1].end:m.start()].startswith(("等", "、"))
                             or subjects[-1].end == m.start() - len(before or "")):
                if relation in COUNTS:  # A、B、C4家企业, A等5家: the count of a group named
                    self.skipped.append((m.start(), f"figure {m.group(0)}: a count of the names "
                                                     f"before it; «{clause_text}»"))
                    continue
                subjects = []  # A、B等产品90%以上出口: the group's share, told of the topic
            if not subjects:
                subjects = self.topic(start, m.start())
            if not subjects:
                self.skipped.append((m.start(), f"figure {m.group(0)}: no subject named in "
                                                 f"«{flat[start:m.end()]}»"))
                continue
            subject = subjects[-1]
            qual = d["before_number"].get(before) if before else None
            if after:
                qual = d["after_number"][after]
            q_end = m.end()
            aim = self.aim(clause, m.end())
            if aim:
                q = self.quote((subject.start, subject.end), (clause, q_end))
                self.add_fact(m.start(), {"subject": subject.id, "relation": "goal",
                                          "value": flat[clause:q_end], "quote": q,
                                          "note": f"an aim ({aim}), not an achievement"},
                              "aim-figure", "medium")
                continue
            quantity: dict = {"amount": _amount(amount), "unit": unit}
            if qual and qual != "exact":
                quantity["qualifier"] = qual
            rec: dict = {"subject": subject.id, "relation": relation, "quantity": quantity}
            scoped = re.match(r"的?([^，,、。的]{1,6}?)(?:市场份额|产能)", after_text)
            if scoped and relation in ("nationalMarketShare", "nationalCapacityShare"):
                rec["scope"] = scoped.group(1)  # 30%以上的中高端市场份额: 中高端
                q_end = max(q_end, m.end() + scoped.end())
            spans = [(subject.start, subject.end), (m.start() - (len(before) if before else 0),
                                                    q_end)]
            as_of = re.search(r"截至[^，,。；;]{1,12}", flat[start:m.start()])
            notes = []
            if as_of:
                rec["as_of"] = as_of.group(0)
                spans.append((start + as_of.start(), start + as_of.end()))
            if relation == "honouredEnterpriseCount":
                honour = self.honour_before(max(clause, spans[1][0] - len(context)), spans[1][0])
                c_end = self.clause_end(m.end(), end)
                verb = re.search(r"被认定为|认定为|获评|入选|评为", flat[m.end():c_end])
                if honour is None and verb:  # 共有2家企业被认定为X
                    h_start = m.end() + verb.end()
                    honour = self.honour(flat[h_start:c_end], h_start, c_end)
                    spans.append((h_start, c_end))
                if honour:
                    rec["honour"] = honour
            if "累计" in flat[clause:m.start()]:
                notes.append("累计: a cumulative count")
            if notes:
                rec["note"] = "; ".join(notes)
            rec["quote"] = self.quote(*spans)
            sure = "medium" if subject.start >= clause else "low"
            self.add_fact(m.start(), rec, f"figure-{relation}", self.sure(subject, sure))

    def honour_before(self, start: int, end: int) -> str | None:
        """An honour named right before a count: 省级专精特新中小企业8家, 共有国家高新技术企业128家."""
        found = self.honour_in(start, end)
        return self.honour(found[2], found[0], found[1]) if found else None

    def honour_in(self, start: int, end: int) -> tuple[int, int, str] | None:
        """The last honour named in flat[start:end]: a seed honour's name (in any of its
        spellings), else a dictionary honour with the level words before it."""
        text = self.flat[start:end]
        best: tuple[int, int, str] | None = None
        for ent in self.seeds.entities.values():
            if ent.type != "Honour":
                continue
            for n in (ent.label, *ent.aliases):
                for v in {n, n.removesuffix("企业")}:
                    i = text.rfind(v)
                    if len(v) >= 3 and i >= 0 and (best is None or (i + len(v), len(v)) >
                                                   (best[1] - start, best[1] - best[0])):
                        best = (start + i, start + i + len(v), v)
        if best:
            return best
        for k in sorted(self.d["honours"], key=len, reverse=True):
            i = text.rfind(k)
            if i >= 0:
                j = i
                for w in sorted(self.d["levels"], key=len, reverse=True):
                    if text[:i].endswith(w):
                        j = i - len(w)
                        break
                e = i + len(k)
                if text[e:].startswith("企业"):
                    e += 2
                return start + j, start + e, text[j:e]
        return None

    def roles(self, start: int, end: int) -> None:
        flat, d = self.flat, self.d
        roles = sorted(d["roles"], key=len, reverse=True)
        for i in range(start, end):
            if flat[i] not in d["surnames"]:
                continue
            name = None
            for size in (3, 2):
                if any(flat.startswith(v, i + size) for v in d["after_name"]) and \
                        all(_cjk(c) for c in flat[i:i + size]):
                    name = flat[i:i + size]
                    break
            role = next((r for r in roles if flat[:i].endswith(r)), None)
            if name is None or role is None:
                continue
            # the chain of posts before the name: 丽水经开区党工委副书记、管委会主任
            chain_start = self.clause_start(i, start)
            posts = flat[chain_start:i]
            bodies = self.in_range(chain_start, i, ("PublicBody", "Company", "ResearchInstitute"))
            person = None
            for b in bodies:
                seg_end = flat.find("、", b.end, i)
                seg_end = i if seg_end < 0 else seg_end
                role_text = flat[b.end:seg_end]
                if not any(role_text.endswith(r) for r in roles):
                    continue
                neg = self.negation(chain_start, i)
                if neg:
                    self.skipped.append((i, f"negated ({neg}): «{posts}{name}»"))
                    break
                if b.type != "PublicBody":
                    self.skipped.append((i, f"{name}, {role_text} of {b.text}: holdsPostIn takes "
                                            f"a PublicBody, not a {b.type}"))
                    continue
                person = person or self.person(name, i, "role-person")
                self.add_fact(i, {"subject": person, "relation": "holdsPostIn", "object": b.id,
                                  "role": role_text, "quote": self.quote((b.start, i + len(name)))},
                              "role-post", "medium")


def _variants(key: str) -> list[str]:
    """Spellings of one honour name: with or without 企业, 省级 or 省, 国家级 or 国家.

    >>> _variants("省级隐形冠军企业")[:3]
    ['省级隐形冠军企业', '省级隐形冠军企业企业', '省级隐形冠军']
    """
    out = []
    for level in ("", "省级", "国家级", "市级"):
        short = level.removesuffix("级")
        base = key
        if level and key.startswith(level):
            base = short + key[len(level):]
        elif level and key.startswith(short) and not key.startswith(level):
            base = level + key[len(short):]
        for v in (base, base + "企业", base.removesuffix("企业")):
            if v not in out:
                out.append(v)
    return out


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN_DIGITS[tens] * 10 + CN_DIGITS.get(ones, 0)
    return CN_DIGITS.get(text, 0)


def _amount(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(text)


def suggest(text: str, file_name: str, seeds: Seeds, source_id: str | None = None) -> Draft:
    """Draft seeds for the article `text`, to be archived as ``seeds/sources/<file_name>``.

    `seeds` are the project's seeds: their names and aliases are matched, their ids are never
    reused for a new entity. Raises `SuggestError` (exit 2) for an empty article or an id the
    seeds already use.
    """
    ident = source_id or source_id_for(Path(file_name), "article")
    if not ID_PATTERN.match(ident):
        raise SuggestError(f"source id {ident!r} is not a readable ASCII id",
                           "give --source-id with lower-case letters, digits and hyphens")
    taken = seeds.entities.keys() | seeds.articles.keys() | seeds.pages.keys() | \
        seeds.tables.keys()
    if ident in taken or f"{ident}-page" in taken:
        raise SuggestError(f"source id '{ident}' is already used in the seeds",
                           "give another one with --source-id")
    if any(p.file == f"sources/{file_name}" for p in seeds.pages.values()):
        raise SuggestError(f"seeds/sources/{file_name} is already a page of the seeds",
                           "rename the article file")
    return _Drafter(text, file_name, seeds, ident).run()


# --- Scoring a draft against hand-made answers ----------------------------------------------------


@dataclass
class Score:
    proposed: int = 0  # facts and entities the draft proposes
    expected: int = 0  # in the answers
    correct_proposed: int = 0  # proposals that match an answer
    found: int = 0  # answers some proposal matches
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct_proposed / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.proposed + other.proposed, self.expected + other.expected,
                     self.correct_proposed + other.correct_proposed, self.found + other.found,
                     self.missed + other.missed, self.wrong + other.wrong)


ENTITY_KEYS = ("label", "type", "known")


def draft_items(draft: Draft, seeds: Seeds) -> tuple[list[dict], list[dict]]:
    """The draft as comparable items: (entities, facts), names in place of ids.

    An entity: label, type, known (the seed id, or "new"). A fact: relation, subject, object
    (each the set of names of the entity), value, amount, unit, qualifier, and its qualifiers.
    Byline people are entities like the others.
    """
    names: dict[str, set[str]] = {}
    for ent in seeds.entities.values():
        names[ent.id] = {ent.id, ent.label, *ent.aliases}
    for p in draft.entities:
        names[p.record["id"]] = {p.record["id"], p.record["label"], *p.record.get("aliases", [])}
    entities = [{"label": p.record["label"], "type": p.record["type"], "known": "new"}
                for p in draft.entities]
    seen: set[str] = set()
    for k in draft.known:  # 丽水经开区 and 经开区 are one entity named twice
        if k.id not in seen:
            seen.add(k.id)
            entities.append({"label": k.text, "type": k.type, "known": k.id})
    facts = []
    for p in draft.facts:
        r = p.record
        item: dict = {"relation": {r["relation"]},
                      "subject": names.get(r["subject"], {r["subject"]})}
        if "object" in r:
            item["object"] = names.get(r["object"], {r["object"]})
        if "value" in r:
            item["value"] = {str(r["value"])}
        if "quantity" in r:
            item["amount"] = {_canonical(r["quantity"]["amount"])}
            item["unit"] = {r["quantity"]["unit"]}
            item["qualifier"] = {r["quantity"].get("qualifier", "exact")}
        for q in schema.QUALIFIERS.values():
            if q.key in r:
                v = r[q.key]
                item[q.key] = names.get(v, {str(v)}) if q.kind == "entity" else {str(v)}
        facts.append(item)
    return entities, facts


def _canonical(amount) -> str:
    """An amount as comparable text: 60, 60.0 and "60" are one.

    >>> _canonical(60.0), _canonical("4.940"), _canonical(400)
    ('60', '4.94', '400')
    """
    return format(Decimal(str(amount)).normalize(), "f")


def _fits(answer: dict, item: dict) -> bool:
    for key, want in answer.items():
        have = item.get(key)
        if key == "amount":
            want = _canonical(want)
        if key in ENTITY_KEYS and "relation" not in answer:  # an entity
            if key == "label" and answer.get("known", "new") != "new":
                continue  # a known entity is named by its id; any of its names will do
            if normalise(str(item.get(key, ""))) != normalise(str(want)):
                return False
            continue
        if have is None:
            return False
        wanted = {normalise(str(want))} if not isinstance(want, list) else \
            {normalise(str(w)) for w in want}
        if not wanted & {normalise(h) for h in have}:
            return False
    return True


def answers_from_seeds(seeds: Seeds, article: str) -> dict:
    """The curated facts of one article of the seeds as answers for `score` (facts only, by
    relation, subject, object or value or figure, and the year, batch and stage they carry): to
    measure drafts on real text against what curators recorded from it."""
    facts = []
    for fact in seeds.facts:
        if fact.source != article:
            continue
        answer: dict = {"relation": fact.relation, "subject": fact.subject}
        if fact.object is not None:
            answer["object"] = fact.object
        if fact.quantity is not None:
            answer.update(amount=str(fact.quantity.amount), unit=fact.quantity.unit,
                          qualifier=fact.quantity.qualifier)
        elif fact.value is not None and fact.relation not in ("goal", "characteristic"):
            answer["value"] = str(fact.value)  # a goal's words are the curator's cut
        for key in ("year", "batch", "stage"):
            if key in fact.qualifiers:
                answer[key] = fact.qualifiers[key]
        facts.append(answer)
    return {"facts": facts}


def score(draft: Draft, answers: dict, seeds: Seeds) -> Score:
    """Precision and recall of a draft against an answer file's `entities:` and `facts:`.

    An answer names what must be proposed (a fact by relation, subject and object labels or
    value, and the qualifiers that matter; an entity by label, type and `known:` id or "new");
    a proposal matches an answer when every key the answer gives agrees. Each answer is matched
    by at most one proposal, greedily in order. `absent:` lists facts that must not be proposed
    (a negated clause): a proposal matching one is counted wrong (and never correct). Without
    an `entities:` key, only facts are scored.
    """
    entities, facts = draft_items(draft, seeds)
    result = Score()
    for kind, items, wanted in (("entity", entities, answers.get("entities") or []),
                                ("fact", facts, answers.get("facts") or [])):
        if kind == "entity" and "entities" not in answers:
            continue  # answers of facts only (answers_from_seeds): entities are not scored
        used: set[int] = set()
        result.proposed += len(items)
        result.expected += len(wanted)
        for answer in wanted:
            hit = next((i for i, item in enumerate(items)
                        if i not in used and _fits(answer, item)), None)
            if hit is None:
                result.missed.append(f"{draft.source_id}: {kind} {answer}")
            else:
                used.add(hit)
                result.found += 1
        forbidden = [a for a in answers.get("absent") or [] if kind == "fact"]
        for i, item in enumerate(items):
            if i in used and not any(_fits(a, item) for a in forbidden):
                result.correct_proposed += 1
            else:
                result.wrong.append(f"{draft.source_id}: {kind} " + str(
                    {k: sorted(v)[0] if isinstance(v, set) else v for k, v in item.items()}))
    return result
