"""EC2's UnauthorizedOperation carries an encoded authorization failure message that STS's
DecodeAuthorizationMessage turns into AWS's JSON; only messages this cloud issued decode."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from tests.support import Server, refusal
from tests.support import enforcing_client as _client


def _user(server: Server, name: str, policy: dict[str, Any] | None = None) -> Any:
    iam = _client(server, "iam")
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _encoded(message: str) -> str:
    match = re.search(r"Encoded authorization failure message: (\S+)$", message)
    assert match, message
    return match.group(1)


def test_ec2_denial_decodes_to_aws_json(enforcing: Server) -> None:
    key, secret = _user(enforcing, "enc-user")
    ec2 = _client(enforcing, "ec2", key, secret)
    code, message, status = refusal(ec2.create_key_pair, KeyName="enc-key")
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert message.startswith("You are not authorized to perform this operation. User: "
                              "arn:aws:iam::000000000000:user/enc-user is not authorized")
    decoded = json.loads(_client(enforcing, "sts").decode_authorization_message(
        EncodedMessage=_encoded(message))["DecodedMessage"])
    assert (decoded["allowed"], decoded["explicitDeny"]) == (False, False)
    assert decoded["matchedStatements"] == {"items": []}
    assert decoded["failures"] == {"items": []}
    context = decoded["context"]
    assert context["principal"]["arn"] == "arn:aws:iam::000000000000:user/enc-user"
    assert context["principal"]["name"] == "enc-user"
    assert context["principal"]["id"].startswith("AIDA")
    assert context["action"] == "ec2:CreateKeyPair"
    assert context["resource"] == "arn:aws:ec2:us-east-1:000000000000:key-pair/enc-key"
    conditions = {c["key"]: [v["value"] for v in c["values"]["items"]]
                  for c in context["conditions"]["items"]}
    assert conditions["aws:username"] == ["enc-user"]
    assert conditions["aws:RequestedRegion"] == ["us-east-1"]


def test_explicit_deny_names_its_statement(enforcing: Server) -> None:
    key, secret = _user(enforcing, "enc-denied", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ec2:*", "sts:DecodeAuthorizationMessage"],
         "Resource": "*"},
        {"Sid": "NoKeys", "Effect": "Deny", "Action": "ec2:CreateKeyPair", "Resource": "*"}]})
    ec2 = _client(enforcing, "ec2", key, secret)
    message = refusal(ec2.create_key_pair, KeyName="enc-key-2")[1]
    own = _client(enforcing, "sts", key, secret)  # allowed to decode its own denial
    decoded = json.loads(own.decode_authorization_message(
        EncodedMessage=_encoded(message))["DecodedMessage"])
    assert decoded["explicitDeny"] is True
    assert decoded["matchedStatements"]["items"] == [{"statementId": "NoKeys",
                                                      "effect": "DENY"}]


def test_describe_denials_carry_no_encoded_message(enforcing: Server) -> None:
    ec2 = _client(enforcing, "ec2", *_user(enforcing, "enc-reader"))
    assert "Encoded authorization failure message" not in refusal(ec2.describe_key_pairs)[1]


@pytest.mark.parametrize("message", ["not-a-message", "QUJD", "x" * 300])
def test_unknown_messages_are_invalid(enforcing: Server, message: str) -> None:
    assert refusal(_client(enforcing, "sts").decode_authorization_message,
                   EncodedMessage=message) == (
        "InvalidAuthorizationMessageException", "Message is not valid", 400)


def test_decoding_needs_permission(enforcing: Server) -> None:
    sts = _client(enforcing, "sts", *_user(enforcing, "enc-nobody"))
    assert refusal(sts.decode_authorization_message, EncodedMessage="QUJD")[::2] == (
        "AccessDenied", 403)
