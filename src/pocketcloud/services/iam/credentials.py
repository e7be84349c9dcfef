"""What the gateway asks IAM per request, answered from in-memory caches.

- ``lookup_access_key(cloud, access_key_id) -> Credential | None``: IAM users' keys (AKIA...)
  and STS sessions' temporary keys (ASIA...). None for a key IAM does not know (the gateway
  then applies its root-key convention).
- ``principal_policies(cloud, credential) -> PrincipalPolicies``: the identity policies
  (inline, attached, and the user's groups'), the permissions boundary and the session
  policies, parsed.
- ``authorization_principal(cloud, credential) -> Principal``: the engine's principal
  (tags, user id, role ARN).

Every IAM/STS write bumps a generation (schema.writing); a cache that sees a new generation
starts over, so a change is visible to the very next request. A hit costs a dict lookup.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pocketcloud.arns import global_arn
from pocketcloud.iam import Policy, PolicyError, Principal, parse_policy
from pocketcloud.services.iam.inline import attached_arns, inline_documents
from pocketcloud.services.iam.managed import default_document
from pocketcloud.services.iam.schema import generation, reading
from pocketcloud.store import Tx

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.context import RequestContext

MAX_CACHED = 10_000


@dataclass(frozen=True)
class Credential:
    """An access key and who it speaks for. Field names match the gateway's KeyRecord."""

    account_id: str
    principal_arn: str  # user ARN, arn:aws:sts::A:assumed-role/R/S, or arn:aws:iam::A:root
    principal_type: str  # "user" | "assumed-role" | "federated-user" | "root"
    secret_key: str = ""
    session_token: str | None = None  # expected X-Amz-Security-Token (sessions only)
    expires_at_s: float | None = None  # on the cloud clock (sessions only)
    active: bool = True
    role_arn: str = ""  # the assumed role's ARN, with its path
    user_id: str = ""  # AIDA... or AROA...:session
    session_policies: tuple[str, ...] = ()  # documents that limit a session
    source_identity: str | None = None
    session_tags: dict[str, str] = field(default_factory=dict)
    chained: bool = False  # a session made from another role session (role chaining)
    access_key_id: str = ""
    transitive_tag_keys: tuple[str, ...] = ()  # session tags that pass to chained sessions
    mfa_authenticated_at: float | None = None  # when the session's MFA code was checked
    source_user_arn: str = ""  # a federated user's IAM user (or root): its policies bound it

    @property
    def status(self) -> str:
        return "Active" if self.active else "Inactive"


@dataclass(frozen=True)
class PrincipalPolicies:
    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    session: tuple[Policy, ...] = ()


class _Cache:
    def __init__(self, store: object) -> None:
        self.generation = -1
        self.entries: dict[Any, Any] = {}
        # the store itself, not only its id: a later store may reuse a collected one's id
        self.store = weakref.ref(store)


_keys: dict[int, _Cache] = {}
_policies: dict[int, _Cache] = {}
_principals: dict[int, _Cache] = {}
_MISSING = object()


def _cache(caches: dict[int, _Cache], cloud: Cloud) -> dict[Any, Any]:
    """The store's entries, emptied when IAM changed (or they grew past the bound)."""
    store = cloud.store
    found = caches.get(id(store))
    if found is None or found.store() is not store:
        found = caches[id(store)] = _Cache(store)
    current = generation(cloud)
    if current != found.generation or len(found.entries) > MAX_CACHED:
        found.entries = {}
        found.generation = current
    return found.entries


def lookup_access_key(cloud: Cloud, access_key_id: str) -> Credential | None:
    entries = _cache(_keys, cloud)
    found = entries.get(access_key_id, _MISSING)
    if found is _MISSING:
        found = _load_key(cloud, access_key_id) if _plausible(access_key_id) else None
        entries[access_key_id] = found
    return found  # type: ignore[return-value]


def _plausible(access_key_id: str) -> bool:
    return len(access_key_id) == 20 and access_key_id[:4] in ("AKIA", "ASIA")


def _load_key(cloud: Cloud, access_key_id: str) -> Credential | None:
    with reading(cloud) as tx:
        if access_key_id.startswith("AKIA"):
            row = tx.fetchone(
                "SELECT k.account_id, k.secret, k.status, u.name, u.path, u.user_id FROM "
                "iam_access_keys k JOIN iam_users u ON u.account_id = k.account_id AND "
                "u.name = k.user_name WHERE k.access_key_id = ?", (access_key_id,))
            if row is None:
                return None
            account_id, secret, status, name, path, user_id = row
            return Credential(account_id, global_arn("iam", account_id, f"user{path}{name}"),
                              "user", secret, active=status == "Active", user_id=user_id,
                              access_key_id=access_key_id)
        session = tx.fetchone(
            "SELECT account_id, secret, session_token, principal_arn, principal_type, role_arn, "
            "user_id, expires_at, session_policies, source_identity, tags, chained, "
            "transitive_keys, mfa_at, source_user_arn FROM "
            "iam_sessions WHERE access_key_id = ?", (access_key_id,))
    if session is None:
        return None
    (account_id, secret, token, arn, kind, role_arn, user_id, expires_at, policies,
     source_identity, tags, chained, transitive, mfa_at, source_user) = session
    return Credential(account_id, arn, kind, secret, token, expires_at, True, role_arn, user_id,
                      tuple(json.loads(policies)), source_identity, json.loads(tags),
                      bool(chained), access_key_id, tuple(json.loads(transitive)), mfa_at,
                      source_user)


