"""A synthetic fact base in the real format, large enough to benchmark on.

Deterministic for a given seed and size: 10,000 entities (companies, their
models, platforms, labs, people, groups) with three aliases each, one of them
a Chinese name built from Han characters; 100,000 facts of 15-25 words whose
words follow a Zipf-like law, split into files of 1,000; and the sources they
cite. Entities get parents, relations and comparison attributes backed by
their own facts, as in knowledge/.

    python -m bench.generate [--out DIR] [--entities N] [--facts N] [--seed N] [--force]

The base is only rewritten when it is missing, was made by another version of
this generator or with other parameters, or its files no longer match what
was written (see `is_current`).
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import re
import shutil
import sys
import textwrap
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.shared.normalize import key

GENERATOR_VERSION = 3
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH_DIR / "out" / "synthetic"
STAMP = "stamp.json"
DEFAULT_SEED = 20250324


@dataclass(frozen=True)
class Params:
    entities: int = 10_000
    facts: int = 100_000
    facts_per_file: int = 1_000
    entities_per_file: int = 1_000
    sources: int = 200
    seed: int = DEFAULT_SEED


def default_out(params: Params) -> Path:
    """bench/out/synthetic for the standard size, a directory per size otherwise,
    so switching sizes does not regenerate back and forth."""
    if (params.entities, params.facts, params.seed) == (Params.entities, Params.facts, Params.seed):
        return DEFAULT_OUT
    return DEFAULT_OUT.with_name(f"synthetic-{params.entities}e-{params.facts}f-s{params.seed}")


# --- vocabulary --------------------------------------------------------------

# Pinyin syllables and one Han character each: brand names are two of them
# ("Zhenyu", 振宇), so the Latin and the Chinese alias of a name agree.
_SYLLABLES = """
an安 ao奥 bai百 bao宝 bei北 ben本 bo博 cai才 chang长 chao超 chen晨 cheng成 chu初 chuan川 chun春
da达 dao道 de德 ding鼎 dong东 du度 fan帆 fang方 fei飞 feng峰 fu富 gao高 ge格 guang光 gui贵
guo国 hai海 han瀚 hang航 hao浩 he和 heng恒 hong宏 hua华 huan环 hui慧 ji极 jia嘉 jian坚 jiang江
jin金 jing京 ju聚 jun君 kai凯 kang康 ke科 kun坤 lan蓝 lang朗 lei雷 li立 lian联 liang亮 lin林
ling灵 long龙 lu路 lun伦 luo洛 mei美 meng梦 ming明 mo墨 mu牧 nan南 neng能 ning宁 pan磐 peng鹏
ping平 qi启 qian千 qiang强 qing清 qiu秋 quan泉 rui睿 run润 sen森 shan山 shang尚 sheng盛 shi石
shu数 shuo硕 si思 song松 tai泰 tan探 tang唐 tao涛 teng腾 tian天 tong通 wan万 wei维 wen文 wu悟
xi曦 xia夏 xian先 xiang翔 xiao晓 xin新 xing星 xu旭 xuan轩 ya雅 yan研 yang阳 yao耀 ye业 yi易
yin银 ying英 yong永 you优 yu宇 yuan源 yue悦 yun云 ze泽 zhan展 zhao兆 zhe哲 zhen振 zheng正 zhi智
zhong中 zhou洲 zhu竹 zi紫 zong纵 zuo佐
""".split()
SYLLABLES = [(s[:-1], s[-1]) for s in _SYLLABLES]

SURNAMES = [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
            ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"),
            ("Xu", "徐"), ("Sun", "孙"), ("Hu", "胡"), ("Zhu", "朱"), ("Gao", "高"),
            ("Lin", "林"), ("He", "何"), ("Guo", "郭"), ("Ma", "马"), ("Luo", "罗")]

COMPANY_SUFFIXES = [("Technology", "Tech", "科技"), ("Intelligence", "AI", "智能"),
                    ("Group", "Group", "集团"), ("Networks", "Net", "网络"),
                    ("Data", "Data", "数据"), ("Robotics", "Robotics", "机器人")]
MODEL_VERSIONS = ["1", "2", "2.5", "3", "4", "5", "V2", "V3", "R1", "Pro", "Max", "Turbo", "Mini",
                  "Lite", "Omni", "Coder", "Vision", "Flash"]
OUTLETS = ["Financial Times", "Caixin", "South China Morning Post", "Reuters", "Nikkei Asia",
           "The Information", "Bloomberg", "36Kr", "LatePost", "Wired", "The Economist",
           "Sixth Tone", "Rest of World", "TechNode", "Jiemian"]
PLACES = ["Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Guangzhou", "Chengdu", "Wuhan", "Hefei",
          "Nanjing", "Suzhou", "Hong Kong", "Singapore", "Europe", "Southeast Asia", "the Middle East",
          "Japan", "South Korea", "the United States", "Latin America", "Africa", "India",
          "Xi'an", "Tianjin", "Chongqing", "Xiamen", "Qingdao", "Dalian", "Changsha", "Macau", "Taipei"]

# Content words, most frequent first within each list: draws follow a Zipf-like
# law, so a few words are everywhere (and worthless to the index) and most are rare.
NOUNS = """
model models chips users developers investors shares revenue market agents cloud compute
inference training benchmark benchmarks reasoning coding version performance price prices
customers data government subsidies startups platform apps assistant chatbot smartphone
datacentre clusters GPUs accelerators semiconductors regulators rules export controls
contracts partners partnership funding round valuation profit losses sales subscribers
downloads tokens context window latency costs parameters weights licence licences
researchers engineers talent lab labs universities schools hospitals healthcare finance
banks insurers manufacturers factories robots vehicles cars drivers logistics retail
e-commerce advertising search video images speech translation mathematics science
security safety alignment censorship content moderation filings listing IPO stock
exchange quarter year month week rivals competitors peers leaders incumbents newcomers
ecosystem open-source community repository release update upgrade launch roadmap strategy
plan outlook forecast demand supply shortage capacity power electricity grid energy
bandwidth storage memory servers racks interconnects networks telecoms operators carriers
provinces cities ministries officials policy policies standards certification audits
privacy copyright lawsuits patents exports imports tariffs sanctions suppliers
distributors resellers integrators consultancies enterprises SMEs merchants creators
influencers streamers gamers students teachers doctors patients farmers lawyers
accountants analysts brokers traders funds venture capital angel seed series
acquisitions mergers spin-offs subsidiaries divisions units teams staff headcount
layoffs hiring salaries wages incentives options bonuses culture governance board
founder founders chairman executives management shareholders dividends buybacks
earnings guidance margins expenses capex opex depreciation amortisation debt bonds
loans credit ratings volatility momentum sentiment hype bubble correction rally slump
recovery growth contraction inflation deflation currency yuan dollar renminbi
""".split()

ADJECTIVES = """
new open larger smaller faster cheaper multimodal lightweight efficient domestic overseas
leading major upgraded improved stronger weaker popular private public national local
global regional strategic commercial industrial enterprise consumer mobile edge
specialised general-purpose experimental preliminary final annual quarterly monthly
record sharp modest steady rapid slow significant marginal substantial limited broad
narrow aggressive cautious ambitious conservative competitive dominant emerging mature
profitable unprofitable expensive affordable scarce abundant reliable unreliable secure
vulnerable transparent opaque proprietary licensed regulated unregulated early late
second third fourth fifth latest previous next upcoming long-awaited widely-used
""".split()

RELEASE_VERBS = ["released", "launched", "unveiled", "shipped", "introduced", "published",
                 "open-sourced", "rolled out", "previewed", "updated", "upgraded", "announced",
                 "debuted", "made available", "quietly released", "relaunched"]
CAPABILITY_VERBS = ["scored higher on", "outperformed rivals on", "matched leading systems on",
                    "improved", "doubled", "cut the cost of", "reduced latency for",
                    "handled", "processed", "topped", "closed the gap on", "fell short on"]
MARKET_VERBS = ["raised", "gained", "lost", "reported", "attracted", "priced", "signed",
                "won", "secured", "booked", "posted", "forecast", "cut", "doubled"]
COMPETITION_VERBS = ["overtook", "challenged", "rivalled", "undercut", "caught up with",
                     "competed with", "lost ground to", "pulled ahead of", "matched", "trailed"]
STRATEGY_VERBS = ["plans to expand", "aims to build", "is focusing on", "is investing in",
                  "partnered on", "is expanding", "is pivoting towards", "is betting on",
                  "is doubling down on", "is scaling back", "is restructuring", "is courting"]
OUTLOOK_VERBS = ["is expected to lead", "could dominate", "may struggle with",
                 "is forecast to grow", "is likely to win", "risks losing", "could reshape",
                 "may benefit from", "is seen driving", "could face pressure on"]
CONTEXT_VERBS = ["operates in", "was founded around", "is known for", "sits at the centre of",
                 "depends on", "is part of", "has long supplied", "is backed by"]
CATEGORY_VERBS = {
    "release": RELEASE_VERBS, "capability": CAPABILITY_VERBS, "market": MARKET_VERBS,
    "competition": COMPETITION_VERBS, "strategy": STRATEGY_VERBS, "outlook": OUTLOOK_VERBS,
    "context": CONTEXT_VERBS,
}
CATEGORIES = list(CATEGORY_VERBS)
CATEGORY_WEIGHTS = [22, 20, 18, 14, 12, 8, 6]

# Most frequent first, as in real text: the everyday ones are stopwords.
PREPOSITIONS = ["for", "in", "with", "after", "against", "through", "before", "over", "under",
                "across", "among", "despite", "within", "beyond", "alongside"]


def zipf_cum_weights(n: int, s: float = 1.0, offset: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (i + offset) ** s for i in range(n)))


class Words:
    """Zipf-weighted draws from the word lists."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._nouns = zipf_cum_weights(len(NOUNS), 1.0, 2.0)
        self._adjs = zipf_cum_weights(len(ADJECTIVES), 1.0, 2.0)
        self._preps = zipf_cum_weights(len(PREPOSITIONS), 1.5, 1.0)

    def noun(self) -> str:
        return NOUNS[bisect.bisect(self._nouns, self.rng.random() * self._nouns[-1])]

    def adj(self) -> str:
        return ADJECTIVES[bisect.bisect(self._adjs, self.rng.random() * self._adjs[-1])]

    def prep(self) -> str:
        return PREPOSITIONS[bisect.bisect(self._preps, self.rng.random() * self._preps[-1])]


