"""Citation markers that hold: unknown markers dropped, renumbering by first use, each sentence checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from index.models import int_to_date
from index.tokenize import words

MARKER = re.compile(r"\[(\d{1,3})\]")
_SENTENCE = re.compile(r".+?(?:[。！？!?；;…]+[”」』\"]?(?:\s*(?:\[\d{1,3}\])+)?|$)", re.S)
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?:[万亿千百]+)?[元%％年月日号个人家项名岁米吨亩台辆次倍]?")
_QUOTED = re.compile(r"[“「『\"]([^”」』\"]{2,20})[”」』\"]")
MIN_WORDING = 0.5


def source_label(ref: Mapping[str, Any] | object, paper: str) -> str:
    """Where a passage was printed, as every interface shows it: ``《嘉兴日报·平湖版》2023-04-07 第5153期 平湖版《标题》``.

    ``ref`` is a citation (object or dict) or chunk metadata; its own paper wins over ``paper``, the
    configured name, which stands in only when the record named none. A date given as ``YYYYMMDD`` is
    written out. Nothing is escaped.
    """
    def get(key: str) -> Any:
        return ref.get(key) if isinstance(ref, Mapping) else getattr(ref, key, None)

    day = get("date")
    day = int_to_date(day) if isinstance(day, int) else day
    issue = f" 第{get('issue')}期" if get("issue") else ""
    page = f" {get('page')}" if get("page") else ""
    scanned = "（扫描版OCR识别）" if get("ocr") else ""
    return f"《{get('paper') or paper}》{day or '日期不详'}{issue}{page}《{get('title') or '无标题'}》{scanned}"


@dataclass
class Checked:
    """One answer sentence, the passages it cites (1-based, renumbered) and whether they support it."""

    text: str
    cites: list[int]
    supported: bool


def renumber(text: str, passages: int) -> tuple[str, list[int]]:
    """Drop markers naming no passage; renumber the rest by first use.

    Returns the new text and, for each new number n, the 0-based index of the passage it names.
    """
    order: list[int] = []

    def swap(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if not 1 <= number <= passages:
            return ""
        if number - 1 not in order:
            order.append(number - 1)
        return f"[{order.index(number - 1) + 1}]"

    cleaned = MARKER.sub(swap, text)
    cleaned = re.sub(r"(\[\d+\])(?:\1)+", r"\1", cleaned)  # [1][1] -> [1]
    return cleaned, order


def sentences(text: str) -> list[str]:
    """Split an answer into sentences, each keeping the markers that follow it."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def facts(sentence: str) -> list[str]:
    """Return the numbers and quoted names a sentence states: what must be found in its sources."""
    bare = MARKER.sub("", sentence)
    return _NUMBER.findall(bare) + _QUOTED.findall(bare)


def supported(sentence: str, sources: list[str]) -> bool:
    """Whether the cited sources hold the sentence's numbers and names and enough of its wording."""
    if not sources:
        return False
    joined = _flat("\n".join(sources))
    bare = MARKER.sub("", sentence)
    for fact in facts(_flat(bare)):
        if not re.search(rf"(?<![\d.]){re.escape(fact)}", joined):
            return False
    content = [w for w in words(bare) if len(w) > 1]
    if not content:
        return True
    held = sum(1 for w in content if w in joined)
    return held / len(content) >= MIN_WORDING


def check(text: str, sources: list[str]) -> list[Checked]:
    """Check every sentence of a renumbered answer against the sources its markers name (1-based).

    A sentence without a marker of its own is checked against the markers of the next sentence that
    has some (one marker often closes several clauses), else of the previous one.
    """
    parts: list[tuple[str, list[int]]] = []
    for piece in sentences(text):
        cites = [int(n) for n in MARKER.findall(piece)]
        if re.search(r"\w", MARKER.sub("", piece)) or not parts:
            parts.append((piece, cites))
        else:  # a stray closing bracket or quote belongs to the sentence before it
            parts[-1] = (parts[-1][0] + piece, parts[-1][1] + cites)
    out = []
    for i, (sentence, cites) in enumerate(parts):
        if not cites:
            later = [c for _, c in parts[i + 1 :] if c]
            earlier = [c for _, c in parts[:i] if c]
            cites = later[0] if later else (earlier[-1] if earlier else [])
        cited = [sources[n - 1] for n in cites if 1 <= n <= len(sources)]
        out.append(Checked(sentence, cites, supported(MARKER.sub("", sentence).strip(), cited)))
    return out


def _flat(text: str) -> str:
    """Whitespace removed, lower case, digit-grouping commas removed (``1,200`` = ``1200``)."""
    return re.sub(r"(?<=\d),(?=\d)", "", re.sub(r"\s+", "", text).lower())
