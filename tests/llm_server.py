"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, scripted per test."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[dict[str, Any]], str]


@dataclass
class ScriptedLLM:
    """Answers each request with ``reply(request)``; may delay or fail; records what it was asked."""

    reply: Reply = lambda request: "没有在档案中找到相关报道。"  # noqa: E731
    delay: float = 0.0
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> ScriptedLLM:
        script = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                script.requests.append(body)
                if script.delay:
                    time.sleep(script.delay)
                if not self.path.endswith("/chat/completions") or script.status != 200:
                    self.send_response(script.status if script.status != 200 else 404)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "scripted failure"}}')
                    return
                text = script.reply(body)
                if body.get("stream"):
                    self._stream(text, body.get("model", "m"))
                else:
                    self._send_json(text, body.get("model", "m"))

            def _send_json(self, text: str, model: str) -> None:
                payload = {
                    "id": "cmpl-1", "object": "chat.completion", "created": int(time.time()), "model": model,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text: str, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
                for piece in pieces:
                    chunk = {"id": "cmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                             "model": model,
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                done = {"id": "cmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                        "model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def prompts(self) -> list[str]:
        """Return the last user message of every request received."""
        return [r["messages"][-1]["content"] for r in self.requests]
