"""Policy documents IAM refuses get its MalformedPolicyDocument messages."""

from __future__ import annotations

import pytest

from pocketcloud.iam import PolicyError, parse_policy

GOOD = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                "Resource": "*"}]}


@pytest.mark.parametrize(("document", "kind", "message"), [
    ("{not json", "trust", "This policy contains invalid Json"),
    ("{not json", "identity", "Syntax errors in policy."),
    ("[]", "identity", "Syntax errors in policy."),
    ({"Version": "2012-10-17"}, "identity", "Syntax errors in policy."),
    ({"Version": "2020-01-01", "Statement": GOOD["Statement"]}, "identity",
     "Syntax errors in policy."),
    ({"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}, "identity",
     "Syntax errors in policy."),
    ({"Statement": [{"Effect": "Allow", "Resource": "*"}]}, "identity",
     "Policy statement must contain actions."),
    ({"Statement": [{"Effect": "Allow", "Action": "*"}]}, "identity",
     "Policy statement must contain resources."),
    ({"Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}, "identity",
     "must be prefaced by a vendor"),
    ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "bucket"}]}, "identity",
     "must be in ARN format"),
    ({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
     "identity", "Policy document should not specify a principal."),
    ({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}, "trust",
     "Missing required field Principal"),
    ({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
                     "Resource": "*"}]}, "trust", "Has prohibited field Resource"),
    ({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "bob"},
                     "Action": "sts:AssumeRole"}]}, "trust", "Invalid principal in policy"),
    ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                     "Condition": {"StringSort": {"a": "b"}}}]}, "identity",
     "Syntax errors in policy."),
    ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                     "Condition": {"NumericLessThan": {"a": "ten"}}}]}, "identity",
     "Invalid value ten"),
    ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}}]},
     "identity", "Invalid value"),
    ({"Statement": [{"Sid": "a-b", "Effect": "Allow", "Action": "*", "Resource": "*"}]},
     "identity", "alpha-numeric"),
    ({"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Sid": "A", "Effect": "Deny", "Action": "*", "Resource": "*"}]},
     "identity", "must be unique"),
    ({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*",
                     "Resource": "*"}]}, "identity", "Syntax errors in policy."),
    ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Extra": 1}]},
     "identity", "Syntax errors in policy."),
])
def test_refused(document: object, kind: str, message: str) -> None:
    with pytest.raises(PolicyError) as refused:
        parse_policy(document, kind)  # type: ignore[arg-type]
    assert message in refused.value.message


def test_accepted_forms() -> None:
    policy = parse_policy(GOOD, name="p")
    assert policy.name == "p" and policy.version == "2012-10-17"
    assert parse_policy({"Statement": {"Effect": "Deny", "NotAction": ["s3:*"],
                                       "NotResource": "arn:aws:s3:::b"}}).version == "2008-10-17"
    trust = parse_policy({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com"],
                                          "AWS": "123456789012"}, "Action": "sts:AssumeRole"}]},
        "trust")
    assert trust.statements[0].principal is not None
    assert trust.statements[0].principal.service == ("ec2.amazonaws.com",)
