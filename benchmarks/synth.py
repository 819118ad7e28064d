"""Generate a synthetic, province-sized seed tree that `kg check` and `kg build` accept.

Every name is obviously synthetic (合成园区001号, 合成企业00001号); every fact quotes a sentence
of a generated source text (sources/*.txt) verbatim. Deterministic: the same arguments and
seed give the same bytes.

    python benchmarks/synth.py --parks 200 --companies 100000 --out /tmp/synth-seeds [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from pathlib import Path

COMPANIES_PER_ARTICLE = 25  # small articles keep the loader's quote search cheap
COMPANIES_PER_FILE = 1000  # under MAX_SEED_BYTES: about 100 files for a province
MAX_SEED_BYTES = 1 << 20  # synth.py's own bound per file (the loader takes up to 256 MiB)
CHAINS = 6
HONOURS = [  # (id, label, level, awarding body id)
    ("synth-honour-national", "合成国家级专精特新小巨人企业", "national", "synth-body-ministry"),
    ("synth-honour-provincial", "合成省级专精特新中小企业", "provincial", "synth-body-province"),
    ("synth-honour-municipal", "合成市级科技型企业", "municipal", "synth-body-city"),
]
BODIES = [("synth-body-ministry", "合成工业和信息化部"), ("synth-body-province", "合成省经济和信息化厅"),
          ("synth-body-city", "合成市科学技术局")]
YEARS = range(2019, 2025)
REPORTERS = 4


_PLAIN = re.compile(r"[a-z][a-z0-9-]*")  # ids and keys: safe unquoted, and shorter


def _s(text: str) -> str:
    """A YAML scalar: plain for ids, else double-quoted (JSON is valid YAML)."""
    if _PLAIN.fullmatch(text) and text not in ("null", "true", "false", "yes", "no", "on", "off"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(rec: dict) -> str:
    parts = []
    for key, value in rec.items():
        if isinstance(value, dict):
            value = _flow(value)
        elif isinstance(value, list):
            value = "[" + ", ".join(_s(v) if isinstance(v, str) else str(v) for v in value) + "]"
        elif isinstance(value, str):
            value = _s(value)
        elif value is None:
            value = "null"  # only a page's newspaper and date: not printed
        parts.append(f"{key}: {value}")
    return "{" + ", ".join(parts) + "}"


class _Page:
    """One archived source text and the seeds file that cites it."""

    def __init__(self, name: str):
        self.name = name
        self.lines: list[str] = []
        self.articles: list[dict] = []
        self.entities: list[dict] = []
        self.facts: list[dict] = []
        self.current = ""

    def article(self, ident: str, title: str, reporter: int) -> None:
        byline = f"合成报讯(记者 合成记者{reporter:02d}号)"
        self.lines += ["", title, byline]
        self.articles.append({"id": ident, "page": self.name, "lines": [len(self.lines) - 1, len(self.lines)],
                              "title": title, "byline": byline,
                              "reporters": [f"synth-reporter-{reporter:02d}"]})
        self.current = ident

    def say(self, sentence: str) -> None:
        self.lines.append(sentence)
        self.articles[-1]["lines"][1] = len(self.lines)

    def entity(self, ident: str, etype: str, label: str, quote: str, **extra) -> None:
        self.entities.append({"id": ident, "type": etype, "label": label, **extra,
                              "source": self.current, "quote": quote})

    def fact(self, subject: str, relation: str, quote: str, **rest) -> None:
        self.facts.append({"subject": subject, "relation": relation, **rest,
                           "source": self.current, "quote": quote})

    def yaml(self) -> str:
        out = [f"# Synthetic seeds (benchmarks/synth.py): page {self.name}. Not real data.",
               "pages:",
               "  - " + _flow({"id": self.name, "label": f"合成新闻版面{self.name}",
                               "file": f"sources/{self.name}.txt", "newspaper": None,
                               "date": None}),
               "articles:"]
        out += ["  - " + _flow(a) for a in self.articles]
        out.append("entities:")
        out += ["  - " + _flow(e) for e in self.entities]
        if self.facts:
            out.append("facts:")
            out += ["  - " + _flow(f) for f in self.facts]
        return "\n".join(out) + "\n"

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _common(rnd: random.Random) -> tuple[_Page, list[tuple[str, list[str]]]]:
    """Bodies, reporters, honours with their lists, chains with segments, fields."""
    page = _Page("synth-common")
    page.article("synth-common-a1", "合成省产业园区概况(合成数据)", 1)
    for n in range(1, REPORTERS + 1):
        label = f"合成记者{n:02d}号"
        page.say(f"本文由{label}采写。")
        page.entity(f"synth-reporter-{n:02d}", "Person", label, f"本文由{label}采写")
    for ident, label in BODIES:
        page.say(f"{label}是合成数据中的发布机构。")
        page.entity(ident, "PublicBody", label, f"{label}是合成数据中的发布机构")
    for ident, label, level, body in HONOURS:
        page.say(f"“{label}”由{dict(BODIES)[body]}评定。")
        page.entity(ident, "Honour", label, f"“{label}”由{dict(BODIES)[body]}评定", level=level)
        for batch, year in enumerate(YEARS, 1):
            lst = f"{ident}-list-{year}"
            name = f"第{batch}批{label}名单"
            page.say(f"{year}年,{dict(BODIES)[body]}公布{name}。")
            page.entity(lst, "HonourList", name, name)
            page.fact(lst, "listOf", f"{year}年,{dict(BODIES)[body]}公布{name}",
                      object=ident, batch=batch, year=year)
            page.fact(lst, "publishedBy", f"{dict(BODIES)[body]}公布{name}", object=body,
                      year=year, stage="published")
    chains = []
    for c in range(1, CHAINS + 1):
        label = f"合成产业链{c:02d}"
        segs = [f"合成环节{c:02d}{s}" for s in "甲乙丙丁戊己"[:rnd.randint(4, 6)]]
        seg_text = "、".join(segs)
        page.say(f"{label}包括“{seg_text}”等环节,由上游到下游。")
        ids = [f"synth-chain-{c:02d}-seg-{i}" for i in range(1, len(segs) + 1)]
        page.entity(f"synth-chain-{c:02d}", "IndustryChain", label, f"{label}包括“{seg_text}”",
                    segments=ids)
        for ident, seg in zip(ids, segs):
            page.entity(ident, "ChainSegment", seg, f"“{seg_text}”")
        chains.append((f"synth-chain-{c:02d}", ids))
        field = f"合成应用领域{c:02d}"
        page.say(f"{label}的产品应用于{field}。")
        page.entity(f"synth-field-{c:02d}", "ApplicationField", field, f"应用于{field}")
    return page, chains


def generate(parks: int = 200, companies: int = 100_000, out: str | Path = "synth-seeds",
             seed: int = 1) -> dict:
    """Write the seed tree under `out`; return counts. Same arguments, same bytes."""
    if parks < 1 or companies < parks:
        raise ValueError("need at least one park and at least one company per park")
    rnd = random.Random(seed)
    out = Path(out)
    if any(out.glob("*.yaml")):  # stale files of another run would define ids twice
        raise ValueError(f"{out} already holds seeds; give an empty or new folder")
    (out / "sources").mkdir(parents=True, exist_ok=True)
    common, chains = _common(rnd)
    files = max(math.ceil(parks / 2), math.ceil(companies / COMPANIES_PER_FILE))
    pages = [_Page(f"synth-page-{f + 1:03d}") for f in range(files)]
    cw = max(5, len(str(companies)))
    per_park = [companies // parks + (1 if p < companies % parks else 0) for p in range(parks)]
    first = 0
    counts = {"parks": parks, "sub_parks": 0, "companies": companies, "products": 0,
              "honours": 0, "figures": 0}
    for p in range(1, parks + 1):
        page = pages[(p - 1) * files // parks]
        park, pname = f"synth-park-{p:03d}", f"合成园区{p:03d}号"
        page.article(f"{park}-intro", f"{pname}发展纪实(合成数据)", rnd.randint(1, REPORTERS))
        short = f"合成{p:03d}园"
        page.say(f"{pname}(简称{short})是一个合成的产业园区。")
        page.entity(park, "Park", pname, f"{pname}(简称{short})是一个合成的产业园区",
                    label_en=f"Synthetic Park {p:03d}", aliases=[short])
        body = f"{park}-committee"
        page.say(f"{pname}管委会负责园区的管理。")
        page.entity(body, "PublicBody", f"{pname}管委会", f"{pname}管委会负责园区的管理")
        page.fact(body, "administers", f"{pname}管委会负责园区的管理", object=park)
        opened = rnd.randint(2000, 2019)
        page.say(f"{pname}于{opened}年正式开园。")
        page.fact(park, "openedIn", f"{pname}于{opened}年正式开园", value=opened)
        subs = []
        for s in range(1, rnd.randint(1, 3)):
            sub, sname = f"{park}-sub-{s}", f"{pname}第{s}分园"
            page.say(f"{sname}是{pname}的一部分。")
            page.entity(sub, "Park", sname, f"{sname}是{pname}的一部分",
                        label_en=f"Synthetic Park {p:03d}, Sub-park {s}")
            page.fact(sub, "partOf", f"{sname}是{pname}的一部分", object=park)
            subs.append((sub, sname))
            counts["sub_parks"] += 1
        park_chains = rnd.sample(chains, 2)
        for chain, _ in park_chains:
            clabel = f"合成产业链{chain[-2:]}"
            page.say(f"{pname}着力培育{clabel}。")
            page.fact(park, "developsChain", f"{pname}着力培育{clabel}", object=chain)
        n = per_park[p - 1]
        shown = n // 10 * 10
        if shown and shown < n:
            page.say(f"截至目前,{pname}入园企业超{shown}家。")
            page.fact(park, "residentEnterpriseCount", f"{pname}入园企业超{shown}家",
                      quantity={"amount": shown, "unit": "家", "qualifier": "more-than"},
                      as_of="截至目前")
        else:
            page.say(f"截至目前,{pname}入园企业共{n}家。")
            page.fact(park, "residentEnterpriseCount", f"{pname}入园企业共{n}家",
                      quantity={"amount": n, "unit": "家"}, as_of="截至目前")
        invest = rnd.randint(10, 500)
        page.say(f"{pname}累计完成总投资约{invest}亿元。")
        page.fact(park, "totalInvestment", f"{pname}累计完成总投资约{invest}亿元",
                  quantity={"amount": invest, "unit": "亿元", "qualifier": "about"})
        area = rnd.randint(5, 300)
        page.say(f"{pname}标准厂房建筑面积{area}万平方米以上。")
        page.fact(park, "floorArea", f"{pname}标准厂房建筑面积{area}万平方米以上",
                  quantity={"amount": area, "unit": "万平方米", "qualifier": "or-more"},
                  scope="标准厂房")
        counts["figures"] += 3
        honoured = 0
        for start in range(0, n, COMPANIES_PER_ARTICLE):
            idx = first + start
            cpage = pages[idx * files // companies]
            cpage.article(f"{park}-companies-{start // COMPANIES_PER_ARTICLE + 1}",
                          f"{pname}企业名录之{start // COMPANIES_PER_ARTICLE + 1}(合成数据)",
                          rnd.randint(1, REPORTERS))
            for k in range(idx, min(first + n, idx + COMPANIES_PER_ARTICLE)):
                honoured += _company(cpage, rnd, k + 1, cw, park, pname, subs, park_chains,
                                     counts)
        first += n
        if honoured:
            # the summary sentence closes the park's last company article
            cpage.say(f"其中{honoured}家企业获评合成荣誉。")
            cpage.fact(park, "honouredEnterpriseCount", f"其中{honoured}家企业获评合成荣誉",
                       quantity={"amount": honoured, "unit": "家"})
            counts["figures"] += 1
    _write(out / "sources.yaml", _sources_yaml())
    written = [common] + pages
    for page in written:
        _write(out / "sources" / f"{page.name}.txt", page.text())
        _write(out / f"{page.name}.yaml", page.yaml())
    counts["files"] = len(written) + 1
    counts["articles"] = sum(len(p.articles) for p in written)
    counts["entities"] = sum(len(p.entities) for p in written)
    counts["facts"] = sum(len(p.facts) for p in written)
    return counts


def _company(page: _Page, rnd: random.Random, k: int, cw: int, park: str, pname: str,
             subs: list, park_chains: list, counts: dict) -> int:
    """One company's sentences and facts; 1 if it holds an honour."""
    co, name = f"synth-co-{k:0{cw}d}", f"合成企业{k:0{cw}d}号"
    year = rnd.randint(2000, 2024)
    where, wname = (park, pname) if not subs or rnd.random() < 0.5 else rnd.choice(subs)
    page.say(f"{name}于{year}年落户{wname}。")
    page.entity(co, "Company", name, f"{name}于{year}年落户{wname}")
    if where == park:
        page.fact(co, "settledIn", f"{name}于{year}年落户{wname}", object=park, year=year)
    else:
        page.fact(co, "locatedIn", f"{name}于{year}年落户{wname}", object=where, year=year)
    chain, segs = rnd.choice(park_chains)
    if rnd.random() < 0.8:
        s = rnd.randrange(len(segs))
        seg_label = f"合成环节{chain[-2:]}{'甲乙丙丁戊己'[s]}"
        page.say(f"{name}位于{seg_label}环节。")
        page.fact(co, "inSegment", f"{name}位于{seg_label}环节", object=segs[s])
    if rnd.random() < 0.05:
        page.say(f"{name}是合成产业链{chain[-2:]}的龙头企业。")
        page.fact(co, "leadingEnterpriseIn", f"{name}是合成产业链{chain[-2:]}的龙头企业",
                  object=chain)
    if rnd.random() < 0.3:
        prod, plabel = f"synth-product-{k:0{cw}d}", f"合成产品{k:0{cw}d}号"
        field = f"合成应用领域{chain[-2:]}"
        page.say(f"{name}生产{plabel},应用于{field}。")
        page.entity(prod, "Product", plabel, f"{name}生产{plabel}")
        page.fact(co, "makes", f"{name}生产{plabel}", object=prod)
        page.fact(prod, "appliedIn", f"{plabel},应用于{field}",
                  object=f"synth-field-{chain[-2:]}")
        counts["products"] += 1
    if rnd.random() < 0.05:
        page.say(f"{pname}与{name}开展合作。")
        page.fact(park, "partner", f"{pname}与{name}开展合作", object=co)
    if rnd.random() < 0.15:
        share = rnd.randint(10, 95)
        page.say(f"{name}的产品{share}%以上出口海外。")
        page.fact(co, "exportShare", f"{name}的产品{share}%以上出口海外",
                  quantity={"amount": share, "unit": "%", "qualifier": "or-more"})
        counts["figures"] += 1
    if rnd.random() < 0.25:
        hid, hlabel, _, body = rnd.choice(HONOURS)
        batch = rnd.randrange(len(YEARS))
        hyear = YEARS[batch]
        bname = dict(BODIES)[body]
        text = f"{name}于{hyear}年入选{bname}公布的第{batch + 1}批{hlabel}名单"
        page.say(text + "。")
        page.fact(co, "hasHonour", text, object=hid, year=hyear, batch=batch + 1,
                  awarded_by=body, list=f"{hid}-list-{hyear}", stage="published")
        counts["honours"] += 1
        return 1
    return 0


def _sources_yaml() -> str:
    return ("# Synthetic seeds (benchmarks/synth.py). Each synth-*.yaml holds its own page,\n"
            "# articles, entities and facts; this file marks the folder as a seeds folder.\n"
            "entities: []\n")


def _write(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if path.suffix == ".yaml" and len(data) > MAX_SEED_BYTES:
        raise ValueError(f"{path} would be {len(data):,} bytes, over synth.py's 1 MiB per file; "
                         "use more parks")
    path.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parks", type=int, default=200)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--out", required=True, help="folder to write the seeds into")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = generate(args.parks, args.companies, args.out, args.seed)
    except ValueError as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    size = sum(f.stat().st_size for f in Path(args.out).rglob("*") if f.is_file())
    print(", ".join(f"{k} {v:,}" for k, v in counts.items())
          + f"; {size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
