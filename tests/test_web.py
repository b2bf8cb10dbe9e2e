"""The web app: health, ask and the chat page, through FastAPI's TestClient."""

from __future__ import annotations

from fastapi.testclient import TestClient

from qa.services import build_services
from qa.settings import Settings
from qa.web import create_app
from tests.conftest import SEEDS


def test_health_ask_and_chat_page(settings: Settings) -> None:
    services = build_services(settings)
    services.ingestor().run([SEEDS])
    client = TestClient(create_app(services))
    health = client.get("/health").json()
    assert health["chunks"] > 0 and health["embedder_fallback"] is True
    answer = client.post("/api/ask", json={"question": "兴阳花苑创新了什么管理机制？"}).json()
    assert answer["found"] and "烟蒂兑换" in answer["text"] and answer["citations"][0]["n"] == 1
    assert client.get("/").status_code == 200
    follow = client.post("/api/ask", json={
        "question": "它在平湖的项目总投资多少？",
        "history": [["德马吉森精机是一家什么样的企业？", "……"]],
    }).json()
    assert follow["found"] and "1亿美元" in follow["text"] and "德马吉" in follow["query"]
    assert client.post("/api/ask", json={"question": "总投资多少？", "since": "2022-13-01"}).status_code == 422
