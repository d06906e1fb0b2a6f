"""AWS gateways other than DynamoDB: Secrets Manager / SSM and Step Functions."""
