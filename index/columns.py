"""Column repair: rejoin paragraphs that a column break cut in two, and only those.

Convention: a body paragraph whose last character is not sentence-final punctuation (``ends_sentence``
is false) was cut by a column break and its continuation was not found on the page. It stays a paragraph
of its own, ending as printed, so that readers downstream can show it ending in ``……``; it is never glued
to the next column's text.
"""

from __future__ import annotations

from index.clean import ends_sentence
from index.splice import FUNCTION_CHARS, is_cjk, joins_word, starts_sentence, tokens

LOOK_AHEAD = 4


def repair_columns(paragraphs: list[str]) -> list[str]:
    """Join each cut paragraph with its continuation, searched in the next few paragraphs."""
    paras = [p for p in paragraphs if p]
    i = 0
    while i < len(paras):
        j = continuation(paras, i) if not ends_sentence(paras[i]) else None
        if j is None:
            i += 1
            continue
        paras[i] += paras.pop(j)
    return paras


def continuation(paras: list[str], i: int) -> int | None:
    """Return the index of the paragraph that continues ``paras[i]``, or None.

    The next paragraph continues it unless it opens a new sentence; a later one (the columns printed
    out of order) only when it starts mid-sentence, after a finished paragraph, and the join makes a word.
    """
    cut = paras[i]
    if i + 1 >= len(paras):
        return None
    nxt = paras[i + 1]
    if joins_word(cut, nxt) or not (starts_sentence(nxt, at_head=True) or _unheard_of(paras, i)):
        return i + 1
    for j in range(i + 2, min(i + 1 + LOOK_AHEAD, len(paras))):
        later = paras[j]
        if ends_sentence(paras[j - 1]) and starts_mid_sentence(later) and joins_word(cut, later):
            return j
    return None


def _unheard_of(paras: list[str], i: int) -> bool:
    """A stranded last character (``收获颇``) before a word (``青年``), the pair seen nowhere in the article."""
    left, right = tokens(paras[i][-6:]), tokens(paras[i + 1][:6])
    if len(left) < 2 or not _stranded(left[-2], left[-1]) or len(right[0]) < 2:
        return False
    pair = paras[i][-1] + paras[i + 1][0]
    return not any(pair in p for p in paras)


def _stranded(before: str, last: str) -> bool:
    """A lone character that is no function word, measure (``7条``) or end of an unknown name (``伟/婷``)."""
    if len(last) != 1 or not is_cjk(last) or last in FUNCTION_CHARS:
        return False
    return not before[-1].isdigit() and not (len(before) == 1 and is_cjk(before))


def starts_mid_sentence(text: str) -> bool:
    """Return whether text opens with a stranded character (``察了解``) or a clause of three characters or fewer."""
    if starts_sentence(text, at_head=True) or not text or not is_cjk(text[0]):
        return False
    first = tokens(text[:8])[0]
    if len(first) == 1 and first not in FUNCTION_CHARS:
        return True
    clause = next((k for k, ch in enumerate(text) if ch in "，、；：。,;:"), len(text))
    return clause <= 3
