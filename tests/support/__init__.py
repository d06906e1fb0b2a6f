"""Shared test helpers (sample objects, builders)."""
