"""firstresponder: autonomous, read-only Kubernetes alert investigation."""

__version__ = "0.1.0"
