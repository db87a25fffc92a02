"""Which words of a question are names: what the gaps report lists as "add this".

A report of unknown words is useless when it is mostly English ("chips",
"controls", "hello"): each line costs a maintainer a look. So a word counts as
a name only on a real signal: it mixes letters and digits ("r1", "v3", "4o"),
it is written with a capital where a sentence does not start ("what about
Kimi"), it is Chinese, or it is not an English word at all ("zhipu"), checked
against two dictionaries (Webster's 2nd and GCIDE, from the `english-words`
package, with plural and -ed/-ing/-er forms folded back to their stem).
"""

from __future__ import annotations

import functools
import re

from bot.core import Answer, Engine, Kind
from bot.core.linker import STOPWORDS
from bot.core.router import NAMES as COMMAND_NAMES
from bot.shared.normalize import is_cjk, normalize

NOT_NAMES = frozenset("""
ai agi llm llms gpu gpus cpu api apis ceo cfo cto coo ipo ipos etf us usa uk eu un pc app apps
chatbot chatbots inc ltd corp plc ok okay hi hey lol pls thx thanks vs etc eg ie bn
""".split())
"""capitalised or not, these are abbreviations or chat, never a missing entity"""

MAX_NAME = 40
"""a longer "word" is a keyboard mash or a pasted blob, not a name"""
_UNITS = re.compile(r"\d+(?:st|nd|rd|th|s|x|k|m|b|bn|t|tn|gb|tb|mb|d|h|am|pm|ms|yr|yrs)$")
_WORD = re.compile(r"[^\W_]+")
_CJK_GAP = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]) "
                      r"(?=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff])")

ANSWERED_NOTHING = frozenset({"not_found", "unanswered", "no_facts"})
"""answer kinds that said the base has nothing on it"""
NOT_QUESTIONS = frozenset({Kind.HELP.value, Kind.USAGE_ERROR.value})


@functools.cache
def english() -> frozenset[str]:
    """The dictionaries' words, lower case (about 0.2 s to load, once)."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2", "gcide"], alpha=True, lower=True))


def _stems(word: str) -> list[str]:
    """The dictionaries list headwords: "controls", "released", "cheaper" are there
    only as "control", "release", "cheap"."""
    out = []
    for suffix, replacements in (("ies", ("y",)), ("es", ("",)), ("s", ("",)),
                                 ("ied", ("y",)), ("ed", ("", "e")), ("ing", ("", "e")),
                                 ("er", ("", "e")), ("est", ("", "e")), ("ly", ("",))):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            out += [stem + r for r in replacements]
            if len(stem) > 2 and stem[-1] == stem[-2]:  # "cutting", "shipped"
                out.append(stem[:-1])
    return out


def is_english(word: str) -> bool:
    words = english()
    return word in words or any(s in words for s in _stems(word))


def capitalised(query: str) -> frozenset[str]:
    """The words of a query written with a capital, but not its first word (which
    any sentence capitalises) and nothing when it is all in capitals."""
    if not any(c.islower() for c in query):
        return frozenset()
    words = _WORD.findall(query)[1:]
    return frozenset(normalize(w) for w in words if any(c.isupper() for c in w))


def word_is_name(word: str, capitals: frozenset[str] = frozenset()) -> bool:
    """One normalised word; `capitals`: `capitalised(query)` of the query it came from."""
    if not 2 <= len(word) <= MAX_NAME or word.isdigit() or word in STOPWORDS or word in NOT_NAMES:
        return False
    if any(c.isdigit() for c in word):
        return any(c.isalpha() for c in word) and not _UNITS.fullmatch(word)
    if word in capitals:
        return True
    return len(word) >= 3 and not is_english(word)


def is_name(name: str, query: str = "") -> bool:
    """A name as the log keeps it (normalised, possibly several words, Chinese
    characters spaced): is it worth a maintainer's look?"""
    if any(is_cjk(c) for c in name):
        return True
    capitals = capitalised(query)
    return any(word_is_name(w, capitals) for w in name.split())


def display(name: str) -> str:
    """Chinese characters are kept spaced in the log (one token each): not on screen."""
    return _CJK_GAP.sub("", name)


def left_out(engine: Engine, answer: Answer) -> tuple[str, ...]:
    """Names in the question that no part of the answer used or reported as
    unknown: "deepseek r1" answers about DeepSeek and says nothing of R1."""
    if answer.kind in NOT_QUESTIONS or not answer.query.strip():
        return ()
    linked = engine.linker.link(answer.query)
    capitals = capitalised(answer.query)
    # "Acme R1", as ask reports a version the base lacks, covers the free word "r1"
    reported = {w for name in answer.unknown for w in normalize(name).split()}
    return tuple(dict.fromkeys(
        w for w in linked.free
        if not is_cjk(w) and w not in COMMAND_NAMES and w not in reported
        and word_is_name(w, capitals)))
