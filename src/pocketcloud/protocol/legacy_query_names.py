"""Query-era wire names SQS's model lost when it moved to JSON.

Older SDKs and hand-written query requests send ``AttributeName.1=All``,
``Attribute.1.Name=DelaySeconds&Attribute.1.Value=5`` or ``SendMessageBatchRequestEntry.1.Id``
and parse ``<Attribute><Name>QueueArn</Name><Value>..`` and ``<Message>`` from the answer;
botocore's current SQS model names these ``AttributeNames.1``, ``Attributes.1.key``,
``<Attributes><key>`` and ``<Messages>``. The query parser accepts both spellings; the query
serializer writes SQS's answers in the old one, which is what AWS sends query clients.
"""

from __future__ import annotations

# (input structure, member) -> the query-era name of that flattened list or map
MEMBER_NAMES: dict[tuple[str, str], str] = {
    ("GetQueueAttributesRequest", "AttributeNames"): "AttributeName",
    ("ReceiveMessageRequest", "AttributeNames"): "AttributeName",
    ("ReceiveMessageRequest", "MessageAttributeNames"): "MessageAttributeName",
    ("ReceiveMessageRequest", "MessageSystemAttributeNames"): "MessageSystemAttributeName",
    ("CreateQueueRequest", "Attributes"): "Attribute",
    ("CreateQueueRequest", "tags"): "Tag",
    ("SetQueueAttributesRequest", "Attributes"): "Attribute",
    ("SendMessageRequest", "MessageAttributes"): "MessageAttribute",
    ("SendMessageRequest", "MessageSystemAttributes"): "MessageSystemAttribute",
    ("SendMessageBatchRequestEntry", "MessageAttributes"): "MessageAttribute",
    ("SendMessageBatchRequestEntry", "MessageSystemAttributes"): "MessageSystemAttribute",
    ("SendMessageBatchRequest", "Entries"): "SendMessageBatchRequestEntry",
    ("DeleteMessageBatchRequest", "Entries"): "DeleteMessageBatchRequestEntry",
    ("ChangeMessageVisibilityBatchRequest", "Entries"): "ChangeMessageVisibilityBatchRequestEntry",
    ("AddPermissionRequest", "AWSAccountIds"): "AWSAccountId",
    ("AddPermissionRequest", "Actions"): "ActionName",
    ("TagQueueRequest", "Tags"): "Tag",
    ("UntagQueueRequest", "TagKeys"): "TagKey",
    ("MessageAttributeValue", "StringListValues"): "StringListValue",
    ("MessageAttributeValue", "BinaryListValues"): "BinaryListValue",
    ("MessageSystemAttributeValue", "StringListValues"): "StringListValue",
    ("MessageSystemAttributeValue", "BinaryListValues"): "BinaryListValue",
}

# (output structure, member) -> the element its flattened items or entries are written as
OUTPUT_MEMBER_NAMES: dict[tuple[str, str], str] = {
    ("GetQueueAttributesResult", "Attributes"): "Attribute",
    ("ListQueuesResult", "QueueUrls"): "QueueUrl",
    ("ListDeadLetterSourceQueuesResult", "queueUrls"): "QueueUrl",
    ("ListQueueTagsResult", "Tags"): "Tag",
    ("ReceiveMessageResult", "Messages"): "Message",
    ("Message", "Attributes"): "Attribute",
    ("Message", "MessageAttributes"): "MessageAttribute",
    ("MessageAttributeValue", "StringListValues"): "StringListValue",
    ("MessageAttributeValue", "BinaryListValues"): "BinaryListValue",
    ("SendMessageBatchResult", "Successful"): "SendMessageBatchResultEntry",
    ("SendMessageBatchResult", "Failed"): "BatchResultErrorEntry",
    ("DeleteMessageBatchResult", "Successful"): "DeleteMessageBatchResultEntry",
    ("DeleteMessageBatchResult", "Failed"): "BatchResultErrorEntry",
    ("ChangeMessageVisibilityBatchResult", "Successful"):
        "ChangeMessageVisibilityBatchResultEntry",
    ("ChangeMessageVisibilityBatchResult", "Failed"): "BatchResultErrorEntry",
    ("ListMessageMoveTasksResult", "Results"): "ListMessageMoveTasksResultEntry",
}

# map shape -> the query-era names of an entry's key and value
MAP_ENTRY_NAMES: dict[str, tuple[str, str]] = {
    "QueueAttributeMap": ("Name", "Value"),
    "MessageBodyAttributeMap": ("Name", "Value"),
    "MessageBodySystemAttributeMap": ("Name", "Value"),
    "MessageSystemAttributeMap": ("Name", "Value"),
    "TagMap": ("Key", "Value"),
}

SERVICES = frozenset({"sqs"})  # endpoint prefixes whose query answers use these names
