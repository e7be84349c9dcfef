"""Website configuration: Put/Get/DeleteBucketWebsite, validated as S3 validates it.
Serving lives in website_serve.py."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.configs import delete_config, get_config, put_config

WEBSITE = "website"
ROUTING_RULES_MAX = 50  # AWS: at most 50 routing rules
_REDIRECT_MEMBERS = ("HostName", "HttpRedirectCode", "Protocol", "ReplaceKeyPrefixWith",
                     "ReplaceKeyWith")  # fmt: skip
_MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def invalid(message: str, name: str | None = None, value: str | None = None) -> AwsError:
    """S3's InvalidArgument; most website refusals name the element and its value."""
    fields = {} if name is None else {"ArgumentName": name, "ArgumentValue": value or ""}
    return AwsError("InvalidArgument", message, fields=fields)


def validate_website(config: dict[str, Any]) -> dict[str, Any]:
    redirect_all = config.get("RedirectAllRequestsTo")
    index = config.get("IndexDocument")
    if redirect_all is not None:
        if index or config.get("ErrorDocument") or config.get("RoutingRules"):
            raise invalid("RedirectAllRequestsTo cannot be provided in conjunction with other "
                          "Routing Rules.", "RedirectAllRequestsTo", "not null")  # fmt: skip
        if not redirect_all.get("HostName"):
            raise AwsError("MalformedXML", _MALFORMED_XML)
        _check_protocol(redirect_all.get("Protocol"))
        return {"RedirectAllRequestsTo": redirect_all}
    if index is None:
        raise invalid("A value for IndexDocument Suffix must be provided if "
                      "RedirectAllRequestsTo is empty", "IndexDocument", "null")  # fmt: skip
    suffix = index.get("Suffix") or ""
    if not suffix or "/" in suffix:
        raise invalid("The IndexDocument Suffix is not well formed", "IndexDocument", suffix)
    error_document = config.get("ErrorDocument")
    if error_document is not None and not error_document.get("Key"):
        raise invalid("The ErrorDocument Key is not well formed")
    rules = config.get("RoutingRules") or []
    if len(rules) > ROUTING_RULES_MAX:
        raise invalid(f"A website configuration can have at most {ROUTING_RULES_MAX} routing "
                      "rules")  # fmt: skip
    for rule in rules:
        _check_routing_rule(rule)
    return {name: config[name] for name in ("IndexDocument", "ErrorDocument", "RoutingRules")
            if config.get(name)}  # fmt: skip


def _check_protocol(protocol: Any) -> None:
    if protocol is not None and protocol not in ("http", "https"):
        raise AwsError("InvalidRequest", "Invalid protocol, protocol can be http or https. If "
                       "not defined the protocol will be selected automatically.")  # fmt: skip


def _check_routing_rule(rule: dict[str, Any]) -> None:
    if rule.get("Redirect") is None:
        raise AwsError("MalformedXML", _MALFORMED_XML)
    if rule.get("Condition") == {}:
        raise AwsError("InvalidRequest", "Condition cannot be empty. To redirect all requests "
                       "without a condition, the condition element shouldn't be present.")
    redirect = rule["Redirect"]
    if not any(redirect.get(name) for name in _REDIRECT_MEMBERS):
        raise invalid(
            "Redirect must contain at least one of the following: HostName, "
            "HttpRedirectCode, Protocol, ReplaceKeyPrefixWith, ReplaceKeyWith"
        )
    if redirect.get("ReplaceKeyPrefixWith") is not None and (
        redirect.get("ReplaceKeyWith") is not None
    ):
        raise AwsError("InvalidRequest",
                       "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
    _check_protocol(redirect.get("Protocol"))
    code = redirect.get("HttpRedirectCode")
    if code is not None and (not str(code).isdigit() or not 300 <= int(code) <= 399):
        raise invalid("The provided HTTP redirect code is not valid. It should be a string "
                      "containing a number between 300 and 399")  # fmt: skip
    condition = rule.get("Condition") or {}
    error_code = condition.get("HttpErrorCodeReturnedEquals")
    if error_code is not None and (not str(error_code).isdigit()
                                   or not 400 <= int(error_code) <= 599):  # fmt: skip
        raise invalid("The provided HTTP error code is not valid. Valid codes are 4XX or 5XX.")


def put_bucket_website(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    config = validate_website(params.get("WebsiteConfiguration") or {})
    put_config(ctx, bucket.name, WEBSITE, config)
    return {}


def get_bucket_website(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    config = get_config(ctx, bucket.name, WEBSITE)
    if config is None:
        raise AwsError(
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration", 404,
            fields={"BucketName": bucket.name},
        )  # fmt: skip
    return dict(config)


def delete_bucket_website(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    delete_config(ctx, bucket.name, WEBSITE)
    return {}
