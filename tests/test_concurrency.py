"""A server keeps answering while another process ingests into its index, and after."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from index.chunk import split_sentences
from qa.services import build_services
from qa.settings import Settings
from qa.web import create_app
from tests.conftest import ROOT, SEEDS, running

QUESTION = "德马吉森精机平湖项目总投资多少？"


def _records(path: Path, count: int) -> None:
    """Articles recombined from the sample pages' sentences, dated, with one findable fact each."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    sentences = [s for a, b in split_sentences(text) if 12 <= len(s := text[a:b].strip()) <= 120]
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            body = "".join(rng.sample(sentences, 6)) + f"编号第{i}号测试项目总投资{i + 1000}万元。"
            out.write(json.dumps({"id": f"gen-{i}", "title": f"测试报道{i}", "date": f"2022-{i % 12 + 1:02d}-15",
                                  "text": body}, ensure_ascii=False) + "\n")


def test_answers_while_another_process_ingests_and_after(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash")
    services = build_services(settings)
    services.ingestor().run([SEEDS])
    records = tmp_path / "night.jsonl"
    _records(records, 2500)
    codes: Counter[int] = Counter()
    failures: list[str] = []
    with running(create_app(services)) as url:
        ingest = subprocess.Popen([sys.executable, "-m", "qa.cli", "--index", str(settings.index_dir), "ingest", str(records)],
                                  cwd=ROOT, env={**__import__("os").environ, "QA_EMBEDDING_MODEL": "hash"},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def client(n: int) -> None:
            with httpx.Client(base_url=url, timeout=60) as http:
                for i in range(n):
                    path = "/api/ask" if i % 2 else "/api/search"
                    reply = (http.post(path, json={"question": QUESTION}) if path == "/api/ask"
                             else http.get(path, params={"q": QUESTION, "k": 5}))
                    codes[reply.status_code] += 1
                    if reply.status_code != 200:
                        failures.append(f"{path} {reply.status_code} {reply.text[:200]}")
                    if ingest.poll() is not None and i > 20:
                        return

        threads = [threading.Thread(target=client, args=(400,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert ingest.wait(timeout=300) == 0, ingest.stderr.read() if ingest.stderr else ""
        deadline = time.time() + 10
        after = httpx.post(url + "/api/ask", json={"question": "编号第2400号测试项目总投资多少？"}, timeout=60)
        while "3400万元" not in after.text and time.time() < deadline:  # the next request sees the new generation
            after = httpx.post(url + "/api/ask", json={"question": "编号第2400号测试项目总投资多少？"}, timeout=60)
    assert failures == [] and sum(codes.values()) >= 40, (codes, failures[:5])
    assert after.status_code == 200 and "3400万元" in after.json()["text"]
