"""Serve a Lambda HTTP handler on 127.0.0.1 the way API Gateway's HTTP API invokes it (payload v2)."""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# API Gateway refuses bodies over 10 MB before the function sees them.
GATEWAY_MAX_BODY = 10 * 1024 * 1024

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


class _Context:
    function_name = "local-api"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:local-api"
    aws_request_id = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def api_gateway_event(method: str, target: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    parts = urlsplit(target)
    text_body: str
    try:
        text_body, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text_body, encoded = base64.b64encode(body).decode(), True
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": parts.path, "rawQueryString": parts.query,
        "headers": {k.lower(): v for k, v in headers.items()},
        "queryStringParameters": dict(parse_qsl(parts.query)) or None,
        "requestContext": {"accountId": "000000000000", "apiId": "local", "domainName": "127.0.0.1",
                           "http": {"method": method, "path": parts.path, "protocol": "HTTP/1.1",
                                    "sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent", "")},
                           "requestId": uuid.uuid4().hex, "routeKey": "$default", "stage": "$default",
                           "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
                           "timeEpoch": int(time.time() * 1000)},
        "body": text_body or None, "isBase64Encoded": encoded,
    }


class LocalHttpApi:
    """An HTTP server in a thread that turns each request into an API Gateway v2 event."""

    def __init__(self, handler: LambdaHandler, *, port: int = 0) -> None:
        self._handler = handler
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._request_handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LocalHttpApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _request_handler(self) -> type[BaseHTTPRequestHandler]:
        handler = self._handler

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > GATEWAY_MAX_BODY:
                    self._reply(413, {"content-type": "application/json"}, b'{"message":"Request Entity Too Large"}')
                    self.close_connection = True
                    return
                body = self.rfile.read(length)
                event = api_gateway_event(self.command, self.path, dict(self.headers.items()), body)
                try:
                    result = handler(event, _Context())
                except Exception:  # API Gateway answers 500 when the function fails
                    self._reply(500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')
                    return
                raw = result.get("body") or ""
                data = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
                self._reply(int(result.get("statusCode", 200)), result.get("headers") or {}, data)

            def _reply(self, status: int, headers: dict[str, str], data: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() != "content-length":
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        return Handler
