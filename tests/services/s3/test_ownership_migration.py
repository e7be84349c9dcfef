"""The S3 schema's third migration: a stored `owner` becomes the object's owner. Versions that
another account wrote to a bucket with ACLs disabled (no ownership controls: the default)
belong to the bucket owner; where ACLs are enabled, the writer stays the owner."""

from __future__ import annotations

from pathlib import Path

from pocketcloud.services.s3.schema import SCHEMA
from pocketcloud.store import Store

OWNER, WRITER = "000000000000", "111111111111"


def _object(bucket: str, key: bytes, owner: str) -> tuple[object, ...]:
    return (bucket, key, 1, "null", 0, "", "", 0, '""', 0.0, "STANDARD", "{}", "{}", "{}", "{}",
            owner)


def test_owners_after_the_migration(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.ensure_schema("s3", SCHEMA[:2])
    with store.write() as tx:
        for name in ("enforced", "writer", "deleted"):
            tx.execute("INSERT INTO s3_buckets VALUES (?, ?, 'us-east-1', 0, '', 0)",
                       (name, OWNER))
            for table in ("s3_objects", "s3_versions"):
                tx.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * 16)})",
                           _object(name, b"k", WRITER))
        tx.execute("INSERT INTO s3_bucket_configs VALUES ('writer', 'ownership', "
                   """'{"ObjectOwnership":"ObjectWriter"}')""")
        tx.execute("INSERT INTO s3_bucket_configs VALUES ('deleted', 'ownership', '{}')")
        tx.execute("INSERT INTO s3_uploads VALUES ('u', 'writer', x'6b', 0, 'STANDARD', '{}', "
                   f"'{{}}', '{{}}', '{{}}', '{WRITER}')")
    store.ensure_schema("s3", SCHEMA)
    with store.read() as tx:
        for table in ("s3_objects", "s3_versions"):
            owners = dict(tx.fetchall(f"SELECT bucket, owner FROM {table}"))
            assert owners == {"enforced": OWNER, "writer": WRITER, "deleted": WRITER}
        assert tx.fetchall("SELECT owner, object_owner FROM s3_uploads") == [(WRITER, "")]
    store.close()
