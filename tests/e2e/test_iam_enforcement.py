"""--iam enforce: policies decide, end to end through boto3, as AWS's evaluation logic says.

Root (``test``/``s3cret``) sets up users and policies; the users then call S3, SQS, DynamoDB,
Lambda and IAM with their own keys. Cross-account access works only through resource
policies or role assumption.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.support import ENFORCE_SECRET as SECRET
from tests.support import Server, start_server
from tests.support import enforcing_client as _client

OTHER_ACCOUNT = "111111111111"


def _user(server: Server, name: str, policy: dict[str, Any] | None,
          account_key: str = "test") -> dict[str, str]:
    iam = _client(server, "iam", account_key)
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="inline",
                            PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def _as(server: Server, service: str, creds: dict[str, str]) -> Any:
    return _client(server, service, creds["key"], creds["secret"])


def _allow(actions: list[str], resources: list[str]) -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}]}


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    error = caught.value.response["Error"]
    status = caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
    return str(error["Code"]), str(error.get("Message", "")), int(status)


def test_s3_identity_policy_allows_only_what_it_names(enforcing: Server) -> None:
    root = _client(enforcing, "s3")
    root.create_bucket(Bucket="enf-reports")
    root.put_object(Bucket="enf-reports", Key="public/a.txt", Body=b"a")
    root.put_object(Bucket="enf-reports", Key="secret/b.txt", Body=b"b")
    alice = _as(enforcing, "s3", _user(enforcing, "alice-s3", _allow(
        ["s3:GetObject"], ["arn:aws:s3:::enf-reports/public/*"])))
    assert alice.get_object(Bucket="enf-reports", Key="public/a.txt")["Body"].read() == b"a"
    with pytest.raises(ClientError) as caught:
        alice.get_object(Bucket="enf-reports", Key="secret/b.txt")
    code, message, status = _error(caught)
    assert (code, status) == ("AccessDenied", 403)
    assert "user/alice-s3 is not authorized to perform: s3:GetObject on resource: " \
        "arn:aws:s3:::enf-reports/secret/b.txt" in message
    with pytest.raises(ClientError) as caught:
        alice.list_buckets()
    assert "s3:ListAllMyBuckets" in _error(caught)[1]


def test_explicit_deny_wins(enforcing: Server) -> None:
    _client(enforcing, "s3").create_bucket(Bucket="enf-deny")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}
    bob = _as(enforcing, "s3", _user(enforcing, "bob-deny", policy))
    bob.put_object(Bucket="enf-deny", Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        bob.delete_bucket(Bucket="enf-deny")
    assert "explicit deny" in _error(caught)[1]


def test_dynamodb_denial_is_access_denied_exception(enforcing: Server) -> None:
    root = _client(enforcing, "dynamodb")
    root.create_table(TableName="enf-table", BillingMode="PAY_PER_REQUEST",
                      KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    table_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/enf-table"
    carol = _as(enforcing, "dynamodb", _user(enforcing, "carol-ddb", _allow(
        ["dynamodb:GetItem"], [table_arn])))
    assert "Item" not in carol.get_item(TableName="enf-table", Key={"pk": {"S": "x"}})
    with pytest.raises(ClientError) as caught:
        carol.put_item(TableName="enf-table", Item={"pk": {"S": "x"}})
    code, message, status = _error(caught)
    assert (code, status) == ("AccessDeniedException", 400)
    assert f"dynamodb:PutItem on resource: {table_arn}" in message


def test_sqs_queue_policy_grants_without_an_identity_policy(enforcing: Server) -> None:
    root = _client(enforcing, "sqs")
    url = root.create_queue(QueueName="enf-jobs")["QueueUrl"]
    creds = _user(enforcing, "dave-sqs", None)
    dave = _as(enforcing, "sqs", creds)
    with pytest.raises(ClientError) as caught:
        dave.send_message(QueueUrl=url, MessageBody="hi")
    assert _error(caught)[0] == "AccessDenied"
    user_arn = "arn:aws:iam::000000000000:user/dave-sqs"
    queue_arn = "arn:aws:sqs:us-east-1:000000000000:enf-jobs"
    root.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sqs:SendMessage",
            "Resource": queue_arn}]})})
    assert dave.send_message(QueueUrl=url, MessageBody="hi")["MessageId"]
    with pytest.raises(ClientError):
        dave.receive_message(QueueUrl=url)


def test_cross_account_needs_the_resource_policy(enforcing: Server) -> None:
    other = _client(enforcing, "sqs", OTHER_ACCOUNT)
    url = other.create_queue(QueueName="enf-shared")["QueueUrl"]
    erin = _as(enforcing, "sqs", _user(enforcing, "erin-x", _allow(["sqs:*"], ["*"])))
    with pytest.raises(ClientError) as caught:
        erin.send_message(QueueUrl=url, MessageBody="hi")
    assert _error(caught)[0] == "AccessDenied"
    other.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": "sqs:SendMessage",
            "Resource": f"arn:aws:sqs:us-east-1:{OTHER_ACCOUNT}:enf-shared"}]})})
    assert erin.send_message(QueueUrl=url, MessageBody="hi")["MessageId"]
    # the grant to the account delegates to its identity policies: without one, no entry
    frank = _as(enforcing, "sqs", _user(enforcing, "frank-x", None))
    with pytest.raises(ClientError):
        frank.send_message(QueueUrl=url, MessageBody="hi")


def test_permissions_boundary_caps_the_identity_policy(enforcing: Server) -> None:
    iam = _client(enforcing, "iam")
    boundary = iam.create_policy(PolicyName="enf-only-sqs", PolicyDocument=json.dumps(
        _allow(["sqs:*"], ["*"])))["Policy"]["Arn"]
    creds = _user(enforcing, "gina-boundary", _allow(["sqs:*", "s3:*"], ["*"]))
    iam.put_user_permissions_boundary(UserName="gina-boundary", PermissionsBoundary=boundary)
    assert _as(enforcing, "sqs", creds).list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as caught:
        _as(enforcing, "s3", creds).list_buckets()
    assert "permissions boundary" in _error(caught)[1]


def test_assumed_role_session_acts_with_the_roles_policies(enforcing: Server) -> None:
    iam = _client(enforcing, "iam")
    iam.create_role(RoleName="enf-reader", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="enf-reader", PolicyName="read", PolicyDocument=json.dumps(
        _allow(["dynamodb:ListTables"], ["*"])))
    henry = _user(enforcing, "henry-role", _allow(["sts:AssumeRole"], ["*"]))
    session = _as(enforcing, "sts", henry).assume_role(
        RoleArn="arn:aws:iam::000000000000:role/enf-reader", RoleSessionName="sess")["Credentials"]
    ddb = _client(enforcing, "dynamodb", session["AccessKeyId"], session["SecretAccessKey"],
                  aws_session_token=session["SessionToken"])
    assert "TableNames" in ddb.list_tables()
    with pytest.raises(ClientError) as caught:
        ddb.delete_table(TableName="nope")
    assert "assumed-role/enf-reader/sess" in _error(caught)[1]


def test_ec2_denial_is_unauthorized_operation(enforcing: Server) -> None:
    ivan = _as(enforcing, "ec2", _user(enforcing, "ivan-ec2", None))
    with pytest.raises(ClientError) as caught:
        ivan.describe_key_pairs()
    code, message, status = _error(caught)
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert message.startswith("You are not authorized to perform this operation.")


def test_anonymous_s3_is_denied_without_a_policy(enforcing: Server) -> None:
    import urllib.error
    import urllib.request

    _client(enforcing, "s3").create_bucket(Bucket="enf-anon")
    _client(enforcing, "s3").put_object(Bucket="enf-anon", Key="k", Body=b"x")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{enforcing.endpoint}/enf-anon/k")
    assert caught.value.code == 403
    assert b"<Code>AccessDenied</Code>" in caught.value.read()


def test_audit_mode_serves_what_enforce_would_deny() -> None:
    server = start_server(None, "--iam", "audit", "--root-secret-key", SECRET)
    try:
        creds = _user(server, "judy-audit", None)
        assert "Buckets" in _as(server, "s3", creds).list_buckets()
    finally:
        server.stop()


def test_source_ip_cannot_be_spoofed_with_forwarded_headers(enforcing: Server) -> None:
    """aws:SourceIp is the connection's address: pocketcloud is not behind a proxy, so an
    X-Forwarded-For header a local client adds must not move it into an allowed range."""
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}
    sqs = _as(enforcing, "sqs", _user(enforcing, "spoofer", policy))

    def forwarded(request: Any, **_: object) -> None:
        request.headers["X-Forwarded-For"] = "10.1.2.3"
        request.headers["Forwarded"] = "for=10.1.2.3"

    sqs.meta.events.register("before-sign.sqs.ListQueues", forwarded)
    with pytest.raises(ClientError) as caught:
        sqs.list_queues()
    assert _error(caught)[0] == "AccessDenied"
