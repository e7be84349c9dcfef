"""Which policies grant a service, and when a user, group, role or policy last used each
service it may use: ListPoliciesGrantingServiceAccess and the service-last-accessed reports.

A report job runs when it is asked for (GenerateServiceLastAccessedDetails) and is COMPLETED at
once; its answer is a stored snapshot. Its services are those the policies allow (an Allow
statement naming or matching one of the service's actions); when each was used comes from
what the gateway records (last_access.py). ACTION_LEVEL jobs add the actions used of the
services AWS tracks actions for.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam import Policy, PolicyError, parse_policy
from pocketcloud.iam.actions import action_prefix
from pocketcloud.iam.matching import wildcard_match
from pocketcloud.services.iam import last_access
from pocketcloud.services.iam.common import no_such_entity, page, timestamp, validation_error
from pocketcloud.services.iam.inline import attached_arns, inline_documents
from pocketcloud.services.iam.managed import default_document
from pocketcloud.services.iam.schema import reading, store_of
from pocketcloud.services.registry import PROVIDERS
from pocketcloud.store import Tx

REPORT_KIND = "service-access"
GRANULARITIES = ("SERVICE_LEVEL", "ACTION_LEVEL")
TRACKED_ACTION_SERVICES = frozenset({"s3", "ec2", "iam", "lambda"})  # AWS's action-level list
MAX_NAMESPACES = 200
JOB_ID_LENGTH = 36
_ENTITY = re.compile(r"arn:aws:iam::(\d{12}):(user|group|role)/(?:.*/)?([^/]+)")
_POLICY = re.compile(r"arn:aws:iam::(\d{12}|aws):policy/.+")
_NAMESPACE = re.compile(r"[\w-]+")
_TABLES = {"user": ("iam_users", "user_id"), "group": ("iam_groups", "group_id"),
           "role": ("iam_roles", "role_id")}


def list_policies_granting_service_access(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    namespaces = _namespaces(params["ServiceNamespaces"])
    kind, name = _entity(ctx, params["Arn"])
    with reading(ctx.cloud) as tx:
        granting = [{"ServiceNamespace": namespace, "Policies": [
            policy for policy, document in _policies(tx, ctx.account_id, kind, name)
            if namespace in granted_namespaces(document, (namespace,))]}
            for namespace in namespaces]
    return page(granting, params, "PoliciesGrantingServiceAccess")


def generate_service_last_accessed_details(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    granularity = params.get("Granularity") or "SERVICE_LEVEL"
    if granularity not in GRANULARITIES:
        raise validation_error(granularity, "granularity", "Member must satisfy enum value "
                               "set: [SERVICE_LEVEL, ACTION_LEVEL]")
    arn = params["Arn"]
    last_access.flush(ctx.cloud)
    with reading(ctx.cloud) as tx:
        documents, entities = _subject(tx, ctx.account_id, arn)
        body = _report(tx, ctx.account_id, documents, entities, granularity)
    job_id = ctx.cloud.ids.uuid4()
    with store_of(ctx.cloud).write() as tx:  # no cache holds reports: no generation bump
        tx.execute("INSERT INTO iam_reports (account_id, kind, report_id, created, body) "
                   "VALUES (?, ?, ?, ?, ?)", (ctx.account_id, REPORT_KIND, job_id,
                                              ctx.cloud.clock.now(), json.dumps(body)))
    return {"JobId": job_id}


def get_service_last_accessed_details(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    created, body = _job(ctx, params["JobId"])
    services = [_service_shape(s, body["type"]) for s in body["services"]]
    return {"JobStatus": "COMPLETED", "JobType": body["type"],
            "JobCreationDate": timestamp(created), "JobCompletionDate": timestamp(created),
            **page(services, params, "ServicesLastAccessed")}


def get_service_last_accessed_details_with_entities(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    created, body = _job(ctx, params["JobId"])
    namespace = params["ServiceNamespace"]
    if not _NAMESPACE.fullmatch(namespace) or len(namespace) > 64:
        raise validation_error(namespace, "serviceNamespace",
                               r"Member must satisfy regular expression pattern: [\w-]*")
    details = []
    for entity in body["entities"]:
        detail: dict[str, Any] = {"EntityInfo": entity["info"]}
        used = entity["used"].get(namespace)
        if used:
            detail["LastAuthenticated"] = timestamp(used[0])
        details.append(detail)
    details.sort(key=lambda d: -d["LastAuthenticated"].timestamp()
                 if "LastAuthenticated" in d else 0)  # the most recent first, as AWS sorts
    return {"JobStatus": "COMPLETED", "JobCreationDate": timestamp(created),
            "JobCompletionDate": timestamp(created),
            **page(details, params, "EntityDetailsList")}


def granted_namespaces(document: str, candidates: tuple[str, ...]) -> set[str]:
    """The candidate service namespaces an Allow statement of the policy grants an action of."""
    policy = _parsed(document)
    granted: set[str] = set()
    for statement in policy.statements:
        if statement.effect != "Allow":
            continue
        for namespace in candidates:
            if _grants(statement.actions, statement.not_action, namespace):
                granted.add(namespace)
    return granted


def _grants(actions: tuple[str, ...], negated: bool, namespace: str) -> bool:
    if negated:  # NotAction grants the service unless it leaves out all of its actions
        return not any(a == "*" or (_service_of(a, namespace) and a.endswith(":*"))
                       for a in actions)
    return any(a == "*" or _service_of(a, namespace) for a in actions)


def _service_of(action: str, namespace: str) -> bool:
    """Whether an action pattern (``s3:Get*``, ``s*:List*``) names the service's actions."""
    return ":" in action and wildcard_match(action.split(":", 1)[0], namespace,
                                            ignore_case=True)


