"""Articles from JSONL records exported by a CMS, and the dispatch from a source file to articles."""

from __future__ import annotations

import re
from typing import Any

from index.models import Article, stable_id
from index.parse import parse_page
from index.read import SourceFile, iter_records

_DATE = re.compile(r"^\s*(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})")


def parse_date(value: Any) -> str | None:
    """Read ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM`` or ``YYYY年M月D日`` as ``YYYY-MM-DD``; else None."""
    if not isinstance(value, str) or not (match := _DATE.match(value)):
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def record_article(record: dict[str, Any], source: SourceFile) -> Article:
    """Turn one record into an article; the record's id becomes the doc_id."""
    text = "\n".join(line.strip() for line in str(record["text"]).splitlines() if line.strip())
    doc_id = str(record["id"])
    title = record.get("title")
    issue = record.get("issue")
    page = record.get("page")
    return Article(
        id=stable_id(source.name, doc_id, text),
        doc_id=doc_id,
        source=str(record.get("source") or source.name),
        title=str(title).strip() if title else None,
        text=text,
        date=parse_date(record.get("date")),
        issue=int(issue) if isinstance(issue, int) or (isinstance(issue, str) and issue.isdigit()) else None,
        page=str(page) if page not in (None, "") else None,
        file=source.key,
        paper=str(record["source"]).strip() if record.get("source") else None,
    )


def source_articles(source: SourceFile, paper: str | None = None) -> list[Article]:
    """Return the articles of a page file or a JSONL file; page articles belong to ``paper``."""
    if source.is_records:
        return [record_article(r, source) for r in iter_records(source)]
    articles = parse_page(source.text, source.name)
    for article in articles:
        article.file = source.key
        article.paper = paper
    return articles
