"""What a question asks beyond its names: its type (when, how many, who, why),
the predicate families it touches (founding, leaders, parameters, prices...)
and whether it sets two things against each other.

This is what answerability is decided from. "What year was DeepSeek started?"
names DeepSeek, which the base knows well, and asks for a founding date, which
it may not hold: only a fact that speaks of founding, with a date, answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.linker import STOPWORDS, Linked

_NUMBER = (r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|"
           r"million|billion|trillion|half|double[sd]?|twice)\b")
NUMBER = re.compile(_NUMBER, re.I)
AMOUNT = re.compile(r"\d|[$¥€£]|\b(?:half|double[sd]?|twice|triple[sd]?|percent)\b", re.I)
_HOW_MUCH = re.compile(r"\bhow much\b|多少钱", re.I)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATED = re.compile(rf"\b(?:19|20)\d\d\b|\b(?:{_MONTHS})\b|\bq[1-4]\b", re.I)


class Wh(StrEnum):
    WHEN = "when"
    QUANTITY = "quantity"
    WHO = "who"
    WHY = "why"
    WHERE = "where"


_WH_PATTERNS: tuple[tuple[Wh, re.Pattern[str]], ...] = (
    (Wh.WHEN, re.compile(r"\bwhen\b|\b(?:what|which) (?:year|month|date|day)\b|\bhow long ago\b"
                         r"|什么时候|何时|哪年|哪一年|几月|哪天")),
    (Wh.QUANTITY, re.compile(r"\bhow (?:much|many|big|large|fast|expensive|cheap)\b"
                             r"|多少|几个|多大|多贵")),
    (Wh.WHY, re.compile(r"\bwhy\b|\bhow come\b|\bwhat (?:caused|made)\b|为什么|为何")),
    (Wh.WHERE, re.compile(r"\bwhere\b|哪里|在哪")),
    (Wh.WHO, re.compile(r"\bwho(?:m|se)?\b|\bwhich (?:company|companies|firm|lab|labs|startup|"
                        r"group|person)\b|谁|哪家|哪个公司")),
)


@dataclass(frozen=True, slots=True)
class Frame:
    """A predicate family: the question words that ask for it, what a fact
    must say to answer it, and how to say that the sources don't."""

    name: str
    asks: re.Pattern[str]
    evidence: re.Pattern[str]
    missing: str
    """completes "The sources here don't say ...", {x} being the names asked about"""


