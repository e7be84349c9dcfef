"""What every IAM operation shares: names, paths, ids, errors, tags, paging, documents."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from pocketcloud.arns import global_arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam import Policy, PolicyError, parse_policy
from pocketcloud.store import Tx

MAX_ITEMS_DEFAULT = 100
MAX_ITEMS_LIMIT = 1000
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
RESERVED_TAG_PREFIX = "aws:"  # IAM's tagging rules: no key or value may begin with it
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]"  # as IAM's messages spell it (+ key, * value)
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
MAX_PATH_LENGTH = 512
NAME_PATTERN = re.compile(r"[\w+=,.@-]+")
PATH_PATTERN = re.compile(r"/|/[\x21-\x7e]*/")
PATH_PREFIX_PATTERN = re.compile(r"/[\x21-\x7f]*")
VERSION_ID_PATTERN = re.compile(r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?")
# entity kind -> (ARN resource word, what AWS calls it in messages)
KINDS = {"user": "user", "group": "group", "role": "role"}


def iam_arn(account_id: str, kind: str, path: str, name: str) -> str:
    return global_arn("iam", account_id, f"{kind}{path}{name}")


def name_taken(tx: Tx, table: str, account_id: str, name: str, renamed: str = "") -> bool:
    """IAM names are unique regardless of case ("Bob" and "bob" clash); ``renamed`` is the
    entity being renamed, which may change its own name's case."""
    return bool(tx.fetchvalue(
        f"SELECT 1 FROM {table} WHERE account_id = ? AND lower(name) = lower(?) AND name != ?",
        (account_id, name, renamed)))


def timestamp(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


def new_id(ctx: RequestContext, prefix: str) -> str:
    """AWS's unique ids: a four-letter type prefix (AIDA, AROA, AGPA, ANPA, AIPA) and 17 more."""
    return prefix + ctx.cloud.ids.upper_alnum(17)


def no_such_entity(message: str) -> AwsError:
    return AwsError("NoSuchEntityException", message, 404)


def already_exists(message: str) -> AwsError:
    return AwsError("EntityAlreadyExistsException", message, 409)


def validation_error(value: object, member: str, constraint: str) -> AwsError:
    return AwsError(
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}",
    )


def valid_name(name: str, member: str, max_length: int = 64) -> str:
    if not name or len(name) > max_length:
        raise validation_error(name, member, "Member must have length less than or equal to "
                               f"{max_length}")
    if not NAME_PATTERN.fullmatch(name):
        raise validation_error(name, member, r"Member must satisfy regular expression pattern: "
                               r"[\w+=,.@-]+")
    return name


def valid_path(path: str | None, member: str = "path") -> str:
    if path is None:
        return "/"
    if len(path) > MAX_PATH_LENGTH or not PATH_PATTERN.fullmatch(path):
        raise validation_error(path, member, r"Member must satisfy regular expression pattern: "
                               r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)")
    return path


def document_size(text: str) -> int:
    """A policy's size as IAM's quotas count it: whitespace is not counted."""
    return len("".join(text.split()))


def policy_document(text: str, kind: str = "identity", max_chars: int | None = None,
                    quota_name: str = "PolicySize") -> Policy:
    """Parse or answer MalformedPolicyDocument; ``max_chars`` is IAM's quota (LimitExceeded)."""
    if max_chars is not None and document_size(text) > max_chars:
        raise AwsError("LimitExceededException",
                       f"Cannot exceed quota for {quota_name}: {max_chars}", 409)
    try:
        return parse_policy(text, kind)
    except PolicyError as refused:
        raise AwsError("MalformedPolicyDocumentException", refused.message) from None


def encoded_document(text: str) -> str:
    """IAM returns policy documents URL-encoded (RFC 3986), as stored."""
    return quote(text, safe="-_.!~*'()")


def decoded_document(text: str) -> str:
    return unquote(text)


def tag_error(member: str, constraint: str) -> AwsError:
    """IAM's tag messages leave the offending value out ("Value at 'tags' failed ...")."""
    return AwsError("ValidationError", f"1 validation error detected: Value at '{member}' "
                    f"failed to satisfy constraint: {constraint}")


def valid_tags(
    tags: list[dict[str, str]] | None, keys_case_sensitive: bool = False,
) -> list[dict[str, str]]:
    """One request's tags; more than an entity may hold is refused as a member constraint
    (the quota, LimitExceeded, is for tags added to those already there).
    ``keys_case_sensitive``: managed policies keep "a" and "A" apart, as AWS recorded."""
    tags = tags or []
    tag_constraints(tags)
    for tag in tags:
        if any(text.lower().startswith(RESERVED_TAG_PREFIX)
               for text in (tag["Key"], tag.get("Value", ""))):
            raise AwsError("InvalidInputException", "Tag keys and values cannot begin with "
                           f"'{RESERVED_TAG_PREFIX}': the prefix is reserved for AWS use.")
    keys = [t["Key"] for t in tags]
    if keys_case_sensitive and len(set(keys)) != len(keys):
        raise AwsError("InvalidInputException", "Duplicate tag keys found.")
    if not keys_case_sensitive and len({k.lower() for k in keys}) != len(keys):
        raise AwsError("InvalidInputException", "Duplicate tag keys found. Please note that "
                       "Tag keys are case insensitive.")
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in tags]


