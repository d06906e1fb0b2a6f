"""The HTTP API (API Gateway HTTP API → Lambda): alert intake, investigations, feedback, Slack."""
