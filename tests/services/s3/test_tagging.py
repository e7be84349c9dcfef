"""Bucket and object tagging through boto3: limits, InvalidTag, headers, directives."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_bucket_tagging_round_trip(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as missing:
        s3.get_bucket_tagging(Bucket=bucket)
    assert _code(missing) == "NoSuchTagSet"
    tags = [{"Key": "team", "Value": "blue"}, {"Key": "cost centre", "Value": ""}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    s3.delete_bucket_tagging(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_tagging(Bucket=bucket)


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        ([{"Key": f"k{i}", "Value": "v"} for i in range(51)], "InvalidTag"),
        ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], "InvalidTag"),
        ([{"Key": "k" * 129, "Value": "v"}], "InvalidTag"),
        ([{"Key": "k", "Value": "v" * 257}], "InvalidTag"),
        ([{"Key": "aws:name", "Value": "v"}], "InvalidTag"),
    ],
)
def test_bucket_tagging_limits(s3: Any, bucket: str, tags: list[Any], code: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert _code(error) == code


def test_fifty_bucket_tags_fit(s3: Any, bucket: str) -> None:
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50


def test_object_tagging_round_trip(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&b=two%20words")
    assert (
        s3.head_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPHeaders"][
            "x-amz-tagging-count"
        ]
        == "2"
    )
    got = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    assert got == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two words"}]
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 1
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="k")


def test_object_tagging_limits(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    eleven = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    with pytest.raises(ClientError) as error:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": eleven})
    assert _code(error) == "BadRequest"
    with pytest.raises(ClientError) as error:
        s3.put_object(
            Bucket=bucket, Key="k2", Body=b"x", Tagging="&".join(f"k{i}=v" for i in range(11))
        )
    assert _code(error) == "BadRequest"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k2", Body=b"x", Tagging="a=1&a=2")
    assert _code(error) == "InvalidArgument"
    with pytest.raises(ClientError) as error:
        s3.get_object_tagging(Bucket=bucket, Key="missing")
    assert _code(error) == "NoSuchKey"


def test_copy_tagging_directive(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(Bucket=bucket, Key="copied", CopySource=f"{bucket}/src")
    assert s3.get_object_tagging(Bucket=bucket, Key="copied")["TagSet"] == [
        {"Key": "a", "Value": "1"}
    ]
    s3.copy_object(
        Bucket=bucket,
        Key="replaced",
        CopySource=f"{bucket}/src",
        TaggingDirective="REPLACE",
        Tagging="b=2",
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="replaced")["TagSet"] == [
        {"Key": "b", "Value": "2"}
    ]


def test_multipart_upload_tagging(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", Tagging="m=p")
    part = s3.upload_part(
        Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=b"data"
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="mp")["TagSet"] == [{"Key": "m", "Value": "p"}]


def test_versioned_object_tagging(s3: Any, bucket: str) -> None:
    try:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    except ClientError as error:
        if error.response["Error"]["Code"] != "NotImplemented":
            raise
        pytest.skip("PutBucketVersioning is not served yet (branch s3ver brings it)")
    first = s3.put_object(Bucket=bucket, Key="v", Body=b"1", Tagging="gen=1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="v", Body=b"2", Tagging="gen=2")
    tagged = s3.put_object_tagging(
        Bucket=bucket,
        Key="v",
        VersionId=first,
        Tagging={"TagSet": [{"Key": "gen", "Value": "one"}]},
    )
    assert tagged["VersionId"] == first
    assert s3.get_object_tagging(Bucket=bucket, Key="v", VersionId=first)["TagSet"] == [
        {"Key": "gen", "Value": "one"}
    ]
    assert s3.get_object_tagging(Bucket=bucket, Key="v")["TagSet"] == [{"Key": "gen", "Value": "2"}]


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    return dict(excinfo.value.response["Error"])


@pytest.mark.parametrize(
    ("tag", "message", "fields"),
    [
        ({"Key": "Key1,Key2", "Value": "v"}, "The TagKey you have provided is invalid",
         {"TagKey": "Key1,Key2"}),
        ({"Key": "Key1", "Value": "Val1,Val2"}, "The TagValue you have provided is invalid",
         {"TagKey": "Key1", "TagValue": "Val1,Val2"}),
    ],
)  # fmt: skip
def test_tag_characters_are_checked_and_named(
    s3: Any, bucket: str, tag: dict[str, str], message: str, fields: dict[str, str]
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"")
    calls = [
        lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [tag]}),
        lambda: s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [tag]}),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        error = _error(excinfo)
        assert (error["Code"], error["Message"]) == ("InvalidTag", message)
        assert {name: error.get(name) for name in fields} == fields
    allowed = {"Key": "Ünïcode key_1 .:/=+-@", "Value": "välue 2 .:/=+-@"}
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [allowed]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [allowed]


def test_tag_errors_name_the_key(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"")
    twice = {"TagSet": [{"Key": "Key1", "Value": "a"}, {"Key": "Key1", "Value": "b"}]}
    system = {"TagSet": [{"Key": "aws:prefixed", "Value": "v"}]}
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=twice)
    assert _error(excinfo)["TagKey"] == "Key1"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_tagging(Bucket=bucket, Tagging=system)
    assert _error(excinfo)["Message"] == "System tags cannot be added/updated by requester"
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=system)
    error = _error(excinfo)
    assert (error["Message"], error["TagKey"]) == (
        "Your TagKey cannot be prefixed with aws:", "aws:prefixed",
    )  # fmt: skip


def test_tagging_header_with_characters_tags_cannot_hold(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="k", Body=b"", Tagging="key1=val1,key2=val2")
    error = _error(excinfo)
    assert (error["Code"], error["ArgumentName"]) == ("InvalidArgument", "x-amz-tagging")
    assert error["ArgumentValue"] == "key1=val1,key2=val2"
    s3.put_object(Bucket=bucket, Key="k", Body=b"", Tagging="wrongquery&wrongagain")
    keys = sorted(t["Key"] for t in s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"])
    assert keys == ["wrongagain", "wrongquery"]


def test_object_tagging_of_a_delete_marker_is_405(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"", Tagging="a=1")
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    calls = {
        "PUT": lambda **kw: s3.put_object_tagging(Tagging={"TagSet": []}, **kw),
        "GET": s3.get_object_tagging,
        "DELETE": s3.delete_object_tagging,
    }
    for method, call in calls.items():
        for named in ({}, {"VersionId": marker}):  # the latest version, and by its id
            with pytest.raises(ClientError) as excinfo:
                call(Bucket=bucket, Key="k", **named)
            assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
            error = _error(excinfo)
            assert (error["Code"], error["Method"]) == ("MethodNotAllowed", method)
            assert error["ResourceType"] == "DeleteMarker"


def test_get_object_tagging_of_a_missing_key_names_bucket_and_key(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_tagging(Bucket=bucket, Key="fake-key")
    assert _error(excinfo)["Key"] == f"{bucket}/fake-key"
    with pytest.raises(ClientError) as excinfo:
        s3.delete_object_tagging(Bucket=bucket, Key="fake-key")
    assert _error(excinfo)["Key"] == "fake-key"
