"""Tag*/Untag*/List*Tags for every taggable IAM entity: one implementation, and a line per
entity saying where its tags are kept and how IAM words a missing one.

The rules themselves (50 tags, key and value lengths, reserved prefix, duplicate keys) are
``common.merged_tags``/``without_tags``; the paging is ``common.page``. The entity is looked
for once the request's tags or keys meet the model's constraints (ValidationError: count,
lengths, characters), and before IAM's own rules (reserved prefix, duplicates, the quota).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.iam import managed, mfa
from pocketcloud.services.iam.common import (
    merged_tags,
    no_such_entity,
    page,
    tag_constraints,
    valid_tag_keys,
    without_tags,
)
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.store import Tx

Operation = Callable[[RequestContext, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Taggable:
    noun: str  # the operations' snake_case name: "user" -> tag_user, untag_user, list_user_tags
    member: str  # the request member naming one: "UserName"
    table: str
    column: str  # the column that member's value is found in
    missing: str = ""  # NoSuchEntity's message, "{}" standing for the member's value
    fold_case: bool = False  # a new "department" replaces a "Department" (users, roles)
    keys_case_sensitive: bool = False  # "Env" and "env" may be tagged together (policies)
    # the member's own checks, made before the entity is looked for
    key: Callable[[dict[str, Any]], str] | None = None
    # an entity with a lookup of its own: its stored tags, ``changing`` for Tag/Untag
    lookup: Callable[[Tx, str, str, bool], str] | None = None
    # ListXTags' order when it is not the order the tags were added in
    order: Callable[[dict[str, str]], Any] | None = None

    def value(self, params: dict[str, Any]) -> str:
        return self.key(params) if self.key else str(params[self.member])

    def stored(self, tx: Tx, account_id: str, value: str, changing: bool) -> str:
        if self.lookup:
            return self.lookup(tx, account_id, value, changing)
        tags = tx.fetchvalue(f"SELECT tags FROM {self.table} WHERE account_id = ? AND "
                             f"{self.column} = ?", (account_id, value))
        if tags is None:
            raise no_such_entity(self.missing.format(value))
        return str(tags)

    def store(self, tx: Tx, account_id: str, value: str, tags: str) -> None:
        tx.execute(f"UPDATE {self.table} SET tags = ? WHERE account_id = ? AND "
                   f"{self.column} = ?", (tags, account_id, value))


ENTITIES = (
    Taggable("user", "UserName", "iam_users", "name",
             "The user with name {} cannot be found.", fold_case=True),
    Taggable("role", "RoleName", "iam_roles", "name",
             "The role with name {} cannot be found.", fold_case=True),
    Taggable("instance_profile", "InstanceProfileName", "iam_instance_profiles", "name",
             "Instance Profile {} cannot be found."),
    # AWS recorded policy tag keys listed shortest first, then "A" before "a"
    Taggable("policy", "PolicyArn", "iam_policies", "arn", keys_case_sensitive=True,
             lookup=managed.stored_tags, order=lambda tag: (len(tag["Key"]), tag["Key"])),
    Taggable("mfa_device", "SerialNumber", "iam_mfa_devices", "serial",
             mfa.NO_SUCH_DEVICE, key=mfa.serial_number),
    Taggable("open_id_connect_provider", "OpenIDConnectProviderArn", "iam_oidc_providers",
             "arn", "OpenIDConnect Provider not found for arn {}"),
    Taggable("saml_provider", "SAMLProviderArn", "iam_saml_providers", "arn",
             "Manifest not found for arn {}"),
    Taggable("server_certificate", "ServerCertificateName", "iam_server_certificates", "name",
             "The Server Certificate with name {} cannot be found."),
)


def tag(entity: Taggable, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    value = entity.value(params)
    tag_constraints(params["Tags"])
    with writing(ctx.cloud) as tx:
        stored = entity.stored(tx, ctx.account_id, value, changing=True)
        entity.store(tx, ctx.account_id, value, merged_tags(
            stored, params["Tags"], entity.fold_case, entity.keys_case_sensitive))
    return {}


def untag(entity: Taggable, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    value = entity.value(params)
    valid_tag_keys(params["TagKeys"])
    with writing(ctx.cloud) as tx:
        stored = entity.stored(tx, ctx.account_id, value, changing=True)
        entity.store(tx, ctx.account_id, value,
                     without_tags(stored, params["TagKeys"], entity.fold_case))
    return {}


def list_tags(entity: Taggable, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    value = entity.value(params)
    with reading(ctx.cloud) as tx:
        stored = entity.stored(tx, ctx.account_id, value, changing=False)
    tags: list[dict[str, str]] = json.loads(stored)
    if entity.order:
        tags.sort(key=entity.order)
    return page(tags, params, "Tags")


def _operations() -> dict[str, Operation]:
    """Each entity's three operations, named as the provider looks them up."""
    operations: dict[str, Operation] = {}
    for entity in ENTITIES:
        for name, function in ((f"tag_{entity.noun}", tag), (f"untag_{entity.noun}", untag),
                               (f"list_{entity.noun}_tags", list_tags)):
            operations[name] = _bound(function, entity, name)
    return operations


def _bound(
    function: Callable[[Taggable, RequestContext, dict[str, Any]], dict[str, Any]],
    entity: Taggable, name: str,
) -> Operation:
    def operation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return function(entity, ctx, params)

    operation.__name__ = operation.__qualname__ = name
    return operation


OPERATIONS = _operations()
