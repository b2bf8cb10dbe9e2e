"""How many chunks carry a column splice: parse and chunk a folder of page files, count with the detector.

    python -m bench.splices [FOLDER] [--news news.jsonl --pages 50]

With ``--news``, pages are first made from JSONL news records the way two-column PDF text comes out:
lines of 13 characters, and some paragraphs cut at a column break with the next paragraph printed
between the two halves.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from index.chunk import chunk_article
from index.models import Article, Chunk
from index.parse import parse_page
from index.read import read_file
from index.splice import count_splices

MASTHEAD = "嘉兴日报社 中共平湖市委\n\n2023年4月7日◆星期五\n\n农历癸卯年闰二月十七 总第5153期\n\n# 平湖版\n"


def parse_folder(folder: Path) -> tuple[list[Article], list[Chunk]]:
    """Parse every ``*.txt`` page in folder and chunk its articles."""
    articles: list[Article] = []
    for path in sorted(folder.glob("*.txt")):
        source = read_file(path)
        articles += parse_page(source.text, source.name)
    return articles, [c for a in articles for c in chunk_article(a)]


def report(folder: Path) -> dict[str, float]:
    """Return the chunk count, the spliced-chunk count and splices per 100 chunks."""
    articles, chunks = parse_folder(folder)
    spliced = count_splices(chunks, [a.text for a in articles])
    per_100 = round(100 * spliced / len(chunks), 2) if chunks else 0.0
    return {"pages": len(list(folder.glob("*.txt"))), "chunks": len(chunks), "spliced": spliced, "per_100": per_100}


def _paragraphs(text: str) -> list[str]:
    sentences = [s + "。" for s in text.replace("\n", "").split("。") if len(s) >= 6]
    return ["".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def _lines(paragraph: str, width: int = 13) -> list[str]:
    return [paragraph[i : i + width] for i in range(0, len(paragraph), width)]


def fake_page(records: list[dict], rng: random.Random) -> str:
    """A page of records: titled articles, some paragraphs cut by a column with another printed between."""
    out = [MASTHEAD]
    for record in records:
        out.append(f"# {record.get('title') or record['text'][:12]}")
        paras = [_lines(p) for p in _paragraphs(record["text"])][:8]
        i = 0
        while i < len(paras):
            lines = paras[i]
            if len(lines) > 3 and i + 1 < len(paras) and rng.random() < 0.4:
                cut = rng.randrange(1, len(lines) - 1)
                out += [" ".join(lines[:cut]), " ".join(paras[i + 1]), " ".join(lines[cut:])]
                i += 2
            else:
                out.append(" ".join(lines))
                i += 1
    return "\n\n".join(out) + "\n"


def write_fake_pages(news: Path, pages: int, folder: Path, seed: int = 7) -> None:
    """Write ``pages`` fake pages of three records each from a news JSONL file."""
    rng = random.Random(seed)
    records: list[dict] = []
    with news.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if len(record.get("text", "")) > 400:
                records.append(record)
            if len(records) >= pages * 3:
                break
    for n in range(pages):
        page = fake_page(records[3 * n : 3 * n + 3], rng)
        (folder / f"fake_{n:03d}.txt").write_text(page, encoding="utf-8")


def main() -> None:
    """Print the splice counts as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="seeds", type=Path)
    parser.add_argument("--news", type=Path, help="make pages from this JSONL of news records instead")
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    if args.news is None:
        print(json.dumps(report(args.folder)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        write_fake_pages(args.news, args.pages, Path(tmp))
        print(json.dumps({"source": str(args.news), **report(Path(tmp))}))


if __name__ == "__main__":
    main()
