"""The answer: cited sentences from retrieved passages (extractive, or an LLM's), checked, or an honest refusal."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from index.chunk import split_sentences
from index.models import int_to_date, spoken_date
from qa import citations
from qa.followup import standalone
from qa.llm import LLM
from qa.relevance import Weights, focus_words
from qa.rerank import Reranker
from qa.retrieve import Filters, Passage, Retriever
from qa.when import DateRange, date_range

log = logging.getLogger(__name__)

NOT_FOUND = "没有在档案中找到相关报道。"
_NUMERIC_Q = re.compile(r"多少|几|多大|多高|多长|多远|多重|比例|比重|增幅|规模|总额|金额|年龄|岁")
_TIME_Q = re.compile(r"什么时候|何时|哪一年|哪年|几月|哪天|日期|时间")
_DATE_LIKE = re.compile(r"\d+\s*[年月日]")
_ISSUE_Q = re.compile(r"(报纸|报上|当天|那天|这一天|这天|头版|版面).*(哪些|什么)|(报道|刊登|刊发|登)了(哪些|什么)|有哪些(新闻|报道|文章)")
ISSUE_LIST_MAX = 20

@dataclass
class Citation:
    """A numbered source of an answer; ``supported`` is False when a sentence citing it failed the check."""

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
    supported: bool = True


@dataclass
class Answer:
    """What every interface shows: text with [n] markers, whether found, citations, checks, timings."""

    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    unsupported_sentences: list[str] = field(default_factory=list)
    degraded: str | None = None
    notice: str | None = None
    query: str | None = None

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


def source_text(passage: Passage) -> str:
    """The text a citation is checked against: title, report date and passage."""
    meta = passage.meta
    day = spoken_date(meta.get("date"))
    when = f"报道日期：{day}" if day else ""
    return f"{meta.get('title') or ''}\n{when}\n{passage.text}"


def finish(text: str, passages: list[Passage]) -> Answer:
    """Turn a text with [n] markers over ``passages`` into a checked Answer.

    Markers naming no passage are removed; the citations are the passages cited, renumbered by first
    use; every sentence is checked against the passages it cites.
    """
    cleaned, order = citations.renumber(text.strip(), len(passages))
    cited = [passages[i] for i in order]
    checked = citations.check(cleaned, [source_text(p) for p in cited])
    flagged = {n for c in checked if not c.supported for n in c.cites}
    cites = [cite(n, p) for n, p in enumerate(cited, start=1)]
    for c in cites:
        c.supported = c.n not in flagged
    return Answer(cleaned, True, cites, unsupported_sentences=[c.text for c in checked if not c.supported])


@dataclass
class Plan:
    """What retrieval decided for a question: the query, the passages and whether they answer it."""

    query: str
    passages: list[Passage]
    relevant: bool
    dated: DateRange | None = None
    notice: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    listing: bool = False


class Answerer:
    """Answers questions over one index: extractive by default, through the LLM chain when configured."""

    def __init__(self, retriever: Retriever, k: int = 5, min_coverage: float = 0.35, llm: LLM | None = None,
                 reranker: Reranker | None = None, rerank_candidates: int = 30, today: date | None = None,
                 max_sentences: int = 2, second_ratio: float = 0.6, passage_weight: float = 0.5,
                 focus_factor: float = 2.0) -> None:
        self.retriever = retriever
        self.k = k
        self.min_coverage = min_coverage
        self.llm = llm
        self.reranker = reranker
        self.rerank_candidates = rerank_candidates
        self.today = today
        self.max_sentences = max_sentences
        self.second_ratio = second_ratio
        self.passage_weight = passage_weight
        self.focus_factor = focus_factor

    # -- retrieval ---------------------------------------------------------------------------------

    def plan(self, question: str, k: int | None = None, filters: Filters | None = None,
             history: list[tuple[str, str]] | None = None) -> Plan:
        """Resolve follow-ups and dates, retrieve, and decide whether the passages answer the question."""
        k = k or self.k
        timings: dict[str, float] = {}
        degraded: list[str] = []
        query = self._standalone(question, history or [], degraded)
        dated = None if filters and (filters.since or filters.until) else date_range(query, self.today or date.today())
        if dated and _ISSUE_Q.search(query) and dated.since == dated.until:
            listing = self._issue(dated)
            if listing:
                return Plan(query, listing, True, dated, timings=timings, listing=True)
        notice = None
        if dated:
            since, until = dated.ints()
            if self.retriever.lexical.holds_dates(since, until):
                scoped = Filters(since, until, list(filters.sources) if filters else [], keep_undated=True)
                passages = self._retrieve(query, k, scoped, timings)
                if self._relevant(query, passages):
                    return Plan(query, passages, True, dated, timings=timings, notice="; ".join(degraded) or None)
            notice = f"档案中没有{dated.phrase}的相关报道，以下是其他时间的报道。"
        passages = self._retrieve(query, k, filters, timings)
        relevant = self._relevant(query, passages)
        if degraded:
            notice = "; ".join(degraded + ([notice] if notice else []))
        return Plan(query, passages, relevant, None, notice if relevant else None, timings)

    def _standalone(self, question: str, history: list[tuple[str, str]], degraded: list[str]) -> str:
        if not history:
            return question
        if self.llm is not None:
            try:
                return self.llm.rewrite(question, history) or question
            except Exception as exc:  # noqa: BLE001 - an LLM failure degrades to the heuristic
                degraded.append(_degraded_notice(exc))
        return standalone(question, history, self.retriever.lexical)

    def _retrieve(self, query: str, k: int, filters: Filters | None, timings: dict[str, float]) -> list[Passage]:
        depth = max(k, self.rerank_candidates) if self.reranker else k
        passages = self.retriever.search(query, depth, filters, timings)
        if self.reranker is not None:
            started = time.perf_counter()
            passages = self.reranker.rerank(query, passages)
            timings["rerank_ms"] = (time.perf_counter() - started) * 1000
        return passages[:k]

    def _relevant(self, query: str, passages: list[Passage]) -> bool:
        weights = Weights(query, self.retriever.lexical)
        return max((weights.coverage(_full(p)) for p in passages[:3]), default=0.0) >= self.min_coverage

    def _issue(self, dated: DateRange) -> list[Passage]:
        day, _ = dated.ints()
        found = self.retriever.store.first_chunks(day, ISSUE_LIST_MAX)
        return [Passage(cid, text, meta, 1.0) for cid, text, meta in found]

    # -- answers -----------------------------------------------------------------------------------

    def answer(self, question: str, k: int | None = None, filters: Filters | None = None,
               history: list[tuple[str, str]] | None = None) -> tuple[Answer, list[Passage]]:
        """Answer a question (with earlier turns, if any); also return the passages the answer step received."""
        started = time.perf_counter()
        plan = self.plan(question, k, filters, history)
        answer = self._respond(plan)
        return self._stamp(answer, plan, started), plan.passages

    def stream(self, question: str, k: int | None = None, filters: Filters | None = None,
               history: list[tuple[str, str]] | None = None) -> Iterator[dict[str, Any]]:
        """Yield events: ``sources`` (the numbered passages), ``token`` pieces, then the checked ``answer``."""
        started = time.perf_counter()
        plan = self.plan(question, k, filters, history)
        if not plan.relevant:
            yield {"event": "sources", "citations": []}
            answer = Answer(NOT_FOUND, False)
            yield {"event": "token", "text": answer.text}
            yield {"event": "answer", "answer": self._stamp(answer, plan, started).to_dict()}
            return
        yield {"event": "sources", "citations": [asdict(cite(n, p)) for n, p in enumerate(plan.passages, start=1)]}
        if self.llm is None or plan.listing:
            answer = self._respond(plan)
            yield {"event": "token", "text": answer.text}
        else:
            pieces: list[str] = []
            try:
                for piece in self.llm.stream(plan.query, plan.passages):
                    pieces.append(piece)
                    yield {"event": "token", "text": piece}
                answer = self._from_llm("".join(pieces), plan)
            except Exception as exc:  # noqa: BLE001 - an LLM failure degrades to the extractive answer
                answer = self._extractive_answer(plan)
                answer.degraded = _degraded_notice(exc)
                yield {"event": "token", "text": "\n" + answer.text}
        yield {"event": "answer", "answer": self._stamp(answer, plan, started).to_dict()}

    def _respond(self, plan: Plan) -> Answer:
        if not plan.relevant:
            return Answer(NOT_FOUND, False)
        if plan.listing:
            return self._listing(plan)
        if self.llm is None:
            return self._extractive_answer(plan)
        try:
            return self._from_llm(self.llm.answer(plan.query, plan.passages), plan)
        except Exception as exc:  # noqa: BLE001 - endpoint down, timeout, bad reply: extractive instead
            log.warning("LLM failed, answering extractively: %s", exc)
            answer = self._extractive_answer(plan)
            answer.degraded = _degraded_notice(exc)
            return answer

    def _from_llm(self, text: str, plan: Plan) -> Answer:
        if NOT_FOUND.rstrip("。") in text and not citations.MARKER.search(text):
            return Answer(NOT_FOUND, False)
        answer = finish(text, plan.passages)
        if not answer.citations or not re.search(r"\w", citations.MARKER.sub("", answer.text)):
            # nothing in the reply points at a passage: it cannot be checked, so it is not shown
            fallback = self._extractive_answer(plan)
            fallback.degraded = "语言模型的回答没有注明出处，以下为档案原文摘录。"
            return fallback
        return answer

    def _stamp(self, answer: Answer, plan: Plan, started: float) -> Answer:
        plan.timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer.timings = {key: round(value, 2) for key, value in plan.timings.items()}
        answer.notice = answer.notice or plan.notice
        answer.query = plan.query
        return answer

    def _listing(self, plan: Plan) -> Answer:
        assert plan.dated is not None
        titles = [f"《{p.meta.get('title') or p.text[:20]}》[{n}]" for n, p in enumerate(plan.passages, start=1)]
        text = f"{plan.dated.label()}的报纸共找到{len(titles)}篇报道：" + "；".join(titles) + "。"
        return finish(text, plan.passages)

    def _extractive_answer(self, plan: Plan) -> Answer:
        return finish(self._extract(plan.query, plan.passages, plan.dated is not None), plan.passages)

    def _extract(self, question: str, passages: list[Passage], dated: bool) -> str:
        """Pick the sentences that answer the question; return them with [n] markers over ``passages``."""
        weights = Weights(question, self.retriever.lexical)
        sentences = [
            (rank, start, passage.text[start:end].strip())
            for rank, passage in enumerate(passages[:3])
            for start, end in split_sentences(passage.text)
        ]
        focus = focus_words(question)
        local = weights.focused([s for _, _, s in sentences]).boosted(focus, self.focus_factor)
        prior = _priors(passages[:3])
        scored = sorted(
            ((local.coverage(s) + _shape_bonus(question, s) + self.passage_weight * prior[rank], rank, start, s)
             for rank, start, s in sentences),
            key=lambda item: -item[0],
        )
        chosen = [scored[0]]
        for item in scored[1:]:
            if len(chosen) >= self.max_sentences or item[0] < self.second_ratio * chosen[0][0]:
                break
            if item[3] not in (c[3] for c in chosen) and sum(len(c[3]) for c in chosen) + len(item[3]) <= 300:
                chosen.append(item)
        days = {passages[rank].meta.get("date") for _, rank, _, _ in chosen}
        if not dated and len(days) > 1 and None not in days:
            # reports of different dates: say which report says what, newest first
            ordered = sorted(chosen, key=lambda item: (-int(passages[item[1]].meta["date"]), item[1], item[2]))
            return "".join(f"据{spoken_date(passages[rank].meta['date'])}报道，{sentence}[{rank + 1}]"
                           for _, rank, _, sentence in ordered)
        ordered = sorted(chosen, key=lambda item: (item[1], item[2]))
        return "".join(f"{sentence}[{rank + 1}]" for _, rank, _, sentence in ordered)


def _priors(passages: list[Passage]) -> list[float]:
    """Passage scores as shares of the best one (rank-based when scores are not all positive)."""
    scores = [p.score for p in passages]
    if scores and min(scores) > 0:
        return [s / max(scores) for s in scores]
    return [1.0 / (1 + rank) for rank in range(len(passages))]


def _degraded_notice(exc: Exception) -> str:
    kind = type(exc).__name__
    if "Timeout" in kind:
        why = "响应超时"
    elif "Connection" in kind:
        why = "无法连接"
    else:
        why = "出错"
    return f"语言模型{why}（{kind}），以下为档案原文摘录。"


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
