"""``pods/{name}/log``: the stored log text filtered like the kubelet does (tail, since, limit, timestamps)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from firstresponder.sim.errors import ApiError, bad_request
from firstresponder.sim.query import flag, integer
from firstresponder.sim.timeshift import format_rfc3339, parse_rfc3339


@dataclass(frozen=True)
class LogQuery:
    """The log request's query parameters, validated."""

    container: str | None = None
    previous: bool = False
    tail_lines: int | None = None
    since_seconds: int | None = None
    limit_bytes: int | None = None
    timestamps: bool = False

    @classmethod
    def from_query(cls, query: dict[str, str]) -> LogQuery:
        return cls(container=query.get("container") or None, previous=flag(query, "previous"),
                   tail_lines=integer(query, "tailLines", minimum=0),
                   since_seconds=integer(query, "sinceSeconds", minimum=1),
                   limit_bytes=integer(query, "limitBytes", minimum=1), timestamps=flag(query, "timestamps"))


def choose_container(pod: dict[str, Any], requested: str | None) -> str:
    """The container a log request is about; errors as the apiserver words them."""
    spec = pod.get("spec") or {}
    names = [str(c.get("name")) for key in ("containers", "initContainers", "ephemeralContainers")
             for c in spec.get(key) or []]
    pod_name = pod["metadata"]["name"]
    if requested is None:
        main = [str(c.get("name")) for c in spec.get("containers") or []]
        if len(main) == 1:
            return main[0]
        raise bad_request(f"a container name must be specified for pod {pod_name}, choose one of: "
                          f"[{' '.join(main)}]")
    if requested not in names:
        raise bad_request(f"container {requested} is not valid for pod {pod_name}")
    return requested


def missing_log_error(pod: dict[str, Any], container: str, *, previous: bool) -> ApiError:
    """Why a log the snapshot does not hold cannot be served."""
    pod_name = pod["metadata"]["name"]
    if previous:
        return bad_request(f'previous terminated container "{container}" in pod "{pod_name}" not found')
    if not (pod.get("spec") or {}).get("nodeName"):  # never scheduled: the kubelet has nothing to serve
        return bad_request(f'pod "{pod_name}" does not have a host assigned')
    statuses = [s for key in ("containerStatuses", "initContainerStatuses")
                for s in (pod.get("status") or {}).get(key) or [] if s.get("name") == container]
    waiting = ((statuses[0].get("state") or {}).get("waiting") or {}) if statuses else {}
    if waiting:
        return bad_request(f'container "{container}" in pod "{pod_name}" is waiting to start: '
                           f"{waiting.get('reason', 'ContainerCreating')}")
    # The container exists but the snapshot holds no log for it: say so rather than serve an empty log.
    return ApiError(404, "NotFound", f'the log of container "{container}" in pod "{pod_name}" is not in the snapshot',
                    details={"name": pod_name, "kind": "pods"})


def render_log(text: str, query: LogQuery, *, now: dt.datetime, captured_at: dt.datetime) -> bytes:
    """The log body: lines since ``sinceSeconds``, the last ``tailLines``, ``timestamps``, ``limitBytes``."""
    lines = _lines_with_times(text, captured_at)
    if query.since_seconds is not None:
        cutoff = now - dt.timedelta(seconds=query.since_seconds)
        lines = [(moment, stamp, line) for moment, stamp, line in lines if moment >= cutoff]
    if query.tail_lines is not None:
        lines = lines[len(lines) - query.tail_lines:] if query.tail_lines else []
    rendered = "".join(f"{stamp} {line}\n" if query.timestamps else f"{line}\n" for _, stamp, line in lines)
    body = rendered.encode()
    return body[: query.limit_bytes] if query.limit_bytes is not None else body


def _lines_with_times(text: str, captured_at: dt.datetime) -> list[tuple[dt.datetime, str, str]]:
    """Each line with its time: its own leading RFC3339 stamp, else the capture time."""
    captured_stamp = format_rfc3339(captured_at, fraction_digits=9)
    result = []
    for line in text.splitlines():
        stamp, space, rest = line.partition(" ")
        moment = parse_rfc3339(stamp) if space else None
        if moment is None:
            result.append((captured_at, captured_stamp, line))
        else:
            result.append((moment, stamp, rest))
    return result
