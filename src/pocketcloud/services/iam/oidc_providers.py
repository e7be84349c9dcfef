"""OpenID Connect identity providers: URL, client ids (audiences), thumbprints, tags and the
trusted identity propagation settings (a context provider, an Identity Center instance)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from pocketcloud.arns import global_arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.common import (
    already_exists,
    merged_tags,
    no_such_entity,
    timestamp,
)
from pocketcloud.services.iam.schema import reading, writing

MAX_CLIENT_IDS = 100
MAX_THUMBPRINTS = 5
MAX_URL_LENGTH = 255
MAX_CLIENT_ID_LENGTH = 255
THUMBPRINT_LENGTH = 40  # a SHA-1 fingerprint in hex
MAX_KEY_DEFINITIONS = 10
MAX_CONTEXT_KEY_LENGTH = 128
# ContextProvider's keys: ASCII letters, digits, _ . : / = + - @ # and single inner spaces
_CONTEXT_KEY = re.compile(r"[A-Za-z0-9_.:/=+\-@#]+( [A-Za-z0-9_.:/=+\-@#]+)*")
_IDENTITY_CENTER_INSTANCE = re.compile(r"arn:aws[a-z-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}")
_COLUMNS = "url, client_ids, thumbprints, create_date, tags, context_provider, identity_center"


def create_open_id_connect_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    url = params["Url"]
    client_ids = params.get("ClientIDList") or []
    thumbprints = params.get("ThumbprintList") or []
    _check_members(url=url, client_ids=client_ids, thumbprints=thumbprints)
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise AwsError("ValidationError", "Invalid Open ID Connect Provider URL")
    _check_counts(client_ids, thumbprints)
    context = _context_provider(params.get("ContextProvider"))
    instance = params.get("IdentityCenterInstanceArn")
    if instance is not None:
        if context is None:  # documented: an instance needs a context provider
            raise AwsError("InvalidInputException", "IdentityCenterInstanceArn requires "
                           "ContextProvider to be specified.")
        _check_instance(instance)
    arn = global_arn("iam", ctx.account_id, f"oidc-provider/{issuer_of(url)}")
    with writing(ctx.cloud) as tx:
        if tx.fetchvalue("SELECT 1 FROM iam_oidc_providers WHERE account_id = ? AND arn = ?",
                         (ctx.account_id, arn)):
            raise already_exists(f"Provider with url {url} already exists.")
        tx.execute("INSERT INTO iam_oidc_providers (account_id, arn, url, client_ids, "
                   "thumbprints, create_date, tags, context_provider, identity_center) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (ctx.account_id, arn, issuer_of(url), json.dumps(client_ids),
                    json.dumps(thumbprints), ctx.cloud.clock.now(),
                    merged_tags("[]", params.get("Tags") or []),
                    json.dumps(context) if context else None, instance))
    answer: dict[str, Any] = {"OpenIDConnectProviderArn": arn}
    if params.get("Tags"):  # Tags only when some were given
        answer["Tags"] = params["Tags"]
    return answer


def issuer_of(url: str) -> str:
    """The provider's identity: the URL without its scheme (as IAM names the provider)."""
    return url.split("://", 1)[-1].rstrip("/")


def get_open_id_connect_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    url, client_ids, thumbprints, created, tags, context, instance = _provider(
        ctx, params["OpenIDConnectProviderArn"])
    answer = {"Url": url, "ClientIDList": json.loads(client_ids),
              "ThumbprintList": json.loads(thumbprints), "CreateDate": timestamp(created),
              "Tags": json.loads(tags)}
    if context:  # each only when configured, as documented
        answer["ContextProvider"] = json.loads(context)
    if instance:
        answer["IdentityCenterInstanceArn"] = instance
    return answer


def list_open_id_connect_providers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        rows = tx.fetchall("SELECT arn FROM iam_oidc_providers WHERE account_id = ? ORDER BY arn",
                           (ctx.account_id,))
    return {"OpenIDConnectProviderList": [{"Arn": r[0]} for r in rows]}


def delete_open_id_connect_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["OpenIDConnectProviderArn"]
    with writing(ctx.cloud) as tx:
        deleted = tx.execute("DELETE FROM iam_oidc_providers WHERE account_id = ? AND arn = ?",
                             (ctx.account_id, arn))
    if not deleted:  # worded unlike GetOpenIDConnectProvider's, as recorded from AWS
        raise no_such_entity(f"OpenId connect Provider {arn} cannot be found.")
    return {}


