"""The extractive answer: the answering clause first, each report with its date, lists across articles, notices."""

from __future__ import annotations

import re
from dataclasses import replace

from index.dates import DateRange, int_date
from index.models import spoken_date
from index.tokenize import dictionary_frequency
from qa.answer.compose import CAUSE, absolute_dates, excerpt, strip_opener
from qa.answer.gate import LEDE_WEIGHT, Candidate, sentence_spans
from qa.answer.model import Plan
from qa.answer.question import (
    _ROLE,
    ASK_NOUNS,
    beyond_words,
    fold,
    holds_kind,
    kind_hint,
    names_asked,
    names_instance,
    pairs,
    restates,
)
from qa.citations import MARKER
from qa.retrieve import Passage

MAX_ITEMS = 6
SECOND_RATIO = 0.6  # a second sentence must score this share of the first, and say something the first does not
PAIR_CHARS = 160
TIE_RATIO = 0.9  # a second sentence scoring this share of the first answers about as well: both are shown
REPEAT_SHARE = 0.6  # a sentence sharing this much of another's character pairs repeats it
FRESH_RATIO = 0.8
# what an opening sentence says of its subject (asked for it, the opening is the answer)
DEFINING = ASK_NOUNS | {"定义", "含义", "意思", "别名", "别称", "简称", "全称", "被称作", "称作", "又称", "又名", "国人", "国籍", "国家",
                         "民族", "线路"}
OPEN_KINDS = (None, "reason", "method")  # what/why/how: the fact is not of a kind a sentence can be checked for
LIST_RATIO = 0.6
UNDATED = "一篇未注明日期的报道称，"
# the answer's own words around the quotes: removed before the quotes are checked against their sources
FRAMING = re.compile(
    r"档案中没有[^；]*的相关报道；|据\d{4}年\d{1,2}月\d{1,2}日报道，|" + UNDATED + r"|"
    r"（\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?）|^\s*\d+\.\s*(?:《[^》]*》)?(?:（[^）]*）)?：?|报道中的[^：]*有：",
    re.M,
)
# asked why, a sentence that opens with 因此 tells the consequence; unless it gives a cause itself, the cause is
# the sentence before it
_CONSEQUENCE = re.compile(r"^(?:因此|所以|于是|故而|因而|从而|为此|是以|受此影响|受其影响|由此)")
_FIGURE = re.compile(r"\d+(?:\.\d+)?[^\d.]?")  # with what it counts: 16届 is not 16次
_NAME_STOP = set("在说表指出等和及同率对到为是也向要与主讲会将就已于")


def extract(plan: Plan) -> str:
    """Compose the extractive answer of a plan whose gate found answering sentences."""
    assert plan.gate is not None
    if plan.question.listing and (listing := _across(plan)):
        return listing
    picks = _pick(plan)
    if plan.elsewhere is not None:
        return _elsewhere(plan, picks, plan.elsewhere)
    quoted = [(c, _quote(plan, c)) for c in picks]
    days = {_day(plan.passages[c.rank]) for c in picks}
    if plan.period and not plan.dated and None not in days:
        days.add(0)  # the question named a year the reports are not from: say each report's date
    if len(days) > 1:
        quoted.sort(key=lambda item: -(_day(plan.passages[item[0].rank]) or 0))
        return "".join(_dated(plan.passages[c.rank]) + q for c, q in quoted)
    lead = UNDATED if (plan.dated or plan.period) and None in days else ""
    if plan.question.kind == "date" and not lead and not holds_kind(plan.question, quoted[0][1]):
        lead = _dated(plan.passages[picks[0].rank])  # the report's date is the only date there is
    return lead + "".join(q for _, q in quoted)


def day_listing(label: str, passages: list[Passage]) -> str:
    """A day's paper as a numbered list of its articles' titles, each cited."""
    titles = [f"{n}. 《{p.meta.get('title') or p.text[:20]}》[{n}]" for n, p in enumerate(passages, start=1)]
    return f"{label}的报纸共有{len(titles)}篇报道：\n" + "\n".join(titles)


