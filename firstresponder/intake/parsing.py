"""Entry points: bytes or JSON from any source → Alerts, every failure an IntakeError."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from firstresponder.intake.alertmanager import normalise_alertmanager
from firstresponder.intake.datadog import normalise_datadog
from firstresponder.intake.detection import detect_source
from firstresponder.intake.errors import IntakeError
from firstresponder.intake.eventbridge import normalise_eventbridge
from firstresponder.intake.generic import normalise_generic
from firstresponder.intake.sanitize import clean_line
from firstresponder.intake.sns import SnsControlMessage, normalise_sns, read_sns
from firstresponder.models.alert import Alert, AlertSource

MAX_PAYLOAD_BYTES = 1024 * 1024
# SNS posts text/plain; everything else sends JSON.
ACCEPTED_CONTENT_TYPES = frozenset({"application/json", "text/plain"})

NORMALISERS: dict[AlertSource, Callable[[Any], list[Alert]]] = {
    AlertSource.ALERTMANAGER: normalise_alertmanager,
    AlertSource.SNS: normalise_sns,
    AlertSource.EVENTBRIDGE: normalise_eventbridge,
    AlertSource.DATADOG: normalise_datadog,
    AlertSource.GENERIC: normalise_generic,
}


def source_from_name(name: str | None) -> AlertSource | None:
    """``--source`` value → AlertSource; None for ``auto``; IntakeError(404) when unknown."""
    if name is None or name.strip().lower() in ("", "auto"):
        return None
    try:
        return AlertSource(name.strip().lower())
    except ValueError:
        known = ", ".join(source.value for source in AlertSource)
        raise IntakeError(404, f"unknown alert source {clean_line(name, 40)!r} (known: auto, {known})") from None


def check_content_type(content_type: str | None) -> None:
    """IntakeError(415) unless the Content-Type is JSON or SNS's text/plain (absent is accepted)."""
    if not content_type:
        return
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in ACCEPTED_CONTENT_TYPES and not media_type.endswith("+json"):
        raise IntakeError(415, f"unsupported Content-Type {clean_line(media_type, 60)!r}")


def decode_json(body: bytes | str) -> Any:
    """Request body → JSON value; 413 when over MAX_PAYLOAD_BYTES, 415 when not UTF-8, 400 when not JSON."""
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise IntakeError(413, f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IntakeError(415, "payload is not UTF-8 text") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise IntakeError(400, "malformed JSON: nested too deeply") from None
    except ValueError as error:
        raise IntakeError(400, f"malformed JSON: {str(error)[:120]}") from None


Payload = dict[str, Any] | list[Any] | bytes | str


def read_payload(payload: Payload, source: AlertSource | None = None) -> list[Alert] | SnsControlMessage:
    """Like ``parse_payload``, but an SNS subscription/unsubscribe confirmation comes back as itself."""
    value = decode_json(payload) if isinstance(payload, bytes | str) else payload
    chosen = source or detect_source(value)
    if not isinstance(value, dict | list):
        raise IntakeError(422, f"{chosen.value}: payload is not a JSON object")
    if chosen == AlertSource.SNS:
        return read_sns(value)
    return NORMALISERS[chosen](value)


def parse_payload(payload: Payload, source: AlertSource | None = None) -> list[Alert]:
    """Alerts in ``payload`` from ``source`` (detected when None); any bad input raises IntakeError."""
    result = read_payload(payload, source)
    if isinstance(result, SnsControlMessage):
        raise IntakeError(422, f"sns: {result.type} is not an alert; confirm or ignore it instead")
    return result


def parse_alert_file(path: str | Path, source: AlertSource | str | None = None) -> list[Alert]:
    """Alerts in a JSON file (``source`` may be a name such as ``auto`` or ``alertmanager``)."""
    chosen = source if isinstance(source, AlertSource) or source is None else source_from_name(source)
    try:
        with Path(path).open("rb") as handle:
            body = handle.read(MAX_PAYLOAD_BYTES + 1)
    except FileNotFoundError:
        raise IntakeError(404, f"alert file not found: {clean_line(str(path), 200)}") from None
    except OSError as error:
        raise IntakeError(400, f"cannot read alert file: {error.strerror or type(error).__name__}") from None
    return parse_payload(body, chosen)
