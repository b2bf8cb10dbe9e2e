"""Hostile and broken requests get a 4xx with a message, never a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qa.services import build_services
from qa.settings import Settings
from qa.web import MAX_BODY, create_app

QUESTION = "德马吉森精机平湖项目总投资多少？"


@pytest.fixture(scope="module")
def client(seeds_index: Path) -> TestClient:
    return TestClient(create_app(build_services(Settings(index_dir=seeds_index, embedding_model="hash"))),
                      raise_server_exceptions=False)


@pytest.mark.parametrize(("method", "path", "body", "expected"), [
    ("POST", "/api/ask", {"question": "问" * 100_000}, 413),
    ("POST", "/api/ask", {"question": "问" * 5_000}, 422),
    ("POST", "/api/ask", {"question": ""}, 422),
    ("POST", "/api/ask", {"question": "垃圾\x00分类"}, 422),
    ("POST", "/api/ask", {"question": QUESTION, "k": -1}, 422),
    ("POST", "/api/ask", {"question": QUESTION, "k": 10**9}, 422),
    ("POST", "/api/ask", {"question": QUESTION, "k": "many"}, 422),
    ("POST", "/api/ask", {"question": QUESTION, "history": [["问", "答"]] * 1000}, 422),
    ("POST", "/api/ask", {"question": QUESTION, "history": [["问", "答"]] * 100}, 422),
    ("POST", "/api/ask", {"question": QUESTION, "history": "not a list"}, 422),
    ("POST", "/api/ask", {"question": 5}, 422),
    ("POST", "/api/ask", {"question": QUESTION, "since": "2023-13-45"}, 422),
    ("POST", "/api/ask/stream", {"question": "问" * 100_000}, 413),
    ("POST", "/v1/chat/completions", {"messages": []}, 422),
    ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": "问" * 30_000}]}, 413),
    ("POST", "/v1/chat/completions", {"messages": [{"role": "system", "content": "x"}]}, 400),
    ("GET", "/api/search?q=" + "问" * 3000, None, 422),
    ("GET", "/api/search?q=垃圾&k=100000", None, 422),
    ("GET", "/api/search?q=垃圾&k=-5", None, 422),
    ("GET", "/api/articles/..%2F..%2Fetc%2Fpasswd", None, 404),
    ("GET", "/articles/..%2F..%2Fetc%2Fpasswd", None, 404),
])
def test_bad_requests_are_refused_with_a_reason(client: TestClient, method: str, path: str, body: Any,
                                                expected: int) -> None:
    reply = client.request(method, path, json=body)
    assert reply.status_code == expected, reply.text[:300]
    assert reply.text


def test_malformed_json_and_a_huge_body_by_chunks(client: TestClient) -> None:
    reply = client.post("/api/ask", content=b'{"question": "abc"', headers={"content-type": "application/json"})
    assert reply.status_code == 422

    def chunks() -> Any:  # no Content-Length: the limit is counted as the body streams in
        for _ in range(MAX_BODY // 1024 + 8):
            yield b" " * 1024

    streamed = client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and "kB" in streamed.json()["detail"]


def test_the_login_is_throttled(seeds_index: Path) -> None:
    app = create_app(build_services(Settings(index_dir=seeds_index, embedding_model="hash", ui_auth="editor:right")))
    with TestClient(app) as guarded:
        codes = [guarded.post("/login", data={"username": "editor", "password": f"wrong{i}"}).status_code
                 for i in range(14)]
    assert codes[:10] == [400] * 10 or all(c != 429 for c in codes[:10])
    assert codes[-1] == 429
