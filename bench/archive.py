"""A synthetic newspaper archive of a given size, made of real sentences, deterministic by seed.

Sentences come from the seed pages and, when present, ``../shared/data/news_7k.jsonl``. New articles are
recombined from them (lengths like real articles), dated over twenty years, written as JSONL records,
one file per year. Questions are known-item lookups: a fragment of a sentence used exactly once, with the
article that holds it as gold.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from index.chunk import split_sentences
from index.read import discover, read_file
from index.records import source_articles

YEARS = 20
FIRST_YEAR = 2004
CHUNK_CHARS = 400


def sentence_pool(paths: list[Path], limit: int = 200_000) -> tuple[list[str], list[int]]:
    """Return real sentences (8 to 200 characters) and real article lengths (in sentences)."""
    files, _ = discover(paths)
    sentences: list[str] = []
    lengths: list[int] = []
    for path in files:
        for article in source_articles(read_file(path)):
            found = [article.text[a:b].strip() for a, b in split_sentences(article.text)]
            found = [s for s in found if 8 <= len(s) <= 200]
            if found:
                sentences += found
                lengths.append(len(found))
            if len(sentences) >= limit:
                return sentences, lengths
    return sentences, lengths


def generate(out: Path, chunks: int, sources: list[Path], seed: int = 0, questions: int = 200) -> dict[str, Any]:
    """Write an archive of about ``chunks`` chunks: records under ``out/docs``, ``out/questions.jsonl``."""
    marker = out / "archive.json"
    if marker.exists():
        described: dict[str, Any] = json.loads(marker.read_text())
        if described["target_chunks"] == chunks and described["seed"] == seed:
            return described
    rng = random.Random(seed)
    pool, lengths = sentence_pool(sources)
    if not pool:
        raise ValueError("no sentences found in the sources")
    (out / "docs").mkdir(parents=True, exist_ok=True)
    uses: dict[str, int] = {}
    by_year: dict[int, list[dict[str, Any]]] = {}
    made = total_chars = 0
    start = date(FIRST_YEAR, 1, 1)
    span = (date(FIRST_YEAR + YEARS, 1, 1) - start).days
    while total_chars / CHUNK_CHARS < chunks:
        body = [rng.choice(pool) for _ in range(max(2, rng.choice(lengths)))]
        for sentence in body:
            uses[sentence] = uses.get(sentence, 0) + 1
        day = start + timedelta(days=rng.randrange(span))
        title = body[0].split("，")[0][:24]
        record = {"id": f"gen-{seed}-{made}", "title": title, "date": day.isoformat(), "page": f"第{rng.randint(1, 8)}版",
                  "text": "".join(body)}
        by_year.setdefault(day.year, []).append(record)
        made += 1
        total_chars += len(record["text"])
    for year, records in by_year.items():
        with (out / "docs" / f"{year}.jsonl").open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    asked = _questions(by_year, uses, rng, questions)
    _write_questions(out, asked)
    described = {"target_chunks": chunks, "seed": seed, "articles": made, "characters": total_chars,
                 "files": len(by_year), "questions": len(asked)}
    marker.write_text(json.dumps(described))
    return described


def _questions(by_year: dict[int, list[dict[str, Any]]], uses: dict[str, int], rng: random.Random,
               count: int) -> list[dict[str, Any]]:
    """Known-item questions: a fragment of a sentence used once, gold = its article. A large archive reuses
    every sentence of the pool, so there the fragment itself is the gold (any passage holding it counts)."""
    records = [r for year in sorted(by_year) for r in by_year[year]]
    rng.shuffle(records)
    out: list[dict[str, Any]] = []
    shared: list[str] = []
    for record in records:
        sentences = [s for a, b in split_sentences(record["text"]) if len(s := record["text"][a:b].strip()) >= 24]
        unique = [s for s in sentences if uses.get(s, 0) == 1]
        if not unique:
            if sentences and len(shared) < count:
                shared.append(rng.choice(sentences))
            continue
        sentence = rng.choice(unique)
        cut = len(sentence) // 4
        out.append({"id": f"k{len(out)}", "question": sentence[cut : cut + 18] + "？", "answers": [],
                    "source_ids": [record["id"]], "anchor": None})
        if len(out) >= count:
            return out
    for sentence in shared[: count - len(out)]:
        cut = len(sentence) // 4
        fragment = sentence[cut : cut + 18]
        out.append({"id": f"k{len(out)}", "question": fragment + "？", "answers": [], "source_ids": [], "anchor": fragment})
    return out


def rewrite_questions(out: Path, seed: int = 0, count: int = 200) -> int:
    """Derive the questions of an archive already on disk again (after a change to how they are picked)."""
    by_year: dict[int, list[dict[str, Any]]] = {}
    uses: dict[str, int] = {}
    for path in sorted((out / "docs").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            by_year.setdefault(int(path.stem), []).append(record)
            for a, b in split_sentences(record["text"]):
                sentence = record["text"][a:b].strip()
                uses[sentence] = uses.get(sentence, 0) + 1
    asked = _questions(by_year, uses, random.Random(seed), count)
    _write_questions(out, asked)
    return len(asked)


def _write_questions(out: Path, asked: list[dict[str, Any]]) -> None:
    (out / "questions.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in asked) + "\n",
                                         encoding="utf-8")
