"""Retrieval side by side: BM25 alone, dense alone, fixed-weight fusion and the adaptive fusion.

Each question is searched once (both candidate lists and their texts are kept); every mode then ranks
the same candidates, so the modes differ in ranking alone. With ``--tune`` the fusion's parameters
are chosen on one half of the questions (split by a hash of the id) and reported on the other half.

    QA_EMBEDDING_MODEL=/path/to/e5-small python -m bench.retrieval_modes INDEX=QUESTIONS... [--tune]

Each index must have been built with the same ``QA_EMBEDDING_MODEL``. Tuning maximises the mean of the
sets' hit@1 on their dev halves, so a small set of paraphrased questions counts as much as a big one.
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

GRID = {"dense_weight": [0.5, 0.7, 1.0, 1.5], "peak_damp": [0.0, 0.25, 0.5, 0.75],
        "exact_damp": [1.0, 0.8, 0.6, 0.4], "cover_gain": [0.0, 1.0, 2.0]}


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
        weight = (fusion.weight(question["question"], got.bm25, retriever.lexical, got.cover) if mode == "adaptive"
                  else fusion.dense_weight)
        one, five = hits(question, got, ranked(mode, got, weight, retriever.window_weight, retriever.depth))
        at1 += one
        at5 += five
    n = max(1, len(rows))
    return {"hit_at_1": round(at1 / n, 3), "hit_at_5": round(at5 / n, 3), "n": len(rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="+", help="INDEX=QUESTIONS pairs: an index folder and a questions file over it")
    parser.add_argument("--tune", action="store_true", help="choose the fusion on the dev halves, report the others")
    parser.add_argument("--limit", type=int, default=0, help="use the first N questions of each set only")
    args = parser.parse_args()
    sets: dict[str, tuple[Retriever, list[tuple[dict[str, Any], Gathered]]]] = {}
    embedders = set()
    for pair in args.sets:
        folder, _, path = pair.partition("=")
        services = build_services(Settings(index_dir=Path(folder)))
        retriever = services.answerer().retriever
        embedders.add(services.embedder.name)
        questions = [q for q in load_questions(Path(path)) if q.get("answers")]
        questions = questions[: args.limit] if args.limit else questions
        sets[Path(path).stem] = (retriever, [(q, retriever.gather(q["question"])) for q in questions])
    fusion = next(iter(sets.values()))[0].fusion
    report: dict[str, Any] = {"embedder": sorted(embedders), "fusion": vars(fusion),
                              "sets": {name: len(rows) for name, (_, rows) in sets.items()}}
    report["all"] = {name: {mode: score(rows, mode, fusion, r) for mode in ("bm25", "dense", "fused", "adaptive")}
                     for name, (r, rows) in sets.items()}
    if args.tune:
        def macro(part: str, mode: str, f: Fusion) -> float:
            values = [score([row for row in rows if half(row[0]) == part], mode, f, r)["hit_at_1"] for r, rows in sets.values()]
            return sum(values) / len(values)

        best_fixed = max(GRID["dense_weight"], key=lambda w: macro("dev", "fused", replace(fusion, dense_weight=w)))
        combos = [Fusion(w, p, e, c) for w, p, e, c in itertools.product(*GRID.values())]
        best = max(combos, key=lambda f: macro("dev", "adaptive", f))
        fixed = replace(fusion, dense_weight=best_fixed)
        report["tuned"] = {
            "fixed_weight": best_fixed, "adaptive": vars(best),
            "held_out": {name: {mode: score([row for row in rows if half(row[0]) == "held-out"], mode, f, r)
                                for mode, f in (("bm25", fusion), ("dense", fusion), ("fused", fixed), ("adaptive", best))}
                         for name, (r, rows) in sets.items()},
        }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
