"""AWS Identity and Access Management: a global service, durable in the store (``iam_*``)."""
