"""A small OpenAI-compatible chat-completions server on 127.0.0.1 for tests.

It answers POST /v1/chat/completions from a script of replies, records every request it received,
and can misbehave on demand (HTTP errors, Retry-After, malformed JSON, slowness, a cut stream). It also replays
streams recorded from a real model (tests/cassettes) token by token, so the fast tier sees real model output.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client timing out mid-reply is expected in these tests; no traceback."""


@dataclass
class Step:
    """One scripted response: a reply text, or a fault."""

    content: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    raw_body: bytes | None = None
    cut_stream: bool = False
    # A recorded real-model stream replayed token by token (tests/cassettes), with its finish reason.
    chunks: list[str] | None = None
    finish_reason: str = "stop"
    chunk_delay_s: float = 0.0  # pause between streamed pieces, as a model generating at a few tokens per second


class ChatServer:
    def __init__(self) -> None:
        self.script: deque[Step] = deque()
        self.default = Step(content="VERDICT: none\nANSWER: The record does not say.")
        self.requests: list[dict[str, Any]] = []
        self.headers_seen: list[dict[str, str]] = []
        self.stream_finished_at: float | None = None  # time.monotonic() when the last stream ended
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def push(self, *steps: Step) -> None:
        self.script.extend(steps)

    def _next(self) -> Step:
        return self.script.popleft() if self.script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                server.headers_seen.append(dict(self.headers))
                step = server._next()
                if step.delay_s:
                    time.sleep(step.delay_s)
                if step.status != 200:
                    self._send(
                        step.status, json.dumps({"error": {"message": "scripted failure"}}).encode(), step.headers
                    )
                    return
                if step.raw_body is not None:
                    self._send(200, step.raw_body, step.headers)
                    return
                if body.get("stream"):
                    self._stream(step, body)
                    return
                self._send(200, json.dumps(_completion(step.content, body)).encode(), step.headers)

            def _stream(self, step: Step, request: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = step.chunks if step.chunks is not None else [w + " " for w in step.content.split(" ")]
                pieces: list[tuple[str, str | None]] = [(word, None) for word in words] + [("", step.finish_reason)]
                for i, (text, finish_reason) in enumerate(pieces):
                    if step.cut_stream and i == len(words) // 2:
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        return
                    choice = {"index": 0, "delta": {"content": text}, "finish_reason": finish_reason}
                    chunk = {
                        "id": "x",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": request.get("model"),
                        "choices": [choice],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    if step.chunk_delay_s:
                        self.wfile.flush()
                        time.sleep(step.chunk_delay_s)
                self.wfile.write(b"data: [DONE]\n\n")
                server.stream_finished_at = time.monotonic()

            def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def _completion(content: str, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "test-model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
