"""`firstresponder demo`: the bundled 2:51 AM incident through the whole local stack.

The alert is POSTed as Alertmanager would send it; the state machine runs on the local Step Functions
engine; the demo prints the Slack message and the report stored in DynamoDB. ``--offline`` replays
the snapshot through the investigation engine alone.
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib import resources
from pathlib import Path

import httpx

from firstresponder.cli.alerts import load_alerts
from firstresponder.cli.errors import EXIT_INTERNAL, EXIT_OK, CliError
from firstresponder.cli.output import write_reports
from firstresponder.models import Report

FINISHED = {"done", "partial", "failed"}


def demo_dir() -> Path:
    return Path(str(resources.files("firstresponder") / "demo" / "payments"))


def run_demo(args: argparse.Namespace) -> int:
    if args.offline:
        from firstresponder.cli.investigate import investigate_alerts

        scenario = demo_dir()
        replay = argparse.Namespace(snapshot=str(scenario), no_progress=True)
        write_reports(investigate_alerts(load_alerts(scenario / "alert.json", "auto"), replay,
                                         source_name="demo alert"), args.output)
        return EXIT_OK
    return _through_local_stack(args)


def _through_local_stack(args: argparse.Namespace) -> int:
    from firstresponder.local.slack_text import blocks_as_text
    from firstresponder.local.stack import running_local_stack

    def say(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    say("starting the local stack (simulated cluster, DynamoDB, Step Functions, HTTP API, Slack stand-in)")
    with running_local_stack(demo_dir()) as stack:
        say("POST /alerts/alertmanager: KubePodCrashLooping for payments-api in production")
        accepted = httpx.post(f"{stack.url}/alerts/alertmanager", content=(demo_dir() / "alert.json").read_bytes(),
                              headers={"Content-Type": "application/json",
                                       "Authorization": f"Bearer {stack.webhook_token}"}, timeout=30)
        if accepted.status_code != 202:
            raise CliError(f"intake answered {accepted.status_code}: {accepted.text}", EXIT_INTERNAL)
        investigation = accepted.json()["investigations"][0]["id"]
        say(f"202 Accepted: investigation {investigation}; the state machine is running")
        view = _wait(stack.url, investigation, stack.api_token)
        say(f"investigation {view['status']} in DynamoDB; Slack received {len(stack.slack.calls)} call(s)")
        posts = stack.slack.calls_to("chat.postMessage")
        if posts and args.output == "text":
            print("━━━ Slack message (#incidents) ━━━")
            print(blocks_as_text(posts[0].get("blocks") or []))
            print("━━━ Stored report ━━━")
        if view.get("report") is None:
            raise CliError(f"no report stored: {view.get('error')}", EXIT_INTERNAL)
        write_reports([Report.model_validate(view["report"])], args.output)
    return EXIT_OK


def _wait(url: str, investigation: str, token: str) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        view = httpx.get(f"{url}/investigations/{investigation}", headers={"Authorization": f"Bearer {token}"},
                         timeout=30).json()
        if view["status"] in FINISHED:
            return dict(view)
        time.sleep(0.2)
    raise CliError(f"investigation {investigation} did not finish within 120 s", EXIT_INTERNAL)
