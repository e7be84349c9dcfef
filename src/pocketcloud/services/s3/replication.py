"""Replication: new object versions (and delete markers, where a rule says so) copied to the
destination buckets of the source bucket's rules, asynchronously, as S3 does.

A write that a rule matches is committed with ReplicationStatus PENDING and its jobs in the
same transaction (plan_created/plan_marker before, queue inside, wake after), so a version
that exists is never forgotten by replication, even across ``kill -9``. The
``s3-replication`` background job copies each version's bytes into a blob of the
destination's region (replication is, with an explicit copy, the only way bytes leave a
region), keeps its version id, ETag, metadata, tags and last-modified time, and marks the
replica REPLICA and the source COMPLETED (while either bucket's region is down the job
waits, the version still PENDING; FAILED when the destination is gone, no longer
versioned, without Object Lock for a locked source, or another account's whose bucket
policy does not let the rule's role replicate into it). Replicas are not replicated again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pocketcloud.context import RequestContext
from pocketcloud.iam import AuthorizationRequest, PolicyError, Principal, evaluate, parse_policy
from pocketcloud.infra.faults import is_region_down
from pocketcloud.services.s3.buckets import Bucket, bucket_named
from pocketcloud.services.s3.configs import read_config
from pocketcloud.services.s3.inline import is_inline, read_inline, store_inline
from pocketcloud.services.s3.replication_config import (
    CONFIG_KIND,
    destination_bucket,
    replication_rules,
)
from pocketcloud.services.s3.resource_policy import resource_policy
from pocketcloud.services.s3.rows import ObjectRow, update_headers, version_row, write_version
from pocketcloud.services.s3.rule_filters import matches, rule_prefix
from pocketcloud.services.s3.schema import key_bytes, key_text, store_of
from pocketcloud.services.s3.seqs import next_seq, reserve
from pocketcloud.store import Store

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

log = logging.getLogger("pocketcloud.s3.replication")

JOB_NAME = "s3-replication"
INTERVAL_S = 1.0
BATCH = 16  # jobs per tick: the loop stays responsive however long the queue grows
MAX_ATTEMPTS = 5
RETRY_DELAY_S = 2.0
STATUS = "ReplicationStatus"

SCHEMA = (
    """
    CREATE TABLE s3_replication_jobs (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        key BLOB NOT NULL,
        version_id TEXT NOT NULL,
        destination TEXT NOT NULL,
        storage_class TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        due REAL NOT NULL
    );
    """,
    # a finished copy asks whether the version has others still queued
    "CREATE INDEX s3_replication_jobs_version ON s3_replication_jobs (source, key, version_id);",
)


Targets = dict[str, str]  # destination bucket -> storage class ("": the source's)


def plan_created(ctx: RequestContext, bucket: Bucket, row: ObjectRow) -> Targets:
    """Before a write path commits `row`: where a rule sends it. The row is then marked
    PENDING, and `queue` adds the jobs in the write's own transaction."""
    if row.headers.get(STATUS) == "REPLICA" or bucket.versioning != "Enabled":
        return {}
    targets = _targets(ctx, bucket, lambda rule: _matches(rule, row))
    if targets:
        _store(ctx.cloud)  # the jobs' table exists before the transaction begins
        row.headers = {**row.headers, STATUS: "PENDING"}
    return targets


def plan_marker(ctx: RequestContext, bucket: Bucket, key: str) -> Targets:
    """Before a delete makes a marker: where it is replicated (DeleteMarkerReplication on in
    the V2 schema; a V1 rule, without Filter, replicates users' markers unless it says
    Disabled)."""
    if bucket.versioning != "Enabled":
        return {}
    row = ObjectRow(key=key)
    targets = _targets(ctx, bucket, lambda rule: (
        _replicates_markers(rule) and _matches(rule, row)))
    if targets:
        _store(ctx.cloud)
    return targets


def queue(tx: Any, ctx: RequestContext, bucket: str, key: str, version_id: str,
          targets: Targets) -> None:
    """The version's jobs, in the transaction that commits it: a version that exists is
    never forgotten by replication, even across ``kill -9``."""
    if not targets:
        return  # (and the table may not exist yet)
    now = ctx.cloud.clock.now()
    tx.executemany(
        "INSERT INTO s3_replication_jobs (source, key, version_id, destination, "
        "storage_class, attempts, due) VALUES (?, ?, ?, ?, ?, 0, ?)",
        [(bucket, key_bytes(key), version_id, destination, storage_class, now)
         for destination, storage_class in targets.items()])


