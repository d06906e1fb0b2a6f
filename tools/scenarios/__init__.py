"""Builders for realistic incident scenarios in the cluster snapshot format (test data only)."""
