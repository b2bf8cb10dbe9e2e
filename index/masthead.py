"""Masthead and page furniture: what a newspaper page prints around its articles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.dates import make_date

_PAPER = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,6}(?:日报|晚报|都市报|商报|时报))社?(?![\u4e00-\u9fff])")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[◆◇·•\s]*\s*(?:星期|周)[一二三四五六日天]")
_ISSUE = re.compile(r"总\s*第\s*(\d+)\s*期")
_PAGE_LABEL = re.compile(r"^#*\s*([\u4e00-\u9fffA-Z0-9]{1,6}版)\s*$")
_FURNITURE = [
    (re.compile(pattern, re.S), limit)
    for pattern, limit in (
        (r"(编辑|校对|版式|美编|责编)\s*[/／:：]", 200),
        (r"今天.*明天.*气温|明天.*今天.*气温", 300),
        (r"^友情提醒", 60),
        (r"(热线|预约|电话|地址)\s*[:：]?\s*\S*\d{5,}", 100),
        (r"地址\s*[:：]", 100),
        (r"公益广告", 200),
        (r"客户端\s*$", 30),
        (r"[■□]\s*[下上]转|[下上]转\s*[A-Z]?\d+\s*版", 30),
        (r"农历\S+年|日报社|委\s*联办", 60),
    )
]
# Words that mark countdown boxes, section banners and English slogans, but that a headline may print too
# (高考倒计时60天 我市考点准备就绪, 平湖承办APEC中小企业论坛): furniture only where no article follows.
_MAYBE = [
    (re.compile(pattern, re.S), limit)
    for pattern, limit in (
        (r"倒计时", 30),
        (r"(?<![A-Za-z])[A-Z]{4,}(?![A-Za-z])", 60),
        (r"^[\sA-Za-z0-9.,:;'’\"!?&()-]+$", 200),
    )
]


@dataclass
class Masthead:
    """What the masthead says about the page; fields are None when not printed."""

    date: str | None = None
    issue: int | None = None
    page: str | None = None
    paper: str | None = None


def read_masthead(lines: list[str]) -> Masthead:
    """Find the printed date, issue number and page label; never invent a date."""
    head = Masthead()
    for line in lines:
        if head.date is None and (match := _DATE.search(line)):
            found = make_date(*(int(g) for g in match.groups()))
            head.date = found.isoformat() if found else None
        if head.paper is None and (match := _PAPER.search(line)):
            head.paper = match.group(1)
        if head.issue is None and (match := _ISSUE.search(line)):
            head.issue = int(match.group(1))
        if head.page is None and (match := _PAGE_LABEL.match(line.strip())):
            head.page = match.group(1)
    return head


def is_masthead_line(line: str) -> bool:
    """Return whether a line belongs to the masthead (date, issue, page label)."""
    text = line.strip()
    return bool(_DATE.search(text) or _PAGE_LABEL.match(text) or _ISSUE.search(text))


def is_furniture(text: str) -> bool:
    """Return whether a block is page furniture: editor lines, weather, ads, slogans, jumps."""
    flat = text.replace("/", "")
    return is_masthead_line(flat) and len(flat) < 40 or _matches(flat, _FURNITURE)


def maybe_furniture(text: str) -> bool:
    """Return whether a block reads like a countdown box, banner or slogan: furniture unless an article follows."""
    return _matches(text.replace("/", ""), _MAYBE)


def _matches(flat: str, table: list[tuple[re.Pattern[str], int]]) -> bool:
    """Whether a short enough text matches one of a table's (pattern, longest length) rows."""
    return any(len(flat) <= limit and pattern.search(flat) for pattern, limit in table)
