"""A newspaper page's layout from positioned lines: columns, headlines, articles, in reading order.

The lines come from a PDF's text layer or from OCR; both go through the same steps:
1. lines of one column and one type size are joined into blocks (a block ends at a gap, a change of size, or
   a change of left edge);
2. blocks are typed by size against the page's body type: headlines larger, captions and bylines smaller; the
   masthead is the top band that prints the date, issue or page label (and what stands beside them); the
   footer is a small single line at the foot of the page;
3. blocks are put in reading order by cutting the page at whitespace (recursive XY-cut): at the widest gaps
   between rows of articles, then at column gutters, then between a headline and its body, so an article's
   headline, byline and body columns stay together;
4. articles are read off that order: a headline opens an article, body blocks continue it (a column that
   continues the previous column's sentence is joined without a break: no splices at column ends).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from index.blocks import BYLINE, LEADS
from index.clean import ends_sentence
from index.masthead import is_masthead_line

HEADLINE_RATIO = 1.2  # a headline's type is this much larger than the body's
CAPTION_RATIO = 0.92
# whitespace, in body type sizes: between rows of articles, between columns, between a headline and its body
ROW_GAP, GUTTER, LINE_GAP = 1.5, 0.5, 0.4
COLUMN_LINES = 4  # lines starting at one x make it a column's left edge
_JUMP_OUT = re.compile(r"[（(]\s*下转第?\s*([0-9A-Z一二三四五六七八九十]+)\s*版\s*[）)]")
_JUMP_IN = re.compile(r"^[（(]\s*上接第?\s*([0-9A-Z一二三四五六七八九十]+)\s*版\s*[）)]")


@dataclass
class Line:
    """A line of text and its box on the page (points, origin at the top left, y grows downwards)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float


@dataclass
class Block:
    """Lines of one column and one type size, one under the other."""

    lines: list[Line]
    kind: str = "body"  # body | headline | caption | byline | masthead | footer

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def y0(self) -> float:
        return min(line.y0 for line in self.lines)

    @property
    def y1(self) -> float:
        return max(line.y1 for line in self.lines)

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


@dataclass
class LaidArticle:
    """An article read off a page: title, subtitle, byline, paragraphs, captions and its box."""

    headlines: list[Block] = field(default_factory=list)
    byline: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    jump_out: str | None = None  # the page its body continues on
    jump_in: str | None = None  # the page it continues from

    @property
    def title(self) -> str | None:
        if not self.headlines:
            return None
        return max(self.headlines, key=lambda b: (b.size, len(b.text))).text

    @property
    def subtitle(self) -> str | None:
        title = self.title
        rest = [b.text for b in self.headlines if b.text != title]
        return "；".join(rest) or None

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (min(b[0] for b in self.boxes), min(b[1] for b in self.boxes),
                max(b[2] for b in self.boxes), max(b[3] for b in self.boxes))


@dataclass
class PageLayout:
    """What a page holds: masthead lines, articles in reading order, its size."""

    masthead: list[str]
    articles: list[LaidArticle]
    width: float
    height: float


def lay_out(lines: list[Line], width: float, height: float, same_size: float = 0.06) -> PageLayout:
    """Read a page's articles from its lines; lines whose sizes differ by ``same_size`` or less are one type."""
    lines = [line for line in lines if line.text.strip()]
    if not lines:
        return PageLayout([], [], width, height)
    body = _body_size(lines)
    lines = _mend_fragments(lines, body)
    blocks = _blocks(lines, body, same_size)
    masthead = _mark_masthead(blocks, height)
    _mark_footer(blocks, height, body)
    for block in blocks:
        if block.kind == "body":
            block.kind = _kind(block, body)
    order = _xy_cut([b for b in blocks if b.kind not in ("masthead", "footer")], body)
    return PageLayout([b.text for b in masthead], _articles(order, body), width, height)


def _body_size(lines: list[Line]) -> float:
    """The type size most characters are set in."""
    weight: dict[float, int] = {}
    for line in lines:
        key = round(line.size * 2) / 2
        weight[key] = weight.get(key, 0) + len(line.text)
    return max(weight, key=lambda k: weight[k])


