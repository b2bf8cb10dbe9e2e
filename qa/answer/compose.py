"""The words of an extractive answer: the clause that answers first, openers stripped, dates made absolute."""

from __future__ import annotations

import re
from datetime import timedelta

from index.clean import ends_sentence
from index.dates import int_date
from qa.answer.gate import LOCATES, Candidate, Gate, join_bracketed
from qa.answer.question import CRISP_KINDS, beyond_words, fold, kind_hint, names_asked, restates

EXCERPT_CHARS = 100  # the run of clauses quoted from a longer sentence is about this long
CUT = "……"

FACT_CHARS = 70  # ... and for a number, date, name or place about this long
WHOLE_CHARS = 130  # asked what something does or why, a sentence up to this long is not cut short
KIND_CRISP = 1.0  # a clause holding the number, date, name or place asked for is kept before any other
KIND_HINT = 0.4
LENGTH_COST = 0.003  # per character: a clause must add this much of the question to be worth its length
TIE_VALUE = 0.005  # a later run of clauses must be worth this much more: of two alike, the earlier is the statement
TITLED_WEIGHT = 0.5  # a word the title holds tells less of which clause answers
REPEAT_CHARS = 40  # a follow-up answered by the sentence quoted before gets only the part it asks about
RESTATED_REACH = 2  # clauses looked back for the cause of what the question restates
MIN_PIECE = 6  # characters of words a quoted clause holds at least
LONG_PIECE = 2  # a quoted clause past this many times the limit is cut at the limit
_STRETCH_START = re.compile(r"[、，,；;\s）)》」]+")
CAUSE = re.compile(r"由于|因为|为了|旨在|原因|鉴于|出于|缘于|得益于|为由")  # a clause that gives a cause
_CONTENT = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")
_DATED = re.compile(r"\d{1,4}\s*[年月日号]|[〇零一二三四五六七八九十]{2,4}年|[一二三四五六七八九十]{1,3}月")  # a year or a day
_ADDRESS = re.compile(r"(?:https?|www\.)[\w./:?=&%#~+-]*", re.I)
_SOURCE_LINE = re.compile(r"^\s*来源[：:]\s*\S{1,30}?\s+(?:原创稿|综合稿?)?\s*")
_EMPTY_BRACKETS = re.compile(r"[（(][，,、：:；;\s]*[）)]")
_CLAUSE = re.compile(r"(?:[^，,；;：:]|(?<=\d)[,:](?=\d))+[，,；;：:]?")  # 46,600 and 21:00 are not cut
_OPENER = re.compile(
    # a paper's or an outlet's dateline (红网时刻益阳8月7日讯, 中国青年报客户端讯) and the other openers of a report
    r"^(?:本报讯|本报消息|本报综合消息|[\u4e00-\u9fff·]{0,10}(?:客户端|时刻|新闻|[报网台社])(?:[\u4e00-\u9fff]{0,4}\d{1,2}月\d{1,2}日)?讯"
    r"|记者从[^，,]{2,20}获悉|据了解|据悉|据介绍|另悉|又讯|日前获悉)"
    r"\s*(?:[（(][^）)]{0,40}[）)])?\s*[，,：:]?\s*"
    r"|^■?\s*(?:记\s*者|通讯员|见习记者|本报记者)[^，,。]{0,30}?(?:报道|摄影?|文/图|/文)\s*[，,：:]?\s*"
    r"|^原标题[：:]\s*|^[\u4e00-\u9fff]{2,10}\d{1,2}月\d{1,2}日电\s*(?:[（(][^）)]{0,20}[）)])?\s*"  # a wire's dateline
    # a web page's furniture: its byline line (长安街知事微信公众号 | 记者 周经纬), a photo's credit (周忠  摄,
    # 新华社发, 图为……（通讯员供图）), a date line (2023/08/18 ，正文： or 08/14，正文：)
    r"|^[^，。|｜]{2,20}?\s*[|｜]\s*(?:记者|作者|编辑|文)\s*[\u4e00-\u9fff]{2,4}\s*"
    r"|^[\u4e00-\u9fff]{2,6}(?:[ \u3000]*(?:摄|发|供图)[ \u3000]+|[ \u3000]+摄[ \u3000]*)|^图为[^。，]{0,40}?[（(][^）)]{0,20}(?:供图|摄)[）)]\s*"
    r"|^(?:\d{4}/)?\d{1,2}/\d{1,2}\s*[，,]?\s*正文[：:]\s*"
)
_RELATIVE_DAY = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "当天": 0, "明天": 1}
_RELATIVE_YEAR = {"前年": -2, "去年": -1, "今年": 0, "明年": 1}
_RELATIVE = re.compile("(" + "|".join([*_RELATIVE_DAY, *_RELATIVE_YEAR, "上个月", "上月", "本月", "这个月"]) + ")(?![（(]\\d)")


