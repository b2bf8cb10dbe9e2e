"""REST, OpenAI-compatible API and access rules, through TestClient and a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from qa.services import build_services
from qa.settings import Settings
from qa.web import create_app
from tests.conftest import SEEDS, running

QUESTION = "德马吉森精机平湖项目总投资多少？"


def _client(index: Path, **extra: Any) -> TestClient:
    return TestClient(create_app(build_services(Settings(index_dir=index, embedding_model="hash", **extra))))


@pytest.fixture(scope="module")
def live(seeds_index: Path) -> Iterator[str]:
    with running(create_app(build_services(Settings(index_dir=seeds_index, embedding_model="hash")))) as url:
        yield url


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        out.append((lines.get("event", ""), json.loads(lines["data"])))
    return out


def test_a_bad_date_is_refused_before_the_stream_starts(live: str) -> None:
    reply = httpx.post(live + "/api/ask/stream", json={"question": QUESTION, "since": "2023-02-30"})
    assert reply.status_code == 422 and "2023-02-30" in reply.text


def test_ask_stream_over_real_http(live: str) -> None:
    with httpx.stream("POST", live + "/api/ask/stream", json={"question": QUESTION}, timeout=60) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = _events(body)
    assert [name for name, _ in events][0] == "sources" and events[-1][0] == "done"
    assert any(name == "token" for name, _ in events)
    assert events[-1][1]["found"] and "1亿美元" in events[-1][1]["text"]


def test_openai_client_plain_and_streamed(live: str) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=live + "/v1", api_key="unused")
    assert [m.id for m in client.models.list().data] == ["archive-qa"]
    reply = client.chat.completions.create(model="archive-qa", messages=[{"role": "user", "content": QUESTION}])
    content = reply.choices[0].message.content or ""
    assert "1亿美元" in content and "[1]" in content and "来源：" in content
    assert reply.model_extra and reply.model_extra["citations"][0]["n"] == 1
    assert reply.usage and reply.usage.completion_tokens == len(content) and reply.usage.prompt_tokens == len(QUESTION)
    pieces = client.chat.completions.create(model="archive-qa", stream=True,
                                            messages=[{"role": "user", "content": QUESTION}])
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in pieces if chunk.choices)
    assert "1亿美元" in streamed and "来源：" in streamed


def test_openai_history_becomes_the_follow_up(seeds_index: Path) -> None:
    client = _client(seeds_index)
    body = {"model": "archive-qa", "messages": [
        {"role": "system", "content": "ignored"},
        {"role": "user", "content": "德马吉森精机是一家什么样的企业？"},
        {"role": "assistant", "content": "……"},
        {"role": "user", "content": "它在平湖的项目总投资多少？"},
    ]}
    result = client.post("/v1/chat/completions", json=body).json()
    assert "1亿美元" in result["choices"][0]["message"]["content"]
    assert "德马吉" in result["archive_answer"]["query"]


def test_search_and_articles(seeds_index: Path) -> None:
    client = _client(seeds_index)
    found = client.get("/api/search", params={"q": QUESTION, "k": 3}).json()["passages"]
    assert len(found) == 3 and "1亿美元" in found[0]["text"] and found[0]["article_id"]
    article = client.get(f"/api/articles/{found[0]['article_id']}").json()
    assert article["title"] == "德马吉森精机平湖项目签约落户" and "1亿美元" in article["text"]
    page = client.get(f"/articles/{found[0]['article_id']}")
    assert page.status_code == 200 and "<h1>德马吉森精机平湖项目签约落户</h1>" in page.text
    whole = client.get(f"/articles/{found[0]['article_id']}/page")
    assert whole.status_code == 200 and "德马吉森精机" in whole.text
    assert ".txt" not in whole.text and ".txt" not in page.text  # readers never see internal file names
    assert "返回问答" in page.text and "返回问答" in whole.text
    missing = client.get("/articles/nope")
    assert missing.status_code == 404 and "未找到这篇报道" in missing.text and missing.headers["content-type"].startswith("text/html")
    assert client.get("/api/articles/nope").status_code == 404
    assert client.get("/api/articles/nope").json()["detail"]


def test_article_page_marks_the_cited_passage(seeds_index: Path) -> None:
    client = _client(seeds_index)
    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    cited = answer["citations"][0]
    page = client.get(f"/articles/{cited['article_id']}", params={"from": cited["start"], "to": cited["end"]})
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", page.text, re.S)
    assert "id='cited'" in page.text and marked
    assert "".join(marked).replace("\n", "") in cited["text"].replace("\n", "")
    assert len("".join(marked)) > 0.8 * len(cited["text"].replace("\n", ""))
    assert client.get(f"/articles/{cited['article_id']}", params={"from": -1, "to": 5}).status_code == 422
    dated = client.get("/api/search", params={"q": QUESTION, "since": "2030-01-01"}).json()["passages"]
    assert dated == []


def test_keys_rate_limit_and_headers(seeds_index: Path) -> None:
    client = _client(seeds_index, api_keys="k1,k2", rate_limit=3, cors_origins="https://portal.example")
    assert client.get("/health").status_code == 200  # health stays open
    denied = client.post("/api/ask", json={"question": QUESTION})
    assert denied.status_code == 401 and denied.headers["www-authenticate"] == "Bearer"
    assert client.get("/v1/models").status_code == 401
    key = {"Authorization": "Bearer k1"}
    assert client.post("/api/ask", json={"question": QUESTION}, headers=key).status_code == 200
    assert client.get("/v1/models", headers=key).status_code == 200
    assert client.get("/v1/models", headers=key).status_code == 200
    limited = client.get("/v1/models", headers=key)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert client.get("/v1/models", headers={"Authorization": "Bearer k2"}).status_code == 200  # per key
    headers = client.get("/health", headers={"Origin": "https://portal.example"}).headers
    assert headers["content-security-policy"] == "frame-ancestors 'self'"
    assert headers["access-control-allow-origin"] == "https://portal.example"
    other = client.get("/health", headers={"Origin": "https://elsewhere.example"}).headers
    assert "access-control-allow-origin" not in other


def test_chat_login_when_configured(seeds_index: Path) -> None:
    client = _client(seeds_index, ui_auth="editor:secret")
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
    assert client.get("/config").status_code == 401  # the chat wants a login
    assert client.post("/login", data={"username": "editor", "password": "wrong"}).status_code == 400
    assert client.post("/login", data={"username": "editor", "password": "secret"}).status_code == 200
    assert client.get("/config").status_code == 200


def test_the_chat_publishes_no_api_of_its_own(live: str) -> None:
    """The API is /api and /v1 (with their keys and limits): Gradio's client finds nothing to call in the chat."""
    from gradio_client import Client

    client = Client(live + "/", verbose=False)
    assert client.view_api(print_info=False, return_format="dict")["named_endpoints"] == {}
    with pytest.raises(ValueError):
        client.predict(QUESTION, "", "", api_name="/ask")
    assert httpx.post(live + "/gradio_api/call/ask", json={"data": [QUESTION, "", ""]}).status_code == 404


def test_feedback_is_stored_and_exported_as_eval_questions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qa.cli import main
    from qa.evaluate import is_relevant
    from qa.feedback import FeedbackStore

    index = tmp_path / "idx"
    services = build_services(Settings(index_dir=index, embedding_model="hash"))
    services.ingestor().run([SEEDS])
    answer, _ = services.answerer().answer(QUESTION)
    store = FeedbackStore(index / "feedback.sqlite")
    store.add(QUESTION, answer.to_dict(), True)
    store.add("平湖地铁什么时候开通？", {"text": "没有在档案中找到相关报道。", "citations": []}, False)
    store.add(QUESTION, answer.to_dict(), None, "希望写明注册资金")
    assert main(["--index", str(index), "feedback", "export"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["feedback"] for r in rows] == ["up", "down", "comment"]
    up = rows[0]
    assert up["question"] == QUESTION and up["source_ids"] == [answer.citations[0].doc_id]
    assert is_relevant(up, answer.citations[0].text, None)  # the anchor points at the cited passage
    assert rows[1]["source_ids"] is None and rows[2]["comment"] == "希望写明注册资金"
