"""Follow-up questions without an LLM: carry the earlier question's key words into the query."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

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


def turns(history: Iterable[Any] | None) -> list[tuple[str, str]]:
    """Earlier turns as (question, answer) pairs, from pairs or from OpenAI-style role/content messages.

    A user message with no assistant reply before the next one becomes a turn with an empty answer.
    """
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for entry in history or []:
        item = entry.model_dump() if hasattr(entry, "model_dump") else entry
        if isinstance(item, dict):
            role, content = item.get("role"), message_text(item.get("content"))
            if role == "user":
                if pending is not None:
                    pairs.append((pending, ""))
                pending = content
            elif role == "assistant" and pending is not None:
                pairs.append((pending, content))
                pending = None
        else:
            question, reply = item
            pairs.append((str(question), str(reply)))
    if pending is not None:
        pairs.append((pending, ""))
    return pairs


def message_text(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return "" if content is None else str(content)
