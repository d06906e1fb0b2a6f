"""One small module per failure pattern; each exposes ``detect(bundle, now) -> list[Finding]``."""
