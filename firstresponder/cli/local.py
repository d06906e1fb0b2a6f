"""`firstresponder local`: run the complete local stack until interrupted."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from firstresponder.cli.demo import demo_dir
from firstresponder.cli.errors import EXIT_OK


def run_local(args: argparse.Namespace) -> int:
    from firstresponder.local.stack import running_local_stack

    snapshot = Path(args.snapshot) if args.snapshot else demo_dir()
    with running_local_stack(snapshot) as stack:
        print(f"""firstresponder local stack (Ctrl-C to stop)
  HTTP API        {stack.url}   (OpenAPI: {stack.url}/openapi.json)
  cluster         {stack.sim.url}   serving {snapshot}
  AWS (moto)      {stack.moto_endpoint}
  webhook token   {stack.webhook_token}
  API token       {stack.api_token}

  curl -s -X POST {stack.url}/alerts/alertmanager -H 'Authorization: Bearer {stack.webhook_token}' \\
       -H 'Content-Type: application/json' --data @{snapshot / 'alert.json'}""", file=sys.stderr, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return EXIT_OK
