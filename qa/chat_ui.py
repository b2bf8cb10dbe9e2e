"""The chat people use (Gradio) and the HTML it shows: source cards, article pages. Archive text is escaped."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from index.models import parse_day
from qa.citations import source_label
from qa.relevance import question_words
from qa.retrieve import Filters

TITLE = "报纸档案问答"
SENTENCE_PIECES = re.compile(r"[^。！？\n]*(?:[。！？]+(?:\[\d+\])*|\n|$)")

CSS = """
.sources .card {border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; margin: 8px 0;}
.sources .cite {font-weight: 600; margin-bottom: 4px;}
.sources .cite.unsupported {color: #b00020;}
.sources blockquote {margin: 4px 0; color: #333; white-space: pre-wrap;}
.sources mark {background: #ffe58f;}
.notice {background: #fff7e6; border: 1px solid #ffd591; border-radius: 6px; padding: 6px 10px; margin: 4px 0;}
.unsupported-line {color: #b00020;}
@media (max-width: 640px) { .sources .card {padding: 6px 8px;} }
.sources .asked {color: #666; font-size: 0.9em; margin-top: 12px; border-top: 1px dashed #ddd; padding-top: 6px;}
.sources .card.flash {animation: flash 1.6s ease-out;}
@keyframes flash {0% {background: #ffe58f;} 100% {background: transparent;}}
a.cite-link {text-decoration: none; color: #1a5fb4;}
#chat .bubble-wrap {padding-top: 36px;}
#chat .icon-button-wrapper > * {order: 0;}
#chat .icon-button-wrapper > :is([aria-label="赞"], [aria-label="Like"], [aria-label="like"]) {order: 1;}
#chat .icon-button-wrapper > :is([aria-label="踩"], [aria-label="Dislike"], [aria-label="dislike"]) {order: 2;}
#sources-column {max-height: 80vh; overflow-y: auto;}
"""


def highlight(text: str, terms: list[str]) -> str:
    """Escape text, then mark the question's terms (terms are escaped too)."""
    escaped = html.escape(text)
    words = sorted({html.escape(t) for t in terms if len(t) > 1}, key=len, reverse=True)
    if not words:
        return escaped
    pattern = re.compile("|".join(re.escape(w) for w in words))
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


def render_sources(answer: dict[str, Any], question: str, paper: str, base: str = "", turn: int = 0) -> str:
    """Notices, unsupported sentences and one card per cited passage, as escaped HTML; card n of question
    ``turn`` has the id ``src-{turn}-{n}`` that the answer's ``[n]`` links to."""
    parts = [f'<div class="notice">⚠️ {html.escape(text)}</div>'
             for text in (answer.get("degraded"), answer.get("notice")) if text]
    parts += [f'<div class="notice unsupported-line">❗ 未能在所引报道中核实：{html.escape(s)}</div>'
              for s in answer.get("unsupported_sentences") or []]
    terms = question_words(question)
    for c in answer.get("citations") or []:
        flag = "" if c.get("supported", True) else "（未核实）"
        cls = "cite" if c.get("supported", True) else "cite unsupported"
        link = (f'<a href="{html.escape(base + article_link(c))}" target="_blank" rel="noopener">查看全文</a>'
                if c.get("article_id") else "")
        parts.append(
            f'<div class="card" id="src-{int(turn)}-{int(c["n"])}"><div class="{cls}">[{int(c["n"])}] {html.escape(source_label(c, paper))}{flag}</div>'
            f"<blockquote>{highlight(c.get('text') or '', terms)}</blockquote>{link}</div>"
        )
    if not parts:
        return ""
    head = f'<div class="asked">第{int(turn) + 1}问：{html.escape(question)}</div>' if turn else ""
    return f'<div class="sources" data-turn="{int(turn)}">{head}{"".join(parts)}</div>'


def link_markers(text: str, turn: int) -> str:
    """Each ``[n]`` of an (escaped) answer as a link to its source card."""
    return re.sub(r"\[(\d{1,3})\]", lambda m: f'<a class="cite-link" href="#src-{int(turn)}-{m.group(1)}">[{m.group(1)}]</a>', text)


# a click on [n] scrolls the card into view and flashes it (the chat's links would otherwise open a tab)
CITE_SCRIPT = """<script>
document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('a.cite-link');
  if (!link) return;
  const root = link.getRootNode();
  const card = (root.getElementById ? root.getElementById(link.hash.slice(1)) : null) || document.getElementById(link.hash.slice(1));
  if (!card) return;
  event.preventDefault(); event.stopPropagation();
  card.scrollIntoView({behavior: 'smooth', block: 'center'});
  card.classList.remove('flash'); void card.offsetWidth; card.classList.add('flash');
}, true);
</script>"""


def article_link(citation: dict[str, Any]) -> str:
    """The article page with the cited passage marked and scrolled to."""
    span = (f"?from={int(citation['start'])}&to={int(citation['end'])}#cited"
            if citation.get("start") is not None and citation.get("end") is not None else "")
    return f"/articles/{quote(str(citation['article_id']), safe='')}{span}"


def render_answer_text(answer: dict[str, Any], turn: int = 0) -> str:
    """The answer for the chat bubble: escaped, unsupported sentences struck through and marked, ``[n]`` linked."""
    text = html.escape(answer.get("text") or "")
    for sentence in answer.get("unsupported_sentences") or []:
        escaped = html.escape(sentence)
        text = text.replace(escaped, f"<del>{escaped}</del>（未核实）")
    return link_markers(text, turn)


# the page is Chinese whatever the reader's browser says (Gradio sets lang from the browser's locale)
LANG_SCRIPT = """<script>
(() => { const root = document.documentElement; const keep = () => { if (root.lang !== 'zh-CN') root.lang = 'zh-CN'; };
  keep(); new MutationObserver(keep).observe(root, {attributes: true, attributeFilter: ['lang']}); })();
</script>"""
HEAD = LANG_SCRIPT + CITE_SCRIPT  # given to the chat at mount


PAGE_STYLE = ("body{font-family:'Noto Sans CJK SC',sans-serif;max-width:760px;margin:auto;padding:16px;line-height:1.7}"
              ".meta{color:#666} mark{background:#ffe58f;scroll-margin-top:40vh} pre{white-space:pre-wrap}"
              ".warn{background:#fff7e6;padding:8px} th{text-align:left;padding-right:16px}"
              ".scan{position:relative;display:inline-block;max-width:100%} .scan img{max-width:100%;display:block;"
              "border:1px solid #ccc} .scan .region{position:absolute;border:3px solid #d4380d;box-sizing:border-box}"
              "figure{margin:16px 0} figcaption{color:#666}"
              "@media (min-width:1100px){body.original{max-width:1400px} body.original figure{float:right;"
              "width:46%;margin:0 0 16px 24px}}")


def page_html(title: str, body: str, body_class: str = "") -> str:
    """A plain page of this app: Chinese, escaped title, the reading style."""
    opening = f"<body class='{html.escape(body_class)}'>" if body_class else "<body>"
    return ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head>{opening}{body}</html>")


def page_figure(article: dict[str, Any], base: str = "", outline: bool = True) -> str:
    """The printed page an article came from (a PDF page's image), its region outlined, as a reading room shows it."""
    if not article.get("pdf_page"):
        return ""
    region = ""
    try:
        x0, y0, x1, y1 = (float(v) for v in str(article.get("region") or "").split(","))
        if outline:
            region = (f"<div class='region' style='left:{x0 * 100:.2f}%;top:{y0 * 100:.2f}%;"
                      f"width:{(x1 - x0) * 100:.2f}%;height:{(y1 - y0) * 100:.2f}%'></div>")
    except ValueError:
        pass
    source = f"{html.escape(base)}/articles/{quote(str(article['id']), safe='')}/image"
    how = "（扫描版，文字由OCR识别，可能有误字）" if article.get("ocr") else ""
    return (f"<figure><div class='scan'><img src='{source}' alt='原版版面' loading='lazy'>{region}</div>"
            f"<figcaption>原版第{int(article['pdf_page'])}页{how}，框出的是本文</figcaption></figure>")


def render_article(article: dict[str, Any], paper: str, base: str = "", cited: tuple[int, int] | None = None) -> str:
    """A whole cleaned article as an HTML page, every field escaped; ``cited`` (offsets) is marked and scrolled to."""
    meta = source_label({**article, "title": None}, paper).removesuffix("《无标题》")
    text = article.get("text") or ""
    paras, at, marked = [], 0, False
    for line in text.split("\n"):
        start, end = at, at + len(line)
        at = end + 1
        if not line.strip():
            continue
        if cited and cited[0] < end and cited[1] > start:
            a, b = max(cited[0], start) - start, min(cited[1], end) - start
            anchor = "" if marked else " id='cited'"
            marked = True
            paras.append(f"<p>{html.escape(line[:a])}<mark{anchor}>{html.escape(line[a:b])}</mark>{html.escape(line[b:])}</p>")
        else:
            paras.append(f"<p>{html.escape(line)}</p>")
    extra = "".join(f"<p class='meta'>{html.escape(article[k])}</p>" for k in ("subtitle", "byline") if article.get(k))
    links = (f"<p><a href='{html.escape(base)}/'>返回问答</a> · "
             f"<a href='{html.escape(base)}/articles/{quote(str(article['id']), safe='')}/page'>查看整版原文</a></p>")
    title = article.get("title") or "无标题"
    figure = page_figure(article, base)
    body = f"{links}<h1>{html.escape(title)}</h1>{extra}<p class='meta'>{html.escape(meta)}</p>{figure}{''.join(paras)}"
    return page_html(title, body, "original" if figure else "")


def render_page(label: str, text: str, base: str = "", figure: str = "") -> str:
    """The whole page an article was printed on, as extracted (and as printed, for a PDF page), under its
    paper, date, issue and page."""
    return page_html(label, f"<p><a href='{html.escape(base)}/'>返回问答</a></p><h1>{html.escape(label)}</h1>"
                        f"{figure}<pre>{html.escape(text)}</pre>", "original" if figure else "")


def busy_page() -> str:
    """The reader's 429, in Chinese."""
    return page_html("请稍后再试", "<h1>请求太频繁</h1><p>请稍等片刻再打开这一页。</p>")


def not_found_page(base: str = "") -> str:
    """The reader's 404: in Chinese, with the way back."""
    return page_html("未找到", f"<h1>未找到这篇报道</h1><p>链接可能已失效，或报道已从档案中移除。</p>"
                         f"<p><a href='{html.escape(base)}/'>返回问答</a></p>")


def example_questions(articles: list[dict[str, Any]], count: int = 4) -> list[str]:
    """Questions drawn from the archive itself: the newest titled articles, asked about."""
    dated = sorted((a for a in articles if a.get("title")), key=lambda a: a.get("date") or "", reverse=True)
    seen: list[str] = []
    for article in dated:
        question = f"“{article['title']}”说的是什么？"
        if question not in seen:
            seen.append(question)
        if len(seen) >= count:
            break
    return seen


_HOST = re.compile(r"^[A-Za-z0-9.-]+(?::\d{1,5})?$")


def base_url(request: Any, public_url: str | None = None, trusted_proxy: bool = False) -> str:
    """The app's own origin for absolute links (they must work inside a portal's page too).

    ``QA_PUBLIC_URL`` when configured; else the Host the browser reached, or a proxy's X-Forwarded-Host
    only behind ``QA_TRUSTED_PROXY``. A host that is not a plain name and port is not used at all.
    """
    if public_url:
        return public_url.rstrip("/")
    if request is None:
        return ""
    try:
        headers = request.headers
        host = (trusted_proxy and headers.get("x-forwarded-host")) or headers.get("host") or ""
        scheme = (trusted_proxy and headers.get("x-forwarded-proto")) or request.url.scheme
    except AttributeError:
        return ""
    host = host.split(",")[0].strip()
    return f"{scheme}://{host}" if _HOST.match(host) and scheme in ("http", "https") else ""


def _filters(since: str, until: str) -> tuple[Filters, str | None]:
    try:
        return Filters(since=parse_day(since), until=parse_day(until)), None
    except ValueError:
        return Filters(), "日期格式应为 YYYY-MM-DD，已忽略日期筛选。"


CHAT_CONCURRENCY = 16


def build_chat(services: Any, compact: bool = False) -> Any:
    """Build the chat page (``compact`` for the embeddable one)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from qa.feedback import FeedbackStore

    answerer = services.answerer()
    paper = services.settings.paper_name
    feedback = FeedbackStore(services.settings.feedback_db or services.settings.index_dir / "feedback.sqlite")

    def respond(question: str, history: list[dict[str, str]], turns: list[list[str]], since: str,
                until: str, earlier: str, request: Any = None) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            yield "", history, earlier, turns, {}
            return
        filters, warning = _filters(since, until)
        turn = len(turns)
        # the question stays in the chat at once, with a note that the archive is being searched
        history = [*history, {"role": "user", "content": html.escape(question)}, {"role": "assistant", "content": "正在查找报道……"}]
        yield "", history, earlier, turns, {}
        shown = ""
        final: dict[str, Any] = {}
        for event in answerer.stream(question, filters=filters, history=[tuple(t) for t in turns]):
            if event["event"] == "token":
                for piece in SENTENCE_PIECES.findall(event["text"]):  # an extractive answer arrives whole: show it by sentence
                    shown += piece
                    history[-1] = {"role": "assistant", "content": html.escape(shown)}
                    yield "", history, earlier, turns, {}
            elif event["event"] == "answer":
                final = event["answer"]
        if warning:
            final["notice"] = warning if not final.get("notice") else f"{warning} {final['notice']}"
        history[-1] = {"role": "assistant", "content": render_answer_text(final, turn)}
        base = base_url(request, services.settings.public_url, services.settings.trusted_proxy)
        sources_html = render_sources(final, question, paper, base, turn) + (earlier or "")  # newest first, earlier kept
        yield "", history, sources_html, [*turns, [question, final.get("text", "")]], {"question": question, "answer": final}

    respond.__annotations__["request"] = gr.Request  # gradio passes the request for this annotation

    def judge(last: dict[str, Any], data: gr.LikeData) -> str:
        if not last:
            return ""
        feedback.add(last["question"], last["answer"], bool(data.liked))
        return "已记录您的评价，谢谢。"

    judge.__annotations__["data"] = gr.LikeData  # gradio reads the type to pass the like event

    def comment(last: dict[str, Any], text: str) -> tuple[str, str]:
        if not last or not text.strip():
            return text, ""
        feedback.add(last["question"], last["answer"], None, text.strip())
        return "", "已记录您的意见，谢谢。"

    examples = example_questions(services.manifest.articles())
    with gr.Blocks(title=TITLE, analytics_enabled=False) as chat:
        if not compact:
            gr.Markdown(f"## {TITLE}\n在《{html.escape(paper)}》的报道中查找答案，每句话都注明出处，可点开原文核对。")
        # answer and sources side by side on a wide screen; the columns wrap (sources under the chat) on a phone
        with gr.Row(equal_height=False, elem_id="layout"):
            with gr.Column(scale=3, min_width=340):
                bot = gr.Chatbot(show_label=False, height=360 if compact else 460, buttons=["copy"], elem_id="chat",
                                 feedback_options=("Like", "Dislike"), sanitize_html=True)
                with gr.Row(equal_height=True):
                    box = gr.Textbox(show_label=False, placeholder="请输入问题，例如：平湖去年的城市生活垃圾分类处理率是多少？",
                                     elem_id="question", scale=5, lines=1, max_lines=4)
                    send = gr.Button("发送", variant="primary", scale=1, min_width=72, elem_id="send")
                with gr.Accordion("按日期筛选", open=False, visible=not compact), gr.Row():
                    since = gr.Textbox(label="起始日期", placeholder="YYYY-MM-DD", elem_id="since")
                    until = gr.Textbox(label="截止日期", placeholder="YYYY-MM-DD", elem_id="until")
            with gr.Column(scale=2, min_width=300, elem_id="sources-column"):
                sources = gr.HTML(elem_id="sources")
        turns = gr.State([])
        last = gr.State({})
        status = gr.Markdown()
        with gr.Row(visible=not compact):
            note = gr.Textbox(label="意见（可选）", scale=4)
            send_note = gr.Button("提交意见", scale=1)
            clear = gr.Button("清空对话", scale=1)
        if examples and not compact:
            gr.Examples(examples=[[q] for q in examples], inputs=[box], label="可以这样问")
        for trigger in (box.submit, send.click):  # Enter or the 发送 button; no English progress timer
            trigger(respond, [box, bot, turns, since, until, sources], [box, bot, sources, turns, last],
                    api_visibility="private", show_progress="hidden")
        # the chat's own events only: none is published as an API (the API is /api and /v1, with their keys)
        bot.like(judge, [last], [status], api_visibility="private")
        send_note.click(comment, [last, note], [note, status], api_visibility="private")
        clear.click(lambda: ("", [], "", [], {}, ""), None, [box, bot, sources, turns, last, status],
                    api_visibility="private")
    # readers' questions are answered side by side, as the API's are (Gradio answers one event at a time
    # unless told otherwise); past this many at once they wait in the queue
    chat.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    return chat