def _mend_fragments(lines: list[Line], body: float) -> list[Line]:
    """Join pieces of one printed line that OCR read apart (a gap narrower than a character, the same
    baseline); a gutter is wider. A fragment's size, judged from a few characters, takes its neighbour's."""
    starts = Counter(round(line.x0) for line in lines)
    columns = {x for x, n in starts.items() if n + starts[x - 1] + starts[x + 1] >= COLUMN_LINES}
    out: list[Line] = []
    for line in sorted(lines, key=lambda ln: (ln.x0, ln.y0)):
        if round(line.x0) in columns:  # where many lines start is a column's edge: a line begins there
            out.append(line)
            continue
        home = next((o for o in out if abs(o.y1 - line.y1) <= 0.3 * body and -0.2 * body <= line.x0 - o.x1 <= 0.9 * body
                     and abs(o.size - line.size) <= 0.25 * body), None)
        if home is None:
            out.append(line)
            continue
        size = home.size if len(line.text) <= len(home.text) else line.size
        home.text, home.x1, home.size = home.text + line.text, line.x1, size
        home.y0, home.y1 = min(home.y0, line.y0), max(home.y1, line.y1)
    return out


def _blocks(lines: list[Line], body: float, tolerance: float) -> list[Block]:
    """Join lines into blocks: same column, same size, close below one another."""
    blocks: list[Block] = []
    open_blocks: list[Block] = []
    for line in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        home = None
        for block in open_blocks:
            last = block.lines[-1]
            same_size = abs(line.size - last.size) <= tolerance * max(line.size, last.size)
            gap = line.y0 - last.y1
            overlap = min(line.x1, block.x1) - max(line.x0, block.x0)
            narrow = min(line.x1 - line.x0, block.x1 - block.x0)
            left = abs(line.x0 - block.x0) <= 2.6 * line.size
            if same_size and -0.3 * line.size <= gap <= 0.9 * line.size and overlap >= 0.5 * narrow and left:
                home = block
                break
        if home is None:
            home = Block([line])
            blocks.append(home)
            open_blocks.append(home)
        else:
            home.lines.append(line)
        open_blocks = [b for b in open_blocks if line.y0 - b.lines[-1].y1 <= 2 * body]
    return blocks


def _mark_masthead(blocks: list[Block], height: float) -> list[Block]:
    """The masthead: blocks near the top that print the date, issue or page label, and what stands beside them."""
    top = [b for b in blocks if b.y1 <= 0.2 * height and is_masthead_line(b.text)]
    if not top:
        return []
    bottom = max(b.y1 for b in top)
    band = [b for b in blocks if b.y0 < bottom]  # the paper's name beside the date is masthead too
    for block in band:
        block.kind = "masthead"
    return sorted(band, key=lambda b: (b.y0, b.x0))


def _mark_footer(blocks: list[Block], height: float, body: float) -> None:
    """The footer: small single lines below everything else at the foot of the page (editor, proofreader)."""
    rest = [b for b in blocks if b.kind == "body"]
    if not rest:
        return
    lowest = max(rest, key=lambda b: b.y1)
    if lowest.y0 >= 0.93 * height and len(lowest.lines) == 1 and lowest.size <= body:
        lowest.kind = "footer"


def _kind(block: Block, body: float) -> str:
    size = block.size
    text = block.text
    if size >= HEADLINE_RATIO * body and len(text) <= 80:
        return "headline"
    if size <= CAPTION_RATIO * body:
        if BYLINE.match(text) and len(text) <= 40:
            return "byline"
        return "jump" if _JUMP_IN.match(text) else "caption"
    if BYLINE.match(text) and len(text) <= 40:
        return "byline"
    return "body"


def _xy_cut(blocks: list[Block], body: float) -> list[Block]:
    """Blocks in reading order, cut recursively at whitespace: at the widest gaps between rows of articles,
    then at column gutters, then between a headline and its body."""
    if len(blocks) <= 1:
        return blocks
    parts = _split(blocks, "y", ROW_GAP * body, widest=True)
    if len(parts) == 1:
        parts = _split(blocks, "x", GUTTER * body)
    if len(parts) == 1:
        parts = _split(blocks, "y", LINE_GAP * body, widest=True)
    if len(parts) > 1:
        return [b for part in parts for b in _xy_cut(part, body)]
    return sorted(blocks, key=lambda b: (b.y0, b.x0))


