"""The one matcher: does a name (a table row, a registry row, a typed name) stand for a known
entity?

Used by ``kg import``, ``kg link`` and the name lookup of ``kg query``/``kg path``/``kg viz``
(`kg.names`). Names are compared, never rewritten: `normalise` and `core` make comparison keys only.

The rules (decide with evidence; shared characters alone never make a match; ambiguity goes to
review):

1. the same identifier (credit code, stock code) -> accepted; a conflicting identifier of the same
   kind (both have a credit code, they differ) -> never accepted;
2. the same full (registered) name after `normalise` -> accepted;
3. the same `core` of full names, or a short name equal to the other's short name or to the leading
   part of its core (晶睿电子 vs 浙江晶睿电子科技有限公司) -> accepted only when corroborated (same
   region, a shared sector) and not contradicted (regions or sectors differ); otherwise review;
4. more than one candidate at the best level -> review, all listed, never a pick;
5. anything weaker (a shared prefix: 中欣晶圆 / 中欣氟材) -> none; such near names are listed as
   candidates for a curator, never accepted.

A name that ends in an organisational form (有限公司, 集团, Co., Ltd. ...) counts as a full name even
when the caller did not say so: a seed's label is often the registered name (同创(丽水)特种材料有限公司).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# --- Data: regions, organisational forms, sectors -------------------------------------------------

# Region name -> the region it lies in (None: top level). Provinces, Zhejiang's cities, the
# counties/districts of 丽水, and big cities elsewhere. Written without 省/市/县/区 (REGION_SUFFIXES).
REGION_PARENT: dict[str, str | None] = {
    **dict.fromkeys((
        "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
        "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门").split()),
    **dict.fromkeys("杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水".split(), "浙江"),
    **dict.fromkeys("莲都 龙泉 青田 云和 庆元 缙云 遂昌 松阳 景宁".split(), "丽水"),
    **dict.fromkeys("苏州 南京 无锡 常州".split(), "江苏"),
    **dict.fromkeys("深圳 广州 东莞 佛山".split(), "广东"),
    "合肥": "安徽", "武汉": "湖北", "成都": "四川", "西安": "陕西", "青岛": "山东", "济南": "山东",
    "厦门": "福建", "福州": "福建", "长沙": "湖南", "郑州": "河南",
}
# What may follow a region's name; the longest is tried first.
REGION_SUFFIXES = ("畲族自治县", "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区",
                   "省", "市", "县", "区")
# Bracketed inside a name but not a region of REGION_PARENT: 某某(中国)有限公司.
BRACKET_ONLY_REGIONS = ("中国",)

# Trailing organisational forms, stripped (repeatedly, longest first) only to compare.
ORG_FORMS_ZH = ("集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司",
                "(有限合伙)", "(普通合伙)", "有限公司", "股份公司", "集团公司", "集团", "公司")
# English forms, matched on word boundaries before white space is dropped ("Disco" keeps its "co").
ORG_FORMS_EN = re.compile(
    r"[\s,.]*\b(?:co\.?,?\s*ltd|company\s+limited|co\.?,?\s*limited|limited|ltd|inc|incorporated|"
    r"corp|corporation|co|company|group|llc|plc|gmbh)\.?\s*$")

# Sector key -> keywords that name it (zh and en, matched as substrings of normalised text). Short
# on purpose: a sector shared corroborates a match, disjoint sectors block one, so a keyword must
# not be so broad that unrelated firms share it. The national industry classes registries use
# (化学原料和化学制品制造业, 计算机、通信和其他电子设备制造业 ...) are covered by their key words.
SECTORS: dict[str, tuple[str, ...]] = {
    "semiconductor": ("半导体", "集成电路", "芯片", "晶圆", "硅片", "外延片", "靶材", "电子材料",
                      "计算机通信和其他电子设备", "semiconductor", "wafer", "integratedcircuit"),
    "electronics": ("电子", "electronic"),
    "chemicals": ("化工", "化学", "氟", "chemical", "fluor"),
    "medical": ("医疗", "医用", "医疗器械", "medical"),
    "pharma": ("医药", "制药", "药业", "药品", "pharma"),
    "machinery": ("阀门", "机械", "专用设备", "通用设备", "装备", "机床", "数控", "机器人", "自动化",
                  "传动", "滚动功能部件", "valve", "machinery", "robot"),
    "automotive": ("汽车", "汽配", "automotive", "automobile"),
    "electrical": ("电器", "家电", "电气", "电力设备", "electricalappliance"),
    "nuclear": ("核技术", "核电", "核能", "核工业", "辐照", "nuclear"),
    "materials": ("新材料", "特种材料", "高纯", "newmaterial"),
    "metals": ("有色金属", "金属", "钢", "铝", "metal", "steel"),
    "textiles": ("纺织", "服装", "印染", "textile"),
    "food": ("食品", "肉制品", "饮料", "农副食品", "food"),
}

# A sector inside a broader one: registries class firms coarsely (申万 puts semiconductors under
# 电子, medical devices and drugs under 医药生物), so a firm's sector agrees with its parent's.
SECTOR_PARENTS: dict[str, str] = {"semiconductor": "electronics", "pharma": "health",
                                  "medical": "health"}

# GB 32100-2015: the 31 characters of a unified social credit code, and the check weights.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MIN_PREFIX = 3  # a short name must have this many characters to match as the start of a longer name
MAX_CANDIDATES = 10  # keys listed in one Match

# --- Pure functions -------------------------------------------------------------------------------

_BRACKETS = {"Ps": "(", "Pe": ")"}  # Unicode's open and close punctuation: every bracket kind


def normalise(name: str) -> str:
    """The form names are compared in: NFKC, case folded, brackets as ``()``, no blanks or
    punctuation.

    >>> normalise(" 同创（丽水）特种材料有限公司 ")
    '同创(丽水)特种材料有限公司'
    >>> normalise("【Jingrui】 Electronics Co., Ltd.")
    '(jingrui)electronicscoltd'
    >>> normalise("“晶睿·电子”、")
    '晶睿电子'
    """
    return unicodedata.normalize("NFKC", name).casefold().translate(_FOLD)


class _Folding(dict):
    """str.translate's table for `normalise`, filled per character on first sight: brackets
    to ``()``, punctuation, separators and controls dropped, the rest kept (C speed after)."""

    def __missing__(self, code: int) -> str | int | None:
        category = unicodedata.category(chr(code))
        value = _BRACKETS.get(category) if category in _BRACKETS else \
            None if category[0] in "PZC" else code
        self[code] = value
        return value


_FOLD = _Folding()


_REGION_NAMES = sorted(REGION_PARENT, key=len, reverse=True)
_REGION_RE = "(?:" + "|".join(_REGION_NAMES) + ")"
_SUFFIX_RE = "(?:" + "|".join(REGION_SUFFIXES) + ")"
_LEADING_REGION = re.compile(f"^({_REGION_RE}){_SUFFIX_RE}?")
_BRACKETED_REGION = re.compile(
    r"\((" + "|".join((*_REGION_NAMES, *BRACKET_ONLY_REGIONS)) + f"){_SUFFIX_RE}?\\)")


def _strip_regions(text: str) -> tuple[str, list[str]]:
    """`text` (normalised) without its leading and bracketed regions, and those regions in order."""
    found = []
    while (m := _LEADING_REGION.match(text)) and len(text) - m.end() >= 2:
        found.append(m.group(1))
        text = text[m.end():]
    if "(" not in text:  # most names: no bracket to look into
        return text, found
    for m in _BRACKETED_REGION.finditer(text):
        found.append(m.group(1))
    stripped = _BRACKETED_REGION.sub("", text)
    return (stripped if len(stripped) >= 2 else text), found


def _strip_org_form(text: str) -> str:
    """Normalised `text` without its trailing organisational forms (never down to nothing)."""
    changed = True
    while changed and text not in ORG_FORMS_ZH:  # a bare form stays whole: 有限公司, not 有限
        changed = False
        for form in ORG_FORMS_ZH:
            if text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)], True
                break
    return text


def core(name: str) -> str:
    """`normalise`, then without leading or bracketed regions and trailing company forms, to
    compare.

    >>> core("同创(丽水)特种材料有限公司")
    '同创特种材料'
    >>> core("浙江省丽水市晶睿电子科技股份有限公司"), core("丽水经开区")
    ('晶睿电子科技', '经开区')
    >>> core("Jingrui Electronics Co., Ltd."), core("Disco"), core("有限公司")
    ('jingruielectronics', 'disco', '有限公司')
    """
    text, _ = _strip_regions(_without_english_form(name))
    return _strip_org_form(text)


def _without_english_form(name: str) -> str:
    """`name` normalised, without a trailing English company form (Co., Ltd.)."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    while (m := ORG_FORMS_EN.search(text)) and m.start() > 0:
        text = text[: m.start()]
    return normalise(text)


