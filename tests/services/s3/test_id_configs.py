"""Analytics, inventory, metrics and Intelligent-Tiering configurations: by Id, listed in
pages of 100, S3's errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

DESTINATION = {"S3BucketDestination": {"Bucket": "arn:aws:s3:::reports", "Format": "CSV"}}


def _analytics(config_id: str) -> dict[str, Any]:
    return {"Id": config_id, "Filter": {"Prefix": "docs/"}, "StorageClassAnalysis": {
        "DataExport": {"OutputSchemaVersion": "V_1", "Destination": DESTINATION}}}


def _inventory(config_id: str) -> dict[str, Any]:
    return {"Id": config_id, "Destination": DESTINATION, "IsEnabled": True,
            "IncludedObjectVersions": "Current", "Schedule": {"Frequency": "Daily"},
            "OptionalFields": ["Size", "ETag"]}  # fmt: skip


def _metrics(config_id: str) -> dict[str, Any]:
    return {"Id": config_id, "Filter": {"Tag": {"Key": "team", "Value": "a"}}}


def _tiering(config_id: str) -> dict[str, Any]:
    return {"Id": config_id, "Status": "Enabled",
            "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}  # fmt: skip


FAMILIES = {
    "analytics": (_analytics, "AnalyticsConfiguration", "AnalyticsConfigurationList",
                  "bucket_analytics_configuration"),
    "inventory": (_inventory, "InventoryConfiguration", "InventoryConfigurationList",
                  "bucket_inventory_configuration"),
    "metrics": (_metrics, "MetricsConfiguration", "MetricsConfigurationList",
                "bucket_metrics_configuration"),
    "intelligent_tiering": (_tiering, "IntelligentTieringConfiguration",
                            "IntelligentTieringConfigurationList",
                            "bucket_intelligent_tiering_configuration"),
}  # fmt: skip


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize("family", FAMILIES)
def test_put_get_list_delete(s3: Any, bucket: str, family: str) -> None:
    make, member, list_member, name = FAMILIES[family]
    put, get = getattr(s3, f"put_{name}"), getattr(s3, f"get_{name}")
    delete, listing = getattr(s3, f"delete_{name}"), getattr(s3, f"list_{name}s")
    assert listing(Bucket=bucket)["IsTruncated"] is False
    assert list_member not in listing(Bucket=bucket)
    put(Bucket=bucket, Id="b", **{member: make("b")})
    put(Bucket=bucket, Id="a", **{member: make("a")})
    assert get(Bucket=bucket, Id="a")[member] == make("a")
    assert [c["Id"] for c in listing(Bucket=bucket)[list_member]] == ["a", "b"]
    delete(Bucket=bucket, Id="a")
    with pytest.raises(ClientError) as caught:
        get(Bucket=bucket, Id="a")
    assert _error(caught) == ("NoSuchConfiguration", 404)
    assert caught.value.response["Error"]["Message"] == (
        "The specified configuration does not exist.")
    with pytest.raises(ClientError) as caught:
        delete(Bucket=bucket, Id="a")
    assert _error(caught) == ("NoSuchConfiguration", 404)


@pytest.mark.parametrize("family", ["analytics", "metrics", "intelligent_tiering"])
def test_body_id_must_match_the_query(s3: Any, bucket: str, family: str) -> None:
    make, member, _, name = FAMILIES[family]
    with pytest.raises(ClientError) as caught:
        getattr(s3, f"put_{name}")(Bucket=bucket, Id="query-id", **{member: make("body-id")})
    assert _error(caught) == ("MalformedXML", 400)


def test_inventory_id_mismatch(s3: Any, bucket: str) -> None:
    """Inventory answers its own IdMismatch, after checking the document itself."""
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_inventory_configuration(
            Bucket=bucket, Id="query-id", InventoryConfiguration=_inventory("body-id"))
    assert _error(caught) == ("IdMismatch", 400)
    assert caught.value.response["Error"]["Message"] == (
        "Document ID does not match the specified configuration ID.")
    broken = {**_inventory("body-id"), "IncludedObjectVersions": "Some"}
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_inventory_configuration(
            Bucket=bucket, Id="query-id", InventoryConfiguration=broken)
    assert _error(caught) == ("MalformedXML", 400)


@pytest.mark.parametrize("destination", [
    "reports", "arn:aws:s3:::", "arn:aws:sqs:us-east-1:123456789012:reports",
    "arn:aws:s3:us-east-1:123456789012:reports", "arn:aws:s3:::reports/prefix",
])  # fmt: skip
def test_inventory_destination_must_be_a_bucket_arn(
    s3: Any, bucket: str, destination: str
) -> None:
    config = _inventory("x")
    config["Destination"] = {"S3BucketDestination": {"Bucket": destination, "Format": "CSV"}}
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id="x",
                                              InventoryConfiguration=config)  # fmt: skip
    assert _error(caught) == ("InvalidS3DestinationBucket", 400)
    assert caught.value.response["Error"]["Message"] == "Invalid bucket ARN."
    with pytest.raises(ClientError) as caught:  # the Id is checked before the destination
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id="other",
                                              InventoryConfiguration=config)  # fmt: skip
    assert _error(caught) == ("IdMismatch", 400)


@pytest.mark.parametrize("family, broken", [
    ("analytics", {"Id": "x", "StorageClassAnalysis": {"DataExport": {
        "OutputSchemaVersion": "V_1", "Destination": {"S3BucketDestination": {
            "Bucket": "arn:aws:s3:::r", "Format": "ORC"}}}}}),
    ("analytics", {"Id": "x", "Filter": {"Prefix": "a", "Tag": {"Key": "k", "Value": "v"}},
                   "StorageClassAnalysis": {}}),
    ("inventory", {"Id": "x", "Destination": DESTINATION, "IsEnabled": True,
                   "IncludedObjectVersions": "Some", "Schedule": {"Frequency": "Daily"}}),
    ("inventory", {"Id": "x", "Destination": DESTINATION, "IsEnabled": True,
                   "IncludedObjectVersions": "All", "Schedule": {"Frequency": "Hourly"}}),
    ("intelligent_tiering", {"Id": "x", "Status": "Enabled", "Tierings": [
        {"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
        {"Days": 100, "AccessTier": "ARCHIVE_ACCESS"}]}),
    ("intelligent_tiering", {"Id": "x", "Status": "On", "Tierings": [
        {"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}),
])  # fmt: skip
def test_invalid_configurations(s3: Any, bucket: str, family: str,
                                broken: dict[str, Any]) -> None:  # fmt: skip
    _, member, _, name = FAMILIES[family]
    with pytest.raises(ClientError) as caught:
        getattr(s3, f"put_{name}")(Bucket=bucket, Id="x", **{member: broken})
    assert _error(caught) == ("MalformedXML", 400)


def test_tiering_days_out_of_range(s3: Any, bucket: str) -> None:
    config = {"Id": "x", "Status": "Enabled",
              "Tierings": [{"Days": 30, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}  # fmt: skip
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id="x", IntelligentTieringConfiguration=config)
    assert _error(caught) == ("InvalidArgument", 400)


def test_listing_pages_by_continuation_token(s3: Any, bucket: str) -> None:
    for number in range(205):
        config_id = f"m{number:03d}"
        s3.put_bucket_metrics_configuration(Bucket=bucket, Id=config_id,
                                            MetricsConfiguration={"Id": config_id})
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = s3.list_bucket_metrics_configurations(
            Bucket=bucket, **({"ContinuationToken": token} if token else {}))
        pages += 1
        seen += [c["Id"] for c in page["MetricsConfigurationList"]]
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        token = page["NextContinuationToken"]
        assert page.get("ContinuationToken") == (None if pages == 1 else page["ContinuationToken"])
    assert pages == 3
    assert seen == [f"m{number:03d}" for number in range(205)]


def test_replacing_keeps_one_configuration(s3: Any, bucket: str) -> None:
    s3.put_bucket_metrics_configuration(Bucket=bucket, Id="EntireBucket",
                                        MetricsConfiguration={"Id": "EntireBucket"})
    s3.put_bucket_metrics_configuration(
        Bucket=bucket, Id="EntireBucket",
        MetricsConfiguration={"Id": "EntireBucket", "Filter": {"Prefix": "p/"}})
    listed = s3.list_bucket_metrics_configurations(Bucket=bucket)["MetricsConfigurationList"]
    assert listed == [{"Id": "EntireBucket", "Filter": {"Prefix": "p/"}}]


def test_bad_continuation_token(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.list_bucket_inventory_configurations(Bucket=bucket, ContinuationToken="%%%")
    assert _error(caught) == ("InvalidArgument", 400)
