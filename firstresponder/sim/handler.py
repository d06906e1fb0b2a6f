"""The HTTP layer: reads each request fully, applies faults and latency, answers, and records it."""

from __future__ import annotations

import io
import socket
import struct
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from firstresponder.sim.api import Response, SnapshotApi, error_response
from firstresponder.sim.faults import FaultKind, FaultPlan, FaultRule

_MAX_BODY_BYTES = 16 * 1024 * 1024
_MALFORMED_BODY = b'{"kind":"PodList","apiVersion":"v1","items":[{"metadata":<html>502 Bad Gateway</html>'


@dataclass(frozen=True)
class RequestRecord:
    """One request as served; ``status`` 0 means no HTTP response was sent (reset, timeout)."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    bytes: int
    fault: str | None = None


class SimulatorHttpServer(ThreadingHTTPServer):
    """Carries what handlers share: the API, faults, latency and the request log."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: SnapshotApi, *, faults: FaultPlan | None,
                 latency_seconds: float) -> None:
        super().__init__(address, SimulatorRequestHandler)
        self.api = api
        self.faults = faults
        self.latency_seconds = latency_seconds
        self.stopping = threading.Event()
        self.records: list[RequestRecord] = []
        self.records_lock = threading.Lock()

    def record(self, record: RequestRecord) -> None:
        with self.records_lock:
            self.records.append(record)


class SimulatorRequestHandler(BaseHTTPRequestHandler):
    """Every verb goes through ``_serve``; writes are answered 405 after their body is read."""

    protocol_version = "HTTP/1.1"  # keep-alive: kubectl and the Python client reuse connections
    disable_nagle_algorithm = True  # without it every small response waits ~40 ms for delayed ACKs
    server: SimulatorHttpServer

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are in ``SimulatedCluster.requests``."""

    def _serve(self) -> None:
        self._read_body()  # always, or the client's next request on this connection is misread
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        api = self.server.api
        info = api.describe(self.command, url.path)
        fault = self.server.faults.pick(info) if self.server.faults else None
        fault_name = fault.fault.value if fault else None
        if self.server.latency_seconds:
            self.server.stopping.wait(self.server.latency_seconds)
        if fault is not None and fault.fault in (FaultKind.RESET, FaultKind.TIMEOUT):
            self.server.record(RequestRecord(self.command, url.path, query, 0, 0, fault_name))
            self._hang_up(fault)
            return
        if fault is not None and fault.fault is FaultKind.DELAY:
            self.server.stopping.wait(fault.seconds)
        if fault is not None and fault.fault is FaultKind.STATUS:
            response = error_response(fault.error(info))
        else:
            response = api.handle(self.command, url.path, query, self.headers.get("Accept"))
        body, promised = self._faulty_body(response.body, fault)
        sent = 0 if self.command == "HEAD" else len(body)
        # Recorded before answering, so a client that has its answer always finds the record.
        self.server.record(RequestRecord(self.command, url.path, query, response.status, sent, fault_name))
        self._send(response, body, promised)

    def _read_body(self) -> None:
        """Consume the request body (sized or chunked); an unreadable one closes the connection after answering."""
        try:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                self._read_chunks()
                return
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return
        if length > _MAX_BODY_BYTES or length < 0:
            self.close_connection = True
            return
        if length:
            self.rfile.read(length)

    def _read_chunks(self) -> None:
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return
            if size > _MAX_BODY_BYTES:
                raise ValueError("chunk too large")
            self.rfile.read(size + 2)

    def _faulty_body(self, body: bytes, fault: FaultRule | None) -> tuple[bytes, int]:
        """The bytes to write and the Content-Length to announce, after any body fault."""
        kind = fault.fault if fault else None
        if kind is FaultKind.TRUNCATED_JSON:
            body = body[: len(body) // 2]
            return body, len(body)
        if kind is FaultKind.MALFORMED_JSON:
            return _MALFORMED_BODY, len(_MALFORMED_BODY)
        if kind is FaultKind.CUT_LOG:
            self.close_connection = True  # the headers promise the full length; the stream stops early
            return body[: len(body) // 2], len(body)
        return body, len(body)

    def _send(self, response: Response, body: bytes, promised: int) -> None:
        if response.hold_open_seconds is not None and self.command == "GET":
            self._stream(response, body)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(promised))
        self.send_header("Cache-Control", "no-cache, private")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _stream(self, response: Response, body: bytes) -> None:
        """A watch: the events as one chunk, then an open stream until its timeout or server stop."""
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if body:
            self.wfile.write(f"{len(body):x}\r\n".encode() + body + b"\r\n")
        self.wfile.flush()
        self.server.stopping.wait(response.hold_open_seconds)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _hang_up(self, fault: FaultRule) -> None:
        """Timeout: say nothing for a while, then close. Reset: close with RST (SO_LINGER 0)."""
        if fault.fault is FaultKind.TIMEOUT:
            self.server.stopping.wait(fault.seconds)
        else:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.rfile.close()
        self.connection.close()
        self.wfile = io.BytesIO()  # the base class flushes wfile after us: give it somewhere harmless
