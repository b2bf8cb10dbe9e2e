"""Split a page's lines into typed blocks: headings, headlines, bylines, photo credits, body text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.clean import clean_text, ends_sentence, join_lines
from index.masthead import is_furniture, is_masthead_line, maybe_furniture

_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
BYLINE = re.compile(r"^■?\s*(记\s*者|见习记者|本报记者|特约记者|通讯员|特约通讯员)|■\s*记\s*者")
_CREDIT = re.compile(r"^■?\s*摄\s*影")
_INLINE_CREDIT = re.compile(r"\s*■\s*摄\s*影\s*(.*)$")
_AD = re.compile(r"(热线|预约|电话|地址)\s*[:：]|公益广告")
LEADS = ("本报讯", "编者按")


@dataclass
class Block:
    """A run of lines with one role on the page."""

    kind: str  # heading | headline | byline | credit | body | maybe (furniture unless an article follows)
    text: str
    lines: list[str] = field(default_factory=list)
    level: int = 0

    @property
    def starts_article(self) -> bool:
        """Return whether a body block opens a new article by its lead."""
        return self.kind == "body" and self.text.startswith(LEADS)


def split_blocks(text: str) -> list[Block]:
    """Split page text into typed blocks, dropping masthead and furniture."""
    blocks = [b for raw in _raw_blocks(text) if (b := _classify(raw)) is not None]
    return _demote_fragments(_drop_ad_clusters(_settle_maybes(blocks)))


def _settle_maybes(blocks: list[Block]) -> list[Block]:
    """A block that only reads like furniture is a headline when an article follows it (a byline, a lead, or
    a body after a subtitle), and furniture otherwise: the evidence is its place, not its words."""
    kept = []
    for i, block in enumerate(blocks):
        if block.kind != "maybe":
            kept.append(block)
            continue
        after = blocks[i + 1 : i + 3]
        opens = bool(after) and (after[0].kind == "byline" or after[0].starts_article or
                                 after[0].kind in ("headline", "heading") and len(after) > 1 and
                                 (after[1].kind == "byline" or after[1].starts_article))
        if opens:
            kept.append(_classify(block.lines, settled=True) or block)
    return kept


def _raw_blocks(text: str) -> list[list[str]]:
    raw: list[list[str]] = []
    current: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line or is_masthead_line(line) and len(line) < 40:
            current = _flush(raw, current)
            continue
        if _HEADING.match(line) or _is_byline_line(line) and current and not _is_byline_line(current[-1]) or current and _is_byline_line(current[0]) and not _is_byline_cont(line):
            current = _flush(raw, current)
        current.append(line)
        if _HEADING.match(line):
            current = _flush(raw, current)
    _flush(raw, current)
    return raw


def _flush(raw: list[list[str]], current: list[str]) -> list[str]:
    if current:
        raw.append(current)
    return []


def _is_byline_line(line: str) -> bool:
    return bool(BYLINE.search(line) or _CREDIT.match(line)) and len(line) <= 40 or (
        line.startswith("■") and len(line) <= 12
    )


def _is_byline_cont(line: str) -> bool:
    return bool(re.match(r"^(通讯员|特约通讯员|见习记者|摄\s*影)", line)) and len(line) <= 40


def _classify(lines: list[str], settled: bool = False) -> Block | None:
    heading = _HEADING.match(lines[0])
    level = len(heading.group(1)) if heading else 0
    body = [heading.group(2)] if heading else lines
    joined = join_lines(body)
    if not joined:
        return None
    if is_furniture("\n".join(body)):
        return Block("ad", joined, body) if _AD.search(joined) else None
    if not settled and maybe_furniture("\n".join(body)) and not joined.startswith(LEADS):
        return Block("maybe", joined, lines, level)
    if _is_byline_line(joined) or _is_byline_line(body[0]) and len(joined) <= 60:
        kind = "credit" if _CREDIT.match(joined) else "byline"
        return Block(kind, " ".join(ln.replace("■", "").strip() for ln in body), body, level)
    text = clean_text(joined)
    if text.startswith(LEADS):
        return Block("body", text, body, level)
    if heading:
        return Block("heading", text, body, level)
    if _is_headline(text, body):
        return Block("headline", text, body)
    return Block("body", text, body)


def _is_headline(text: str, lines: list[str]) -> bool:
    if len(lines) > 3 or len(text) > 40 or re.search(r"[。；？?;.]", text[:-1]):
        return False
    if re.search(r"[，,]", text) and len(text) > 12 or "、" in text and len(text) > 20:
        return False
    if text.endswith(("！", "!")) and len(text) <= 15:
        return True
    return not ends_sentence(text) and not text.endswith(("，", "、", "：", ","))


def split_inline_credit(text: str) -> tuple[str, str | None]:
    """Split a trailing ``■摄影 …`` credit off a caption paragraph."""
    match = _INLINE_CREDIT.search(text)
    if not match:
        return text, None
    return text[: match.start()].rstrip(), "摄影 " + match.group(1).strip()


def _drop_ad_clusters(blocks: list[Block]) -> list[Block]:
    """Drop short blocks that sit beside an advertisement (school names, slogans)."""
    drop = set()
    for i, block in enumerate(blocks):
        if block.kind == "ad":
            drop.add(i)
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(blocks) and _is_ad_neighbour(blocks[j]):
                    drop.add(j)
                    j += step
    return [b for i, b in enumerate(blocks) if i not in drop]


def _is_ad_neighbour(block: Block) -> bool:
    return block.kind in ("headline", "body") and len(block.text) < 40 and not block.starts_article


def _demote_fragments(blocks: list[Block]) -> list[Block]:
    """Turn short column fragments that only look like headlines back into body text."""
    for i, block in enumerate(blocks):
        if block.kind != "headline":
            continue
        prev = blocks[i - 1] if i else None
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if prev is not None and prev.kind == "body" and not ends_sentence(prev.text):
            block.kind = "body"
        elif nxt is not None and nxt.kind == "body" and not nxt.starts_article:
            after_heading = prev is not None and prev.kind == "heading" and len(block.text) >= 12
            if after_heading or _continues(nxt.text):
                block.kind = "body"
    return blocks


def _continues(text: str) -> bool:
    """Return whether text starts mid-sentence (a clause of three characters or fewer)."""
    match = re.search(r"[，。、；：！？]", text)
    return match is not None and match.start() <= 3
