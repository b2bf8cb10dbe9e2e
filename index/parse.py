"""Understanding a newspaper page: masthead, articles with their headlines, bylines and captions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.blocks import Block, split_blocks, split_inline_credit
from index.clean import remove_cjk_spaces
from index.columns import repair_columns
from index.masthead import read_masthead
from index.models import Article, stable_id

ASSIGN_THRESHOLD = 0.45


@dataclass
class Draft:
    """An article being assembled from the page's blocks."""

    first: int
    last: int
    paragraphs: list[str] = field(default_factory=list)
    headlines: list[Candidate] = field(default_factory=list)
    byline: str | None = None

    @property
    def text(self) -> str:
        """Return the article text, paragraphs separated by newlines."""
        return "\n".join(self.paragraphs)


@dataclass
class Candidate:
    """A headline, kicker or subtitle found on the page."""

    text: str
    pos: int
    level: int = 0
    byline: str | None = None


def parse_page(text: str, source: str) -> list[Article]:
    """Parse one page's text into articles; ``source`` is the page file's name."""
    head = read_masthead(text.splitlines()[:40])
    blocks = split_blocks(text)
    drafts = _assemble_bodies(blocks)
    after = _headline_last(blocks)
    _assign_headlines(blocks, drafts, after)
    articles = []
    for draft in drafts:
        title, subtitle = _choose_title(draft, after)
        body = draft.text.strip()
        if len(body) < 8:
            continue
        articles.append(
            Article(
                id=stable_id(source, body),
                doc_id=source,
                source=source,
                title=title,
                subtitle=subtitle,
                byline=draft.byline,
                date=head.date,
                issue=head.issue,
                page=head.page,
                text=body,
                paper=head.paper,
            )
        )
    return articles


def _assemble_bodies(blocks: list[Block]) -> list[Draft]:
    drafts: list[Draft] = []
    current: Draft | None = None
    for i, block in enumerate(blocks):
        if block.kind == "credit" and current is not None:
            current.byline = block.text
            current = None
        elif block.kind in ("headline", "heading"):
            current = None
        elif block.kind == "body":
            text, credit = split_inline_credit(block.text)
            if current is None or block.starts_article:
                current = Draft(first=i, last=i)
                drafts.append(current)
            _append(current, text, i)
            if credit:
                current.byline = credit
                current = None
    for draft in drafts:
        draft.paragraphs = repair_columns(draft.paragraphs)
    return drafts


def _append(draft: Draft, text: str, pos: int) -> None:
    """Add a block as a paragraph; ``repair_columns`` later rejoins those a column break cut."""
    draft.paragraphs.append(text)
    draft.last = pos


def _headline_last(blocks: list[Block]) -> bool:
    """Return whether this page prints headlines after their articles."""
    for block in blocks:
        if block.kind in ("headline", "heading"):
            return False
        if block.kind == "body":
            return True
    return False


def _candidates(blocks: list[Block]) -> list[Candidate]:
    found: list[Candidate] = []
    for i, block in enumerate(blocks):
        if block.kind not in ("headline", "heading"):
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        byline = nxt.text if nxt is not None and nxt.kind == "byline" else None
        for part in _split_headline(block):
            found.append(Candidate(part, i, block.level, byline))
    return found


def _split_headline(block: Block) -> list[str]:
    """Split a plain multi-line headline block into kicker lines and the joined title."""
    if block.kind == "heading" or len(block.lines) == 1:
        return [block.text]
    parts: list[str] = []
    pending = ""
    for line in block.lines:
        if re.search(r"\S{2,}\s+\S{2,}", line.strip()):
            if pending:
                parts.append(pending)
                pending = ""
            parts.append(re.sub(r"\s+", " ", line.strip()))
        else:
            pending += line.strip()
    return parts + ([pending] if pending else [])


def overlap(headline: str, text: str) -> float:
    """Share of the headline's character bigrams that occur in the text."""
    flat = re.sub(r"[\s\"“”‘’'《》（）()，,、。：:！!？?·-]", "", headline)
    grams = {flat[i : i + 2] for i in range(len(flat) - 1)}
    if not grams:
        return 0.0
    return sum(1 for g in grams if g in text) / len(grams)


def _assign_headlines(blocks: list[Block], drafts: list[Draft], after: bool) -> None:
    for cand in _candidates(blocks):
        best, best_score = None, ASSIGN_THRESHOLD
        before_idx = [k for k, d in enumerate(drafts) if d.last < cand.pos]
        nearest_prev = before_idx[-1] if before_idx else -1
        for k, draft in enumerate(drafts):
            score = overlap(cand.text, draft.text) + _adjacency(k, nearest_prev, after)
            if score > best_score:
                best, best_score = draft, score
        if best is not None:
            best.headlines.append(cand)
            if cand.byline and not best.byline:
                best.byline = cand.byline


def _adjacency(k: int, nearest_prev: int, after: bool) -> float:
    """Bonus for the article the headline sits next to, in the page's reading direction."""
    nearest_next = nearest_prev + 1
    if k == (nearest_prev if after else nearest_next):
        return 0.3
    if k == (nearest_next if after else nearest_prev):
        return 0.1
    distance = abs(k - nearest_prev) if k < nearest_prev else abs(k - nearest_next)
    return -0.05 * distance


def _choose_title(draft: Draft, after: bool) -> tuple[str | None, str | None]:
    """Pick the title among the article's headlines; the others become its kicker/subtitle."""
    cands = draft.headlines
    if not cands:
        return None, None
    placed = [c for c in cands if (c.pos > draft.last if after else c.pos < draft.first)] or cands
    levels = [c.level for c in placed if c.level]
    top = min(levels) if levels else 0

    def score(c: Candidate) -> float:
        fit = min(overlap(c.text, draft.text), 0.4)
        prominent = 0.3 if c.level and c.level == top and fit >= 0.3 else 0.0
        return fit + prominent + (0.15 if c is placed[-1] else 0.0)

    title = max(placed, key=score)
    others = [c.text for c in cands if c is not title]
    return remove_cjk_spaces(title.text), (" ".join(others) or None)
