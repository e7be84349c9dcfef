"""--iam enforce keeps decisions that no condition took part in; every change that can alter
one (identity policies, bucket policies, the bucket's owner, public ACL grants) is seen by
the very next request, as on AWS."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.support import Server
from tests.support import enforcing_client as _client

OTHER_ACCOUNT = "111111111111"


def _user(server: Server, name: str, policy: dict[str, Any] | None = None) -> tuple[Any, str]:
    iam = _client(server, "iam")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return _client(server, "s3", key["AccessKeyId"], key["SecretAccessKey"]), arn


def _statement(effect: str, resource: str, principal: Any = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect, "Action": "s3:GetObject", "Resource": resource}
    if principal is not None:
        statement["Principal"] = principal
    return {"Version": "2012-10-17", "Statement": [statement]}


def _denied(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.get_object(Bucket=bucket, Key=key)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "AccessDenied"
        return True
    return False


def test_a_bucket_policy_change_applies_to_the_next_request(enforcing: Server) -> None:
    root = _client(enforcing, "s3")
    root.create_bucket(Bucket="cache-policy")
    root.put_object(Bucket="cache-policy", Key="k", Body=b"x")
    reader, arn = _user(enforcing, "cache-policy-reader")
    assert _denied(reader, "cache-policy", "k")
    root.put_bucket_policy(Bucket="cache-policy", Policy=json.dumps(
        _statement("Allow", "arn:aws:s3:::cache-policy/*", {"AWS": arn})))
    for _ in range(3):  # served again and again from the kept decision
        assert reader.get_object(Bucket="cache-policy", Key="k")["Body"].read() == b"x"
    root.delete_bucket_policy(Bucket="cache-policy")
    assert _denied(reader, "cache-policy", "k")


def test_an_explicit_deny_added_later_wins_at_once(enforcing: Server) -> None:
    root = _client(enforcing, "s3")
    root.create_bucket(Bucket="cache-deny")
    root.put_object(Bucket="cache-deny", Key="k", Body=b"x")
    reader, arn = _user(enforcing, "cache-deny-reader",
                        _statement("Allow", "arn:aws:s3:::cache-deny/*"))
    assert reader.get_object(Bucket="cache-deny", Key="k")["Body"].read() == b"x"
    root.put_bucket_policy(Bucket="cache-deny", Policy=json.dumps(
        _statement("Deny", "arn:aws:s3:::cache-deny/*", {"AWS": arn})))
    assert _denied(reader, "cache-deny", "k")
    root.delete_bucket_policy(Bucket="cache-deny")
    assert reader.get_object(Bucket="cache-deny", Key="k")["Body"].read() == b"x"
    _client(enforcing, "iam").delete_user_policy(UserName="cache-deny-reader",
                                                 PolicyName="inline")
    assert _denied(reader, "cache-deny", "k")


def test_a_bucket_name_taken_over_by_another_account_is_foreign(enforcing: Server) -> None:
    root = _client(enforcing, "s3")
    root.create_bucket(Bucket="cache-moving")
    root.put_object(Bucket="cache-moving", Key="k", Body=b"mine")
    reader, _ = _user(enforcing, "cache-moving-reader",
                      _statement("Allow", "arn:aws:s3:::cache-moving/*"))
    assert reader.get_object(Bucket="cache-moving", Key="k")["Body"].read() == b"mine"
    root.delete_object(Bucket="cache-moving", Key="k")
    root.delete_bucket(Bucket="cache-moving")
    other = _client(enforcing, "s3", OTHER_ACCOUNT)
    other.create_bucket(Bucket="cache-moving")
    other.put_object(Bucket="cache-moving", Key="k", Body=b"theirs")
    # the identity policy still names the bucket, but the bucket is now another account's,
    # whose (absent) bucket policy must grant too
    assert _denied(reader, "cache-moving", "k")


def test_a_public_object_acl_taken_back_stops_anonymous_reads(enforcing: Server) -> None:
    root = _client(enforcing, "s3")
    root.create_bucket(Bucket="cache-acl")
    root.put_bucket_ownership_controls(Bucket="cache-acl", OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    root.put_public_access_block(Bucket="cache-acl", PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": False,
        "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    root.put_object(Bucket="cache-acl", Key="k", Body=b"x", ACL="public-read")
    url = f"{enforcing.endpoint}/cache-acl/k"
    for _ in range(2):
        with urllib.request.urlopen(url) as response:
            assert response.read() == b"x"
    root.put_object_acl(Bucket="cache-acl", Key="k", ACL="private")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url)
    assert caught.value.code == 403


def test_a_bucket_created_by_another_account_after_a_miss_is_foreign(enforcing: Server) -> None:
    reader, _ = _user(enforcing, "cache-late-reader",
                      _statement("Allow", "arn:aws:s3:::cache-late/*"))
    with pytest.raises(ClientError) as caught:  # allowed, and then no bucket
        reader.get_object(Bucket="cache-late", Key="k")
    assert caught.value.response["Error"]["Code"] == "NoSuchBucket"
    other = _client(enforcing, "s3", OTHER_ACCOUNT)
    other.create_bucket(Bucket="cache-late")
    other.put_object(Bucket="cache-late", Key="k", Body=b"theirs")
    assert _denied(reader, "cache-late", "k")


def test_a_queue_policy_taken_back_stops_granting_at_once(enforcing: Server) -> None:
    sqs = _client(enforcing, "sqs")
    url = sqs.create_queue(QueueName="cache-queue")["QueueUrl"]
    iam = _client(enforcing, "iam")
    arn = iam.create_user(UserName="cache-queue-sender")["User"]["Arn"]
    key = iam.create_access_key(UserName="cache-queue-sender")["AccessKey"]
    sender = _client(enforcing, "sqs", key["AccessKeyId"], key["SecretAccessKey"])
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sqs:SendMessage",
        "Resource": "arn:aws:sqs:us-east-1:000000000000:cache-queue"}]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    for _ in range(3):  # the same policy document: the kept decision serves
        assert sender.send_message(QueueUrl=url, MessageBody="hi")["MessageId"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    with pytest.raises(ClientError) as caught:
        sender.send_message(QueueUrl=url, MessageBody="hi")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    assert sender.send_message(QueueUrl=url, MessageBody="again")["MessageId"]