def core_and_region(name: str) -> tuple[str, str | None]:
    """`(core(name), region_of(name))`, sharing their work: what a name index takes of each of
    a province's 520,000 names.

    >>> core_and_region("同创（丽水）特种材料有限公司"), core_and_region("浙江（丽水）晶睿电子 Co., Ltd.")
    (('同创特种材料', '丽水'), ('晶睿电子', '丽水'))
    """
    for_core, for_region = _without_english_form(name), normalise(name)
    stripped, found = _strip_regions(for_core)
    if for_region != for_core:  # cutting an English company form off can change the regions
        _, found = _strip_regions(for_region)
    return _strip_org_form(stripped), _most_specific(found)


def _most_specific(found: list[str]) -> str | None:
    regions = [r for r in found if r in REGION_PARENT]
    return max(regions, key=lambda r: len(_ancestry(r))) if regions else None


def region_of(name: str) -> str | None:
    """The most specific region a full name carries (leading or bracketed), normalised, else None.

    >>> region_of("浙江省丽水市晶睿电子科技有限公司"), region_of("同创（丽水）特种材料有限公司")
    ('丽水', '丽水')
    >>> region_of("晶睿电子") is None
    True
    """
    _, found = _strip_regions(normalise(name))
    return _most_specific(found)


def _ancestry(region: str) -> tuple[str, ...]:
    """`region` and the regions it lies in, itself first: 莲都 -> (莲都, 丽水, 浙江)."""
    chain = [region]
    while (parent := REGION_PARENT.get(chain[-1])) is not None:
        chain.append(parent)
    return tuple(chain)