# --- entities ----------------------------------------------------------------


@dataclass(eq=False)
class Entity:
    id: str
    name: str
    kind: str
    chinese_name: str
    aliases: list[str]
    description: str = ""
    parent: str | None = None
    relations: list[tuple[str, str]] = field(default_factory=list)  # (type, target)
    facts: list[int] = field(default_factory=list)  # indexes into the fact list
    neighbours: list[str] = field(default_factory=list)


class Namer:
    """Unique brand names and unique alias keys across the whole base."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.keys: set[str] = set()
        self.brands: set[str] = set()

    def brand(self) -> tuple[str, str, list[str]]:
        """(Latin name, Han name, syllables): "Zhenyu", "振宇", ["zhen", "yu"]."""
        for attempt in itertools.count():
            n = 2 if attempt < 50 else 3
            parts = [self.rng.choice(SYLLABLES) for _ in range(n)]
            latin = "".join(p for p, _ in parts)
            if latin not in self.brands and len(latin) >= 4:
                self.brands.add(latin)
                return latin.capitalize(), "".join(h for _, h in parts), [p for p, _ in parts]
        raise AssertionError("unreachable")

    def claim(self, *names: str) -> bool:
        """Reserve every name's key, or none when one is taken."""
        keys = {key(n) for n in names}
        if keys & self.keys:
            return False
        self.keys |= keys
        return True


