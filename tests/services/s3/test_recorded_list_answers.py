"""S3's list operations held to answers recorded from AWS: a key's uploads in the order they
were initiated, next-upload markers that never name a common prefix, empty integer query
parameters taken as not sent, and the encoding-type refusal's fields."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError


def test_a_keys_uploads_list_in_the_order_they_were_initiated(s3: Any, bucket: str) -> None:
    ids = [s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
           for key in ("test_c", "test_b", "test_a", "test_a", "test_a")]  # fmt: skip
    listed = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["UploadId"] for u in listed] == [ids[2], ids[3], ids[4], ids[1], ids[0]]
    first = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1)
    assert (first["NextKeyMarker"], first["NextUploadIdMarker"]) == ("test_a", ids[2])
    after = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1, KeyMarker="test_a",
                                      UploadIdMarker=ids[2])  # fmt: skip
    assert [u["UploadId"] for u in after["Uploads"]] == [ids[3]]
    after_last = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1, KeyMarker="test_a",
                                           UploadIdMarker=ids[4])  # fmt: skip
    assert [u["UploadId"] for u in after_last["Uploads"]] == [ids[1]]
    assert after_last["IsTruncated"] is True


def test_a_page_ending_on_a_common_prefix_names_no_next_upload(s3: Any, bucket: str) -> None:
    for key in ("folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1"):
        s3.create_multipart_upload(Bucket=bucket, Key=key)
    page = s3.list_multipart_uploads(Bucket=bucket, Prefix="folder/", Delimiter="/",
                                     MaxUploads=1)  # fmt: skip
    assert page["IsTruncated"] is True
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["folder/aSubfolder/"]
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == ("", "")


def test_empty_integer_query_parameters_count_as_not_sent(endpoint: str, s3: Any,
                                                          bucket: str) -> None:  # fmt: skip
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"data")
    for query in ("part-number-marker=", "max-parts="):
        url = f"{endpoint}/{bucket}/k?uploadId={upload_id}&{query}"
        answer = httpx.get(url, timeout=10)  # botocore would refuse to send ''

        assert answer.status_code == 200, answer.text
        assert "<PartNumber>1</PartNumber>" in answer.text
        assert "<MaxParts>1000</MaxParts>" in answer.text


@pytest.mark.parametrize("operation", ["list_objects_v2", "list_objects",
                                       "list_object_versions", "list_multipart_uploads"])
def test_an_unknown_encoding_type_names_the_argument(s3: Any, bucket: str,
                                                     operation: str) -> None:  # fmt: skip
    with pytest.raises(ClientError) as caught:
        getattr(s3, operation)(Bucket=bucket, EncodingType="value")
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidArgument", "Invalid Encoding Method specified in Request")
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("encoding-type", "value")


def test_an_empty_continuation_token_is_refused(s3: Any, bucket: str) -> None:
    """LocalStack's AWS-recorded exc-continuation-token (test_s3_list_operations)."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken="")
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (error["Code"], error["Message"], error["ArgumentName"]) == (
        "InvalidArgument", "The continuation token provided is incorrect", "continuation-token")


def test_a_token_beside_start_after_wins_and_names_no_start_after(s3: Any, bucket: str) -> None:
    """LocalStack's AWS-recorded list-objects-start-after-token: the listing resumes from the
    token, and the answer names the ContinuationToken but no StartAfter."""
    for index in range(4):
        s3.put_object(Bucket=bucket, Key=f"test_{index}", Body=b"x")
    token = s3.list_objects_v2(Bucket=bucket, MaxKeys=1)["NextContinuationToken"]
    page = s3.list_objects_v2(Bucket=bucket, StartAfter="test_2", ContinuationToken=token)
    assert [o["Key"] for o in page["Contents"]] == ["test_1", "test_2", "test_3"]
    assert page["ContinuationToken"] == token
    assert "StartAfter" not in page
    alone = s3.list_objects_v2(Bucket=bucket, StartAfter="test_2")
    assert alone["StartAfter"] == "test_2"
