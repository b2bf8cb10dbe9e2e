"""Tokens for BM25: jieba words plus CJK character bigrams."""

from __future__ import annotations

import logging
import re
import time
from functools import cache

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[\w\u3400-\u9fff]", re.U)
STOPWORDS = frozenset(
    ["的", "了", "是", "在", "和", "与", "及", "有", "也", "就", "都", "而", "或", "被", "把", "对", "为", "以", "于", "之", "其", "这", "那", "个", "吗", "呢", "吧", "啊", "什么", "多少", "哪些", "哪个", "哪里", "哪", "如何", "怎么", "怎样", "为什么", "是否", "几", "谁", "请问", "一下"]
)


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def dictionary_cut(text: str) -> list[str]:
    """Return jieba's dictionary-only cut of text (no guessed words, so it repeats)."""
    return list(_jieba().cut(text, HMM=False))


def dictionary_tag(word: str) -> str | None:
    """jieba's part of speech for a word its dictionary knows (``n``, ``nr`` …), None for a word it does not."""
    import jieba.posseg

    _jieba()
    return jieba.posseg.dt.word_tag_tab.get(word)


def dictionary_frequency(word: str) -> int:
    """How often jieba's dictionary counts a word (0 for a word it does not know)."""
    return int(_jieba().dt.FREQ.get(word) or 0)


def cut(text: str) -> list[str]:
    """Return jieba's cut of text, punctuation and stopwords included."""
    return list(_jieba().lcut(text))


def words(text: str, join_single: bool = False) -> list[str]:
    """Return jieba words, lower-cased, without punctuation or stopwords.

    With ``join_single``, a run of single CJK characters that jieba left side by side (how it cuts a
    name it does not know, ``钟埭`` → ``钟`` ``埭``) comes back as one word.
    """
    pieces = cut(text)
    if join_single:
        pieces = _join_single(pieces)
    return [w.lower() for w in pieces if _WORD.search(w) and w not in STOPWORDS]


def _join_single(cut: list[str]) -> list[str]:
    joined: list[str] = []
    in_run = False
    for word in cut:
        single = len(word) == 1 and bool(_CJK_RUN.match(word)) and word not in STOPWORDS
        if single and in_run:
            joined[-1] += word
        else:
            joined.append(word)
        in_run = single
    return joined


def tokenize(text: str) -> list[str]:
    """Return jieba words (lower-cased, no punctuation or stopwords) and CJK bigrams."""
    bigrams = [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
    return words(text) + [b for b in bigrams if b not in STOPWORDS]


def tokenize_joined(texts: list[str]) -> tuple[list[str], float]:
    """Return each text's tokens joined by spaces (as the manifest keeps them) and the seconds it took."""
    started = time.perf_counter()
    joined = [" ".join(tokenize(t)) for t in texts]
    return joined, time.perf_counter() - started
