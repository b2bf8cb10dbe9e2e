"""Data model: articles parsed from pages or records, and the chunks cut from them."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from index.dates import parse_date


def stable_id(*parts: str, length: int = 16) -> str:
    """Return a short sha256 hex digest of the joined parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass
class Article:
    """One article with its provenance."""

    id: str
    doc_id: str
    source: str
    title: str | None
    text: str
    subtitle: str | None = None
    byline: str | None = None
    date: str | None = None
    issue: int | None = None
    page: str | None = None
    file: str = ""
    paper: str | None = None
    pdf_page: int | None = None  # the page of the PDF file it was printed on
    ocr: bool = False  # read from a page image by OCR: the text may hold recognition errors
    region: str | None = None  # its box on the page image: "x0,y0,x1,y1" as shares of the page's size

    def to_dict(self) -> dict[str, Any]:
        """Return the article as the JSON object `archive-qa parse` prints."""
        keys = ("id", "doc_id", "source", "title", "subtitle", "byline", "date", "issue", "page", "text")
        data = asdict(self)
        out = {key: data[key] for key in keys}
        if self.pdf_page is not None:  # printed on a PDF page: where, and how it was read
            out.update(pdf_page=self.pdf_page, ocr=self.ocr, region=self.region)
        return out

    def stored(self) -> dict[str, Any]:
        """Return what the manifest keeps of the article: enough to chunk it again exactly (its paper too)."""
        return {**self.to_dict(), "paper": self.paper}


@dataclass
class Chunk:
    """A passage of an article: what retrieval ranks and answers cite."""

    id: str
    article_id: str
    ordinal: int
    text: str
    start: int
    end: int
    article: Article = field(repr=False)

    def metadata(self) -> dict[str, str | int]:
        """Return Chroma metadata; dates become int YYYYMMDD, nulls are left out."""
        art = self.article
        meta: dict[str, str | int | None] = {
            "article_id": art.id,
            "doc_id": art.doc_id,
            "source": art.source,
            "file": art.file,
            "title": art.title,
            "paper": art.paper,
            "subtitle": art.subtitle,
            "date": date_to_int(art.date) or UNDATED,  # a value, so that date filters run inside Chroma
            "issue": art.issue,
            "page": art.page,
            "pdf_page": art.pdf_page,
            "ocr": 1 if art.ocr else None,
            "region": art.region,
            "ordinal": self.ordinal,
            "start": self.start,
            "end": self.end,
        }
        return {key: value for key, value in meta.items() if value is not None}

    def index_text(self) -> str:
        """Return the text that is embedded and tokenized: a context line, then the passage.

        The context line names the paper, the date (``2021年6月8日``) and the title, so that a chunk
        that says only "我市" or "昨天" can still be found by the place and year a reader asks about.
        """
        art = self.article
        context = " ".join(part for part in (art.paper, spoken_date(art.date), art.title) if part)
        return f"{context}\n{self.text}" if context else self.text


UNDATED = 0  # the ``date`` of a chunk whose page prints no date


def date_to_int(date: str | None) -> int | None:
    """Turn ``YYYY-MM-DD`` into the int ``YYYYMMDD`` (None stays None)."""
    if not date:
        return None
    return int(date.replace("-", ""))


def spoken_date(value: str | int | None) -> str | None:
    """Turn ``YYYY-MM-DD`` or the int ``YYYYMMDD`` into ``2021年6月8日`` (None stays None)."""
    day = value if isinstance(value, int) else date_to_int(value)
    if not day:
        return None
    return f"{day // 10000}年{day // 100 % 100}月{day % 100}日"


def parse_day(value: str | None) -> int | None:
    """Read a user's ``YYYY-MM-DD`` as the int ``YYYYMMDD``; blank is None, anything else a ValueError."""
    if not value or not value.strip():
        return None
    found = parse_date(value)
    if found is None:
        raise ValueError(f"not a date: {value!r} (write YYYY-MM-DD)")
    return date_to_int(found.isoformat())


def int_to_date(value: int | None) -> str | None:
    """Turn the int ``YYYYMMDD`` back into ``YYYY-MM-DD``."""
    if not value:
        return None
    text = str(value)
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}"