def _words(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


FRAMES: tuple[Frame, ...] = (
    Frame("release",
          re.compile(_words(r"releas\w*", r"launch\w*", r"unveil\w*", r"ship(?:s|ped)?",
                            r"came out", r"come out", r"put out", r"new models?", r"debut\w*",
                            r"announce[sd]?", r"rolled out", r"roll out", r"drop(?:ped)?")
                     + r"|发布|推出|上线"),
          re.compile(_words(r"releas\w*", r"launch\w*", r"unveil\w*", r"ship(?:s|ped)",
                            r"put out", r"rolled out", r"debut\w*", r"introduc\w*",
                            r"announc\w*", r"open-?sourc\w*", r"publish\w*", r"went live",
                            r"upgrade[sd]?", r"new (?:model|version)", r"added")),
          "what {x} released"),
    Frame("founded",
          re.compile(_words(r"found(?:ed|ing)?", r"establish(?:ed)?", r"set up", r"incorporated",
                            r"(?:get|got|was|were|gets) started", r"start(?:ed)? (?:out|up)",
                            r"begin|began|begun", r"origins?")
                     + r"|成立|创立|创办|创建"),
          re.compile(_words(r"found(?:ed|ing)", r"established?", r"set up", r"started", r"incorporated",
                            r"dates back", r"since (?:19|20)\d\d") + r"|成立|创立"),
          "when {x} was founded"),
    Frame("leader",
          re.compile(r"\bwho (?:runs|leads|heads|is in charge|is the (?:boss|head|ceo|leader))"
                     + r"|" + _words(r"ceo", r"boss", r"chief executive", r"chairm[ae]n",
                                     r"president", r"head of", r"led by", r"in charge",
                                     r"leadership") + r"|老板|首席执行官|负责人|谁领导"),
          re.compile(_words(r"ceo", r"chief executive", r"chairm[ae]n", r"president",
                            r"head(?:s|ed)? (?:of|by)", r"led by", r"leads", r"runs", r"run by",
                            r"(?:co-?)?founder", r"boss", r"in charge", r"chief scientist",
                            r"heads")),
          "who runs {x}"),
    Frame("parameters",
          re.compile(_words(r"param(?:eter)?s?", r"weights? count", r"how (?:big|large) is")
                     + r"|参数"),
          re.compile(r"\d[\d.,]*\s*(?:b|bn|billion|t|trillion|m|million)?\s*(?:total |active )?"
                     r"param|\b\d+(?:\.\d+)?\s*[bt]\b|\b\d+(?:\.\d+)?b-|\bparameters?\b", re.I),
          "how many parameters {x} has"),
    Frame("price",
          re.compile(_words(r"prices?", r"pricing", r"priced", r"costs?", r"cheap(?:er|est)?",
                            r"spen[dt]", r"spending", r"money",
                            r"expensive", r"charges?", r"fees?", r"pay", r"afford\w*",
                            r"subscription")
                     + r"|价格|多少钱|收费|便宜|贵"),
          re.compile(r"[$¥€£]|" + _words(r"usd", r"rmb", r"yuan", r"dollars?", r"cents?",
                                        r"pric\w*", r"cost\w*", r"cheap\w*", r"charg\w+",
                                        r"per (?:million|thousand) tokens", r"free",
                                        r"discount\w*", r"spen[dt]\w*", r"expens\w*",
                                        r"half as much")),
          "what {x} costs"),
    Frame("headcount",
          re.compile(_words(r"employees?", r"staff", r"headcount", r"workers?", r"workforce",
                            r"people work", r"team size", r"hire[sd]?", r"hiring", r"layoffs?")
                     + r"|员工|雇员"),
          re.compile(_words(r"employees?", r"staff", r"headcount", r"workforce", r"hired?",
                            r"hiring", r"layoffs?", r"jobs?", r"researchers", r"engineers",
                            r"team of")),
          "how many people work at {x}"),
    Frame("revenue",
          re.compile(_words(r"revenues?", r"earn(?:s|ed|ings)?", r"income", r"profits?",
                            r"profitable", r"turnover", r"make money", r"making money")
                     + r"|营收|收入|利润|赚钱"),
          re.compile(_words(r"revenues?", r"sales", r"earn\w*", r"income", r"profit\w*",
                            r"turnover")),
          "{x}'s revenue"),
    Frame("users",
          re.compile(_words(r"users?", r"downloads?", r"downloaded", r"subscribers?", r"mau",
                            r"dau", r"customers?", r"how popular", r"popularity")
                     + r"|用户|下载"),
          re.compile(_words(r"users?", r"downloads?", r"downloaded", r"subscribers?",
                            r"monthly active", r"daily active", r"customers?", r"app stores?",
                            r"most downloaded", r"top of", r"topped", r"clients?",
                            r"enterprises")),
          "how many users {x} has"),
    Frame("valuation",
          re.compile(_words(r"valuation", r"valued", r"worth", r"market caps?",
                            r"market value") + r"|估值|市值"),
          re.compile(_words(r"valuation", r"valued", r"worth", r"market (?:cap\w*|value)",
                            r"ipo", r"raised", r"shares?")),
          "what {x} is worth"),
    Frame("funding",
          re.compile(_words(r"funding", r"funded", r"fund(?:s|ed)? by", r"raised?", r"raising",
                            r"investors?", r"invested", r"invests?", r"backers?", r"backed",
                            r"financ\w+") + r"|融资|投资"),
          re.compile(_words(r"fund\w*", r"raised?", r"raising", r"invest\w*", r"backers?",
                            r"backed", r"stake", r"ipo", r"listing", r"offering", r"shareholders?",
                            r"capital", r"financ\w+")),
          "who funds {x}"),
    Frame("benchmark",
          re.compile(_words(r"benchmarks?", r"scores?", r"scored", r"leaderboards?",
                            r"rank(?:s|ed|ing)?", r"elo", r"evals?", r"evaluations?")
                     + r"|跑分|得分|评测"),
          re.compile(r"%|" + _words(r"benchmarks?", r"scores?", r"scored", r"mmlu", r"aime",
                                    r"gpqa", r"swe-?bench", r"leaderboards?", r"rank\w*",
                                    r"points", r"outperform\w*", r"beats?", r"matches",
                                    r"on par", r"tops?", r"topped", r"elo")),
          "{x}'s benchmark results"),
    Frame("location",
          re.compile(_words(r"based", r"headquarter(?:s|ed)?", r"hq", r"which city",
                            r"where is", r"located") + r"|总部|在哪"),
          re.compile(_words(r"based in", r"headquarter\w*", r"hangzhou", r"beijing", r"shanghai",
                            r"shenzhen", r"guangzhou", r"from (?:hangzhou|beijing|shanghai)",
                            r"located")),
          "where {x} is based"),
    Frame("license",
          re.compile(_words(r"licen[cs]e[sd]?", r"open[- ]?source[sd]?", r"open weights?",
                            r"open[- ]weight", r"proprietary", r"closed[- ]source") + r"|开源|许可"),
          re.compile(_words(r"licen[cs]\w*", r"open[- ]?sourc\w*", r"open weights?",
                            r"open[- ]weight", r"openly", r"mit", r"apache", r"proprietary",
                            r"closed")),
          "{x}'s licence"),
    Frame("plan",
          re.compile(_words(r"going to", r"gonna", r"plans?", r"planning", r"planned",
                            r"intends?", r"intending", r"aims?", r"targets?", r"roadmap",
                            r"next year", r"future", r"upcoming", r"coming out", r"will")
                     + r"|计划|打算|将要|未来"),
          re.compile(_words(r"plans?", r"planned", r"planning", r"will", r"aims?", r"targets?",
                            r"intends?", r"roadmap", r"expects?", r"forecast", r"by 20\d\d",
                            r"upcoming", r"next", r"coming", r"later")),
          "what {x} plans"),
    Frame("context-length",
          re.compile(_words(r"context (?:window|length)s?", r"long[- ]context",
                            r"how long (?:a|an) (?:input|prompt)") + r"|上下文"),
          re.compile(_words(r"context", r"\d+k", r"tokens? long", r"long[- ]context",
                            r"window")),
          "{x}'s context length"),
)

FOUNDED = next(f for f in FRAMES if f.name == "founded")
_BEGINNINGS = frozenset({"start", "started", "starts", "begin", "began", "created", "formed",
                         "year"})
_WEAK = frozenset("""actually really exactly meant mean means used use using currently now today
recently anyone someone stuff kind sort main basically officially even ever still yet also
just ok okay count number amount figure total exact roughly approximately around about
first""".split())
_OVERVIEW = frozenset("""what whats who is are was tell me about explain describe the a an info
information on please know do you anything overview summary of us give introduce 是 什 么 谁 介 绍
一 下 的 吗 呢 ? ! .""".split())
_PARTICLES = frozenset("的了吗呢吧啊是么什有和与跟")

_COMPARE = re.compile(r"\b(?:vs\.?|versus|compared? (?:to|with)|against|difference between|"
                      r"differences between|differ|better|best|stronger|weaker|ahead|behind|"
                      r"beat|beats|winning|cheaper|faster|smarter|bigger|or)\b|和.*比|比较|对比"
                      r"|哪个(?:更)?好|谁更")
_WH_WORDS = frozenset("""what whats which who whom whose when where why how is are was were do
does did can could would should will tell me about please explain describe list show any
anything there know much many year years month date day ago long""".split())
_COMPARISON_WORDS = frozenset("""vs versus compare compared comparison difference differences
between against or and better best which stronger weaker ahead behind beat beats winning
who whose more less than""".split())


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    linked: Linked
    wh: Wh | None
    frames: tuple[Frame, ...]
    predicate: tuple[str, ...]
    """the content words beyond names and question words"""
    compares: bool
    """the question sets two or more named things against each other"""
    residual: tuple[str, ...] = ()
    """the predicate words a fact must speak of, weak words ("actually") and
    comparison words left out: "coding" in "which is better at coding"."""

    @property
    def just_names(self) -> bool:
        """The question is a name and words that ask for an overview ("deepseek",
        "tell me about qwen", "who is liang wenfeng"): what `about` answers."""
        return self.names_only and all(t in _OVERVIEW for t in self.linked.free)

    @property
    def names_only(self) -> bool:
        """Nothing asked beyond the names ("deepseek?", "tell me about qwen",
        "深度求索是什么")."""
        cjk = [t for t in self.linked.free if not t.isascii() and t not in _PARTICLES]
        return not self.predicate and self.wh is None and not self.frames and not cjk


def parse(text: str, linked: Linked) -> Question:
    lowered = text.casefold()
    # Names are not predicates: "Kimi K2 Thinking" must not ask for thinking.
    # Strip the names' words before looking for predicate words.
    free_text = " ".join(linked.free)
    cjk = "".join(t for t in linked.tokens if not t.isascii())
    probe = f"{free_text} {cjk}"
    wh = next((w for w, pattern in _WH_PATTERNS if pattern.search(probe)), None)
    frames = tuple(f for f in FRAMES if f.asks.search(probe))
    if len(frames) > 1:  # "what licence is it released under": the licence is asked
        frames = tuple(f for f in frames if f.name != "release")
    predicate = tuple(w for w in dict.fromkeys(linked.free)
                      if w.isascii() and w not in STOPWORDS and w not in _WH_WORDS)
    compares = len(set(linked.entity_ids)) >= 2 and bool(_COMPARE.search(lowered))
    if wh is Wh.WHEN and not frames and set(predicate) <= _BEGINNINGS:
        frames = (FOUNDED,)  # "what year did DeepSeek start"
    residual = tuple(w for w in predicate if w not in _WEAK
                     and not (compares and w in _COMPARISON_WORDS))
    return Question(text, linked, wh, frames, predicate, compares, residual)


def pure_comparison(question: Question) -> bool:
    """"qwen vs deepseek", "compare baidu and tencent", "which is better, X or Y":
    a comparison with nothing more specific asked, which `compare` answers."""
    rest = [w for w in question.predicate if w not in _COMPARISON_WORDS]
    return question.compares and not rest and not question.frames and question.wh is None


def answers_shape(question: Question, statement: str, dated: bool) -> bool:
    """Whether a fact has what the question's type needs: a date for "when", a
    figure for "how many". (Not a cause for "why": causes are told in too many
    ways, "named after", "to fix"; meaning and words must find them.)"""
    if question.wh is Wh.WHEN:
        return dated or bool(DATED.search(statement))
    if question.wh is Wh.QUANTITY:
        if _HOW_MUCH.search(question.text):  # an amount: a figure, not "three years"
            return bool(AMOUNT.search(statement))
        return bool(NUMBER.search(statement))
    return True


def has_evidence(question: Question, text: str) -> bool:
    """Every predicate family the question asks for is spoken of in the fact."""
    return all(f.evidence.search(text) for f in question.frames)
