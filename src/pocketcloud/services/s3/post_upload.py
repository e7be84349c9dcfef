"""Browser POST uploads (HTML forms): multipart/form-data to a bucket URL, read as a stream
(form_data.py), checked against the signed policy document (post_policy.py), the file
streamed to a blob in the bucket's region, then committed like a PutObject. Answers with
success_action_redirect (303), success_action_status 200/201 (201 with a PostResponse
document), or 204 by default, as S3 does.

Signatures are verified as every other request's are: not in the default `--iam off` mode
(any caller acts as the bucket owner's account), always in audit/enforce modes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.gateway.authentication import KeyLookup, _record_for
from pocketcloud.protocol.http import HttpRequest, HttpResponse
from pocketcloud.services.s3.acl_store import acl_for_write, save_object_acl
from pocketcloud.services.s3.buckets import Bucket, find_bucket, no_such_bucket
from pocketcloud.services.s3.checksums import b64, crc64nvme
from pocketcloud.services.s3.edge import s3_error
from pocketcloud.services.s3.encryption import object_encryption
from pocketcloud.services.s3.form_data import FormReader, malformed
from pocketcloud.services.s3.notifications import notify_created
from pocketcloud.services.s3.objects import (
    commit_object,
    delete_blobs,
    requested_storage_class,
    stored_headers,
    user_metadata,
    validate_key,
)
from pocketcloud.services.s3.post_policy import (
    check_conditions,
    check_expiration,
    decode_policy,
    missing_field,
    signature_mismatch,
    signing_parts,
    sigv2_signature,
    sigv4_signature,
)
from pocketcloud.services.s3.rows import ObjectRow, new_version_id
from pocketcloud.services.s3.tag_rules import OBJECT_TAGS_MAX, tags_from_tag_set
from pocketcloud.services.s3.upload import OBJECT_SIZE_MAX_BYTES

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.gateway.asgi import Receive

_HEADER_FIELDS = {
    "cache-control": "CacheControl", "content-type": "ContentType",
    "content-disposition": "ContentDisposition", "content-encoding": "ContentEncoding",
    "expires": "Expires", "x-amz-website-redirect-location": "WebsiteRedirectLocation",
    "x-amz-server-side-encryption": "ServerSideEncryption",
}  # fmt: skip
_TAGGING_BYTES_MAX = 16 * 1024


async def post_object(
    cloud: Cloud, request: HttpRequest, receive: Receive, bucket_name: str, request_id: str,
    key_lookup: KeyLookup,
) -> HttpResponse:  # fmt: skip
    try:
        return await _post(cloud, request, receive, bucket_name, request_id, key_lookup)
    except AwsError as error:
        error.headers.setdefault("Connection", "close")  # the rest of the body goes unread
        return s3_error(error, request_id)


async def _post(
    cloud: Cloud, request: HttpRequest, receive: Receive, bucket_name: str, request_id: str,
    key_lookup: KeyLookup,
) -> HttpResponse:  # fmt: skip
    ctx = RequestContext(cloud=cloud, request_id=request_id, account_id="", region="",
                         service="s3", operation="PostObject", request=request)  # fmt: skip
    bucket = find_bucket(ctx, bucket_name)
    if bucket is None:
        raise no_such_bucket(bucket_name)
    ctx.account_id, ctx.region = bucket.account_id, bucket.region
    events = FormReader(receive, request.headers.get("content-type", "")).events()
    fields, file_name, file_type = await _fields_until_file(events)
    length_range = _authorize(ctx, key_lookup, bucket, fields)
    params = _object_params(fields, file_name)
    key = params["Key"]
    validate_key(key)
    encryption = object_encryption(ctx, bucket, params)
    grants = acl_for_write(ctx, bucket, params, bucket.account_id)
    crc = crc64nvme()  # S3's default checksum: a form upload names none
    blob = await cloud.store.blobs.put_async(bucket.region, _file_bytes(events, length_range),
                                             (crc,))  # fmt: skip
    try:
        await _drain(events)
        _check_length(blob.size_bytes, length_range)
        row = ObjectRow(
            key=key, version_id=new_version_id(bucket.versioning, cloud.ids.hex(32)),
            blob_ids=[blob.blob_id], size=blob.size_bytes, etag=f'"{blob.md5_hex}"',
            last_modified=cloud.clock.now(),
            storage_class=requested_storage_class(fields.get("x-amz-storage-class")),
            headers={**stored_headers(params), **encryption}, metadata=user_metadata(params),
            tags=_tags(fields.get("tagging")), owner=bucket.account_id,
            checksum={"ChecksumCRC64NVME": b64(crc.digest()), "ChecksumType": "FULL_OBJECT"},
        )  # fmt: skip
        if file_type and "content-type" not in fields:
            row.headers["ContentType"] = file_type
        garbage = commit_object(ctx, bucket, row, {})
    except BaseException:
        cloud.store.blobs.delete(blob.blob_id)
        raise
    delete_blobs(ctx, garbage)
    save_object_acl(ctx, bucket, row, grants)
    notify_created(ctx, bucket, "ObjectCreated:Post", row)
    return _success(request, bucket, row, fields, request_id)


async def _fields_until_file(
    events: AsyncIterator[tuple[Any, ...]],
) -> tuple[dict[str, str], str, str]:
    fields: dict[str, str] = {}
    async for event in events:
        if event[0] == "field":
            fields.setdefault(event[1].lower(), event[2])
        elif event[0] == "file":
            return fields, event[2], event[3]
        elif event[0] == "end":
            break
    raise AwsError("InvalidArgument", "POST requires exactly one file upload per request.",
                   fields={"ArgumentName": "file", "ArgumentValue": "0"})  # fmt: skip


def _authorize(
    ctx: RequestContext, key_lookup: KeyLookup, bucket: Bucket, fields: dict[str, str]
) -> tuple[int, int] | None:
    if "key" not in fields:
        raise missing_field("key")
    policy = fields.get("policy")
    if policy is None:
        if ctx.cloud.settings.iam != "off":
            raise AwsError("AccessDenied", "Access Denied", 403)  # anonymous: no public write
        return None
    document = decode_policy(policy)
    check_expiration(document, ctx.cloud.clock.now())
    length_range = check_conditions(document, fields, bucket.name)
    if ctx.cloud.settings.iam != "off":
        _verify_signature(ctx, key_lookup, bucket, fields, policy)
    return length_range


def _verify_signature(
    ctx: RequestContext, key_lookup: KeyLookup, bucket: Bucket, fields: dict[str, str],
    policy: str,
) -> None:  # fmt: skip
    if "awsaccesskeyid" in fields:
        access_key, expected_of = fields["awsaccesskeyid"], "signature"
    else:
        access_key, date_stamp, region = signing_parts(fields)
        expected_of = "x-amz-signature"
    record = _record_for(ctx.cloud, access_key, key_lookup)
    if record is None or not record.active:
        raise AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not "
                       "exist in our records.", 403)  # fmt: skip
    if expected_of == "signature":
        expected = sigv2_signature(record.secret_key, policy)
    else:
        expected = sigv4_signature(record.secret_key, date_stamp, region, policy)
    if fields.get(expected_of, "") != expected:
        raise signature_mismatch()
    if record.account_id != bucket.account_id:
        raise AwsError("AccessDenied", "Access Denied", 403)


def _object_params(fields: dict[str, str], file_name: str) -> dict[str, Any]:
    params: dict[str, Any] = {"Key": fields["key"].replace("${filename}", file_name)}
    if not params["Key"]:
        raise AwsError("InvalidArgument", "User key must have a length greater than 0.")
    for field, member in _HEADER_FIELDS.items():
        if field in fields:
            params[member] = fields[field]
    params["Metadata"] = {name[len("x-amz-meta-"):]: value for name, value in fields.items()
                          if name.startswith("x-amz-meta-")}  # fmt: skip
    if "acl" in fields:
        params["ACL"] = fields["acl"]
    return params


async def _file_bytes(
    events: AsyncIterator[tuple[Any, ...]], length_range: tuple[int, int] | None
) -> AsyncIterator[bytes]:
    limit = OBJECT_SIZE_MAX_BYTES if length_range is None else length_range[1]
    size = 0
    async for event in events:
        if event[0] == "file_end":
            return
        size += len(event[1])
        if size > limit:
            raise _too_large(limit)
        yield event[1]
    raise malformed()


async def _drain(events: AsyncIterator[tuple[Any, ...]]) -> None:
    """Fields after the file are ignored (as S3 does); a second file is an error."""
    async for event in events:
        if event[0] == "file":
            raise AwsError("InvalidArgument", "POST requires exactly one file upload per "
                           "request.", fields={"ArgumentName": "file"})  # fmt: skip


def _too_large(limit: int) -> AwsError:
    return AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
                    fields={"MaxSizeAllowed": str(limit)})  # fmt: skip


def _check_length(size: int, length_range: tuple[int, int] | None) -> None:
    if length_range is None:
        return
    if size < length_range[0]:
        raise AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum "
                       "allowed size", fields={"MinSizeAllowed": str(length_range[0]),
                                               "ProposedSize": str(size)})  # fmt: skip
    if size > length_range[1]:
        raise _too_large(length_range[1])


def _tags(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    if len(text) > _TAGGING_BYTES_MAX or "<!" in text:  # no DTDs, no entity expansion
        raise AwsError("MalformedXML", "The XML you provided was not well-formed")
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        raise AwsError("MalformedXML", "The XML you provided was not well-formed") from None
    tag_set = [{"Key": tag.findtext("Key"), "Value": tag.findtext("Value")}
               for tag in root.iter("Tag")]  # fmt: skip
    return tags_from_tag_set(tag_set, OBJECT_TAGS_MAX)


def _success(
    request: HttpRequest, bucket: Bucket, row: ObjectRow, fields: dict[str, str], request_id: str
) -> HttpResponse:
    host = request.host or "localhost"
    location = f"http://{host}/{bucket.name}/{quote(row.key)}"
    headers = {"ETag": row.etag, "Location": location, "x-amz-request-id": request_id}
    if bucket.versioning == "Enabled":  # a suspended write's null id goes unsaid
        headers["x-amz-version-id"] = row.version_id
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        query = urlencode({"bucket": bucket.name, "key": row.key, "etag": row.etag})
        headers["Location"] = redirect + ("&" if "?" in redirect else "?") + query
        return HttpResponse(303, headers, b"")
    status = fields.get("success_action_status")
    if status == "201":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
            f"<Location>{escape(location)}</Location><Bucket>{escape(bucket.name)}</Bucket>"
            f"<Key>{escape(row.key)}</Key><ETag>{escape(row.etag)}</ETag></PostResponse>"
        )
        headers["Content-Type"] = "application/xml"
        return HttpResponse(201, headers, body.encode())
    if status == "200":
        return HttpResponse(200, headers, b"")
    return HttpResponse(204, headers, b"")
