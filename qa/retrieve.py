"""Retrieval: BM25 and dense search over the same filters, fused by reciprocal rank, then scored."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import lexical
from index.embed import Embedder
from index.lexical import LexicalIndex
from index.models import UNDATED
from index.store import ChromaStore
from index.tokenize import tokenize
from qa.relevance import ASKING, Weights, question_words

RRF_K = 60
log = logging.getLogger(__name__)


@dataclass
class Filters:
    """Date range (int YYYYMMDD, inclusive) and sources a search is limited to."""

    since: int | None = None
    until: int | None = None
    sources: list[str] = field(default_factory=list)
    keep_undated: bool = False  # a date read from the question also keeps pages that print no date

    def where(self, undated_marked: bool = True) -> dict[str, Any] | None:
        """Return the Chroma ``where`` clause for these filters.

        Undated chunks carry ``date`` 0 (``UNDATED``), so a range that keeps them is one clause; in a
        collection made before that (``undated_marked`` False) they have no ``date`` and are kept in Python.
        """
        parts: list[dict[str, Any]] = []
        dated = self.since is not None or self.until is not None
        if dated and (not self.keep_undated or undated_marked):
            span = [{"date": {"$gte": max(self.since or 1, 1)}}]
            if self.until is not None:
                span.append({"date": {"$lte": self.until}})
            clause = span[0] if len(span) == 1 else {"$and": span}
            parts.append({"$or": [clause, {"date": UNDATED}]} if self.keep_undated else clause)
        if self.sources:
            parts.append({"source": {"$in": self.sources}})
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$and": parts}

    def admits(self, meta: dict[str, Any]) -> bool:
        """Whether a chunk's metadata passes the date range (used when undated chunks are kept)."""
        day = meta.get("date")
        if not day:
            return self.keep_undated or (self.since is None and self.until is None)
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


@dataclass
class Passage:
    """A retrieved chunk with its article metadata and fused score."""

    chunk_id: str
    text: str
    meta: dict[str, Any]
    score: float


