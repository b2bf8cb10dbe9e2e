"""How much of a question a piece of text holds: question words weighted by their rarity in the archive."""

from __future__ import annotations

import math

from index.chunk import split_sentences
from index.lexical import LexicalIndex
from index.tokenize import words


def question_words(question: str) -> list[str]:
    """Return the content words of a question, with unknown names kept whole (see ``words``)."""
    return words(question, join_single=True)


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

    def coverage(self, text: str) -> float:
        """Share of the question's weighted words that occur in text."""
        flat = text.lower()
        return sum(w for t, w in self.terms.items() if t in flat) / self.total

    def best_window(self, text: str, width: int = 2) -> float:
        """Highest coverage found in any run of ``width`` consecutive sentences of text."""
        sentences = [text[start:end] for start, end in split_sentences(text)] or [text]
        return max(self.coverage("".join(sentences[i : i + width])) for i in range(len(sentences)))
