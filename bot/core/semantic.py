"""Semantic matching: fact statements and questions as vectors, so that "who is
cutting prices" meets a fact about a price war although no word is shared.

The model is WordLlama's 256-dimension L2 "supercat" embedding, which its PyPI
wheel carries (weights and tokenizer), so it runs with no network. Its own
loader looks for the tokenizer under `tokenizer/` while the wheel ships it under
`tokenizers/`, and importing the package calls `logging.basicConfig` as a side
effect; so this module finds the two files in the installed wheel without
importing it and does what `WordLlamaInference.embed` does (mean of the token
vectors, then unit length) with the same tokenizers and safetensors libraries.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from bot.knowledge import KnowledgeBase
from bot.knowledge.schema import Fact

MODEL = "wordllama l2_supercat 256"
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
BATCH = 1024
STORED = np.float16
"""how fact vectors are kept: half the memory of float32, and the ranking they
give is the same to three decimals"""


class ModelMissing(RuntimeError):
    """The wordllama wheel is not installed, or lacks its data files."""


def wheel_files() -> tuple[Path, Path]:
    """(weights, tokenizer) inside the installed wordllama wheel."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("the wordllama package is not installed (pip install wordllama)")
    root = Path(next(iter(spec.submodule_search_locations)))
    weights, tokenizer = root / _WEIGHTS, root / _TOKENIZER
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ModelMissing(f"wordllama's wheel has no {path.relative_to(root)}")
    return weights, tokenizer


class Embedder:
    """Texts to unit vectors. Deterministic: the same text, the same vector."""

    def __init__(self, weights: Path, tokenizer: Path) -> None:
        self.table = load_file(str(weights))["embedding.weight"]  # float16, as shipped
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.dim = int(self.table.shape[1])

    @staticmethod
    @functools.cache
    def shipped() -> Embedder:
        """The model in the wordllama wheel, read once per process: 32 MB of
        read-only weights that every engine of every reload shares."""
        return Embedder(*wheel_files())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row of unit length (zeros for a text
        with no tokens). In batches, so that embedding a hundred thousand facts
        never holds more than one batch of token encodings."""
        out = np.zeros((len(texts), self.dim), np.float32)
        for start in range(0, len(texts), BATCH):
            encodings = self.tokenizer.encode_batch(list(texts[start:start + BATCH]),
                                                    add_special_tokens=False)
            lengths = np.fromiter((len(e.ids) for e in encodings), np.int64, len(encodings))
            ids = np.fromiter(chain.from_iterable(e.ids for e in encodings), np.int64,
                              int(lengths.sum()))
            some = np.flatnonzero(lengths)
            if not len(some):
                continue
            starts = (np.cumsum(lengths) - lengths)[some]
            sums = np.add.reduceat(self.table[ids], starts, axis=0, dtype=np.float32)
            out[start + some] = sums / lengths[some, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out /= norms
        return out

    def common(self, word: str) -> bool:
        """An everyday English word: one the model's vocabulary holds whole
        ("react", "navigate", "cutting"), not a name or a rare word it spells
        out in pieces ("baichuan", "dumplings")."""
        return word.isalpha() and len(word) >= 3 and len(
            self.tokenizer.encode(word, add_special_tokens=False).ids) == 1

    def one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


def fact_text(fact: Fact, kb: KnowledgeBase) -> str:
    """What a fact's vector is made of: its statement, keywords and subject's
    name (a fact about Qwen says "Qwen" even when its sentence says "the model")."""
    subject = kb.entities.get(fact.subject)
    name = subject.name if subject else ""
    return " ".join((name, fact.statement, *fact.keywords))


@dataclass(frozen=True, slots=True)
class FactVectors:
    """One row per fact, in the base's fact order (float16: use `rows`)."""

    ids: tuple[str, ...]
    row: dict[str, int]
    matrix: np.ndarray
    facts: tuple[Fact, ...]
    """the Fact objects the rows were made from: a reload reuses a row when
    the loader hands back the very same object"""

    @classmethod
    def build(cls, kb: KnowledgeBase, embedder: Embedder,
              previous: FactVectors | None = None,
              cache: VectorCache | None = None) -> FactVectors:
        ids = tuple(kb.facts)
        facts = tuple(kb.facts.values())
        if previous is not None and previous.ids == ids:  # the usual reload: same facts
            matrix = previous.matrix.copy()
            todo = [i for i, (new, old) in enumerate(zip(facts, previous.facts, strict=True))
                    if new is not old]
        elif previous is not None:
            matrix = np.empty((len(ids), embedder.dim), STORED)
            old_row, old_facts = previous.row, previous.facts
            reused: list[int] = []
            rows: list[int] = []
            todo = []
            for i, (fid, fact) in enumerate(zip(ids, facts, strict=True)):
                j = old_row.get(fid)
                if j is not None and old_facts[j] is fact:
                    reused.append(i)
                    rows.append(j)
                else:
                    todo.append(i)
            matrix[reused] = previous.matrix[rows]
        else:
            matrix = np.empty((len(ids), embedder.dim), STORED)
            todo = list(range(len(ids)))
        if todo:
            texts = [fact_text(facts[i], kb) for i in todo]
            vectors = cache.get(texts) if cache is not None else None
            if vectors is None:
                vectors = np.empty((len(texts), embedder.dim), STORED)
                for start in range(0, len(texts), BATCH * 8):
                    vectors[start:start + BATCH * 8] = embedder.embed(texts[start:start + BATCH * 8])
                if cache is not None:
                    cache.put(texts, vectors)
            matrix[todo] = vectors
        return cls(ids, {f: i for i, f in enumerate(ids)}, matrix, facts)

    def rows(self, indexes: np.ndarray | slice) -> np.ndarray:
        """Those rows as float32, for arithmetic (they are stored as float16)."""
        return self.matrix[indexes].astype(np.float32)


class VectorCache:
    """Fact vectors on disk, one file per set of texts, named by a hash of the
    model and the texts: a cold start with unchanged facts reads them instead
    of embedding a hundred thousand statements. A file that does not match
    (wrong shape, unreadable, truncated) is ignored and rewritten."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, texts: Sequence[str]) -> Path:
        digest = hashlib.blake2b(MODEL.encode(), digest_size=16)
        for text in texts:
            digest.update(text.encode())
            digest.update(b"\0")
        return self.directory / f"vectors-{digest.hexdigest()}.npy"

    def get(self, texts: Sequence[str]) -> np.ndarray | None:
        try:
            vectors = np.load(self._path(texts), allow_pickle=False)
        except (OSError, ValueError):
            return None
        if vectors.ndim != 2 or len(vectors) != len(texts) or vectors.dtype != STORED:
            return None
        return vectors

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self._path(texts)
            partial = path.with_suffix(".partial.npy")
            np.save(partial, vectors, allow_pickle=False)
            partial.replace(path)
        except OSError:
            pass  # a cache that cannot be written is only slower
