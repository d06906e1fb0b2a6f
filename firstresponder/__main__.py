"""`python -m firstresponder` is the `firstresponder` command."""

from firstresponder.cli import main

raise SystemExit(main())
