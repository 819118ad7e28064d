#!/usr/bin/env python3
"""Independent generator of a synthetic province's seed tree (written from seeds/README.md only).

    python benchmarks/synth_independent.py --companies N --parks P --out DIR [--seed S]

A second generator, written from seeds/README.md and the example seeds alone, without reading
benchmarks/synth.py: it checks that today's seed format stays valid input under another shape
and another writing style (issue 9). tests/test_synth.py builds and validates a small tree.

Everything is synthetic (合成 prefixes). Every entity and fact cites an article of an archived page
(sources/*.txt) or a row of an archived table (sources/*.csv) and quotes it verbatim.

Shape (unlike a uniform generator): Zipf-sized parks, sub-parks nested up to four levels below a
top park, sites and platforms, companies in several parks, heavy-tailed honours per company,
table-sourced honour lists (CSV, some GB18030, some with title lines and multi-line cells),
identity facts from huge registry pages, projects with investments, figures with qualifiers.
Files are laid out by region and by kind (not one file per park).
Standard library only; deterministic for a seed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
import shutil
import sys
import time
from pathlib import Path

MARKER = ".indep-synth"

# ----------------------------------------------------------------------------- helpers

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return first17 + CREDIT_ALPHABET[(31 - total % 31) % 31]


CN_NUM = "一二三四五六七八九十"
_PLAIN_OK = re.compile(r"^[\u4e00-\u9fff“”（）、，。·《》：；0-9A-Za-z()\-]+$")
_NUMERIC = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$|^0[xob]", re.I)
_SPECIAL = {"null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE",
            "yes", "no", "on", "off", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF", "y", "n"}


def sc(v) -> str:
    """A YAML scalar: plain where safe, else double-quoted (JSON is valid YAML here)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        raise TypeError(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    s = str(v)
    if (_PLAIN_OK.match(s) and not _NUMERIC.match(s) and s not in _SPECIAL
            and not s[0].isdigit() and s[0] not in "-:："):
        return s
    return json.dumps(s, ensure_ascii=False)


def _value(v) -> str:
    if isinstance(v, dict):
        return flow(v)
    if isinstance(v, list):
        return f"[{', '.join(sc(x) for x in v)}]"
    return sc(v)


def flow(d: dict) -> str:
    return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in d.items()) + "}"


def block(d: dict, indent: str) -> str:
    return "\n".join(f"{indent}{'- ' if i == 0 else '  '}{k}: {_value(v)}"
                     for i, (k, v) in enumerate(d.items()))


def zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


# ----------------------------------------------------------------------------- sources

class Article:
    def __init__(self, aid, title, byline, reporters, correspondents=(), subtitle=None,
                 kicker=None, note=None):
        self.id, self.title, self.byline = aid, title, byline
        self.reporters, self.correspondents = list(reporters), list(correspondents)
        self.subtitle, self.kicker, self.note = subtitle, kicker, note
        self.paras: list[list[str]] = [[]]
        self.chars = 0
        self.lines = None
        self.page = None

    def say(self, sentence: str) -> str:
        assert not any(ch.isspace() for ch in sentence), sentence
        self.paras[-1].append(sentence)
        self.chars += len(sentence)
        return sentence

    def para(self):
        if self.paras[-1]:
            self.paras.append([])


def q(sentence: str, part: str | None = None) -> str:
    """The quote: `part` (or the sentence without its final stop), checked to stand in it."""
    if part is None:
        part = sentence.rstrip("。")
    assert part in sentence, (part, sentence)
    return part


class Page:
    def __init__(self, pid, label, file, newspaper, date, width, label_en=None, note=None,
                 inferred_year=None):
        self.id, self.label, self.file, self.newspaper, self.date = pid, label, file, newspaper, date
        self.width, self.label_en, self.note, self.inferred_year = width, label_en, note, inferred_year
        self.articles: list[Article] = []
        self.chars = 0

    def add(self, art: Article):
        art.page = self
        self.articles.append(art)

    def render(self, rng: random.Random) -> str:
        lines = [f"{self.newspaper or self.label}", ""]
        for art in self.articles:
            first = len(lines) + 1
            if art.kicker:
                lines.append(art.kicker)
            lines.append(art.title)
            if art.subtitle:
                lines.append("")
                lines.append(art.subtitle)
            lines.append("")
            for i, para in enumerate(art.paras):
                if not para:
                    continue
                text = "".join(para)
                if i == 0:
                    text = art.byline + text
                w = self.width + rng.randint(-6, 6)
                # break lines mid-sentence, as a printed page does
                for k in range(0, len(text), w):
                    lines.append(text[k:k + w])
                lines.append("")
            while lines and lines[-1] == "":
                lines.pop()
            art.lines = (first, len(lines))
            lines.append("")
            lines.append("")
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- the generator

REGION_CHARS = list("澜岫沅琨渟峤珣泓岚琛湄砚璟汀崟瀚溆珞峄漪")
PLACE_WORDS = ["东湖", "西城", "南港", "北岭", "滨江", "临港", "青山", "白沙", "金溪", "云岭", "石门",
               "松阳", "柳塘", "梅川", "桂坞", "枫桥", "竹屿", "荷塘", "杉洲", "栖霞", "鹤鸣", "龙泉",
               "凤岗", "玉屏", "银湾", "翠微", "丹崖", "碧波", "紫薇", "蓝田"]
PARK_KINDS = ["经济技术开发区", "高新技术产业开发区", "工业园区", "产业园", "智造园", "科创园",
              "小微企业园", "临港产业区"]
SUB1 = ["智造园", "科创园", "数字园", "生命园", "绿能园", "材料园", "临港园", "滨江园", "未来园",
        "青年园", "国际园", "双创园"]
SUB3 = list("甲乙丙丁戊己")
CORE_CHARS = list("澄晖铭卓睿恒拓昊宸瑞锐凯骏朗晟泰鼎嘉翔禾璞琪瑾煜烁曦钧铂钜汇启弘源坤乾岳"
                  "霖沐旭昕茂森林峰岩灏湛淼珩璇瀚骁奕霆霄霁翊昱晔朔彦雍溢浩澈")
SURNAMES = list("陈林周吴郑王李张刘黄徐孙胡朱高何罗梁宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任沈")
GIVEN = list("霁汀岚澈钧翊昕珩璟琛岫沅漪峄颀旻暄朗湘棠筠蘅苒芃")

CHAINS = [
    ("chip", "合成芯材产业链", "合成半导体产业", ["合成硅料", "合成晶圆", "合成芯片设计", "合成封装测试", "合成终端应用"],
     ["电子", "芯材", "微电", "半导"], ["晶圆片", "功率芯片", "封装基板", "溅射靶材"]),
    ("nev", "合成新能源汽车产业链", "合成新能源产业", ["合成电池材料", "合成电芯", "合成电驱系统", "合成整车", "合成充换电"],
     ["新能", "动力", "储能", "电驱"], ["锂电池电芯", "电驱总成", "充电桩", "正极材料"]),
    ("bio", "合成生物医药产业链", "合成生物医药产业", ["合成原料药", "合成制剂", "合成医疗器械", "合成医药流通"],
     ["医药", "生物", "药业", "医疗"], ["缓释片", "诊断试剂", "输液器", "原料药"]),
    ("equip", "合成高端装备产业链", "合成装备制造产业", ["合成基础零部件", "合成数控系统", "合成工业母机", "合成智能产线", "合成运维服务", "合成再制造"],
     ["机械", "装备", "精工", "数控"], ["滚珠丝杠", "数控机床", "工业阀门", "减速器"]),
    ("mat", "合成新材料产业链", "合成新材料产业", ["合成单体", "合成改性材料", "合成复合材料", "合成材料回收"],
     ["新材", "材料", "化学", "高分子"], ["改性塑料", "碳纤维板", "特种涂料", "氟硅胶"]),
    ("tex", "合成时尚纺织产业链", "合成纺织服装产业", ["合成纤维", "合成面料", "合成印染", "合成服装", "合成品牌零售"],
     ["纺织", "织造", "服饰", "印染"], ["功能面料", "再生纤维", "羽绒服", "提花布"]),
    ("digi", "合成数字信息产业链", "合成数字经济产业", ["合成传感器", "合成通信模组", "合成工业软件", "合成数据服务"],
     ["数码", "智联", "信息", "软件"], ["温湿度传感器", "物联网模组", "工业软件", "边缘网关"]),
    ("food", "合成绿色食品产业链", "合成食品产业", ["合成种养殖", "合成食品加工", "合成冷链物流"],
     ["食品", "农业", "生态", "茶业"], ["有机茶", "速冻食品", "果蔬汁", "预制菜"]),
]
FIELDS = [("consumer", "合成消费电子"), ("auto", "合成汽车电子"), ("health", "合成医疗健康"),
          ("aero", "合成航空航天"), ("home", "合成智能家居"), ("storage", "合成储能")]
MARKETS = [("asean", "合成东盟市场"), ("europe", "合成欧洲市场"), ("mideast", "合成中东市场"),
           ("namerica", "合成北美市场"), ("africa", "合成非洲市场")]
INITIATIVES = [("chain-chief", "合成“链长制”"), ("per-mu", "合成“亩均论英雄”改革"),
               ("double-attract", "合成“双招双引”"), ("cage-bird", "合成“腾笼换鸟”"),
               ("digital-reform", "合成“数字化改革”")]
# honour key, label, level, body key, first year, table?, batches?
HONOURS = [
    ("nat-little-giant", "合成国家级专精特新“小巨人”企业", "national", "nat-miit", 2019, True, True),
    ("nat-hte", "合成国家高新技术企业", "national", "nat-most", 2015, True, False),
    ("nat-champion", "合成国家级制造业单项冠军", "national", "nat-miit", 2016, False, True),
    ("prov-specialised", "合成省级专精特新中小企业", "provincial", "prov-econ", 2017, True, True),
    ("prov-innovative", "合成省级创新型中小企业", "provincial", "prov-econ", 2020, True, False),
    ("prov-hidden", "合成省“隐形冠军”企业", "provincial", "prov-econ", 2016, False, True),
    ("prov-techsme", "合成省科技型中小企业", "provincial", "prov-sci", 2015, True, False),
    ("prov-made", "合成“品字标”制造精品", "provincial", "prov-market", 2018, False, True),
    ("muni-growth", "合成市级成长型企业", "municipal", "region-econ", 2015, False, False),
    ("muni-quality", "合成市长质量奖", "municipal", "region-econ", 2016, False, False),
]
PARK_HONOURS = [("nat-green-park", "合成国家级绿色工业园区", "national", "nat-miit"),
                ("prov-micro-park", "合成省级小微企业园", "provincial", "prov-econ"),
                ("prov-chain", "合成省级标志性产业链", "provincial", "prov-econ")]
