"""The answer service: plan (follow-ups, dates, retrieval), gate, then an extractive or LLM answer, checked."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import date
from typing import Any

from index.dates import DateRange, date_range
from qa import citations
from qa.answer.extract import FRAMING, day_listing, extract
from qa.answer.gate import Gate
from qa.answer.model import NOT_FOUND, Answer, Plan, cite, finish, listed
from qa.answer.names import mend
from qa.answer.question import YEAR, Question, read_question
from qa.followup import SHORT, standalone
from qa.llm import LLM
from qa.relevance import question_words
from qa.rerank import Reranker
from qa.retrieve import Filters, Passage, Retriever

log = logging.getLogger(__name__)

_DANGLING = re.compile(r"^(它们|他们|她们|它|他|她|该|这个|那个|这家|这项|这位|此)")
_ISSUE_Q = re.compile(r"(报纸|报上|当天|那天|这一天|这天|头版|版面).*(哪些|什么)|(报道|刊登|刊发|登)了(哪些|什么)|有哪些(新闻|报道|文章)")
ISSUE_LIST_MAX = 20


class Answerer:
    """Answers questions over one index: extractive by default, through the LLM chain when configured."""

    def __init__(self, retriever: Retriever, k: int = 5, min_coverage: float = 0.45, llm: LLM | None = None,
                 reranker: Reranker | None = None, rerank_candidates: int = 30, today: date | None = None,
                 depth: int = 3, home: tuple[str, ...] = ()) -> None:
        self.retriever = retriever
        self.k = k
        self.min_coverage = min_coverage
        self.llm = llm
        self.reranker = reranker
        self.rerank_candidates = rerank_candidates
        self.today = today
        self.depth = depth
        self.home = home
        self._llm_step: Any = None

    # -- retrieval ---------------------------------------------------------------------------------

    def plan(self, question: str, k: int | None = None, filters: Filters | None = None,
             history: list[tuple[str, str]] | None = None) -> Plan:
        """Resolve follow-ups and dates, retrieve, and keep the sentences that answer the question."""
        k = k or self.k
        timings: dict[str, float] = {}
        degraded: list[str] = []
        if not history and (dangling := _DANGLING.match(question)) and len(question_words(question)) <= SHORT + 1:
            # "它是什么时候签约的？" with nothing before it: no archive text can say what "它" is
            return Plan(question, [], read_question(question), timings=timings,
                        clarify=f"问题里的“{dangling.group(0)}”指什么？请写出具体的名称再问一次。")
        query = self._standalone(question, history or [], degraded)
        asked = read_question(question, context=query if query != question else "")
        previous = history[-1][1] if history else None
        explicit = bool(filters and (filters.since or filters.until))
        dated = None if explicit else date_range(query, self._today())
        # the dates a caller chose are searched as report dates, not as words of the text; a year the question
        # names stays an item (a report of that year passes it, an undated one must not name another year beside
        # its figure: 2023年上半年 for 2022年上半年)
        period = replace(asked, items=[i for i in asked.items if not _past_year(i, self._today())]) if explicit else asked
        if dated and _ISSUE_Q.search(query) and dated.since == dated.until:
            listing = self._issue(dated)
            if listing:
                return Plan(query, listing, asked, dated=dated, timings=timings, listing=True)
        notice = "; ".join(degraded) or None
        if dated:
            since, until = dated.ints()
            if self.retriever.lexical.holds_dates(since, until):
                scoped = Filters(since, until, list(filters.sources) if filters else [], keep_undated=True)
                plan = self._gated(query, period, k, scoped, timings)
                # the period holds reports: answer from them or not at all (other dates would be a neighbour)
                plan.dated, plan.notice, plan.previous = dated, notice, previous
                return plan
        plan = self._gated(query, period, k, filters, timings)
        # a bare year names the year of the fact (2020年的用水量), not of the report: no notice for it
        plan.elsewhere = dated if dated is not None and not _bare_year(dated) else None
        plan.period = dated
        plan.notice, plan.previous = notice, previous
        return plan

    def _today(self) -> date:
        return self.today or date.today()

    def _gated(self, query: str, asked: Question, k: int, filters: Filters | None,
               timings: dict[str, float]) -> Plan:
        passages = self._retrieve(query, k, filters, timings)
        asked = mend(asked, self.retriever.lexical)
        gate = Gate(asked, self.retriever.lexical, self.min_coverage, self._today().year, self.home)
        answering = gate.answering(gate.candidates(passages, self.depth))
        if answering and asked.listing:  # a list gathers its items from every passage
            answering = gate.answering(gate.candidates(passages, len(passages)))
        return Plan(query, passages, asked, answering, gate, timings=timings)

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
            answer = Answer(plan.clarify or NOT_FOUND, False)
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
        if plan.clarify:
            return Answer(plan.clarify, False)
        if not plan.relevant:
            return Answer(NOT_FOUND, False)
        if plan.listing or self.llm is None:
            return self._extractive_answer(plan)
        if self._llm_step is None:
            from langchain_core.runnables import RunnableLambda

            # endpoint down, timeout, bad reply: the extractive answer instead, with a notice saying why
            self._llm_step = RunnableLambda(self._llm_answer, name="llm_answer").with_fallbacks(
                [RunnableLambda(self._fallback_answer, name="extractive_answer")], exception_key="error")
        return self._llm_step.invoke({"plan": plan})  # type: ignore[no-any-return]

    def _llm_answer(self, inputs: dict[str, Any]) -> Answer:
        plan: Plan = inputs["plan"]
        assert self.llm is not None
        return self._from_llm(self.llm.answer(plan.query, plan.passages), plan)

    def _fallback_answer(self, inputs: dict[str, Any]) -> Answer:
        error: Exception = inputs["error"]
        log.warning("LLM failed, answering extractively: %s", error)
        answer = self._extractive_answer(inputs["plan"])
        answer.degraded = _degraded_notice(error)
        return answer

    def respond(self, plan: Plan) -> Answer:
        """The answer to a plan: a refusal, a day's listing, the extractive answer or the LLM's (checked)."""
        return self._respond(plan)

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

    def _extractive_answer(self, plan: Plan) -> Answer:
        if plan.listing:
            assert plan.dated is not None
            return listed(day_listing(plan.dated.label(), plan.passages), plan.passages)
        return finish(extract(plan), plan.passages, framing=FRAMING)


def _bare_year(dated: DateRange) -> bool:
    return not dated.relative and YEAR.fullmatch(dated.phrase.strip()) is not None


def _past_year(item: str, today: date) -> bool:
    """Whether an item is a year (``2021年``) that has passed: a caller's date filter stands for it."""
    year = YEAR.fullmatch(item)
    return year is not None and int(year.group(1)) <= today.year


def _degraded_notice(exc: Exception) -> str:
    kind = type(exc).__name__
    if "Timeout" in kind:
        why = "响应超时"
    elif "Connection" in kind:
        why = "无法连接"
    else:
        why = "出错"
    return f"语言模型{why}（{kind}），以下为档案原文摘录。"


