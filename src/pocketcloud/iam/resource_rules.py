"""Resource ARNs (and service condition keys) per operation for s3, sqs, dynamodb, dynamodb
streams and lambda, from the Service Authorization Reference. ``iam.actions`` holds the map;
this module holds the rules that are too long to sit there.

Every rule takes (operation, params, ctx) and returns the ARNs the request acts on; ``"*"``
where the operation acts on no resource (ListBuckets, ListQueues, ListTables, ListFunctions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from pocketcloud.arns import arn

if TYPE_CHECKING:
    from pocketcloud.context import RequestContext

MAX_LISTED_RESOURCES = 1000  # DeleteObjects' own bound; batch calls name at most this many

# --- s3 -----------------------------------------------------------------------------------

S3_LIST_KEYS = {"Prefix": "s3:prefix", "Delimiter": "s3:delimiter", "MaxKeys": "s3:max-keys"}


def s3_resources(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    bucket = params.get("Bucket")
    if not bucket:
        return ["*"]
    if operation == "DeleteObjects":
        objects = (params.get("Delete") or {}).get("Objects") or []
        keys = [o.get("Key") for o in objects[:MAX_LISTED_RESOURCES] if isinstance(o, dict)]
        return [f"arn:aws:s3:::{bucket}/{key}" for key in keys if key] or [
            f"arn:aws:s3:::{bucket}/*"]
    if params.get("Key") is not None and operation not in ("ListObjectVersions",):
        return [f"arn:aws:s3:::{bucket}/{params['Key']}"]
    return [f"arn:aws:s3:::{bucket}"]


# request members that S3 offers as condition keys under their header's name
S3_HEADER_KEYS = {
    "ACL": "s3:x-amz-acl",
    "GrantFullControl": "s3:x-amz-grant-full-control",
    "GrantRead": "s3:x-amz-grant-read",
    "GrantReadACP": "s3:x-amz-grant-read-acp",
    "GrantWrite": "s3:x-amz-grant-write",
    "GrantWriteACP": "s3:x-amz-grant-write-acp",
    "ServerSideEncryption": "s3:x-amz-server-side-encryption",
    "SSEKMSKeyId": "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "MetadataDirective": "s3:x-amz-metadata-directive",
    "StorageClass": "s3:x-amz-storage-class",
    "VersionId": "s3:VersionId",
}


def s3_context(operation: str, params: Mapping[str, Any]) -> dict[str, list[str] | str]:
    context: dict[str, list[str] | str] = {}
    if operation in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
        for member, key in S3_LIST_KEYS.items():
            if params.get(member) is not None:
                context[key] = str(params[member])
    for member, key in S3_HEADER_KEYS.items():
        if params.get(member):
            context[key] = str(params[member])
    source = params.get("CopySource")
    if isinstance(source, str) and source:  # "bucket/key", as the header names it
        context["s3:x-amz-copy-source"] = unquote(source).lstrip("/")
    context.update(_request_object_tags(params.get("Tagging")))
    return context


def _request_object_tags(tagging: Any) -> dict[str, list[str] | str]:
    """s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys from x-amz-tagging (PutObject,
    CopyObject, CreateMultipartUpload) or a PutObjectTagging body."""
    if isinstance(tagging, str):
        pairs = parse_qsl(tagging, keep_blank_values=True)
    elif isinstance(tagging, Mapping) and isinstance(tagging.get("TagSet"), list):
        pairs = [(str(t.get("Key", "")), str(t.get("Value", "")))
                 for t in tagging["TagSet"] if isinstance(t, Mapping)]
    else:
        return {}
    context: dict[str, list[str] | str] = {
        f"s3:RequestObjectTag/{key}": value for key, value in pairs}
    context["s3:RequestObjectTagKeys"] = [key for key, _ in pairs]
    return context


def s3_action(action: str, params: Mapping[str, Any]) -> str:
    """GetObject on a version is s3:GetObjectVersion (and DeleteObject, the tagging and ACL
    actions likewise), as the Service Authorization Reference lists them."""
    if params.get("VersionId") and action.startswith("s3:") and "Object" in action:
        verb, _, rest = action[3:].partition("Object")
        if verb in ("Get", "Delete", "Put") and not rest.startswith("Version"):
            return f"s3:{verb}ObjectVersion{rest}"
    return action


# --- sqs ----------------------------------------------------------------------------------

_ACCOUNT = re.compile(r"\d{12}")


def sqs_resources(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    url = params.get("QueueUrl")
    if isinstance(url, str) and url:
        parts = [p for p in (urlsplit(url).path if "://" in url else url).split("/") if p]
        if len(parts) >= 2 and _ACCOUNT.fullmatch(parts[-2]):
            return [arn("sqs", ctx.region, parts[-2], parts[-1])]
    if params.get("QueueName"):
        owner = params.get("QueueOwnerAWSAccountId") or ctx.account_id
        return [arn("sqs", ctx.region, str(owner), str(params["QueueName"]))]
    if params.get("SourceArn"):  # message move tasks act on the dead-letter queue
        return [str(params["SourceArn"])]
    return ["*"]


# --- sns: a topic (subscription ARNs name their topic), or a push application or endpoint ---

SNS_TOPIC_MEMBERS = ("TopicArn", "TargetArn", "ResourceArn", "PlatformApplicationArn",
                     "EndpointArn")


def sns_resources(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    if operation == "CreateTopic" and params.get("Name"):
        return [arn("sns", ctx.region, ctx.account_id, str(params["Name"]))]
    for member in SNS_TOPIC_MEMBERS:
        if params.get(member):
            return [str(params[member])]
    subscription = str(params.get("SubscriptionArn") or "")
    if subscription.count(":") == 6:
        return [subscription.rsplit(":", 1)[0]]
    return ["*"]


# --- dynamodb -------------------------------------------------------------------------------

def _table(ctx: RequestContext, name: str) -> str:
    if name.startswith("arn:"):
        return name
    return arn("dynamodb", ctx.region, ctx.account_id, f"table/{name}")


def dynamodb_resources(
    operation: str, params: Mapping[str, Any], ctx: RequestContext
) -> list[str]:
    for member in ("BackupArn", "StreamArn", "ResourceArn", "SourceTableArn", "TableArn",
                   "ExportArn", "ImportArn"):
        if params.get(member):
            return [str(params[member])]
    if params.get("GlobalTableName"):  # global tables version 2017.11.29: account-wide
        return [arn("dynamodb", "", ctx.account_id, f"global-table/{params['GlobalTableName']}")]
    creation = params.get("TableCreationParameters")  # ImportTable: the table it creates
    if isinstance(creation, Mapping) and creation.get("TableName"):
        return [_table(ctx, str(creation["TableName"]))]
    if params.get("RequestItems"):  # BatchGetItem, BatchWriteItem
        return [_table(ctx, str(name)) for name in list(params["RequestItems"])[:100]]
    if params.get("TransactItems"):
        names: set[str] = set()
        for item in params["TransactItems"][:100]:
            for request in item.values() if isinstance(item, dict) else ():
                if isinstance(request, dict) and request.get("TableName"):
                    names.add(str(request["TableName"]))
        return [_table(ctx, n) for n in sorted(names)] or ["*"]
    name = params.get("TableName") or params.get("TargetTableName")
    if not name:
        return ["*"]
    table = _table(ctx, str(name))
    if params.get("IndexName"):
        return [f"{table}/index/{params['IndexName']}"]
    return [table]


# --- lambda -------------------------------------------------------------------------------

_FUNCTION = re.compile(
    r"(?:arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:)?"
    r"(?:(?P<account2>\d{12}):function:)?(?:function:)?(?P<name>[a-zA-Z0-9_-]+)"
    r"(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?")


def lambda_resources(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    if operation in ("CreateEventSourceMapping", "ListEventSourceMappings"):
        return ["*"]  # acts on no resource (the function is a condition key in AWS)
    if str(params.get("ResourceArn") or "").startswith("arn:aws:lambda:"):  # *ResourcePolicy
        return [str(params["ResourceArn"])]
    if params.get("UUID"):  # Update/Get/DeleteEventSourceMapping (Update may name a function)
        return [arn("lambda", ctx.region, ctx.account_id, f"event-source-mapping:{params['UUID']}")]
    if str(params.get("CodeSigningConfigArn") or "").startswith("arn:aws:lambda:") and (
            not params.get("FunctionName")):  # the configuration's own operations
        return [str(params["CodeSigningConfigArn"])]
    name = params.get("FunctionName")
    if isinstance(name, str) and name:
        match = _FUNCTION.fullmatch(name)
        if match is None:
            return ["*"]
        region = match["region"] or ctx.region
        account = match["account"] or match["account2"] or ctx.account_id
        qualifier = params.get("Qualifier") or match["qualifier"]
        function = arn("lambda", region, account, f"function:{match['name']}")
        return [f"{function}:{qualifier}" if qualifier else function]
    if str(params.get("Arn") or "").startswith("arn:aws:lambda:"):  # GetLayerVersionByArn
        return [str(params["Arn"])]
    if params.get("LayerName"):
        layer = str(params["LayerName"])
        if not layer.startswith("arn:"):
            layer = arn("lambda", ctx.region, ctx.account_id, f"layer:{layer}")
        version = params.get("VersionNumber")
        return [f"{layer}:{version}" if version is not None else layer]
    if params.get("UUID"):
        return [arn("lambda", ctx.region, ctx.account_id, f"event-source-mapping:{params['UUID']}")]
    if params.get("Resource"):  # tagging operations name the function by ARN
        return [str(params["Resource"])]
    return ["*"]
