"""Every served operation maps to an IAM action and resources; services with explicit rules
(iam, sts, ec2, account) map each operation they serve by rule, never by accident."""

from __future__ import annotations

import importlib
import inspect

import pytest
from botocore import xform_name

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.context import RequestContext
from pocketcloud.iam.actions import (
    EXPLICIT_SERVICES,
    IAM_ACCOUNT_LEVEL,
    IAM_ARN_MEMBERS,
    IAM_CALLER_USER,
    IAM_CREATED_WITH_PATH,
    IAM_NAMED_MEMBERS,
    authorization_target,
)
from pocketcloud.protocol.specs import service_model
from pocketcloud.services.registry import PROVIDERS


def _served(service: str) -> list[str]:
    module = importlib.import_module(PROVIDERS[service])
    names = {xform_name(op): op for op in service_model(service).operation_names}
    return sorted(names[n] for n, v in vars(module).items() if n in names and callable(v)
                  and not inspect.isclass(v))


@pytest.fixture(scope="module")
def ctx():  # type: ignore[no-untyped-def]
    cloud = Cloud(Settings(ephemeral=True))
    yield RequestContext(cloud=cloud, request_id="r", account_id="111122223333",
                         region="eu-west-1", service="iam")
    cloud.close()


@pytest.mark.parametrize("service", sorted(PROVIDERS))
def test_every_served_operation_has_a_target(service: str, ctx: RequestContext) -> None:
    for operation in _served(service):
        target = authorization_target(service, operation, {}, ctx)
        prefix, _, name = target.action.partition(":")
        assert prefix and name
        assert target.resources and all(r == "*" or r.startswith("arn:aws:")
                                         for r in target.resources)


def test_iam_operations_are_mapped_by_rule() -> None:
    for operation in _served("iam"):
        members = set(service_model("iam").operation_model(operation).input_shape.members
                      if service_model("iam").operation_model(operation).input_shape else ())
        named = members & {*IAM_NAMED_MEMBERS, *IAM_ARN_MEMBERS}
        assert named or operation in {*IAM_ACCOUNT_LEVEL, *IAM_CALLER_USER,
                                      *IAM_CREATED_WITH_PATH}, (
            f"iam:{operation} has no resource rule")


def test_explicit_services_are_served() -> None:
    assert set(PROVIDERS) >= EXPLICIT_SERVICES


def test_examples(ctx: RequestContext) -> None:
    user = authorization_target("iam", "CreateUser", {"UserName": "bob", "Tags": [
        {"Key": "team", "Value": "blue"}]}, ctx)
    assert user.action == "iam:CreateUser"
    assert user.resources == ["arn:aws:iam::111122223333:user/bob"]
    assert user.context["aws:RequestTag/team"] == "blue"
    assert user.context["aws:TagKeys"] == ["team"]
    role = "arn:aws:iam::444455556666:role/r"
    assert authorization_target("sts", "AssumeRole", {"RoleArn": role}, ctx).resources == [role]
    key = authorization_target("ec2", "CreateKeyPair", {"KeyName": "k"}, ctx)
    assert key.resources == ["arn:aws:ec2:eu-west-1:111122223333:key-pair/k"]
    region = authorization_target("account", "EnableRegion", {"RegionName": "af-south-1"}, ctx)
    assert region.resources == ["arn:aws:account::111122223333:account"]
    assert region.context == {"account:TargetRegion": "af-south-1"}
    assert authorization_target("sqs", "SendMessage", {}, ctx).action == "sqs:SendMessage"
    assert authorization_target("lambda", "Invoke", {}, ctx).action == "lambda:InvokeFunction"


def test_route53_arns_have_no_region_or_account(ctx: RequestContext) -> None:
    zone = authorization_target("route53", "ChangeResourceRecordSets",
                                {"HostedZoneId": "/hostedzone/Z123"}, ctx)
    assert zone.action == "route53:ChangeResourceRecordSets"
    assert zone.resources == ["arn:aws:route53:::hostedzone/Z123"]
    assert authorization_target("route53", "GetHostedZone", {"Id": "Z9"}, ctx).resources == [
        "arn:aws:route53:::hostedzone/Z9"]
    assert authorization_target("route53", "GetChange", {"Id": "C1"}, ctx).resources == [
        "arn:aws:route53:::change/C1"]
    check = authorization_target("route53", "GetHealthCheckStatus", {"HealthCheckId": "h"}, ctx)
    assert check.resources == ["arn:aws:route53:::healthcheck/h"]
    tags = authorization_target("route53", "ListTagsForResources",
                                {"ResourceType": "hostedzone", "ResourceIds": ["Z1", "Z2"]}, ctx)
    assert tags.resources == ["arn:aws:route53:::hostedzone/Z1", "arn:aws:route53:::hostedzone/Z2"]
    assert authorization_target("route53", "CreateHostedZone", {}, ctx).resources == ["*"]
    assert authorization_target("route53", "DeleteQueryLoggingConfig", {"Id": "q1"},
                                ctx).resources == ["arn:aws:route53:::queryloggingconfig/q1"]
    for operation, params in (("ChangeCidrCollection", {"Id": "c1"}),
                              ("ListCidrBlocks", {"CollectionId": "c1"})):
        assert authorization_target("route53", operation, params, ctx).resources == [
            "arn:aws:route53:::cidrcollection/c1"]
    assert authorization_target("route53", "GetTrafficPolicy", {"Id": "t1", "Version": 1},
                                ctx).resources == ["arn:aws:route53:::trafficpolicy/t1"]
    assert authorization_target("route53", "GetReusableDelegationSetLimit", {
        "DelegationSetId": "N1"}, ctx).resources == ["arn:aws:route53:::delegationset/N1"]
    assert authorization_target("route53domains", "RegisterDomain", {}, ctx).action == \
        "route53domains:RegisterDomain"


