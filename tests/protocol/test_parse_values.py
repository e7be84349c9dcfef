"""Values a provider receives are typed as a boto3 user passed them, whatever the wire said."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from pocketcloud.protocol.http import HttpRequest
from pocketcloud.protocol.parsing import parse_request
from pocketcloud.protocol.parsing.failures import ParseFailure
from pocketcloud.protocol.parsing.rest import split_header_list
from pocketcloud.protocol.parsing.values import (
    as_text,
    float_from_text,
    integer_from_text,
    timestamp_from_text,
)
from pocketcloud.protocol.specs import operation_model

MOMENT = datetime(2019, 12, 16, 23, 48, 18, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2019-12-16T23:48:18Z",
        "2019-12-16T23:48:18.000Z",
        "2019-12-17T00:48:18+01:00",
        "1576540098",
        "1576540098.0",
        "Mon, 16 Dec 2019 23:48:18 GMT",
    ],
)
def test_timestamps_in_any_aws_format_become_utc_datetimes(text: str) -> None:
    assert timestamp_from_text(text) == MOMENT
    assert timestamp_from_text(text).tzinfo is UTC


def test_fractional_epoch_seconds_keep_their_fraction() -> None:
    assert timestamp_from_text("1576540098.25") == MOMENT.replace(microsecond=250000)


@pytest.mark.parametrize("text", ["", "yesterday", "2019-13-45T00:00:00Z", "1e400", "NaN"])
def test_bad_timestamps_are_refused(text: str) -> None:
    with pytest.raises(ParseFailure):
        timestamp_from_text(text)


def test_numbers_from_text() -> None:
    assert integer_from_text("-42") == -42
    assert math.isnan(float_from_text("NaN"))
    assert float_from_text("-Infinity") == -math.inf
    assert float_from_text("1e3") == 1000.0
    for bad in ("4.2", "0x10", "1_000", "٣", str(2**31)):
        with pytest.raises(ParseFailure):
            integer_from_text(bad)
    with pytest.raises(ParseFailure):
        float_from_text("nan")  # AWS spells it NaN


def test_header_lists_honour_quotes_and_http_dates() -> None:
    assert split_header_list('a, "b,c", "\\"d\\"", e', as_text) == ["a", "b,c", '"d"', "e"]
    dates = "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 00:00:00 GMT"
    assert split_header_list(dates, timestamp_from_text) == [
        "Mon, 16 Dec 2019 23:48:18 GMT",
        "Tue, 17 Dec 2019 00:00:00 GMT",
    ]
    assert split_header_list("", as_text) == []


def test_s3_put_object_headers() -> None:
    request = HttpRequest(
        "PUT",
        "/photos/2024/cat%20one.jpg",
        "",
        {
            "content-type": "image/jpeg",
            "content-length": "",  # empty: says nothing
            "expires": "Mon, 16 Dec 2019 23:48:18 GMT",
            "x-amz-meta-camera": "X100",
            "x-amz-meta-taken-by": "Ann",
            "x-amz-object-lock-legal-hold": "ON",
            "x-amz-server-side-encryption-bucket-key-enabled": "true",
        },
        b"\xff\xd8 jpeg bytes",
    )
    params = parse_request(operation_model("s3", "PutObject"), request)
    assert params == {
        "Bucket": "photos",
        "Key": "2024/cat one.jpg",
        "Body": b"\xff\xd8 jpeg bytes",
        "ContentType": "image/jpeg",
        "Expires": MOMENT,
        "Metadata": {"camera": "X100", "taken-by": "Ann"},
        "ObjectLockLegalHoldStatus": "ON",
        "BucketKeyEnabled": True,
    }


def test_s3_delete_objects_xml_with_namespace() -> None:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<Object><Key>a.txt</Key></Object>"
        b"<Object><Key>b &amp; c.txt</Key><VersionId>v2</VersionId></Object>"
        b"<Quiet>true</Quiet></Delete>"
    )
    request = HttpRequest("POST", "/photos", "delete", {}, body)
    params = parse_request(operation_model("s3", "DeleteObjects"), request)
    assert params == {
        "Bucket": "photos",
        "Delete": {
            "Objects": [{"Key": "a.txt"}, {"Key": "b & c.txt", "VersionId": "v2"}],
            "Quiet": True,
        },
    }


def test_sts_query_request() -> None:
    body = (
        b"Action=AssumeRole&Version=2011-06-15"
        b"&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin&RoleSessionName=me+too"
        b"&DurationSeconds=900&Tags.member.2.Key=team&Tags.member.2.Value=b"
        b"&Tags.member.1.Key=env&Tags.member.1.Value=prod"
    )
    request = HttpRequest("POST", "/", "", {}, body)
    assert parse_request(operation_model("sts", "AssumeRole"), request) == {
        "RoleArn": "arn:aws:iam::123456789012:role/admin",
        "RoleSessionName": "me too",
        "DurationSeconds": 900,
        "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "b"}],
    }