def root_credential(account_id: str) -> Credential:
    return Credential(account_id, global_arn("iam", account_id, "root"), "root",
                      user_id=account_id)


def caller_of(ctx: RequestContext) -> Credential:
    """Who signed this request, whatever the IAM mode: an IAM key's user or session, else the
    account's root (the root-key convention: ``test`` or a 12-digit account id)."""
    if ctx.access_key_id:
        found = lookup_access_key(ctx.cloud, ctx.access_key_id)
        if found is not None:
            return found
    return root_credential(ctx.account_id)


def principal_policies(cloud: Cloud, credential: Credential) -> PrincipalPolicies:
    entries = _cache(_policies, cloud)
    key = (credential.principal_arn, credential.role_arn, credential.session_policies,
           credential.source_user_arn)
    found = entries.get(key)
    if found is None:
        found = _load_policies(cloud, credential)
        entries[key] = found
    return found  # type: ignore[no-any-return]


def _load_policies(cloud: Cloud, credential: Credential) -> PrincipalPolicies:
    sessions = tuple(_parsed(doc, f"session policy of {credential.principal_arn}")
                     for doc in credential.session_policies)
    if credential.principal_type == "user":
        return _entity_policies(cloud, credential.account_id, "user",
                                credential.principal_arn.rsplit("/", 1)[1], sessions)
    if credential.principal_type == "assumed-role" and credential.role_arn:
        return _entity_policies(cloud, credential.account_id, "role",
                                credential.role_arn.rsplit("/", 1)[1], sessions)
    if credential.principal_type == "federated-user":
        return _federated_policies(cloud, credential, sessions)
    return PrincipalPolicies(session=sessions)


def _federated_policies(
    cloud: Cloud, credential: Credential, sessions: tuple[Policy, ...]
) -> PrincipalPolicies:
    """GetFederationToken's session: the calling user's policies intersected with the
    session policies; without a session policy it may do nothing (as AWS documents)."""
    sessions = sessions or (Policy((), name="no session policy"),)
    source = credential.source_user_arn
    if ":user/" in source:
        return _entity_policies(cloud, credential.account_id, "user", source.rsplit("/", 1)[1],
                                sessions)
    return PrincipalPolicies((_ROOT_POLICY,), None, sessions)  # the root user may do anything


_ROOT_POLICY = parse_policy('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                            '"Action": "*", "Resource": "*"}]}', "identity", "root user")


def entity_policies(cloud: Cloud, account_id: str, kind: str, name: str) -> PrincipalPolicies:
    """A user's or role's own policies (Simulate*, AssumeRole's identity-side check)."""
    return _entity_policies(cloud, account_id, kind, name, ())


def _entity_policies(
    cloud: Cloud, account_id: str, kind: str, name: str, sessions: tuple[Policy, ...]
) -> PrincipalPolicies:
    with reading(cloud) as tx:
        table = "iam_users" if kind == "user" else "iam_roles"
        boundary_arn = tx.fetchvalue(f"SELECT boundary_arn FROM {table} WHERE account_id = ? "
                                     "AND name = ?", (account_id, name))
        owners = [(kind, name)]
        if kind == "user":
            owners += [("group", g[0]) for g in tx.fetchall(
                "SELECT group_name FROM iam_group_members WHERE account_id = ? AND "
                "user_name = ?", (account_id, name))]
        policies = [p for owner in owners for p in _owner_policies(tx, account_id, *owner)]
        boundary = None
        if boundary_arn:
            document = default_document(tx, account_id, boundary_arn)
            boundary = _parsed(document, boundary_arn) if document else None
    return PrincipalPolicies(tuple(policies), boundary, sessions)


def _owner_policies(tx: Tx, account_id: str, kind: str, owner: str) -> list[Policy]:
    policies = [_parsed(doc, f"inline policy {name} of {kind} {owner}")
                for name, doc in inline_documents(tx, account_id, kind, owner)]
    for arn in attached_arns(tx, account_id, kind, owner):
        document = default_document(tx, account_id, arn)
        if document is not None:
            policies.append(_parsed(document, arn))
    return policies


def _parsed(document: str, name: str) -> Policy:
    try:
        return parse_policy(document, "identity", name)
    except PolicyError:  # stored documents were validated; an old one grants nothing
        return Policy((), name=name)


def authorization_principal(cloud: Cloud, credential: Credential) -> Principal:
    entries = _cache(_principals, cloud)
    found = entries.get(credential.access_key_id or credential.principal_arn)
    if found is None:
        found = _load_principal(cloud, credential)
        entries[credential.access_key_id or credential.principal_arn] = found
    return found  # type: ignore[no-any-return]


def _load_principal(cloud: Cloud, credential: Credential) -> Principal:
    tags: dict[str, str] = {}
    name = ""
    if credential.principal_type in ("user", "assumed-role"):
        kind = "user" if credential.principal_type == "user" else "role"
        entity = (credential.principal_arn if kind == "user" else credential.role_arn)
        name = entity.rsplit("/", 1)[1] if "/" in entity else ""
        with reading(cloud) as tx:
            stored = tx.fetchvalue(f"SELECT tags FROM iam_{kind}s WHERE account_id = ? AND "
                                   "name = ?", (credential.account_id, name))
        tags = {t["Key"]: t["Value"] for t in json.loads(stored or "[]")}
    tags.update(credential.session_tags)
    return Principal(credential.principal_arn, credential.account_id, credential.principal_type,
                     tags, credential.role_arn, credential.user_id or credential.account_id,
                     name if credential.principal_type == "user" else "",
                     credential.source_identity or "")
