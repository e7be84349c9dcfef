"""S3's tables, and the store handle every S3 module uses.

Bucket names are global (one namespace across accounts and regions), so `s3_buckets` is keyed
by name alone. Keys are stored as UTF-8 BLOBs: SQLite compares BLOBs with memcmp, which is
exactly S3's key order (UTF-8 binary), and a prefix's end is simply `prefix + b"\\xff"` (no
UTF-8 string contains the byte 0xFF).

The current version of each key lives in `s3_objects` (a delete marker too, when it is the
latest); older versions of versioned buckets live in `s3_versions`. `seq` orders versions:
larger is newer. An object's bytes are one blob, or for a completed multipart upload the
parts' blobs in order (`blob_ids` space-separated, `part_sizes` alike), so completing an
upload never copies bytes. A small object's bytes are a row of `s3_inline` (see inline.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.context import RequestContext
from pocketcloud.store import Store

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

_OBJECT_COLUMNS_SQL = """
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        seq INTEGER NOT NULL,
        version_id TEXT NOT NULL,
        delete_marker INTEGER NOT NULL,
        blob_ids TEXT NOT NULL,
        part_sizes TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified REAL NOT NULL,
        storage_class TEXT NOT NULL,
        headers TEXT NOT NULL,
        metadata TEXT NOT NULL,
        checksum TEXT NOT NULL,
        tags TEXT NOT NULL,
        owner TEXT NOT NULL
"""

# the bucket's owner for the rows of a bucket with ACLs disabled (no ownership controls
# stored is the default, BucketOwnerEnforced; deleted ones, {}, ObjectWriter); the row's own
# owner otherwise
_BUCKET_OWNER_SQL = """
    CASE WHEN COALESCE((SELECT IFNULL(json_extract(c.document, '$.ObjectOwnership'), '')
                        FROM s3_bucket_configs c
                        WHERE c.bucket = {table}.bucket AND c.kind = 'ownership'),
                       'BucketOwnerEnforced') = 'BucketOwnerEnforced'
         THEN COALESCE((SELECT b.account_id FROM s3_buckets b WHERE b.name = {table}.bucket),
                       owner)
         ELSE owner END
"""

SCHEMA = (
    f"""
    CREATE TABLE s3_buckets (
        name TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        created REAL NOT NULL,
        versioning TEXT NOT NULL,
        object_lock INTEGER NOT NULL
    );
    CREATE INDEX s3_buckets_by_account ON s3_buckets (account_id, name);
    CREATE TABLE s3_bucket_configs (
        bucket TEXT NOT NULL,
        kind TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (bucket, kind)
    );
    CREATE TABLE s3_objects ({_OBJECT_COLUMNS_SQL}, PRIMARY KEY (bucket, key)) WITHOUT ROWID;
    CREATE TABLE s3_versions ({_OBJECT_COLUMNS_SQL}, PRIMARY KEY (bucket, key, seq))
        WITHOUT ROWID;
    CREATE TABLE s3_seq (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO s3_seq (id, value) VALUES (1, 0);
    CREATE TABLE s3_uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        initiated REAL NOT NULL,
        storage_class TEXT NOT NULL,
        headers TEXT NOT NULL,
        metadata TEXT NOT NULL,
        checksum TEXT NOT NULL,
        tags TEXT NOT NULL,
        owner TEXT NOT NULL
    );
    CREATE INDEX s3_uploads_by_key ON s3_uploads (bucket, key, initiated);
    CREATE TABLE s3_parts (
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        blob_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified REAL NOT NULL,
        checksum TEXT NOT NULL,
        PRIMARY KEY (upload_id, part_number)
    ) WITHOUT ROWID;
    """,
    # 2: small objects' bytes in the database (services/s3/inline.py)
    """
    CREATE TABLE s3_inline (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
    """,
    # 3: `owner` becomes the object's owner (services/s3/ownership.py), not just its writer:
    # a version another account wrote while ACLs were disabled belongs to the bucket owner.
    # An upload keeps its initiator in `owner` and the completed object's owner beside it.
    f"""
    UPDATE s3_objects SET owner = {_BUCKET_OWNER_SQL.format(table="s3_objects")};
    UPDATE s3_versions SET owner = {_BUCKET_OWNER_SQL.format(table="s3_versions")};
    ALTER TABLE s3_uploads ADD COLUMN object_owner TEXT NOT NULL DEFAULT '';
    """,
    # 4: a restore's notifications still to send when the clock reaches `due`: Completed when
    # the restored copy is ready, Delete when it expires (services/s3/restore_events.py)
    """
    CREATE TABLE s3_restore_events (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        version_id TEXT NOT NULL,
        event TEXT NOT NULL,
        due REAL NOT NULL,
        PRIMARY KEY (bucket, key, version_id, event)
    ) WITHOUT ROWID;
    CREATE INDEX s3_restore_events_due ON s3_restore_events (due);
    """,
)

OBJECT_COLUMNS = (
    "key, seq, version_id, delete_marker, blob_ids, part_sizes, size, etag, last_modified, "
    "storage_class, headers, metadata, checksum, tags, owner"
)

def s3_store(ctx: RequestContext) -> Store:
    return store_of(ctx.cloud)


def store_of(cloud: Cloud) -> Store:
    """The cloud's store with S3's tables, for code that has no request (jobs, hooks)."""
    store = cloud.store
    store.ensure_schema("s3", SCHEMA)
    return store


def key_bytes(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


def key_text(key: bytes) -> str:
    return key.decode("utf-8", "surrogatepass")