def parse_region(text: str | None) -> str | None:
    """The most specific region a region text names ("浙江省丽水市" -> "丽水"); unknown text as
    normalised (so two unknown regions still compare), None for none.

    >>> parse_region("浙江省丽水市"), parse_region("丽水市莲都区"), parse_region("Lishui")
    ('丽水', '莲都', 'lishui')
    """
    if not text or not normalise(text):
        return None
    text = normalise(text)
    found = []
    while m := _LEADING_REGION.match(text):
        found.append(m.group(1))
        text = text[m.end():]
    if not found:
        return region_of(text) or text
    return max(found, key=lambda r: len(_ancestry(r)))


def same_region(a: str, b: str) -> bool:
    """True when one region lies in (or is) the other: 丽水 and 浙江 agree, 丽水 and 杭州 do not.

    >>> same_region("莲都", "丽水"), same_region("浙江", "丽水"), same_region("丽水", "杭州")
    (True, True, False)
    """
    return a in _ancestry(b) or b in _ancestry(a)


def sectors_of(text: str) -> frozenset[str]:
    """The sector keys (`SECTORS`) a text about an industry names.

    >>> sorted(sectors_of("半导体材料")), sorted(sectors_of("化学原料和化学制品制造业"))
    (['semiconductor'], ['chemicals'])
    >>> sorted(sectors_of("氟化工")), sorted(sectors_of("医疗器械")), sorted(sectors_of("未知"))
    (['chemicals'], ['medical'], [])
    """
    folded = normalise(text)
    return frozenset(key for key, words in SECTORS.items() if any(w in folded for w in words))