def strip_opener(text: str) -> str:
    """Drop a report's opener (``本报讯``, ``记者……报道``, ``据了解``) from the front of a quoted sentence."""
    previous = None
    while previous != text:
        previous, text = text, _OPENER.sub("", text, count=1).lstrip()
    return text


def absolute_dates(text: str, reported: int | None) -> str:
    """Give relative dates (昨天下午, 今年, 上月) their date from the report's, e.g. ``昨天（2023年4月6日）下午``."""
    day = int_date(reported or 0)
    if day is None:
        return text

    def name(match: re.Match[str]) -> str:
        word = match.group(1)
        if word in _RELATIVE_DAY:
            when = day + timedelta(days=_RELATIVE_DAY[word])
            return f"{word}（{when.year}年{when.month}月{when.day}日）"
        if word in _RELATIVE_YEAR:
            return f"{word}（{day.year + _RELATIVE_YEAR[word]}年）"
        month = day.replace(day=1) - timedelta(days=1) if word in ("上个月", "上月") else day
        return f"{word}（{month.year}年{month.month}月）"

    return _RELATIVE.sub(name, text, count=3)


def excerpt(gate: Gate, candidate: Candidate, limit: int = EXCERPT_CHARS, said: str = "", title: str = "",
            whole: int = WHOLE_CHARS) -> str:
    """The shortest run of the sentence's clauses that holds the answer, cut marks shown as ``……``.

    A sentence already quoted in the previous answer (``said``, folded) is cut to what the new question asks;
    asked what something does or why, a sentence of up to ``whole`` characters is not cut before its end.
    """
    sentence = strip_opener(candidate.text)
    clauses = join_bracketed(_CLAUSE.findall(sentence)) or [sentence]
    repeated = bool(said) and fold(sentence) in said
    crisp = gate.question.kind in CRISP_KINDS and not gate.question.several  # 什么时候投产？生产什么？: both
    if crisp:
        limit = min(limit, FACT_CHARS)
    terms = gate.own if repeated else gate.terms
    # what the title names is known from the citation: the clause must say what is asked of it
    titled = fold(title)
    # ... and so are the places the question names: they draw in no clause of their own (浙江省抢抓……)
    places = set(gate.question.places)
    terms = {t: w * (TITLED_WEIGHT if titled and t in titled or t in places else 1.0) for t, w in terms.items()}
    if repeated:
        limit = min(limit, REPEAT_CHARS)
    if len(sentence) <= limit and not repeated:
        return _close(sentence)
    best: tuple[float, int, int] | None = None
    for i in range(len(clauses)):
        for j in range(i, len(clauses)):
            piece = "".join(clauses[i : j + 1])
            if len(piece) > limit and j > i:
                break
            kind = _kind_value(gate, piece, crisp)
            value = gate.coverage(fold(piece), focus_factor=2.0, terms=terms) + kind - LENGTH_COST * len(piece)
            if repeated:  # told already: keep only the part the new question asks about
                value -= 0.01 * len(piece) + (1.0 if j - i == len(clauses) - 1 else 0.0)
            if best is None or value > best[0] + TIE_VALUE:
                best = (value, i, j)
    assert best is not None
    _, i, j = best
    if gate.question.kind == "reason" and i > 0 and restates(gate.question, "".join(clauses[i : j + 1])):
        i = max(0, i - RESTATED_REACH)  # the clause only says again what is asked why of: the cause comes before it
    elif gate.question.kind == "reason" and not CAUSE.search("".join(clauses[i : j + 1])):
        # asked why, a clause that gives no cause is the consequence: the cause told just before it (由于……，所以)
        i = next((a for a in range(i - 1, max(-1, i - 1 - RESTATED_REACH), -1) if CAUSE.search(clauses[a])), i)
    if gate.question.kind not in ("number", "date") and j + 1 < len(clauses) and \
            len("".join(clauses[i : j + 2])) <= limit * 1.3:
        j += 1  # what is asked about comes first, the answer after it: keep the next clause
    while j + 1 < len(clauses) and (len(_CONTENT.findall("".join(clauses[i : j + 1]))) < MIN_PIECE
                                    or clauses[j].rstrip().endswith(("：", ":"))):
        j += 1  # a lead-in (途经：) says nothing on its own: what it introduces comes with it
    if gate.question.describes and not repeated and len(sentence) <= whole and j < len(clauses) - 1 \
            and not (gate.question.kind == "reason" and CAUSE.search("".join(clauses[i : j + 1]))):
        return _close(sentence)  # asked what something does or why, a cut may lose the end of what is asked
    piece = tidy("".join(clauses[i : j + 1])).rstrip("，,；;：:")
    if len(piece) > limit * LONG_PIECE:  # one clause as long as a list of forty stops: the stretch that answers
        return _stretch(gate, piece, limit, crisp)
    return piece + CUT if j < len(clauses) - 1 else _close(piece)


