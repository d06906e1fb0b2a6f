"""A tiny scripted HTTP stand-in for the API server: each request gets the next scripted answer.

Used for what the simulator does not model on its own (malformed bodies, resets, exact retry
sequences, pagination tokens). Real sockets, real client: nothing in the client is patched.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    """One scripted response; ``reset`` drops the connection, ``delay`` stalls before answering."""

    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    delay: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


EMPTY_LIST = Answer(body={"kind": "List", "apiVersion": "v1", "metadata": {}, "items": []})


def status_body(code: int, reason: str, message: str) -> dict[str, Any]:
    """A ``kind: Status`` failure body as the API server sends it."""
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


@dataclass
class Seen:
    """A request the stand-in received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names


class ScriptedApi:
    """Answers from a per-path script (falling back to a default), recording every request."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[Answer]] = {}
        self.default: Callable[[str], Answer] = lambda _path: Answer(404, status_body(404, "NotFound", "nope"))
        self.seen: list[Seen] = []
        self.url = ""
        self._lock = threading.Lock()

    def script(self, path: str, *answers: Answer) -> None:
        self.scripts.setdefault(path, []).extend(answers)

    def next_answer(self, path: str) -> Answer:
        with self._lock:
            queue = self.scripts.get(path)
            if queue:
                return queue.pop(0)
        return self.default(path)

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


@contextmanager
def scripted_api() -> Iterator[ScriptedApi]:
    api = ScriptedApi()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            headers = {key.lower(): value for key, value in self.headers.items()}
            api.seen.append(Seen("GET", parts.path, parse_qs(parts.query), headers))
            self._answer(api.next_answer(parts.path))

        def _answer(self, answer: Answer) -> None:
            if answer.delay:
                time.sleep(answer.delay)
            if answer.reset:
                self.close_connection = True
                self.connection.close()
                return
            payload = answer.payload()
            self.send_response(answer.status)
            content_type = "application/json" if not isinstance(answer.body, str) else "text/plain"
            self.send_header("Content-Type", answer.headers.get("Content-Type", content_type))
            for key, value in answer.headers.items():
                if key != "Content-Type":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