def update_open_id_connect_provider(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Sets or removes the context provider or the Identity Center instance: one of the two
    per request, never a value and its Remove flag together (as documented)."""
    context, remove_context = params.get("ContextProvider"), params.get("RemoveContextProvider")
    instance = params.get("IdentityCenterInstanceArn")
    remove_instance = params.get("RemoveIdentityCenterInstance")
    if context is not None and remove_context:
        raise _invalid("ContextProvider and RemoveContextProvider cannot both be specified.")
    if instance is not None and remove_instance:
        raise _invalid("IdentityCenterInstanceArn and RemoveIdentityCenterInstance cannot both "
                       "be specified.")
    changes_context = context is not None or bool(remove_context)
    changes_instance = instance is not None or bool(remove_instance)
    if changes_context and changes_instance:
        raise _invalid("A request can change either the context provider or the IAM Identity "
                       "Center instance, not both.")
    arn = params["OpenIDConnectProviderArn"]
    if changes_context:
        checked = _context_provider(context) if context is not None else None
        return _change(ctx, arn, lambda row: _set_context(row, checked))
    if changes_instance:
        if instance is not None:
            _check_instance(instance)
        return _change(ctx, arn, lambda row: _set_instance(row, instance))
    _provider(ctx, arn)  # nothing to change: still a known provider
    return {}


def _set_context(row: dict[str, Any], context: dict[str, Any] | None) -> None:
    if context is None and row["identity_center"]:
        raise _invalid("Remove the IAM Identity Center instance before removing the context "
                       "provider.")
    row["context_provider"] = json.dumps(context) if context else None


def _set_instance(row: dict[str, Any], instance: str | None) -> None:
    if instance is not None and not row["context_provider"]:
        raise _invalid("An IAM Identity Center instance requires a context provider on the "
                       "OpenID Connect provider.")
    row["identity_center"] = instance


def add_client_id_to_open_id_connect_provider(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    client_id = params["ClientID"]
    _check_members(client_id=client_id)

    def add(row: dict[str, Any]) -> None:
        ids = json.loads(row["client_ids"])
        if client_id not in ids:
            _check_counts([*ids, client_id], [])
            row["client_ids"] = json.dumps([*ids, client_id])

    return _change(ctx, params["OpenIDConnectProviderArn"], add)


def remove_client_id_from_open_id_connect_provider(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    def remove(row: dict[str, Any]) -> None:
        row["client_ids"] = json.dumps(
            [i for i in json.loads(row["client_ids"]) if i != params["ClientID"]])

    return _change(ctx, params["OpenIDConnectProviderArn"], remove)


def update_open_id_connect_provider_thumbprint(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    thumbprints = list(params["ThumbprintList"])
    _check_members(thumbprints=thumbprints)
    _check_counts([], thumbprints)
    return _change(ctx, params["OpenIDConnectProviderArn"],
                   lambda row: row.update(thumbprints=json.dumps(thumbprints)))


def _change(ctx: RequestContext, arn: str, change: Callable[[dict[str, Any]], Any]
            ) -> dict[str, Any]:
    """Reads the provider's row, lets ``change`` edit (or refuse) it, and writes it back."""
    names = _COLUMNS.split(", ")
    with writing(ctx.cloud) as tx:
        stored = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_oidc_providers WHERE account_id = ? "
                             "AND arn = ?", (ctx.account_id, arn))
        if stored is None:
            raise no_such_entity(f"OpenIDConnect Provider not found for arn {arn}")
        row = dict(zip(names, stored, strict=True))
        change(row)
        tx.execute("UPDATE iam_oidc_providers SET client_ids = ?, thumbprints = ?, tags = ?, "
                   "context_provider = ?, identity_center = ? WHERE account_id = ? AND arn = ?",
                   (row["client_ids"], row["thumbprints"], row["tags"], row["context_provider"],
                    row["identity_center"], ctx.account_id, arn))
    return {}


def _provider(ctx: RequestContext, arn: str) -> tuple[Any, ...]:
    with reading(ctx.cloud) as tx:
        row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_oidc_providers WHERE account_id = ? "
                          "AND arn = ?", (ctx.account_id, arn))
    if row is None:
        raise no_such_entity(f"OpenIDConnect Provider not found for arn {arn}")
    return tuple(row)


