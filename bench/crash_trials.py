"""Kill an ingest with SIGKILL at random moments, ingest again, and compare with a clean ingest.

    python -m bench.crash_trials [--trials 24] [--articles 2400] [--news ../shared/data/news_7k.jsonl]
                                 [--out bench/results/crash_trials.json]

The archive is ``--articles`` news records in four JSONL files (or generated records without ``--news``).
Half the trials kill a first ingest, half an incremental one (two files indexed, then all four with one of
the first two changed). The kill moment is drawn uniformly over a clean run's duration, so it lands in
every stage in proportion to its length: reading, embedding, Chroma's writes (its vector index included),
tokenizing, BM25, the manifest. After each kill the same ingest runs again (127.0.0.1 only, the fallback
embedder); the trial survives when that run exits 0 and the index then holds exactly the clean index's
chunk ids in the manifest, Chroma and BM25, ``archive-qa check`` says ok, the answers to a few questions
are the clean index's, and no worker process of the killed ingest is left running.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

QUESTIONS = 5
ENV = {**os.environ, "QA_EMBEDDING_MODEL": "hash", "HF_HUB_OFFLINE": "1"}


def _cli(index: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa.cli", "--index", str(index), *args], capture_output=True,
                          text=True, env=ENV, timeout=timeout)


def _records(news: Path | None, count: int, seed: int) -> list[dict[str, Any]]:
    if news is not None:
        with news.open(encoding="utf-8") as handle:
            return [json.loads(line) for _, line in zip(range(count), handle, strict=False)]
    rng = random.Random(seed)
    words = ["平湖", "新埭镇", "乍浦镇", "项目", "投资", "开工", "建设", "会议", "要求", "推进", "乡村振兴", "数字经济", "垃圾分类", "养老服务", "科技创新"]
    return [{"id": f"r{i}", "title": f"{rng.choice(words)}{rng.choice(words)}新进展{i}", "date": "2023-04-07",
             "text": "。".join("".join(rng.choice(words) for _ in range(12)) for _ in range(20)) + "。"}
            for i in range(count)]


def _write(folder: Path, records: list[dict[str, Any]], changed: int | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    quarter = max(1, len(records) // 4)
    for n in range(4):
        part = records[n * quarter : (n + 1) * quarter]
        if changed == n and part:
            part = [{**part[0], "text": part[0]["text"] + "（本文有更正）"}, *part[1:]]
        (folder / f"part{n}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part),
                                              encoding="utf-8")


def snapshot(index: Path, questions: list[str]) -> dict[str, Any]:
    """What an index holds, part by part, and how it answers."""
    db = sqlite3.connect(index / "manifest.sqlite")
    manifest = sorted(row[0] for row in db.execute("SELECT id FROM chunks"))
    db.close()
    check = json.loads(_cli(index, "check", "--json").stdout or "{}")
    answers = [json.loads(_cli(index, "ask", q, "--json").stdout or "{}").get("text") for q in questions]
    return {"manifest": manifest, "chroma": check.get("chroma_chunks"), "bm25": check.get("bm25_chunks"),
            "ok": check.get("ok"), "problems": check.get("problems"), "answers": answers}


def _workers(marker: str) -> list[int]:
    """Processes still running with the killed ingest's index path on their command line."""
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def trial(n: int, base: Path, records: list[dict[str, Any]], questions: list[str],
          reference: dict[str, dict[str, Any]], duration: dict[str, float], rng: random.Random) -> dict[str, Any]:
    kind = "first" if n % 2 == 0 else "incremental"
    index, data = base / f"idx{n}", base / "data"  # one data path: a file's identity is its path
    shutil.rmtree(data, ignore_errors=True)
    _write(data, records)
    if kind == "incremental":
        _cli(index, "ingest", str(data / "part0.jsonl"), str(data / "part1.jsonl"))
        _write(data, records, changed=1)
    delay = rng.uniform(0.05, 0.9) * duration[kind]
    process = subprocess.Popen([sys.executable, "-m", "qa.cli", "--index", str(index), "ingest", str(data)],
                               env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    finished_first = process.poll() is not None
    if not finished_first:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(1.5)  # a worker notices its parent is gone within half a second
    left = _workers(str(index))
    again = _cli(index, "ingest", str(data))
    after = snapshot(index, questions)
    expected = reference[kind]
    same = (after["manifest"] == expected["manifest"] and after["chroma"] == expected["chroma"]
            and after["bm25"] == expected["bm25"] and after["answers"] == expected["answers"] and after["ok"])
    result = {"trial": n, "kind": kind, "killed_at_s": round(delay, 2), "killed": not finished_first,
              "reingest_exit": again.returncode, "repaired": [ln for ln in again.stdout.splitlines()
                                                             if ln.startswith("repaired:")],
              "orphan_workers": len(left), "survived": same and again.returncode == 0 and not left}
    if not result["survived"]:
        result["after"] = {k: after[k] for k in ("chroma", "bm25", "ok", "problems")}
        result["differs"] = [k for k in ("manifest", "chroma", "bm25", "answers") if after[k] != expected[k]]
        if after["answers"] != expected["answers"]:
            result["answers"] = [after["answers"], expected["answers"]]
        result["stderr"] = again.stderr[-500:]
    shutil.rmtree(index, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--articles", type=int, default=2400)
    parser.add_argument("--news", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    records = _records(args.news, args.articles, args.seed)
    questions = [f"{r.get('title') or r['text'][:12]}是什么？" for r in rng.sample(records, QUESTIONS)]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        reference, duration = {}, {}
        for kind in ("first", "incremental"):
            index, data = base / f"ref-{kind}", base / "data"
            shutil.rmtree(data, ignore_errors=True)
            _write(data, records)
            if kind == "incremental":
                _cli(index, "ingest", str(data / "part0.jsonl"), str(data / "part1.jsonl"))
                _write(data, records, changed=1)
            started = time.perf_counter()
            _cli(index, "ingest", str(data))
            duration[kind] = time.perf_counter() - started
            reference[kind] = snapshot(index, questions)
        trials = [trial(n, base, records, questions, reference, duration, rng) for n in range(args.trials)]
    summary = {"trials": len(trials), "killed": sum(t["killed"] for t in trials),
               "survived": sum(t["survived"] for t in trials), "repaired": sum(bool(t["repaired"]) for t in trials),
               "clean_ingest_s": {k: round(v, 1) for k, v in duration.items()}, "results": trials}
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}, ensure_ascii=False))
    for t in trials:
        print(json.dumps(t, ensure_ascii=False))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
