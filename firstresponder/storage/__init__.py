"""Persistence: the DynamoDB table layout and the gateways that read and write it."""
