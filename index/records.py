"""Articles from JSONL records exported by a CMS, and the dispatch from a source file to articles."""

from __future__ import annotations

from typing import Any

from index.dates import iso_date
from index.models import Article, stable_id
from index.parse import parse_page
from index.read import ReadError, SourceFile, iter_records

HUGE_ARTICLE = 200_000  # characters: far beyond any printed article


def record_article(record: dict[str, Any], source: SourceFile) -> Article:
    """Turn one record into an article; the record's id becomes the doc_id."""
    text = "\n".join(line.strip() for line in str(record["text"]).splitlines() if line.strip())
    doc_id = str(record["id"])
    title = record.get("title")
    issue = record.get("issue")
    page = record.get("page")
    return Article(
        id=stable_id(source.key, doc_id, text),  # the file's full path: same-named files elsewhere stay apart
        doc_id=doc_id,
        source=str(record.get("source") or source.name),
        title=str(title).strip() if title else None,
        text=text,
        date=iso_date(record.get("date")),
        issue=int(issue) if isinstance(issue, int) or (isinstance(issue, str) and issue.isdigit()) else None,
        page=str(page) if page not in (None, "") else None,
        file=source.key,
        paper=str(record.get("paper") or record.get("source") or "").strip() or None,
    )


def source_articles(source: SourceFile, paper: str | None = None, data: bytes | None = None,
                    pages: list | None = None) -> list[Article]:  # type: ignore[type-arg]
    """Return the articles of a page file, a JSONL file or a PDF (whose ``data`` is its bytes; its pages, with
    their images, are appended to ``pages`` when given); page articles belong to ``paper``."""
    if source.is_records:
        return [record_article(r, source) for r in iter_records(source)]
    if source.is_pdf:
        from index.pdf import PdfError, pdf_articles, read_pdf

        try:
            read, problems = read_pdf(data if data is not None else source.path.read_bytes(), source.name)
        except PdfError as exc:
            raise ReadError(str(exc)) from exc
        source.problems += problems
        if pages is not None:
            pages.extend(read)
        return pdf_articles(read, source.path, source.key, paper)
    articles: list[Article] = []
    seen: set[str] = set()
    for article in parse_page(source.text, source.name):
        article.id = stable_id(source.key, article.id)  # identity by full path, not by name
        if article.id in seen:
            source.problems.append(f"{source.name}: the article 《{article.title or '无标题'}》 is printed twice; kept once")
            continue
        article.file = source.key
        article.paper = edition(article.paper, paper)
        if len(article.text) > HUGE_ARTICLE:
            source.problems.append(f"{source.name}: an article of {len(article.text):,} characters (a page without "
                                   "line breaks or headlines?); indexed as one article")
        seen.add(article.id)
        articles.append(article)
    return articles


def edition(printed: str | None, configured: str | None) -> str | None:
    """The paper a page belongs to: the name its masthead prints, or the configured one when that names an
    edition of it (嘉兴日报 printed, 嘉兴日报·平湖版 configured) or nothing is printed."""
    if printed and not (configured and configured.startswith(printed)):
        return printed
    return configured
