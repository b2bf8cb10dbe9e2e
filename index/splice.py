"""Finding column splices: a sentence cut by a column break with another column's text glued on.

The evidence is the page's own words: a new sentence (``市委书记仲旭东在讲话中说``, ``据了解，``,
``在学习……时，``) starting right after a character that does not end the clause before it, where the
characters at the join form no dictionary word and never occur together elsewhere in the text. A newline
is a paragraph break, never a splice: the parser keeps a cut paragraph on its own line on purpose.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

from index.tokenize import dictionary_cut, dictionary_frequency

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
FUNCTION_CHARS = frozenset("的了是在和与及有也就都而或被把对为以于之其这那个并向由从将要让给同跟请等即又还再已曾所可会各每该此")
ORG_CHARS = frozenset("部办局处科队所站院委会厅室组司社馆校团省市县区镇乡村")  # ``运检部`` + ``负责人`` is one title
_ROLES = "书记|市长|县长|镇长|区长|主任|部长|局长|主席|负责人|董事长|总经理|经理|总监|院长|校长|所长|站长"
_SUBJECT = rf"(?:[市县区镇省]委?|党委|党工委)?(?:常务)?副?(?:{_ROLES})[\u4e00-\u9fff]{{2,3}}?(?:在|表示|说|指出|强调|介绍|认为|告诉|要求)"
_DISCOURSE = "据了解|据悉|据介绍|近日|日前|近年来|近期|总之|此外|与此同时|同时|另外|随后|目前|如今|为此|对此"
_OPENER = re.compile(rf"{_SUBJECT}|(?:{_DISCOURSE})[，,]|在[^，。！？；,\n]{{2,30}}时[，,]")
_HEAD_ONLY = re.compile(
    r"(?:本报讯|编者按)|[^，。！？；,\n]{2,12}(?:后|时|中|期间|以来)[，,]"
    r"|(?:作为|对于|为了|随着|通过|首先|其次|最后|今年|去年|昨天|今天)[^，。！？；\n]{0,25}[，,]"
    r"|[\"“][^\"”\n]{1,12}[\"”](?:还|也|将|是|已|正|则|就)"
)


class HasText(Protocol):
    """Anything with a ``text`` (a chunk)."""

    text: str


def tokens(text: str) -> list[str]:
    """Return jieba's dictionary-only cut of text (no guessed words, so it repeats)."""
    return dictionary_cut(text)


def is_word(text: str) -> bool:
    """Return whether text is a word in jieba's dictionary."""
    return dictionary_frequency(text) > 0


def is_cjk(char: str) -> bool:
    """Return whether char is a Chinese character."""
    return bool(_CJK.match(char))


def bigram_counts(texts: Iterable[str]) -> Counter[str]:
    """Count the character bigrams of texts (the reference of what occurs together)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text[i : i + 2] for i in range(len(text) - 1))
    return counts


def starts_sentence(text: str, at_head: bool = False) -> bool:
    """Return whether text opens with a clause that reads like a sentence start.

    With ``at_head`` (text is a whole paragraph), the wider paragraph openers count too: a lead, a
    ``……后，`` time clause, ``作为……，``, a quoted subject followed by ``还/也/将``.
    """
    return bool(_OPENER.match(text) or at_head and _HEAD_ONLY.match(text))


def joins_word(left: str, right: str) -> bool:
    """Return whether a dictionary word spans the join of left and right (``考`` + ``察了解`` → ``考察``).

    A word whose right-hand part is one function character (``常`` + ``在``) does not count.
    """
    if not left or not right:
        return False
    head, tail = left[-6:], right[:6]
    pos = 0
    for tok in tokens(head + tail):
        end = pos + len(tok)
        if pos < len(head) < end and len(tok) >= 2:
            return tok[len(head) - pos :] not in FUNCTION_CHARS
        pos = end
    return False


def find_splices(text: str, bigrams: Counter[str] | None = None) -> list[int]:
    """Return the offsets in text where a cut sentence runs straight into a new one.

    Args:
        bigrams: character-bigram counts of the archive the text belongs to; the text's own by default.
    """
    ref = bigrams if bigrams is not None else bigram_counts([text])
    found: list[int] = []
    offset = 0
    for line in text.split("\n"):
        found += [offset + i for i in _line_splices(line, ref)]
        offset += len(line) + 1
    return found


def _line_splices(line: str, ref: Counter[str]) -> list[int]:
    found: list[int] = []
    pos = 0
    toks = tokens(line)
    for before, left in zip([""] + toks, toks[:-1], strict=False):
        pos += len(left)
        if not _is_single_cjk(before) and _is_splice(line, pos, left, ref):
            found.append(pos)
    return found


def _is_single_cjk(token: str) -> bool:
    """A lone character after another lone one is more likely an unknown name (``李/梦/熙``) than a cut."""
    return len(token) == 1 and is_cjk(token)


def _is_splice(line: str, pos: int, left: str, ref: Counter[str]) -> bool:
    """A stranded character (``高``) before a sentence opener, the pair seen nowhere else."""
    if len(left) != 1 or not is_cjk(left) or left in FUNCTION_CHARS | ORG_CHARS or not is_cjk(line[pos]):
        return False
    pair = line[pos - 1 : pos + 1]
    return ref[pair] <= 1 and not is_word(pair) and starts_sentence(line[pos:])


def count_splices(chunks: Sequence[HasText], reference: Iterable[str] = ()) -> int:
    """Count the chunks that carry a splice; bigrams are counted over ``reference`` (or the chunks)."""
    texts = list(reference) or [c.text for c in chunks]
    ref = bigram_counts(texts)
    return sum(1 for c in chunks if find_splices(c.text, ref))
