"""A dated question at archive scale: the date filter inside Chroma against filtering dense results in Python.

Builds (once, cached under ``--out``) a synthetic twenty-year archive of ``--chunks`` chunks from real
sentences (``bench.archive``), plus a file of undated records (pages that print no date), ingested with the
fallback embedder. Each known-item question is then asked for the month its gold article was printed in,
undated pages kept, two ways:
- ``inside``: one Chroma query whose ``where`` holds the month or the undated marker (what serving does);
- ``python``: the earlier way, an unfiltered dense top ``4 x candidates`` filtered in Python afterwards.
Reported: dense candidates that survive the filter, how often the gold chunk is among them, latency p50.

    python -m bench.dated_search [--chunks 100000] [--out /tmp/dated-archive]
"""

from __future__ import annotations

import argparse
import calendar
import json
import statistics
import sys
import time
from pathlib import Path

from bench.archive import generate
from qa.retrieve import Filters
from qa.services import build_services
from qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
UNDATED_SHARE = 20  # one record in 20 is copied as an undated page


def build(out: Path, chunks: int) -> Settings:
    """Generate and ingest the archive (both skipped when already done)."""
    sources = [ROOT / "seeds"] + [p for p in [ROOT.parent / "shared" / "data" / "news_7k.jsonl"] if p.exists()]
    described = generate(out, chunks, sources)
    undated = out / "docs" / "undated.jsonl"
    if not undated.exists():
        lines = []
        for path in sorted((out / "docs").glob("2*.jsonl")):
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
                if i % UNDATED_SHARE == 0:
                    record = json.loads(line)
                    record.update(id=record["id"] + "-undated", date="")
                    lines.append(json.dumps(record, ensure_ascii=False))
        undated.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(index_dir=out / "index", embedding_model="hash")
    services = build_services(settings)
    if services.store.count() == 0:
        print(json.dumps({"archive": described, "ingest": "running"}), flush=True)
        services.ingestor().run([out / "docs"])
    return settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/dated-archive"))
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    settings = build(args.out, args.chunks)
    services = build_services(settings)
    retriever = services.answerer().retriever
    store, candidates = services.store, retriever.candidates
    dates = {}
    for path in sorted((args.out / "docs").glob("2*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            dates[record["id"]] = record["date"]
    questions = [json.loads(line) for line in (args.out / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [q for q in questions if q.get("source_ids")][: args.questions]
    ways: dict[str, dict[str, list[float]]] = {"inside": {"kept": [], "gold": [], "ms": []},
                                               "python": {"kept": [], "gold": [], "ms": []}}
    for question in questions:
        gold = question["source_ids"][0]
        year, month = int(dates[gold][:4]), int(dates[gold][5:7])
        filters = Filters(year * 10000 + month * 100 + 1, year * 10000 + month * 100 + calendar.monthrange(year, month)[1],
                          keep_undated=True)
        vector = services.embedder.embed_query(question["question"])
        for way in ways:
            started = time.perf_counter()
            if way == "inside":
                found = store.query(vector, candidates, filters.where())
            else:
                found = store.query(vector, candidates * 4, filters.where(False), filters.admits)[:candidates]
            ways[way]["ms"].append((time.perf_counter() - started) * 1000)
            metas = store.get_scored([cid for cid, _ in found], None)
            ways[way]["kept"].append(len(found))
            ways[way]["gold"].append(float(any(meta.get("doc_id") == gold for _, meta, _ in metas.values())))
    report = {"chunks": store.count(), "questions": len(questions), "candidates": candidates,
              **{way: {"kept_p50": statistics.median(v["kept"]), "gold_in_dense": round(statistics.mean(v["gold"]), 3),
                       "ms_p50": round(statistics.median(v["ms"]), 2)} for way, v in ways.items()}}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    out = ROOT / "bench" / "results" / "dated_search.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
