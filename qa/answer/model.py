"""What every interface shows: the Answer, its numbered citations, and the plan it was made from."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from index.dates import DateRange
from index.models import int_to_date, spoken_date
from qa import citations
from qa.answer.gate import Candidate, Gate
from qa.answer.question import Question
from qa.retrieve import Passage

NOT_FOUND = "没有在档案中找到相关报道。"


@dataclass
class Citation:
    """A numbered source of an answer; ``supported`` is False when a sentence citing it failed the check."""

    n: int
    text: str
    title: str | None
    date: str | None
    issue: int | None
    page: str | None
    paper: str | None
    source: str | None
    doc_id: str | None
    article_id: str | None
    score: float
    supported: bool = True
    start: int | None = None  # the passage's place in its article's text
    end: int | None = None
    ocr: bool = False  # read from a scanned page by OCR


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
        issue=meta.get("issue"), page=meta.get("page"), paper=meta.get("paper"), source=meta.get("source"), doc_id=meta.get("doc_id"),
        article_id=meta.get("article_id"), score=round(passage.score, 6), start=meta.get("start"), end=meta.get("end"),
        ocr=bool(meta.get("ocr")),
    )


def source_text(passage: Passage) -> str:
    """The text a citation is checked against: title, report date and passage."""
    meta = passage.meta
    day = spoken_date(meta.get("date"))
    when = f"报道日期：{day}" if day else ""
    return f"{meta.get('title') or ''}\n{when}\n{passage.text}"


def finish(text: str, passages: list[Passage], framing: re.Pattern[str] | None = None) -> Answer:
    """Turn a text with [n] markers over ``passages`` into a checked Answer.

    Markers naming no passage are removed; the citations are the passages cited, renumbered by first
    use; every sentence is checked against the passages it cites, after removing the ``framing`` the
    answer's own words add (a notice, a report's date) when given.
    """
    cleaned, order = citations.renumber(text.strip(), len(passages))
    cited = [passages[i] for i in order]
    checked = citations.check(framing.sub("", cleaned) if framing else cleaned, [source_text(p) for p in cited])
    flagged = {n for c in checked if not c.supported for n in c.cites}
    cites = [cite(n, p) for n, p in enumerate(cited, start=1)]
    for c in cites:
        c.supported = c.n not in flagged
    return Answer(cleaned, True, cites, unsupported_sentences=[c.text for c in checked if not c.supported])




def listed(text: str, passages: list[Passage]) -> Answer:
    """An answer that lists the cited passages by their own titles: each item is its citation, nothing to check."""
    cleaned, order = citations.renumber(text.strip(), len(passages))
    return Answer(cleaned, True, [cite(n, passages[i]) for n, i in enumerate(order, start=1)])


@dataclass
class Plan:
    """What retrieval decided for a question: the query, the passages, the sentences that answer it."""

    query: str
    passages: list[Passage]
    question: Question
    answering: list[Candidate] = field(default_factory=list)
    gate: Gate | None = None
    dated: DateRange | None = None
    elsewhere: DateRange | None = None  # the asked period held no answer: quoted from other dates
    period: DateRange | None = None  # the period the question named, whatever was found
    notice: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    listing: bool = False
    previous: str | None = None
    clarify: str | None = None  # the question cannot be understood alone: what to ask the reader instead

    @property
    def relevant(self) -> bool:
        """Whether the passages answer the question (the gate's decision; a day's listing always does)."""
        return self.listing or bool(self.answering)