def with_parents(sectors: frozenset[str]) -> frozenset[str]:
    """The sectors and the broader ones they lie in (`SECTOR_PARENTS`).

    >>> sorted(with_parents(sectors_of("半导体材料"))), sorted(with_parents(sectors_of("电子")))
    (['electronics', 'semiconductor'], ['electronics'])
    """
    return sectors | {SECTOR_PARENTS[s] for s in sectors if s in SECTOR_PARENTS}


def credit_check_character(first17: str) -> str:
    """The check character (18th) of a unified social credit code, from its first 17 characters.

    >>> credit_check_character("91331100000000000")
    'M'
    """
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None for a valid unified social credit code (GB 32100-2015), else a short reason.

    >>> credit_code_problem("91331100000000000M") is None
    True
    >>> credit_code_problem("91331100000000000N")
    "check character should be 'M', not 'N'"
    >>> credit_code_problem("9133110")
    'must be 18 characters, not 7'
    """
    if len(code) != 18:
        return f"must be 18 characters, not {len(code)}"
    for i, c in enumerate(code, 1):
        if c not in CREDIT_ALPHABET:
            return (f"character {i} '{c}' is not allowed (digits and upper-case A-Y without "
                    f"I, O, S, V, Z)")
    if not code[2:8].isdigit():
        return f"characters 3-8 (the region code) must be digits, not '{code[2:8]}'"
    wanted = credit_check_character(code[:17])
    if code[17] != wanted:
        return f"check character should be '{wanted}', not '{code[17]}'"
    return None


def code_key(code: str) -> tuple[str, str]:
    """(kind, comparable form) of an identifier: credit codes, stock codes with or without their
    exchange (688126, 688126.SH, SH688126), anything else as itself.

    >>> code_key("688126.SH"), code_key(" 91331100000000000M")
    (('stock', '688126'), ('credit', '91331100000000000M'))
    """
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", code)).upper()
    if m := re.fullmatch(r"(?:(?:SH|SZ|BJ)\.?)?(\d{6})(?:\.(?:SH|SZ|BJ|SS))?", text):
        return "stock", m.group(1)
    if len(text) == 18 and text.isalnum():
        return "credit", text
    return "other", text


def is_full_name(name: str) -> bool:
    """Whether a name ends in an organisational form, as registered names do.

    >>> is_full_name("特尔阀门高科技材料有限公司"), is_full_name("晶睿电子")
    (True, False)
    """
    text = normalise(name)
    return (text not in ORG_FORMS_ZH and any(text.endswith(f) for f in ORG_FORMS_ZH)) or \
        bool((m := ORG_FORMS_EN.search(unicodedata.normalize("NFKC", name).casefold().strip()))
             and m.start() > 0)


# --- Profiles and matches -------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """One party: a seed entity, a table row or a registry row."""

    key: str  # entity id, or "row 12", or a registry code
    names: tuple[str, ...]  # names it goes by: label, aliases, short names
    full_names: tuple[str, ...] = ()  # registered (legal) names stated by a source
    region: str | None = None  # administrative region as given ("丽水市", "浙江省丽水市")
    codes: frozenset[str] = frozenset()  # identifiers: credit codes, stock codes ("688126")
    sectors: frozenset[str] = frozenset()  # from sectors_of() over what is known of its industry
    # Where the seeds place it (a plant in 丽水经开区 -> 丽水): it corroborates a region, never
    # contradicts one, since a firm may be registered elsewhere.
    located: str | None = None


@dataclass(frozen=True)
class Match:
    status: Literal["accepted", "review", "none"]
    key: str | None  # the accepted candidate's key
    candidates: tuple[str, ...]  # keys worth a curator's look: the accepted one first, then sorted
    evidence: tuple[str, ...]  # human-readable reasons


@dataclass(frozen=True)
class _Facts:
    """What the matcher compares of a profile, computed once."""

    profile: Profile
    full: dict[str, str]  # normalised full name -> the name as given
    every: dict[str, str]  # normalised name (any) -> as given
    full_cores: dict[str, str]  # core of a full name -> as given
    short_cores: dict[str, str]  # core of a short name -> as given
    region: str | None
    codes: dict[str, set[str]]  # kind -> comparable codes
    located: str | None = None

    @classmethod
    def of(cls, p: Profile) -> _Facts:
        fulls = [*p.full_names, *(n for n in p.names if is_full_name(n))]
        shorts = [n for n in p.names if not is_full_name(n)]
        codes: dict[str, set[str]] = defaultdict(set)
        for c in p.codes:
            kind, value = code_key(c)
            codes[kind].add(value)
        region = parse_region(p.region)
        if region is None:
            region = next((r for r in map(region_of, fulls) if r), None)
        return cls(p, _keyed(normalise, fulls), _keyed(normalise, [*p.names, *p.full_names]),
                   _keyed(core, fulls), _keyed(core, shorts), region, dict(codes),
                   parse_region(p.located))

    def cores(self) -> dict[str, str]:
        return {**self.full_cores, **self.short_cores}


def _keyed(key, names: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for n in names:
        if (k := key(n)) and k not in out:
            out[k] = n
    return out


def _cut_at_word(longer: str, at: int, short: str, full: str) -> bool:
    """Whether a short name ending at `at` of the core `longer` ends at a word of the full name:
    always for Chinese; for Latin letters on both sides of the cut, only at a word's end
    (ACME begins Acme Robotics Co., Ltd., not Acmetech Co., Ltd.).

    >>> _cut_at_word("acmerobotics", 4, "ACME", "Acme Robotics Co., Ltd.")
    True
    >>> _cut_at_word("acmetech", 4, "ACME", "Acmetech Co., Ltd.")
    False
    """
    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    if not (latin(longer[at - 1]) and latin(longer[at])):
        return True
    words = re.findall(r"[0-9a-z]+", unicodedata.normalize("NFKC", short).casefold())
    pattern = r"[\W_]*".join(map(re.escape, words)) + r"(?![0-9a-z])"
    return bool(words) and re.search(pattern, unicodedata.normalize("NFKC", full).casefold()) is not None


# Levels of a candidate, best first.
CODE, FULL_NAME, CORE, NEAR = 1, 2, 3, 4
_LEVEL_WORDS = {CODE: "identifier", FULL_NAME: "full name", CORE: "name"}


class Matcher:
    """Known profiles (unique keys), indexed to find the one a party stands for by the rules of
    this module.

    >>> m = Matcher([Profile("jingrui", ("晶睿电子",), region="丽水"),
    ...              Profile("zhongxin-wafer", ("中欣晶圆",))])
    >>> found = m.match(Profile("row 2", ("浙江晶睿电子科技有限公司",), region="丽水市"))
    >>> found.status, found.key
    ('accepted', 'jingrui')
    >>> found.evidence
    ('short name 晶睿电子 begins the full name 浙江晶睿电子科技有限公司', 'same region 丽水')
    >>> m.match(Profile("row 3", ("浙江中欣氟材股份有限公司",))).status
    'none'
    """

    def __init__(self, known: Iterable[Profile]):
        self.known: dict[str, _Facts] = {}
        self.by_code: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_full: dict[str, set[str]] = defaultdict(set)  # normalised full names
        self.by_name: dict[str, set[str]] = defaultdict(set)  # normalised names, any
        self.by_core: dict[str, set[str]] = defaultdict(set)  # cores of any name
        self.by_head: dict[str, set[str]] = defaultdict(set)  # first two characters of cores
        for p in known:
            if p.key in self.known:  # a caller's slip, not bad input: rows and ids are unique
                raise ValueError(f"two known profiles have the key {p.key!r}")
            f = self.known[p.key] = _Facts.of(p)
            for kind, values in f.codes.items():
                for v in values:
                    self.by_code[kind, v].add(p.key)
            for n in f.full:
                self.by_full[n].add(p.key)
            for n in f.every:
                self.by_name[n].add(p.key)
            for c in f.cores():
                self.by_core[c].add(p.key)
                self.by_head[c[:2]].add(p.key)
        self.sorted_cores = sorted(self.by_core)

    def _longer_cores(self, prefix: str) -> Iterable[str]:
        """Known cores that begin with `prefix` and are longer."""
        i = bisect_left(self.sorted_cores, prefix)
        while i < len(self.sorted_cores) and self.sorted_cores[i].startswith(prefix):
            if self.sorted_cores[i] != prefix:
                yield self.sorted_cores[i]
            i += 1

    def match(self, party: Profile) -> Match:
        me = _Facts.of(party)
        level: dict[str, int] = {}
        why: dict[str, list[str]] = defaultdict(list)

        def note(key: str, lvl: int, reason: str) -> None:
            if lvl < level.get(key, NEAR + 1):
                level[key], why[key] = lvl, [reason]
            elif lvl == level[key] == CODE and reason not in why[key]:  # one name reason is enough
                why[key].append(reason)

        for kind, values in me.codes.items():
            for v in sorted(values):
                for k in self.by_code.get((kind, v), ()):
                    note(k, CODE, f"same {'stock' if kind == 'stock' else kind} code {v}"
                         if kind != "other" else f"same identifier {v}")
        for n, given in me.full.items():  # my full name against their names
            for k in self.by_name.get(n, ()):
                note(k, FULL_NAME, f"same full name {given}")
        for n in me.every:  # any of my names against their full names
            for k in self.by_full.get(n, ()):
                note(k, FULL_NAME, f"same full name {self.known[k].full[n]}")
        for c, given in me.full_cores.items():
            for k in self.by_core.get(c, ()):
                other = self.known[k]
                if c in other.full_cores:
                    note(k, CORE, f"same name without region and company form: "
                                  f"{given} / {other.full_cores[c]}")
                else:
                    note(k, CORE, f"short name {other.short_cores[c]} is the full name {given} "
                                  f"without its forms")
            for i in range(MIN_PREFIX, len(c)):  # their short name begins my full name
                for k in self.by_core.get(c[:i], ()):
                    if c[:i] in self.known[k].short_cores and \
                            _cut_at_word(c, i, self.known[k].short_cores[c[:i]], given):
                        note(k, CORE, f"short name {self.known[k].short_cores[c[:i]]} begins the "
                                      f"full name {given}")
        for c, given in me.short_cores.items():
            for k in self.by_core.get(c, ()):
                other = self.known[k]
                if c in other.short_cores:
                    note(k, CORE, f"same short name {given}")
                else:
                    note(k, CORE, f"short name {given} is the full name {other.full_cores[c]} "
                                  f"without its forms")
            if len(c) >= MIN_PREFIX:  # my short name begins their full name
                for longer in self._longer_cores(c):
                    for k in self.by_core[longer]:
                        if longer in self.known[k].full_cores and _cut_at_word(
                                longer, len(c), given, self.known[k].full_cores[longer]):
                            note(k, CORE, f"short name {given} begins the full name "
                                          f"{self.known[k].full_cores[longer]}")
        for c, given in me.cores().items():  # near names, for a curator's eye only
            near = sorted(self.by_head.get(c[:2], set()) - level.keys())[:MAX_CANDIDATES]
            for k in near:
                if k not in level:
                    theirs = min(self.known[k].cores().items(),
                                 key=lambda kv: (kv[0][:2] != c[:2], kv[0]))
                    note(k, NEAR, f"only the first characters {c[:2]} shared: {given} / "
                                  f"{theirs[1]} (not a match)")
        return self._decide(me, level, why)

    def _decide(self, me: _Facts, level: dict[str, int], why: dict[str, list[str]]) -> Match:
        ranked = sorted(level, key=lambda k: (level[k], k))[:MAX_CANDIDATES]
        strong = [k for k in ranked if level[k] < NEAR]
        if not strong:
            return Match("none", None, tuple(ranked), tuple(r for k in ranked for r in why[k])
                         or ("no known name or identifier comes close",))
        best = level[strong[0]]
        top = [k for k in strong if level[k] == best]
        # An identifier pointing one way and a full name another is a conflict, not a pick.
        if best == CODE:
            top += [k for k in strong if level[k] == FULL_NAME and k not in top]
        verdicts = {k: self._verdict(me, self.known[k], level[k], why[k]) for k in top}
        if len(top) > 1:
            evidence = [f"{len(top)} candidates share the {_LEVEL_WORDS[best]}"
                        if len({level[k] for k in top}) == 1 else
                        "the identifier and the full name point to different entities"]
            evidence += [f"{k}: {'; '.join(verdicts[k][1])}" for k in top]
            return Match("review", None, tuple(ranked), tuple(evidence))
        key = top[0]
        ok, evidence = verdicts[key]
        return Match("accepted" if ok else "review", key if ok else None,
                     (key, *(k for k in ranked if k != key)), tuple(evidence))

    def _verdict(self, me: _Facts, other: _Facts, lvl: int,
                 why: list[str]) -> tuple[bool, list[str]]:
        """(acceptable, evidence) for one candidate at its level."""
        evidence = list(why)
        ok = True
        for kind in ("credit", "stock"):
            mine, theirs = me.codes.get(kind, set()), other.codes.get(kind, set())
            if mine and theirs and not mine & theirs:
                evidence.append(f"{kind} codes differ: {', '.join(sorted(mine))} vs "
                                f"{', '.join(sorted(theirs))}")
                ok = False
        if lvl == CORE:
            corroborated, contradicted = False, False
            if me.region and other.region:
                if same_region(me.region, other.region):
                    corroborated = True
                    inner, outer = sorted((me.region, other.region),
                                          key=lambda r: -len(_ancestry(r)))
                    evidence.append(f"same region {inner}" if inner == outer else
                                    f"same region: {inner} lies in {outer}")
                else:
                    contradicted = True
                    evidence.append(f"regions differ: {me.region} vs {other.region}")
            else:
                # Where the seeds place a firm corroborates a stated region of a city or
                # finer, never a province alone (浙江… names half the firms of a province list).
                stated, located = (me.region, other.located) if me.region else \
                    (other.region, me.located)
                if stated and located and len(_ancestry(stated)) > 1 and \
                        same_region(stated, located):
                    corroborated = True
                    evidence.append(f"located in the same region {located}")
            mine_s, theirs_s = with_parents(me.profile.sectors), with_parents(other.profile.sectors)
            if mine_s and theirs_s:
                if shared := mine_s & theirs_s:
                    corroborated = True
                    evidence.append(f"shared sector {', '.join(sorted(shared))}")
                else:
                    contradicted = True
                    evidence.append(f"sectors differ: {', '.join(sorted(me.profile.sectors))} "
                                    f"vs {', '.join(sorted(other.profile.sectors))}")
            if not corroborated and not contradicted:
                evidence.append("nothing corroborates it (no region, sector or code in common)")
            ok = ok and corroborated and not contradicted
        return ok, evidence