def fuse_rankings(rankings: list[list[str]], weights: list[float] | None = None, k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion of ranked id lists, best first."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: -item[1])


@dataclass
class Fusion:
    """How much dense search counts against BM25 for one question.

    Dense vectors find the article a question paraphrases and can bury the one whose rare exact term
    (a name, a number, a code) the question hinges on. So the dense weight starts from ``dense_weight``,
    grows with the share of the question's weighted words that BM25's best chunk lacks (``cover_gain``:
    a paraphrase leaves that share high), shrinks when BM25 has one clear winner (``peak_damp``: its best
    score far above the second), and can shrink when a rare archive term or a number carries the
    question (``exact_damp``; 1 = off). Defaults tuned with multilingual-e5-small on dev halves of seeds,
    CMRC 2018 and paraphrased and exact-term news questions (``bench.retrieval_modes --tune``).
    """

    dense_weight: float = 0.7
    peak_damp: float = 0.25
    exact_damp: float = 1.0
    cover_gain: float = 1.0
    rare_share: float = 0.002  # a term in at most this share of chunks (and at least one) is rare

    def weight(self, question: str, bm25: list[tuple[str, float]], index: LexicalIndex, cover: float = 1.0) -> float:
        """Return the dense weight for this question; ``cover`` is the share of the question's weighted words
        that BM25's best chunk holds (a paraphrase leaves it low, and dense search counts more)."""
        if not bm25:
            return self.dense_weight
        second = bm25[1][1] if len(bm25) > 1 else 0.0
        peak = 1.0 - second / bm25[0][1] if bm25[0][1] > 0 else 0.0
        weight = self.dense_weight * (1.0 - self.peak_damp * peak)
        weight = weight * self.exact_damp if self.exact_damp != 1.0 and self.exact(question, index) else weight
        return self.covered(weight, cover)

    def covered(self, weight: float, cover: float) -> float:
        """A weight raised for the share of the question's words that BM25's best chunk lacks."""
        return weight * (1.0 + self.cover_gain * (1.0 - cover))

    def exact(self, question: str, index: LexicalIndex) -> bool:
        """Whether a rare archive term or a number carries the question."""
        limit = max(3, int(self.rare_share * len(index.ids)))
        for term in set(question_words(question)):
            if ASKING.search(term):
                continue
            if any(c.isdigit() for c in term) or len(term) > 1 and 0 < index.doc_frequency(term.lower()) <= limit:
                return True
        return False


def order_pool(pool: list[str], found: dict[str, tuple[str, dict[str, Any], float]], lex: dict[str, float],
               windows: dict[str, float], dense_weight: float, window_weight: float) -> list[Passage]:
    """Order a fused pool by one score: BM25 over the pool's best, dense similarity spread over the pool's range
    (a real model's cosines sit close together: divided by the best they would hardly count), plus the window share."""
    top_lex = max((lex.get(cid, 0.0) for cid in pool), default=0.0) or 1.0
    sims = [found[cid][2] for cid in pool if cid in found]
    low, high = (min(sims), max(sims)) if sims else (0.0, 1.0)
    spread = high - low if high - low > 1e-6 else 1.0
    passages = []
    for cid in pool:
        if cid not in found:
            continue
        text, meta, sim = found[cid]
        score = (lex.get(cid, 0.0) / top_lex + dense_weight * (sim - low) / spread
                 + window_weight * windows.get(cid, 0.0))
        passages.append(Passage(cid, text, meta, score))
    passages.sort(key=lambda p: -p.score)
    return passages


class Retriever:
    """Hybrid search over one index folder; reloads BM25 when the index generation changes.

    BM25 and dense search each return ``candidates`` chunks under the same filters; reciprocal-rank
    fusion of the two lists picks a pool of ``depth`` chunks, and the pool is ordered by one score:
    the BM25 score and the dense similarity (each divided by the best in the pool, dense weighted by
    the question's ``Fusion`` weight) plus ``window_weight`` times the share of the question's
    weighted words found in two consecutive sentences of the chunk (the answer usually sits in one place).
    """

    def __init__(self, index_dir: Path, store: ChromaStore, embedder: Embedder, candidates: int = 50,
                 fusion: Fusion | None = None, window_weight: float = 0.2, depth: int = 20) -> None:
        self.index_dir = index_dir
        self.fusion = fusion or Fusion()
        self.window_weight = window_weight
        self.depth = depth
        self.store = store
        self.embedder = embedder
        self.candidates = candidates
        self._lexical = lexical.load(index_dir)

    @property
    def lexical(self) -> LexicalIndex:
        """Return the BM25 index, reloaded if a newer generation was built."""
        if lexical.current_generation(self.index_dir) != self._lexical.generation:
            try:
                self._lexical = lexical.load(self.index_dir)
                self.store.reopen()  # an ingest finished: read its vectors too
            except (OSError, ValueError) as exc:  # a swap in progress elsewhere: keep serving the old one
                log.warning("keeping BM25 generation %s: %s", self._lexical.generation, exc)
        return self._lexical

    def search(self, query: str, k: int, filters: Filters | None = None,
               timings: dict[str, float] | None = None) -> list[Passage]:
        """Return the top k passages for a query."""
        started = time.perf_counter()
        found = self.gather(query, filters, max(k, self.depth))
        passages = order_pool(found.pool, found.found, found.lex, found.windows, found.weight, self.window_weight)
        if timings is not None:
            timings["retrieval_ms"] = (time.perf_counter() - started) * 1000
        return passages[:k]

    def gather(self, query: str, filters: Filters | None = None, depth: int | None = None,
               fusion: Fusion | None = None) -> Gathered:
        """Run both searches and fetch the fused pool (``depth`` chunks; every candidate when None)."""
        filters = filters or Filters()
        index = self.lexical
        mask = index.mask(filters.since, filters.until, filters.sources, filters.keep_undated)
        lexical_scores = index.scores(tokenize(query), mask)
        bm25 = index.top(lexical_scores, self.candidates)
        vector = self.embedder.embed_query(query)
        if filters.keep_undated and not self.store.dates_everywhere:  # an older collection: undated kept in Python
            dense = self.store.query(vector, self.candidates * 4, filters.where(False), filters.admits)[: self.candidates]
        else:
            dense = self.store.query(vector, self.candidates, filters.where())
        fusion = fusion or self.fusion
        weight = fusion.weight(query, bm25, index)
        pool = [cid for cid, _ in fuse_rankings([[c for c, _ in bm25], [c for c, _ in dense]], [1.0, weight])]
        pool = pool[:depth] if depth is not None else pool
        found = self.store.get_scored(pool, vector)
        words = Weights(query, index)
        rows = {cid: index.row(cid) for cid in found}
        lex = {cid: float(lexical_scores[row]) if row is not None else 0.0 for cid, row in rows.items()}
        windows = {cid: words.best_window(text) for cid, (text, _, _) in found.items()}
        cover = words.coverage(found[bm25[0][0]][0]) if bm25 and bm25[0][0] in found else 1.0
        weight = fusion.covered(weight, cover) if bm25 else weight  # the question's words are read once
        return Gathered(pool, found, lex, windows, weight, bm25, dense, cover)


@dataclass
class Gathered:
    """What both searches found for one question: the fused pool with its texts, scores and window shares."""

    pool: list[str]
    found: dict[str, tuple[str, dict[str, Any], float]]
    lex: dict[str, float]
    windows: dict[str, float]
    weight: float
    bm25: list[tuple[str, float]]
    dense: list[tuple[str, float]]
    cover: float = 1.0  # share of the question's weighted words in BM25's best chunk
