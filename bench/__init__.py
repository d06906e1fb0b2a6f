"""Benchmarks: `python -m bench` (make bench) measures scale, latency, intake, cold start, end to end and cost."""
