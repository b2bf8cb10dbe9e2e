"""The benchmark: ingest, re-ingest, retrieval and answer latency, memory, disk, cold start, and a baseline.

    python bench/run.py --sizes 10000 100000 [--server] [--repeat 3]

Every phase runs in its own process (``--child``) so that its peak RSS is its own. Results go to
``bench/results/`` as JSON, a Markdown table (``latest.md``) and a PNG chart (``latest.png``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
SHARED_NEWS = ROOT.parent / "shared" / "data" / "news_7k.jsonl"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 2),
            "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2)}


def _settings(index: Path, chroma_url: str | None = None) -> Any:
    from qa.settings import Settings

    return Settings(index_dir=index, embedding_model="hash", chroma_url=chroma_url)


def child_ingest(args: argparse.Namespace) -> dict[str, Any]:
    from qa.services import build_services

    report = build_services(_settings(Path(args.index), args.chroma_url)).ingestor().run([Path(args.docs)])
    return {"seconds": report.seconds, "chunks": report.chunks, "articles": report.articles,
            "stages": report.stages, "unchanged": report.unchanged, "errors": report.errors[:3], "rss_mb": _rss_mb()}


def child_serve(args: argparse.Namespace) -> dict[str, Any]:
    """Cold start to the first answer, then latencies of BM25, dense, fused and the whole answer."""
    from qa.evaluate import is_relevant, load_questions
    from qa.services import build_services

    questions = load_questions(Path(args.questions))
    answerer = build_services(_settings(Path(args.index), args.chroma_url)).answerer()
    answerer.answer(questions[0]["question"])
    cold = time.time() - args.spawned
    retriever = answerer.retriever
    lexical = retriever.lexical
    timings: dict[str, list[float]] = {"bm25": [], "dense": [], "fused": [], "answer": []}
    hits = 0
    from index.tokenize import tokenize

    for round_ in range(args.repeat):
        for q in questions:
            text = q["question"]
            started = time.perf_counter()
            lexical.search(tokenize(text), 50)
            timings["bm25"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            retriever.store.query(retriever.embedder.embed_query(text), 50, None)
            timings["dense"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            retriever.search(text, 5)
            timings["fused"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            _, passages = answerer.answer(text, k=5)
            timings["answer"].append((time.perf_counter() - started) * 1000)
            if round_ == 0:
                hits += any(is_relevant(q, p.text, p.meta.get("doc_id")) for p in passages)
    return {"cold_start_s": round(cold, 2), "hit_at_5": round(hits / len(questions), 4), "rss_mb": _rss_mb(),
            **{f"{name}_ms": _pct(values) for name, values in timings.items()}}


def child_baseline(args: argparse.Namespace) -> dict[str, Any]:
    """What a user would otherwise build: LangChain's BM25Retriever with jieba over recursive splits."""
    import jieba
    from langchain_community.retrievers import BM25Retriever
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from qa.evaluate import is_relevant, load_questions

    jieba.setLogLevel(60)
    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=400, chunk_overlap=50,
                                              separators=["\n\n", "\n", "。", "！", "？", "；", "，", ""])
    docs: list[Document] = []
    for path in sorted(Path(args.docs).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            docs += splitter.create_documents([record["text"]], metadatas=[{"doc_id": record["id"]}])
    retriever = BM25Retriever.from_documents(docs, preprocess_func=jieba.lcut, k=5)
    build = time.perf_counter() - started
    questions = load_questions(Path(args.questions))
    latencies, hits = [], 0
    for q in questions:
        started = time.perf_counter()
        found = retriever.invoke(q["question"])
        latencies.append((time.perf_counter() - started) * 1000)
        hits += any(is_relevant(q, d.page_content, d.metadata.get("doc_id")) for d in found)
    return {"build_s": round(build, 2), "chunks": len(docs), "query_ms": _pct(latencies),
            "hit_at_5": round(hits / len(questions), 4), "rss_mb": _rss_mb()}


CHILDREN = {"ingest": child_ingest, "serve": child_serve, "baseline": child_baseline}


def run_child(phase: str, **kwargs: Any) -> dict[str, Any]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", phase, "--spawned", str(time.time())]
    for key, value in kwargs.items():
        if value is not None:
            argv += [f"--{key.replace('_', '-')}", str(value)]
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", TOKENIZERS_PARALLELISM="false")
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{phase} failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _disk_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def start_chroma(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    process = subprocess.Popen([chroma, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/api/v2/heartbeat", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("chroma run did not start")


def bench_size(size: int, repeat: int, server: bool, baseline: bool) -> dict[str, Any]:
    from bench.archive import generate

    sources = [ROOT / "seeds"] + ([SHARED_NEWS] if SHARED_NEWS.exists() else [])
    folder = WORK / f"archive-{size}"
    described = generate(folder, size, sources)
    docs, questions = folder / "docs", folder / "questions.jsonl"
    row: dict[str, Any] = {"size": size, "archive": described, "mode": "server" if server else "embedded"}
    index = WORK / f"index-{size}-{row['mode']}"
    shutil.rmtree(index, ignore_errors=True)
    process, url = start_chroma(index / "server") if server else (None, None)
    try:
        first = run_child("ingest", index=index, docs=docs, chroma_url=url)
        again = run_child("ingest", index=index, docs=docs, chroma_url=url)
        serve = run_child("serve", index=index, questions=questions, repeat=repeat, chroma_url=url)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    row["ingest"] = {**first, "chunks_per_s": round(first["chunks"] / first["seconds"], 1)}
    row["reingest"] = {"seconds": round(again["seconds"], 3), "speedup": round(first["seconds"] / max(again["seconds"], 1e-6), 1)}
    row["serve"] = serve
    row["disk_mb"] = _disk_mb(index)
    if baseline:
        base = run_child("baseline", docs=docs, questions=questions)
        row["baseline"] = base
        row["ratio_query_p50"] = round(base["query_ms"]["p50"] / max(serve["fused_ms"]["p50"], 1e-6), 1)
    return row


def write_results(rows: list[dict[str, Any]], stamp: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"results-{stamp}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    lines = [
        "| chunks | mode | ingest chunks/s | re-ingest speed-up | BM25 p50 | dense p50 | fused p50/p95 (ms) | answer p50/p95 (ms) "
        "| hit@5 | serve RSS (MB) | ingest RSS (MB) | disk (MB) | cold start (s) | baseline query p50 (ms) | baseline hit@5 | query speed-up |",
        "|" + "---|" * 16,
    ]
    for r in rows:
        s, b = r["serve"], r.get("baseline", {})
        lines.append(
            f"| {r['ingest']['chunks']} | {r['mode']} | {r['ingest']['chunks_per_s']} | {r['reingest']['speedup']}x "
            f"| {s['bm25_ms']['p50']} | {s['dense_ms']['p50']} | {s['fused_ms']['p50']}/{s['fused_ms']['p95']} "
            f"| {s['answer_ms']['p50']}/{s['answer_ms']['p95']} | {s['hit_at_5']} | {_mb(s.get('rss_mb'))} "
            f"| {_mb(r['ingest'].get('rss_mb'))} | {r['disk_mb']} | {s['cold_start_s']} "
            f"| {b.get('query_ms', {}).get('p50', '–')} | {b.get('hit_at_5', '–')} | {r.get('ratio_query_p50', '–')} |"
        )
    lines += ["", "Ingest stages (seconds): " + "; ".join(
        f"{r['ingest']['chunks']} chunks: " + ", ".join(f"{k} {v:.1f}" for k, v in r["ingest"]["stages"].items())
        for r in rows if r["ingest"].get("stages"))]
    lines += [f"{r['ingest']['chunks']} chunks ({r['mode']}): {r['note']}" for r in rows if r.get("note")]
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _chart([r for r in rows if r["mode"] == "embedded"], RESULTS / "latest.png")
    return RESULTS / "latest.md"


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _chart(rows: list[dict[str, Any]], path: Path) -> None:
    if not rows:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["ingest"]["chunks"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label in (("fused_ms", "fused retrieval"), ("answer_ms", "extractive answer"), ("bm25_ms", "BM25")):
        left.plot(sizes, [r["serve"][key]["p50"] for r in rows], marker="o", label=f"{label} p50")
    left.set_xscale("log"), left.set_xlabel("chunks"), left.set_ylabel("ms"), left.legend(), left.set_title("latency")
    right.plot(sizes, [r["serve"]["rss_mb"] for r in rows], marker="o", label="serving")
    known = [r for r in rows if r["ingest"].get("rss_mb") is not None]
    right.plot([r["ingest"]["chunks"] for r in known], [r["ingest"]["rss_mb"] for r in known], marker="o", label="ingest")
    right.set_xscale("log"), right.set_xlabel("chunks"), right.set_ylabel("peak RSS (MB)"), right.legend()
    right.set_title("memory")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server", action="store_true", help="also run one size against `chroma run`")
    parser.add_argument("--server-size", type=int, default=100_000, help="the size run in server mode")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--child", choices=sorted(CHILDREN))
    parser.add_argument("--spawned", type=float, default=0.0)
    for name in ("index", "docs", "questions", "chroma-url"):
        parser.add_argument(f"--{name}")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args), ensure_ascii=False))
        return 0
    rows: list[dict[str, Any]] = []
    plan = [(size, False) for size in args.sizes] + ([(args.server_size, True)] if args.server else [])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for size, server in plan:  # results are written after every size, so a long run keeps what it measured
        rows.append(bench_size(size, args.repeat, server, not server and not args.no_baseline and size <= 100_000))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        written = write_results(rows, stamp)
    print(written.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
