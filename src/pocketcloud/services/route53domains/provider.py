"""Amazon Route 53 Domains: registering a domain here needs no registry and no network.

A domain is available unless some account of this cloud holds it; registering it succeeds at
once (its operation is SUCCESSFUL) and creates its public hosted zone through Route 53's own
CreateHostedZone, whose name servers become the domain's, as Route 53 does for a domain it
registers. Supported top-level domains are a fixed list (SUPPORTED_TLDS).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.internal import call
from pocketcloud.services.route53domains.schema import ready_store

SUPPORTED_TLDS = frozenset({
    "com", "net", "org", "info", "biz", "io", "dev", "app", "co", "me", "tv", "cloud", "tech",
    "online", "site", "xyz", "click", "link", "de", "fr", "it", "es", "nl", "be", "ch", "se",
    "co.uk", "uk", "ca", "us", "jp", "in", "com.au", "net.au", "nz", "eu", "ie", "at",
})
DURATION_YEARS = range(1, 11)
DOMAIN_LENGTH_MAX = 255
LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
LIST_DOMAINS_DEFAULT = 20
LIST_DOMAINS_MAX = 100
YEAR_S = 365 * 24 * 3600
REGISTRAR = {
    "RegistrarName": "Amazon Registrar, Inc.",
    "WhoIsServer": "whois.registrar.amazon.com",
    "RegistrarUrl": "http://registrar.amazon.com",
    "AbuseContactEmail": "abuse@registrar.amazon.com",
    "AbuseContactPhone": "+1.2067406200",
}


def _domain(raw: str) -> str:
    name = (raw or "").strip().lower().rstrip(".")
    labels = name.split(".")
    if not name or len(name) > DOMAIN_LENGTH_MAX or len(labels) < 2 or any(
            not label or len(label) > 63 or set(label) - LABEL_CHARS or label[0] == "-" or
            label[-1] == "-" for label in labels):
        raise AwsError("InvalidInput", f"Domain name {raw!r} is not valid.")
    tld = ".".join(labels[-2:]) if ".".join(labels[-2:]) in SUPPORTED_TLDS else labels[-1]
    if tld not in SUPPORTED_TLDS or len(labels) != len(tld.split(".")) + 1:
        raise AwsError("UnsupportedTLD", f"Amazon Route 53 does not support the top-level "
                       f"domain (TLD) `.{labels[-1]}`." if tld not in SUPPORTED_TLDS else
                       f"{name} is not a second-level domain of .{tld}.")
    return name


def check_domain_availability(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _domain(params.get("DomainName") or "")
    with ready_store(ctx.cloud.store).read() as tx:
        taken = tx.fetchvalue("SELECT 1 FROM route53domains_domains WHERE domain_name = ?",
                              (name,))
    return {"Availability": "UNAVAILABLE" if taken else "AVAILABLE"}


def register_domain(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _domain(params.get("DomainName") or "")
    years = int(params.get("DurationInYears") or 0)
    if years not in DURATION_YEARS:
        raise AwsError("InvalidInput", "DurationInYears must be between 1 and 10.")
    for role in ("AdminContact", "RegistrantContact", "TechContact"):
        _check_contact(role, params.get(role) or {})
    cloud = ctx.cloud
    operation_id = cloud.ids.uuid4()
    now = cloud.clock.now()
    store = ready_store(cloud.store)
    with store.read() as tx:
        taken = tx.fetchvalue("SELECT 1 FROM route53domains_domains WHERE domain_name = ?",
                              (name,))
    if taken:
        raise AwsError("InvalidInput", f"Domain {name} is not available for registration.")
    # Providers run one at a time on the event loop: nothing registers it in between.
    zone = call(cloud, "route53", "CreateHostedZone", {
        "Name": name, "CallerReference": f"RegisterDomain-{operation_id}",
        "HostedZoneConfig": {"Comment": "HostedZone created by Route53 Registrar"}},
        account_id=ctx.account_id, region="us-east-1")
    detail = _detail(params, name, years, now, zone["DelegationSet"]["NameServers"])
    with store.write() as tx:
        tx.execute("INSERT INTO route53domains_domains VALUES (?, ?, ?, ?)",
                   (name, ctx.account_id, json.dumps(detail), now))
        tx.execute("INSERT INTO route53domains_operations VALUES (?, ?, ?, ?, ?)",
                   (operation_id, ctx.account_id, name, "REGISTER_DOMAIN", now))
    return {"OperationId": operation_id}


def _check_contact(role: str, contact: dict[str, Any]) -> None:
    missing = [f for f in ("FirstName", "LastName", "ContactType", "Email") if not contact.get(f)]
    if missing:
        raise AwsError("InvalidInput", f"{role} is missing {', '.join(missing)}.")


def _detail(params: dict[str, Any], name: str, years: int, now: float,
            servers: list[str]) -> dict[str, Any]:
    return {
        "DomainName": name,
        "Nameservers": [{"Name": s.rstrip(".")} for s in servers],
        "AutoRenew": params.get("AutoRenew", True) is not False,
        "AdminContact": params["AdminContact"],
        "RegistrantContact": params["RegistrantContact"],
        "TechContact": params["TechContact"],
        "AdminPrivacy": params.get("PrivacyProtectAdminContact", True) is not False,
        "RegistrantPrivacy": params.get("PrivacyProtectRegistrantContact", True) is not False,
        "TechPrivacy": params.get("PrivacyProtectTechContact", True) is not False,
        "CreationDate": now,
        "UpdatedDate": now,
        "ExpirationDate": now + years * YEAR_S,
        "StatusList": ["clientTransferProhibited"],
        "DnsSec": "unsigned",
        **REGISTRAR,
    }


def _dates(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: datetime.fromtimestamp(v, UTC) if k.endswith("Date") else v
            for k, v in detail.items()}


def get_domain_detail(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _domain(params.get("DomainName") or "")
    with ready_store(ctx.cloud.store).read() as tx:
        data = tx.fetchvalue("SELECT data FROM route53domains_domains WHERE domain_name = ? AND "
                             "account_id = ?", (name, ctx.account_id))
    if data is None:
        raise AwsError("InvalidInput", f"Domain {name} not found in account {ctx.account_id}.")
    return _dates(json.loads(data))


def list_domains(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = int(params.get("MaxItems") or LIST_DOMAINS_DEFAULT)
    if not 1 <= limit <= LIST_DOMAINS_MAX:
        raise AwsError("InvalidInput", f"MaxItems must be between 1 and {LIST_DOMAINS_MAX}.")
    marker = params.get("Marker") or ""
    with ready_store(ctx.cloud.store).read() as tx:
        rows = tx.fetchall("SELECT domain_name, data FROM route53domains_domains WHERE "
                           "account_id = ? AND domain_name >= ? ORDER BY domain_name LIMIT ?",
                           (ctx.account_id, marker, limit + 1))
    domains = []
    for name, data in rows[:limit]:
        detail = json.loads(data)
        domains.append({"DomainName": name, "AutoRenew": detail["AutoRenew"],
                        "TransferLock": True,
                        "Expiry": datetime.fromtimestamp(detail["ExpirationDate"], UTC)})
    result: dict[str, Any] = {"Domains": domains}
    if len(rows) > limit:
        result["NextPageMarker"] = rows[limit][0]
    return result


def get_operation_detail(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    operation_id = params.get("OperationId") or ""
    with ready_store(ctx.cloud.store).read() as tx:
        row = tx.fetchone("SELECT domain_name, type, submitted_s FROM route53domains_operations "
                          "WHERE operation_id = ? AND account_id = ?",
                          (operation_id, ctx.account_id))
    if row is None:
        raise AwsError("InvalidInput", f"Operation {operation_id} not found.")
    when = datetime.fromtimestamp(row[2], UTC)
    return {"OperationId": operation_id, "Status": "SUCCESSFUL", "DomainName": row[0],
            "Type": row[1], "SubmittedDate": when, "LastUpdatedDate": when}
