"""Answer quality on bench/questions: `python -m bench.eval` (`make eval`).

For every question of the chosen half (the test half by default), the bot
answers through `route`, exactly as `python -m bot query --json` does, and is
scored on:

* answerable: one of the facts that answer it is among the facts offered;
* first: the first fact offered is one of them;
* refusals: a question the base cannot answer gets `unanswered` or `not_found`.

Two baselines answer from the same fact texts: bm25s (top 3) and the
embedding model alone (top 3); each refuses when its best score is under a
threshold, the threshold that does best on the tuning half. The last line:
eval: answerable=A/N first=F/N refusals=R/M bm25s=A/N,F/N,R/M dense=A/N,F/N,R/M
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import yaml

from bot.core import Engine, route
from bot.core.answers import Kind
from bot.core.semantic import fact_text
from bot.knowledge import Loader
from bot.shared.settings import PROJECT_ROOT

QUESTIONS = Path(__file__).parent / "questions"
REFUSED = frozenset({Kind.UNANSWERED, Kind.NOT_FOUND})
TOP = 3


@dataclass(frozen=True, slots=True)
class Item:
    ask: str
    answers: frozenset[str]
    split: str


@dataclass(slots=True)
class Tally:
    answerable: int = 0
    first: int = 0
    refusals: int = 0
    n_answerable: int = 0
    n_unanswerable: int = 0

    def add(self, item: Item, offered: Sequence[str], refused: bool) -> bool:
        """Count one answer; True when it was right."""
        if item.answers:
            self.n_answerable += 1
            hit = not refused and bool(item.answers & set(offered))
            self.answerable += hit
            self.first += not refused and bool(offered) and offered[0] in item.answers
            return hit
        self.n_unanswerable += 1
        self.refusals += refused
        return refused

    @property
    def short(self) -> str:
        return (f"{self.answerable}/{self.n_answerable},{self.first}/{self.n_answerable},"
                f"{self.refusals}/{self.n_unanswerable}")

    @property
    def score(self) -> int:
        return self.answerable + self.refusals


def load_questions(directory: Path = QUESTIONS) -> list[Item]:
    items = []
    for path in sorted(directory.glob("*.yaml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            items.append(Item(q["ask"], frozenset(q.get("answers") or ()), q["split"]))
    return items


Ranker = Callable[[str], tuple[list[str], float]]
"""question -> (fact ids best first, the best score)"""


def bm25_ranker(engine: Engine) -> Ranker:
    ids = list(engine.kb.facts)
    corpus = [fact_text(engine.kb.facts[f], engine.kb) for f in ids]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, show_progress=False), show_progress=False)

    def rank(question: str) -> tuple[list[str], float]:
        tokens = bm25s.tokenize([question], show_progress=False)
        if not tokens.vocab:
            return [], 0.0
        docs, scores = retriever.retrieve(tokens, k=TOP, show_progress=False)
        return [ids[i] for i in docs[0]], float(scores[0][0])

    return rank


def dense_ranker(engine: Engine) -> Ranker:
    vectors = engine.vectors

    def rank(question: str) -> tuple[list[str], float]:
        scores = vectors.rows(slice(None)) @ engine.embedder.one(question)
        top = np.argsort(-scores, kind="stable")[:TOP]
        return [vectors.ids[i] for i in top], float(scores[top[0]])

    return rank


def baseline(rank: Ranker, tune: list[Item], test: list[Item]) -> tuple[Tally, float]:
    """The baseline's tally on `test` at the threshold that does best on `tune`."""
    ranked_tune = [(item, *rank(item.ask)) for item in tune]
    candidates = sorted({best for _, _, best in ranked_tune} | {0.0})

    def tally(ranked: list[tuple[Item, list[str], float]], threshold: float) -> Tally:
        t = Tally()
        for item, ids, best in ranked:
            t.add(item, ids, refused=best < threshold or not ids)
        return t

    threshold = max(candidates, key=lambda th: (tally(ranked_tune, th).score, -th))
    return tally([(item, *rank(item.ask)) for item in test], threshold), threshold


def bot_tally(engine: Engine, items: list[Item], show: bool) -> Tally:
    t = Tally()
    for item in items:
        answer = route(engine, item.ask)
        offered = [f.id for f in answer.facts]
        refused = answer.kind in REFUSED
        right = t.add(item, offered, refused)
        first_ok = not item.answers or (offered[:1] and offered[0] in item.answers)
        if show and (not right or not first_ok):
            what = "MISS" if not right else "LATE"
            print(f"{what} [{answer.kind.value}] {item.ask!r}\n     want {sorted(item.answers)}"
                  f"\n     got  {offered[:5]}")
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.eval", description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("test", "tune", "all"), default="test")
    parser.add_argument("--knowledge", type=Path, default=PROJECT_ROOT / "knowledge")
    parser.add_argument("--show", action="store_true", help="print the questions it gets wrong")
    args = parser.parse_args(argv)
    engine = Engine(Loader(args.knowledge).load())
    items = load_questions()
    tune = [i for i in items if i.split == "tune"]
    chosen = items if args.split == "all" else [i for i in items if i.split == args.split]
    bot = bot_tally(engine, chosen, args.show)
    bm25, bm25_at = baseline(bm25_ranker(engine), tune, chosen)
    dense, dense_at = baseline(dense_ranker(engine), tune, chosen)
    print(f"{args.split} half: {bot.n_answerable} answerable, {bot.n_unanswerable} unanswerable "
          f"questions over {len(engine.kb.facts)} facts")
    for name, t, note in (("bot", bot, ""), ("bm25s top-3", bm25, f" (refuses under {bm25_at:.2f})"),
                          ("dense top-3", dense, f" (refuses under {dense_at:.3f})")):
        n, m = max(t.n_answerable, 1), max(t.n_unanswerable, 1)
        print(f"  {name:12} answerable {t.answerable / n:6.1%}  first {t.first / n:6.1%}  "
              f"refusals {t.refusals / m:6.1%}{note}")
    print(f"eval: answerable={bot.answerable}/{bot.n_answerable} first={bot.first}/{bot.n_answerable} "
          f"refusals={bot.refusals}/{bot.n_unanswerable} bm25s={bm25.short} dense={dense.short}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
