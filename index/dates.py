"""The project's one date reader: dates in records and mastheads, and the period a question names.

``parse_date`` reads a written date (``2023-04-07``, ``2023/4/7 08:30``, ``2023年4月7日``) and refuses
impossible ones (``2023-02-30``). ``date_range`` reads the period of report dates a question asks about:
a day, a month, a span (至/到/—), a quarter, a half year, the weeks around the Spring Festival, a year,
or a relative period (今年3月, 去年, 上个月, 昨天, 最近), with Chinese numerals read as digits.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

RECENT_DAYS = 90
FESTIVAL_DAYS = {"前后": (-15, 15), "前": (-30, -1), "后": (1, 30), "期间": (-1, 6), "": (-1, 6)}
# 春节 (the first day of the lunar year), 2000-2035: a small table, kept here, instead of a lunar calendar
SPRING_FESTIVAL = {
    2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1), 2004: (1, 22), 2005: (2, 9), 2006: (1, 29),
    2007: (2, 18), 2008: (2, 7), 2009: (1, 26), 2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10),
    2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
    2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6),
    2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19),
    2035: (2, 8),
}

_WRITTEN = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})(?!\d)")
_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})(?=\s*年)")
_CN_NUMBER = re.compile(r"([一二三四五六七八九十两]{1,3})(?=\s*(?:月|日|号))")
_YEAR_WORD = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}
_RELATIVE_DAY = {"今天": 0, "昨天": -1, "前天": -2, "昨日": -1, "今日": 0}
_SPAN = r"\s*(?:至|到|—|–|-|~|～)\s*"
_Y = r"(?:(\d{4})\s*年|(今年|去年|前年|明年))"
_DAY_SPAN = re.compile(_Y + r"\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?" + _SPAN + r"(?:(\d{4})\s*年)?\s*(?:(\d{1,2})\s*月)?\s*(\d{1,2})\s*[日号]")
_MONTH_SPAN = re.compile(_Y + r"\s*(\d{1,2})\s*月?" + _SPAN + r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月")
_YEAR_SPAN = re.compile(r"(\d{4})\s*年?" + _SPAN + r"(\d{4})\s*年")
_DAY = re.compile(_Y + r"\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_QUARTER = re.compile(_Y + r"\s*(?:第\s*)?([1-4一二三四])\s*季度")
_HALF = re.compile(_Y + r"\s*(上半年|下半年)")
_FESTIVAL = re.compile(_Y + r"?\s*春节\s*(前后|前|后|期间)?")
_MONTH = re.compile(_Y + r"\s*(\d{1,2})\s*月(?!\s*\d)")
_YEAR_ONLY = re.compile(r"(\d{4})\s*年(?!\s*\d)")
_SAME_TIME_LAST_YEAR = re.compile(r"(?:比|较|与|和|同)?\s*去年同期")


def make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when there is no such day (2023年2月30日)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: object) -> date | None:
    """Read ``YYYY-MM-DD`` (a time after it is ignored), ``YYYY/M/D``, ``YYYY.M.D`` or ``YYYY年M月D日``; else None."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not (match := _WRITTEN.match(value)):
        return None
    return make_date(*(int(g) for g in match.groups()))


def iso_date(value: object) -> str | None:
    """``parse_date`` written as ``YYYY-MM-DD``."""
    found = parse_date(value)
    return found.isoformat() if found else None


def arabic(text: str) -> str:
    """Chinese numerals of dates as digits: ``二〇二三年三月十五日`` becomes ``2023年3月15日``."""
    text = _CN_YEAR.sub(lambda m: "".join(str(_DIGIT[c]) for c in m.group(1)), text)
    return _CN_NUMBER.sub(lambda m: str(_small_number(m.group(1))), text)


def _small_number(word: str) -> int:
    if "十" not in word:
        return _DIGIT.get(word[-1], 0)
    tens, _, ones = word.partition("十")
    return (_DIGIT[tens] if tens else 1) * 10 + (_DIGIT[ones] if ones else 0)


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

    def spoken(self) -> str:
        """The range in words: 2026年, 2026年10月, 2026年1月至5月, 2025年11月至2026年2月, or days."""
        since, until = self.since, self.until
        whole_months = since.day == 1 and until == _month_end(until.year, until.month)
        if not whole_months:
            return self.label() if since == until else f"{self.label_day(since)}至{self.label_day(until)}"
        if since.month == 1 and until.month == 12 and since.year == until.year:
            return f"{since.year}年"
        if (since.year, since.month) == (until.year, until.month):
            return f"{since.year}年{since.month}月"
        if since.year == until.year:
            return f"{since.year}年{since.month}月至{until.month}月"
        return f"{since.year}年{since.month}月至{until.year}年{until.month}月"

    @staticmethod
    def label_day(day: date) -> str:
        """A day in words: 2026年11月27日."""
        return f"{day.year}年{day.month}月{day.day}日"

    def label(self) -> str:
        """Return the range as a reader would say it."""
        if self.since == self.until:
            return self.label_day(self.since)
        return f"{self.since.isoformat()} 至 {self.until.isoformat()}"


