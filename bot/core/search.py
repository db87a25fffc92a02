"""Word-level retrieval over fact statements: the "what is this question about"
half of `ask`, the other half being the entities the linker finds."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from itertools import chain
from typing import NamedTuple
from zlib import crc32

from bot.knowledge import KnowledgeBase
from bot.knowledge.schema import Fact
from bot.shared.normalize import is_cjk, normalize, tokens, tokens_uncached

_SUFFIXES = (("ies", "y"), ("ing", ""), ("ers", "er"), ("ed", ""), ("es", ""), ("s", ""), ("e", ""))
_DIGITS = re.compile(r"^\d+$")


def stem(word: str) -> str:
    """Light stemming so that investors/investor and released/release meet;
    deliberately crude: it only has to map a question's word and a fact's word
    to the same key, not produce a real root."""
    if len(word) <= 3 or _DIGITS.match(word):
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


# Chinese question words, mapped to the English words facts are written in, so
# a mixed-language question ("DeepSeek 发布了什么？") finds facts by topic too.
CHINESE_WORDS = {
    "发布": "release", "推出": "launch", "上线": "launch", "升级": "upgrade", "模型": "model",
    "股价": "shares", "股票": "shares", "股份": "shares", "上市": "listing", "首日": "debut",
    "投资者": "investors", "投资人": "investors", "融资": "funding", "估值": "valuation",
    "市场": "market", "竞争": "competition", "对手": "rivals", "政府": "government",
    "合同": "contracts", "云": "cloud", "推理": "reasoning", "编程": "coding", "代码": "coding",
    "手机": "phones", "图像": "images", "音频": "audio", "视频": "video", "开源": "open",
    "开发者": "developers", "用户": "users", "医疗": "healthcare", "教育": "education",
    "国家安全": "security", "能力": "capabilities", "落后": "lag", "翻倍": "doubled",
    "出口": "export", "允许": "allow", "批准": "approved", "禁止": "ban", "限制": "restrictions",
    "芯片": "chips", "显卡": "gpus", "算力": "compute", "训练": "training", "成本": "cost",
    "价格": "price", "便宜": "cheaper", "收入": "revenue", "营收": "revenue", "利润": "profit",
    "亏损": "losses", "员工": "employees", "创始人": "founder", "成立": "founded",
    "创立": "founded", "出生": "born", "总部": "headquarters", "参数": "parameters",
    "上下文": "context", "基准": "benchmark", "得分": "score", "跑分": "score", "排名": "ranking",
    "第一": "first", "论文": "paper", "下载": "downloads", "应用": "app", "排行榜": "charts",
    "生效": "effective", "标识": "label", "标签": "label", "规定": "rules", "办法": "measures",
    "法规": "rules", "监管": "regulation", "指导意见": "guideline", "智能体": "agents",
    "代理": "agents", "多模态": "multimodal", "数学": "maths", "速度": "speed", "更快": "faster",
    "更好": "better", "强": "strong", "超过": "beats", "击败": "beats", "领先": "leads",
    "部门": "departments", "重组": "reorganisation", "负责": "leads", "计划": "plan",
    "路线图": "roadmap", "数据": "data", "令牌": "tokens", "词元": "tokens", "许可": "license",
    "跌": "fell", "暴跌": "plunge", "涨": "rose", "上涨": "rose", "市值": "market value",
}
_CHINESE_RE = re.compile("|".join(sorted(CHINESE_WORDS, key=len, reverse=True)))


def chinese_words(text: str) -> list[str]:
    """English equivalents of the Chinese question words in (normalised) text."""
    return [CHINESE_WORDS[m] for m in _CHINESE_RE.findall(text)] if not text.isascii() else []


def terms(text: str, stopwords: frozenset[str]) -> set[str]:
    return {stem(t) for t in tokens(normalize(text)) if t not in stopwords and not is_cjk(t)}


def _term(word: str, stopwords: frozenset[str]) -> str:
    """A word's index term, or "" for one the index leaves out."""
    return "" if word in stopwords or is_cjk(word) else stem(word)


# Facts are indexed in runs ("chunks") whose ends depend only on the ids at
# them, so the runs of files that did not change come out the same after a
# reload wherever the changed file is; about 2,000 facts per run.
_CHUNK_MASK = 2047


class _Chunk(NamedTuple):
    facts: list[Fact]
    postings: dict[str, list[str]]
    """term -> ids of the run's facts that have it, in order"""
    words: frozenset[str]
    """every word of the run's statements and keywords"""


