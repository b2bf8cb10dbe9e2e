"""The web layer: a FastAPI app with the Gradio chat mounted at ``/`` and a small JSON API."""

from __future__ import annotations

import html
import os
from datetime import date
from typing import Any

from pydantic import BaseModel

from index.models import date_to_int
from index.settings import Settings
from qa.answer import Answer
from qa.retrieve import Filters
from qa.services import Services, build_services

TITLE = "报纸档案问答"


class AskRequest(BaseModel):
    """Body of ``POST /api/ask``."""

    question: str
    k: int | None = None
    history: list[tuple[str, str]] = []
    since: str | None = None
    until: str | None = None


def render_sources(answer: Answer, paper: str) -> str:
    """Render the numbered sources of an answer as escaped Markdown (archive text is untrusted)."""
    lines = [f"> ⚠️ {html.escape(text)}\n" for text in (answer.degraded, answer.notice) if text]
    lines += [f"> ❗ 未能在所引报道中核实：{html.escape(sentence)}\n" for sentence in answer.unsupported_sentences]
    if not answer.citations:
        return "\n".join(lines)
    lines += ["**来源**", ""]
    for c in answer.citations:
        issue = f" 第{c.issue}期" if c.issue else ""
        flag = "" if c.supported else "（未核实）"
        head = f"[{c.n}] 《{html.escape(paper)}》{html.escape(c.date or '日期不详')}{issue}《{html.escape(c.title or '无标题')}》{flag}"
        lines.append(f"{head}  \n> {html.escape(c.text)}\n")
    return "\n".join(lines)


def build_chat(services: Services) -> Any:
    """Build the Gradio chat page."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    answerer = services.answerer()
    paper = services.settings.paper_name

    def respond(question: str, history: list[dict[str, str]],
                turns: list[tuple[str, str]]) -> tuple[str, list[dict[str, str]], str, list[tuple[str, str]]]:
        if not question.strip():
            return "", history, "", turns
        answer, _ = answerer.answer(question, history=turns)
        reply = html.escape(answer.text)
        history = [*history, {"role": "user", "content": html.escape(question)},
                   {"role": "assistant", "content": reply}]
        return "", history, render_sources(answer, paper), [*turns, (question, answer.text)]

    with gr.Blocks(title=TITLE) as chat:
        gr.Markdown(f"## {TITLE}\n在《{html.escape(paper)}》的报道中查找答案，每句话都注明出处。")
        if services.embedder.fallback:
            gr.Markdown("⚠️ 向量模型未能加载，当前使用无权重的备用检索（结果可能不如预期）。")
        bot = gr.Chatbot(label="对话", height=420)
        box = gr.Textbox(label="问题", placeholder="例如：平湖去年的城市生活垃圾分类处理率是多少？")
        sources = gr.Markdown()
        turns = gr.State([])
        box.submit(respond, [box, bot, turns], [box, bot, sources, turns])
        gr.Button("清空对话").click(lambda: ("", [], "", []), None, [box, bot, sources, turns])
    return chat


def create_app(services: Services) -> Any:
    """Build the FastAPI app: health, ask, and the chat at ``/``."""
    import gradio as gr
    from fastapi import FastAPI, HTTPException

    app = FastAPI(title="archive-qa")
    answerer = services.answerer()

    @app.get("/health")
    def health() -> dict[str, object]:
        return services.health()

    @app.post("/api/ask")
    def ask(request: AskRequest) -> dict[str, Any]:
        try:
            filters = Filters(since=_day(request.since), until=_day(request.until))
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=f"since/until expect YYYY-MM-DD: {exc}") from exc
        answer, _ = answerer.answer(request.question, k=request.k, filters=filters, history=request.history)
        return answer.to_dict()

    return gr.mount_gradio_app(app, build_chat(services), path="/")


def _day(value: str | None) -> int | None:
    return date_to_int(date.fromisoformat(value).isoformat()) if value else None


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    uvicorn.run(create_app(build_services(settings)), host=host, port=port)
