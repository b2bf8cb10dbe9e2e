"""Load on a real server (127.0.0.1 only): concurrent clients on every answering route, bounded in time and count.

Starts `archive-qa serve` over an index of the sample pages (or ``--index``), runs ``--clients`` threads
for ``--seconds`` (or until ``--requests`` are done), each cycling through /api/ask, /api/ask/stream,
/api/search, /v1/chat/completions (plain and streamed) and the chat's own backend (Gradio's queue, as the
page uses it), and samples the server's resident memory every
second. Reports throughput, p50/p95/p99 per route, every non-2xx or failed request, and memory at the
start, the end and its peak (flat under a soak: ``--requests 10000``).

    python -m bench.load [--clients 50] [--seconds 60] [--requests 0] [--index DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["德马吉森精机平湖项目总投资多少？", "平湖今年1至5月生活垃圾总量增幅是多少？", "高考平湖考点有多少名考生？",
             "2023年4月7日的报纸报道了哪些新闻？", "第二届平湖杯长三角青年台商慢速垒球邀请赛有几支队伍参赛？"]


def chat_call(http: httpx.Client, question: str) -> int:
    """One question through the chat's own backend, as a reader's page sends it (one session per client, as a
    browser tab keeps): join Gradio's queue with the question box's submit event, then read the event stream
    to the end; 200 when it completed with success."""
    import uuid

    config = _chat_config(http)
    session = _SESSIONS.setdefault(id(http), uuid.uuid4().hex)
    values = {c["id"]: c.get("props", {}).get("value") for c in config["components"]}
    submit = next(d for d in config["dependencies"]
                  if any(component == config["question"] and kind == "submit" for component, kind in d["targets"]))
    data = [question if i == config["question"] else values.get(i) for i in submit["inputs"]]
    joined = http.post("/gradio_api/queue/join", json={"data": data, "event_data": None, "fn_index": submit["id"],
                                                      "trigger_id": submit["targets"][0][0], "session_hash": session})
    if joined.status_code != 200:
        return joined.status_code
    with http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as reply:
        for line in reply.iter_lines():
            if '"process_completed"' in line:
                return 200 if '"success": true' in line or '"success":true' in line else 500
    return 599  # the stream ended without completing


_CONFIG: dict[str, object] = {}
_SESSIONS: dict[int, str] = {}  # a client's chat session, by its HTTP client


def _chat_config(http: httpx.Client) -> dict:  # type: ignore[type-arg]
    if not _CONFIG:
        config = http.get("/config").json()
        config["question"] = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "question")
        _CONFIG.update(config)
    return _CONFIG


def call(http: httpx.Client, route: str, question: str) -> int:
    """One request of a route; the status code (a stream is read to its end)."""
    if route == "chat":
        return chat_call(http, question)
    if route == "ask":
        return http.post("/api/ask", json={"question": question}).status_code
    if route == "search":
        return http.get("/api/search", params={"q": question, "k": 5}).status_code
    if route == "v1":
        return http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": question}]}).status_code
    path, body = (("/api/ask/stream", {"question": question}) if route == "ask-stream" else
                  ("/v1/chat/completions", {"stream": True, "messages": [{"role": "user", "content": question}]}))
    with http.stream("POST", path, json=body) as reply:
        for _ in reply.iter_bytes():
            pass
        return reply.status_code


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory now (``VmRSS``) or at its highest so far (``VmHWM``), in MB."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:")) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--requests", type=int, default=0, help="stop after this many requests (0: time only)")
    parser.add_argument("--index", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or Path(tmp) / "idx"
        env = {**os.environ, "QA_EMBEDDING_MODEL": os.environ.get("QA_EMBEDDING_MODEL", "hash"), "QA_RATE_LIMIT": "0"}
        cli = str(Path(sys.executable).parent / "archive-qa")
        if not args.index:
            subprocess.run([cli, "--index", str(index), "ingest", "seeds"], cwd=ROOT, env=env, check=True,
                           capture_output=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([cli, "--index", str(index), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(base + "/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            report = run(base, server.pid, args)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    (ROOT / "bench" / "results" / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if not report["errors"] else 1


def run(base: str, pid: int, args: argparse.Namespace) -> dict[str, object]:
    routes = ["ask", "ask-stream", "search", "v1", "v1-stream", "chat"]
    times: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    done = threading.Event()
    lock = threading.Lock()
    count = [0]
    memory = [rss_mb(pid)]

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            i = n
            while not done.is_set():
                route, question = routes[i % len(routes)], QUESTIONS[i % len(QUESTIONS)]
                started = time.perf_counter()
                try:
                    status = call(http, route, question)
                    if not 200 <= status < 300:
                        errors[f"{route} {status}"] += 1
                except httpx.HTTPError as exc:
                    errors[f"{route} {type(exc).__name__}"] += 1
                with lock:
                    times[route].append((time.perf_counter() - started) * 1000)
                    count[0] += 1
                    if args.requests and count[0] >= args.requests:
                        done.set()
                i += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    while not done.is_set() and (args.requests or time.perf_counter() - started < args.seconds):
        time.sleep(1)
        memory.append(rss_mb(pid))
        if args.requests and time.perf_counter() - started > 3600:
            break
    done.set()
    for thread in threads:
        thread.join(timeout=180)
    elapsed = time.perf_counter() - started
    every = [t for values in times.values() for t in values]

    def quantiles(values: list[float]) -> dict[str, float]:
        cuts = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
        return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1), "n": len(values)}

    return {"clients": args.clients, "seconds": round(elapsed, 1), "requests": len(every),
            "per_second": round(len(every) / elapsed, 1), "all_ms": quantiles(every),
            "routes_ms": {route: quantiles(values) for route, values in times.items()},
            "errors": dict(errors), "rss_mb": {"start": round(memory[0]), **{f"at_{q}%": round(memory[len(memory) * q // 100])
                                                                for q in (10, 25, 50, 75)},
                       "end": round(memory[-1]), "peak": round(max(memory))}}


if __name__ == "__main__":
    sys.exit(main())
