"""The web layer: a FastAPI app with the Gradio chat mounted at ``/`` and a small JSON API."""

from __future__ import annotations

import html
import os
from typing import Any

from pydantic import BaseModel

from index.settings import Settings
from qa.answer import Answer
from qa.services import Services, build_services

TITLE = "报纸档案问答"


class AskRequest(BaseModel):
    """Body of ``POST /api/ask``."""

    question: str
    k: int | None = None


def render_sources(answer: Answer, paper: str) -> str:
    """Render the numbered sources of an answer as escaped Markdown (archive text is untrusted)."""
    if not answer.citations:
        return ""
    lines = ["**来源**", ""]
    for c in answer.citations:
        issue = f" 第{c.issue}期" if c.issue else ""
        head = f"[{c.n}] 《{html.escape(paper)}》{html.escape(c.date or '日期不详')}{issue}《{html.escape(c.title or '无标题')}》"
        lines.append(f"{head}  \n> {html.escape(c.text)}\n")
    return "\n".join(lines)


def build_chat(services: Services) -> Any:
    """Build the Gradio chat page."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    answerer = services.answerer()
    paper = services.settings.paper_name

    def respond(question: str, history: list[dict[str, str]]) -> tuple[str, list[dict[str, str]], str]:
        if not question.strip():
            return "", history, ""
        answer, _ = answerer.answer(question)
        reply = html.escape(answer.text)
        history = [*history, {"role": "user", "content": html.escape(question)},
                   {"role": "assistant", "content": reply}]
        return "", history, render_sources(answer, paper)

    with gr.Blocks(title=TITLE) as chat:
        gr.Markdown(f"## {TITLE}\n在《{html.escape(paper)}》的报道中查找答案，每句话都注明出处。")
        if services.embedder.fallback:
            gr.Markdown("⚠️ 向量模型未能加载，当前使用无权重的备用检索（结果可能不如预期）。")
        bot = gr.Chatbot(label="对话", height=420)
        box = gr.Textbox(label="问题", placeholder="例如：平湖去年的城市生活垃圾分类处理率是多少？")
        sources = gr.Markdown()
        box.submit(respond, [box, bot], [box, bot, sources])
        gr.Button("清空对话").click(lambda: ("", [], ""), None, [box, bot, sources])
    return chat


def create_app(services: Services) -> Any:
    """Build the FastAPI app: health, ask, and the chat at ``/``."""
    import gradio as gr
    from fastapi import FastAPI

    app = FastAPI(title="archive-qa")
    answerer = services.answerer()

    @app.get("/health")
    def health() -> dict[str, object]:
        return services.health()

    @app.post("/api/ask")
    def ask(request: AskRequest) -> dict[str, Any]:
        answer, _ = answerer.answer(request.question, k=request.k)
        return answer.to_dict()

    return gr.mount_gradio_app(app, build_chat(services), path="/")


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    uvicorn.run(create_app(build_services(settings)), host=host, port=port)
