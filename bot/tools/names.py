"""Names the fact base does not know yet, proposed as ready-to-edit entities.

A proposal is an entity entry with a guessed kind (from the name's shape and
the words around it), its aliases (a Chinese name in brackets, "known as X"),
a TODO description the maintainer must write, and where it was seen. Junk is
the expensive failure here, since each proposal costs a maintainer a decision,
so the finder drops sentence-initial ordinary words, single letters ("B" from
"200B", "U" and "S" from "U.S."), datelines ("HONG KONG:") and common
abbreviations (CEO, AI, GPU).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from bot.core.linker import STOPWORDS

# A name: capitalised words (or words with a capital and a digit: "H20",
# "GLM-4.5", "Seed-Thinking-v1.5"), dots allowed inside before a digit, with
# short version numbers allowed after ("ERNIE 4.5 Turbo", "Qwen 3").
_L = r"[A-Za-z0-9_\u00c0-\u024f]"  # letters of Latin script: a name stops at Chinese text
_WORD = rf"(?:[A-Z](?:{_L}|[\-’'])*(?:\.\d(?:{_L}|-)*)*|\d{3}[AC-JL-SU-Z](?!\w))(?<![’'\-])"
_VERSION = r"(?:v?\d{1,2}(?:\.\d+)*[A-Za-z]*|\d{3}[A-Z])(?![\w.%])"
NAME_RE = re.compile(rf"(?<![\w.$])(?:{_WORD})"
                     rf"(?:[ \t]+(?:of[ \t]+)?(?:{_WORD}|{_VERSION}(?=[ \t]+[A-Z]|\W|$)))*")
_LOWER_RE = re.compile(r"(?<![\w-])[a-z][\w-]*")
_POSSESSIVE_RE = re.compile(r"[’']s?$")

# Capitalised words that are never a name on their own: months, days, titles,
# common abbreviations and units.
NOT_NAMES = frozenset([*(w.casefold() for w in (*calendar.month_name[1:], *calendar.day_name)),
                       *"""mr mrs ms dr prof sir ceo cfo cto coo chairman chief president founder
ai agi asi rl sft moe rlhf sota cot dpo ppo grpo mla mtp fp8 bf16
gpu gpus cpu api apis llm llms ipo ipos etf us u.s uk eu un tokens token q1 q2 q3 q4 pc app
apps chatbot chatbots inc ltd co corp group plc the a an it its his her their this that these
those we our they i he she tech cloud bot""".split()])
# Capitalised only because they open a sentence; the article's own lower-case
# words catch most of these, this list catches the rest.
_OPENERS = frozenset("""however meanwhile analysts yet still instead despite although though while since
according earlier later last next shares executives officials critics experts observers people many
several most some others another one two three both either neither even indeed overall backed
during unlike like after before when if as but and so such under from by to at in on for with
there here what why how where who whose which whether because once until unless whereas besides
also already now then today yesterday tomorrow new chinese american global local investors users
developers customers researchers furthermore moreover additionally throughout note notes metric
finally first second third currently previously""".split())

_COMPANY_SUFFIX = re.compile(r"\b(?:Inc|Group|Ltd|Limited|Technologies|Technology|Tech|Co|Corp|"
                             r"Corporation|Holdings?|Labs?|Intelligence|AI|Capital|Ventures|"
                             r"Partners|Securities|Bank|Semiconductor|Electronics)\.?$")
_REGULATOR_WORDS = re.compile(r"\b(?:Administration|Ministry|Commission|Department|Bureau|Council|"
                              r"Regulator|Authority|Office|Agency|State Council|Congress|Senate)\b")
_ORG_WORDS = re.compile(r"\b(?:University|Institute|Academy|Association|Foundation|Exchange|"
                        r"Alliance|Centre|Center|School|Laboratory)\b")
_CHIP_RE = re.compile(r"^(?:[A-Z]{1,2}\d{2,4}[A-Z]?|\d{3}[A-Z]|Ascend(?: \w+)?|Kunlun\w*)$")
_TITLE_RE = re.compile(r"\b(?:CEO|chief executive|founder|co-founder|chairman|chairwoman|president|"
                       r"analyst|director|head|professor|researcher|executive|spokesperson|"
                       r"spokesman|spokeswoman|minister|secretary|engineer|scientist|partner|"
                       r"manager|officer|economist|strategist|investor|CTO|CFO)\b", re.IGNORECASE)
_MODEL_CONTEXT = re.compile(r"\b(?:model|models|LLM|chatbot|reasoning|open-source|open-weight|"
                            r"benchmark|parameters|version)\b", re.IGNORECASE)
_COMPANY_CONTEXT = re.compile(r"\b(?:company|firm|start-?up|group|giant|maker|developer|"
                              r"lab|unicorn|rival|backed|listed|shares)\b", re.IGNORECASE)
_PLACE_WORDS = frozenset("""beijing shanghai shenzhen hangzhou guangzhou wuhan hong kong china
taiwan singapore japan korea india europe america asia washington london tokyo silicon valley
abu dhabi dubai paris seoul united states mainland""".split())


_CJK = "\u3400-\u4dbf\u4e00-\u9fff"


@dataclass(frozen=True, slots=True)
class Words:
    """What the whole article tells about a capitalised word at a sentence's start."""

    capitalised_inside: frozenset[str]
    """capitalised somewhere other than a sentence's start: a name"""
    lowercase: frozenset[str]
    """written in lower case somewhere: an ordinary word"""

    @classmethod
    def of(cls, sentences: list[str]) -> Words:
        inside: set[str] = set()
        for sentence in sentences:
            for m in NAME_RE.finditer(sentence):
                words = m.group(0).split()
                inside.update(words[1:] if at_start(sentence, m.start()) else words)
        lower = {w for s in sentences for w in _LOWER_RE.findall(s)}
        return cls(frozenset(inside), frozenset(lower))

    def opener(self, word: str) -> bool:
        """Is this sentence-initial word an ordinary word rather than a name?"""
        if word in self.capitalised_inside or _namey(word):
            return False
        folded = word.casefold()
        return (folded in self.lowercase or folded in _OPENERS or folded in STOPWORDS
                or folded.endswith(("ly", "ed", "ing")))


