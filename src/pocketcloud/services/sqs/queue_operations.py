"""SQS operations on queues: create, find, list, attributes, tags, purge, delete."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sqs import queue_attributes as qa
from pocketcloud.services.sqs.queues import (
    Queue,
    parse_queue_url,
    queue_url,
    valid_queue_name,
)
from pocketcloud.services.sqs.receiving import expire_old_messages, message_counts, purge
from pocketcloud.services.sqs.state import DELETED_QUEUE_NAME_HOLD_S, SqsState, sqs_state

_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}(\.fifo)?")
LIST_QUEUES_MAX = 1000
PURGE_INTERVAL_S = 60.0
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256


def find_queue(ctx: RequestContext, params: dict[str, Any]) -> tuple[SqsState, Queue]:
    """The queue a request's QueueUrl names (or, for query clients posting to the queue's own
    URL without one, the request path), in the request's region; QueueDoesNotExist if none."""
    state = sqs_state(ctx)
    url = params.get("QueueUrl") or ""
    if not url and ctx.protocol == "query" and ctx.request is not None:
        url = ctx.request.path
    if not url:
        raise AwsError("MissingParameter", "The request must contain the parameter QueueUrl.")
    # AWS also takes a bare queue name of the caller's own account as QueueUrl
    bare = "/" not in url and _NAME.fullmatch(url)
    account_id, name = (ctx.account_id, url) if bare else parse_queue_url(url)
    queue = state.queues.get(account_id, ctx.region, name)
    if queue is None:
        raise no_such_queue(ctx)
    return state, queue


def no_such_queue(ctx: RequestContext) -> AwsError:
    """QueueDoesNotExist, worded as AWS words it for query clients and for JSON clients."""
    wsdl = " for this wsdl version" if ctx.protocol == "query" else ""
    return AwsError("QueueDoesNotExist", f"The specified queue does not exist{wsdl}.")


def create_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = sqs_state(ctx)
    name = params.get("QueueName") or ""
    requested = {k: str(v) for k, v in (params.get("Attributes") or {}).items()}
    fifo = requested.get("FifoQueue", "").lower() == "true"
    valid_queue_name(name, fifo or name.endswith(".fifo"))
    if name.endswith(".fifo") and not fifo:
        valid_queue_name(name, False)  # a .fifo name needs FifoQueue=true: AWS's name error
    now_s = ctx.cloud.clock.now()
    existing = state.queues.get(ctx.account_id, ctx.region, name)
    if existing is not None:
        _check_same_attributes(state, ctx, existing, requested)
        return {"QueueUrl": queue_url(ctx, ctx.account_id, name)}
    deleted_s = state.deleted_names.get((ctx.account_id, ctx.region, name))
    if deleted_s is not None and now_s - deleted_s < DELETED_QUEUE_NAME_HOLD_S:
        raise AwsError(
            "QueueDeletedRecently",
            "You must wait 60 seconds after deleting a queue before you can create another "
            "queue with the same name.",
        )
    own_arn = f"arn:aws:sqs:{ctx.region}:{ctx.account_id}:{name}"
    attributes = qa.new_queue_attributes(requested, fifo, own_arn, _attributes_by_arn(state, ctx))
    tags = _valid_tags(params.get("tags") or {})
    state.queues.create(ctx.account_id, ctx.region, name, attributes, tags, now_s)
    return {"QueueUrl": queue_url(ctx, ctx.account_id, name)}


def _check_same_attributes(
    state: SqsState, ctx: RequestContext, queue: Queue, requested: dict[str, str]
) -> None:
    wanted = qa.validated(requested, queue.fifo, queue.arn, _attributes_by_arn(state, ctx),
                          creating=True)
    for name, value in wanted.items():
        if queue.attributes.get(name, "") != value:
            raise AwsError(
                "QueueNameExists",
                f"A queue already exists with the same name and a different value for "
                f"attribute {name}",
            )


def _attributes_by_arn(state: SqsState, ctx: RequestContext) -> qa.QueueLookup:
    def lookup(queue_arn: str) -> dict[str, str] | None:
        queue = state.queues.by_arn(queue_arn)
        if queue is None or queue.account_id != ctx.account_id or queue.region != ctx.region:
            return None
        return queue.attributes

    return lookup


