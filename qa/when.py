"""Dates named in a question (``2022年6月28日``, ``2023年4月``, ``去年``, ``上个月``, ``最近``) as a date range."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from index.models import spoken_date

RECENT_DAYS = 90

_DAY = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)")
_MONTH_SPAN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*(?:月)?\s*(?:至|到|-|—|~)\s*(\d{1,2})\s*月")
_YEAR = re.compile(r"(\d{4})\s*年(?!\s*\d{1,2}\s*月)")
_HALF = {"上半年": (1, 6), "下半年": (7, 12)}
_RELATIVE_YEAR = {"今年": 0, "去年": -1, "前年": -2}


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of report dates and the words of the question that named it."""

    since: date
    until: date
    phrase: str
    relative: bool = False

    def ints(self) -> tuple[int, int]:
        """Return the range as ``YYYYMMDD`` integers."""
        return _int(self.since), _int(self.until)

    def label(self) -> str:
        """Return the range as a reader would say it."""
        if self.since == self.until:
            return spoken_date(self.since.isoformat()) or ""
        return f"{self.since.isoformat()} 至 {self.until.isoformat()}"


def _int(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe(build):  # type: ignore[no-untyped-def]
    try:
        return build()
    except ValueError:  # 2023年2月30日 and the like: not a date
        return None


def date_range(question: str, today: date) -> DateRange | None:
    """Return the report dates a question asks about, or None when it names none."""
    if match := _DAY.search(question):
        year, month, day = (int(g) for g in match.groups())
        found = _safe(lambda: date(year, month, day))
        return DateRange(found, found, match.group(0)) if found else None
    if match := _MONTH_SPAN.search(question):
        year, first, last = (int(g) for g in match.groups())
        if 1 <= first <= last <= 12:
            return DateRange(date(year, first, 1), _month_end(year, last), match.group(0))
    if match := _MONTH.search(question):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return DateRange(date(year, month, 1), _month_end(year, month), match.group(0))
    for word, offset in _RELATIVE_YEAR.items():
        if word in question:
            year = today.year + offset
            for half, (first, last) in _HALF.items():
                if word + half in question:
                    return DateRange(date(year, first, 1), _month_end(year, last), word + half, relative=True)
            return DateRange(date(year, 1, 1), date(year, 12, 31), word, relative=True)
    if "上个月" in question or "上月" in question:
        last_month_end = today.replace(day=1) - timedelta(days=1)
        return DateRange(last_month_end.replace(day=1), last_month_end, "上个月", relative=True)
    if "本月" in question or "这个月" in question:
        return DateRange(today.replace(day=1), today, "本月", relative=True)
    if "最近" in question or "近期" in question:
        return DateRange(today - timedelta(days=RECENT_DAYS), today, "最近", relative=True)
    if match := _YEAR.search(question):
        year = int(match.group(1))
        if 1800 <= year <= 2200:
            return DateRange(date(year, 1, 1), date(year, 12, 31), match.group(0))
    return None