def _namey(word: str) -> bool:
    """Shaped like a name whatever its position: a digit or an inner capital ("DeepSeek", "R1")."""
    return any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:])


def at_start(sentence: str, index: int) -> bool:
    return not sentence[:index].strip(" \"“‘'(—-")


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    start: int
    end: int


def capitalised_names(sentence: str, known_words: frozenset[str], words: Words) -> list[Name]:
    """Runs of capitalised words that might be names, with their place. A
    sentence's first word is dropped when it looks like an ordinary word (see
    Words.opener); runs made only of words the base or English already knows
    ("The", "Chinese", "March") are not names; nor are single letters, a
    dateline in capitals ("HONG KONG:") or common abbreviations."""
    names = []
    for run, start in _runs(sentence):
        if at_start(sentence, start) and words.opener(_POSSESSIVE_RE.sub("", run[0])):
            start += len(run[0]) + 1
            run = run[1:]
        while run and (run[0].casefold() in STOPWORDS or (run[0].casefold() in NOT_NAMES
                       and not _namey(run[0]))):
            start += len(run[0]) + 1
            run = run[1:]
        while run and _POSSESSIVE_RE.search(run[-1]) is None and run[-1].casefold() in STOPWORDS:
            run = run[:-1]
        while len(run) > 1 and any(_namey(w) for w in run[:-1]) and not _namey(run[-1]) \
                and run[-1].casefold() in words.lowercase:
            run = run[:-1]  # "Seed-Thinking-v1.5 Performance", a heading's capital
        if not run:
            continue
        text = _POSSESSIVE_RE.sub("", " ".join(run)) if run[-1][-2:] in ("’s", "'s") else " ".join(run)
        text = text.rstrip("’'")
        after = sentence[start + len(" ".join(run)):][:1]
        if (len(text) < 2 or (text.isupper() and after in (":", "$"))
                or _ADJECTIVE_RE.search(text)):
            continue
        if all(w in _PLACE_WORDS for w in text.casefold().split()):
            continue  # a place: an entity only if the maintainer adds one
        if re.search(rf"[{_CJK}]", sentence) and re.fullmatch(r"[A-Z][a-z]+", text):
            continue  # "Minimal、Low、High" in Chinese text: English words, not names
        if all((w.casefold() in known_words and not _namey(w)) or w.casefold() in NOT_NAMES
               for w in text.split()):
            continue
        names.append(Name(text, start, start + len(text)))
    return names


_ADJECTIVE_RE = re.compile(r"-(?:like|based|backed|style|owned|led|made|linked|era|level|class|grade|"
                           r"scale)$", re.IGNORECASE)


