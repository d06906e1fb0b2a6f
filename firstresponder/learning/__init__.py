"""Learning from feedback: pure weighting functions over decayed per-environment counts."""
