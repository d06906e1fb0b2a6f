"""Scoring investigations against the scenario corpus (make accuracy, make eval-llm)."""
