"""Amazon SQS: one function per operation (the implementations live in the modules below)."""

from __future__ import annotations

from pocketcloud.services.sqs.message_operations import (
    change_message_visibility,
    change_message_visibility_batch,
    delete_message,
    delete_message_batch,
    receive_message,
    send_message,
    send_message_batch,
)
from pocketcloud.services.sqs.queue_operations import (
    create_queue,
    delete_queue,
    get_queue_attributes,
    get_queue_url,
    list_dead_letter_source_queues,
    list_queue_tags,
    list_queues,
    purge_queue,
    set_queue_attributes,
    tag_queue,
    untag_queue,
)

__all__ = [
    "change_message_visibility",
    "change_message_visibility_batch",
    "create_queue",
    "delete_message",
    "delete_message_batch",
    "delete_queue",
    "get_queue_attributes",
    "get_queue_url",
    "list_dead_letter_source_queues",
    "list_queue_tags",
    "list_queues",
    "purge_queue",
    "receive_message",
    "send_message",
    "send_message_batch",
    "set_queue_attributes",
    "tag_queue",
    "untag_queue",
]
