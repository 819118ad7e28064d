"""The one matcher (kg/match.py): its pure functions, and a corpus of look-alike pairs
(tests/fixtures/lookalikes.yaml) with the outcome each must give."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

from kg.match import (
    CREDIT_ALPHABET,
    Match,
    Matcher,
    Profile,
    code_key,
    core,
    core_and_region,
    credit_check_character,
    credit_code_problem,
    is_full_name,
    normalise,
    parse_region,
    region_of,
    same_region,
    sectors_of,
)

CORPUS = yaml.safe_load((Path(__file__).parent / "fixtures" / "lookalikes.yaml")
                        .read_text(encoding="utf-8"))["cases"]


def profile(d: dict) -> Profile:
    return Profile(key=str(d["key"]), names=tuple(d.get("names", ())),
                   full_names=tuple(d.get("full_names", ())), region=d.get("region"),
                   codes=frozenset(map(str, d.get("codes", ()))),
                   sectors=sectors_of(d.get("sector", "")))


def run(case: dict) -> Match:
    return Matcher(map(profile, case["known"])).match(profile(case["party"]))


# --- the corpus -----------------------------------------------------------------------------------


def test_the_corpus_is_big_and_covers_every_outcome():
    assert len(CORPUS) >= 40
    assert {c["expect"] for c in CORPUS} == {"accepted", "review", "none"}
    assert len({c["id"] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_lookalike(case):
    got = run(case)
    assert got.status == case["expect"], got
    if got.status == "accepted":
        assert got.key == case["key"] and got.candidates[0] == case["key"]
    else:
        assert got.key is None
    assert got.evidence, "every outcome says why"


PAIRS = [c for c in CORPUS if len(c["known"]) == 1]  # with several known, sides differ


@pytest.mark.parametrize("case", PAIRS, ids=[c["id"] for c in PAIRS])
def test_the_outcome_does_not_depend_on_the_side(case):
    """Swapping which side is known changes nothing when there is one known profile."""
    swapped = {**case, "known": [case["party"]], "party": case["known"][0]}
    assert run(swapped).status == case["expect"]


def test_the_corpus_codes_are_valid_credit_codes_where_they_look_like_one():
    for case in CORPUS:
        for d in (*case["known"], case["party"]):
            for code in d.get("codes", ()):
                if code_key(str(code))[0] == "credit":
                    assert credit_code_problem(str(code)) is None, (case["id"], code)


# --- the rules, one at a time ---------------------------------------------------------------------


def test_the_issue_pairs_list_the_look_alike_for_a_curator_but_never_accept_it():
    got = Matcher([Profile("zhongxin-wafer", ("中欣晶圆",))]).match(Profile("r", ("中欣氟材",)))
    assert got == Match("none", None, ("zhongxin-wafer",),
                        ("only the first characters 中欣 shared: 中欣氟材 / 中欣晶圆 (not a match)",))


def test_ambiguity_lists_every_candidate_and_picks_none():
    known = [Profile("a", ("青禾智能",), region="丽水"), Profile("b", ("青禾智能",), region="温州")]
    got = Matcher(known).match(Profile("r", ("青禾智能",), region="丽水"))
    assert (got.status, got.key, got.candidates) == ("review", None, ("a", "b"))
    assert got.evidence[0] == "2 candidates share the name"


def test_evidence_is_readable():
    known = [Profile("jingrui", ("晶睿电子",), region="丽水", sectors=frozenset({"semiconductor"}))]
    m = Matcher(known)
    assert m.match(Profile("r", ("浙江晶睿电子科技有限公司",), region="莲都区")).evidence == (
        "short name 晶睿电子 begins the full name 浙江晶睿电子科技有限公司", "same region: 莲都 lies in 丽水")
    assert m.match(Profile("r", ("晶睿电子",), sectors=frozenset({"chemicals"}))).evidence == (
        "same short name 晶睿电子", "sectors differ: chemicals vs semiconductor")
    assert m.match(Profile("900001", ("某某",), codes=frozenset({"688001.SH"})))\
        .status == "none"
    coded = Matcher([Profile("j", ("晶睿电子",), codes=frozenset({"688001"}))])
    assert coded.match(Profile("r", ("X",), codes=frozenset({"SH688001"}))).evidence == (
        "same stock code 688001",)


def test_a_full_name_match_survives_a_sector_difference_but_not_a_code_conflict():
    known = [Profile("a", ("云岫机械有限公司",), sectors=frozenset({"machinery"}),
                     codes=frozenset({"91331100000000002U"}))]
    same = Matcher(known).match(Profile("r", ("云岫机械有限公司",), sectors=frozenset({"food"})))
    assert same.status == "accepted"
    other = Matcher(known).match(Profile("r", ("云岫机械有限公司",),
                                         codes=frozenset({"91331100000000003Y"})))
    assert other.status == "review" and "credit codes differ" in other.evidence[-1]


def test_known_keys_are_unique():
    with pytest.raises(ValueError, match="two known profiles have the key 'a'"):
        Matcher([Profile("a", ("甲",)), Profile("a", ("乙",))])


def test_a_party_matches_nothing_in_an_empty_matcher():
    assert Matcher([]).match(Profile("r", ("晶睿电子",))) == Match(
        "none", None, (), ("no known name or identifier comes close",))


# --- the pure functions ---------------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("同创（丽水）特种材料有限公司", "同创(丽水)特种材料有限公司"),
    ("同创〔丽水〕特种材料有限公司", "同创[丽水]特种材料有限公司"),
    ("ＡＢＣ　电子", "abc电子"),
    ("“晶睿”·电子、", "晶睿电子"),
    ("Jingrui-Electronics Co.,Ltd.", "JINGRUI ELECTRONICS CO LTD"),
])
def test_normalise_makes_spellings_of_one_name_equal(a, b):
    assert normalise(a) == normalise(b)


def test_normalise_keeps_what_tells_names_apart():
    assert normalise("中欣晶圆") != normalise("中欣氟材")
    assert normalise("同创(丽水)") != normalise("同创丽水")  # brackets stay: the core drops them


@pytest.mark.parametrize("name, wanted", [
    ("同创(丽水)特种材料有限公司", "同创特种材料"),
    ("同创（丽水市）特种材料有限公司", "同创特种材料"),
    ("浙江省丽水市晶睿电子科技股份有限公司", "晶睿电子科技"),
    ("丽水市莲都区晨光阀门厂有限公司", "晨光阀门厂"),
    ("浙江晶睿电子科技有限公司", "晶睿电子科技"),
    ("上海某某集团有限公司", "某某"),
    ("景宁畲族自治县某某有限责任公司", "某某"),
    ("某某(中国)有限公司", "某某"),
    ("某某(有限合伙)", "某某"),
    ("Acme Robotics Co., Ltd.", "acmerobotics"),
    ("Acme Group", "acme"),
    ("Disco", "disco"),  # a word that ends in "co" keeps it
    ("丽水", "丽水"),  # never stripped down to nothing
    ("浙江省", "浙江省"),
    ("有限公司", "有限公司"),
])
def test_core(name, wanted):
    assert core(name) == wanted


def test_core_and_region_is_core_and_region_of():
    """The name index's one pass gives what the two functions give, on every name of the
    look-alike corpus and of the seeds, and on names that cut, bracket and nest regions."""
    from helpers import SEEDS

    names = {n for case in CORPUS for p in (case["party"], *case["known"])
             for n in (*p.get("names", ()), *p.get("full_names", ()))}
    names |= set(re.findall(r"(?:label|label_en|aliases|aliases_en): *\[?([^\]\n]+)",
                            "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.yaml"))))
    names |= {"浙江（丽水）晶睿电子 Co., Ltd.", "Disco Co., Ltd. (Lishui)", "（丽水）（缙云）某某",
              "丽水市莲都区（杭州）某某有限公司", "某某 Co., Ltd. 浙江", "某某 Co., Ltd. (丽水)",
              "丽水 Co., Ltd.", " ", "", "((丽水))"}
    assert len(names) > 300
    for name in names:
        assert core_and_region(name) == (core(name), region_of(name)), name


def test_region_of_and_parse_region():
    assert region_of("丽水市莲都区某某有限公司") == "莲都"
    assert region_of("某某（丽水）有限公司") == "丽水"
    assert region_of("某某(中国)有限公司") is None  # a country, not a region of the table
    assert parse_region("浙江省丽水市") == "丽水" and parse_region(" 丽水 ") == "丽水"
    assert parse_region(None) is None and parse_region(" ") is None
    assert same_region("缙云", "浙江") and not same_region("缙云", "温州")
    assert same_region("lishui", "lishui") and not same_region("lishui", "丽水")


@pytest.mark.parametrize("text, wanted", [
    ("半导体材料", {"semiconductor"}),
    ("计算机、通信和其他电子设备制造业", {"semiconductor", "electronics"}),
    ("化学原料和化学制品制造业", {"chemicals"}),
    ("氟化工", {"chemicals"}),
    ("医疗器械", {"medical"}),
    ("医药制造业", {"pharma"}),
    ("智能控制阀门", {"machinery"}),
    ("汽车零部件", {"automotive"}),
    ("家用电器", {"electrical"}),
    ("核技术应用", {"nuclear"}),
    ("纺织业", {"textiles"}),
    ("农副食品加工业", {"food"}),
    ("", set()),
    ("党建", set()),
])
def test_sectors_of(text, wanted):
    assert sectors_of(text) == wanted


def test_the_five_issue_pairs_have_disjoint_sectors():
    for a, b in [("半导体硅片", "氟化工"), ("阀门", "汽车制动"), ("医疗器械", "新材料"),
                 ("家用电器", "核技术应用"), ("自动化", "肉制品")]:
        assert sectors_of(a) and sectors_of(b) and not sectors_of(a) & sectors_of(b), (a, b)


def test_is_full_name():
    assert is_full_name("同创(丽水)特种材料有限公司") and is_full_name("Acme Co., Ltd.")
    assert not is_full_name("同创特材") and not is_full_name("有限公司") and not is_full_name("Disco")


# --- unified social credit codes (GB 32100-2015) --------------------------------------------------

MADE_UP = "91331100000000000"  # a made-up prefix, not any firm's code


def test_the_check_character_by_hand():
    # weights 1,3,9,27,19,26 over 9,1,3,3,1,1 and 0 elsewhere: 9+3+27+81+19+26 = 165;
    # 165 mod 31 = 10; 31 - 10 = 21, the 22nd character of 0-9A-HJ-NP-RTUWXY: 'M'.
    assert credit_check_character(MADE_UP) == "M"
    # the last weight is 28: one more at position 17 gives 193 mod 31 = 7, 31 - 7 = 24: 'Q'.
    assert credit_check_character(MADE_UP[:16] + "1") == "Q"
    # a sum that is a multiple of 31 gives check 31, written '0'
    assert credit_check_character("0" * 17) == "0"


def test_a_valid_code_and_every_single_change_of_it_is_caught():
    code = MADE_UP + credit_check_character(MADE_UP)
    assert credit_code_problem(code) is None
    missed = []
    for i, c in itertools.product(range(18), CREDIT_ALPHABET):
        changed = code[:i] + c + code[i + 1:]
        if changed != code and credit_code_problem(changed) is None:
            missed.append(changed)
    assert missed == []


def test_credit_code_problems_are_short_and_say_what():
    code = MADE_UP + "M"
    assert credit_code_problem(code[:-1] + "N") == "check character should be 'M', not 'N'"
    assert credit_code_problem(code[:-1]) == "must be 18 characters, not 17"
    assert credit_code_problem(code + "0") == "must be 18 characters, not 19"
    assert credit_code_problem(code[:9] + "I" + code[10:]).startswith("character 10 'I' is not allowed")
    assert credit_code_problem(code.lower()).startswith("character 18 'm' is not allowed")
    assert credit_code_problem("91A31100000000000" + "0").startswith("characters 3-8 (the region code)")


def test_code_key():
    assert code_key("688126") == code_key("688126.SH") == code_key("sh688126") == ("stock", "688126")
    assert code_key("９１331100000000000M")[0] == "credit"
    assert code_key("HK0700") == ("other", "HK0700")


def test_where_the_seeds_place_a_firm_corroborates_a_city_never_contradicts():
    """A firm with a plant in 丽水经开区 (`located` 丽水): a list row in 丽水市 corroborates its
    short name; a province alone (浙江…) does not; a row in 杭州 is no contradiction, since a
    firm may be registered elsewhere, but nothing corroborates it either."""
    m = Matcher([Profile("jingrui", ("晶睿电子",), located="丽水")])
    city = m.match(Profile("r", ("晶睿电子",), region="丽水市"))
    assert (city.status, city.evidence[-1]) == ("accepted", "located in the same region 丽水")
    assert m.match(Profile("r", ("浙江晶睿电子科技有限公司",))).status == "review"
    elsewhere = m.match(Profile("r", ("晶睿电子",), region="杭州市"))
    assert elsewhere.status == "review"
    assert not any("differ" in e for e in elsewhere.evidence)
