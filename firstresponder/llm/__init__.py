"""Routed Anthropic models on top of the deterministic diagnosis. Only ``gateway`` imports anthropic."""