def _said(plan: Plan) -> str:
    """The previous answer as quoted text (markers, dates added to it and framing removed), folded."""
    return fold(FRAMING.sub("", MARKER.sub("", plan.previous or "")))


def _pick(plan: Plan) -> list[Candidate]:
    """The sentences to quote: the best answering one (asked why, the cause before a 因此 sentence) and a second."""
    picks = _answering_sentences(plan)
    return [_cause_before(plan, picks[0]), *picks[1:]]


def _cause_before(plan: Plan, candidate: Candidate) -> Candidate:
    """Asked why, the sentence before one that opens with 因此 and gives no cause of its own (因此……兴建新路)."""
    text = strip_opener(candidate.text)
    if plan.question.kind != "reason" or not _CONSEQUENCE.match(text) or CAUSE.search(text):
        return candidate
    return _beside(plan, candidate, after=False) or candidate


def _answering_sentences(plan: Plan) -> list[Candidate]:
    """The best answering sentence (not the previous answer again) and a second one that adds to it."""
    previous = _said(plan)
    best = plan.answering[0]
    # a sentence quoted before gives way to another nearly as good; else it is quoted again, cut to what is new
    fresh = [c for c in plan.answering if not previous or fold(strip_opener(c.text)) not in previous]
    fresh = fresh if fresh and fresh[0].score >= FRESH_RATIO * best.score else plan.answering
    first = fresh[0]
    said = fold(first.text)
    assert plan.gate is not None
    title = fold(plan.passages[first.rank].meta.get("title") or "")  # what the title names needs no sentence
    own = {fold(w) for w in plan.question.words}
    missing = {t for t in plan.gate.terms if t not in said and t not in title and t in own}
    # reports of several dates that answer: each with its date (the newest first, see ``extract``)
    other_day = [c for c in fresh[1:] if c.score >= SECOND_RATIO * first.score
                 and _day(plan.passages[c.rank]) and _day(plan.passages[first.rank])
                 and _day(plan.passages[c.rank]) != _day(plan.passages[first.rank])
                 and not _tells_again(plan, c.text, first.text)
                 and (plan.question.kind != "date" or holds_kind(plan.question, c.text))
                 and (not plan.question.which or names_instance(plan.question, c.text))]
    if other_day:
        return [first, other_day[0]]
    # two sentences that answer about equally well are both shown, when the second says what is asked (not only
    # the subject again) and does not repeat the first; asked which one (哪家医院), when the first names nothing
    # like it (球会 would do for 球队) and the second names one, the second alone
    close = [c for c in fresh[1:3] if c.score >= TIE_RATIO * first.score and _adds(plan, c, first)
             and not _tells_again(plan, c.text, first.text)]
    if close and plan.question.which and names_instance(plan.question, close[0].text) \
            and not set(plan.question.which) & set(first.text):
        return [close[0]]
    if close and len(first.text) + len(close[0].text) < PAIR_CHARS:
        return [first, close[0]]
    if plan.question.kind not in OPEN_KINDS and not plan.question.several:
        return [first]  # a number, name, date or place: one sentence says it
    if plan.question.kind == "reason" and not kind_hint(plan.question, strip_opener(first.text)) \
            and restates(plan.question, strip_opener(first.text)) and (cause := _beside(plan, first)) is not None \
            and len(first.text) + len(cause.text) < PAIR_CHARS:
        # what a report says next of what it only told again: the reason first, then what it is the reason for
        return [cause, first]
    asked = {t for t in missing - DEFINING if dictionary_frequency(t)}  # words, not pieces jieba made up (奇是)
    if len(fresh) > 1 and _said_beyond_opening(plan, first, fresh[1], asked):
        return [fresh[1], first]  # the sentence that says what is asked of the subject, then what the subject is
    for other in fresh[1:]:
        if other.score < SECOND_RATIO * first.score:
            break
        adds = {t for t in missing if t in fold(other.text)}
        if adds and fold(other.text) != said and len(first.text) + len(other.text) < PAIR_CHARS:
            return [first, other]
    return [first]


