"""SNS operations on topics: create, find, list, attributes, tags, permissions, delete."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sns import topic_attributes as ta
from pocketcloud.services.sns.delivery_policy import shown_topic_policy
from pocketcloud.services.sns.model import SnsBook, Topic, book

LIST_PAGE_SIZE = 100
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
_TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ACCOUNT = re.compile(r"\d{12}")


def sns_book(ctx: RequestContext) -> SnsBook:
    return book(ctx.cloud.store)


def parse_topic_arn(topic_arn: str, member: str = "TopicArn") -> tuple[str, str, str]:
    """(region, account, name) of a topic ARN, or AWS's InvalidParameter."""
    parts = topic_arn.split(":")
    if len(parts) < 6:
        raise AwsError("InvalidParameter", f"Invalid parameter: {member} Reason: An ARN must "
                       f"have at least 6 elements, not {len(parts)}")
    if parts[0] != "arn" or parts[2] != "sns" or len(parts) != 6 or not parts[5]:
        raise AwsError("InvalidParameter", f"Invalid parameter: {member}")
    return parts[3], parts[4], parts[5]


def find_topic(ctx: RequestContext, topic_arn: str | None, member: str = "TopicArn") -> Topic:
    if not topic_arn:
        raise AwsError("InvalidParameter", f"Invalid parameter: {member}")
    _same_region(ctx, topic_arn, member)
    topic = sns_book(ctx).topics.get(topic_arn)
    if topic is None:
        raise AwsError("NotFound", "Topic does not exist", 404)
    return topic


def _same_region(ctx: RequestContext, topic_arn: str, member: str = "TopicArn") -> None:
    """AWS refuses another region's topic ARN as a bad parameter (400), not NotFound."""
    region, _, _ = parse_topic_arn(topic_arn, member)
    if region != ctx.region:
        raise AwsError("InvalidParameter", f"Invalid parameter: {member}")


def _valid_name(name: str, fifo: bool) -> None:
    base = name[:-5] if name.endswith(".fifo") else name
    if (not _TOPIC_NAME.fullmatch(base) or len(name) > 256
            or fifo != name.endswith(".fifo")):
        reason = "" if not name.endswith(".fifo") or fifo else \
            " Reason: Fifo Topic names must end with .fifo and Non fifo topic names must not."
        raise AwsError("InvalidParameter", f"Invalid parameter: Topic Name{reason}")