def _runs(sentence: str) -> list[tuple[list[str], int]]:
    """The NAME_RE runs of a sentence as (words, start), cut after a
    possessive: "Abu Dhabi’s sovereign" gives "Abu Dhabi’s", and "China’s AI
    sector" gives "China’s" and "AI"."""
    out = []
    for m in NAME_RE.finditer(sentence):
        run, start = [], m.start()
        for word in m.group(0).split():
            head = " ".join(run)
            if word == "of" and not (_REGULATOR_WORDS.search(head) or _ORG_WORDS.search(head)):
                out.append((run, start))  # "of" joins only "Ministry of ...", "University of ..."
                start += len(" ".join(run)) + 4
                run = []
                continue
            run.append(word)
            if word.endswith(("’s", "'s")):
                out.append((run, start))
                start += len(" ".join(run)) + 1
                run = []
        if run:
            out.append((run, start))
    return out


def slug(name: str) -> str:
    """An entity id from a name: "GLM-4.5 Air" -> "glm-4-5-air"."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "todo"


def guess_kind(name: str, context: str) -> tuple[str, str]:
    """(kind, why) for a name, from its shape, then the words around it."""
    before = context[: max(context.find(name), 0)]
    after = context[context.find(name) + len(name):] if name in context else ""
    chip_after = re.search(r"\bchips?\b|\bGPUs?\b|\baccelerators?\b", after[:40])
    if _CHIP_RE.match(name) or (chip_after and any(c.isdigit() for c in name)):
        return "chip", "shaped like a chip name or followed by 'chip'"
    if _REGULATOR_WORDS.search(name):
        return "regulator", "an administration, ministry, commission or similar"
    if _COMPANY_SUFFIX.search(name):
        return "company", "ends in Inc, Group, Ltd, Technologies or similar"
    if _ORG_WORDS.search(name):
        return "organisation", "a university, institute or similar"
    near = before[-40:] + " " + after[:40]
    words = name.split()
    if (len(words) in (2, 3) and all(w[:1].isupper() and w[1:].islower() for w in words)
            and (_TITLE_RE.search(near) or re.search(r"\bsaid\b|\bsays\b|\btold\b", near))):
        return "person", "a first and last name next to a title or 'said'"
    if name.casefold() in _PLACE_WORDS:
        return "country", "a place name: probably not worth an entity"
    if any(c.isdigit() for c in name) or re.search(r"\bv\d", name) or _MODEL_CONTEXT.search(after[:30]):
        return "model", "a name with a version number or followed by 'model'"
    if _COMPANY_CONTEXT.search(near):
        return "company", "next to 'company', 'firm', 'start-up' or similar"
    if _MODEL_CONTEXT.search(near):
        return "model", "next to 'model' or similar"
    return "company", "no cue: a guess"


def aliases_in(name: str, text: str) -> tuple[str | None, list[str]]:
    """(Chinese name, aliases) the article gives for a name: "Zhipu (智谱)",
    "智谱 (Zhipu)", "Knowledge Atlas, known as Zhipu", "Z.ai (Zhipu)"."""
    esc = re.escape(name)
    chinese, aliases = None, []
    m = re.search(rf"{esc}[’']?s?\s*[（(]([^()（）]{{1,40}})[)）]", text)
    if m:
        inner = m.group(1).strip()
        cjk = re.search(rf"[{_CJK}][{_CJK}·]*", inner)
        if cjk and len(cjk.group(0)) >= 2:
            chinese = cjk.group(0)
        elif re.fullmatch(r"[A-Z][\w.\- ]{1,30}", inner) and inner != name:
            aliases.append(inner)
    m = re.search(rf"([{_CJK}]{{2,12}})\s*[（(]\s*{esc}\s*[)）]", text)
    if m and chinese is None:
        chinese = m.group(1)
    m = re.search(rf"{esc},? (?:\(?also |better |widely )?(?:known|called|branded|dubbed) as "
                  r"([A-Z][\w.\-]*(?: [A-Z][\w.\-]*)*)", text)
    if m:
        aliases.append(m.group(1))
    return chinese, list(dict.fromkeys(a for a in aliases if a != name))


@dataclass(slots=True)
class Proposal:
    """A candidate new entity, as the draft writes it."""

    name: str
    kind: str
    why: str
    chinese_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    seen: list[dict[str, object]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return slug(self.name)

    def entry(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "name": self.name, "kind": self.kind}
        if self.chinese_name:
            out["chinese_name"] = self.chinese_name
        if self.aliases:
            out["aliases"] = self.aliases
        out["description"] = "TODO: one sentence saying what it is"
        out["kind_guess"] = self.why
        out["seen"] = self.seen
        return out
