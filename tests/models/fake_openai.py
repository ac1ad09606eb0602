"""A real chat-completions server on loopback, told how to misbehave.

Each request takes the next behaviour from a queue (default ``ok``):
``ok``, ``429`` (with Retry-After), ``500``, ``slow`` (sleeps past the
client's timeout), ``cut`` (closes the connection without a reply),
``malformed`` (invalid JSON), ``400`` (a rejected request), ``ignore_n``
(answers one choice whatever ``n`` is). Every request body is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_ANSWER = "Here you go:\n```python\nprint(sum(map(int, input().split())))\n```\n"


class FakeOpenAI:
    def __init__(self, answer: str = DEFAULT_ANSWER, slow_s: float = 3.0, retry_after: str = "0.2") -> None:
        self.answer, self.slow_s, self.retry_after = answer, slow_s, retry_after
        self.behaviours: list[str] = []
        self.default = "ok"
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def queue(self, *behaviours: str) -> None:
        with self.lock:
            self.behaviours.extend(behaviours)

    def _next(self) -> str:
        with self.lock:
            return self.behaviours.pop(0) if self.behaviours else self.default

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.requests.append(body)
                behaviour = fake._next()
                if behaviour == "429":
                    return self._json(429, {"error": {"message": "slow down"}}, {"Retry-After": fake.retry_after})
                if behaviour == "500":
                    return self._json(500, {"error": {"message": "boom"}})
                if behaviour == "400":
                    return self._json(400, {"error": {"message": "model 'nope' does not exist"}})
                if behaviour == "slow":
                    time.sleep(fake.slow_s)
                if behaviour == "cut":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if behaviour == "malformed":
                    data = b'{"id": "x", "choices": [{"message": {"content": "unterminated'
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                n = 1 if behaviour == "ignore_n" else int(body.get("n", 1))
                answer = fake.answer(body) if callable(fake.answer) else fake.answer
                choices = [{"index": i, "finish_reason": "stop",
                            "message": {"role": "assistant", "content": answer}} for i in range(n)]
                self._json(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": 0,
                                 "model": body.get("model", "fake"), "choices": choices,
                                 "usage": {"prompt_tokens": 11, "completion_tokens": 7 * n, "total_tokens": 11 + 7 * n}})

            def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler
