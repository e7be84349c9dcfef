"""Default bucket encryption (SSE-S3 since 2023, SSE-KMS when set) and the encryption every
object reports, through boto3 and the AWS CLI."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from botocore.exceptions import ClientError

KMS_KEY = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MANAGED_KEY = "arn:aws:kms:us-east-1:000000000000:alias/aws/s3"
SSE_S3 = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                     "BucketKeyEnabled": False}]}  # fmt: skip


def _kms_default(s3: Any, bucket: str, key_id: str | None = KMS_KEY,
                 bucket_key: bool = True) -> None:  # fmt: skip
    default: dict[str, str] = {"SSEAlgorithm": "aws:kms"}
    if key_id:
        default["KMSMasterKeyID"] = key_id
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bucket_key}]})


def _code(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_every_bucket_answers_sse_s3_by_default(s3: Any, bucket: str) -> None:
    found = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert found == SSE_S3


def test_put_get_delete_round_trip(s3: Any, bucket: str) -> None:
    _kms_default(s3, bucket)
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule == {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                           "KMSMasterKeyID": KMS_KEY},
                    "BucketKeyEnabled": True}  # fmt: skip
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == SSE_S3


@pytest.mark.parametrize("default, code", [
    ({"SSEAlgorithm": "AES256", "KMSMasterKeyID": KMS_KEY}, "InvalidArgument"),
    ({"SSEAlgorithm": "aws:fsx"}, "MalformedXML"),
])  # fmt: skip
def test_invalid_configurations(s3: Any, bucket: str, default: dict[str, str],
                                code: str) -> None:  # fmt: skip
    with pytest.raises(ClientError) as error:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default}]})
    assert _code(error) == (code, 400)


def test_empty_rules_are_malformed(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": []})
    assert _code(error) == ("MalformedXML", 400)


def test_missing_bucket(s3: Any, bucket_name: Any) -> None:
    with pytest.raises(ClientError) as error:
        s3.get_bucket_encryption(Bucket=bucket_name())
    assert _code(error) == ("NoSuchBucket", 404)


def test_objects_report_aes256(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert put["ServerSideEncryption"] == "AES256"
    assert "SSEKMSKeyId" not in put
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["ServerSideEncryption"] == "AES256"
    assert got["Body"].read() == b"x"  # stored as sent: nothing is really encrypted
    copied = s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/k")
    assert copied["ServerSideEncryption"] == "AES256"


def test_kms_default_applies_to_new_objects(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="before", Body=b"x")
    _kms_default(s3, bucket)
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]) == (
        "aws:kms", KMS_KEY, True)
    head = s3.head_object(Bucket=bucket, Key="k")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"], head["BucketKeyEnabled"]) == (
        "aws:kms", KMS_KEY, True)
    # an object keeps the encryption it was written with
    assert s3.head_object(Bucket=bucket, Key="before")["ServerSideEncryption"] == "AES256"
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "aws:kms"
    assert s3.put_object(Bucket=bucket, Key="after", Body=b"")["ServerSideEncryption"] == "AES256"


def test_kms_default_without_key_uses_the_managed_key(s3: Any, bucket: str) -> None:
    _kms_default(s3, bucket, key_id=None, bucket_key=False)
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert put["SSEKMSKeyId"] == MANAGED_KEY
    assert "BucketKeyEnabled" not in put


def test_explicit_kms_header(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", MANAGED_KEY)
    put = s3.put_object(Bucket=bucket, Key="k2", Body=b"x", ServerSideEncryption="aws:kms",
                        SSEKMSKeyId=KMS_KEY, BucketKeyEnabled=True)  # fmt: skip
    head = s3.head_object(Bucket=bucket, Key="k2")
    assert (head["SSEKMSKeyId"], head["BucketKeyEnabled"]) == (KMS_KEY, True)
    # an explicit AES256 header overrides a KMS default
    _kms_default(s3, bucket)
    put = s3.put_object(Bucket=bucket, Key="k3", Body=b"x", ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in put


def test_copy_is_encrypted_as_its_request_says(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=KMS_KEY)  # fmt: skip
    copied = s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/k")
    assert copied["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="c")["ServerSideEncryption"] == "AES256"
    copied = s3.copy_object(Bucket=bucket, Key="c2", CopySource=f"{bucket}/k",
                            ServerSideEncryption="aws:kms", SSEKMSKeyId=KMS_KEY)  # fmt: skip
    assert (copied["ServerSideEncryption"], copied["SSEKMSKeyId"]) == ("aws:kms", KMS_KEY)


def test_multipart_upload_reports_encryption(s3: Any, bucket: str) -> None:
    _kms_default(s3, bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")
    assert (upload["ServerSideEncryption"], upload["SSEKMSKeyId"]) == ("aws:kms", KMS_KEY)
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1,
                          Body=b"data")  # fmt: skip
    assert part["ServerSideEncryption"] == "aws:kms"
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})  # fmt: skip
    assert (done["ServerSideEncryption"], done["SSEKMSKeyId"], done["BucketKeyEnabled"]) == (
        "aws:kms", KMS_KEY, True)
    assert s3.head_object(Bucket=bucket, Key="mp")["SSEKMSKeyId"] == KMS_KEY


@pytest.mark.parametrize("extra, message", [
    ({"ServerSideEncryption": "AES512"}, "The encryption method specified is not supported"),
    ({"SSEKMSKeyId": KMS_KEY}, "requires HTTP header x-amz-server-side-encryption : aws:kms"),
    ({"ServerSideEncryption": "AES256", "SSEKMSKeyId": KMS_KEY}, "requires HTTP header"),
])  # fmt: skip
def test_invalid_object_encryption(s3: Any, bucket: str, extra: dict[str, str],
                                   message: str) -> None:  # fmt: skip
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **extra)
    assert _code(error) == ("InvalidArgument", 400)
    assert message in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as error:
        s3.create_multipart_upload(Bucket=bucket, Key="k", **extra)
    assert _code(error) == ("InvalidArgument", 400)


def test_cli_round_trip(endpoint: str, s3: Any, bucket: str) -> None:
    cli = ["aws", "--endpoint-url", endpoint, "s3api"]
    config = json.dumps({"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KMS_KEY}}]})
    try:
        subprocess.run([*cli, "put-bucket-encryption", "--bucket", bucket,
                        "--server-side-encryption-configuration", config], check=True,
                       capture_output=True, timeout=60)  # fmt: skip
    except FileNotFoundError:
        pytest.skip("the AWS CLI is not installed")
    shown = subprocess.run([*cli, "get-bucket-encryption", "--bucket", bucket], check=True,
                           capture_output=True, timeout=60).stdout  # fmt: skip
    rule = json.loads(shown)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == KMS_KEY
