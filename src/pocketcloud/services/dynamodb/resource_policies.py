"""Resource-based policies of tables and streams: PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy and CreateTable's ResourcePolicy member.

A policy is stored per resource ARN with its revision id (epoch milliseconds as a string, as
DynamoDB shows them). resource_policy.py hands them to IAM enforcement; every change bumps a
per-store generation so the gateway's cached decisions about the table are dropped.
"""

from __future__ import annotations

import threading
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam import AuthorizationRequest, PolicyError, Principal, evaluate, parse_policy
from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import invalid
from pocketcloud.store import Tx

POLICY_SIZE_MAX_BYTES = 20 * 1024  # whitespace counts, as DynamoDB documents
NO_POLICY = "NO_POLICY"  # ExpectedRevisionId: attach only where no policy exists yet

_generations: dict[int, int] = {}
_generation_lock = threading.Lock()


def generation(store: Any) -> int:
    return _generations.get(id(store), 0)


def changed(store: Any) -> None:
    """A policy (or the table holding it) changed: cached IAM decisions must not be reused."""
    with _generation_lock:
        _generations[id(store)] = _generations.get(id(store), 0) + 1


def _not_found(resource_arn: str) -> AwsError:
    return AwsError("ResourceNotFoundException",
                    f"Requested resource not found: ResourceArn: {resource_arn} not found")


def resource_table(ctx: RequestContext, resource_arn: str) -> TableMeta:
    """The table a policy's resource (the table itself or its current stream) belongs to."""
    prefix = arn("dynamodb", ctx.region, ctx.account_id, "table/")
    if not resource_arn.startswith(prefix):
        raise invalid(f"Invalid ResourceArn provided as input {resource_arn}")
    name, _, rest = resource_arn[len(prefix):].partition("/")
    if rest and not rest.startswith("stream/"):
        raise invalid(f"Invalid ResourceArn provided as input {resource_arn}")
    try:
        table = storage.table_meta(ctx, name)
    except AwsError:
        raise _not_found(resource_arn) from None
    if rest and table.description.get("LatestStreamArn") != resource_arn:
        raise _not_found(resource_arn)
    return table


def check_policy(ctx: RequestContext, text: str, resource_arn: str, confirmed: bool) -> None:
    if len(text.encode()) > POLICY_SIZE_MAX_BYTES:
        raise invalid(f"Resource-based policy document size exceeds the maximum of "
                      f"{POLICY_SIZE_MAX_BYTES} bytes (whitespace included)")
    try:
        policy = parse_policy(text, "resource", f"resource policy of {resource_arn}")
    except PolicyError as error:
        raise invalid(f"Invalid policy document: {error}") from None
    caller = ctx.caller
    if confirmed or caller is None or caller.principal_type == "service":
        return
    # Refuse a policy that would deny its author further policy changes, unless confirmed.
    who = Principal(caller.principal_arn, caller.account_id, caller.principal_type)
    decision = evaluate(AuthorizationRequest(
        principal=who, action="dynamodb:PutResourcePolicy", resources=[resource_arn],
        resource_policy=policy))
    if decision.reason == "explicit-deny":
        raise invalid(
            "The policy would remove your own permission to change this resource's policy; "
            "set ConfirmRemoveSelfResourceAccess to true to confirm")


def _current(tx: Tx, resource_arn: str) -> tuple[str, str] | None:
    row = tx.fetchone(
        "SELECT policy, revision_id FROM dynamodb_resource_policies WHERE resource_arn = ?",
        (resource_arn,))
    return (row[0], row[1]) if row else None


def _check_revision(resource_arn: str, current: tuple[str, str] | None,
                    expected: str | None) -> None:
    if expected is None:
        return
    if expected == NO_POLICY and current is None:
        return
    if current is None or current[1] != expected:
        found = current[1] if current else NO_POLICY
        raise AwsError("PolicyNotFoundException",
                       f"Resource-based policy not found for the provided ResourceArn: "
                       f"Requested update for policy with revision id {expected}, but the "
                       f"policy associated to target resource {resource_arn} has revision id "
                       f"{found}.")


def store_policy(ctx: RequestContext, tx: Tx, table_id: int, resource_arn: str, text: str,
                 expected: str | None = None) -> str:
    """Attach `text` to the resource; its revision id (the same one for the same document)."""
    current = _current(tx, resource_arn)
    _check_revision(resource_arn, current, expected)
    if current is not None and current[0] == text:
        return current[1]
    millis = int(ctx.cloud.clock.now() * 1000)
    if current is not None and current[1].isdigit():
        millis = max(millis, int(current[1]) + 1)  # a new revision always differs
    revision = str(millis)
    tx.execute(
        "INSERT INTO dynamodb_resource_policies (resource_arn, table_id, policy, revision_id) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (resource_arn) DO UPDATE SET policy = excluded.policy, "
        "revision_id = excluded.revision_id, table_id = excluded.table_id",
        (resource_arn, table_id, text, revision))
    return revision


def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    resource_arn, text = params["ResourceArn"], params["Policy"]
    table = resource_table(ctx, resource_arn)
    check_policy(ctx, text, resource_arn, bool(params.get("ConfirmRemoveSelfResourceAccess")))
    the_store = storage.store(ctx)
    with the_store.write() as tx:
        revision = store_policy(ctx, tx, table.table_id, resource_arn, text,
                                params.get("ExpectedRevisionId"))
    changed(the_store)
    return {"RevisionId": revision}


def get_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    resource_arn = params["ResourceArn"]
    resource_table(ctx, resource_arn)
    with storage.store(ctx).read() as tx:
        current = _current(tx, resource_arn)
    if current is None:
        raise AwsError("PolicyNotFoundException",
                       f"Resource-based policy not found for the provided ResourceArn: "
                       f"{resource_arn}")
    return {"Policy": current[0], "RevisionId": current[1]}


def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    resource_arn = params["ResourceArn"]
    resource_table(ctx, resource_arn)
    the_store = storage.store(ctx)
    with the_store.write() as tx:
        current = _current(tx, resource_arn)
        if current is None:
            raise AwsError("PolicyNotFoundException",
                           f"Resource-based policy not found for the provided ResourceArn: "
                           f"{resource_arn}")
        _check_revision(resource_arn, current, params.get("ExpectedRevisionId"))
        tx.execute("DELETE FROM dynamodb_resource_policies WHERE resource_arn = ?",
                   (resource_arn,))
    changed(the_store)
    return {"RevisionId": current[1]}


def policy_for(cloud: Any, resource_arn: str) -> str | None:
    """The policy governing `resource_arn`: a table's (also for its indexes) or a stream's."""
    parts = resource_arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("table/"):
        return None
    name, _, rest = parts[5][len("table/"):].partition("/")
    if rest.startswith("stream/"):
        owner = resource_arn
    elif not rest or rest.startswith("index/"):
        owner = ":".join(parts[:5]) + ":table/" + name
    else:
        return None  # backups, exports and imports carry no resource policy
    the_store = storage.store_of(cloud)
    found: str | None = the_store.read_value(
        "SELECT policy FROM dynamodb_resource_policies WHERE resource_arn = ?", (owner,))
    return found
