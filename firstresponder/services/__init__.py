"""Use cases: one module per pipeline step or entry point."""
