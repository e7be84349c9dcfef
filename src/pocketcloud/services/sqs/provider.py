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
from pocketcloud.services.sqs.move_tasks import (
    cancel_message_move_task,
    list_message_move_tasks,
    start_message_move_task,
)
from pocketcloud.services.sqs.permissions import add_permission, remove_permission
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
    "add_permission",
    "cancel_message_move_task",
    "list_message_move_tasks",
    "remove_permission",
    "start_message_move_task",
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
