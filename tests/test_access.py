"""One access rule per audience, proven for every route the app mounts (read from the app itself)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from qa.services import build_services
from qa.settings import Settings
from qa.web import CHAT_INTERNAL, CHAT_PUBLIC, RateLimiter, create_app, known_key

KEY = "k-secret-1"
LOGIN = ("editor", "s3cret")


def routes(app: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, method) the app answers, mounted apps and included routers included."""
    for route in getattr(app, "routes", []):
        if isinstance(route, Mount):
            inner = list(routes(route.app, prefix + route.path))
            yield from inner or [(prefix + route.path + "/{path}", "GET")]  # a static folder
        elif hasattr(route, "original_router"):  # FastAPI's lazily included router
            yield from routes(route.original_router, prefix + (route.include_context.prefix or ""))
        else:
            for method in sorted(getattr(route, "methods", None) or {"GET"}):
                if method != "HEAD":
                    yield prefix + route.path, method


def concrete(path: str, article_id: str) -> str:
    path = path.replace("{article_id}", article_id)
    return re.sub(r"\{[^}]+\}", "x", path)


@pytest.fixture(scope="module")
def guarded(seeds_index: Path) -> tuple[Any, str]:
    services = build_services(Settings(index_dir=seeds_index, embedding_model="hash", api_keys=KEY,
                                       ui_auth=":".join(LOGIN), rate_limit=3))
    article_id = services.answerer().retriever.search("德马吉森精机", 1)[0].meta["article_id"]
    return create_app(services), article_id


def audience(path: str) -> str:
    """The rule the app documents: API needs the key, the chat (and its article pages) the login."""
    if path.startswith(("/api/", "/v1/", "/admin")):
        return "key"
    if path.startswith(("/health", "/docs", "/openapi.json", "/gradio.js", "/widget.js")):
        return "public"
    if path.startswith("/articles/"):
        return "login"
    if CHAT_INTERNAL.match(path):
        return "unpublished"
    return "public" if CHAT_PUBLIC.match(path) else "login"


def test_every_route_obeys_its_audiences_rule(guarded: tuple[Any, str]) -> None:
    app, article_id = guarded
    walked = sorted(set(routes(app)))
    assert len(walked) > 60 and any(p.startswith("/embed/gradio_api/queue") for p, _ in walked)
    seen: dict[str, int] = {}
    with TestClient(app) as client:
        for path, method in walked:
            url = concrete(path, article_id)
            reply = client.request(method, url, json={} if method == "POST" else None, follow_redirects=False)
            rule = audience(path)
            seen[f"{method} {path}"] = reply.status_code
            if rule == "key" or rule == "login":
                assert reply.status_code == 401, (method, path, reply.status_code)
            elif rule == "unpublished":
                assert reply.status_code == 404, (method, path, reply.status_code)
            elif path in ("/health", "/docs", "/openapi.json", "/gradio.js", "/widget.js"):
                assert reply.status_code == 200, (method, path, reply.status_code)
            else:  # the chat's page shell, assets and login: no credentials asked by this app (Gradio may still ask)
                assert reply.status_code < 500, (method, path, reply.status_code)
    rules = [audience(p) for p, _ in walked]
    assert {"key", "login", "unpublished", "public"} <= set(rules)