def test_s3_examples(ctx: RequestContext) -> None:
    tagging = authorization_target("s3", "PutObjectTagging", {"Bucket": "b", "Key": "k/1"}, ctx)
    assert tagging.action == "s3:PutObjectTagging"
    assert tagging.resources == ["arn:aws:s3:::b/k/1"]
    cors = authorization_target("s3", "DeleteBucketCors", {"Bucket": "b"}, ctx)
    assert (cors.action, cors.resources) == ("s3:PutBucketCORS", ["arn:aws:s3:::b"])
    expected = {
        "GetBucketAcl": "s3:GetBucketAcl", "PutBucketPolicy": "s3:PutBucketPolicy",
        "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
        "DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
        "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
        "GetBucketWebsite": "s3:GetBucketWebsite", "DeleteBucketTagging": "s3:PutBucketTagging",
        "GetBucketPolicyStatus": "s3:GetBucketPolicyStatus",
        "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    }
    for operation, action in expected.items():
        assert authorization_target("s3", operation, {"Bucket": "b"}, ctx).action == action
    assert authorization_target("s3", "ListBuckets", {}, ctx).resources == ["*"]


def test_sns_resources_are_topics(ctx: RequestContext) -> None:
    topic = "arn:aws:sns:eu-west-1:111122223333:orders"
    publish = authorization_target("sns", "Publish", {"TopicArn": topic}, ctx)
    assert (publish.action, publish.resources) == ("sns:Publish", [topic])
    created = authorization_target("sns", "CreateTopic", {"Name": "orders"}, ctx)
    assert created.resources == [topic]
    unsubscribe = authorization_target("sns", "Unsubscribe",
                                       {"SubscriptionArn": topic + ":abc-123"}, ctx)
    assert (unsubscribe.action, unsubscribe.resources) == ("sns:Unsubscribe", [topic])
    tag = authorization_target("sns", "TagResource", {"ResourceArn": topic}, ctx)
    assert tag.resources == [topic]
    assert authorization_target("sns", "ListTopics", {}, ctx).resources == ["*"]


def test_mfa_and_federation_targets(ctx: RequestContext) -> None:
    device = "arn:aws:iam::111122223333:mfa/team/phone"
    made = authorization_target("iam", "CreateVirtualMFADevice", {
        "VirtualMFADeviceName": "phone", "Path": "/team/"}, ctx)
    assert made.resources == [device]
    assert authorization_target("iam", "DeleteVirtualMFADevice", {
        "SerialNumber": device}, ctx).resources == [device]
    enable = authorization_target("iam", "EnableMFADevice", {
        "UserName": "bob", "SerialNumber": device}, ctx)
    assert enable.resources == ["arn:aws:iam::111122223333:user/bob"]
    assert authorization_target("iam", "ListVirtualMFADevices", {}, ctx).resources == ["*"]
    federation = authorization_target("sts", "GetFederationToken", {"Name": "fed"}, ctx)
    assert federation.action == "sts:GetFederationToken"
    assert federation.resources == ["arn:aws:sts::111122223333:federated-user/fed"]


def test_certificate_and_provider_targets(ctx: RequestContext) -> None:
    upload = authorization_target("iam", "UploadServerCertificate", {
        "ServerCertificateName": "web", "Path": "/lb/"}, ctx)
    assert upload.resources == ["arn:aws:iam::111122223333:server-certificate/lb/web"]
    assert authorization_target("iam", "GetServerCertificate", {
        "ServerCertificateName": "web"}, ctx).resources == [
        "arn:aws:iam::111122223333:server-certificate/web"]
    saml = authorization_target("iam", "CreateSAMLProvider", {"Name": "okta"}, ctx)
    assert saml.resources == ["arn:aws:iam::111122223333:saml-provider/okta"]
    ssh = authorization_target("iam", "UploadSSHPublicKey", {"UserName": "bob"}, ctx)
    assert ssh.resources == ["arn:aws:iam::111122223333:user/bob"]
    assert authorization_target("iam", "ChangePassword", {}, ctx).action == "iam:ChangePassword"
    assert authorization_target("iam", "SetSecurityTokenServicePreferences", {},
                                ctx).resources == ["*"]
