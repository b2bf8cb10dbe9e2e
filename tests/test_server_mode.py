"""Chroma's own server: a real `chroma run` on 127.0.0.1, the same answers as the embedded store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from index.settings import Settings
from qa.cli import main
from qa.services import build_services
from tests.conftest import SEEDS, free_port

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
QUESTIONS = ["德马吉森精机平湖项目总投资多少？", "兴阳花苑创新了什么管理机制？", "中科健齿华东创新中心项目总投资多少？",
             "2022年6月28日的报纸报道了哪些新闻？", "平湖地铁1号线什么时候开通？"]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert CHROMA, "the chroma command comes with chromadb"
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen([CHROMA, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(url + "/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("chroma run did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


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
