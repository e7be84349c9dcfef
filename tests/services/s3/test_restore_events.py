"""s3:ObjectRestore:Post, :Completed and :Delete on the cloud clock, with the event JSON AWS
documents (Event message structure: glacierEventData.restoreEventData on Completed only;
eventVersion 2.3 for restoration delete events)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from tests.services.s3.test_notifications_more import make, notified_bucket, records
from tests.support import Server, advance_clock, start_server

MINUTE_S, DAY_S = 60, 86_400


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    running = start_server()
    yield running
    running.stop()


def _no_records(sqs: Any, url: str) -> bool:
    """No event record waiting (S3's s3:TestEvent, which has none, is read and dropped)."""
    answer = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10)
    return all('"Records"' not in m["Body"] for m in answer.get("Messages", []))


def _restore(s3: Any, bucket: str, key: str, days: int) -> None:
    s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={
        "Days": days, "GlacierJobParameters": {"Tier": "Expedited"}})


def test_a_restore_notifies_start_completion_and_expiry(own_server: Server) -> None:
    s3, sqs, url, bucket = notified_bucket(own_server, ["s3:ObjectRestore:*"])
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    _restore(s3, bucket, "cold", days=1)
    [posted] = records(sqs, url, 1)
    assert (posted["eventName"], posted["eventVersion"]) == ("ObjectRestore:Post", "2.1")
    assert "glacierEventData" not in posted
    advance_clock(own_server.endpoint, 6 * MINUTE_S)  # Expedited: within 5 minutes
    [completed] = records(sqs, url, 1)
    assert (completed["eventName"], completed["eventVersion"]) == (
        "ObjectRestore:Completed", "2.1")
    assert completed["s3"]["object"]["key"] == "cold"
    assert completed["s3"]["object"]["size"] == 6
    data = completed["glacierEventData"]["restoreEventData"]
    assert data["lifecycleRestoreStorageClass"] == "GLACIER"
    expiry = s3.head_object(Bucket=bucket, Key="cold")["Restore"].split('expiry-date="')[1]
    assert datetime.fromisoformat(data["lifecycleRestorationExpiryTime"]) == (
        datetime.strptime(expiry.rstrip('"'), "%a, %d %b %Y %H:%M:%S %Z").replace(
            tzinfo=datetime.fromisoformat(data["lifecycleRestorationExpiryTime"]).tzinfo))
    assert data["lifecycleRestorationExpiryTime"].endswith(".000Z")
    advance_clock(own_server.endpoint, 3 * DAY_S)  # the copy's days are over
    [expired] = records(sqs, url, 1)
    assert (expired["eventName"], expired["eventVersion"]) == ("ObjectRestore:Delete", "2.3")
    assert "glacierEventData" not in expired
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")


def test_a_renewed_copy_expires_once_at_its_new_date(own_server: Server) -> None:
    s3, sqs, url, bucket = notified_bucket(own_server, ["s3:ObjectRestore:Delete"])
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    _restore(s3, bucket, "cold", days=1)
    advance_clock(own_server.endpoint, 6 * MINUTE_S)
    _restore(s3, bucket, "cold", days=10)  # renews the ready copy's days
    advance_clock(own_server.endpoint, 3 * DAY_S)
    assert _no_records(sqs, url)
    advance_clock(own_server.endpoint, 10 * DAY_S)
    [expired] = records(sqs, url, 1)
    assert expired["eventName"] == "ObjectRestore:Delete"


def test_a_version_deleted_before_completion_sends_nothing(own_server: Server) -> None:
    s3, sqs, url, bucket = notified_bucket(own_server, ["s3:ObjectRestore:Completed"])
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    _restore(s3, bucket, "cold", days=1)
    s3.delete_object(Bucket=bucket, Key="cold")
    advance_clock(own_server.endpoint, 6 * MINUTE_S)
    assert _no_records(sqs, url)
    assert make(own_server, "s3").list_objects_v2(Bucket=bucket)["KeyCount"] == 0