def _kind_counts(total: int) -> dict[str, int]:
    shares = {"company": 0.22, "model": 0.60, "platform": 0.04, "organisation": 0.05,
              "person": 0.08, "group": 0.01}
    counts = {k: int(total * v) for k, v in shares.items()}
    counts["model"] += total - sum(counts.values())
    return counts


def make_entities(rng: random.Random, total: int) -> list[Entity]:
    namer = Namer(rng)
    counts = _kind_counts(total)
    out: list[Entity] = []

    def add(make) -> Entity:
        while True:
            e = make()
            if e is not None and namer.claim(e.id.replace("-", " "), e.name, *e.aliases):
                out.append(e)
                return e

    def company() -> Entity:
        latin, han, _ = namer.brand()
        long, short, zh = rng.choice(COMPANY_SUFFIXES)
        return Entity(latin.lower(), latin, "company", han + zh,
                      [f"{latin} {long}", f"{latin}{short}", han + zh])

    companies = [add(company) for _ in range(counts["company"])]

    def model() -> Entity:
        maker = rng.choice(companies[: max(1, len(companies) // 3)] if rng.random() < 0.5
                           else companies)
        latin, han, _ = namer.brand()
        version = rng.choice(MODEL_VERSIONS)
        slug = f"{latin.lower()}-{version.lower()}"
        return Entity(slug, f"{latin}-{version}", "model", f"{han}{version}",
                      [f"{maker.name} {latin}", f"{latin}{version}", f"{han}{version}"],
                      parent=maker.id)

    models = [add(model) for _ in range(counts["model"])]

    def platform() -> Entity:
        latin, han, _ = namer.brand()
        return Entity(f"{latin.lower()}-hub", f"{latin} Hub", "platform", f"{han}开放平台",
                      [f"{latin}Hub", f"{latin} Model Hub", f"{han}开放平台"])

    platforms = [add(platform) for _ in range(counts["platform"])]

    def organisation() -> Entity:
        latin, han, _ = namer.brand()
        return Entity(f"{latin.lower()}-lab", f"{latin} AI Lab", "organisation",
                      f"{han}人工智能研究院",
                      [f"{latin} Lab", f"{latin} Institute", f"{han}人工智能研究院"])

    labs = [add(organisation) for _ in range(counts["organisation"])]

    def person() -> Entity | None:
        (sur, sur_han), (latin, han, parts) = rng.choice(SURNAMES), namer.brand()
        hyphenated = parts[0].capitalize() + "-" + "".join(parts[1:])
        return Entity(f"{sur.lower()}-{latin.lower()}", f"{sur} {latin}", "person", sur_han + han,
                      [f"{latin} {sur}", f"{sur} {hyphenated}", sur_han + han])

    people = [add(person) for _ in range(counts["person"])]

    def group() -> Entity:
        place = rng.choice(PLACES)
        latin, han, _ = namer.brand()
        return Entity(f"{latin.lower()}-alliance", f"{latin} AI Alliance", "group",
                      f"{han}人工智能联盟",
                      [f"{latin} Alliance", f"{place} {latin} group", f"{han}联盟"])

    groups = [add(group) for _ in range(counts["group"])]

    by_id = {e.id: e for e in out}
    for m in models:
        m.neighbours.append(m.parent)
        by_id[m.parent].neighbours.append(m.id)
        if platforms and rng.random() < 0.5:
            m.relations.append(("published_on", rng.choice(platforms).id))
        if rng.random() < 0.4:
            m.relations.append(("rival", rng.choice(models).id))
    for c in companies:
        for _ in range(rng.randint(1, 3)):
            other = rng.choice(companies)
            if other is not c:
                c.relations.append((rng.choice(["rival", "peer"]), other.id))
        if groups and rng.random() < 0.3:
            c.relations.append(("part_of", rng.choice(groups).id))
    for p in people:
        p.relations.append(("part_of", rng.choice(companies + labs).id))
    for lab in labs:
        lab.relations.append(("peer", rng.choice(labs).id))
    for e in out:
        seen: set[tuple[str, str]] = set()
        e.relations = [r for r in e.relations
                       if r[1] != e.id and r not in seen and not seen.add(r)]
        e.neighbours.extend(t for _, t in e.relations)
    return out


# --- facts -------------------------------------------------------------------


@dataclass
class Fact:
    index: int
    id: str
    subject: str
    entities: list[str]
    category: str
    statement: str
    when: dict
    source: str
    paragraph: int
    nature: str
    keywords: list[str]


def _date(rng: random.Random) -> str:
    year = rng.choice([2022, 2023, 2024, 2024, 2025, 2025, 2025])
    month = rng.randint(1, 12)
    precision = rng.random()
    if precision < 0.2:
        return str(year)
    if precision < 0.55:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


def _when(rng: random.Random) -> dict:
    r = rng.random()
    if r < 0.6:
        when = {"date": _date(rng)}
    elif r < 0.75:
        a, b = sorted([_date(rng), _date(rng)])
        when = {"start": a, "end": b} if rng.random() < 0.7 else {"start": a}
    else:
        when = {"as_of_source": True}
    if rng.random() < 0.08 and "as_of_source" not in when:
        when["inferred"] = True
        when["note"] = "the article gives only an approximate time"
    return when


def _statement(rng: random.Random, w: Words, subject: Entity, others: list[Entity],
               category: str) -> str:
    """One sentence of 15-25 words about the subject, naming the others."""
    target = rng.randint(15, 25)
    words = [subject.name, rng.choice(CATEGORY_VERBS[category])]
    words += [rng.choice(["a", "its", "the"]), w.adj(), w.noun()]
    pending = list(others)
    count = sum(len(x.split()) for x in words)
    while count < target - 2:
        r = rng.random()
        if pending and r < 0.3:
            chunk = f"{rng.choice(['alongside', 'ahead of', 'against', 'with', 'after'])} " \
                    f"{pending.pop().name}"
        elif r < 0.42:
            chunk = f"in {rng.choice(PLACES)}"
        elif r < 0.5:
            chunk = rng.choice([f"by {rng.randint(2, 95)} percent",
                                f"worth {rng.randint(1, 900)} million yuan",
                                f"with {rng.randint(1, 600)} billion parameters",
                                f"in {rng.randint(2019, 2026)}"])
        elif r < 0.58:
            chunk = f"as {w.noun()} {rng.choice(['rose', 'fell', 'slowed', 'grew', 'shifted'])}"
        else:
            chunk = f"{w.prep()} {w.adj()} {w.noun()}"
        words.append(chunk)
        count += len(chunk.split())
    if pending and count < 26:
        words.append(f"and {pending.pop().name}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def make_facts(rng: random.Random, entities: list[Entity], total: int,
               sources: list[dict], per_file: int) -> list[Fact]:
    w = Words(rng)
    by_id = {e.id: e for e in entities}
    # Every entity gets a fact; the rest go to entities on a Zipf-like law, so a
    # few are in hundreds of facts (DeepSeek) and most in a handful.
    order = list(entities)
    rng.shuffle(order)
    cum = zipf_cum_weights(len(order), 1.0, 20.0)
    subjects = [order[i % len(order)] for i in range(min(total, len(order)))]
    subjects += [order[bisect.bisect(cum, rng.random() * cum[-1])]
                 for _ in range(total - len(subjects))]
    rng.shuffle(subjects)
    facts: list[Fact] = []
    counters: dict[tuple[str, str], int] = {}
    for index, subject in enumerate(subjects):
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        k = rng.choice([0, 0, 1, 1, 1, 2])
        pool = subject.neighbours or [rng.choice(entities).id]
        others = list(dict.fromkeys(by_id[rng.choice(pool)] for _ in range(k)))
        others = [o for o in others if o is not subject]
        file_no = index // per_file
        n = counters[(subject.id, category)] = counters.get((subject.id, category), 0) + 1
        fid = f"facts-{file_no:03d}.{subject.id}-{category}-{n}"
        source = rng.choice(sources)
        nature = ("forecast" if category == "outlook" and rng.random() < 0.7
                  else "analysis" if rng.random() < 0.12 else "reported")
        keywords = list(dict.fromkeys([w.noun() for _ in range(rng.randint(1, 3))]))
        if rng.random() < 0.5:
            keywords.append(subject.name)
        fact = Fact(index, fid, subject.id, [o.id for o in others], category,
                    _statement(rng, w, subject, others, category), _when(rng),
                    source["id"], rng.randint(1, source["paragraphs"]), nature, keywords)
        facts.append(fact)
        subject.facts.append(index)
    return facts


def make_sources(rng: random.Random, total: int) -> list[dict]:
    w = Words(rng)
    sources = []
    for i in range(1, total + 1):
        title = (f"{w.adj().capitalize()} {w.noun()} and the {w.adj()} {w.noun()} "
                 f"of China's AI race")
        sources.append({
            "id": f"src-{i:04d}", "title": title, "outlet": rng.choice(OUTLETS),
            # after every fact's date (2022-2025): a source reports only what came before it
            "published": f"2026-{rng.randint(1, 12):02d}", "date_inferred": rng.random() < 0.1,
            "url": f"https://news.example.com/{i:04d}/{'-'.join(title.lower().split()[:5])}",
            "record": f"seeds/src-{i:04d}.md", "paragraphs": rng.randint(12, 60),
        })
    return sources


# --- YAML --------------------------------------------------------------------

_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "~"}
_PLAIN = re.compile(r"^[A-Za-z0-9\u3400-\u9fff][A-Za-z0-9 .\-\u3400-\u9fff]*$")


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain = (_PLAIN.match(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS
             and not re.fullmatch(r"[\d.\-]+", text))
    return text if plain else json.dumps(text, ensure_ascii=False)


def _flow(items) -> str:
    return "[" + ", ".join(_scalar(i) for i in items) + "]"


def _folded(text: str, indent: str) -> str:
    lines = textwrap.wrap(text, 88 - len(indent), break_on_hyphens=False)
    return ">-\n" + "\n".join(indent + line for line in lines)


def _fact_yaml(f: Fact) -> str:
    parts = []
    for k, v in f.when.items():
        if isinstance(v, bool):
            parts.append(f"{k}: {_scalar(v)}")
        elif k == "note":
            parts.append(f"{k}: {json.dumps(v)}")
        else:
            parts.append(f'{k}: "{v}"')
    when = "{" + ", ".join(parts) + "}"
    lines = [f"  - id: {f.id}", f"    subject: {f.subject}"]
    if f.entities:
        lines.append(f"    entities: {_flow(f.entities)}")
    lines += [
        f"    category: {f.category}",
        f"    statement: {_folded(f.statement, '      ')}",
        f"    when: {when}",
        f"    cite: {{source: {f.source}, paragraph: {f.paragraph}}}",
        f"    nature: {f.nature}",
        f"    keywords: {_flow(f.keywords)}",
    ]
    return "\n".join(lines)


_ATTRIBUTE_PHRASES = {
    "release": ("latest", "Released {}"),
    "capability": ("capabilities", "Stronger {}"),
    "market": ("market", "Gaining ground on {}"),
    "strategy": ("strategy", "Betting on {}"),
}


def _entity_yaml(rng: random.Random, w: Words, e: Entity, facts: list[Fact]) -> str:
    mine = [facts[i] for i in e.facts]
    lines = [f"  - id: {e.id}", f"    name: {_scalar(e.name)}", f"    kind: {e.kind}",
             f"    chinese_name: {e.chinese_name}", f"    aliases: {_flow(e.aliases)}"]
    if e.parent:
        lines.append(f"    parent: {e.parent}")
    desc = (f"{e.name} is a {w.adj()} Chinese {e.kind} known for {w.adj()} {w.noun()} "
            f"and {w.noun()}, active in {rng.choice(PLACES)} since {rng.randint(2010, 2024)}.")
    lines.append(f"    description: {_folded(desc, '      ')}")
    if e.relations:
        lines.append("    relations:")
        for rtype, target in e.relations:
            backing = [f.id for f in mine if target in f.entities][:2] or [f.id for f in mine[:1]]
            lines += [f"      - type: {rtype}", f"        target: {target}",
                      f"        facts: {_flow(backing)}"]
    if not mine:  # only when there are fewer facts than entities
        return "\n".join(lines)
    lines.append("    attributes:")
    lines += ["      type:", f"        value: {_scalar(f'{e.kind.capitalize()} in the AI race')}",
              f"        facts: {_flow([mine[0].id])}"]
    done = set()
    for f in mine:
        slot = _ATTRIBUTE_PHRASES.get(f.category)
        if slot is None or slot[0] in done:
            continue
        done.add(slot[0])
        value = slot[1].format(f"{w.adj()} {w.noun()}")
        lines += [f"      {slot[0]}:", f"        value: {_scalar(value)}",
                  f"        facts: {_flow([f.id])}"]
    return "\n".join(lines)


def _source_yaml(s: dict) -> str:
    return "\n".join([
        f"  - id: {s['id']}", f"    title: {json.dumps(s['title'])}", f"    outlet: {s['outlet']}",
        f"    published: \"{s['published']}\"", f"    date_inferred: {_scalar(s['date_inferred'])}",
        f"    url: {s['url']}", f"    record: {s['record']}", f"    paragraphs: {s['paragraphs']}",
    ])


# --- writing -----------------------------------------------------------------


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def knowledge_dir(out: Path) -> Path:
    return out / "knowledge"


def _stamp(params: Params) -> dict:
    return {"generator_version": GENERATOR_VERSION, "params": asdict(params)}


def is_current(out: Path, params: Params) -> bool:
    """The base in `out` is what this generator would write now, untouched."""
    try:
        stamp = json.loads((out / STAMP).read_text())
    except (OSError, ValueError):
        return False
    expected = _stamp(params)
    return all(stamp.get(k) == v for k, v in expected.items()) and \
        stamp.get("digest") == _digest(knowledge_dir(out))


def generate(out: Path, params: Params) -> Path:
    """Write the base under out/knowledge, replacing whatever was there."""
    rng = random.Random(params.seed)
    entities = make_entities(rng, params.entities)
    sources = make_sources(rng, params.sources)
    facts = make_facts(rng, entities, params.facts, sources, params.facts_per_file)
    w = Words(rng)

    root = knowledge_dir(out)
    if out.exists():
        shutil.rmtree(out)
    (root / "facts").mkdir(parents=True)
    (root / "entities").mkdir()
    header = f"# Synthetic: written by bench/generate.py (version {GENERATOR_VERSION}, " \
             f"seed {params.seed}); do not edit.\n"
    (root / "sources.yaml").write_text(
        header + "sources:\n" + "\n".join(_source_yaml(s) for s in sources) + "\n", "utf-8")
    for n, start in enumerate(range(0, len(entities), params.entities_per_file)):
        chunk = entities[start : start + params.entities_per_file]
        body = "\n\n".join(_entity_yaml(rng, w, e, facts) for e in chunk)
        (root / "entities" / f"entities-{n:02d}.yaml").write_text(
            header + "entities:\n" + body + "\n", "utf-8")
    for n, start in enumerate(range(0, len(facts), params.facts_per_file)):
        chunk = facts[start : start + params.facts_per_file]
        body = "\n\n".join(_fact_yaml(f) for f in chunk)
        (root / "facts" / f"facts-{n:03d}.yaml").write_text(
            header + "facts:\n" + body + "\n", "utf-8")
    stamp = {**_stamp(params), "digest": _digest(root)}
    (out / STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
    return root


def ensure(out: Path, params: Params, force: bool = False) -> tuple[Path, bool]:
    """(knowledge directory, whether it was (re)generated)."""
    if not force and is_current(out, params):
        return knowledge_dir(out), False
    return generate(out, params), True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--entities", type=int, default=Params.entities)
    parser.add_argument("--facts", type=int, default=Params.facts)
    parser.add_argument("--seed", type=int, default=Params.seed)
    parser.add_argument("--force", action="store_true", help="regenerate even when current")
    args = parser.parse_args(argv)
    params = Params(entities=args.entities, facts=args.facts, seed=args.seed)
    out = args.out or default_out(params)
    root, made = ensure(out, params, args.force)
    print(f"{root}: {'generated' if made else 'up to date'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
