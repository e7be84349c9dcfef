"""AWS Lambda: function management here; what really runs lives in pocketcloud.runtime.lambda_."""
