"""Bucket policies: Put/Get/DeleteBucketPolicy, GetBucketPolicyStatus.

A policy is validated as IAM validates a resource policy, then as S3 adds: every action is
an `s3:` action and every resource is this bucket or its objects. S3 answers problems with
MalformedPolicy and its own messages. The stored text is returned byte for byte."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam.errors import PolicyError
from pocketcloud.iam.policy import Policy, parse_policy
from pocketcloud.services.s3.access import access_denied, is_public_policy, public_access_block
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.configs import delete_config, get_config, put_config

POLICY = "policy"
POLICY_BYTES_MAX = 20 * 1024  # AWS: a bucket policy is at most 20 KB


def malformed(message: str) -> AwsError:
    return AwsError("MalformedPolicy", message)


def validate_bucket_policy(text: str, bucket: str) -> Policy:
    if len(text.encode()) > POLICY_BYTES_MAX:
        raise AwsError("PolicyTooLarge", "Policies must be less than 20 KB in size")
    if not text.lstrip().startswith("{"):
        raise malformed("Policies must be valid JSON and the first byte must be '{'")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise malformed("Policies must be valid JSON and the first byte must be '{'") from None
    if isinstance(document, dict) and "Statement" not in document:
        raise malformed("Missing required field Statement")
    try:
        policy = parse_policy(text, "resource")
    except PolicyError as error:
        raise malformed(error.message) from None
    for statement in policy.statements:
        if statement.principal is None:
            raise malformed("Missing required field Principal")
        if not all(a == "*" or a.lower().startswith("s3:") for a in statement.actions):
            raise malformed("Policy has invalid action")
        if not statement.resources:
            raise malformed("Missing required field Resource")
        if not all(_in_bucket(r, bucket) for r in statement.resources):
            raise malformed("Policy has invalid resource")
    return policy


def _in_bucket(resource: str, bucket: str) -> bool:
    """Does `resource` name (a pattern within) this bucket or its objects?"""
    if resource == "*":
        return True
    prefix = "arn:aws:s3:::"
    if not resource.startswith(prefix):
        return False
    name = resource[len(prefix) :].split("/", 1)[0]
    return fnmatchcase(bucket, name.replace("[", "[[]"))


def put_bucket_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    text = params.get("Policy") or ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    policy = validate_bucket_policy(text, bucket.name)
    if public_access_block(ctx, bucket.name).get("BlockPublicPolicy") and is_public_policy(policy):
        raise access_denied()
    put_config(ctx, bucket.name, POLICY, text)
    return {}


def stored_policy(ctx: RequestContext, bucket: str) -> str:
    text = get_config(ctx, bucket, POLICY)
    if text is None:
        raise AwsError("NoSuchBucketPolicy", "The bucket policy does not exist", 404,
                       fields={"BucketName": bucket})  # fmt: skip
    return str(text)


def get_bucket_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    return {"Policy": stored_policy(ctx, bucket.name)}


def delete_bucket_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    delete_config(ctx, bucket.name, POLICY)
    return {}


def get_bucket_policy_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    policy = parse_policy(stored_policy(ctx, bucket.name), "resource")
    return {"PolicyStatus": {"IsPublic": is_public_policy(policy)}}
