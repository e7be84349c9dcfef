"""Lambda functions that really run: worker processes speaking the Lambda Runtime API."""
