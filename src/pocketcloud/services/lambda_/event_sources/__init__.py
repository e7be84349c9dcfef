"""Lambda's event source mappings: pollers that read SQS queues and DynamoDB streams."""
