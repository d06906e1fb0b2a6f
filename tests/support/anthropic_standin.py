"""A local server speaking the Anthropic Messages API (and Bedrock's invoke path) wire protocol,
scripted per test: tool-use answers, text answers, malformed output, 429/529/500, slow answers.
Every request body is recorded so canary tests can prove what never reached the model."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from firstresponder.local.serving import serving


@dataclass
class Scripted:
    kind: str  # "tool" | "text" | "status" | "slow_tool"
    payload: Any = None
    status: int = 200
    delay: float = 0.0


@dataclass
class AnthropicStandIn:
    url: str = ""
    script: list[Scripted] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_tool(self, arguments: dict[str, Any], *, delay: float = 0.0) -> None:
        self.script.append(Scripted("tool", arguments, delay=delay))

    def answer_text(self, text: str) -> None:
        self.script.append(Scripted("text", text))

    def fail(self, status: int, *, times: int = 1) -> None:
        self.script.extend(Scripted("status", status=status) for _ in range(times))

    def all_request_text(self) -> str:
        return "\n".join(json.dumps(r) for r in self.requests)


def _message(model: str, content: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "msg_standin", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": "tool_use" if content and content[0]["type"] == "tool_use" else "end_turn",
            "stop_sequence": None, "usage": {"input_tokens": 1200, "output_tokens": 180}}


def _handler(state: AnthropicStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            with state.lock:
                state.requests.append(body)
                state.paths.append(self.path)
                step = state.script.pop(0) if state.script else Scripted("status", status=500)
            model = body.get("model") or self.path.split("/model/")[-1].split("/")[0]
            if step.delay:
                time.sleep(step.delay)
            if step.kind == "status":
                kinds = {429: "rate_limit_error", 529: "overloaded_error", 500: "api_error"}
                self._send(step.status, {"type": "error", "error": {"type": kinds.get(step.status, "api_error"),
                                                                     "message": "scripted"}},
                           {"retry-after": "0"} if step.status == 429 else None)
                return
            if step.kind == "text":
                self._send(200, _message(model, [{"type": "text", "text": step.payload}]))
                return
            tool = (body.get("tool_choice") or {}).get("name", "tool")
            self._send(200, _message(model, [{"type": "tool_use", "id": "toolu_standin", "name": tool,
                                              "input": step.payload}]))

    return Handler


@contextmanager
def running_anthropic_standin() -> Iterator[AnthropicStandIn]:
    state = AnthropicStandIn()
    with serving(_handler(state)) as url:
        state.url = url
        yield state