def wake(ctx: RequestContext, targets: Targets) -> None:
    """After the commit: copy now rather than at the next tick."""
    if targets:
        ctx.cloud.background.wake(JOB_NAME)


def _replicates_markers(rule: dict[str, Any]) -> bool:
    status = (rule.get("DeleteMarkerReplication") or {}).get("Status")
    return status == "Enabled" if "Filter" in rule else status != "Disabled"


def _targets(ctx: RequestContext, bucket: Bucket, wanted: Any) -> Targets:
    """destination bucket -> storage class, from the highest-priority matching rule each."""
    targets: Targets = {}
    for rule in replication_rules(ctx, bucket.name):
        destination = destination_bucket(rule)
        if destination not in targets and wanted(rule):
            targets[destination] = str(rule["Destination"].get("StorageClass") or "")
    return targets


def _matches(rule: dict[str, Any], row: ObjectRow) -> bool:
    return row.key.startswith(rule_prefix(rule)) and matches(rule, row)


def _store(cloud: Cloud) -> Store:
    return store_of(cloud).ensure_schema("s3_replication", SCHEMA)


def _context(cloud: Cloud) -> RequestContext:
    return RequestContext(cloud=cloud, request_id="", account_id="", region="", service="s3")


async def tick(cloud: Cloud) -> None:
    """Copy what is due, a bounded batch at a time."""
    store = _store(cloud)
    with store.read() as tx:
        jobs = tx.fetchall(
            "SELECT id, source, key, version_id, destination, storage_class, attempts "
            "FROM s3_replication_jobs WHERE due <= ? ORDER BY id LIMIT ?",
            (cloud.clock.now(), BATCH))
    for job in jobs:
        try:
            await _replicate(cloud, *job[:6])
        except Exception:
            log.exception("replication of %s to %s failed; it is retried", job[2], job[4])
            _retry(cloud, job[0], job[6], job[1], key_text(job[2]), job[3])
    if len(jobs) == BATCH:
        cloud.background.wake(JOB_NAME)


async def _replicate(cloud: Cloud, job_id: int, source: str, key_blob: bytes, version_id: str,
                     destination: str, storage_class: str) -> None:
    ctx = _context(cloud)
    store = _store(cloud)
    key = key_text(key_blob)
    with store.read() as tx:
        row = version_row(tx, source, key, version_id)
    target = bucket_named(store, destination)
    if _region_down(cloud, store, source, target):
        _defer(cloud, job_id)  # S3 keeps the version PENDING through an outage and copies later
        return
    if row is None:  # the version was deleted before it could be copied: nothing to do
        _finish(cloud, job_id, source, key, version_id, None)
        return
    if target is None or target.versioning != "Enabled" or not _may_write(
            cloud, store, source, target, key, row.delete_marker):
        _finish(cloud, job_id, source, key, version_id, "FAILED")
        return
    from pocketcloud.services.s3.objects import delete_blobs  # objects imports this module

    replica, file_blobs, inline_data = await _replica_of(ctx, row, target, storage_class)
    reserve(store)
    try:
        with store.write() as tx:
            if version_row(tx, target.name, key, version_id) is not None:
                garbage = file_blobs  # copied before (a retry after a crash): keep the first
            else:
                replica.blob_ids = (file_blobs if inline_data is None
                                    else [store_inline(tx, inline_data)])
                replica.seq = next_seq(store, tx)
                garbage = write_version(tx, target.name, "Enabled", replica)
            _settle(tx, job_id, source, key, version_id, "COMPLETED")
    except BaseException:
        delete_blobs(ctx, file_blobs)
        raise
    delete_blobs(ctx, garbage)


def _region_down(cloud: Cloud, store: Store, source: str, target: Bucket | None) -> bool:
    origin = bucket_named(store, source)
    regions = {b.region for b in (origin, target) if b is not None}
    return any(is_region_down(cloud, region) for region in regions)


def _defer(cloud: Cloud, job_id: int) -> None:
    """Try again later without spending an attempt: an outage is not the copy's fault."""
    with _store(cloud).write() as tx:
        tx.execute("UPDATE s3_replication_jobs SET due = ? WHERE id = ?",
                   (cloud.clock.now() + RETRY_DELAY_S, job_id))


