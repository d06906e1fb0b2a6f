"""Makes moto's Step Functions run Lambda Task states as in-process Python handlers.

moto (pinned 5.2.5) executes state machines itself, but without Docker its Lambda backend
(``LambdaSimpleBackend``, selected by ``{"lambda": {"use_docker": False}}``) only echoes the
payload. While ``lambda_handlers(...)`` is active, an invoke of a registered function name calls
the handler instead, and an exception becomes a Lambda function error whose ``errorType`` is the
exception class name, exactly what Retry/Catch ``ErrorEquals`` match on AWS. Unregistered names
keep moto's echo. This replaces a private moto method: tests/infra/test_local_stepfunctions.py
pins the behaviour.
"""

from __future__ import annotations

import json
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend

Handler = Callable[[Any, Any], Any]

_moto_echo = LambdaSimpleBackend.invoke
_handlers: dict[str, Handler] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class LocalLambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 256
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def function_name_of(name_or_arn: str) -> str:
    """``arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`` or a bare name → name."""
    return name_or_arn.split(":")[6] if name_or_arn.startswith("arn:") else name_or_arn


def _invoke(self: LambdaSimpleBackend, function_name: str, qualifier: str | None, body: Any,
            headers: Any, response_headers: dict[str, str]) -> bytes | str | None:
    name = function_name_of(function_name)
    handler = _handlers.get(name)
    if handler is None:
        result: bytes | str | None = _moto_echo(self, function_name, qualifier, body, headers, response_headers)
        return result
    event = json.loads(body) if body else {}
    context = LocalLambdaContext(name, f"arn:aws:lambda:{self.region_name}:{self.account_id}:function:{name}")
    try:
        return json.dumps(handler(event, context)).encode()
    except Exception as exc:  # the Lambda runtime reports any exception as an Unhandled function error
        response_headers["x-amz-function-error"] = "Unhandled"
        error = {"errorType": type(exc).__name__, "errorMessage": str(exc),
                 "stackTrace": traceback.format_tb(exc.__traceback__)}
        return json.dumps(error).encode()


@contextmanager
def lambda_handlers(handlers: Mapping[str, Handler]) -> Iterator[None]:
    """Within the block, moto's Docker-less Lambda runs ``handlers`` (keyed by function name)."""
    with _lock:
        previous = dict(_handlers)
        _handlers.update(handlers)
        LambdaSimpleBackend.invoke = _invoke  # type: ignore[method-assign]
    try:
        yield
    finally:
        with _lock:
            _handlers.clear()
            _handlers.update(previous)
            if not previous:
                LambdaSimpleBackend.invoke = _moto_echo  # type: ignore[method-assign]
