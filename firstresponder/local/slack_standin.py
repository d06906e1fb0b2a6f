"""A local server speaking Slack's Web API wire protocol (chat.postMessage, chat.update, views.open,
incoming webhooks), checking Block Kit payloads against Slack's published limits independently of
the product's own renderer, with scripted failures (429 + Retry-After, 5xx, slow answers)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from firstresponder.local.serving import serving

TOKEN = "xoxb-local-stand-in"  # noqa: S105 - the stand-in's own, not a credential


def block_kit_problems(payload: dict[str, Any]) -> list[str]:
    """Slack's documented limits (api.slack.com/reference/block-kit), checked from scratch."""
    problems: list[str] = []
    blocks = payload.get("blocks") or []
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks > 50")
    if len(payload.get("text") or "") > 40000:
        problems.append("text > 40000")
    ids = [b.get("block_id") for b in blocks if b.get("block_id")]
    if len(ids) != len(set(ids)):
        problems.append("duplicate block_id")
    for i, block in enumerate(blocks):
        kind = block.get("type")
        text = (block.get("text") or {}).get("text", "")
        if kind == "header" and len(text) > 150:
            problems.append(f"block {i}: header > 150")
        if kind == "section":
            if len(text) > 3000:
                problems.append(f"block {i}: section text > 3000")
            fields = block.get("fields") or []
            if len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields):
                problems.append(f"block {i}: fields over limit")
        if kind == "actions":
            for el in block.get("elements") or []:
                if len((el.get("text") or {}).get("text", "")) > 75:
                    problems.append(f"block {i}: button text > 75")
                if len(el.get("value") or "") > 2000:
                    problems.append(f"block {i}: button value > 2000")
        if kind == "context" and len(block.get("elements") or []) > 10:
            problems.append(f"block {i}: context > 10 elements")
    return problems


@dataclass
class SlackStandIn:
    url: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # ts -> latest payload
    failures: list[tuple[int, dict[str, str], float]] = field(default_factory=list)  # scripted (status, headers, delay)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def fail_next(self, status: int, *, retry_after: int | None = None, delay: float = 0.0) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.failures.append((status, headers, delay))

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [body for name, body in self.calls if name == method]


def _handler(state: SlackStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            raw = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if "json" in (self.headers.get("Content-Type") or ""):
                body = json.loads(raw or b"{}")
            else:
                body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                if isinstance(body.get("payload"), str):
                    body["payload"] = json.loads(body["payload"])
                for key in ("blocks", "view"):
                    if isinstance(body.get(key), str):
                        body[key] = json.loads(body[key])
            method = self.path.removeprefix("/api/").split("?")[0]
            with state.lock:
                state.calls.append((method, body))
                failure = state.failures.pop(0) if state.failures else None
            if failure:
                status, headers, delay = failure
                time.sleep(delay)
                if status == 429:
                    self._send(429, {"ok": False, "error": "ratelimited"}, headers)
                else:
                    self._send(status, "upstream error", headers)
                return
            if self.path.startswith("/webhook/"):
                problems = block_kit_problems(body)
                self._send(400 if problems else 200, "; ".join(problems) if problems else "ok")
                return
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._send(200, {"ok": False, "error": "invalid_auth"})
                return
            self._send(200, self._answer(method, body))

        def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
            if method in ("chat.postMessage", "chat.update"):
                problems = block_kit_problems(body)
                if problems:
                    return {"ok": False, "error": "invalid_blocks", "errors": problems}
                if not body.get("channel"):
                    return {"ok": False, "error": "channel_not_found"}
                with state.lock:
                    if method == "chat.update":
                        if body.get("ts") not in state.messages:
                            return {"ok": False, "error": "message_not_found"}
                        ts = str(body["ts"])
                    else:
                        ts = f"1700000000.{next(state._ts):06d}"
                    state.messages[ts] = body
                return {"ok": True, "channel": body["channel"], "ts": ts, "message": {"ts": ts}}
            if method == "views.open":
                ok = bool(body.get("trigger_id")) and isinstance(body.get("view"), dict)
                return {"ok": ok} if ok else {"ok": False, "error": "invalid_arguments"}
            return {"ok": False, "error": "unknown_method"}

    return Handler


@contextmanager
def running_slack_standin() -> Iterator[SlackStandIn]:
    state = SlackStandIn()
    with serving(_handler(state)) as url:
        state.url = url
        yield state