def get_queue_url(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = sqs_state(ctx)
    account_id = params.get("QueueOwnerAWSAccountId") or ctx.account_id
    name = params.get("QueueName") or ""
    if state.queues.get(account_id, ctx.region, name) is None:
        raise no_such_queue(ctx)
    return {"QueueUrl": queue_url(ctx, account_id, name)}


def list_queues(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = sqs_state(ctx)
    names = state.queues.names(ctx.account_id, ctx.region, params.get("QueueNamePrefix") or "")
    page_size = _page_size(params.get("MaxResults"))
    start = _page_start(params.get("NextToken"), names)
    page = names[start : start + (page_size or LIST_QUEUES_MAX)]
    result: dict[str, Any] = {}
    if page:
        result["QueueUrls"] = [queue_url(ctx, ctx.account_id, name) for name in page]
    if page_size and start + page_size < len(names):
        result["NextToken"] = _token(page[-1])
    return result


def _page_size(max_results: int | None) -> int | None:
    if max_results is None:
        return None
    if not 1 <= max_results <= LIST_QUEUES_MAX:
        raise AwsError(
            "InvalidParameterValue",
            f"Value {max_results} for parameter MaxResults is invalid. Reason: MaxResults must "
            f"be an integer between 1 and {LIST_QUEUES_MAX}.",
        )
    return max_results


def _token(last_name: str) -> str:
    return json.dumps({"after": last_name}).encode().hex()


def _page_start(token: str | None, names: list[str]) -> int:
    if not token:
        return 0
    try:
        after = str(json.loads(bytes.fromhex(token))["after"])
    except (ValueError, KeyError, TypeError):
        raise AwsError("InvalidParameterValue", "Invalid NextToken value.") from None
    return next((i for i, name in enumerate(names) if name > after), len(names))


def delete_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    state.queues.delete(queue)
    state.forget_queue(queue.key)
    state.deleted_names[(queue.account_id, queue.region, queue.name)] = ctx.cloud.clock.now()
    return {}


def get_queue_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    names = set(params.get("AttributeNames") or ())
    for name in names:
        if name != "All" and name not in qa.READABLE:
            raise qa.unknown_attribute(name)
    if not names:
        return {}
    every = "All" in names
    values = dict(queue.attributes)
    values.update(_computed_attributes(state, ctx, queue, every or names))
    chosen = {k: v for k, v in values.items() if every or k in names}
    return {"Attributes": chosen} if chosen else {}


def _computed_attributes(
    state: SqsState, ctx: RequestContext, queue: Queue, names: set[str] | bool
) -> dict[str, str]:
    computed = {
        "QueueArn": queue.arn,
        "CreatedTimestamp": str(int(queue.created_s)),
        "LastModifiedTimestamp": str(int(queue.modified_s)),
    }
    counting = {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed"}
    if names is True or (isinstance(names, set) and names & counting):
        now_s = ctx.cloud.clock.now()
        expire_old_messages(state, queue, now_s)
        visible, in_flight, delayed = message_counts(state, queue, now_s)
        computed["ApproximateNumberOfMessages"] = str(visible)
        computed["ApproximateNumberOfMessagesNotVisible"] = str(in_flight)
        computed["ApproximateNumberOfMessagesDelayed"] = str(delayed)
    return computed


def set_queue_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    requested = {k: str(v) for k, v in (params.get("Attributes") or {}).items()}
    queue.attributes = qa.updated_attributes(
        queue.attributes, requested, queue.arn, _attributes_by_arn(state, ctx))
    state.queues.save(queue, ctx.cloud.clock.now())
    state.notify(queue.key)  # waiters re-read delays and timeouts
    return {}


def purge_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    now_s = ctx.cloud.clock.now()
    if queue.purged_s and now_s - queue.purged_s < PURGE_INTERVAL_S:
        raise AwsError(
            "PurgeQueueInProgress",
            f"Only one PurgeQueue operation on {queue.name} is allowed every 60 seconds.",
            403,
        )
    purge(state, queue)
    queue.purged_s = now_s
    state.queues.save(queue, now_s, modified=False)
    return {}


def tag_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    tags = {**queue.tags, **_valid_tags(params.get("Tags") or {})}
    if len(tags) > MAX_TAGS:
        raise AwsError("InvalidParameterValue", f"Too many tags added for queue {queue.name}.")
    queue.tags = tags
    state.queues.save(queue, ctx.cloud.clock.now(), modified=False)
    return {}


def untag_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    removed = set(params.get("TagKeys") or ())
    queue.tags = {k: v for k, v in queue.tags.items() if k not in removed}
    state.queues.save(queue, ctx.cloud.clock.now(), modified=False)
    return {}


def list_queue_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _, queue = find_queue(ctx, params)
    return {"Tags": dict(queue.tags)} if queue.tags else {}


def _valid_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise AwsError("InvalidParameterValue", f"Too many tags: at most {MAX_TAGS}.")
    for key, value in tags.items():
        if not key or len(key) > MAX_TAG_KEY_LENGTH or len(value or "") > MAX_TAG_VALUE_LENGTH:
            raise AwsError("InvalidParameterValue", f"Tag {key!r} is invalid.")
        if key.lower().startswith("aws:"):
            raise AwsError("InvalidParameterValue", "Tag keys can't start with 'aws:'.")
    return {key: value or "" for key, value in tags.items()}


def list_dead_letter_source_queues(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    names = [
        source.name for source in state.queues.all_in(ctx.account_id, ctx.region)
        if source.dead_letter_target_arn == queue.arn
    ]
    page_size = _page_size(params.get("MaxResults"))
    start = _page_start(params.get("NextToken"), names)
    page = names[start : start + (page_size or LIST_QUEUES_MAX)]
    result: dict[str, Any] = {"queueUrls": [queue_url(ctx, ctx.account_id, n) for n in page]}
    if page_size and start + page_size < len(names):
        result["NextToken"] = _token(page[-1])
    return result
