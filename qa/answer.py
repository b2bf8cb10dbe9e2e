"""The answer: extractive sentences from retrieved passages, each cited, or an honest refusal."""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from index.chunk import split_sentences
from index.models import int_to_date
from qa.relevance import Weights, focus_words
from qa.retrieve import Filters, Passage, Retriever

NOT_FOUND = "没有在档案中找到相关报道。"
_NUMERIC_Q = re.compile(r"多少|几|多大|多高|多长|多远|多重|比例|比重|增幅|规模|总额|金额|年龄|岁")
_TIME_Q = re.compile(r"什么时候|何时|哪一年|哪年|几月|哪天|日期|时间")
_DATE_LIKE = re.compile(r"\d+\s*[年月日]")


@dataclass
class Citation:
    """A numbered source of an answer."""

    n: int
    text: str
    title: str | None
    date: str | None
    issue: int | None
    page: str | None
    source: str | None
    doc_id: str | None
    article_id: str | None
    score: float


@dataclass
class Answer:
    """What every interface shows: text with [n] markers, whether found, citations, timings."""

    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the Answer JSON object."""
        return asdict(self)


def cite(n: int, passage: Passage) -> Citation:
    """Build the citation of a passage."""
    meta = passage.meta
    return Citation(
        n=n, text=passage.text, title=meta.get("title"), date=int_to_date(meta.get("date")),
        issue=meta.get("issue"), page=meta.get("page"), source=meta.get("source"), doc_id=meta.get("doc_id"),
        article_id=meta.get("article_id"), score=round(passage.score, 6),
    )


class ExtractiveAnswerer:
    """Answers by picking the sentences of the retrieved passages that answer the question."""

    def __init__(self, retriever: Retriever, k: int = 5, min_coverage: float = 0.5, max_sentences: int = 2,
                 second_ratio: float = 0.6, passage_weight: float = 0.5, focus_factor: float = 2.0) -> None:
        self.retriever = retriever
        self.k = k
        self.min_coverage = min_coverage
        self.max_sentences = max_sentences
        self.second_ratio = second_ratio
        self.passage_weight = passage_weight
        self.focus_factor = focus_factor

    def answer(self, question: str, k: int | None = None, filters: Filters | None = None) -> tuple[Answer, list[Passage]]:
        """Answer a question; also return the passages the answer step received."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        passages = self.retriever.search(question, k or self.k, filters, timings)
        weights = Weights(question, self.retriever.lexical)
        best = max((weights.coverage(_full(p)) for p in passages[:3]), default=0.0)
        if best < self.min_coverage:
            answer = Answer(NOT_FOUND, False)
        else:
            answer = self._compose(question, passages, weights)
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer.timings = {key: round(value, 2) for key, value in timings.items()}
        return answer, passages

    def _compose(self, question: str, passages: list[Passage], weights: Weights) -> Answer:
        sentences = [
            (rank, start, passage.text[start:end].strip())
            for rank, passage in enumerate(passages[:3])
            for start, end in split_sentences(passage.text)
        ]
        focus = focus_words(question)
        local = weights.focused([s for _, _, s in sentences]).boosted(focus, self.focus_factor)
        top = max(passages[0].score, 1e-9)
        scored = sorted(
            ((local.coverage(s) + _shape_bonus(question, s) + self.passage_weight * passages[rank].score / top, rank, start, s)
             for rank, start, s in sentences),
            key=lambda item: -item[0],
        )
        chosen = [scored[0]]
        for item in scored[1:]:
            if len(chosen) >= self.max_sentences or item[0] < self.second_ratio * chosen[0][0]:
                break
            if item[3] not in (c[3] for c in chosen) and sum(len(c[3]) for c in chosen) + len(item[3]) <= 300:
                chosen.append(item)
        numbers: dict[int, int] = {}
        parts = []
        for _, rank, _, sentence in sorted(chosen, key=lambda item: (item[1], item[2])):
            n = numbers.setdefault(rank, len(numbers) + 1)
            parts.append(f"{sentence}[{n}]")
        citations = [cite(n, passages[rank]) for rank, n in numbers.items()]
        return Answer("".join(parts), True, citations)


def _full(passage: Passage) -> str:
    title = passage.meta.get("title") or ""
    return f"{title}\n{passage.text}"


def _shape_bonus(question: str, sentence: str) -> float:
    """Favour sentences holding the kind of fact asked for (numbers, dates)."""
    if _TIME_Q.search(question) and _DATE_LIKE.search(sentence):
        return 0.15
    if _NUMERIC_Q.search(question) and re.search(r"\d", sentence):
        return 0.1
    return 0.0
