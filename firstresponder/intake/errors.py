"""The single error type intake raises: an HTTP status and a one-line reason."""

from __future__ import annotations


class IntakeError(Exception):
    """Bad input: ``status`` is the HTTP answer, ``reason`` one line safe to echo back."""

    def __init__(self, status: int, reason: str) -> None:
        # One line, bounded: the reason may quote hostile input and is echoed to the sender.
        one_line = " ".join(reason.split())
        self.status = status
        self.reason = one_line if len(one_line) <= 300 else one_line[:299] + "…"
        super().__init__(f"{status}: {self.reason}")