def _beside(plan: Plan, candidate: Candidate, after: bool = True) -> Candidate | None:
    """The sentence of the passage after a candidate (before it, at the passage's end or when ``after`` is off)."""
    passage = plan.passages[candidate.rank]
    spans = [(a, b) for a, b in sentence_spans(passage.text) if passage.text[a:b].strip()]
    later = [(a, b) for a, b in spans if a >= candidate.end] if after else []
    earlier = [(a, b) for a, b in spans if b <= candidate.start]
    chosen = later[0] if later else earlier[-1] if earlier else None
    if chosen is None:
        return None
    a, b = chosen
    return replace(candidate, start=a, end=b, text=passage.text[a:b].strip())


def _said_beyond_opening(plan: Plan, first: Candidate, other: Candidate, asked: set[str]) -> bool:
    """Whether the first sentence is its article's opening, best only by the weight an opening gets, and another
    of the article says what the question asks of the subject that the opening does not (食物: 以小鱼、蚯蚓为食)."""
    assert plan.gate is not None
    return plan.gate.lede and first.opens and bool(asked) and not names_asked(plan.question, beyond_words(plan.question, first.text)) \
        and other.rank == first.rank \
        and other.score >= first.score - LEDE_WEIGHT and any(_shares(t, fold(other.text)) for t in asked) \
        and not _tells_again(plan, other.text, first.text) and len(first.text) + len(other.text) < PAIR_CHARS


def _shares(term: str, text: str) -> bool:
    """Whether text holds a character of a two-character word (食 of 食物: 以小鱼为食), or a character pair of a
    longer one (重要性: not 要 alone)."""
    return any(ch in text for ch in term) if len(term) <= 2 else any(p in text for p in pairs(term))


def _adds(plan: Plan, candidate: Candidate, first: Candidate) -> bool:
    """Whether a sentence says something of what is asked that the first does not: a word of the question
    beyond its article's title that the first lacks, or the word the question asks about (not only the subject
    again, 研究院成立于…… after the sentence that named its project)."""
    assert plan.gate is not None
    title = fold(plan.passages[candidate.rank].meta.get("title") or "")
    said, before = fold(candidate.text), fold(first.text)
    if plan.gate.cues and not plan.gate.cued(said):
        return False  # asked what it eats: a sentence that says not what it eats adds nothing asked
    if any(term in said for term in plan.gate.focus):
        return True
    return any(term in said and term not in before for term in plan.gate.terms if term not in title)


def _tells_again(plan: Plan, text: str, other: str) -> bool:
    """Whether text tells what other told: reworded with no figure of its own (the 16th meeting is not the 5th), or,
    asked a number or a date, with only figures other gives (320亿美元 told again by a later report)."""
    figures, given = set(_FIGURE.findall(fold(text))), set(_FIGURE.findall(fold(other)))
    if _repeats(text, other) and figures <= given:
        return True
    if plan.question.kind == "number" and plan.question.unit is not None:  # the figures in the unit asked (罚金6000元)
        figures, given = _in_unit(plan, fold(text)), _in_unit(plan, fold(other))
    return plan.question.kind in ("number", "date") and bool(figures) and figures <= given


def _in_unit(plan: Plan, folded: str) -> set[str]:
    """The figures of (folded) text given in the unit the question asks for (6000元, not 20人 beside it)."""
    unit = plan.question.unit
    assert unit is not None
    return {m.group(0) for m in _FIGURE.finditer(folded) if unit.search(folded, m.end() - 1, m.end() + 3)}


def _repeats(text: str, other: str) -> bool:
    """Whether text says mostly what other says (the same sentence in two reports, or reworded)."""
    mine, theirs = pairs(fold(text)), pairs(fold(other))
    return len(mine & theirs) > REPEAT_SHARE * min(len(mine), len(theirs))


