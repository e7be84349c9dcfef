"""A received message as ReceiveMessage returns it: the system attributes and message
attributes the caller asked for, and the digest of exactly the attributes returned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.sqs.digests import is_legal_attribute_name, md5_of_attributes
from pocketcloud.services.sqs.queues import Queue
from pocketcloud.services.sqs.receiving import StoredMessage, receipt_handle
from pocketcloud.services.sqs.sending import decode_attributes

SYSTEM_ATTRIBUTES = frozenset({
    "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
    "SequenceNumber", "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
})
# Queue attribute names older clients pass in AttributeNames; they select nothing here.
_QUEUE_ATTRIBUTE_NAMES = frozenset({"SqsManagedSseEnabled", "Policy", "VisibilityTimeout"})
_EVERY_ATTRIBUTE = frozenset({"All", ".*", "*"})  # MessageAttributeNames meaning "all of them"


@dataclass(frozen=True)
class Selection:
    all_system: bool
    system: frozenset[str]
    all_message: bool
    message_names: frozenset[str]
    message_prefixes: tuple[str, ...]

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Selection:
        system = set(params.get("AttributeNames") or ())
        system |= set(params.get("MessageSystemAttributeNames") or ())
        for name in system:
            if name != "All" and name not in SYSTEM_ATTRIBUTES | _QUEUE_ATTRIBUTE_NAMES:
                raise AwsError("InvalidAttributeName", f"Unknown Attribute {name}.")
        names = list(params.get("MessageAttributeNames") or ())
        every = any(name in _EVERY_ATTRIBUTE for name in names)
        # "Hel.*" is a pattern: it selects "Hello" as well as "Help.Me"
        prefixes = tuple(name[:-2] for name in names if name.endswith(".*") and name != ".*")
        exact = frozenset(name for name in names
                          if not name.endswith(".*") and name not in _EVERY_ATTRIBUTE)
        return cls("All" in system, frozenset(system), every, exact, prefixes)

    def names_a_legal_attribute(self) -> bool:
        """Whether an asked-for name or prefix is a legal attribute name ("AWS.", "..foo"
        are not): asked only when nothing matched, never on the common path."""
        return any(is_legal_attribute_name(name) for name in self.message_names) or any(
            is_legal_attribute_name(prefix + "x") for prefix in self.message_prefixes)

    def wants_message_attribute(self, name: str) -> bool:
        return (self.all_message or name in self.message_names
                or any(name.startswith(prefix) for prefix in self.message_prefixes))


def as_received(queue: Queue, message: StoredMessage, selection: Selection) -> dict[str, Any]:
    result: dict[str, Any] = {
        "MessageId": message.message_id,
        "ReceiptHandle": receipt_handle(queue, message),
        "MD5OfBody": message.md5_body,
        "Body": message.body,
    }
    system = _system_attributes(message, selection)
    if system:
        result["Attributes"] = system
    if message.message_attributes and (
        selection.all_message or selection.message_names or selection.message_prefixes
    ):
        attributes = {
            name: value for name, value in decode_attributes(message.message_attributes).items()
            if selection.wants_message_attribute(name)
        }
        if attributes:
            result["MessageAttributes"] = attributes
            result["MD5OfMessageAttributes"] = md5_of_attributes(attributes)
        elif selection.names_a_legal_attribute():
            result["MessageAttributes"] = {}  # AWS: legal names that match none, no digest
    return result


def _system_attributes(message: StoredMessage, selection: Selection) -> dict[str, str]:
    if not selection.all_system and not selection.system:
        return {}
    available: dict[str, str | None] = {
        "SenderId": message.sender_id,
        "SentTimestamp": str(int(message.sent_s * 1000)),
        "ApproximateReceiveCount": str(message.receive_count),
        "ApproximateFirstReceiveTimestamp": str(int((message.first_receive_s or 0) * 1000)),
        "SequenceNumber": message.sequence_number,
        "MessageDeduplicationId": message.dedup_id,
        "MessageGroupId": message.group_id,
        "DeadLetterQueueSourceArn": message.dead_letter_source_arn,
    }
    if message.system_attributes:
        trace = decode_attributes(message.system_attributes).get("AWSTraceHeader")
        available["AWSTraceHeader"] = trace["StringValue"] if trace else None
    return {
        name: value for name, value in available.items()
        if value is not None and (selection.all_system or name in selection.system)
    }