@cache
def _parsed(document: str) -> Policy:
    try:
        return parse_policy(document, "identity")
    except PolicyError:  # stored documents were validated: an odd old one grants nothing
        return Policy(())


def _entity(ctx: RequestContext, arn: str) -> tuple[str, str]:
    match = _ENTITY.fullmatch(arn)
    if not match or match.group(1) != ctx.account_id:
        raise AwsError("InvalidInputException", f"ARN {arn} is not valid.")
    _, kind, name = match.groups()
    with reading(ctx.cloud) as tx:
        if not tx.fetchvalue(f"SELECT 1 FROM {_TABLES[kind][0]} WHERE account_id = ? AND "
                             "name = ?", (ctx.account_id, name)):
            raise no_such_entity(f"The {kind} with name {name} cannot be found.")
    return kind, name


def _namespaces(namespaces: list[str]) -> list[str]:
    if not 1 <= len(namespaces) <= MAX_NAMESPACES:
        raise validation_error(namespaces, "serviceNamespaces", "Member must have length less "
                               f"than or equal to {MAX_NAMESPACES}")
    for namespace in namespaces:
        if not _NAMESPACE.fullmatch(namespace) or len(namespace) > 64:
            raise validation_error(namespace, "serviceNamespaces", "Member must satisfy "
                                   r"regular expression pattern: [\w-]*")
    return namespaces


def _policies(
    tx: Tx, account_id: str, kind: str, name: str
) -> list[tuple[dict[str, str], str]]:
    """(shape, document) of each policy on the entity (a user's groups' too): inline ones name
    their owner, managed ones their ARN, as IAM answers them."""
    owners = [(kind, name)]
    if kind == "user":
        owners += [("group", r[0]) for r in tx.fetchall(
            "SELECT group_name FROM iam_group_members WHERE account_id = ? AND user_name = ? "
            "ORDER BY group_name", (account_id, name))]
    found: list[tuple[dict[str, str], str]] = []
    for owner_kind, owner in owners:
        for policy_name, document in sorted(inline_documents(tx, account_id, owner_kind, owner)):
            found.append(({"PolicyName": policy_name, "PolicyType": "INLINE",
                           "EntityType": owner_kind.upper(), "EntityName": owner}, document))
        for arn in sorted(attached_arns(tx, account_id, owner_kind, owner)):
            document = default_document(tx, account_id, arn) or ""
            found.append(({"PolicyName": arn.rsplit("/", 1)[1], "PolicyType": "MANAGED",
                           "PolicyArn": arn}, document))
    return found


