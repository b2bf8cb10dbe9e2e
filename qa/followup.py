"""Follow-up questions without an LLM: carry the earlier question's key words into the query."""

from __future__ import annotations

import re

from index.lexical import LexicalIndex
from qa.relevance import ASKING, question_words

_LEANS_ON = re.compile(r"它|他们|她们|他|她|其|该|这个|这些|这家|这项|这位|那个|那些|那家|此|上述|同一|还有|另外")
CARRIED_WORDS = 4
SHORT = 2


def leans_on_history(question: str) -> bool:
    """Whether a question needs the conversation to be understood (a pronoun, or very few words)."""
    return bool(_LEANS_ON.search(question)) or len(question_words(question)) <= SHORT


def standalone(question: str, history: list[tuple[str, str]], lexical: LexicalIndex) -> str:
    """Return the question with the rarest words of the last self-contained question put in front."""
    if not history or not leans_on_history(question):
        return question
    earlier = standalone(history[-1][0], history[:-1], lexical)
    carried = sorted(
        {w for w in question_words(earlier) if w not in question.lower() and not ASKING.search(w)},
        key=lambda w: -lexical.idf(w),
    )[:CARRIED_WORDS]
    carried.sort(key=lambda w: earlier.lower().find(w))  # in the order the earlier question said them
    return f"{''.join(carried)} {question}" if carried else question
