"""Read-only access to the Kubernetes API. Only ``gateway`` imports the ``kubernetes`` client."""
