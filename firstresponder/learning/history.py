"""Pattern recognition across incident history, shown in reports ("seen 3 times in 30 days...")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from firstresponder.models.feedback import Feedback, Verdict

WINDOW = timedelta(days=30)


def history_lines(*, workload: str, previous: Sequence[tuple[datetime, str | None]],
                  feedback: Sequence[Feedback], now: datetime) -> list[str]:
    """Lines about earlier incidents of the same workload.

    ``previous`` holds (started_at, root-cause summary) of earlier investigations of this workload;
    ``feedback`` the feedback given on them.
    """
    recent = [p for p in previous if timedelta(0) < now - p[0] <= WINDOW]
    if not recent:
        return []
    lines = [f"Seen {len(recent)} time{'s' if len(recent) != 1 else ''} in the last 30 days on {workload}."]
    confirmed = sorted((f for f in feedback if f.verdict == Verdict.ACCURATE or f.actual_cause),
                       key=lambda f: f.submitted_at)
    if confirmed:
        last = confirmed[-1]
        cause = last.actual_cause if last.verdict != Verdict.ACCURATE and last.actual_cause else last.category.value
        lines.append(f"Last confirmed cause ({last.submitted_at:%Y-%m-%d}): {cause}.")
    elif recent[-1][1]:
        lines.append(f"Last diagnosis (unconfirmed): {recent[-1][1]}.")
    return lines