YEARS = list(range(2015, 2026))
FACILITIES = ["人才公寓", "职工食堂", "共享实验室", "污水处理站", "公共检测中心", "展示中心", "智慧停车场"]
FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
EXCHANGES = [("XSHG", "上交所"), ("XSHE", "深交所"), ("BJSE", "北交所"), ("XHKG", "港交所")]


class Gen:
    def __init__(self, n_companies: int, n_parks: int, seed: int):
        self.N, self.P, self.seed = n_companies, n_parks, seed
        self.rng = random.Random(seed)
        self.buckets: dict[str, dict[str, list]] = {}  # file key -> {section: [records]}
        self.pages: list[Page] = []
        self.tables: list[dict] = []  # {id, file, rows, title, header, encoding, yaml...}
        self.stats: dict[str, int] = {}
        self.labels_used: set[str] = set()
        self.ids: set[str] = set()
        self.fact_keys: set[tuple] = set()

    # -- records ---------------------------------------------------------------------------
    def count(self, key, n=1):
        self.stats[key] = self.stats.get(key, 0) + n

    def ent(self, bucket, ident, etype, label, art, quote, **extra):
        assert ident not in self.ids, ident
        self.ids.add(ident)
        rec = {"id": ident, "type": etype, "label": label}
        for k in ("label_en", "aliases", "level", "segments", "note"):
            if k in extra and extra[k] is not None:
                rec[k] = extra[k]
        self._cite(rec, art, quote)
        self.buckets.setdefault(bucket, {}).setdefault("entities", []).append(rec)
        self.count("entities")
        self.count(f"entity:{etype}")
        return ident

    def _cite(self, rec, src, quote):
        if isinstance(src, tuple):  # (table id, row)
            rec["source"], rec["row"] = src
        else:
            rec["source"] = src.id  # q() checked the quote against the sentence said
        rec["quote"] = quote

    def fact(self, bucket, subject, relation, art, quote, obj=None, value=None, quantity=None,
             **quals):
        rec = {"subject": subject, "relation": relation}
        if obj is not None:
            rec["object"] = obj
        if value is not None:
            rec["value"] = value
        if quantity is not None:
            rec["quantity"] = quantity
        for k, v in quals.items():
            if v is not None:
                rec[k] = v
        self._cite(rec, art, quote)
        key = (subject, relation, obj, str(value), json.dumps(quantity, sort_keys=True),
               tuple(sorted((k, str(v)) for k, v in quals.items() if v is not None and k not in ("note", "inferred"))),
               rec["source"], rec.get("row"))
        assert key not in self.fact_keys, key  # the loader refuses a fact stated twice
        self.fact_keys.add(key)
        # move note/inferred after the quote, as a curator writes them
        for k in ("note", "inferred"):
            if k in rec:
                rec[k] = rec.pop(k)
        self.buckets.setdefault(bucket, {}).setdefault("facts", []).append(rec)
        self.count("facts")
        self.count(f"fact:{relation}")

    def label(self, make) -> str:
        for _ in range(1000):
            s = make()
            if s not in self.labels_used:
                self.labels_used.add(s)
                return s
        raise RuntimeError("cannot make a unique label")

    def person_name(self):
        r = self.rng
        return self.label(lambda: "合成" + r.choice(SURNAMES) + r.choice(GIVEN)
                          + (r.choice(GIVEN) if r.random() < 0.5 else ""))

    # -- pages -----------------------------------------------------------------------------
    def new_page(self, key, label, newspaper, date, width=None):
        n = sum(1 for p in self.pages if p.id.startswith(key + "-p"))
        assert f"{key}-p{n + 1}" not in self.ids
        self.ids.add(f"{key}-p{n + 1}")
        page = Page(f"{key}-p{n + 1}", label + (f"（第{n + 1}版）" if n else ""),
                    f"sources/{key}-p{n + 1}.txt", newspaper, date,
                    width or self.rng.randint(36, 72))
        page.bucket = key
        self.pages.append(page)
        return page

    def place(self, pagekey, art, label, newspaper, limit=900_000):
        """Add `art` to the current page of `pagekey`, starting a new page past `limit` chars."""
        cur = self.current.get(pagekey)
        if cur is None or cur.chars + art.chars > limit:
            date = f"{self.rng.choice(YEARS[-3:])}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}" \
                if self.rng.random() < 0.7 else None
            cur = self.current[pagekey] = self.new_page(pagekey, label, newspaper, date)
        cur.add(art)
        cur.chars += art.chars

    def byline(self, reporters, corr):
        s = "本报讯(记者 " + " ".join(self.person_label[p] for p in reporters)
        if corr:
            s += " 通讯员 " + " ".join(self.person_label[p] for p in corr)
        return s + ")"

    def article(self, aid, title, staff, subtitle=None, kicker=None):
        r = self.rng
        reps = r.sample(staff["reporters"], r.choice([1, 1, 2]))
        corr = r.sample(staff["correspondents"], r.choice([0, 1, 2, 3])) if staff["correspondents"] else []
        art = Article(aid, title, self.byline(reps, corr), reps, corr, subtitle, kicker)
        art.chars += len(title) + len(art.byline)
        assert aid not in self.ids, aid
        self.ids.add(aid)
        self.count("articles")
        for p in reps + corr:
            self.journalist_first.setdefault(p, art)
        return art

    # -- the world -------------------------------------------------------------------------
    def run(self):
        self.current: dict[str, Page] = {}
        self.person_label: dict[str, str] = {}
        self.journalist_first: dict[str, Article] = {}
        self.n_regions = max(2, min(16, round(math.sqrt(self.P))))
        self.regions = []
        for i in range(self.n_regions):
            ch = REGION_CHARS[i]
            rid = f"r{i + 1:02d}"
            reg = {"id": rid, "char": ch, "label": f"合成{ch}州市", "code": f"33{i + 1:02d}00"}
            self.regions.append(reg)
        self.make_staff()
        self.make_catalog()
        self.make_parks()
        self.make_companies()
        self.write_province_articles()
        self.write_parks()
        self.write_companies()
        self.write_honours()
        self.write_identity()
        self.write_products_projects()
        self.write_chains()
        self.write_people()
        self.finish_journalists()

    def make_staff(self):
        self.staff = {}
        for reg in self.regions + [{"id": "prov", "label": "合成省"}]:
            reps, corr = [], []
            for k in range(6):
                pid = f"syn-ps-{reg['id']}-rep{k + 1}"
                self.person_label[pid] = self.person_name()
                reps.append(pid)
            for k in range(5):
                pid = f"syn-ps-{reg['id']}-cor{k + 1}"
                self.person_label[pid] = self.person_name()
                corr.append(pid)
            self.staff[reg["id"]] = {"reporters": reps, "correspondents": corr,
                                     "bucket": f"{reg['id']}-sources" if reg["id"] != "prov" else "sources"}

    def make_catalog(self):
        """Province-wide bodies, honours, chains, industries... (entities written later, from the
        province pages that name them)."""
        self.bodies = {
            "nat-miit": "合成国家工业和信息化部门", "nat-most": "合成国家科学技术部门",
            "prov-econ": "合成省经济和信息化厅", "prov-sci": "合成省科学技术厅",
            "prov-fin": "合成省财政厅", "prov-market": "合成省市场监督管理局",
        }
        for reg in self.regions:
            self.bodies[f"{reg['id']}-econ"] = f"{reg['label']}经济和信息化局"
            self.bodies[f"{reg['id']}-market"] = f"{reg['label']}市场监督管理局"
        self.honours = {h[0]: h for h in HONOURS}

    def body_of(self, honour_key, rid):
        b = self.honours[honour_key][3]
        return f"syn-body-{rid}-econ" if b == "region-econ" else f"syn-body-{b}"

    # -- parks -----------------------------------------------------------------------------
    def make_parks(self):
        r = self.rng
        weights = zipf_weights(self.P, 1.1)
        ranks = list(range(self.P))
        r.shuffle(ranks)
        total = sum(weights)
        self.parks = []  # top parks
        self.nodes = {}  # id -> node (Park or Site)
        regs = [self.regions[i % self.n_regions] for i in range(self.P)]
        r.shuffle(regs)
        for i in range(self.P):
            reg = regs[i]
            label = self.label(lambda: "合成" + reg["char"] + "州" + r.choice(PLACE_WORDS)
                               + r.choice(PARK_KINDS))
            share = weights[ranks[i]] / total
            node = {"id": f"syn-pk-{i + 1:04d}", "type": "Park", "label": label, "region": reg,
                    "share": share, "children": [], "sites": [], "parent": None, "depth": 0,
                    "rank": ranks[i]}
            node["top"] = node
            self.nodes[node["id"]] = node
            self.parks.append(node)
            self.grow(node, share * self.N)
        self.park_weights = [p["share"] for p in self.parks]

    def grow(self, node, expected):
        r = self.rng
        depth = node["depth"]
        if expected > 25 and r.random() < 0.8:
            for s in range(min(3, int(expected // 60) + r.randint(0, 1))):
                sid = f"{node['id']}-s{s + 1}"
                site = {"id": sid, "type": "Site", "label": f"{node['label']}{CN_NUM[s]}号地块",
                        "parent": node, "top": node["top"], "region": node["region"],
                        "children": [], "sites": [], "depth": depth + 1, "share": 0}
                node["sites"].append(site)
                self.nodes[sid] = site
        if depth >= 4 or expected < 30:
            return
        k = min(9 - depth * 2, max(0, int(math.log2(expected / 30))))
        if k <= 0:
            k = 1 if r.random() < 0.5 else 0
        if k == 0:
            return
        raw = [r.paretovariate(1.3) for _ in range(k)]
        tot = sum(raw)
        names = r.sample(SUB1, k) if depth == 0 else None
        for j in range(k):
            if depth == 0:
                lab = node["label"] + names[j]
            elif depth == 1:
                lab = node["label"] + CN_NUM[j] + "期"
            elif depth == 2:
                lab = node["label"] + SUB3[j] + "区块"
            else:
                lab = node["label"] + CN_NUM[j] + "号组团"
            cid = f"{node['id']}-{j + 1}"
            child = {"id": cid, "type": "Park", "label": lab, "parent": node, "top": node["top"],
                     "region": node["region"], "children": [], "sites": [], "depth": depth + 1,
                     "share": raw[j] / tot}
            self.labels_used.add(lab)
            node["children"].append(child)
            self.nodes[cid] = child
            self.grow(child, expected * 0.7 * raw[j] / tot)

    def pick_node(self, top):
        r = self.rng
        node = top
        while True:
            if node["sites"] and r.random() < 0.25:
                return r.choice(node["sites"])
            if not node["children"] or r.random() < 0.3:
                return node
            node = r.choices(node["children"], weights=[c["share"] for c in node["children"]])[0]

    @staticmethod
    def park_of(node):
        """The Park a company settles in: the node itself, or the Park a Site belongs to."""
        return node if node["type"] == "Park" else node["parent"]

    # -- companies -------------------------------------------------------------------------
    def make_companies(self):
        r = self.rng
        self.companies = []
        self.region_count: dict[str, int] = {}
        cum = []
        acc = 0.0
        for w in self.park_weights:
            acc += w
            cum.append(acc)
        for i in range(self.N):
            top = r.choices(self.parks, cum_weights=cum)[0]
            node = self.pick_node(top)
            ci = r.randrange(len(CHAINS))
            chain = CHAINS[ci]
            seg = r.randrange(len(chain[3]))
            word = r.choice(chain[4])
            core = None

            def mk():
                nonlocal core
                core = "".join(r.choice(CORE_CHARS) for _ in range(2 if r.random() < 0.8 else 3))
                return "合成" + core + word + r.choice(["科技", "", "股份", "实业"])
            label = self.label(mk)
            form = r.choice(FORMS)
            legal = (label + form) if r.random() < 0.7 else \
                ("合成" + top["region"]["char"] + "州" + label[2:] + form)
            ri = self.region_count[top["region"]["id"]] = self.region_count.get(top["region"]["id"], -1) + 1
            c = {"i": i, "ri": ri, "id": f"syn-co-{i + 1:06d}", "label": label, "legal": legal, "core": core,
                 "top": top, "node": node, "region": top["region"], "chain": ci, "seg": seg,
                 "segs": [seg], "year": r.randint(1998, 2025), "extra": [], "honours": [],
                 "products": []}
            if r.random() < 0.06 and seg + 1 < len(chain[3]):
                c["segs"].append(seg + 1)
            # several parks / sub-parks
            u = r.random()
            n_extra = 2 if u < 0.015 else (1 if u < 0.09 else 0)
            for _ in range(n_extra):
                other = r.choices(self.parks, cum_weights=cum)[0] if r.random() < 0.7 else top
                extra_node = self.pick_node(other)
                if extra_node is not node and extra_node not in c["extra"]:
                    c["extra"].append(extra_node)
            # honours: heavy tail
            u = r.random()
            k = 0 if u < 0.62 else (r.randint(1, 2) if u < 0.88 else
                                    (r.randint(3, 6) if u < 0.975 else min(40, int(r.paretovariate(0.9) * 6))))
            events = set()
            for _ in range(k * 2):
                if len(events) >= k:
                    break
                h = r.choice(HONOURS)
                if h[0] == "prov-made":
                    continue  # product honour
                y = r.randint(max(h[4], c["year"] if c["year"] > 2015 else 2015), 2025) \
                    if max(h[4], c["year"]) <= 2025 else None
                if y is not None:
                    events.add((h[0], y))
            c["honours"] = sorted(events, key=lambda e: (e[1], e[0]))
            c["registry"] = r.random() < 0.25
            c["code"] = None
            if c["registry"] or r.random() < 0.1:
                body = "".join(r.choice(CREDIT_ALPHABET) for _ in range(9))
                c["code"] = credit_code("91" + top["region"]["code"] + body)
            self.companies.append(c)
        # who sits in each park tree (for the figures)
        self.in_top: dict[str, list] = {p["id"]: [] for p in self.parks}
        for c in self.companies:
            tops = {c["top"]["id"]}
            for e in c["extra"]:
                tops.add(e["top"]["id"])
            for t in sorted(tops):
                self.in_top[t].append(c)

    # -- province-level articles --------------------------------------------------------
    def write_province_articles(self):
        st = self.staff["prov"]
        B = "province-catalog"
        # bodies and honours: one article of the province gazette
        a = self.article("syn-art-prov-honour-system", "合成省企业梯度培育体系介绍", st,
                         subtitle="合成国家、省、市三级荣誉一览")
        body_q = {}
        for key, lab in self.bodies.items():
            if key.startswith("r"):
                continue
            s = a.say(f"{lab}负责相关企业荣誉的认定和管理工作。")
            body_q[key] = q(s, f"{lab}负责相关企业荣誉的认定和管理工作")
        a.para()
        honour_q = {}
        for h in HONOURS + [(p[0], p[1], p[2], p[3], 2015, False, False) for p in PARK_HONOURS]:
            body = self.bodies.get(h[3], "各市经济和信息化局")
            lvl = {"national": "国家级", "provincial": "省级", "municipal": "市级"}[h[2]]
            s = a.say(f"{h[1]}属于{lvl}荣誉，由{body}组织认定，自{h[4]}年起开展。")
            honour_q[h[0]] = q(s, f"{h[1]}属于{lvl}荣誉")
        self.place("prov-gazette", a, "合成省政务公告", "合成省政务公告")
        for key, lab in self.bodies.items():
            if key.startswith("r"):
                continue
            self.ent(B, f"syn-body-{key}", "PublicBody", lab, a, body_q[key])
        for h in HONOURS + [(p[0], p[1], p[2], p[3]) for p in PARK_HONOURS]:
            self.ent(B, f"syn-hon-{h[0]}", "Honour", h[1], a, honour_q[h[0]], level=h[2],
                     label_en=None)
        self.count("honour-types", len(HONOURS) + len(PARK_HONOURS))

        # policy, initiatives, meeting, industries, fields, markets, technologies
        a = self.article("syn-art-prov-policy", "合成省印发专精特新企业培育三年行动计划", st,
                         kicker="推动企业梯度培育")
        s = a.say("合成省经济和信息化厅、合成省财政厅联合印发《合成省专精特新企业培育三年行动计划(2023-2025年)》。")
        pol = "syn-policy-sme-3y"
        self.ent(B, pol, "Policy", "合成省专精特新企业培育三年行动计划", a,
                 q(s, "《合成省专精特新企业培育三年行动计划(2023-2025年)》"))
        for body in ("prov-econ", "prov-fin"):
            self.fact(B, pol, "publishedBy", a, q(s), obj=f"syn-body-{body}", year=2023,
                      stage="published")
        s = a.say("计划自2023年起实施，至2025年止。")
        self.fact(B, pol, "validFrom", a, q(s, "计划自2023年起实施"), value=2023)
        self.fact(B, pol, "validUntil", a, q(s, "至2025年止"), value=2025)
        for h in ("nat-little-giant", "prov-specialised", "prov-innovative"):
            s = a.say(f"计划明确对{self.honours[h][1]}给予重点支持。")
            self.fact(B, pol, "supportsHonour", a, q(s), obj=f"syn-hon-{h}")
        a.para()
        self.init_q = {}
        for key, lab in INITIATIVES:
            s = a.say(f"计划部署深化{lab}，推动资源要素向优质企业集聚。")
            self.ent(B, f"syn-init-{key}", "Initiative", lab, a, q(s, f"深化{lab}"))
            self.fact(B, pol, "deploys", a, q(s, f"计划部署深化{lab}"), obj=f"syn-init-{key}")
        s = a.say("计划聚焦" + "、".join(c[2] for c in CHAINS[:4]) + "等重点产业。")
        a.para()
        for c in CHAINS:
            s2 = a.say(f"{c[2]}是合成省重点培育的产业之一。")
            self.ent(B, f"syn-ind-{c[0]}", "Industry", c[2], a, q(s2, f"{c[2]}是合成省重点培育的产业之一"))
        for c in CHAINS[:4]:
            self.fact(B, pol, "focusesOn", a, q(s), obj=f"syn-ind-{c[0]}",
                      note="The source's list ends with 等; recorded as far as it names.")
        for key, lab in FIELDS:
            s = a.say(f"企业产品广泛应用于{lab}领域。")
            self.ent(B, f"syn-field-{key}", "ApplicationField", lab, a, q(s, f"应用于{lab}领域"))
        for key, lab in MARKETS:
            s = a.say(f"一批企业积极开拓{lab}。")
            self.ent(B, f"syn-mkt-{key}", "MarketRegion", lab, a, q(s, f"积极开拓{lab}"))
        self.place("prov-gazette", a, "合成省政务公告", "合成省政务公告")
        self.policy = pol

        # the province meeting
        a = self.article("syn-art-prov-meeting", "合成省制造业高质量发展大会召开", st)
        s = a.say("合成省制造业高质量发展大会召开，合成省经济和信息化厅主办。")
        self.ent(B, "syn-mtg-prov", "Meeting", "合成省制造业高质量发展大会", a, q(s, "合成省制造业高质量发展大会召开"))
        self.fact(B, "syn-mtg-prov", "heldBy", a, q(s), obj="syn-body-prov-econ")
        name = self.person_name()
        s = a.say(f"合成省经济和信息化厅厅长{name}主持会议并讲话。")
        self.ent(B, "syn-ps-prov-director", "Person", name, a, q(s, f"合成省经济和信息化厅厅长{name}"))
        self.fact(B, "syn-mtg-prov", "chairedBy", a, q(s), obj="syn-ps-prov-director", role="厅长")
        self.fact(B, "syn-ps-prov-director", "holdsPostIn", a, q(s, f"合成省经济和信息化厅厅长{name}"),
                  obj="syn-body-prov-econ", role="厅长")
        for key, lab in INITIATIVES[:3]:
            s = a.say(f"会议部署推进{lab}。")
            self.fact(B, "syn-mtg-prov", "deploys", a, q(s), obj=f"syn-init-{key}")
        self.place("prov-gazette", a, "合成省政务公告", "合成省政务公告")

        # honour lists: one announcement per list (honour with a table, per year)
        self.lists = {}
        for h in HONOURS:
            if not h[5]:
                continue
            for y in YEARS:
                if y < max(h[4], 2017):
                    continue
                batch = y - h[4] + 1
                self.lists[(h[0], y)] = {"id": f"syn-list-{h[0]}-{y}", "batch": batch,
                                         "label": f"{y}年度{h[1]}名单（第{CN_NUM[batch - 1] if batch <= 10 else batch}批）",
                                         "rows": [], "stage": "publicised" if (y % 3 == 0) else "published"}
        # table rows are filled in write_honours; the announcements are written there too.

        # chains: articles of a province chain weekly
        self.chain_arts = {}
        BC = "province-chains"
        for ci, c in enumerate(CHAINS):
            a = self.article(f"syn-art-chain-{c[0]}", f"{c[1]}发展综述", st)
            segs = c[3]
            listing = "“" + "、".join(segs) + "”"
            s = a.say(f"合成省已形成了{listing}{c[1][:-3]}全产业链，集聚效应明显。")
            qq = q(s, f"形成了{listing}{c[1][:-3]}全产业链")
            seg_ids = [f"syn-seg-{c[0]}-{k + 1}" for k in range(len(segs))]
            self.ent(BC, f"syn-chain-{c[0]}", "IndustryChain", c[1], a, qq, segments=seg_ids)
            for k, sl in enumerate(segs):
                self.ent(BC, seg_ids[k], "ChainSegment", sl, a, q(s, listing))
            self.count("chains")
            self.count("segments", len(segs))
            s = a.say(f"{c[1]}关键技术包括{c[4][0]}精密制造工艺、{c[4][1]}绿色工艺和{c[4][2]}数字孪生技术。")
            for k, t in enumerate(["精密制造工艺", "绿色工艺", "数字孪生技术"]):
                lab = f"合成{c[4][k]}{t}"
                self.ent(BC, f"syn-tech-{c[0]}-{k + 1}", "Technology", lab, a,
                         q(s, f"{c[4][k]}{t}"), note="The source writes it without the 合成 prefix.")
            cl = f"合成省{c[2][2:-2]}特色产业集群"
            s = a.say(f"{cl}以{c[2]}为核心，入选合成省特色产业集群名单。")
            self.ent(BC, f"syn-cluster-{c[0]}", "IndustryCluster", cl, a, q(s, f"{cl}以{c[2]}为核心"))
            self.fact(BC, f"syn-cluster-{c[0]}", "clusterIndustry", a, q(s, f"{cl}以{c[2]}为核心"),
                      obj=f"syn-ind-{c[0]}")
            self.fact(BC, f"syn-cluster-{c[0]}", "focusesOn", a, q(s, f"{cl}以{c[2]}为核心"),
                      obj=f"syn-ind-{c[0]}")
            # a sub-cluster (IndustryCluster partOf IndustryCluster)
            sub = f"{cl}{c[3][0][2:]}分集群"
            s = a.say(f"{sub}隶属于{cl}，聚焦{c[3][0]}环节。")
            self.ent(BC, f"syn-cluster-{c[0]}-sub", "IndustryCluster", sub, a, q(s, f"{sub}隶属于{cl}"))
            self.fact(BC, f"syn-cluster-{c[0]}-sub", "partOf", a, q(s, f"{sub}隶属于{cl}"),
                      obj=f"syn-cluster-{c[0]}")
            self.fact(BC, f"syn-cluster-{c[0]}-sub", "focusesOn", a, q(s),
                      obj=f"syn-seg-{c[0]}-1")
            if ci % 3 == 0:
                s = a.say(f"{c[1]}于2023年获评合成省级标志性产业链。")
                self.fact(BC, f"syn-chain-{c[0]}", "hasHonour", a, q(s), obj="syn-hon-prov-chain",
                          year=2023, awarded_by="syn-body-prov-econ")
            s = a.say(f"{c[1]}全面实施合成“链长制”。")
            self.fact(BC, f"syn-chain-{c[0]}", "appliesInitiative", a, q(s), obj="syn-init-chain-chief")
            self.chain_arts[ci] = a
        # chain articles are placed after their company paragraphs are added (write_chains)

    # -- parks --------------------------------------------------------------------------
    def write_parks(self):
        r = self.rng
        self.park_arts = {}
        self.people = 0
        for top in self.parks:
            reg = top["region"]
            rid = reg["id"]
            st = self.staff[rid]
            B = f"{rid}-parks"
            a = self.article(f"syn-art-{top['id'][4:]}-profile", f"{top['label']}：聚链成群谋发展", st)
            self.park_arts[top["id"]] = a
            y0 = r.randint(1992, 2020)
            s = a.say(f"{top['label']}于{y0}年正式开园，位于{reg['label']}。")
            self.ent(B, top["id"], "Park", top["label"], a, q(s, f"{top['label']}于{y0}年正式开园"))
            self.fact(B, top["id"], "openedIn", a, q(s, f"{top['label']}于{y0}年正式开园"), value=y0)
            self.count("parks")
            # bodies and people
            mc = f"{top['id']}-mc"
            pc = f"{top['id']}-pc"
            mcl, pcl = f"{top['label']}管委会", f"{top['label']}党工委"
            s = a.say(f"{mcl}负责园区的开发建设和日常管理。")
            self.ent(B, mc, "PublicBody", mcl, a, q(s, f"{mcl}负责园区的开发建设和日常管理"))
            self.fact(B, mc, "administers", a, q(s), obj=top["id"])
            n1, n2 = self.person_name(), self.person_name()
            s = a.say(f"{pcl}书记{n1}、{pcl}副书记、管委会主任{n2}带队调研园区企业。")
            self.ent(B, pc, "PublicBody", pcl, a, q(s, f"{pcl}书记{n1}"))
            self.ent(B, f"{top['id']}-sec", "Person", n1, a, q(s, f"{pcl}书记{n1}"))
            self.person_label[f"{top['id']}-sec"] = n1
            self.ent(B, f"{top['id']}-dir", "Person", n2, a, q(s, f"{pcl}副书记、管委会主任{n2}"))
            self.people += 2
            self.fact(B, f"{top['id']}-sec", "holdsPostIn", a, q(s, f"{pcl}书记{n1}"), obj=pc, role="党工委书记")
            self.fact(B, f"{top['id']}-dir", "holdsPostIn", a, q(s, f"{pcl}副书记、管委会主任{n2}"),
                      obj=pc, role="党工委副书记")
            self.fact(B, f"{top['id']}-dir", "holdsPostIn", a, q(s, f"{pcl}副书记、管委会主任{n2}"),
                      obj=mc, role="管委会主任")
            a.para()
            # sub-parks and sites, depth first
            stack = [top]
            while stack:
                node = stack.pop()
                for ch in node["children"]:
                    s = a.say(f"{ch['label']}隶属于{node['label']}。")
                    self.ent(B, ch["id"], "Park", ch["label"], a, q(s))
                    self.fact(B, ch["id"], "partOf", a, q(s), obj=node["id"])
                    self.count("sub-parks")
                    self.count(f"sub-parks-depth-{ch['depth']}")
                    stack.append(ch)
                for site in node["sites"]:
                    s = a.say(f"{site['label']}位于{node['label']}，已完成土地平整。")
                    self.ent(B, site["id"], "Site", site["label"], a, q(s, f"{site['label']}位于{node['label']}"))
                    self.fact(B, site["id"], "partOf", a, q(s, f"{site['label']}位于{node['label']}"), obj=node["id"])
                    if r.random() < 0.5:
                        self.fact(B, site["id"], "locatedIn", a, q(s, f"{site['label']}位于{node['label']}"),
                                  obj=node["id"])
                    self.count("sites")
            a.para()
            # figures, with the source's approximations, consistent with the generated data
            comps = self.in_top[top["id"]]
            n = len(comps)
            if n >= 100:
                floor = (n - 1) // 50 * 50
                s = a.say(f"截至目前，{top['label']}入驻企业超{floor}家。")
                self.fact(B, top["id"], "residentEnterpriseCount", a, q(s, f"{top['label']}入驻企业超{floor}家"),
                          quantity={"amount": floor, "unit": "家", "qualifier": "more-than"}, as_of="截至目前")
            elif n > 0:
                s = a.say(f"{top['label']}现有入驻企业{n}家。")
                self.fact(B, top["id"], "residentEnterpriseCount", a, q(s), quantity={"amount": n, "unit": "家"})
            by_h = {}
            for c in comps:
                for h, _y in c["honours"]:
                    by_h.setdefault(h, set()).add(c["i"])
            for h in ("nat-hte", "prov-specialised", "nat-little-giant"):
                if h in by_h and len(by_h[h]) >= 3:
                    k = len(by_h[h])
                    s = a.say(f"园区累计拥有{self.honours[h][1]}{k}家。")
                    self.fact(B, top["id"], "honouredEnterpriseCount", a, q(s),
                              quantity={"amount": k, "unit": "家"}, honour=f"syn-hon-{h}")
            per_chain = {}
            for c in comps:
                per_chain[c["chain"]] = per_chain.get(c["chain"], 0) + 1
            chains = sorted(per_chain, key=lambda x: (-per_chain[x], x))[:3]
            for ci in chains:
                k = per_chain[ci]
                if k >= 20:
                    amt = k // 10 * 10
                    s = a.say(f"其中{CHAINS[ci][1]}相关企业{amt}家以上。")
                    self.fact(B, top["id"], "enterpriseCount", a, q(s, f"{CHAINS[ci][1]}相关企业{amt}家以上"),
                              quantity={"amount": amt, "unit": "家", "qualifier": "or-more"}, scope=CHAINS[ci][1])
            # leading industries, chains, clusters
            if chains:
                inds = [CHAINS[ci][2] for ci in chains]
                s = a.say(f"{top['label']}形成了以{'、'.join(inds)}为主导的产业体系。")
                for rank, ci in enumerate(chains, 1):
                    self.fact(B, top["id"], "leadingIndustry", a, q(s), obj=f"syn-ind-{CHAINS[ci][0]}", rank=rank)
                s2 = a.say(f"园区共有{CN_NUM[len(chains) - 1]}大主导产业。")
                self.fact(B, top["id"], "leadingIndustryCount", a, q(s2),
                          quantity={"amount": len(chains), "unit": "个"})
                s = a.say(f"{top['label']}重点培育{CHAINS[chains[0]][1]}。")
                self.fact(B, top["id"], "developsChain", a, q(s), obj=f"syn-chain-{CHAINS[chains[0]][0]}")
                if top["rank"] < max(3, self.P // 8):
                    ci = chains[0]
                    cl = f"syn-cluster-{CHAINS[ci][0]}"
                    y = r.randint(2020, 2024)
                    role = "核心区" if top["rank"] < 3 else "协同区"
                    s = a.say(f"{y}年，{top['label']}入选{CHAINS[ci][2][2:-2]}特色产业集群{role}，"
                              f"以{CHAINS[ci][3][0]}为特色领域。")
                    self.fact(B, top["id"], "participatesInCluster", a, q(s), obj=cl, year=y, role=role,
                              specialty=CHAINS[ci][3][0], awarded_by="syn-body-prov-econ",
                              batch=y - 2019, stage="recognised")
                    self.fact(B, top["id"], "hasCluster", a, q(s), obj=cl,
                              inferred="入选集群即园区拥有该集群的协同区")
                    s = a.say(f"园区累计入选集群{1 + (top['rank'] < 3)}个。")
                    self.fact(B, top["id"], "clusterSelectionCount", a, q(s),
                              quantity={"amount": 1 + (top["rank"] < 3), "unit": "个"})
            # park honours
            if top["rank"] < self.P // 3 + 1:
                y = r.randint(2018, 2025)
                ph = PARK_HONOURS[top["rank"] % 2]
                s = a.say(f"{y}年，{top['label']}获评{ph[1]}。")
                self.fact(B, top["id"], "hasHonour", a, q(s), obj=f"syn-hon-{ph[0]}", year=y,
                          awarded_by=f"syn-body-{ph[3]}", stage="recognised")
            # investments, area, buildings, facilities, goals
            inv = round(r.lognormvariate(4.0, 0.9), 1)
            qual = r.choice([("超", "more-than"), ("约", "about"), ("高达", "up-to")])
            s = a.say(f"园区累计完成固定资产投资{qual[0]}{inv}亿元。")
            self.fact(B, top["id"], "totalInvestment", a, q(s),
                      quantity={"amount": inv, "unit": "亿元", "qualifier": qual[1]})
            area = round(r.uniform(5, 300), 2)
            s = a.say(f"园区规划面积约{area}万平方米，已建成标准厂房{r.randint(10, 400)}幢以上。")
            m = re.search(r"(\d+)幢以上", s)
            self.fact(B, top["id"], "floorArea", a, q(s, f"园区规划面积约{area}万平方米"),
                      quantity={"amount": area, "unit": "万平方米", "qualifier": "about"})
            self.fact(B, top["id"], "buildingCount", a, q(s, f"已建成标准厂房{m.group(1)}幢以上"),
                      quantity={"amount": int(m.group(1)), "unit": "幢", "qualifier": "or-more"})
            for fac in r.sample(FACILITIES, r.randint(1, 3)):
                s = a.say(f"园区配套建设了{fac}。")
                self.fact(B, top["id"], "hasFacility", a, q(s), value=fac)
            s = a.say(f"园区坚持“亩均论英雄”导向，单位土地产出持续提升。")
            self.fact(B, top["id"], "characteristic", a, q(s, "单位土地产出持续提升"), value="单位土地产出持续提升")
            if r.random() < 0.5:
                s = a.say(f"{top['label']}力争到2027年实现规上工业产值翻番。")
                self.fact(B, top["id"], "goal", a, q(s, "力争到2027年实现规上工业产值翻番"),
                          value="到2027年实现规上工业产值翻番")
            key, lab = INITIATIVES[top["rank"] % len(INITIATIVES)]
            s = a.say(f"{top['label']}在全省首创{lab}“园区版”做法。")
            self.fact(B, top["id"], "appliesInitiative", a, q(s), obj=f"syn-init-{key}")
            if top["rank"] % 3 == 0:
                self.fact(B, top["id"], "pioneered", a, q(s), obj=f"syn-init-{key}")
            # platforms and bases for the bigger parks
            top["platforms"] = []
            if n >= 40 and chains:
                a.para()
                for k in range(1 if n < 400 else (2 if n < 2000 else 3)):
                    ci = chains[k % len(chains)]
                    pl = f"{top['label']}{CHAINS[ci][2][2:-2]}“万亩千亿”新产业平台"
                    if k:
                        pl = pl.replace("新产业平台", f"第{CN_NUM[k]}新产业平台")
                    pid = f"{top['id']}-pf{k + 1}"
                    s = a.say(f"{top['label']}着力建设{pl}。")
                    self.ent(B, pid, "Platform", pl, a, q(s, pl))
                    self.fact(B, top["id"], "buildsPlatform", a, q(s), obj=pid)
                    s = a.say(f"{pl}位于{top['label']}核心区域。")
                    self.fact(B, pid, "partOf", a, q(s, f"{pl}位于{top['label']}"), obj=top["id"])
                    self.fact(B, pid, "focusesOn", a, q(s := a.say(f"{pl}聚焦{CHAINS[ci][3][-1]}环节。")),
                              obj=f"syn-seg-{CHAINS[ci][0]}-{len(CHAINS[ci][3])}")
                    top["platforms"].append((pid, pl, ci))
                    self.count("platforms")
                    if k == 0 and n >= 1000:
                        sub = pl + "先行区"
                        s = a.say(f"{sub}是{pl}的组成部分。")
                        self.ent(B, pid + "-x", "Platform", sub, a, q(s, sub))
                        self.fact(B, pid + "-x", "partOf", a, q(s), obj=pid)
                        self.count("platforms")
                base = f"合成{CHAINS[chains[0]][2][2:-2]}制造基地"
                s = a.say(f"{top['label']}致力打造{reg['label']}{base}。")
                bid = f"{top['id']}-base"
                self.ent(B, bid, "IndustrialBase", f"{reg['label']}{base}", a, q(s, f"{reg['label']}{base}"))
                self.fact(B, top["id"], "aimsToBuild", a, q(s), obj=bid, stage="aim")
            # research partner
            if r.random() < 0.4:
                inst = f"合成{reg['char']}州{r.choice(['先进制造', '新材料', '生物医药', '数字经济'])}研究院"
                iid = f"{top['id']}-inst"
                s = a.say(f"{top['label']}与{inst}开展深度合作。")
                self.ent(B, iid, "ResearchInstitute", inst, a, q(s, inst))
                self.fact(B, top["id"], "partner", a, q(s), obj=iid)
            self.place(f"{rid}-daily", a, f"{reg['label']}日报园区版", f"合成{reg['char']}州日报")

    # -- companies ----------------------------------------------------------------------
    def write_companies(self):
        r = self.rng
        # one roll article per (park tree, chunk): the company's home park writes it
        by_top: dict[str, list] = {}
        for c in self.companies:
            by_top.setdefault(c["top"]["id"], []).append(c)
        self.company_art = {}
        extra_mentions: dict[str, list] = {}
        for c in self.companies:
            for e in c["extra"]:
                extra_mentions.setdefault(e["top"]["id"], []).append((c, e))
        self.chunk_no = {}
        for top in self.parks:
            rid = top["region"]["id"]
            st = self.staff[rid]
            comps = by_top.get(top["id"], [])
            mentions = extra_mentions.get(top["id"], [])
            size = r.randint(120, 420)
            items = [("home", c, None) for c in comps] + [("extra", c, e) for c, e in mentions]
            # home records first so that each company's entity quote is in its home roll
            for k in range(0, len(items), size):
                part = items[k:k + size]
                no = k // size + 1
                a = self.article(f"syn-art-{top['id'][4:]}-roll-{no}",
                                 f"{top['label']}企业风采录（之{no}）", st)
                for kind, c, e in part:
                    self.roll_sentence(a, kind, c, e)
                    if r.random() < 0.08:
                        a.para()
                self.place(f"{rid}-rolls", a, f"{top['region']['label']}企业风采", f"合成{top['region']['char']}州日报")

    def bucket_for(self, c, kind):
        rid = c["region"]["id"]
        return f"{rid}-{kind}-{c['ri'] // 5000}"

    def roll_sentence(self, a, kind, c, e):
        r = self.rng
        lab = c["label"]
        chain = CHAINS[c["chain"]]
        if kind == "extra":
            node = e
            what = r.choice(["生产基地", "研发中心", "分公司", "仓储中心"])
            s = a.say(f"{lab}在{node['label']}设有{what}。")
            self.fact(self.bucket_for(c, "locations"), c["id"], "locatedIn", a, q(s), obj=node["id"])
            self.count("company-extra-locations")
            return
        self.company_art[c["id"]] = a
        node = c["node"]
        BL = self.bucket_for(c, "locations")
        BC = self.bucket_for(c, "companies")
        BS = self.bucket_for(c, "chainlinks")
        segl = chain[3][c["seg"]]
        if node["type"] == "Park":
            head = f"{lab}于{c['year']}年落户{node['label']}"
            s = a.say(f"{head}，是{chain[1]}{segl}环节企业。")
            aliases = None
            if r.random() < 0.2:
                aliases = [c["legal"]]  # the registered name, as an alias
            self.ent(BC, c["id"], "Company", lab, a, q(s, head), aliases=aliases)
            self.fact(BL, c["id"], "locatedIn", a, q(s, head), obj=node["id"])
            if r.random() < 0.5:
                self.fact(BL, c["id"], "settledIn", a, q(s, head), obj=node["id"], year=c["year"])
        else:
            head = f"{lab}坐落于{node['label']}"
            s = a.say(f"{head}，是{chain[1]}{segl}环节企业。")
            self.ent(BC, c["id"], "Company", lab, a, q(s, head))
            self.fact(BL, c["id"], "locatedIn", a, q(s, head), obj=node["id"])
            if r.random() < 0.3:
                park = self.park_of(node)
                self.fact(BL, c["id"], "settledIn", a, q(s, head), obj=park["id"],
                          inferred="地块位于该园区，企业坐落于该地块")
        self.count("companies")
        segq = q(s, f"是{chain[1]}{segl}环节企业")
        self.fact(BS, c["id"], "inSegment", a, segq, obj=f"syn-seg-{chain[0]}-{c['seg'] + 1}")
        if len(c["segs"]) > 1:
            seg2 = chain[3][c["segs"][1]]
            s2 = a.say(f"{lab}同时布局{seg2}环节。")
            self.fact(BS, c["id"], "inSegment", a, q(s2), obj=f"syn-seg-{chain[0]}-{c['segs'][1] + 1}")
        if r.random() < 0.15:
            self.fact(BS, c["id"], "supplyChainEnterpriseIn", a, segq, obj=f"syn-chain-{chain[0]}")
        if r.random() < 0.02:
            self.fact(BS, c["id"], "involvesIndustry", a, segq, obj=f"syn-ind-{chain[0]}",
                      inferred="所属产业链环节属于该产业")
        # incubation
        if r.random() < 0.03 and node["type"] == "Park":
            y = min(2025, c["year"] + r.randint(2, 5))
            s = a.say(f"{lab}于{y}年从{c['top']['label']}孵化毕业。")
            self.fact(BL, c["id"], "incubatedBy", a, q(s), obj=c["top"]["id"], stage="graduated")
            self.count("incubated")
        # products
        pr = r.random()
        nprod = 0 if pr < 0.8 else (1 if pr < 0.975 else r.randint(2, 4))
        BP = f"{c['region']['id']}-products"
        for k in range(nprod):
            noun = chain[5][(c["seg"] + k) % len(chain[5])]
            model = f"{r.choice('ABCDEFGHKMNPRSTXYZ')}{r.choice('ABCDEFGHKMNPRSTXYZ')}-{r.randint(10, 9999)}"
            plab = f"{lab}{model}型{noun}"
            pid = f"syn-pd-{c['i'] + 1:06d}-{k + 1}"
            s = a.say(f"{lab}主要产品为{model}型{noun}。")
            self.ent(BP, pid, "Product", plab, a, q(s, f"{model}型{noun}"),
                     note="The source names the product after the company; the label joins them.")
            self.fact(BP, c["id"], "makes", a, q(s), obj=pid)
            if r.random() < 0.3:
                self.fact(BP, pid, "inSegment", a, q(s), obj=f"syn-seg-{chain[0]}-{c['seg'] + 1}",
                          inferred="产品属于企业所在的产业链环节")
            c["products"].append((pid, plab, noun))
            self.count("products")
            if r.random() < 0.2:
                fk, fl = r.choice(FIELDS)
                s = a.say(f"该产品广泛应用于{fl}等领域。")
                self.fact(BP, pid, "appliedIn", a, q(s), obj=f"syn-field-{fk}",
                          note="The source's list ends with 等.")
            if r.random() < 0.05:
                t = r.randint(1, 3)
                s = a.say(f"{model}型{noun}采用{chain[4][t - 1]}{['精密制造工艺', '绿色工艺', '数字孪生技术'][t - 1]}。")
                self.fact(BP, pid, "hasTechnology", a, q(s), obj=f"syn-tech-{chain[0]}-{t}")
            if chain[0] == "equip" and r.random() < 0.2:
                eff = round(r.uniform(85, 99.5), 1)
                s = a.say(f"{model}型{noun}热效率达{eff}%。")
                self.fact(BP, pid, "thermalEfficiency", a, q(s), quantity={"amount": eff, "unit": "%"})
            if r.random() < 0.04:
                y = r.randint(2018, 2025)
                s = a.say(f"{y}年，{model}型{noun}入选{self.honours['prov-made'][1]}。")
                self.fact(BP, pid, "hasHonour", a, q(s), obj="syn-hon-prov-made", year=y,
                          awarded_by="syn-body-prov-market", batch=y - 2017)
        if nprod and r.random() < 0.1:
            mk, ml = r.choice(MARKETS)
            sh = r.randint(20, 95)
            qual = r.choice([("约", "about", f"约{sh}%"), ("以上", "or-more", f"{sh}%以上")])
            s = a.say(f"{lab}产品{qual[2]}出口到{ml}。")
            self.fact(BP, c["id"], "exportsTo", a, q(s), obj=f"syn-mkt-{mk}")
            self.fact(BP, c["id"], "exportShare", a, q(s), quantity={"amount": sh, "unit": "%", "qualifier": qual[1]},
                      scope=ml)
        if nprod and r.random() < 0.05:
            noun = c['products'][0][2]
            sh = round(r.uniform(5, 60), 1)
            s = a.say(f"{lab}{noun}国内市场占有率高达{sh}%。")
            self.fact(BP, c["id"], "nationalMarketShare", a, q(s),
                      quantity={"amount": sh, "unit": "%", "qualifier": "up-to"}, scope=f"国内{noun}市场")
        if nprod > 1:
            s = a.say(f"{lab}现有产品{nprod}个。")
            self.fact(BP, c["id"], "productCount", a, q(s), quantity={"amount": nprod, "unit": "个"})
        if r.random() < 0.04:
            brand = f"{lab[:-2] if len(lab) > 5 else lab}牌"
            bid = f"syn-br-{c['i'] + 1:06d}"
            s = a.say(f"{lab}旗下拥有“{brand}”品牌。")
            self.ent(BP, bid, "Brand", brand, a, q(s, f"“{brand}”"))
            self.fact(BP, c["id"], "hasBrand", a, q(s), obj=bid)
        if r.random() < 0.01:
            s = a.say(f"{lab}主导产品全国产能占比约{r.randint(5, 40)}%。")
            amt = int(re.search(r"约(\d+)%", s).group(1))
            self.fact(BP, c["id"], "nationalCapacityShare", a, q(s, f"全国产能占比约{amt}%"),
                      quantity={"amount": amt, "unit": "%", "qualifier": "about"})

    # -- honours ------------------------------------------------------------------------
    def write_honours(self):
        r = self.rng
        events_by_region_year: dict[tuple, list] = {}
        features = []
        corroborate = []
        for c in self.companies:
            art_events = []
            for h, y in c["honours"]:
                lst = self.lists.get((h, y))
                if lst is not None and r.random() < 0.7:
                    lst["rows"].append(c)
                    if r.random() < 0.1:
                        corroborate.append((c, h, y))
                else:
                    art_events.append((h, y))
            if len(art_events) >= 6:
                features.append((c, art_events))
            else:
                for h, y in art_events:
                    events_by_region_year.setdefault((c["region"]["id"], y), []).append((c, h))
            self.count("honour-events", len(c["honours"]))
        for c, h, y in corroborate:
            events_by_region_year.setdefault((c["region"]["id"], y), []).append((c, h))
        # region honour news (articles)
        for (rid, y), evs in sorted(events_by_region_year.items()):
            st = self.staff[rid]
            reg = next(x for x in self.regions if x["id"] == rid)
            for k in range(0, len(evs), 500):
                part = evs[k:k + 500]
                no = k // 500 + 1
                a = self.article(f"syn-art-{rid}-honours-{y}-{no}", f"{reg['label']}{y}年企业荣誉榜（{no}）", st)
                for c, h in part:
                    hl = self.honours[h][1]
                    body = self.body_of(h, rid)
                    bl = self.bodies[body[9:]]
                    batch = (y - self.honours[h][4] + 1) if self.honours[h][6] else None
                    bt = f"（第{batch}批）" if batch else ""
                    if r.random() < 0.25:
                        mth = r.randint(1, 12)
                        s = a.say(f"{y}年{mth}月，{c['label']}被{bl}认定为{hl}{bt}。")
                        self.fact(self.bucket_for(c, "honours"), c["id"], "hasHonour", a, q(s),
                                  obj=f"syn-hon-{h}", date=f"{y}-{mth:02d}", awarded_by=body,
                                  batch=batch, stage="recognised")
                    else:
                        s = a.say(f"{y}年，{c['label']}被{bl}认定为{hl}{bt}。")
                        self.fact(self.bucket_for(c, "honours"), c["id"], "hasHonour", a, q(s),
                                  obj=f"syn-hon-{h}", year=y, awarded_by=body, batch=batch,
                                  stage="recognised")
                self.place(f"{rid}-honournews", a, f"{reg['label']}荣誉专刊", f"合成{reg['char']}州日报")
        # feature articles for companies with many honours
        for c, evs in features:
            rid = c["region"]["id"]
            reg = c["region"]
            a = self.article(f"syn-art-feature-{c['id'][4:]}", f"{c['label']}：{len(evs)}项荣誉见证成长",
                             self.staff[rid], kicker="企业风采")
            a.say(f"{c['label']}深耕{CHAINS[c['chain']][1]}多年。")
            for h, y in evs:
                hl = self.honours[h][1]
                body = self.body_of(h, rid)
                s = a.say(f"{y}年，{c['label']}获评{hl}。")
                self.fact(self.bucket_for(c, "honours"), c["id"], "hasHonour", a, q(s),
                          obj=f"syn-hon-{h}", year=y, awarded_by=body)
            self.count("feature-articles")
            self.place(f"{rid}-honournews", a, f"{reg['label']}荣誉专刊", f"合成{reg['char']}州日报")
        # the lists: tables (CSV) and their announcements
        st = self.staff["prov"]
        for (h, y), lst in sorted(self.lists.items()):
            if not lst["rows"]:
                continue
            hl = self.honours[h][1]
            body = self.body_of(h, "x")
            bl = self.bodies[body[9:]]
            a = self.article(f"syn-art-ann-{h}-{y}", f"{bl}公布{lst['label']}", st)
            day = f"{y}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
            verb = "公示" if lst["stage"] == "publicised" else "公布"
            s = a.say(f"{day[:4]}年{int(day[5:7])}月{int(day[8:])}日，{bl}{verb}了{lst['label']}，"
                      f"共{len(lst['rows'])}家企业入选。")
            self.ent("province-lists", lst["id"], "HonourList", lst["label"], a, q(s, lst["label"]))
            self.fact("province-lists", lst["id"], "publishedBy", a, q(s, f"{bl}{verb}了{lst['label']}"),
                      obj=body, date=day, stage=lst["stage"])
            self.fact("province-lists", lst["id"], "listOf", a, q(s, lst["label"]), obj=f"syn-hon-{h}",
                      year=y, batch=lst["batch"])
            self.fact("province-lists", lst["id"], "honouredEnterpriseCount", a,
                      q(s, f"共{len(lst['rows'])}家企业入选"),
                      quantity={"amount": len(lst["rows"]), "unit": "家"}, honour=f"syn-hon-{h}")
            self.place("prov-gazette", a, "合成省政务公告", "合成省政务公告")
            self.count("honour-lists")
            self.write_table(h, y, lst, body)

    def write_table(self, h, y, lst, body):
        r = self.rng
        tid = f"syn-tbl-{h}-{y}"
        assert tid not in self.ids
        self.ids.add(tid)
        enc = ["utf-8", "utf-8", "gb18030", "utf-8-sig"][len(self.tables) % 4]
        title = r.random() < 0.6
        remarks = r.random() < 0.3
        header = ["序号", "企业名称", "所在地区", "所属产业链", "批次"] + (["备注"] if remarks else [])
        rows = []
        if title:
            rows.append([lst["label"]] + [""] * (len(header) - 1))
        rows.append(header)
        first_data = len(rows) + 1
        B = f"lists-{y}"
        for n, c in enumerate(lst["rows"], 1):
            row = [str(n), c["legal"], c["region"]["label"], CHAINS[c["chain"]][1], str(lst["batch"])]
            if remarks:
                row.append("续认定\n（复核通过）" if r.random() < 0.05 else "")
            rows.append(row)
            rowno = first_data + n - 1
            self.fact(B, c["id"], "hasHonour", (tid, rowno), c["legal"], obj=f"syn-hon-{h}",
                      year=y, batch=lst["batch"] if self.honours[h][6] else None, list=lst["id"],
                      stage=lst["stage"], awarded_by=body)
            self.count("table-honour-facts")
            if not c["registry"] and not c.get("legal_done") and r.random() < 0.3:
                c["legal_done"] = True
                self.fact(B, c["id"], "legalName", (tid, rowno), c["legal"], value=c["legal"])
                self.fact(B, c["id"], "region", (tid, rowno), c["region"]["label"], value=c["region"]["label"])
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n" if enc == "gb18030" else "\n")
        w.writerows(rows)
        file = f"sources/{tid}.csv"
        rec = {"id": tid, "label": lst["label"], "file": file, "publisher": body, "year": y,
               "url": f"https://gazette.synthetic.example/lists/{h}/{y}.csv"}
        if not title and r.random() < 0.5:
            rec["header_row"] = 1
        if enc == "gb18030":
            rec["note"] = "archived as published, in GB18030"
        self.tables.append({"id": tid, "file": file, "data": buf.getvalue().encode(enc), "rec": rec,
                            "bucket": B})
        self.count("tables")

    # -- identity: registry pages -------------------------------------------------------
    def write_identity(self):
        r = self.rng
        st = self.staff["prov"]
        reg_comps = [c for c in self.companies if c["registry"]]
        chunk = 20000
        for k in range(0, len(reg_comps), chunk):
            part = reg_comps[k:k + chunk]
            no = k // chunk + 1
            a = self.article(f"syn-art-registry-{no}", f"合成省市场主体登记信息公告（第{no}号）", st)
            for j, c in enumerate(part):
                B = f"identity-{(k + j) // 6000 + 1:02d}"
                url = f"https://registry.synthetic.example/org/{c['code']}"
                scope = f"{CHAINS[c['chain']][3][c['seg']][2:]}相关产品的研发、生产和销售"
                s = a.say(f"{c['legal']}，统一社会信用代码{c['code']}，住所{c['region']['label']}，"
                          f"经营范围：{scope}，详见{url}。")
                self.fact(B, c["id"], "legalName", a, q(s, f"{c['legal']}，统一社会信用代码"), value=c["legal"])
                self.fact(B, c["id"], "creditCode", a, q(s, f"统一社会信用代码{c['code']}"), value=c["code"])
                self.fact(B, c["id"], "region", a, q(s, f"{c['legal']}，统一社会信用代码{c['code']}，住所{c['region']['label']}"),
                          value=c["region"]["label"])
                if r.random() < 0.3:
                    self.fact(B, c["id"], "businessScope", a, q(s, f"经营范围：{scope}"), value=scope)
                if r.random() < 0.2:
                    self.fact(B, c["id"], "sameAs", a, q(s, f"详见{url}"), value=url)
                if j % 40 == 39:
                    a.para()
            self.place("registry", a, "合成省市场主体登记信息公告", None, limit=0)
        # credit codes printed in park articles for some non-registry companies
        # stock codes and groups
        st = self.staff["prov"]
        listed = [c for c in self.companies if r.random() < 0.012]
        used = set()
        a = None
        for j, c in enumerate(listed):
            if j % 300 == 0:
                if a is not None:
                    self.place("markets", a, "合成资本市场观察", "合成财经周刊")
                a = self.article(f"syn-art-market-{j // 300 + 1}", f"合成资本市场观察（{j // 300 + 1}）", st)
            ex, exl = EXCHANGES[j % 4]
            while True:
                if ex == "XSHG":
                    code = f"6{r.randint(0, 99999):05d}"
                elif ex == "XSHE":
                    code = f"{r.choice(['00', '30'])}{r.randint(0, 9999):04d}"
                elif ex == "BJSE":
                    code = f"92{r.randint(0, 9999):04d}"
                else:
                    code = f"0{r.randint(1000, 9999)}"
                if (ex, code) not in used:
                    used.add((ex, code))
                    break
            s = a.say(f"{c['label']}（证券代码：{code}）在{exl}挂牌上市。")
            self.fact("markets", c["id"], "stockCode", a, q(s, f"{c['label']}（证券代码：{code}）"),
                      value=code, exchange=ex)
            self.count("listed-companies")
        if a is not None:
            self.place("markets", a, "合成资本市场观察", "合成财经周刊")
        # enterprise groups
        n_groups = max(2, self.N // 500)
        a = self.article("syn-art-groups", "合成省重点企业集团名录", st)
        for g in range(n_groups):
            core = self.companies[r.randrange(self.N)]
            glab = self.label(lambda: "合成" + "".join(r.choice(CORE_CHARS) for _ in range(2)) + "控股集团")
            gid = f"syn-grp-{g + 1:04d}"
            s = a.say(f"{glab}以{core['label']}为核心企业，业务覆盖{CHAINS[core['chain']][1]}。")
            self.ent("markets", gid, "EnterpriseGroup", glab, a, q(s, f"{glab}以{core['label']}为核心企业"))
            self.fact("markets", gid, "groupCore", a, q(s, f"{glab}以{core['label']}为核心企业"), obj=core["id"])
            top = core["top"]
            s = a.say(f"{top['label']}链接{glab}等企业集团。")
            self.fact("markets", top["id"], "linksCompany", a, q(s), obj=gid,
                      note="The source's list ends with 等.")
            if g % 5 == 0:
                s = a.say(f"{glab}总部位于{top['region']['label']}。")
                self.fact("markets", gid, "region", a, q(s), value=top["region"]["label"])
            self.count("groups")
        self.place("markets", a, "合成资本市场观察", "合成财经周刊")

    # -- projects -----------------------------------------------------------------------
    def write_products_projects(self):
        r = self.rng
        n_proj = max(self.P, self.N // 40)
        by_top: dict[str, list] = {}
        for j in range(n_proj):
            c = self.companies[r.randrange(self.N)]
            by_top.setdefault(c["top"]["id"], []).append((j, c))
        for top in self.parks:
            projs = by_top.get(top["id"], [])
            if not projs:
                continue
            reg = top["region"]
            rid = reg["id"]
            B = f"{rid}-projects"
            a = self.article(f"syn-art-{top['id'][4:]}-projects", f"{top['label']}重大项目巡礼", self.staff[rid],
                             subtitle="以项目攻坚推动跨越式发展")
            total = 0.0
            for j, c in projs:
                pid = f"syn-prj-{j + 1:05d}"
                noun = CHAINS[c["chain"]][5][c["seg"] % len(CHAINS[c["chain"]][5])]
                plab = f"{c['label']}年产{r.randint(1, 500)}万件{noun}项目"
                if plab in self.labels_used:
                    plab = plab[:-2] + f"（{CN_NUM[j % 10]}期）项目"
                self.labels_used.add(plab)
                node = self.pick_node(top)
                inv = round(r.lognormvariate(1.2, 1.0), 2)
                total += inv
                qual = r.choice([("总投资约", "about"), ("总投资超", "more-than"), ("总投资", "exact")])
                s = a.say(f"{plab}由{c['label']}牵头实施，{qual[0]}{inv}亿元。")
                self.ent(B, pid, "Project", plab, a, q(s, plab))
                self.fact(B, c["id"], "leadsProject", a, q(s, f"{plab}由{c['label']}牵头实施"), obj=pid)
                self.fact(B, pid, "totalInvestment", a, q(s, f"{qual[0]}{inv}亿元"),
                          quantity={"amount": inv, "unit": "亿元", "qualifier": qual[1]})
                s = a.say(f"{plab}选址{node['label']}，由{top['label']}引进。")
                self.fact(B, top["id"], "introducedProject", a, q(s, f"由{top['label']}引进"), obj=pid)
                self.fact(B, pid, "locatedIn", a, q(s, f"{plab}选址{node['label']}"), obj=node["id"])
                if r.random() < 0.5:
                    self.fact(B, pid, "partOf", a, q(s, f"{plab}选址{node['label']}"), obj=top["id"],
                              inferred="项目选址于该园区范围内")
                stages = ["proposed", "completion-accepted"] if r.random() < 0.3 else [r.choice(["proposed", "completion-accepted"])]
                for stg in stages:
                    if stg == "proposed":
                        y = r.randint(2019, 2024)
                        s = a.say(f"{y}年，{plab}列入拟建项目清单。")
                        self.fact(B, pid, "reachedStage", a, q(s), value="proposed", year=y)
                    else:
                        d = f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
                        s = a.say(f"{plab}已于{int(d[5:7])}月{int(d[8:])}日通过竣工验收。")
                        self.fact(B, pid, "reachedStage", a, q(s), value="completion-accepted", date=d)
                if r.random() < 0.4:
                    fa = round(r.uniform(0.5, 30), 2)
                    nb = r.randint(1, 30)
                    s = a.say(f"项目总建筑面积{fa}万平方米，共建设单体建筑{nb}幢，主要建设生产车间、研发中心及配套用房。")
                    self.fact(B, pid, "floorArea", a, q(s, f"项目总建筑面积{fa}万平方米"),
                              quantity={"amount": fa, "unit": "万平方米"})
                    self.fact(B, pid, "buildingCount", a, q(s, f"共建设单体建筑{nb}幢"),
                              quantity={"amount": nb, "unit": "幢"})
                    self.fact(B, pid, "constructionContent", a, q(s, "主要建设生产车间、研发中心及配套用房"),
                              value="生产车间、研发中心及配套用房")
                if r.random() < 0.1:
                    fac = r.choice(FACILITIES)
                    s = a.say(f"项目同步配套{fac}。")
                    self.fact(B, pid, "hasFacility", a, q(s), value=fac)
                self.count("projects")
            s = a.say(f"今年以来，{top['label']}共引进项目{len(projs)}个。")
            self.fact(B, top["id"], "projectCount", a, q(s, f"共引进项目{len(projs)}个"),
                      quantity={"amount": len(projs), "unit": "个"}, as_of="今年以来")
            self.place(f"{rid}-daily", a, f"{reg['label']}日报园区版", f"合成{reg['char']}州日报")

    # -- chains: leaders, key enterprises, supply ---------------------------------------
    def write_chains(self):
        r = self.rng
        by_chain: dict[int, list] = {}
        for c in self.companies:
            by_chain.setdefault(c["chain"], []).append(c)
        seen_pairs = set()
        for ci, a in self.chain_arts.items():
            comps = by_chain.get(ci, [])
            BC = "province-chains"
            a.para()
            honoured = sorted(comps, key=lambda c: (-len(c["honours"]), c["i"]))
            leaders = honoured[:min(12, max(1, len(comps) // 200))]
            if leaders:
                names = "、".join(c["label"] for c in leaders)
                s = a.say(f"{names}等企业是{CHAINS[ci][1]}龙头企业。")
                for c in leaders:
                    self.fact(BC, c["id"], "leadingEnterpriseIn", a, q(s), obj=f"syn-chain-{CHAINS[ci][0]}",
                              note="The source's list ends with 等.")
            # supply relations: downstream segment customers
            by_seg: dict[int, list] = {}
            for c in comps:
                by_seg.setdefault(c["seg"], []).append(c)
            for c in comps:
                if r.random() < 0.04 and (c["seg"] + 1) in by_seg:
                    d = r.choice(by_seg[c["seg"] + 1])
                    if (c["id"], d["id"]) in seen_pairs or d is c:
                        continue
                    seen_pairs.add((c["id"], d["id"]))
                    s = a.say(f"{c['label']}为{d['label']}配套供应{CHAINS[ci][3][c['seg']][2:]}产品。")
                    self.fact(self.bucket_for(c, "chainlinks"), c["id"], "suppliesTo", a, q(s), obj=d["id"])
                    self.count("supply-links")
            s = a.say(f"截至目前，{CHAINS[ci][1]}共有企业约{max(1, len(comps) // 100 * 100)}家。")
            self.fact(BC, f"syn-chain-{CHAINS[ci][0]}", "enterpriseCount", a,
                      q(s, f"{CHAINS[ci][1]}共有企业约{max(1, len(comps) // 100 * 100)}家"),
                      quantity={"amount": max(1, len(comps) // 100 * 100), "unit": "家", "qualifier": "about"},
                      as_of="截至目前")
            self.place("chains", a, "合成产业链周刊", "合成产业链周刊")
        # key enterprises of platforms (in the park profile pages' region)
        for top in self.parks:
            for pid, pl, ci in top.get("platforms", []):
                cands = [c for c in self.in_top[top["id"]] if c["chain"] == ci][:6]
                if not cands:
                    continue
                reg = top["region"]
                a = self.article(f"syn-art-{pid[4:]}-keys", f"{pl}重点企业巡礼", self.staff[reg["id"]])
                for c in cands:
                    s = a.say(f"{c['label']}是{pl}中的重点企业。")
                    self.fact(f"{reg['id']}-parks", c["id"], "keyEnterpriseOf", a, q(s), obj=pid)
                    self.fact(f"{reg['id']}-parks", pid, "linksCompany", a, q(s), obj=c["id"])
                if len(cands) >= 3:
                    s = a.say(f"{cands[0]['label']}是{pl}龙头企业。")
                    self.fact(f"{reg['id']}-parks", cands[0]["id"], "leadingEnterpriseIn", a, q(s), obj=pid)
                    s = a.say(f"{cands[1]['label']}入驻{pl}。")
                    self.fact(f"{reg['id']}-parks", cands[1]["id"], "locatedIn", a, q(s), obj=pid)
                self.place(f"{reg['id']}-daily", a, f"{reg['label']}日报园区版", f"合成{reg['char']}州日报")

    # -- people: region meetings --------------------------------------------------------
    def write_people(self):
        r = self.rng
        for reg in self.regions:
            rid = reg["id"]
            B = f"{rid}-people"
            a = self.article(f"syn-art-{rid}-meeting", f"{reg['label']}园区高质量发展推进会召开", self.staff[rid],
                             subtitle="传达学习全省制造业高质量发展大会精神")
            body = f"syn-body-{rid}-econ"
            s = a.say(f"{reg['label']}经济和信息化局召开{reg['label']}园区高质量发展推进会。")
            self.ent(B, body, "PublicBody", self.bodies[f"{rid}-econ"], a, q(s, f"{reg['label']}经济和信息化局"))
            mid = f"syn-mtg-{rid}"
            self.ent(B, mid, "Meeting", f"{reg['label']}园区高质量发展推进会", a,
                     q(s, f"召开{reg['label']}园区高质量发展推进会"))
            self.fact(B, mid, "heldBy", a, q(s), obj=body)
            s = a.say(f"会议传达学习合成省制造业高质量发展大会精神。")
            self.fact(B, mid, "conveys", a, q(s), obj="syn-mtg-prov")
            n1 = self.person_name()
            s = a.say(f"{reg['label']}经济和信息化局局长{n1}主持会议并讲话。")
            pid = f"syn-ps-{rid}-chief"
            self.ent(B, pid, "Person", n1, a, q(s, f"局长{n1}"))
            self.fact(B, pid, "holdsPostIn", a, q(s, f"{reg['label']}经济和信息化局局长{n1}"), obj=body, role="局长")
            self.fact(B, mid, "chairedBy", a, q(s), obj=pid, role="局长")
            self.people += 1
            mb = f"syn-body-{rid}-market"
            s = a.say(f"{self.bodies[f'{rid}-market']}负责人作交流发言。")
            self.ent(B, mb, "PublicBody", self.bodies[f"{rid}-market"], a, q(s, self.bodies[f"{rid}-market"]))
            tops = [p for p in self.parks if p["region"] is reg]
            for top in tops[:8]:
                s = a.say(f"{top['label']}党工委书记{self.person_label.get(top['id'] + '-sec', '')}作表态发言。")
            k, lab = INITIATIVES[int(rid[1:]) % len(INITIATIVES)]
            s = a.say(f"会议部署深化{lab}。")
            self.fact(B, mid, "deploys", a, q(s), obj=f"syn-init-{k}")
            n_micro = sum(1 for p in tops if "小微企业园" in p["label"])
            if n_micro:
                s = a.say(f"全市已建成小微企业园{n_micro}个。")
                self.fact(B, body, "microEnterpriseParkCount", a, q(s), quantity={"amount": n_micro, "unit": "个"},
                          scope=reg["label"])
            f1, f2 = r.randint(20, 400), r.randint(5, 120)
            s = a.say(f"全市累计完成专利密集型产品备案{f1}项，完成备案企业{f2}家，认定专利密集型产品{f1 // 3 + 1}项。")
            self.fact(B, body, "patentIntensiveFilingCount", a, q(s, f"完成专利密集型产品备案{f1}项"),
                      quantity={"amount": f1, "unit": "项"}, scope=reg["label"])
            self.fact(B, body, "patentIntensiveFilingEnterpriseCount", a, q(s, f"完成备案企业{f2}家"),
                      quantity={"amount": f2, "unit": "家"}, scope=reg["label"])
            self.fact(B, body, "patentIntensiveRecognisedCount", a, q(s, f"认定专利密集型产品{f1 // 3 + 1}项"),
                      quantity={"amount": f1 // 3 + 1, "unit": "项"}, scope=reg["label"])
            s = a.say(f"全市已分{r.randint(2, 9)}批推进园区有机更新。")
            self.fact(B, body, "batchCount", a, q(s, s[4:-1]), quantity={"amount": int(re.search(r"分(\d)批", s).group(1)), "unit": "批"})
            grads = sum(1 for c in self.companies if c["region"] is reg) // 200 + 1
            s = a.say(f"全市园区累计孵化毕业企业{grads}家以上。")
            self.fact(B, body, "graduatedEnterpriseCount", a, q(s, f"累计孵化毕业企业{grads}家以上"),
                      quantity={"amount": grads, "unit": "家", "qualifier": "or-more"})
            self.place(f"{rid}-daily", a, f"{reg['label']}日报园区版", f"合成{reg['char']}州日报")

    def finish_journalists(self):
        for pid, art in sorted(self.journalist_first.items()):
            lab = self.person_label[pid]
            role = "记者" if "-rep" in pid else "通讯员"
            bucket = self.staff[pid.split("-")[2]]["bucket"]
            rec = {"id": pid, "type": "Person", "label": lab, "source": art.id, "quote": f"{role} " + lab
                   if art.byline.find(f"{role} {lab}") >= 0 else lab}
            # the quote must stand in the article's lines: the byline is there
            assert rec["quote"].replace(" ", "") in art.byline.replace(" ", ""), (rec, art.byline)
            self.ids.add(pid)
            self.buckets.setdefault(bucket, {}).setdefault("entities", []).insert(0, rec)
            self.count("entities")
            self.count("entity:Person")
            self.count("journalists")

    # -- writing ------------------------------------------------------------------------
    def write(self, out: Path):
        r = self.rng
        (out / "sources").mkdir(parents=True)
        (out / MARKER).write_text("written by benchmarks/synth_independent.py\n")
        # pages
        page_bucket = {}
        for page in self.pages:
            text = page.render(r)
            assert len(text.encode()) < 16 << 20, page.file
            (out / page.file).write_text(text, encoding="utf-8")
            key = page.bucket
            b = "sources" if (key.startswith("prov") or key in ("registry", "chains", "markets")) \
                else f"{key.split('-')[0]}-sources"
            page_bucket[page.id] = b
            prec = {"id": page.id, "label": page.label, "file": page.file,
                    "newspaper": page.newspaper, "date": page.date}
            if page.date is None:
                prec["inferred_year"] = 2025
                prec["inferred_year_basis"] = "合成 pages print no date; the generator's year."
            self.buckets.setdefault(b, {}).setdefault("pages", []).append(prec)
            for art in page.articles:
                arec = {"id": art.id, "page": page.id, "lines": list(art.lines)}
                if art.kicker:
                    arec["kicker"] = art.kicker
                arec["title"] = art.title
                if art.subtitle:
                    arec["subtitle"] = art.subtitle
                arec["byline"] = art.byline
                arec["reporters"] = art.reporters
                if art.correspondents:
                    arec["correspondents"] = art.correspondents
                self.buckets[b].setdefault("articles", []).append(arec)
            self.count("pages")
        for t in self.tables:
            (out / t["file"]).write_bytes(t["data"])
            self.buckets.setdefault(t["bucket"], {}).setdefault("tables", []).append(t["rec"])
        # seed files; a bucket over MAX records is split
        MAXREC = 9000
        files = 0
        total = 0
        for key in sorted(self.buckets):
            secs = self.buckets[key]
            n = sum(len(v) for v in secs.values())
            parts = max(1, math.ceil(n / MAXREC))
            # split each section evenly over the parts
            for p in range(parts):
                name = f"{key}.yaml" if parts == 1 else f"{key}-{chr(97 + p)}.yaml"
                style = r.random()
                indent = "  " if style < 0.6 else ""
                flow_facts = style > 0.35
                order = ["pages", "articles", "tables", "entities", "facts"]
                if style > 0.8:
                    order = ["facts", "tables", "pages", "entities", "articles"]
                chunks = [f"# {name}: synthetic seeds (合成), written by an independent generator.\n"
                          f"# Every record cites its source and quotes it verbatim.\n"]
                for sec in order:
                    recs = secs.get(sec)
                    if not recs:
                        continue
                    size = math.ceil(len(recs) / parts)
                    mine = recs[p * size:(p + 1) * size]
                    if not mine:
                        continue
                    chunks.append(f"{sec}:\n")
                    lines = []
                    for rec in mine:
                        if (sec == "facts" and flow_facts) or (sec == "entities" and style > 0.9):
                            lines.append(f"{indent}- {flow(rec)}")
                        else:
                            lines.append(block(rec, indent))
                    chunks.append("\n".join(lines) + "\n")
                data = "".join(chunks).encode("utf-8")
                assert len(data) < 16 << 20, name
                (out / name).write_bytes(data)
                files += 1
                total += len(data)
        return files


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--companies", type=int, required=True)
    ap.add_argument("--parks", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.companies < 1 or args.parks < 1:
        ap.error("--companies and --parks must be at least 1")
    out = Path(args.out)
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            ap.error(f"{out} exists and was not written by this generator; choose another --out")
        shutil.rmtree(out)
    t0 = time.time()
    g = Gen(args.companies, args.parks, args.seed)
    g.run()
    files = g.write(out)
    g.stats["seed-files"] = files
    g.stats["source-files"] = len(g.pages) + len(g.tables)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    g.stats["bytes"] = size
    g.stats["seconds"] = round(time.time() - t0, 1)
    json.dump(dict(sorted(g.stats.items())), sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