def tag_constraints(tags: list[dict[str, str]]) -> None:
    """The model's constraints on a request's tags (ValidationError): IAM checks them before it
    looks for the entity (AWS answers TagRole with 51 tags for a missing role so)."""
    if len(tags) > MAX_TAGS:
        raise tag_error("tags", f"Member must have length less than or equal to {MAX_TAGS}")
    for number, tag in enumerate(tags, 1):
        _valid_tag_text(tag["Key"], f"tags.{number}.member.key", MAX_TAG_KEY_LENGTH, "+")
        _valid_tag_text(tag.get("Value", ""), f"tags.{number}.member.value",
                        MAX_TAG_VALUE_LENGTH, "*")


def _valid_tag_text(text: str, member: str, max_length: int, repeat: str) -> None:
    if len(text) > max_length:
        raise tag_error(member, f"Member must have length less than or equal to {max_length}")
    if not text and repeat == "+":
        raise tag_error(member, "Member must have length greater than or equal to 1")
    if not _tag_text_ok(text, repeat == "*"):
        raise tag_error(member, "Member must satisfy regular expression pattern: "
                        + TAG_PATTERN + repeat)


def _tag_text_ok(text: str, may_be_empty: bool) -> bool:
    return (bool(text) or may_be_empty) and all(
        char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LNZ"
        for char in text)  # Unicode letters, numbers, separators


def valid_tag_keys(keys: list[str]) -> list[str]:
    """UntagX's TagKeys: at most as many as an entity may have, each a valid key (one
    message names every constraint on a key, as IAM's does)."""
    if len(keys) > MAX_TAGS:
        raise tag_error("tagKeys", f"Member must have length less than or equal to {MAX_TAGS}")
    if any(len(key) > MAX_TAG_KEY_LENGTH or not _tag_text_ok(key, False) for key in keys):
        raise tag_error("tagKeys", "Member must satisfy constraint: [Member must have length "
                        f"less than or equal to {MAX_TAG_KEY_LENGTH}, Member must have length "
                        "greater than or equal to 1, Member must satisfy regular expression "
                        f"pattern: {TAG_PATTERN}+, Member must not be null]")
    return keys


def merged_tags(stored: str, added: list[dict[str, str]], fold_case: bool = False,
                keys_case_sensitive: bool = False) -> str:
    """``fold_case``: users' and roles' tag keys ignore case (a new "department" replaces a
    "Department"); other IAM resources keep both. A key tagged again keeps its place in the
    list, as AWS recorded."""
    tags = {t["Key"]: t["Value"] for t in json.loads(stored)}
    for tag in valid_tags(added, keys_case_sensitive):
        if fold_case:  # the new spelling takes the old one's place
            tags = {tag["Key"] if k.lower() == tag["Key"].lower() else k: v
                    for k, v in tags.items()}
        tags[tag["Key"]] = tag["Value"]
    if len(tags) > MAX_TAGS:
        raise AwsError("LimitExceededException",
                       "The number of tags has reached the maximum limit.", 409)
    return json.dumps([{"Key": k, "Value": v} for k, v in tags.items()])


def without_tags(stored: str, keys: list[str], fold_case: bool = False) -> str:
    removed = set(valid_tag_keys(keys))
    if fold_case:
        removed = {k.lower() for k in removed}
    return json.dumps([t for t in json.loads(stored)
                       if (t["Key"].lower() if fold_case else t["Key"]) not in removed])


def page(items: list[Any], params: dict[str, Any], member: str) -> dict[str, Any]:
    """IAM's Marker/MaxItems paging; the marker is an opaque position."""
    max_items = params.get("MaxItems") or MAX_ITEMS_DEFAULT
    if not 1 <= max_items <= MAX_ITEMS_LIMIT:
        raise validation_error(max_items, "maxItems",
                               f"Member must have value less than or equal to {MAX_ITEMS_LIMIT}")
    start = 0
    marker = params.get("Marker")
    if marker:
        if not marker.isdigit():
            raise AwsError("InvalidInputException", "Invalid Marker.")
        start = int(marker)
    chunk = items[start : start + max_items]
    result: dict[str, Any] = {member: chunk, "IsTruncated": start + max_items < len(items)}
    if result["IsTruncated"]:
        result["Marker"] = str(start + max_items)
    return result


def path_prefix(params: dict[str, Any]) -> str:
    """A list operation's PathPrefix: "/" followed by printable ASCII, as IAM validates it."""
    prefix = params.get("PathPrefix")
    if prefix is None:
        return "/"
    if len(prefix) > MAX_PATH_LENGTH or not PATH_PREFIX_PATTERN.fullmatch(prefix):
        raise validation_error(prefix, "pathPrefix", "Member must satisfy regular expression "
                               r"pattern: \u002F[\u0021-\u007F]*")
    return str(prefix)


def valid_version_id(version_id: str) -> str:
    if not VERSION_ID_PATTERN.fullmatch(version_id):  # IAM's message leaves the value out
        raise AwsError("ValidationError", "1 validation error detected: Value at 'versionId' "
                       "failed to satisfy constraint: Member must satisfy regular expression "
                       r"pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?")
    return version_id


def path_prefix_filter(items: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
    prefix = path_prefix(params)
    return [item for item in items if item["Path"].startswith(prefix)]
