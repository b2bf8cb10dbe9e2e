"""Title recall of the page parser against a gold article list (scoring as in the eval FORMAT)."""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path

from index.parse import parse_page
from index.read import read_file


def normalise(text: str) -> str:
    """NFKC, no whitespace, curly quotes straightened."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return text.translate(str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'"}))


def strip_punct(text: str) -> str:
    """Drop punctuation and symbols."""
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "S")))


def found(gold: dict, articles: list) -> bool:
    """Return whether a parsed article matches the gold title and anchor."""
    want = strip_punct(normalise(gold["title"]))
    for art in articles:
        title = strip_punct(normalise(art.title or ""))
        similar = title and (want in title or title in want or difflib.SequenceMatcher(None, want, title).ratio() >= 0.75)
        if similar and normalise(gold["body_anchor"]) in normalise(art.text):
            return True
    return False


def main(gold_path: str, seeds: str) -> None:
    """Print title recall per source and overall."""
    golds = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    hits = 0
    for gold in golds:
        src = read_file(Path(seeds) / gold["source"])
        ok = found(gold, parse_page(src.text, src.name))
        hits += ok
        if not ok:
            print("missed:", gold["source"], gold["title"])
    print(json.dumps({"gold": len(golds), "found": hits, "title_recall": round(hits / len(golds), 3)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "seeds")
