"""Chinese sentence-aware chunking with one sentence of overlap, offsets kept."""

from __future__ import annotations

import re

from index.models import Article, Chunk, stable_id

_SENTENCE = re.compile(r"[^。！？；…!?;\n]*(?:[。！？；!?;]+|…+|\n|$)[”’」』）)\"']*")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of text; newlines end sentences too."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        if end > start and text[start:end].strip():
            spans.append((start, end))
    return spans


def _bounded(spans: list[tuple[int, int]], text: str, limit: int) -> list[tuple[int, int]]:
    """Cut sentences longer than ``limit`` at commas, or hard at the limit."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > limit:
            window = text[start : start + limit]
            cut = max(window.rfind(p) for p in "，,、：") + 1
            cut = cut if cut > limit // 3 else limit
            out.append((start, start + cut))
            start += cut
        out.append((start, end))
    return out


def chunk_article(article: Article, size: int = 400, limit: int = 500) -> list[Chunk]:
    """Cut an article into passages of about ``size`` characters, never more than ``limit``."""
    text = article.text
    spans = _bounded(split_sentences(text), text, limit)
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= size:
            j += 1
        windows.append((spans[i][0], spans[j][1]))
        if j + 1 >= len(spans):
            break
        overlap_ok = j > i and spans[j][1] - spans[j][0] <= size // 2
        i = j if overlap_ok else j + 1
    windows = [_trimmed(text, start, end) for start, end in _merge_short_tail(windows, limit)]
    return [
        Chunk(id=stable_id(article.id, str(n)), article_id=article.id, ordinal=n, text=text[start:end],
              start=start, end=end, article=article)
        for n, (start, end) in enumerate(windows)
    ]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the white space at its ends: offsets that hold exactly the chunk's text."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _merge_short_tail(windows: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    if len(windows) >= 2:
        (a_start, _), (b_start, b_end) = windows[-2], windows[-1]
        if b_end - b_start < 120 and b_end - a_start <= limit:
            return windows[:-2] + [(a_start, b_end)]
    return windows
