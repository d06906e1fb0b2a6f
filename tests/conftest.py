"""Session-wide plugins: the reliability figures table and the read-only check of every simulated cluster."""

pytest_plugins = ["tests.reliability.figures", "tests.reliability.readonly"]
