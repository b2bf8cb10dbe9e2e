"""Chroma's own server: a real `chroma run` on 127.0.0.1, the same answers as the embedded store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from qa.cli import main
from qa.services import build_services
from qa.settings import Settings
from tests.conftest import SEEDS, free_port

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
QUESTIONS = ["德马吉森精机平湖项目总投资多少？", "兴阳花苑创新了什么管理机制？", "中科健齿华东创新中心项目总投资多少？",
             "2022年6月28日的报纸报道了哪些新闻？", "平湖地铁1号线什么时候开通？"]


@contextmanager
def started(argv: list[str], ready_url: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process until the block ends; wait until ``ready_url`` answers 200."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + 90
        while time.time() < deadline and process.poll() is None:
            try:
                if httpx.get(ready_url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"{' '.join(argv[:4])} did not start")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def chroma_run(data: Path) -> Iterator[str]:
    """A real `chroma run` on a free port; yield its URL."""
    assert CHROMA, "the chroma command comes with chromadb"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [CHROMA, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)]
    with started(argv, url + "/api/v2/heartbeat"):
        yield url


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_run(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


def _answers(settings: Settings) -> list[tuple[str, list[str | None]]]:
    answerer = build_services(settings).answerer()
    out = []
    for question in QUESTIONS:
        answer, passages = answerer.answer(question, k=5)
        out.append((answer.text, [p.meta.get("article_id") for p in passages]))
    return out


def test_server_mode_matches_the_embedded_store(chroma_server: str, tmp_path: Path) -> None:
    embedded = Settings(index_dir=tmp_path / "embedded", embedding_model="hash")
    remote = Settings(index_dir=tmp_path / "remote", embedding_model="hash", chroma_url=chroma_server)
    first = build_services(remote).ingestor().run([SEEDS])
    assert first.indexed == 5 and not first.errors
    assert build_services(remote).ingestor().run([SEEDS]).unchanged == 5
    build_services(embedded).ingestor().run([SEEDS])
    assert not (tmp_path / "remote" / "chroma").exists()  # vectors live in the server
    assert build_services(remote).store.count() == build_services(embedded).store.count()
    assert _answers(remote) == _answers(embedded)


def test_cli_ask_and_eval_against_the_server(chroma_server: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "q1", "question": QUESTIONS[0], "answers": ["1亿美元"],
                                     "anchor": "总投资1亿美元"}, ensure_ascii=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QA_EMBEDDING_MODEL", "hash")
        patch.setenv("QA_CHROMA_URL", chroma_server)
        index = str(tmp_path / "idx")
        assert main(["--index", index, "ingest", str(SEEDS)]) == 0
        capsys.readouterr()
        assert main(["--index", index, "ask", QUESTIONS[0], "--json"]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert answer["found"] and "1亿美元" in answer["text"]
        assert main(["--index", index, "eval", str(questions), "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
    assert result["hit_at_1"] == 1.0 and result["answer_accuracy"] == 1.0


NEW_ARTICLE = {"id": "late-1", "title": "翠屏湾大桥合龙", "date": "2023-05-06", "source": "嘉兴日报·平湖版",
               "text": "昨天，翠屏湾大桥主桥顺利合龙。该桥全长1280米，预计今年10月建成通车，将缩短两岸通行时间20分钟。"}


def test_app_processes_follow_new_generations_without_failing(tmp_path: Path) -> None:
    """Two `archive-qa serve` processes share one index on a Chroma server while a third process ingests:
    no request fails, and both processes answer from the new BM25 generation once it is built."""
    index = tmp_path / "index"
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    with chroma_run(tmp_path / "chroma") as url:
        env = dict(os.environ, QA_EMBEDDING_MODEL="hash", QA_CHROMA_URL=url, GRADIO_ANALYTICS_ENABLED="False")
        cli = [sys.executable, "-m", "qa.cli", "--index", str(index)]
        subprocess.run([*cli, "ingest", str(docs)], env=env, check=True, capture_output=True)
        ports = [free_port(), free_port()]
        with started([*cli, "serve", "--host", "127.0.0.1", "--port", str(ports[0])],
                     f"http://127.0.0.1:{ports[0]}/health", env), \
             started([*cli, "serve", "--host", "127.0.0.1", "--port", str(ports[1])],
                     f"http://127.0.0.1:{ports[1]}/health", env):
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            statuses: list[int | str] = []
            stop = threading.Event()

            def keep_asking() -> None:
                with httpx.Client(timeout=30) as client:
                    while not stop.is_set():
                        for base in bases:
                            try:
                                statuses.append(client.get(base + "/api/search", params={"q": "平湖 投资", "k": 3}).status_code)
                                statuses.append(client.post(base + "/api/ask", json={"question": "德马吉森精机平湖项目总投资多少？"}).status_code)
                            except httpx.HTTPError as exc:
                                statuses.append(type(exc).__name__)

            asking = [threading.Thread(target=keep_asking) for _ in range(2)]
            for thread in asking:
                thread.start()
            try:
                for n in range(3):  # three new generations while both processes keep answering
                    (docs / f"late-{n}.jsonl").write_text(json.dumps({**NEW_ARTICLE, "id": f"late-{n}"}, ensure_ascii=False),
                                                          encoding="utf-8")
                    subprocess.run([*cli, "ingest", str(docs)], env=env, check=True, capture_output=True)
                found = []
                for base in bases:
                    hits = httpx.get(base + "/api/search", params={"q": "翠屏湾大桥全长多少米", "k": 1}, timeout=30).json()
                    found.append(hits["passages"][0]["title"] if hits["passages"] else None)
            finally:
                stop.set()
                for thread in asking:
                    thread.join()
    assert found == ["翠屏湾大桥合龙", "翠屏湾大桥合龙"]
    assert len(statuses) > 10 and set(statuses) == {200}, sorted(set(map(str, statuses)))
