"""CIDR collections: named sets of locations, each a list of CIDR blocks, for IP-based
routing. A collection has a version that every ChangeCidrCollection bumps; a caller that
passes CollectionVersion gets CidrCollectionVersionMismatchException when another change
came first. A location exists while it has blocks.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import max_results, store
from pocketcloud.store import Tx

COLLECTIONS_MAX = 5  # per account (AWS's default quota)
BLOCKS_PER_COLLECTION_MAX = 1000
IPV4_PREFIX_MAX, IPV6_PREFIX_MAX = 24, 48  # the longest prefixes IP-based routing takes
LIST_MAX = 100
LOCATION_BASE = "https://route53.amazonaws.com/2013-04-01/cidrcollection/"
_NAME = re.compile(r"[0-9A-Za-z_\-]{1,64}")
_LOCATION = re.compile(r"[0-9A-Za-z_\-]{1,16}")
ACTIONS = ("PUT", "DELETE_IF_EXISTS")


def _no_collection() -> AwsError:
    return AwsError("NoSuchCidrCollectionException",
                    "The CIDR collection you specified, doesn't exist.", 404)


def _collection(row: tuple[Any, ...]) -> dict[str, Any]:
    collection_id, name, version = row
    return {"Arn": arn("route53", "", "", f"cidrcollection/{collection_id}"),
            "Id": collection_id, "Name": name, "Version": version}


def _find(tx: Tx, account_id: str, collection_id: str) -> tuple[Any, ...]:
    row = tx.fetchone("SELECT collection_id, name, version FROM route53_cidr_collections "
                      "WHERE collection_id = ? AND account_id = ?",
                      (collection_id or "", account_id))
    if row is None:
        raise _no_collection()
    return row


def create_cidr_collection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name, reference = params.get("Name") or "", params.get("CallerReference") or ""
    if not _NAME.fullmatch(name):
        raise AwsError("InvalidInput", "Invalid request: Name must be 1 to 64 letters, digits, "
                       "'_' or '-'.")
    if not 1 <= len(reference) <= 64:
        raise AwsError("InvalidInput", "Invalid request: CallerReference must be 1 to 64 "
                       "characters.")
    with store(ctx.cloud).write() as tx:
        row = tx.fetchone("SELECT collection_id, name, version, caller_reference FROM "
                          "route53_cidr_collections WHERE account_id = ? AND name = ?",
                          (ctx.account_id, name))
        if row is not None and row[3] != reference:
            raise AwsError("CidrCollectionAlreadyExistsException", "A CIDR collection with "
                           "this name and a different caller reference already exists in this "
                           "account.")
        if row is None:
            row = _insert(ctx, tx, name, reference)
    return {"Collection": _collection(row[:3]), "Location": LOCATION_BASE + row[0]}


def _insert(ctx: RequestContext, tx: Tx, name: str, reference: str) -> tuple[Any, ...]:
    count = tx.fetchvalue("SELECT COUNT(*) FROM route53_cidr_collections WHERE account_id = ?",
                          (ctx.account_id,))
    if count >= COLLECTIONS_MAX:
        raise _limits_exceeded()
    collection_id = ctx.cloud.ids.uuid4()
    tx.execute("INSERT INTO route53_cidr_collections VALUES (?, ?, ?, ?, 1, ?)",
               (collection_id, ctx.account_id, name, reference, ctx.cloud.clock.now()))
    return collection_id, name, 1, reference


def _limits_exceeded() -> AwsError:
    return AwsError("LimitsExceeded", "This operation can't be completed because the current "
                    "account has reached the limit on the resource you are trying to create.")


def change_cidr_collection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    changes = params.get("Changes") or []
    if not 1 <= len(changes) <= 1000:
        raise AwsError("InvalidInput", "Invalid request: Changes must have 1 to 1000 items.")
    parsed = [_change(c) for c in changes]
    with store(ctx.cloud).write() as tx:
        collection_id, _, version = _find(tx, ctx.account_id, params.get("Id") or "")
        expected = params.get("CollectionVersion")
        if expected is not None and int(expected) != version:
            raise AwsError("CidrCollectionVersionMismatchException", "The CIDR collection "
                           "version you provided, doesn't match the one in the "
                           "ListCidrCollections operation.", 409)
        for action, location, blocks in parsed:
            _apply(tx, collection_id, action, location, blocks)
        count = tx.fetchvalue("SELECT COUNT(*) FROM route53_cidr_blocks WHERE "
                              "collection_id = ?", (collection_id,))
        if count > BLOCKS_PER_COLLECTION_MAX:
            raise _limits_exceeded()
        tx.execute("UPDATE route53_cidr_collections SET version = version + 1 WHERE "
                   "collection_id = ?", (collection_id,))
    return {"Id": collection_id}


def _change(change: dict[str, Any]) -> tuple[str, str, list[str]]:
    action, location = change.get("Action") or "", change.get("LocationName") or ""
    if action not in ACTIONS:
        raise AwsError("InvalidInput", f"Invalid request: Action must be one of {ACTIONS}.")
    if not _LOCATION.fullmatch(location):
        raise AwsError("InvalidInput", "Invalid request: LocationName must be 1 to 16 "
                       "letters, digits, '_' or '-'.")
    blocks = change.get("CidrList") or []
    if not 1 <= len(blocks) <= 1000:
        raise AwsError("InvalidInput", "Invalid request: CidrList must have 1 to 1000 items.")
    return action, location, [_cidr(b) for b in blocks]


def _cidr(text: Any) -> str:
    try:
        network = ipaddress.ip_network(str(text), strict=True)
    except ValueError:
        raise AwsError("InvalidInput", f"Invalid request: {text} is not a valid CIDR "
                       "block.") from None
    longest = IPV4_PREFIX_MAX if network.version == 4 else IPV6_PREFIX_MAX
    if network.prefixlen > longest:
        raise AwsError("InvalidInput", f"Invalid request: the CIDR block {text} has a prefix "
                       f"longer than /{longest}.")
    return str(network)


def _apply(tx: Tx, collection_id: str, action: str, location: str, blocks: list[str]) -> None:
    if action == "PUT":
        tx.executemany("INSERT OR IGNORE INTO route53_cidr_blocks VALUES (?, ?, ?)",
                       [(collection_id, location, b) for b in blocks])
        return
    tx.executemany("DELETE FROM route53_cidr_blocks WHERE collection_id = ? AND "
                   "location = ? AND cidr = ?", [(collection_id, location, b) for b in blocks])
    emptied = not tx.fetchvalue("SELECT 1 FROM route53_cidr_blocks WHERE collection_id = ? "
                                "AND location = ?", (collection_id, location))
    if emptied and _location_in_use(tx, collection_id, location):
        raise AwsError("CidrBlockInUseException", "This CIDR block is already in use.")


def _location_in_use(tx: Tx, collection_id: str, location: str) -> bool:
    """A record set routes by this location (IP-based routing names it)."""
    return tx.fetchvalue(
        "SELECT 1 FROM route53_records WHERE json_extract(data, "
        "'$.CidrRoutingConfig.CollectionId') = ? AND json_extract(data, "
        "'$.CidrRoutingConfig.LocationName') = ?", (collection_id, location)) is not None


def delete_cidr_collection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx.cloud).write() as tx:
        collection_id = _find(tx, ctx.account_id, params.get("Id") or "")[0]
        if tx.fetchvalue("SELECT 1 FROM route53_cidr_blocks WHERE collection_id = ?",
                         (collection_id,)):
            raise AwsError("CidrCollectionInUseException", "This CIDR collection is in use, "
                           "and isn't empty.")
        tx.execute("DELETE FROM route53_cidr_collections WHERE collection_id = ?",
                   (collection_id,))
    return {}


def _token(values: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode("\n".join(map(str, values)).encode()).decode()


def _after(params: dict[str, Any], parts: int) -> tuple[str, ...]:
    raw = params.get("NextToken")
    if not raw:
        return ("",) * parts
    try:
        values = tuple(base64.urlsafe_b64decode(str(raw).encode()).decode().split("\n"))
    except (ValueError, UnicodeError):
        values = ()
    if len(values) != parts:
        raise AwsError("InvalidInput", "Invalid request: NextToken is not valid.")
    return values


def list_cidr_collections(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_results(params, LIST_MAX)
    (after,) = _after(params, 1)
    with store(ctx.cloud).read() as tx:
        rows = tx.fetchall("SELECT collection_id, name, version FROM route53_cidr_collections "
                           "WHERE account_id = ? AND name > ? ORDER BY name LIMIT ?",
                           (ctx.account_id, after, limit + 1))
    result: dict[str, Any] = {"CidrCollections": [_collection(r) for r in rows[:limit]]}
    if len(rows) > limit:
        result["NextToken"] = _token((rows[limit - 1][1],))
    return result


def list_cidr_locations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_results(params, LIST_MAX)
    (after,) = _after(params, 1)
    with store(ctx.cloud).read() as tx:
        collection_id = _find(tx, ctx.account_id, params.get("CollectionId") or "")[0]
        rows = tx.fetchall("SELECT DISTINCT location FROM route53_cidr_blocks WHERE "
                           "collection_id = ? AND location > ? ORDER BY location LIMIT ?",
                           (collection_id, after, limit + 1))
    result: dict[str, Any] = {"CidrLocations": [{"LocationName": r[0]} for r in rows[:limit]]}
    if len(rows) > limit:
        result["NextToken"] = _token((rows[limit - 1][0],))
    return result


def list_cidr_blocks(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_results(params, LIST_MAX)
    after = _after(params, 2)
    location = params.get("LocationName") or ""
    sql = ("SELECT location, cidr FROM route53_cidr_blocks WHERE collection_id = ? AND "
           "(location, cidr) > (?, ?)")
    with store(ctx.cloud).read() as tx:
        collection_id = _find(tx, ctx.account_id, params.get("CollectionId") or "")[0]
        args: tuple[Any, ...] = (collection_id, *after)
        if location:
            if not tx.fetchvalue("SELECT 1 FROM route53_cidr_blocks WHERE collection_id = ? "
                                 "AND location = ?", (collection_id, location)):
                raise AwsError("NoSuchCidrLocationException", "The CIDR collection location "
                               "doesn't match any locations in your account.", 404)
            sql, args = sql + " AND location = ?", (*args, location)
        rows = tx.fetchall(sql + " ORDER BY location, cidr LIMIT ?", (*args, limit + 1))
    result: dict[str, Any] = {
        "CidrBlocks": [{"CidrBlock": c, "LocationName": loc} for loc, c in rows[:limit]]}
    if len(rows) > limit:
        result["NextToken"] = _token(rows[limit - 1])
    return result