def _stretch(gate: Gate, piece: str, limit: int, crisp: bool) -> str:
    """The ``limit`` characters of an over-long clause that hold most of the question, cut marks shown."""
    starts = [0] + [m.end() for m in _STRETCH_START.finditer(piece) if m.end() < len(piece)]
    best = max(starts, key=lambda a: (gate.coverage(fold(piece[a : a + limit]), focus_factor=2.0)
                                      + _kind_value(gate, piece[a : a + limit], crisp), -a))
    text = piece[best : best + limit].rstrip("，,、；;：:")
    return (CUT if best else "") + text + (CUT if best + limit < len(piece) else "")


def _kind_value(gate: Gate, piece: str, crisp: bool) -> float:
    """How surely a clause holds the kind of fact asked, beyond the question's own words (部长 in 谁是首位……部长
    is no answer to 谁); a year or a day, not only 期间 or 之后, for a date."""
    rest = beyond_words(gate.question, piece)
    if not kind_hint(gate.question, rest):
        return 0.0
    if gate.question.asked and gate.question.kind is None and not gate.question.listing:
        return KIND_HINT if names_asked(gate.question, rest) else 0.0
    if not crisp:
        return KIND_HINT
    if gate.question.kind == "date" and not _DATED.search(rest) or gate.question.kind == "place" and not LOCATES.search(rest):
        return KIND_HINT  # a year or a day for 哪一年, a clause that locates (位于……) for 在哪里
    return KIND_CRISP


def tidy(text: str) -> str:
    """Drop what extraction leaves empty: brackets with only punctuation inside, a leading comma; and what a web
    page leaves in its text: addresses (https……) and a source line before the report (来源：人民网 原创稿)."""
    text = _SOURCE_LINE.sub("", _ADDRESS.sub("", text))
    return _EMPTY_BRACKETS.sub("", text).strip().lstrip("，,、；;：:").strip()


def _close(sentence: str) -> str:
    """A sentence that stops without its end (cut by a column break) ends in ``……``."""
    sentence = tidy(sentence)
    if ends_sentence(sentence):
        return sentence
    if sentence.endswith(CUT):
        return sentence
    return sentence.rstrip("，,、；;：:") + CUT
