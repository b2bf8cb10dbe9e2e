"""Clean-up of text pulled out of newspaper PDFs: broken lines, stray spaces, text-effect repeats."""

from __future__ import annotations

import re

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u2014\u00b7"
WIDE = CJK + CJK_PUNCT
SENTENCE_END = "。！？；…!?;"

_WIDE_SPACE = re.compile(rf"(?<=[{WIDE}])[ \t\u3000]+(?=[{WIDE}0-9A-Za-z%\"(])")
_SPACE_WIDE = re.compile(rf"(?<=[0-9A-Za-z%\".,:)])[ \t\u3000]+(?=[{WIDE}])")
_PUNCT_RUN = re.compile(r"([，。、；：“”‘’！？,.;:!?\"'《》（）()])\1+")
_LONG_REPEAT = re.compile(r"(.{2,40}?)\1{2,}", re.S)
_DOUBLE = re.compile(r"(.{3,40}?)\1", re.S)
_HAS_CJK = re.compile(rf"[{CJK}]")


def join_lines(lines: list[str]) -> str:
    """Join lines broken by the column layout: no space between CJK, one space between Latin words."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def remove_cjk_spaces(text: str) -> str:
    """Remove spaces inside Chinese text (``独山港经 济开发区``) and next to numbers in it."""
    text = _WIDE_SPACE.sub("", text)
    return _SPACE_WIDE.sub("", text)


def collapse_repeats(text: str) -> str:
    """Collapse text-effect repeats (``国际劳动节大会现场`` x31, ``加速度加速度``, ``，，，``)."""
    text = _PUNCT_RUN.sub(r"\1", text)
    text = _LONG_REPEAT.sub(_keep_one, text)
    text = _DOUBLE.sub(_keep_one, text)
    return _PUNCT_RUN.sub(r"\1", text)


def _keep_one(match: re.Match[str]) -> str:
    unit = match.group(1)
    if not _HAS_CJK.search(unit) or "\n" in unit:
        return match.group(0)
    return unit


def clean_text(text: str) -> str:
    """Apply the in-line clean-ups to one joined paragraph."""
    return collapse_repeats(remove_cjk_spaces(re.sub(r"[ \t\u3000]+", " ", text))).strip()


def ends_sentence(text: str) -> bool:
    """Return whether text ends a sentence (possibly followed by a closing quote)."""
    stripped = text.rstrip("”’\"'）)」』")
    return bool(stripped) and stripped[-1] in SENTENCE_END
