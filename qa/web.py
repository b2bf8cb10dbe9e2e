"""One FastAPI app: the Gradio chat at ``/``, the embeddable chat at ``/embed``, REST, and an OpenAI-compatible API."""

from __future__ import annotations

import hmac
import html
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.routing import Mount

from index.models import int_to_date, parse_day
from index.store import StoreUnavailable
from qa.chat_ui import (
    CSS,
    HEAD,
    build_chat,
    busy_page,
    not_found_page,
    page_figure,
    page_html,
    render_article,
    render_page,
)
from qa.citations import source_label
from qa.followup import message_text, turns
from qa.retrieve import Filters
from qa.services import Services, build_services
from qa.settings import Settings

log = logging.getLogger(__name__)
MODEL_NAME = "archive-qa"
MAX_BODY = 64 * 1024  # bytes of a request body; more is a 413
MAX_QUESTION = 2000  # characters of a question
MAX_MESSAGE = 20_000  # characters of an earlier turn
MAX_TURNS = 64  # earlier turns or messages
MAX_K = 50
LOGIN_PER_MINUTE = 10  # wrong passwords (and right ones) per address
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PING_SECONDS = 15  # a comment line this often keeps proxies from closing a slow stream
# the app's own routes (API, docs, health, article pages); everything else is the mounted chat (/ and /embed)
OWN_ROUTES = ("/api/", "/v1/", "/admin", "/health", "/docs", "/openapi.json", "/gradio.js", "/widget.js", "/articles/")
# the chat's routes a visitor needs before logging in: the page shell, its assets and the login itself
CHAT_PUBLIC = re.compile(
    r"^/embed$|^(?:/embed)?/(?:|login/?|logout|config/?|assets/.*|static/.*|svelte/.*|favicon\.ico|theme\.css|robots\.txt|"
    r"manifest\.json|pwa_icon(?:/.*)?|gradio_api/(?:theme\.css|login_check/?|app_id/?|startup-events))$")
# Gradio's routes that would publish the chat's internals as an API, or tools no reader needs
CHAT_INTERNAL = re.compile(
    r"^(?:/embed)?/(?:openapi\.json|monitoring(?:/.*)?|gradio_api/(?:api|run|call|openapi\.json|mcp|vibe-.*|"
    r"undo-vibe-.*|dev|runs|run-history|proxy=)(?:[/=].*)?)$")
# the chat's calls that answer or search: they count against the rate limit
CHAT_LOGIN = re.compile(r"^(?:/embed)?/login/?$")
CHAT_ASKS = re.compile(r"^(?:/embed)?/gradio_api/queue/join/?$")


def app_version() -> str:
    """The installed distribution's version."""
    try:
        return version("archive-qa")
    except PackageNotFoundError:
        return "0+unknown"


Text = Annotated[str, StringConstraints(max_length=MAX_MESSAGE)]


def _printable(value: str) -> str:
    if CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


class ChatMessage(BaseModel):
    """One message of an OpenAI chat request."""

    role: Annotated[str, StringConstraints(max_length=32)]
    content: Text | list[dict[str, Any]] = ""


class AskRequest(BaseModel):
    """Body of ``POST /api/ask`` and ``/api/ask/stream``."""

    question: Annotated[str, StringConstraints(min_length=1, max_length=MAX_QUESTION), AfterValidator(_printable)]
    k: int | None = Field(None, ge=1, le=MAX_K)
    history: list[tuple[Text, Text] | ChatMessage] = Field(
        [], max_length=MAX_TURNS, description="Earlier turns: [question, answer] pairs or OpenAI-style {role, content} messages."
    )
    since: Annotated[str, StringConstraints(max_length=32)] | None = None
    until: Annotated[str, StringConstraints(max_length=32)] | None = None


class ChatRequest(BaseModel):
    """Body of ``POST /v1/chat/completions`` (fields the archive does not use are accepted and ignored)."""

    model: Annotated[str, StringConstraints(max_length=200)] = MODEL_NAME
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=MAX_TURNS)
    stream: bool = False