def _split(blocks: list[Block], axis: str, min_gap: float, widest: bool = False) -> list[list[Block]]:
    """Split blocks at gaps of at least ``min_gap`` in their projection on an axis (only the widest ones)."""
    def span(b: Block) -> tuple[float, float]:
        return (b.x0, b.x1) if axis == "x" else (b.y0, b.y1)

    ordered = sorted(blocks, key=lambda b: span(b)[0])
    gaps = []
    reach = span(ordered[0])[1]
    for i, block in enumerate(ordered[1:], start=1):
        start, end = span(block)
        if start - reach >= min_gap:
            gaps.append((start - reach, i))
        reach = max(reach, end)
    if widest and gaps:
        top = max(g for g, _ in gaps)
        gaps = [(g, i) for g, i in gaps if g >= 0.8 * top]
    cuts = [0, *(i for _, i in gaps), len(ordered)]
    return [ordered[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _articles(order: list[Block], body: float) -> list[LaidArticle]:
    articles: list[LaidArticle] = []
    current: LaidArticle | None = None
    previous_body: Block | None = None
    for block in order:
        text = block.text.strip()
        box = (block.x0, block.y0, block.x1, block.y1)
        opens = block.kind == "headline" and (current is None or current.paragraphs or current.byline) or \
            block.kind == "body" and text.startswith(LEADS) and current is not None and bool(current.paragraphs)
        if current is None or opens:
            current = LaidArticle()
            articles.append(current)
            previous_body = None
        current.boxes.append(box)
        if block.kind == "headline":
            current.headlines.append(block)
        elif block.kind == "byline":
            current.byline = text.lstrip("■ ").strip()
        elif block.kind == "caption":
            current.captions.append(text)
        elif block.kind == "jump":
            current.jump_in = _JUMP_IN.match(text).group(1)  # type: ignore[union-attr]
        else:
            paragraphs = _paragraphs(block, body)
            if previous_body is not None and current.paragraphs and _continues(previous_body, block, body):
                current.paragraphs[-1] += paragraphs.pop(0)  # the sentence runs on from the previous column
            current.paragraphs.extend(paragraphs)
            previous_body = block
    for article in articles:
        _take_jumps(article)
    return [a for a in articles if a.paragraphs or a.headlines]


def _take_jumps(article: LaidArticle) -> None:
    """Read ``（下转第2版）`` / ``（上接第1版）`` markers off the text, keeping the page they name."""
    if article.paragraphs:
        last = article.paragraphs[-1]
        if match := _JUMP_OUT.search(last):
            article.jump_out = match.group(1)
            article.paragraphs[-1] = (last[: match.start()] + last[match.end() :]).strip()
        first = article.paragraphs[0]
        if match := _JUMP_IN.match(first):
            article.jump_in = match.group(1)
            article.paragraphs[0] = first[match.end() :].strip()
    article.paragraphs = [p for p in article.paragraphs if p]


def _paragraphs(block: Block, body: float) -> list[str]:
    """A block's lines joined into paragraphs: an indented line opens one, a short line closes one."""
    left, right = block.x0, block.x1
    size = block.size
    out: list[str] = []
    for i, line in enumerate(block.lines):
        indented = line.x0 - left >= 1.2 * size
        closed = i > 0 and block.lines[i - 1].x1 < right - 1.5 * size and ends_sentence(block.lines[i - 1].text)
        if not out or indented or closed:
            out.append(line.text.strip())
        else:
            out[-1] += _joiner(out[-1], line.text) + line.text.strip()
    return out


def _continues(previous: Block, block: Block, body: float) -> bool:
    """Whether a column goes on with the previous column's last paragraph (not indented, the last line full)."""
    last = previous.lines[-1]
    first = block.lines[0]
    full = last.x1 >= previous.x1 - 1.5 * last.size
    return full and first.x0 - block.x0 < 1.2 * first.size


def _joiner(before: str, after: str) -> str:
    """Latin words broken across lines keep a space; Chinese lines join directly."""
    if before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() and after[:1].isalpha():
        return " "
    return ""