def _may_write(cloud: Cloud, store: Any, source: str, target: Bucket, key: str,
               marker: bool) -> bool:
    """Another account's bucket takes replicas only where its policy allows the rule's role
    (s3:ReplicateObject, s3:ReplicateDelete for markers), as S3 writes there as that role.
    The role's own permissions are not checked, in any account. An Object Lock source needs
    an Object Lock destination (S3's DstBucketObjectLockConfigMissing)."""
    owner = bucket_named(store, source)
    if owner is None or (owner.object_lock and not target.object_lock):
        return False
    if owner.account_id == target.account_id:
        return True
    role = str((read_config(store, source, CONFIG_KIND) or {}).get("Role") or "")
    arn = f"arn:aws:s3:::{target.name}/{key}"
    document = resource_policy(cloud, arn)
    if not role or not document:
        return False
    try:
        policy = parse_policy(document, "resource")
    except PolicyError:
        return False
    session = f"arn:aws:sts::{owner.account_id}:assumed-role/{role.rsplit('/', 1)[-1]}/s3"
    request = AuthorizationRequest(
        principal=Principal(session, owner.account_id, "assumed-role", role_arn=role),
        action="s3:ReplicateDelete" if marker else "s3:ReplicateObject", resources=[arn],
        identity_policies=(_ROLE_SIDE,), resource_policy=policy,
        resource_account=target.account_id)
    return evaluate(request).allowed


_ROLE_SIDE = parse_policy('{"Version": "2012-10-17", "Statement": '
                          '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}')


async def _replica_of(ctx: RequestContext, row: ObjectRow, target: Bucket,
                      storage_class: str) -> tuple[ObjectRow, list[str], bytes | None]:
    """The replica's row, the blob files made for it in the destination's region, and the
    bytes of a small object (kept inline, written with the replica's row)."""
    from pocketcloud.services.s3.copying import copy_bytes  # (imports objects: see above)
    from pocketcloud.services.s3.objects import delete_blobs

    replica = ObjectRow(
        key=row.key, version_id=row.version_id, delete_marker=row.delete_marker,
        part_sizes=list(row.part_sizes), size=row.size, etag=row.etag,
        last_modified=row.last_modified, storage_class=storage_class or row.storage_class,
        headers={**row.headers, STATUS: "REPLICA"} if not row.delete_marker else {},
        metadata=dict(row.metadata), checksum=dict(row.checksum), tags=dict(row.tags),
        owner=row.owner)
    if row.delete_marker or not row.blob_ids:
        return replica, [], None
    if is_inline(row.blob_ids):
        return replica, [], read_inline(ctx.cloud.store, row.blob_ids[0]) or b""
    files: list[str] = []
    sizes = row.part_sizes or [row.size]
    try:
        for blob_id, size in zip(row.blob_ids, sizes, strict=True):
            part = ObjectRow(key=row.key, blob_ids=[blob_id], size=size)
            files.append((await copy_bytes(ctx, part, target.region)).blob_id)
    except BaseException:
        delete_blobs(ctx, files)
        raise
    return replica, files, None


def _settle(tx: Any, job_id: int, source: str, key: str, version_id: str,
            outcome: str) -> None:
    """Drop the job and set the source's status as S3 does for one or several destinations:
    FAILED once any failed, PENDING while another's copy is queued, else COMPLETED. The
    headers are read here, so a legal hold or retention set during the copy stays."""
    tx.execute("DELETE FROM s3_replication_jobs WHERE id = ?", (job_id,))
    row = version_row(tx, source, key, version_id)
    if row is None or row.delete_marker:
        return
    if outcome == "FAILED" or row.headers.get(STATUS) == "FAILED":
        status = "FAILED"
    elif tx.fetchone("SELECT 1 FROM s3_replication_jobs WHERE source = ? AND key = ? "
                     "AND version_id = ? LIMIT 1", (source, key_bytes(key), version_id)):
        status = "PENDING"
    else:
        status = "COMPLETED"
    update_headers(tx, source, key, version_id, {**row.headers, STATUS: status})


def _finish(cloud: Cloud, job_id: int, source: str, key: str, version_id: str,
            status: str | None) -> None:
    with _store(cloud).write() as tx:
        if status is None:
            tx.execute("DELETE FROM s3_replication_jobs WHERE id = ?", (job_id,))
        else:
            _settle(tx, job_id, source, key, version_id, status)


def _retry(cloud: Cloud, job_id: int, attempts: int, source: str, key: str,
           version_id: str) -> None:
    if attempts + 1 >= MAX_ATTEMPTS:
        _finish(cloud, job_id, source, key, version_id, "FAILED")
        return
    with _store(cloud).write() as tx:
        tx.execute("UPDATE s3_replication_jobs SET attempts = attempts + 1, due = ? WHERE id = ?",
                   (cloud.clock.now() + RETRY_DELAY_S * (attempts + 1), job_id))


def start(cloud: Cloud) -> None:
    cloud.background.every(JOB_NAME, INTERVAL_S, tick)