def _subject(
    tx: Tx, account_id: str, arn: str
) -> tuple[list[str], list[tuple[str, ...]]]:
    """The report's policy documents and its entities (kind, name, id, path, ARN)."""
    policy = _POLICY.fullmatch(arn)
    if policy:
        document = default_document(tx, account_id, arn)
        if document is None:
            raise no_such_entity(f"Policy {arn} does not exist or is not attachable.")
        return [document], _policy_entities(tx, account_id, arn)
    match = _ENTITY.fullmatch(arn)
    if not match or match.group(1) != account_id:
        raise AwsError("InvalidInputException", f"ARN {arn} is not valid.")
    _, kind, name = match.groups()
    entity = _entity_row(tx, account_id, kind, name)
    if entity is None:
        raise no_such_entity(f"The {kind} with name {name} cannot be found.")
    documents = [doc for _, doc in _policies(tx, account_id, kind, name)]
    if kind != "group":
        return documents, [entity]
    members = [r[0] for r in tx.fetchall("SELECT user_name FROM iam_group_members WHERE "
                                         "account_id = ? AND group_name = ?", (account_id, name))]
    return documents, [e for m in members if (e := _entity_row(tx, account_id, "user", m))]


def _entity_row(tx: Tx, account_id: str, kind: str, name: str) -> tuple[str, ...] | None:
    table, id_column = _TABLES[kind]
    row = tx.fetchone(f"SELECT {id_column}, path FROM {table} WHERE account_id = ? AND "
                      "name = ?", (account_id, name))
    if row is None:
        return None
    return (kind, name, row[0], row[1], f"arn:aws:iam::{account_id}:{kind}{row[1]}{name}")


def _policy_entities(tx: Tx, account_id: str, arn: str) -> list[tuple[str, ...]]:
    """Users and roles that could have used the policy: attached to them or to a group of
    theirs."""
    names: set[tuple[str, str]] = set()
    for kind, owner in tx.fetchall("SELECT owner_kind, owner_name FROM iam_attachments WHERE "
                                   "account_id = ? AND policy_arn = ?", (account_id, arn)):
        if kind == "group":
            names |= {("user", r[0]) for r in tx.fetchall(
                "SELECT user_name FROM iam_group_members WHERE account_id = ? AND "
                "group_name = ?", (account_id, owner))}
        else:
            names.add((kind, owner))
    rows = [_entity_row(tx, account_id, kind, name) for kind, name in sorted(names)]
    return [row for row in rows if row is not None]


def _report(
    tx: Tx, account_id: str, documents: list[str], entities: list[tuple[str, ...]],
    granularity: str,
) -> dict[str, Any]:
    names = service_names()
    explicit = {a.split(":", 1)[0].lower() for d in documents for s in _parsed(d).statements
                for a in s.actions if ":" in a and "*" not in a.split(":", 1)[0]}
    candidates = tuple(sorted(set(names) | explicit))
    granted = sorted(set().union(*(granted_namespaces(d, candidates) for d in documents)))
    used = {entity[4]: _uses(tx, account_id, entity[4]) for entity in entities}
    services = [_service(namespace, names.get(namespace, namespace), used, granularity)
                for namespace in granted]
    return {"type": granularity, "services": services, "entities": [
        {"info": {"Arn": e[4], "Name": e[1], "Type": e[0].upper(), "Id": e[2], "Path": e[3]},
         "used": {ns: _latest(uses.get(ns, {})) for ns in uses}}
        for e, uses in ((e, used[e[4]]) for e in entities)]}