def _quote(plan: Plan, candidate: Candidate) -> str:
    assert plan.gate is not None
    passage = plan.passages[candidate.rank]
    quoted = excerpt(plan.gate, candidate, said=_said(plan), title=passage.meta.get("title") or "")
    return absolute_dates(quoted, _day(passage)) + f"[{candidate.rank + 1}]"


def _elsewhere(plan: Plan, picks: list[Candidate], asked: DateRange) -> str:
    """The asked period holds no answer: say so first, and name the date of what is quoted instead.

    Of the reports that answer nearly as well as the best, the one dated nearest the period asked is quoted.
    """
    close = [c for c in plan.answering if c.score >= FRESH_RATIO * picks[0].score and _day(plan.passages[c.rank])]
    first = min(close, key=lambda c: _distance(_day(plan.passages[c.rank]) or 0, asked), default=picks[0])
    passage = plan.passages[first.rank]
    source = _dated(passage) or UNDATED
    return f"档案中没有{_period(asked)}的相关报道；{source}{_quote(plan, first)}"


def _distance(day: int, asked: DateRange) -> int:
    """Days between a ``YYYYMMDD`` report date and the asked period (0 inside it)."""
    when = int_date(day)
    if when is None:
        return 1 << 30
    return max((asked.since - when).days, (when - asked.until).days, 0)


def _period(asked: DateRange) -> str:
    """The asked period as the question said it, with its dates when it was relative (今年1至5月 → 2026年1月至5月)."""
    return f"{asked.phrase}（{asked.spoken()}）" if asked.relative else asked.phrase


def _across(plan: Plan) -> str | None:
    """Items from every answering article, deduplicated and each cited; names first for 都有谁."""
    assert plan.gate is not None
    subject = plan.gate.rarest  # each item must name the subject itself (戴建忠), not only its surroundings
    best: dict[str, Candidate] = {}
    for c in plan.answering:
        key = str(plan.passages[c.rank].meta.get("article_id") or plan.passages[c.rank].chunk_id)
        titled = fold(plan.passages[c.rank].meta.get("title") or "")
        named = subject is None or subject in fold(c.text) or subject in titled
        if key not in best and named and c.score >= LIST_RATIO * plan.answering[0].score:
            best[key] = c
    items = list(best.values())[:MAX_ITEMS]
    if len(items) < 2:
        return None
    if plan.question.kind == "person" and (names := _names(plan, items)):
        return names
    items.sort(key=lambda c: (-(_day(plan.passages[c.rank]) or 0), c.rank))
    lines = []
    for n, c in enumerate(items, start=1):
        passage = plan.passages[c.rank]
        title = passage.meta.get("title")
        when = spoken_date(passage.meta.get("date")) or "未注明日期"
        lines.append(f"{n}. " + (f"《{title}》" if title else "") + f"（{when}）：{_quote(plan, c)}")
    return "\n".join(lines)


def _names(plan: Plan, items: list[Candidate]) -> str | None:
    """``报道中的市委书记有：仲旭东[1]、祁海龙[2]。`` from the role the question names."""
    role = next((w for w in plan.question.words if len(w) > 1 and _ROLE.search(w)), None)  # 书记, never 人 alone
    if role is None:
        return None
    found: dict[str, int] = {}
    for c in items:
        for match in re.finditer(rf"{re.escape(role)}\s*([\u4e00-\u9fff]{{2,3}})", plan.passages[c.rank].text):
            name = match.group(1)
            name = name[:2] if len(name) == 3 and name[2] in _NAME_STOP else name
            found.setdefault(name, c.rank + 1)
    if not found:
        return None
    return f"报道中的{role}有：" + "、".join(f"{name}[{n}]" for name, n in found.items()) + "。"


def _day(passage: Passage) -> int | None:
    day = passage.meta.get("date")
    return int(day) if day else None


def _dated(passage: Passage) -> str:
    day = spoken_date(_day(passage))
    return f"据{day}报道，" if day else ""