def test_with_credentials_each_audience_gets_in(guarded: tuple[Any, str]) -> None:
    app, article_id = guarded
    with TestClient(app) as client:
        assert client.post("/api/ask", json={"question": "德马吉森精机平湖项目总投资多少？"},
                           headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        assert client.get(f"/articles/{article_id}").status_code == 401
        login = client.post("/login", data={"username": LOGIN[0], "password": LOGIN[1]})
        assert login.status_code == 200
        assert client.get(f"/articles/{article_id}").status_code == 200
        assert client.get("/gradio_api/call/ask").status_code == 404  # no API of the chat, logged in or not
        assert client.get("/gradio_api/info").json()["named_endpoints"] == {}
        joins = [client.post("/gradio_api/queue/join", json={}).status_code for _ in range(5)]
        # the chat's backend counts against the same limit as the article page read above (3 a minute)
        assert 429 in joins and joins.index(429) == 2


def test_made_up_tokens_share_the_callers_allowance(seeds_index: Path) -> None:
    """With no keys set, a Bearer token is not a caller of its own: the address is counted."""
    client = TestClient(create_app(build_services(Settings(index_dir=seeds_index, embedding_model="hash", rate_limit=2))))
    codes = [client.get("/api/search", params={"q": "垃圾分类"}, headers={"Authorization": f"Bearer made-up-{i}"}).status_code
             for i in range(4)]
    assert codes == [200, 200, 429, 429]


def test_rate_limiter_forgets_idle_callers_and_stays_bounded() -> None:
    limiter = RateLimiter(per_minute=1, callers=100, window=0.2)
    for i in range(1000):
        limiter.retry_after(f"ip:{i}")
    assert len(limiter.calls) <= 100
    assert limiter.retry_after("ip:999") > 0
    import time

    time.sleep(0.3)
    assert limiter.retry_after("ip:999") == 0  # its minute is over and forgotten


def test_keys_are_secret_and_compared_whole() -> None:
    settings = Settings(api_keys="abc,def", ui_auth="u:p", llm_api_key="sk-1")
    assert "abc" not in repr(settings) and "sk-1" not in repr(settings) and "u:p" not in str(settings.model_dump())
    keys = [b"abc", b"def"]
    assert known_key("abc", keys) and known_key("def", keys)
    assert not known_key("ab", keys) and not known_key("abcd", keys) and not known_key("", keys)


class _Request:
    def __init__(self, headers: dict[str, str], scheme: str = "http") -> None:
        self.headers = headers
        self.url = type("U", (), {"scheme": scheme})()


def test_links_come_from_the_configured_address_and_never_echo_a_forged_host() -> None:
    from qa.chat_ui import base_url, render_sources

    forged = _Request({"host": "127.0.0.1:7860", "x-forwarded-host": 'evil.example"><script>alert(1)</script>'})
    assert base_url(forged) == "http://127.0.0.1:7860"  # no proxy trusted: the forwarded host is ignored
    assert base_url(forged, trusted_proxy=True) == ""  # trusted, but not a host name: no absolute link
    assert base_url(forged, public_url="https://archive.example/qa/") == "https://archive.example/qa"
    behind = _Request({"host": "10.0.0.5:7860", "x-forwarded-host": "news.example", "x-forwarded-proto": "https"})
    assert base_url(behind, trusted_proxy=True) == "https://news.example"
    answer = {"citations": [{"n": 1, "article_id": "a1", "title": "t", "text": "x", "date": None}]}
    html_out = render_sources(answer, "问", "报", 'https://a.example/"onmouseover="x')
    assert '"onmouseover' not in html_out and "&quot;onmouseover" in html_out


def test_the_fallback_notice_is_for_operators_not_readers(seeds_index: Path) -> None:
    services = build_services(Settings(index_dir=seeds_index, embedding_model="hash", api_keys=KEY))
    with TestClient(create_app(services)) as client:
        health = client.get("/health").json()
        assert health["embedder_fallback"] and "QA_EMBEDDING_MODEL" in health["warnings"][0]
        assert client.get("/admin").status_code == 401
        admin = client.get("/admin", headers={"Authorization": f"Bearer {KEY}"})
        assert admin.status_code == 200 and "QA_EMBEDDING_MODEL" in admin.text
        for page in ("/config", "/embed/config"):
            assert "备用检索" not in client.get(page).text and "FALLBACK" not in client.get(page).text


def test_article_pages_share_the_rate_limit_and_read_a_page_file_once(seeds_index: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import index.read
    from qa.web import page_text

    services = build_services(Settings(index_dir=seeds_index, embedding_model="hash", rate_limit=4))
    article_id = services.answerer().retriever.search("德马吉森精机", 1)[0].meta["article_id"]
    reads: list[Path] = []
    real = index.read.read_file
    monkeypatch.setattr(index.read, "read_file", lambda path, *a, **k: (reads.append(path), real(path, *a, **k))[1])
    page_text.cache_clear()
    client = TestClient(create_app(services))
    codes = [client.get(f"/articles/{article_id}/page").status_code for _ in range(6)]
    assert codes[:4] == [200] * 4 and codes[4] == 429 and len(reads) == 1
    assert "请求太频繁" in client.get(f"/articles/{article_id}").text


def test_health_says_when_the_index_parts_disagree(tmp_path: Path) -> None:
    from tests.conftest import SEEDS

    services = build_services(Settings(index_dir=tmp_path / "idx", embedding_model="hash"))
    services.ingestor().run([SEEDS])
    assert services.health()["status"] == "ok"
    services.store.collection.delete(ids=services.store.collection.get(include=[], limit=1)["ids"])
    health = services.health()
    assert health["status"] == "degraded" and any("archive-qa check" in p for p in health["problems"])  # type: ignore[union-attr]
