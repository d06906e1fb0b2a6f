"""A pipeline Starter that only records what Step Functions would have been asked to run (tests, bench)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordingStarter:
    started: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, investigation_id: str, payload: dict[str, Any]) -> str:
        with self.lock:
            self.started.append(investigation_id)
        return f"arn:aws:states:us-east-1:000000000000:execution:investigation:{investigation_id}"
