"""How much of a question a piece of text holds: question words weighted by their rarity in the archive."""

from __future__ import annotations

import math
import re

from index.chunk import split_sentences
from index.lexical import LexicalIndex
from index.tokenize import STOPWORDS, cut, words

ASKING = re.compile(r"几|多少|多大|多高|多长|多久|多远|多重|什么|啥|哪|谁|何|怎么|怎样|如何")


def question_words(question: str) -> list[str]:
    """Return the content words of a question, with unknown names kept whole (see ``words``)."""
    return words(question, join_single=True)


def focus_words(question: str, reach: int = 2) -> set[str]:
    """Return the content words right before and after the question word: what the answer is about.

    In ``有几支队伍参赛`` that is ``队伍``; in ``活动的主题是什么`` it is ``主题``. A sentence holding
    them is more likely to hold the answer than one that only repeats the question's subject.
    """
    pieces = [p.lower() for p in cut(question)]
    content = set(question_words(question))
    found: set[str] = set()
    for i, piece in enumerate(pieces):
        if not ASKING.search(piece):
            continue
        for step in (1, -1):
            for j in range(i + step, i + step * (reach + 1), step):
                if 0 <= j < len(pieces) and pieces[j] in content and pieces[j] not in STOPWORDS:
                    found.add(pieces[j])
                    break
    return found


class Weights:
    """Question words weighted by their BM25 inverse document frequency over the archive."""

    def __init__(self, question: str, lexical: LexicalIndex) -> None:
        self.terms = {w: lexical.idf(w) for w in set(question_words(question))}
        self.total = sum(self.terms.values()) or 1.0

    def focused(self, sentences: list[str]) -> Weights:
        """Return weights that favour words found in few of the candidate sentences."""
        sharper = Weights.__new__(Weights)
        sharper.terms = {
            t: w / (1.0 + math.log1p(sum(1 for s in sentences if t in s.lower()))) for t, w in self.terms.items()
        }
        sharper.total = sum(sharper.terms.values()) or 1.0
        return sharper

    def boosted(self, terms: set[str], factor: float) -> Weights:
        """Return weights with ``terms`` counted ``factor`` times."""
        louder = Weights.__new__(Weights)
        louder.terms = {t: w * factor if t in terms else w for t, w in self.terms.items()}
        louder.total = sum(louder.terms.values()) or 1.0
        return louder

    def coverage(self, text: str) -> float:
        """Share of the question's weighted words that occur in text."""
        flat = text.lower()
        return sum(w for t, w in self.terms.items() if t in flat) / self.total

    def best_window(self, text: str, width: int = 2) -> float:
        """Highest coverage found in any run of ``width`` consecutive sentences of text."""
        sentences = [text[start:end] for start, end in split_sentences(text)] or [text]
        return max(self.coverage("".join(sentences[i : i + width])) for i in range(len(sentences)))
