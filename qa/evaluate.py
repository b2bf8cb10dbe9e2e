"""The `eval` contract: questions with known answers in, retrieval and answer metrics out."""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from pathlib import Path
from typing import Any

from qa.answer import Answer, Answerer
from qa.citations import MARKER, sentences
from qa.retrieve import Passage

_LIST_ITEM = re.compile(r"^\s*(?:[-•*·]|\d{1,2}[.、)）])\s*")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'"})


def normalise(text: str) -> str:
    """NFKC, every whitespace character removed, curly quotes straightened."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).translate(_QUOTES)


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Read a questions JSONL file."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def is_relevant(question: dict[str, Any], text: str, doc_id: str | None) -> bool:
    """A passage is relevant when it holds the anchor or comes from one of the source ids."""
    anchor = question.get("anchor")
    if anchor and normalise(anchor) in normalise(text):
        return True
    return bool(question.get("source_ids")) and doc_id in question["source_ids"]


def is_correct(question: dict[str, Any], answer: Answer) -> bool:
    """The answer is correct when its text holds an acceptable answer (every part, if parts are given)."""
    return answer.found and holds_answer(question, answer.text)


def holds_answer(question: dict[str, Any], text: str) -> bool:
    """Whether text holds an acceptable answer of the question (every part, if parts are given)."""
    flat = normalise(text)
    parts = question.get("answer_parts") or [question.get("answers") or []]
    return all(any(normalise(a) in flat for a in part) for part in parts) and any(parts)


def unmarked(text: str) -> str:
    """The answer as read: ``[n]`` markers removed."""
    return MARKER.sub("", text).strip()


def first_sentence(text: str) -> str:
    """The answer's first sentence: up to the first 。！？ (markers removed), or its first list item."""
    bare = unmarked(text)
    lines = [line for line in bare.splitlines() if line.strip()]
    if len(lines) > 1 and _LIST_ITEM.match(lines[1]):
        head = lines[0] if _LIST_ITEM.match(lines[0]) else lines[1]
        return head
    match = re.search(r"[。！？]", bare)
    return bare[: match.end()] if match else bare


def percentiles(values: list[float]) -> dict[str, float]:
    """Return p50 and p95 of a list of milliseconds."""
    if not values:
        return {"p50": 0.0, "p95": 0.0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


def evaluate(answerer: Answerer, questions: list[dict[str, Any]], k: int = 10) -> dict[str, Any]:
    """Run every question through the answer path and score it."""
    rows = [_score_one(answerer, q, k) for q in questions]
    answerable = [r for r in rows if r["answerable"]]
    negatives = [r for r in rows if not r["answerable"]]
    shown = [r for r in answerable if r["found"]]
    cited = [flag for r in answerable for flag in r["cited_relevant"]]

    def share(items: list[dict[str, Any]], test: Any) -> float:
        return round(sum(1 for r in items if test(r)) / len(items), 4) if items else 0.0

    return {
        "n": len(rows),
        "n_answerable": len(answerable),
        "k": k,
        "hit_at_1": share(answerable, lambda r: r["hit_rank"] == 1),
        "hit_at_5": share(answerable, lambda r: r["hit_rank"] is not None and r["hit_rank"] <= 5),
        "hit_at_10": share(answerable, lambda r: r["hit_rank"] is not None and r["hit_rank"] <= 10),
        "mrr_at_10": round(sum(1 / r["hit_rank"] for r in answerable if r["hit_rank"] and r["hit_rank"] <= 10)
                           / len(answerable), 4) if answerable else 0.0,
        "answer_accuracy": share(answerable, lambda r: r["correct"]),
        "answer_first_accuracy": share(shown, lambda r: r["first_correct"]),
        "answer_chars": percentiles([float(r["chars"]) for r in shown]),
        "citation_precision": round(sum(cited) / len(cited), 4) if cited else 0.0,
        "refusal_accuracy": share(negatives, lambda r: not r["found"]),
        "false_refusal_rate": share(answerable, lambda r: not r["found"]),
        "supported_sentence_share": round(1 - sum(r["unsupported"] for r in rows) / max(1, sum(r["sentences"] for r in rows)), 4),
        "degraded_rate": share(rows, lambda r: r["degraded"]),
        "latency_ms": percentiles([r["latency"] for r in rows]),
        "retrieval_latency_ms": percentiles([r["retrieval"] for r in rows]),
        "questions": [
            {key: r[key] for key in ("id", "hit_rank", "correct", "found", "cited", "text")} for r in rows
        ],
    }


def _score_one(answerer: Answerer, question: dict[str, Any], k: int) -> dict[str, Any]:
    answer, passages = answerer.answer(question["question"], k=k)
    answerable = question.get("answerable", True) is not False
    return {
        "id": question.get("id"),
        "answerable": answerable,
        "hit_rank": _hit_rank(question, passages) if answerable else None,
        "correct": is_correct(question, answer) if answerable else None,
        "first_correct": answerable and answer.found and holds_answer(question, first_sentence(answer.text)),
        "chars": len(unmarked(answer.text)),
        "text": answer.text,
        "found": answer.found,
        "cited": [c.doc_id for c in answer.citations],
        "cited_relevant": [is_relevant(question, c.text, c.doc_id) for c in answer.citations],
        "sentences": len(sentences(answer.text)) if answer.found else 0,
        "unsupported": len(answer.unsupported_sentences),
        "degraded": bool(answer.degraded),
        "latency": answer.timings.get("total_ms", 0.0),
        "retrieval": answer.timings.get("retrieval_ms", 0.0),
    }


def _hit_rank(question: dict[str, Any], passages: list[Passage]) -> int | None:
    for rank, passage in enumerate(passages, start=1):
        if is_relevant(question, passage.text, passage.meta.get("doc_id")):
            return rank
    return None