def _check_members(url: str | None = None, client_ids: list[str] | None = None,
                   thumbprints: list[str] | None = None, client_id: str | None = None) -> None:
    """The model's length constraints, every failure in one message (in member-name order,
    values left out, as recorded from AWS)."""
    failures = []
    if client_id is not None and not 1 <= len(client_id) <= MAX_CLIENT_ID_LENGTH:
        failures.append("Value at 'clientID' failed to satisfy constraint: Member must have "
                        f"length less than or equal to {MAX_CLIENT_ID_LENGTH}")
    if any(not 1 <= len(i) <= MAX_CLIENT_ID_LENGTH for i in client_ids or []):
        failures.append("Value at 'clientIDList' failed to satisfy constraint: Member must "
                        "satisfy constraint: [Member must have length less than or equal to "
                        f"{MAX_CLIENT_ID_LENGTH}, Member must have length greater than or "
                        "equal to 1]")
    if any(len(t) != THUMBPRINT_LENGTH for t in thumbprints or []):
        failures.append("Value at 'thumbprintList' failed to satisfy constraint: Member must "
                        "satisfy constraint: [Member must have length less than or equal to "
                        f"{THUMBPRINT_LENGTH}, Member must have length greater than or equal "
                        f"to {THUMBPRINT_LENGTH}]")
    if url is not None and not 1 <= len(url) <= MAX_URL_LENGTH:
        failures.append("Value at 'url' failed to satisfy constraint: Member must have length "
                        f"less than or equal to {MAX_URL_LENGTH}")
    if failures:
        count = f"{len(failures)} validation error{'s' if len(failures) > 1 else ''}"
        raise AwsError("ValidationError", f"{count} detected: " + "; ".join(failures))


def _check_counts(client_ids: list[str], thumbprints: list[str]) -> None:
    if len(thumbprints) > MAX_THUMBPRINTS:  # IAM's own words ("fewer than") for "at most"
        raise _invalid(f"Thumbprint list must contain fewer than {MAX_THUMBPRINTS} entries.")
    if len(client_ids) > MAX_CLIENT_IDS:
        raise AwsError("LimitExceededException", "Cannot exceed quota for "
                       f"ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}", 409)


def _context_provider(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """A ContextProvider as stored: its keys checked as the ContextProvider type documents."""
    if value is None:
        return None
    keys = [("SubjectSourceKey", value.get("SubjectSourceKey"))]
    if value.get("SubjectTypeSourceKey") is not None:
        keys.append(("SubjectTypeSourceKey", value["SubjectTypeSourceKey"]))
    if value.get("SubjectTypeValue") is not None and value.get("SubjectTypeSourceKey"):
        raise _invalid("SubjectTypeValue and SubjectTypeSourceKey cannot both be specified.")
    definitions = value.get("KeyDefinitionList") or []
    if len(definitions) > MAX_KEY_DEFINITIONS:
        raise _invalid(f"KeyDefinitionList must contain at most {MAX_KEY_DEFINITIONS} entries.")
    for definition in definitions:
        keys += [("SourceKey", definition.get("SourceKey")),
                 ("TargetKey", definition.get("TargetKey"))]
    for name, key in keys:
        if not isinstance(key, str) or len(key) > MAX_CONTEXT_KEY_LENGTH \
                or not _CONTEXT_KEY.fullmatch(key):
            raise _invalid(f"Invalid {name}: a key has 1 to {MAX_CONTEXT_KEY_LENGTH} ASCII "
                           "letters, numbers, single spaces and _ . : / = + - @ #, and neither "
                           "starts nor ends with a space.")
    if len(value.get("SubjectTypeValue") or "") > MAX_CONTEXT_KEY_LENGTH:
        raise _invalid(f"SubjectTypeValue must have at most {MAX_CONTEXT_KEY_LENGTH} "
                       "characters.")
    return {k: v for k, v in value.items() if v is not None}


def _check_instance(instance: str) -> None:
    if not _IDENTITY_CENTER_INSTANCE.fullmatch(instance):
        raise _invalid(f"Invalid IAM Identity Center instance ARN: {instance}")


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidInputException", message)
