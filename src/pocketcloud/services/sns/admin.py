"""SNS under /_pocketcloud/sns/: the outbox, the signing certificate, and the links SNS puts
in messages (SubscribeURL, UnsubscribeURL), which work with a plain GET as AWS's do."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpRequest, HttpResponse
from pocketcloud.protocol.serializing import serialize_error, serialize_response
from pocketcloud.protocol.specs import service_model
from pocketcloud.services.internal import internal_context
from pocketcloud.services.sns import outbound
from pocketcloud.services.sns.model import book
from pocketcloud.services.sns.signing import signer

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

LINK_ACTIONS = ("ConfirmSubscription", "Unsubscribe")


def handle(cloud: Cloud, request: HttpRequest, name: str) -> HttpResponse:
    """`name` is the path after /_pocketcloud/, e.g. "sns/outbox"."""
    if request.method not in ("GET", "HEAD"):
        return _json(405, {"error": "use GET"})
    pairs = dict(request.query_pairs())
    if name == "sns/outbox":
        return _outbox(cloud, pairs)
    if name == "sns/SimpleNotificationService.pem":
        return HttpResponse(200, {"content-type": "application/x-x509-ca-cert"},
                            signer(cloud.store).certificate_pem)
    if name == "sns" and pairs.get("Action") in LINK_ACTIONS:
        return _link(cloud, request, pairs)
    return _json(404, {"error": f"no pocketcloud endpoint {request.path!r}",
                       "see": ["/_pocketcloud/sns/outbox",
                               "/_pocketcloud/sns/SimpleNotificationService.pem"]})


def _outbox(cloud: Cloud, pairs: dict[str, str]) -> HttpResponse:
    try:
        after = int(pairs.get("after", "0"))
        limit = int(pairs.get("limit", "100"))
    except ValueError:
        return _json(400, {"error": "after and limit must be integers"})
    messages = outbound.read_outbox(cloud, after=after, limit=limit,
                                    endpoint=pairs.get("endpoint") or None)
    return _json(200, {"messages": messages})


def _link(cloud: Cloud, request: HttpRequest, pairs: dict[str, str]) -> HttpResponse:
    """A SubscribeURL or UnsubscribeURL visited: the operation, answered in query XML."""
    from pocketcloud.services.sns import subscription_operations as ops

    action = pairs["Action"]
    arn = pairs.get("TopicArn") or pairs.get("SubscriptionArn") or ""
    parts = _token_owner(cloud, pairs.get("Token")) or arn.split(":")
    region, account_id = (parts[3], parts[4]) if len(parts) >= 6 else ("us-east-1", "")
    ctx = internal_context(cloud, "sns", action, account_id=account_id, region=region)
    ctx.request = request  # links in the messages this visit causes name the host it used
    model = service_model("sns")
    try:
        function: Any = ops.confirm_subscription if action == LINK_ACTIONS[0] else ops.unsubscribe
        if action == "Unsubscribe":
            _check_unauthenticated_unsubscribe(ops.find_subscription(ctx, arn))
        params = {k: v for k, v in pairs.items() if k not in ("Action",
                                                               "AuthenticateOnUnsubscribe")}
        result = function(ctx, params)
    except AwsError as error:
        return serialize_error(model, error, ctx.request_id, "query")
    return serialize_response(model.operation_model(action), result, ctx.request_id, "query")


def _token_owner(cloud: Cloud, token: str | None) -> list[str] | None:
    """The ARN parts of the subscription a confirmation token belongs to: on AWS the link's
    host names the region, so a TopicArn of another region is refused, not looked up there."""
    if not token:
        return None
    found = next((s for s in book(cloud.store).subscriptions.values() if s.token == token), None)
    return found.arn.split(":") if found is not None else None


def _check_unauthenticated_unsubscribe(sub: Any) -> None:
    """A subscription confirmed with AuthenticateOnUnsubscribe=true leaves only by a signed
    Unsubscribe from the topic or subscription owner, never by a plain link."""
    if sub.attributes.get("ConfirmationWasAuthenticated") == "true":
        raise AwsError("AuthorizationError", "Unsubscribe of this subscription requires an "
                       "AWS signature (it was confirmed with AuthenticateOnUnsubscribe)", 403)


def _json(status: int, document: dict[str, object]) -> HttpResponse:
    body = json.dumps(document, indent=2).encode("utf-8")
    return HttpResponse(status, {"content-type": "application/json"}, body)
