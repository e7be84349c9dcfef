"""CreatePolicy's MalformedPolicyDocument messages as recorded against AWS, including which
problem AWS reports first when a document has several (syntax, version, legacy parsing,
then statement contents)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "357935793579"
BUCKET = "arn:aws:s3:::example_bucket"
SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"
OLD = "Policy document must be version 2012-10-17 or greater."
VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
COLON = "Actions/Condition can contain only one colon."
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."


def _doc(*statements: dict[str, Any], version: str | None = "2012-10-17",
         **top: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Statement": list(statements) if len(statements) != 1
                            else statements[0], **top}
    if version is not None:
        body["Version"] = version
    return body


def _allow(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET, **fields}


def _arn_format(resource: str) -> str:
    return f'Resource {resource} must be in ARN format or "*".'


def _partition(partition: str, shown: str) -> str:
    return f'Partition "{partition}" is not valid for resource "{shown}".'


REFUSED: list[tuple[Any, str]] = [
    ("This is not a json document", SYNTAX),
    (_doc(_allow(), version=None), OLD),
    (_doc(_allow(), version="2008-10-17"), OLD),
    (_doc(_allow(), version="2013-10-17"), SYNTAX),
    ({"Version": "2012-10-17"}, SYNTAX),
    ({"Version": "2012-10-17", "Statement": ["afd"]}, SYNTAX),
    ({"Version": "2012-10-17", "Statement": []}, SYNTAX),
    (_doc(_allow(), **{"Extra field": "value"}), SYNTAX),
    (_doc(_allow(**{"Extra field": "value"})), SYNTAX),
    (_doc(_allow(), Id=["x"]), SYNTAX),
    (_doc(_allow(), Id={}), SYNTAX),
    (_doc(_allow(Effect="invalid")), SYNTAX),
    (_doc(_allow(Action="invalid")), VENDOR),
    (_doc({"Effect": "Allow", "NotAction": "", "Resource": BUCKET}), VENDOR),
    (_doc(_allow(Action="a a:ListBucket")), "Vendor a a is not valid"),
    (_doc(_allow(Action="s3:List:Bucket")), COLON),
    (_doc(_allow(Action="s3s:ListBucket"), _allow(Action="s:3s:ListBucket")), COLON),
    (_doc(_allow(Resource="invalid resource")), _arn_format("invalid resource")),
    (_doc(_allow(Resource=""), _allow(Resource="")), _arn_format("")),
    (_doc(_allow(Action="s:3:ListBucket", Resource="sdfsadf")), _arn_format("sdfsadf")),
    (_doc(_allow(Resource=["adf"])), _arn_format("adf")),
    (_doc({"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:bsdfdsafsad"}),
     _partition("bsdfdsafsad", "arn:bsdfdsafsad:*:*:*:*")),
    (_doc({"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:b:cadfsdf"}),
     _partition("b", "arn:b:cadfsdf:*:*:*")),
    (_doc({"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:b:c:d:e:f:g:h"}),
     _partition("b", "arn:b:c:d:e:f:g:h")),
    (_doc(_allow(Resource="aws:s3:::example_bucket")),
     _partition("s3", "arn:s3:::example_bucket:*")),
    (_doc(_allow(Resource=["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"])),
     _partition("error", "arn:error:s3:::example_bucket")),
    (_doc({"Effect": "Allow", "Action": "s3:ListBucket"}), NO_RESOURCES),
    (_doc(_allow(Resource=[])), NO_RESOURCES),
    (_doc({"Effect": "Allow", "Action": "invalid"}), NO_RESOURCES),
    (_doc({"Effect": "Allow", "Resource": BUCKET}), NO_ACTIONS),
    (_doc({"Action": "s3:ListBucket", "Resource": BUCKET}), SYNTAX),
    (_doc({"Effect": "Allow"}), NO_ACTIONS),
    (_doc(_allow(Action=[])), NO_ACTIONS),
    (_doc({"Effect": "Deny"}, _allow()), NO_ACTIONS),
    (_doc(_allow(Resource="arn:aws:iam:::example_bucket")),
     'IAM resource path must either be "*", root, or start with user/, federated-user/, '
     "role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, "
     "saml-provider/, oidc-provider/, report/, access-report/."),
    (_doc(_allow(Resource="arn:aws:s3::example_bucket")), LEGACY),
    (_doc({"Effect": "Allow", "Resource": "arn:aws:s3::example_bucket"}), LEGACY),
    (_doc(_allow(Resource="arn:aws")),
     "Resource vendor must be fully qualified and cannot contain regexes."),
    (_doc(_allow(Resource={"a": BUCKET})), SYNTAX),
    (_doc(_allow(Effect="Deny", Resource=["adfdf", {}])), SYNTAX),
    (_doc({"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": BUCKET,
           "NotResource": []}), SYNTAX),
    (_doc(_allow(Effect="Deny", Action=[[]])), SYNTAX),
    (_doc(_allow(NotAction="s3s:ListBucket", Action=[])), SYNTAX),
    (_doc(_allow(Action={})), SYNTAX),
    (_doc(_allow(Condition=[])), SYNTAX),
    (_doc(_allow(Condition="a")), SYNTAX),
    (_doc(_allow(Condition={"a": "b"})), SYNTAX),
    (_doc(_allow(Condition={"DateGreaterThan": "b"})), SYNTAX),
    (_doc(_allow(Condition={"DateGreaterThan": []})), SYNTAX),
    (_doc(_allow(Condition={"DateGreaterThan": {"a": {}}})), SYNTAX),
    (_doc({"Effect": "Allow", "Resource": BUCKET,
           "Condition": {"DateGreaterThan": {"a": {}}}}), SYNTAX),
    (_doc(_allow(Condition={"x": {"a": "1"}})), SYNTAX),
    (_doc(_allow(Condition={"ForAnyValue::StringEqualsIfExists": {"a": "asf"}})), SYNTAX),
    (_doc(_allow(Condition=[{"ForAllValues:StringEquals": {"aws:TagKeys": "D"}}])), SYNTAX),
    (_doc(_allow(Resource="arn:aws:iam:us-east-1::example_bucket")),
     "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."),
    (_doc(_allow(Resource="arn:aws:s3:us-east-1::example_bucket")),
     "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."),
    (_doc(_allow(Sid={})), SYNTAX),
    (_doc(_allow(Sid=[])), SYNTAX),
    (_doc(_allow(Sid="sdf"), {"Sid": "sdf", "Effect": "Allow"}),
     "Statement IDs (SID) in a single policy must be unique."),
    (_doc(_allow(Sid="sdf"), {"Sid": "sdf", "Effect": "Allow"}, version=None), OLD),
    (_doc(_allow(NotAction="s3:ListBucket", Action="iam:dsf")), SYNTAX),
    (_doc(_allow(NotResource="*")), SYNTAX),
    (_doc(_allow(Effect="denY")), LEGACY),
    (_doc(_allow(Condition={"DateGreaterThan": {"a": "sdfdsf"}})), LEGACY),
    (_doc(_allow(Condition={"DateGreaterThan": {"a": "sdfdsf"}}), version=None), OLD),
    (_doc(_allow(Effect="denY"), version=None), OLD),
    (_doc({"Effect": "Allow", "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}), LEGACY),
    (_doc({"Effect": "Allow", "NotAction": "s3:ListBucket",
           "Resource": "arn:aws::::example_bucket"}), LEGACY),
    (_doc({"Effect": "allow", "Resource": "arn:aws:s3:us-east-1::example_bucket"}), LEGACY),
    (_doc(_allow(Sid="sdf", Effect="aLLow"), {"Sid": "sdf", "Effect": "Allow"}), LEGACY),
    (_doc({"Effect": "Allow", "Action": "s3:ListBucket",
           "NotResource": "arn:aws:s3::example_bucket"}), LEGACY),
    (_doc(_allow(Condition={"DateLessThanEquals": {"a": "234-13"}})), LEGACY),
    (_doc(_allow(Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+1"}})),
     LEGACY),
    (_doc(_allow(Condition={"DateLessThanEquals": {
        "a": "2016-12-13t2:00:00.1999999999+10:59"}})), LEGACY),
    (_doc(_allow(Condition={"DateLessThan": {"a": "9223372036854775808"}})), LEGACY),
    (_doc(_allow(Resource="arn:error:s3:::example_bucket",
                 Condition={"DateGreaterThan": {"a": "sdfdsf"}})), LEGACY),
    (_doc(_allow(Resource="arn:aws::fdsasf")), LEGACY),
    (_doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}),
     "Policy document should not specify a principal."),
]

ACCEPTED: list[dict[str, Any]] = [
    _doc(_allow(Action="iam: asdf safdsf af ")),
    _doc(_allow(Resource=[BUCKET, "*"])),
    _doc(_allow(Action="service-prefix:action-name", Resource="*", Condition={
        "DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"}})),
    _doc(_allow(Resource="arn:aws:iam:::user/example_bucket")),
    _doc(_allow(Resource="arn:aws:s33:::example_bucket")),
    _doc(_allow(Resource="arn:aws:fdsasf")),
    _doc(_allow(Condition={})),
    _doc(_allow(Resource="arn:aws:cloudwatch:us-east-1::example_bucket")),
    _doc(_allow(Condition={"DateGreaterThan": {}})),
    _doc(_allow(Condition={"DateGreaterThan": {"a": []}})),
    _doc(_allow(Condition={"a": {}})),
    _doc(_allow(Condition={"x": {}, "y": {}})),
    _doc(_allow(Condition={"DateGreaterThan": {"a": "01T"}})),
    _doc(_allow(Condition={"ForAnyValue:StringEqualsIfExists": {"a": "asf"}})),
    _doc(_allow(Condition={"DateLessThanEquals": {"a": "2016-12-13T21:20:37.593194+00:00"}})),
    _doc(_allow(Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+23"}})),
    _doc(_allow(Condition={"DateLessThan": {"a": "-292275054"}})),
    _doc(_allow(Action="s3-s:ListBucket"), _allow(Action="s3.s:ListBucket", Sid="")),
    _doc({"Effect": "Allow", "NotAction": "s3:ListBucket", "NotResource": "*"}, Id="x"),
    _doc(_allow(Action="iam:GetUser", Resource="arn:aws:iam::*:user/${aws:username}")),
    _doc(_allow(Action="s3:*", Resource=[
        "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point/object/*"])),
]


def _error(iam, document: Any) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(ClientError) as caught:
        iam.create_policy(PolicyName=f"p{uuid.uuid4().hex[:10]}", PolicyDocument=text)
    error = caught.value.response
    return (error["Error"]["Code"], error["Error"]["Message"],
            error["ResponseMetadata"]["HTTPStatusCode"])


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


@pytest.mark.parametrize(("document", "message"), REFUSED)
def test_create_policy_refuses_with_aws_message(iam, document: Any, message: str) -> None:  # type: ignore[no-untyped-def]
    assert _error(iam, document) == ("MalformedPolicyDocument", message, 400)


@pytest.mark.parametrize("document", ACCEPTED)
def test_create_policy_accepts_what_aws_accepts(iam, document: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    created = iam.create_policy(PolicyName=f"p{uuid.uuid4().hex[:10]}",
                                PolicyDocument=json.dumps(document))
    iam.delete_policy(PolicyArn=created["Policy"]["Arn"])


def test_policy_version_and_inline_policies_share_the_checks(iam) -> None:  # type: ignore[no-untyped-def]
    arn = iam.create_policy(PolicyName=f"p{uuid.uuid4().hex[:10]}", PolicyDocument=json.dumps(
        _doc(_allow())))["Policy"]["Arn"]
    with pytest.raises(ClientError) as caught:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(
            _doc(_allow(), version=None)))
    assert caught.value.response["Error"]["Message"] == OLD
    user = f"u{uuid.uuid4().hex[:10]}"
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as caught:
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(
            _doc(_allow(Action="a a:ListBucket"))))
    assert caught.value.response["Error"]["Message"] == "Vendor a a is not valid"
    # inline policies may still use the 2008 language version
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(
        _doc(_allow(), version=None)))