def _words(fact: Fact) -> list[str]:
    """The tokens of the statement and keywords. Normalising them joined by
    spaces gives the tokens of each, one after the other."""
    return tokens_uncached(" ".join((fact.statement, *fact.keywords)))


def _chunk(facts: list[Fact], ids: list[str], term_of: dict[str, str],
           stopwords: frozenset[str]) -> _Chunk:
    """The postings and words of a run of facts: for each, the terms of
    `" ".join((statement, category, *keywords))`."""
    get_term = term_of.get
    by_category: dict[str, set[str]] = {}
    postings: dict[str, list[str]] = defaultdict(list)
    vocabulary: set[str] = set()
    for fid, fact in zip(ids, facts, strict=True):
        words = _words(fact)
        vocabulary.update(words)
        found = set(map(get_term, words))
        if None in found:  # words never seen before
            for word in words:
                if word not in term_of:
                    term_of[word] = _term(word, stopwords)
            found = set(map(get_term, words))
        extra = by_category.get(fact.category)
        if extra is None:
            extra = by_category[fact.category] = terms(fact.category, stopwords)
        found |= extra
        found.discard("")
        for term in found:
            postings[term].append(fid)
    return _Chunk(facts, dict(postings), frozenset(vocabulary))


class TermIndex:
    """Inverted index from stemmed word to fact ids, with IDF weights; words in
    more than a twentieth of all facts say next to nothing about a question (and
    would make it score thousands of facts), so they are dropped."""

    def __init__(self, kb: KnowledgeBase, stopwords: frozenset[str],
                 previous: TermIndex | None = None) -> None:
        """`previous`, the index of the base this one replaces, is reused where it
        can be: the Loader hands back the very same Fact objects for files that did
        not change, so a reload analyses only the runs of facts that hold a changed one."""
        self.stopwords = stopwords
        reuse = previous is not None and previous.stopwords == stopwords
        self.term_of: dict[str, str] = previous.term_of if reuse else {}
        """word -> its index term, "" for a word the index leaves out: each
        distinct word is stemmed once, not once per fact"""
        old_chunks = previous.chunks if reuse else {}
        facts, ids = list(kb.facts.values()), list(kb.facts)
        # crc32, not hash(): the runs must end at the same ids in every process,
        # since an index read back from the start-up cache is reused by reloads
        cuts = [i for i, fid in enumerate(ids) if not crc32(fid.encode()) & _CHUNK_MASK]
        chunks: dict[str, _Chunk] = {}
        for start, end in zip([0, *cuts], [*cuts, len(ids)], strict=True):
            if start == end:
                continue
            run = facts[start:end]
            chunk = old_chunks.get(ids[start])
            if chunk is None or chunk.facts != run:  # same objects: compared by identity
                chunk = _chunk(run, ids[start:end], self.term_of, stopwords)
            elif chunk.facts is not run:
                chunk = chunk._replace(facts=run)  # equal facts: keep the new objects
            chunks[ids[start]] = chunk
        self.chunks = chunks
        """id of a run's first fact -> the run"""
        runs: dict[str, list[list[str]]] = {}  # term -> its ids in each run, in order
        for chunk in chunks.values():
            for term, fids in chunk.postings.items():
                lists = runs.get(term)
                if lists is None:
                    runs[term] = [fids]
                else:
                    lists.append(fids)
        # Every word of every statement and keyword: the Engine's vocabulary.
        self.words = frozenset().union(*(c.words for c in chunks.values()))
        total = max(len(kb.facts), 1)
        limit = max(total // 20, 25)
        self.postings = {t: tuple(chain.from_iterable(lists)) for t, lists in runs.items()
                         if sum(map(len, lists)) <= limit}
        self.idf = {t: math.log(1 + total / len(ids)) for t, ids in self.postings.items()}

    def score(self, words: list[str]) -> tuple[dict[str, float], set[str]]:
        """(fact id -> summed IDF of the question's words it contains, words matched)."""
        scores: dict[str, float] = defaultdict(float)
        matched = set()
        for term in {stem(w) for w in words if w not in self.stopwords and not is_cjk(w)}:
            ids = self.postings.get(term)
            if not ids:
                continue
            matched.add(term)
            weight = self.idf[term]
            if not scores:  # the first word's facts in one go (0.0 + weight is weight)
                scores.update(dict.fromkeys(ids, weight))
                continue
            # Sums in the same order as one += per word: the same floats.
            common = scores.keys() & ids
            added = dict.fromkeys(ids, weight)
            for fid in common:
                added[fid] = scores[fid] + weight
            scores.update(added)
        return scores, matched
