"""Retrieval: BM25 and dense search over the same filters, fused by reciprocal rank."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import lexical
from index.embed import Embedder
from index.lexical import LexicalIndex
from index.store import ChromaStore
from index.tokenize import tokenize

RRF_K = 60


@dataclass
class Filters:
    """Date range (int YYYYMMDD, inclusive) and sources a search is limited to."""

    since: int | None = None
    until: int | None = None
    sources: list[str] = field(default_factory=list)

    def where(self) -> dict[str, Any] | None:
        """Return the Chroma ``where`` clause for these filters."""
        parts: list[dict[str, Any]] = []
        if self.since is not None:
            parts.append({"date": {"$gte": self.since}})
        if self.until is not None:
            parts.append({"date": {"$lte": self.until}})
        if self.sources:
            parts.append({"source": {"$in": self.sources}})
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$and": parts}


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


class Retriever:
    """Hybrid search over one index folder; reloads BM25 when the index generation changes."""

    def __init__(self, index_dir: Path, store: ChromaStore, embedder: Embedder, candidates: int = 50,
                 dense_weight: float = 1.0) -> None:
        self.index_dir = index_dir
        self.dense_weight = dense_weight
        self.store = store
        self.embedder = embedder
        self.candidates = candidates
        self._lexical = lexical.load(index_dir)

    @property
    def lexical(self) -> LexicalIndex:
        """Return the BM25 index, reloaded if a newer generation was built."""
        if lexical.current_generation(self.index_dir) != self._lexical.generation:
            self._lexical = lexical.load(self.index_dir)
        return self._lexical

    def search(self, query: str, k: int, filters: Filters | None = None,
               timings: dict[str, float] | None = None) -> list[Passage]:
        """Return the top k passages for a query."""
        filters = filters or Filters()
        started = time.perf_counter()
        index = self.lexical
        bm25 = index.search(tokenize(query), self.candidates, index.mask(filters.since, filters.until, filters.sources))
        dense = self.store.query(self.embedder.embed_query(query), self.candidates, filters.where())
        fused = fuse_rankings([[c for c, _ in bm25], [c for c, _ in dense]], [1.0, self.dense_weight])[:k]
        found = self.store.get([cid for cid, _ in fused])
        passages = [Passage(cid, found[cid][0], found[cid][1], score) for cid, score in fused if cid in found]
        if timings is not None:
            timings["retrieval_ms"] = (time.perf_counter() - started) * 1000
        return passages
