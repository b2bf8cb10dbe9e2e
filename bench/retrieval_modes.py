"""Retrieval side by side: BM25 alone, dense alone, fixed-weight fusion and the adaptive fusion.

Each question is searched once (both candidate lists and their texts are kept); every mode then ranks
the same candidates, so the modes differ in ranking alone. With ``--tune`` the fusion's parameters
are chosen on one half of the questions (split by a hash of the id) and reported on the other half.

    QA_EMBEDDING_MODEL=/path/to/e5-small python -m bench.retrieval_modes --index DIR questions.jsonl [--tune]

The index must have been built with the same ``QA_EMBEDDING_MODEL``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from qa.evaluate import is_relevant, load_questions
from qa.retrieve import Fusion, Gathered, Retriever, fuse_rankings, order_pool
from qa.services import build_services
from qa.settings import Settings

GRID = {"dense_weight": [0.3, 0.5, 0.7, 1.0, 1.5], "peak_damp": [0.0, 0.25, 0.5, 0.75],
        "exact_damp": [1.0, 0.8, 0.6, 0.4]}


def half(question: dict[str, Any]) -> str:
    """'dev' or 'held-out', fixed by the question id."""
    return "dev" if int(hashlib.sha256(question["id"].encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def ranked(mode: str, got: Gathered, weight: float, window_weight: float, depth: int) -> list[str]:
    """The chunk ids in the order a mode ranks them."""
    if mode == "bm25":
        return [cid for cid, _ in got.bm25]
    if mode == "dense":
        return [cid for cid, _ in got.dense]
    pool = [cid for cid, _ in fuse_rankings([[c for c, _ in got.bm25], [c for c, _ in got.dense]], [1.0, weight])]
    return [p.chunk_id for p in order_pool(pool[:depth], got.found, got.lex, got.windows, weight, window_weight)]


def hits(question: dict[str, Any], got: Gathered, ids: list[str]) -> tuple[bool, bool]:
    """Whether the first, and any of the first five, ranked chunks are relevant."""
    relevant = [is_relevant(question, got.found[cid][0], got.found[cid][1].get("doc_id")) if cid in got.found else False
                for cid in ids[:5]]
    return bool(relevant[:1] and relevant[0]), any(relevant)


def score(rows: list[tuple[dict[str, Any], Gathered]], mode: str, fusion: Fusion, retriever: Retriever) -> dict[str, float]:
    """hit@1 and hit@5 of a mode over the rows."""
    at1 = at5 = 0
    for question, got in rows:
        weight = fusion.weight(question["question"], got.bm25, retriever.lexical) if mode == "adaptive" else fusion.dense_weight
        one, five = hits(question, got, ranked(mode, got, weight, retriever.window_weight, retriever.depth))
        at1 += one
        at5 += five
    n = max(1, len(rows))
    return {"hit_at_1": round(at1 / n, 3), "hit_at_5": round(at5 / n, 3), "n": len(rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--tune", action="store_true", help="choose the fusion on the dev half, report the other")
    parser.add_argument("--limit", type=int, default=0, help="use the first N questions only")
    args = parser.parse_args()
    settings = Settings(index_dir=args.index)
    services = build_services(settings)
    answerer = services.answerer()
    retriever = answerer.retriever
    questions = [q for q in load_questions(args.questions) if q.get("answers")]
    questions = questions[: args.limit] if args.limit else questions
    rows = [(q, retriever.gather(q["question"])) for q in questions]
    fusion = retriever.fusion
    report: dict[str, Any] = {"embedder": services.embedder.name, "questions": str(args.questions), "n": len(rows),
                              "fusion": vars(fusion)}
    fixed = replace(fusion)
    report["all"] = {mode: score(rows, mode, fixed, retriever) for mode in ("bm25", "dense", "fused", "adaptive")}
    if args.tune:
        dev = [r for r in rows if half(r[0]) == "dev"]
        held = [r for r in rows if half(r[0]) == "held-out"]
        best_fixed = max(GRID["dense_weight"], key=lambda w: score(dev, "fused", replace(fusion, dense_weight=w), retriever)["hit_at_1"])
        combos = [Fusion(w, p, e) for w, p, e in itertools.product(*GRID.values())]
        best = max(combos, key=lambda f: (score(dev, "adaptive", f, retriever)["hit_at_1"], -abs(f.peak_damp - 0.5)))
        report["tuned"] = {
            "fixed_weight": best_fixed, "adaptive": vars(best),
            "dev": {"fused": score(dev, "fused", replace(fusion, dense_weight=best_fixed), retriever),
                    "adaptive": score(dev, "adaptive", best, retriever)},
            "held_out": {mode: score(held, mode, f, retriever) for mode, f in
                         (("bm25", fusion), ("dense", fusion), ("fused", replace(fusion, dense_weight=best_fixed)),
                          ("adaptive", best))},
        }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