def create_topic(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("Name") or ""
    requested = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
    fifo_value = requested.get("FifoTopic", "false").lower()
    if fifo_value not in ("true", "false"):
        ta.validated("FifoTopic", fifo_value, fifo=False, creating=True)
    fifo = fifo_value == "true"
    if name.endswith(".fifo") and "FifoTopic" not in requested:
        fifo = True  # AWS infers FIFO from the suffix
    _valid_name(name, fifo)
    attributes = {key: ta.validated(key, value, fifo=fifo, creating=True)
                  for key, value in requested.items()}
    tags = _valid_tags(params.get("Tags") or [])
    topic_arn = arn("sns", ctx.region, ctx.account_id, name)
    state = sns_book(ctx)
    existing = state.topics.get(topic_arn)
    if existing is not None:
        _check_same(existing, attributes, tags)
        return {"TopicArn": topic_arn}
    if fifo:
        attributes["FifoTopic"] = "true"
        attributes.setdefault("ContentBasedDeduplication", "false")
    else:
        attributes.pop("FifoTopic", None)
    attributes.setdefault("Policy", ta.default_policy(topic_arn, ctx.account_id))
    attributes.setdefault("DisplayName", "")
    topic = Topic(topic_arn, ctx.account_id, ctx.region, name, attributes, tags, 0,
                  ctx.cloud.clock.now())
    state.create_topic(topic)
    return {"TopicArn": topic_arn}


def _check_same(topic: Topic, attributes: dict[str, str], tags: dict[str, str]) -> None:
    for key, value in attributes.items():
        if key == "FifoTopic":
            continue
        if topic.attributes.get(key, "") != value:
            raise AwsError("InvalidParameter", "Invalid parameter: Attributes Reason: Topic "
                           "already exists with different attributes")
    for key, value in tags.items():
        if topic.tags.get(key) != value:
            raise AwsError("InvalidParameter", "Invalid parameter: Tags Reason: Topic already "
                           "exists with different tags")


def delete_topic(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic_arn = params.get("TopicArn") or ""
    _same_region(ctx, topic_arn)
    topic = sns_book(ctx).topics.get(topic_arn)
    if topic is not None:  # deleting a topic that is gone succeeds, as AWS answers
        sns_book(ctx).delete_topic(topic)
    return {}


def get_topic_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = find_topic(ctx, params.get("TopicArn"))
    subs = sns_book(ctx).subscriptions_of(topic.arn)
    confirmed = sum(1 for s in subs if s.confirmed)
    attributes = {
        "TopicArn": topic.arn,
        "Owner": topic.account_id,
        "SubscriptionsConfirmed": str(confirmed),
        "SubscriptionsPending": str(len(subs) - confirmed),
        "SubscriptionsDeleted": "0",
        "EffectiveDeliveryPolicy": json.dumps(_effective_delivery_policy(topic),
                                              separators=(",", ":")),
        **topic.attributes,
    }
    if topic.attributes.get("DeliveryPolicy"):
        attributes["DeliveryPolicy"] = json.dumps(
            shown_topic_policy(topic.attributes["DeliveryPolicy"]), separators=(",", ":"))
    return {"Attributes": attributes}


def _effective_delivery_policy(topic: Topic) -> dict[str, Any]:
    """AWS's defaults under the topic's own policy; a retry policy is completed key by key."""
    own = topic.attributes.get("DeliveryPolicy")
    if not own:
        return ta.DEFAULT_EFFECTIVE_DELIVERY_POLICY
    merged = json.loads(json.dumps(ta.DEFAULT_EFFECTIVE_DELIVERY_POLICY))
    for protocol, policy in shown_topic_policy(own).items():
        if isinstance(policy, dict):
            retry = policy.get("defaultHealthyRetryPolicy")
            merged.setdefault(protocol, {}).update(policy)
            if isinstance(retry, dict):
                merged[protocol]["defaultHealthyRetryPolicy"] = {
                    **ta.DEFAULT_HTTP_RETRY_POLICY, **retry}
    return dict(merged)


def set_topic_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = find_topic(ctx, params.get("TopicArn"))
    name = params.get("AttributeName") or ""
    value = params.get("AttributeValue")
    value = "" if value is None else str(value)
    if name == "Policy" and not value:
        value = ta.default_policy(topic.arn, topic.account_id)
    topic.attributes[name] = ta.validated(name, value, fifo=topic.fifo, creating=False)
    if name == "DeliveryPolicy" and not value:
        topic.attributes.pop(name)
    sns_book(ctx).save_topic(topic)
    return {}


def list_topics(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topics = [t.arn for t in sns_book(ctx).topics_in(ctx.account_id, ctx.region)]
    page, token = paginate(topics, params.get("NextToken"))
    result: dict[str, Any] = {"Topics": [{"TopicArn": a} for a in page]}
    if token:
        result["NextToken"] = token
    return result


def paginate(items: list[str], token: str | None) -> tuple[list[str], str | None]:
    """A page of sorted ARNs after `token`: AWS's tokens are opaque base64 (recorded), so ours
    are the last ARN of the page before, base64-encoded."""
    start = 0
    if token is not None:  # checked even when there is nothing to page through
        after = _token_arn(token)
        start = next((i for i, item in enumerate(items) if item > after), len(items))
    page = items[start:start + LIST_PAGE_SIZE]
    more = start + LIST_PAGE_SIZE < len(items)
    return page, (base64.b64encode(page[-1].encode()).decode() if more and page else None)


def _token_arn(token: str) -> str:
    try:
        arn = base64.b64decode(token, validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        arn = ""
    if not arn.startswith("arn:aws:sns:"):
        raise AwsError("InvalidParameter", "Invalid parameter: NextToken")
    return arn


# -- tags ------------------------------------------------------------------------------------

def _valid_tags(tags: list[dict[str, Any]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in tags:
        key, value = str(tag.get("Key", "")), str(tag.get("Value", ""))
        if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH or key.lower().startswith("aws:"):
            raise AwsError("InvalidParameter", "Invalid parameter: Tags Reason: Tag keys must "
                           "be between 1 and 128 characters and may not begin with aws:")
        if len(value) > MAX_TAG_VALUE_LENGTH:
            raise AwsError("InvalidParameter", "Invalid parameter: Tags Reason: Tag values "
                           "must be between 0 and 256 characters")
        if key in found:
            raise AwsError("InvalidParameter", "Invalid parameter: Duplicated keys are not "
                           "allowed.")
        found[key] = value
    if len(found) > MAX_TAGS:
        raise AwsError("TagLimitExceeded", "Could not complete request: tag quota of per "
                       "resource exceeded")
    return found


def _tagged_topic(ctx: RequestContext, resource_arn: str) -> Topic:
    topic = sns_book(ctx).topics.get(resource_arn or "")
    if topic is None or topic.region != ctx.region:
        raise AwsError("ResourceNotFound", "Resource does not exist", 404)
    return topic


def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = _tagged_topic(ctx, params.get("ResourceArn") or "")
    tags = _valid_tags(params.get("Tags") or [])
    if len({**topic.tags, **tags}) > MAX_TAGS:
        raise AwsError("TagLimitExceeded", "Could not complete request: tag quota of per "
                       "resource exceeded")
    topic.tags.update(tags)
    sns_book(ctx).save_topic(topic)
    return {}


def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = _tagged_topic(ctx, params.get("ResourceArn") or "")
    for key in params.get("TagKeys") or []:
        topic.tags.pop(key, None)
    sns_book(ctx).save_topic(topic)
    return {}


def list_tags_for_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = _tagged_topic(ctx, params.get("ResourceArn") or "")
    return {"Tags": [{"Key": k, "Value": v} for k, v in topic.tags.items()]}


# -- permissions: statements added to and removed from the topic policy ----------------------

def add_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = find_topic(ctx, params.get("TopicArn"))
    label = params.get("Label") or ""
    accounts = params.get("AWSAccountId") or []
    actions = params.get("ActionName") or []
    if not accounts or not actions:
        raise AwsError("InvalidParameter", "Invalid parameter: Permission")
    policy = json.loads(topic.attributes["Policy"])
    statements = policy.setdefault("Statement", [])
    if any(s.get("Sid") == label for s in statements):
        raise AwsError("InvalidParameter", "Invalid parameter: Statement already exists")
    principals = [f"arn:aws:iam::{a}:root" if _ACCOUNT.fullmatch(a) else a for a in accounts]
    statements.append({
        "Sid": label, "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": [f"SNS:{a}" for a in actions] if len(actions) > 1 else f"SNS:{actions[0]}",
        "Resource": topic.arn,
    })
    topic.attributes["Policy"] = json.dumps(policy, separators=(",", ":"))
    sns_book(ctx).save_topic(topic)
    return {}


def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = find_topic(ctx, params.get("TopicArn"))
    label = params.get("Label") or ""
    policy = json.loads(topic.attributes["Policy"])
    statements = policy.get("Statement", [])
    kept = [s for s in statements if s.get("Sid") != label]
    if len(kept) == len(statements):
        raise AwsError("InvalidParameter", "Invalid parameter: Statement Id does not exist")
    policy["Statement"] = kept
    topic.attributes["Policy"] = json.dumps(policy, separators=(",", ":"))
    sns_book(ctx).save_topic(topic)
    return {}
