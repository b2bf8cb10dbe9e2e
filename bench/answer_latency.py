"""Answer latency on the sample pages: the whole answer path against retrieval alone, in one process.

    python -m bench.answer_latency [QUESTIONS.jsonl ...] [--rounds 5]

Builds an index of ``seeds/`` in a temporary folder (fallback embedder), warms it, then times every
question ``--rounds`` times through ``Answerer.answer`` (plan, gate, composition, checks) and through
``Retriever.search`` alone, the baseline. Prints medians, p95 and the ratio of the two medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from qa.evaluate import load_questions
from qa.services import build_services
from qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = [ROOT / "tests" / "data" / "seeds_near_miss.jsonl"]


def _time(call: object, questions: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            call(question)  # type: ignore[operator]
            out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 2), "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path, nargs="*", default=DEFAULT_QUESTIONS)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    questions = [q["question"] for path in args.questions for q in load_questions(path)]
    with tempfile.TemporaryDirectory() as folder:
        services = build_services(Settings(index_dir=Path(folder), embedding_model="hash"))
        services.ingestor().run([ROOT / "seeds"])
        answerer = services.answerer()
        for question in questions:  # warm caches (jieba, BM25, Chroma) before timing
            answerer.answer(question)
        retrieval = _time(lambda q: answerer.retriever.search(q, answerer.k), questions, args.rounds)
        answers = _time(lambda q: answerer.answer(q), questions, args.rounds)
    result = {"questions": len(questions), "rounds": args.rounds, "answer_ms": _summary(answers),
              "retrieval_ms": _summary(retrieval),
              "answer_over_retrieval": round(statistics.median(answers) / statistics.median(retrieval), 2)}
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
