"""Fault injection: rules that make chosen requests fail the ways a real cluster or network does."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from firstresponder.sim.errors import ApiError

DEFAULT_USER = "system:serviceaccount:firstresponder:firstresponder"
_STATUS_REASONS = {401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 410: "Expired",
                   429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}


class FaultKind(StrEnum):
    """What happens to a matched request."""

    STATUS = "status"                  # an error Status with ``status`` code
    DELAY = "delay"                    # answer normally after ``seconds``
    TIMEOUT = "timeout"                # say nothing for ``seconds`` (longer than the client waits), then hang up
    RESET = "reset"                    # TCP reset instead of an answer
    TRUNCATED_JSON = "truncated_json"  # a complete HTTP response whose JSON body stops half-way
    MALFORMED_JSON = "malformed_json"  # a complete HTTP response whose body is not JSON
    CUT_LOG = "cut_log"                # a log stream that promises more bytes than it sends, then hangs up


@dataclass(frozen=True)
class RequestInfo:
    """What a rule can match on."""

    method: str
    path: str
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    subresource: str | None = None
    verb: str = "get"  # get, list or a write verb
    plural: str = ""
    group: str = ""


class FaultRule(BaseModel):
    """One rule: which requests (all given matchers must hold) and what to do to them.

    ``nth`` fires only on the n-th matching request (1-based); ``first`` on the first N; neither: always.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    fault: FaultKind
    status: int | None = None
    seconds: float = 0.0
    retry_after: int = 1
    user: str = DEFAULT_USER
    kind: str | None = None
    namespace: str | None = None
    subresource: str | None = None
    method: str | None = None
    path: str | None = Field(default=None, description="regular expression searched in the request path")
    nth: int | None = Field(default=None, ge=1)
    first: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _check(self) -> FaultRule:
        if self.fault is FaultKind.STATUS and self.status not in _STATUS_REASONS:
            raise ValueError(f"status fault needs one of {sorted(_STATUS_REASONS)}")
        if self.path is not None:
            try:
                re.compile(self.path)
            except re.error as error:
                raise ValueError(f"path is not a regular expression: {error}") from None
        return self

    @classmethod
    def http(cls, status: int, **match: Any) -> FaultRule:
        """Answer with an error Status (401, 403, 404, 409, 410, 429, 500, 503)."""
        return cls(fault=FaultKind.STATUS, status=status, **match)

    @classmethod
    def delay(cls, seconds: float, **match: Any) -> FaultRule:
        return cls(fault=FaultKind.DELAY, seconds=seconds, **match)

    @classmethod
    def timeout(cls, seconds: float, **match: Any) -> FaultRule:
        return cls(fault=FaultKind.TIMEOUT, seconds=seconds, **match)

    @classmethod
    def of(cls, fault: FaultKind, **match: Any) -> FaultRule:
        """Any fault without parameters (reset, truncated_json, malformed_json, cut_log)."""
        return cls(fault=fault, **match)

    def matches(self, request: RequestInfo) -> bool:
        """Whether the matchers (not the counters) select this request."""
        return ((self.kind is None or self.kind == request.kind)
                and (self.namespace is None or self.namespace == request.namespace)
                and (self.subresource is None or self.subresource == request.subresource)
                and (self.method is None or self.method.upper() == request.method)
                and (self.path is None or re.search(self.path, request.path) is not None))

    def fires_on(self, count: int) -> bool:
        """Whether the ``count``-th matching request (1-based) gets the fault."""
        if self.nth is not None:
            return count == self.nth
        if self.first is not None:
            return count <= self.first
        return True

    def error(self, request: RequestInfo) -> ApiError:
        """The Status a STATUS fault answers with, worded like the apiserver's."""
        code = self.status or 500
        reason = _STATUS_REASONS[code]
        resource = request.plural or "resource"
        named = f'{resource} "{request.name}"' if request.name else resource
        details: dict[str, Any] = {"kind": resource}
        if request.name:
            details["name"] = request.name
        if request.group:
            details["group"] = request.group
        headers: dict[str, str] = {}
        if code == 401:
            return ApiError(401, reason, "Unauthorized")
        if code == 403:
            target = f"{resource}/{request.subresource}" if request.subresource else resource
            scope = f'in the namespace "{request.namespace}"' if request.namespace else "at the cluster scope"
            message = (f'{named} is forbidden: User "{self.user}" cannot {request.verb} resource "{target}" '
                       f'in API group "{request.group}" {scope}')
        elif code == 404:
            message = f"{named} not found"
        elif code == 409:
            message = (f"Operation cannot be fulfilled on {named}: the object has been modified; "
                       "please apply your changes to the latest version and try again")
        elif code == 410:
            message = "too old resource version: 1 (2)"
        elif code in (429, 503):
            headers["Retry-After"] = str(self.retry_after)
            details["retryAfterSeconds"] = self.retry_after
            message = ("Too many requests, please try again later." if code == 429
                       else "the server is currently unable to handle the request")
        else:
            message = "Internal error occurred: injected fault"
        return ApiError(code, reason, message, details=details, headers=headers)


class FaultPlan:
    """Rules checked in order; the first whose matchers and counter both fire applies. Thread-safe."""

    def __init__(self, rules: Sequence[FaultRule] = ()) -> None:
        self.rules = list(rules)
        self._counts = [0] * len(self.rules)
        self._lock = threading.Lock()

    def pick(self, request: RequestInfo) -> FaultRule | None:
        """The fault for this request, counting it against every rule that matches it."""
        chosen: FaultRule | None = None
        with self._lock:
            for index, rule in enumerate(self.rules):
                if rule.matches(request):
                    self._counts[index] += 1
                    if chosen is None and rule.fires_on(self._counts[index]):
                        chosen = rule
        return chosen