class RateLimiter:
    """A one-minute window of requests per caller, in a bounded cache that forgets idle callers.

    A caller's window opens with its first request and holds ``per_minute`` requests; the entry expires a
    minute later (cachetools' ``TTLCache``), and at most ``callers`` are remembered (the least recently
    seen go first), so a flood of made-up callers cannot grow memory.
    """

    def __init__(self, per_minute: int, callers: int = 100_000, window: float = 60.0) -> None:
        from cachetools import TTLCache

        self.per_minute = per_minute
        self.window = window
        self.calls: TTLCache[str, list[float]] = TTLCache(maxsize=callers, ttl=window, timer=time.monotonic)
        self.lock = threading.Lock()

    def retry_after(self, caller: str) -> int:
        """Record a call; return 0 when allowed, else the seconds until the caller may retry."""
        if self.per_minute <= 0:
            return 0
        now = time.monotonic()
        with self.lock:
            entry = self.calls.get(caller)
            if entry is None:
                self.calls[caller] = [now, 1.0]
                return 0
            if entry[1] >= self.per_minute:
                return max(1, int(entry[0] + self.window - now) + 1)
            entry[1] += 1
            return 0


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, by Content-Length or as they stream in."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        over = False

        async def counted() -> Any:
            nonlocal seen, over
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:  # the app reads an end here, and its answer is replaced by the 413
                over = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def replaced(message: Any) -> None:
            if not over:
                await send(message)
            elif message["type"] == "http.response.start":
                await self._refuse(send)

        await self.app(scope, counted, replaced)

    async def _refuse(self, send: Any) -> None:
        body = json.dumps({"detail": f"request body over {self.limit // 1024} kB"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


@lru_cache(maxsize=32)
def page_text(key: str, modified: int) -> str:
    """A page file's text, read once per version (``modified``) for the last 32 pages asked for."""
    from index.read import read_file

    return read_file(Path(key)).text


def address(request: Request) -> str:
    """The caller as the rate limiter counts it when it holds no key: its address."""
    return f"ip:{request.client.host if request.client else '?'}"


def slow_down(wait: int, response: Any) -> Any:
    """A 429 with Retry-After, its body in the route's own form (JSON for the API, a page for readers)."""
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def known_key(token: str, keys: list[bytes]) -> bool:
    """Whether a token is one of the keys, compared in constant time (every key is compared)."""
    given = token.encode()
    return sum(hmac.compare_digest(given, key) for key in keys) > 0


def split_chat(messages: list[ChatMessage]) -> tuple[str, list[tuple[str, str]]]:
    """The last user message is the question; the messages before it are the history."""
    last = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    if last < 0:
        return "", []
    question = message_text(messages[last].content)
    return question, turns([m.model_dump() for m in messages[:last]])


def sources_footer(answer: dict[str, Any], paper: str) -> str:
    """The citations as a plain-text footer for OpenAI-speaking front ends."""
    if not answer.get("citations"):
        return ""
    lines = [f"[{c['n']}] {source_label(c, paper)}" for c in answer["citations"]]
    return "\n\n来源：\n" + "\n".join(lines)


def create_app(services: Services) -> Any:
    """Build the app: health, REST, OpenAI-compatible API, article pages, the chat and the embed page."""
    import gradio as gr

    settings = services.settings
    paper = settings.paper_name
    answerer = services.answerer()
    keys = [k.strip().encode() for k in settings.api_keys.get_secret_value().split(",") if k.strip()]
    limiter = RateLimiter(settings.rate_limit)
    from fastapi_offline import FastAPIOffline

    # /docs draws Swagger UI from files served here, not from a CDN: it works on an intranet
    app = FastAPIOffline(title="archive-qa", version=app_version(), redoc_url=None, static_url="/docs-assets",
                         description="Cited answers from a Chinese local-newspaper archive.")

    app.add_middleware(BodyLimit, limit=MAX_BODY)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["*"])

    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        log.warning("index unavailable: %s", exc)
        return JSONResponse({"detail": "索引正在更新或修复，请稍后再试 (index unavailable)"}, status_code=503,
                            headers={"Retry-After": "5"})

    @app.middleware("http")
    async def frame_policy(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = f"frame-ancestors {settings.frame_ancestors}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def guard(request: Request) -> str:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        valid = bool(token) and known_key(token, keys)
        if keys and not valid:
            raise HTTPException(status_code=401, detail="a valid API key is required (Authorization: Bearer …)",
                                headers={"WWW-Authenticate": "Bearer"})
        # only a real key is a caller of its own; anything else is counted by its address
        caller = f"key:{token}" if valid else address(request)
        wait = limiter.retry_after(caller)
        if wait:
            raise HTTPException(status_code=429, detail="too many requests", headers={"Retry-After": str(wait)})
        return caller

    def filters_of(since: str | None, until: str | None) -> Filters:
        try:
            return Filters(since=parse_day(since), until=parse_day(until))
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=f"since/until expect YYYY-MM-DD: {exc}") from exc

    @app.get("/health")
    def health() -> dict[str, object]:
        return {**services.health(), "version": app_version()}

    @app.get("/admin", response_class=HTMLResponse, dependencies=[Depends(guard)])
    def admin() -> HTMLResponse:
        """The operator's view (the API's key rule): what the index holds, what serves it, what to fix."""
        state = health()
        notes: Any = state.pop("warnings", [])
        warnings = "".join(f"<p class='warn'>⚠️ {html.escape(str(w))}</p>" for w in notes)
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in state.items())
        return HTMLResponse(page_html("archive-qa 运行状态", f"<h1>运行状态</h1>{warnings}<table>{rows}</table>"))

    @app.post("/api/ask", dependencies=[Depends(guard)])
    def ask(request: AskRequest) -> dict[str, Any]:
        filters = filters_of(request.since, request.until)
        answer, _ = answerer.answer(request.question, k=request.k, filters=filters, history=turns(request.history))
        return answer.to_dict()

    @app.post("/api/ask/stream", dependencies=[Depends(guard)], response_class=EventSourceResponse)
    def ask_stream(request: AskRequest) -> EventSourceResponse:
        filters = filters_of(request.since, request.until)  # a bad date is a 422 before the stream starts

        def events() -> Iterator[ServerSentEvent]:
            for event in answerer.stream(request.question, k=request.k, filters=filters, history=turns(request.history)):
                name = "done" if event["event"] == "answer" else event["event"]
                payload = event.get("answer") or {k: v for k, v in event.items() if k != "event"}
                yield ServerSentEvent(json.dumps(payload, ensure_ascii=False), event=name, sep="\n")

        return EventSourceResponse(events(), ping=PING_SECONDS, sep="\n")

    @app.get("/api/search", dependencies=[Depends(guard)])
    def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION)],
               k: Annotated[int, Query(ge=1, le=100)] = 10,
               since: Annotated[str | None, Query(max_length=32)] = None,
               until: Annotated[str | None, Query(max_length=32)] = None) -> dict[str, Any]:
        passages = answerer.retriever.search(q, k, filters_of(since, until))
        return {"query": q, "passages": [
            {"chunk_id": p.chunk_id, "text": p.text, "score": round(p.score, 6), **_public(p.meta)} for p in passages
        ]}

    @app.get("/api/articles/{article_id}", dependencies=[Depends(guard)])
    def article_json(article_id: str) -> dict[str, Any]:
        article = services.manifest.article(article_id)
        if article is None:
            raise HTTPException(status_code=404, detail=f"no article {article_id}")
        return article

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(article_id: str, start: int | None = Query(None, alias="from", ge=0),
                     end: int | None = Query(None, alias="to", ge=0)) -> HTMLResponse:
        article = services.manifest.article(article_id)
        if article is None:
            return HTMLResponse(not_found_page(), status_code=404)
        cited = (start, end) if start is not None and end is not None and end > start else None
        return HTMLResponse(render_article(article, paper, cited=cited))

    @app.get("/articles/{article_id}/page", response_class=HTMLResponse)
    def article_source_page(article_id: str) -> HTMLResponse:
        from index.read import RECORD_SUFFIXES, ReadError

        key = services.manifest.article_file(article_id)
        article = services.manifest.article(article_id)
        if key is None or article is None:
            return HTMLResponse(not_found_page(), status_code=404)
        label = source_label({**article, "title": None}, paper).removesuffix("《无标题》")
        if Path(key).suffix.lower() in RECORD_SUFFIXES:  # a record is its own page: no file to read
            return HTMLResponse(render_page(label, str(article.get("text", ""))))
        if article.get("pdf_page"):  # a PDF page: its image, and the text of every article read off it
            texts = [a for a in services.manifest.file_articles(key) if a.get("pdf_page") == article["pdf_page"]]
            text = "\n\n".join(f"{a.get('title') or '无标题'}\n{a.get('text', '')}" for a in texts)
            return HTMLResponse(render_page(label, text, figure=page_figure(article, outline=False)))
        try:
            text = page_text(key, Path(key).stat().st_mtime_ns)
        except (ReadError, OSError):
            return HTMLResponse(not_found_page(), status_code=404)
        return HTMLResponse(render_page(label, text))

    @app.get("/articles/{article_id}/image")
    def article_image(article_id: str) -> Response:
        """The image of the PDF page an article was printed on."""
        from index.pdf import page_image

        key = services.manifest.article_file(article_id)
        article = services.manifest.article(article_id)
        if key is None or article is None or not article.get("pdf_page"):
            return HTMLResponse(not_found_page(), status_code=404)
        path = page_image(settings.index_dir, key, int(article["pdf_page"]))
        if not path.is_file():
            return HTMLResponse(not_found_page(), status_code=404)
        return FileResponse(path, media_type="image/webp", headers={"Cache-Control": "max-age=86400"})

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        """The <archive-qa> web component: the chat in an iframe in a shadow root, the host page untouched."""
        return FileResponse(Path(__file__).parent / "static" / "widget.js", media_type="text/javascript")

    @app.get("/gradio.js", include_in_schema=False)
    def web_component() -> FileResponse:
        """Gradio's web-component loader, served here so portals need no third-party host."""
        return FileResponse(Path(gr.__file__).parent / "templates" / "frontend" / "gradio.js",
                            media_type="text/javascript")

    @app.get("/v1/models", dependencies=[Depends(guard)])
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL_NAME, "object": "model", "created": 0, "owned_by": "archive-qa"}]}

    @app.post("/v1/chat/completions", dependencies=[Depends(guard)])
    def chat_completions(request: ChatRequest) -> Any:
        question, history = split_chat(request.messages)
        if not question.strip():
            raise HTTPException(status_code=400, detail="the last message must be a user question")
        from openai.types import CompletionUsage
        from openai.types.chat import ChatCompletion, ChatCompletionChunk

        ident, created = f"chatcmpl-{uuid.uuid4().hex[:12]}", int(time.time())
        asked = len(question) + sum(len(q) + len(a) for q, a in history)

        def usage(content: str) -> CompletionUsage:
            # counted in characters: the archive runs no LLM tokenizer (a Chinese character is about one token)
            return CompletionUsage(prompt_tokens=asked, completion_tokens=len(content), total_tokens=asked + len(content))

        if not request.stream:
            answer, _ = answerer.answer(question, history=history)
            result = answer.to_dict()
            content = result["text"] + sources_footer(result, paper)
            completion = ChatCompletion(
                id=ident, created=created, model=MODEL_NAME, object="chat.completion", usage=usage(content),
                choices=[{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],  # type: ignore[list-item]
                citations=result["citations"], archive_answer=result,  # type: ignore[call-arg]
            )
            return JSONResponse(completion.model_dump(mode="json", exclude_none=True))

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> ServerSentEvent:
            body = ChatCompletionChunk(id=ident, created=created, model=MODEL_NAME, object="chat.completion.chunk",
                                       choices=[{"index": 0, "delta": delta, "finish_reason": finish}], **extra)  # type: ignore[list-item]
            return ServerSentEvent(body.model_dump_json(exclude_none=True), sep="\n")

        def chunks() -> Iterator[ServerSentEvent]:
            yield chunk({"role": "assistant", "content": ""})
            said = ""
            for event in answerer.stream(question, history=history):
                if event["event"] == "token":
                    said += event["text"]
                    yield chunk({"content": event["text"]})
                elif event["event"] == "answer":
                    result = event["answer"]
                    footer = sources_footer(result, paper)
                    yield chunk({"content": footer})
                    yield chunk({}, "stop", usage=usage(said + footer), citations=result["citations"], archive_answer=result)
            yield ServerSentEvent("[DONE]", sep="\n")

        return EventSourceResponse(chunks(), ping=PING_SECONDS, sep="\n")

    login = settings.ui_auth.get_secret_value()
    auth = tuple(login.split(":", 1)) if ":" in login else None
    chats: list[Any] = []  # the mounted chat apps, whose sessions the login rule reads
    logins = RateLimiter(LOGIN_PER_MINUTE)

    @app.middleware("http")
    async def chat_rules(request: Request, call_next: Any) -> Any:
        """One rule for the chat's audience: nothing published as an API, the login, and the rate limit."""
        path = request.url.path
        if not path.startswith(OWN_ROUTES):
            if CHAT_INTERNAL.match(path):
                return JSONResponse({"detail": "not found"}, status_code=404)
            if auth is not None and not CHAT_PUBLIC.match(path) and not _logged_in(request, chats):
                return JSONResponse({"detail": "请先登录（/login）"}, status_code=401)
            posted = request.method == "POST"
            if posted and CHAT_LOGIN.match(path) and (wait := logins.retry_after(address(request))):
                return slow_down(wait, JSONResponse({"detail": "登录尝试太频繁，请稍后再试"}))
            if posted and CHAT_ASKS.match(path) and (wait := limiter.retry_after(address(request))):
                return slow_down(wait, JSONResponse({"detail": "提问太频繁，请稍后再试"}))
        elif path.startswith("/articles/"):  # the reader's pages: the chat's login, and the same rate limit
            if auth is not None and not _logged_in(request, chats):
                return JSONResponse({"detail": "请先登录（/login）"}, status_code=401)
            if wait := limiter.retry_after(address(request)):
                return slow_down(wait, HTMLResponse(busy_page()))
        return await call_next(request)

    for path, compact in (("/embed", True), ("/", False)):  # no footer: no "Use via API", no "Built with Gradio"
        app = gr.mount_gradio_app(app, build_chat(services, compact=compact), path=path, auth=auth, css=CSS,  # type: ignore[arg-type]
                                  footer_links=[], head=HEAD)
    chats.extend(route.app for route in app.routes if isinstance(route, Mount) and hasattr(route.app, "tokens"))
    return app


def _logged_in(request: Request, chats: list[Any]) -> bool:
    """Whether the request carries a session of one of the mounted chats (their login sets it)."""
    for chat in chats:
        for name in (f"access-token-{chat.cookie_id}", f"access-token-unsecure-{chat.cookie_id}"):
            token = request.cookies.get(name)
            if token and token in chat.tokens:
                return True
    return False


def _public(meta: dict[str, Any]) -> dict[str, Any]:
    keys = ("title", "issue", "page", "source", "doc_id", "article_id")
    return {"date": int_to_date(meta.get("date")), **{k: meta.get(k) for k in keys}}


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    uvicorn.run(create_app(build_services(settings)), host=host, port=port)