def _uses(tx: Tx, account_id: str, entity_arn: str) -> dict[str, dict[str, tuple[float, str]]]:
    """namespace -> action -> (when, region) for what the entity used."""
    uses: dict[str, dict[str, tuple[float, str]]] = {}
    for action, when, region in tx.fetchall(
            "SELECT action, last_at, region FROM iam_last_access WHERE account_id = ? AND "
            "entity_arn = ?", (account_id, entity_arn)):
        namespace, _, name = action.partition(":")
        uses.setdefault(namespace, {})[name] = (when, region)
    return uses


def _latest(actions: dict[str, tuple[float, str]]) -> tuple[float, str] | None:
    return max(actions.values(), default=None)


def _service(
    namespace: str, name: str, used: dict[str, dict[str, dict[str, tuple[float, str]]]],
    granularity: str,
) -> dict[str, Any]:
    service: dict[str, Any] = {"ServiceName": name, "ServiceNamespace": namespace,
                               "TotalAuthenticatedEntities": 0}
    latest: tuple[float, str, str] | None = None
    actions: dict[str, tuple[float, str, str]] = {}
    for entity_arn, uses in used.items():
        entity_latest = _latest(uses.get(namespace, {}))
        if entity_latest is None:
            continue
        service["TotalAuthenticatedEntities"] += 1
        if latest is None or entity_latest[0] > latest[0]:
            latest = (*entity_latest, entity_arn)
        for action, (when, region) in uses[namespace].items():
            if action not in actions or when > actions[action][0]:
                actions[action] = (when, region, entity_arn)
    if latest is not None:
        service.update(LastAuthenticated=latest[0], LastAuthenticatedRegion=latest[1],
                       LastAuthenticatedEntity=latest[2])
    if granularity == "ACTION_LEVEL" and namespace in TRACKED_ACTION_SERVICES:
        service["TrackedActionsLastAccessed"] = [
            {"ActionName": action, "LastAccessedTime": when, "LastAccessedRegion": region,
             "LastAccessedEntity": entity} for action, (when, region, entity) in sorted(
                actions.items())]
    return service


def _service_shape(stored: dict[str, Any], granularity: str) -> dict[str, Any]:
    shape = dict(stored)
    if "LastAuthenticated" in shape:
        shape["LastAuthenticated"] = timestamp(shape["LastAuthenticated"])
    if "TrackedActionsLastAccessed" in shape:
        shape["TrackedActionsLastAccessed"] = [
            {**a, "LastAccessedTime": timestamp(a["LastAccessedTime"])}
            for a in shape["TrackedActionsLastAccessed"]]
    return shape


def _job(ctx: RequestContext, job_id: str) -> tuple[float, dict[str, Any]]:
    if len(job_id) != JOB_ID_LENGTH:
        raise validation_error(job_id, "jobId", f"Member must have length greater than or "
                               f"equal to {JOB_ID_LENGTH}")
    with reading(ctx.cloud) as tx:
        row = tx.fetchone("SELECT created, body FROM iam_reports WHERE account_id = ? AND "
                          "kind = ? AND report_id = ?", (ctx.account_id, REPORT_KIND, job_id))
    if row is None:
        raise no_such_entity(f"No job with id {job_id} exists.")
    return row[0], json.loads(row[1])


@cache
def service_names() -> dict[str, str]:
    """namespace -> AWS's name for the service, for every service pocketcloud serves."""
    from pocketcloud.protocol.specs import service_model

    names: dict[str, str] = {}
    for service in sorted(PROVIDERS):
        namespace = action_prefix(service)
        names.setdefault(namespace, str(service_model(service).metadata.get(
            "serviceFullName", namespace)))
    return names