def _int(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def int_date(day: int) -> date | None:
    """The date of an int ``YYYYMMDD`` (None for 0 or no such day)."""
    return make_date(day // 10000, day // 100 % 100, day % 100) if day else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(number: str | None, word: str | None, today: date) -> int | None:
    if number:
        return int(number)
    return today.year + _YEAR_WORD[word] if word else None


def _last_festival_year(today: date) -> int:
    """The year of the latest Spring Festival up to today (a question naming no year means that one)."""
    festival = SPRING_FESTIVAL.get(today.year)
    return today.year if festival is None or festival <= (today.month, today.day) else today.year - 1


def _range(since: date | None, until: date | None, phrase: str, relative: bool) -> DateRange | None:
    if since is None or until is None or since > until or not 1800 <= since.year <= 2200:
        return None
    return DateRange(since, until, phrase.strip(), relative)


def date_range(question: str, today: date) -> DateRange | None:
    """Return the report dates a question asks about, or None when it names none (or an impossible date)."""
    text = _SAME_TIME_LAST_YEAR.sub("", arabic(question))  # 比去年同期: a comparison, not the period asked
    if match := _DAY_SPAN.search(text):
        y, word, m1, d1, y2, m2, d2 = match.groups()
        year = _year(y, word, today) or today.year
        end_year, end_month = int(y2) if y2 else year, int(m2) if m2 else int(m1)
        return _range(make_date(year, int(m1), int(d1)), make_date(end_year, end_month, int(d2)), match.group(0), bool(word))
    if match := _MONTH_SPAN.search(text):
        y, word, m1, y2, m2 = match.groups()
        start = _year(y, word, today) or today.year
        first, last = int(m1), int(m2)
        if 1 <= first <= 12 and 1 <= last <= 12:
            return _range(date(start, first, 1), _month_end(int(y2) if y2 else start, last), match.group(0), bool(word))
    if match := _YEAR_SPAN.search(text):
        first, last = int(match.group(1)), int(match.group(2))
        return _range(date(first, 1, 1), date(last, 12, 31), match.group(0), False)
    if match := _DAY.search(text):
        y, word, m, d = match.groups()
        found = make_date(_year(y, word, today) or today.year, int(m), int(d))
        return _range(found, found, match.group(0), bool(word)) if found else None
    if match := _QUARTER.search(text):
        y, word, q = match.groups()
        quarter = int(q) if q.isdigit() else _DIGIT[q]
        year = _year(y, word, today) or today.year
        return _range(date(year, quarter * 3 - 2, 1), _month_end(year, quarter * 3), match.group(0), bool(word))
    if match := _HALF.search(text):
        y, word, half = match.groups()
        year = _year(y, word, today) or today.year
        first, last = (1, 6) if half == "上半年" else (7, 12)
        return _range(date(year, first, 1), _month_end(year, last), match.group(0), bool(word))
    if match := _FESTIVAL.search(text):
        y, word, when = match.groups()
        year = _year(y, word, today) or _last_festival_year(today)
        if year in SPRING_FESTIVAL:
            day = date(year, *SPRING_FESTIVAL[year])
            before, after = FESTIVAL_DAYS[when or ""]
            return _range(day + timedelta(days=before), day + timedelta(days=after), match.group(0), not y)
    if match := _MONTH.search(text):
        y, word, m = match.groups()
        month = int(m)
        if 1 <= month <= 12:
            year = _year(y, word, today) or today.year
            return _range(date(year, month, 1), _month_end(year, month), match.group(0), bool(word))
    return _relative(text, today) or _bare_year(text)


def _relative(text: str, today: date) -> DateRange | None:
    for word, offset in _YEAR_WORD.items():
        if word in text:
            year = today.year + offset
            return DateRange(date(year, 1, 1), date(year, 12, 31), word, relative=True)
    for word, offset in _RELATIVE_DAY.items():
        if word in text and re.search(word + r"(?:的)?(?:报纸|报道|新闻|版面|头版|报上)", text):
            day = today + timedelta(days=offset)
            return DateRange(day, day, word, relative=True)
    if "上个月" in text or "上月" in text:
        last_month_end = today.replace(day=1) - timedelta(days=1)
        return DateRange(last_month_end.replace(day=1), last_month_end, "上个月", relative=True)
    if "本月" in text or "这个月" in text:
        return DateRange(today.replace(day=1), today, "本月", relative=True)
    if "最近" in text or "近期" in text:
        return DateRange(today - timedelta(days=RECENT_DAYS), today, "最近", relative=True)
    return None


def _bare_year(text: str) -> DateRange | None:
    if match := _YEAR_ONLY.search(text):
        year = int(match.group(1))
        return _range(date(year, 1, 1), date(year, 12, 31), match.group(0), False)
    return None
