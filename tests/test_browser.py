"""The chat in a real browser: Debian's chromium, headless, driven by Playwright, against a real uvicorn."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from qa.services import build_services
from qa.settings import Settings
from tests.conftest import ROOT, SEEDS, free_port, running

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
XSS = "<script>alert(1)</script>"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (make browser installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """The whole app under uvicorn on 127.0.0.1, over the seeds plus an article carrying a script tag."""
    from qa.web import create_app

    folder = tmp_path_factory.mktemp("browser")
    record = {"id": "xss-1", "title": f"假标题{XSS}", "date": "2023-04-07",
              "text": f"蓝莓采摘节在广陈镇开幕，游客可以现场品尝蓝莓。{XSS}活动将持续到六月底。"}
    (folder / "xss.jsonl").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    foreign_port = free_port()
    settings = Settings(index_dir=folder / "idx", embedding_model="hash",
                        frame_ancestors=f"'self' http://127.0.0.1:{foreign_port}",
                        cors_origins=f"http://127.0.0.1:{foreign_port}")
    services = build_services(settings)
    services.ingestor().run([SEEDS, folder / "xss.jsonl"])
    with running(create_app(services)) as url:
        yield url, foreign_port


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield instance
        instance.close()


def _ask(frame: object, question: str, button: bool = False) -> None:
    cards = frame.locator("#sources .card").count()  # type: ignore[attr-defined]
    box = frame.locator("#question textarea")  # type: ignore[attr-defined]
    box.fill(question)
    if button:
        frame.locator("#send").click()  # type: ignore[attr-defined]
    else:
        box.press("Enter")
    frame.locator("#sources .card").nth(cards).wait_for(timeout=30_000)  # type: ignore[attr-defined]


def _box(page: object, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()  # type: ignore[attr-defined, no-any-return]


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_chat_answers_with_source_cards_and_full_article(server: tuple[str, int], browser: object) -> None:
    base, _ = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(base + "/")
    _ask(page, "德马吉森精机平湖项目总投资多少？")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    answer = page.locator("#chat .message-wrap .bot, [data-testid='bot']").last
    assert "1亿美元" in answer.inner_text()
    cards = page.locator("#sources .card")
    assert "《嘉兴日报·平湖版》" in cards.first.inner_text() and ".txt" not in page.locator("#sources").inner_text()
    assert page.locator("#sources mark").count() > 0  # the question's terms are highlighted
    # the sources sit beside the answer; nothing overlaps; no English chrome
    chat, sources = _box(page, "#chat"), _box(page, "#sources")
    assert sources["x"] >= chat["x"] + chat["width"] - 1
    trash = _box(page, "#chat button[aria-label='清空对话']")
    assert not _overlap(trash, _box(page, "#chat [data-testid='user']"))
    like, dislike = _box(page, "#chat button[aria-label='赞']"), _box(page, "#chat button[aria-label='踩']")
    assert like["x"] < dislike["x"]
    body = page.locator("body").inner_text()
    assert not any(word in body for word in ("Use via API", "Built with Gradio", "Settings", "processing"))
    page.screenshot(path=str(ARTIFACTS / "chat-1280.png"), full_page=True)
    # [1] in the answer leads to its card
    answer.locator("a.cite-link").first.click()
    page.wait_for_timeout(300)
    assert "flash" in (cards.first.get_attribute("class") or "")
    # a second question by the 发送 button: its cards come first, the earlier ones stay reachable
    _ask(page, "第二届平湖杯长三角青年台商慢速垒球邀请赛有几支队伍参赛？", button=True)
    assert page.locator("#sources .sources").count() == 2
    assert page.locator("#sources .card[id^='src-1-']").count() >= 1 and page.locator("#sources .card[id^='src-0-']").count() >= 1
    with page.expect_popup() as popup:
        page.locator("#sources .card[id^='src-0-']").first.get_by_text("查看全文").click()
    article = popup.value
    article.wait_for_load_state()
    assert "德马吉森精机平湖项目签约落户" in article.locator("h1").inner_text()
    assert "1亿美元" in article.locator("mark#cited").inner_text() or article.locator("mark").count() > 0
    assert article.get_by_text("返回问答").count() == 1
    article.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)


def test_phone_width_and_script_in_an_article_stays_text(server: tuple[str, int], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 400, "height": 1200}, locale="zh-CN")  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + "/")
    _ask(page, "广陈镇蓝莓采摘节什么时候开幕？")
    page.wait_for_timeout(500)
    assert XSS in page.locator("#sources").inner_text() and dialogs == []
    chat, sources = _box(page, "#chat"), _box(page, "#sources")
    assert sources["y"] >= chat["y"] + chat["height"] - 1  # directly under the chat on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # nothing sticks out sideways
    trash = _box(page, "#chat button[aria-label='清空对话']")
    assert not _overlap(trash, _box(page, "#chat [data-testid='user']"))
    page.screenshot(path=str(ARTIFACTS / "chat-400.png"), full_page=True)


@pytest.fixture
def portal(server: tuple[str, int], tmp_path: Path) -> Iterator[str]:
    """A page server on another port (another origin) holding the two embedding snippets of the README."""
    base, foreign_port = server
    head = "<!doctype html><html><head><meta charset='utf-8'><title>门户</title>"
    (tmp_path / "iframe.html").write_text(
        f"{head}</head><body><h1>某单位门户</h1>"
        f"<iframe id='qa' src='{base}/embed/' width='420' height='720' style='border:1px solid #ccc'></iframe>"
        "</body></html>", encoding="utf-8")
    (tmp_path / "component.html").write_text(
        f"{head}{HOST_STYLE}</head><body><h1>某单位门户</h1><p class='intro'>门户自己的正文。</p>"
        f"<script src='{base}/widget.js' defer></script><archive-qa height='760'></archive-qa></body></html>",
        encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = ThreadingHTTPServer(("127.0.0.1", foreign_port), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{foreign_port}"
    site.shutdown()
    site.server_close()


def test_embed_page_in_an_iframe_of_a_foreign_page(portal: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 900})  # type: ignore[attr-defined]
    page.goto(portal + "/iframe.html")
    frame = page.frame_locator("#qa")
    _ask(frame, "德马吉森精机平湖项目总投资多少？")
    assert "1亿美元" in frame.locator("#sources").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "embed-in-portal.png"), full_page=True)


HOST_STYLE = "<style>h1{font:700 28px serif;color:#123456} .intro{font-size:15px;color:#333}</style>"
HOST_PROBE = """() => { const s = (el, k) => getComputedStyle(el)[k]; const b = document.body, h = document.querySelector('h1'),
  p = document.querySelector('.intro'); return [s(b,'margin'), s(b,'fontFamily'), s(b,'backgroundColor'), s(b,'lineHeight'),
  s(h,'font'), s(h,'color'), s(p,'fontSize'), s(p,'color'), document.documentElement.lang, s(document.documentElement,'fontSize')]; }"""


def test_web_component_in_a_foreign_page(server: tuple[str, int], portal: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 1100})  # type: ignore[attr-defined]
    page.route("**/widget.js", lambda route: route.abort())  # the host page as it is without the component
    page.goto(portal + "/component.html")
    before = page.evaluate(HOST_PROBE)
    page.unroute("**/widget.js")
    page.goto(portal + "/component.html")
    frame = page.frame_locator("archive-qa iframe")
    _ask(frame, "德马吉森精机平湖项目总投资多少？")
    assert page.evaluate(HOST_PROBE) == before and before[0] == "8px"  # the host page is untouched
    assert "1亿美元" in frame.locator("#sources").inner_text()
    link = frame.locator("#sources .card a").first.get_attribute("href") or ""
    assert link.startswith(server[0] + "/articles/")  # full-article links point at the app, not the portal
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-component-in-portal.png"), full_page=True)


def test_api_docs_render_offline(server: tuple[str, int], browser: object) -> None:
    """/docs draws Swagger UI from files this server serves: every other host is cut off."""
    base, _ = server
    page = browser.new_page()  # type: ignore[attr-defined]
    outside: list[str] = []

    def only_local(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(base):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", only_local)
    page.goto(base + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert page.locator(".swagger-ui .opblock-summary-path", has_text="/api/ask").count() >= 1
    assert outside == []
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))


def test_a_pdf_article_beside_its_printed_page(browser: object, tmp_path: Path) -> None:
    from qa.web import create_app
    from tests.pdfpages import gold, sample_pages, write_pdf

    pages = sample_pages(1, 1)
    (tmp_path / "in").mkdir()
    write_pdf(pages, tmp_path / "in" / "paper.pdf")
    services = build_services(Settings(index_dir=tmp_path / "idx", embedding_model="hash"))
    services.ingestor().run([tmp_path / "in"])
    story = gold(pages)[2]
    article = services.answerer().retriever.search(story.title, 1)[0].meta["article_id"]
    with running(create_app(services)) as url:
        for width in (1280, 400):
            page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
            page.goto(f"{url}/articles/{article}?from=0&to=20")
            page.wait_for_function("document.querySelector('.scan img').naturalWidth > 0")
            image, region = _box(page, ".scan img"), _box(page, ".scan .region")
            inside = (image["x"] <= region["x"] and region["x"] + region["width"] <= image["x"] + image["width"] + 1
                      and image["y"] <= region["y"] and region["y"] + region["height"] <= image["y"] + image["height"] + 1)
            assert inside and region["width"] < image["width"] / 2  # one article of a three-column page, outlined
            if width == 1280:  # beside the text on a wide screen, above it on a phone
                assert image["x"] > _box(page, "h1")["x"] + 300
            page.screenshot(path=str(ARTIFACTS / f"pdf-article-{width}.png"))
            page.close()
