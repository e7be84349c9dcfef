"""Every served operation's IAM action, resource ARNs and request condition keys: ONE place.

    authorization_target(service, operation, params, ctx) -> Target(action, resources, context)

``service`` is botocore's service name, ``params`` the parsed input, ``ctx`` the request's
RequestContext (account, region, caller). Services with explicit rules: sts, iam, ec2, account,
route53 (here), s3, sqs, dynamodb, lambda, sns (resource_rules.py).
Any other service falls back to ``<signing name>:<Operation>`` on ``"*"`` until its builder
adds a rule here. Every service gets ``aws:RequestTag/<key>`` and ``aws:TagKeys`` from a
``Tags`` list of Key/Value pairs.

``SKIP_AUTHORIZATION`` lists operations the gateway must not evaluate: GetCallerIdentity needs
no permission in AWS; AssumeRole* decide in STS itself (trust policy and the caller's policies
together: the identity side alone would refuse a same-account trust policy that names the user).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from pocketcloud.arns import arn, global_arn
from pocketcloud.iam import events_rules, resource_rules
from pocketcloud.protocol.specs import service_model
from pocketcloud.services.logs.iam_rules import logs_resources

if TYPE_CHECKING:
    from pocketcloud.context import RequestContext

SKIP_AUTHORIZATION = frozenset({
    ("sts", "GetCallerIdentity"),
    ("sts", "AssumeRole"),
    ("sts", "AssumeRoleWithWebIdentity"),
    ("sts", "AssumeRoleWithSAML"),
})


# Operations whose IAM action is not named after them (from the Service Authorization
# Reference); everything else is <prefix>:<Operation>.
ACTION_NAMES = {
    ("sqs", "SendMessageBatch"): "sqs:SendMessage",  # SQS's batch calls need the single action
    ("sqs", "DeleteMessageBatch"): "sqs:DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "sqs:ChangeMessageVisibility",
    ("lambda", "Invoke"): "lambda:InvokeFunction",
    ("lambda", "InvokeAsync"): "lambda:InvokeFunction",
    ("lambda", "InvokeWithResponseStream"): "lambda:InvokeFunction",
    ("lambda", "GetLayerVersionByArn"): "lambda:GetLayerVersion",
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "CopyObject"): "s3:PutObject",
    ("s3", "CreateMultipartUpload"): "s3:PutObject",
    ("s3", "UploadPart"): "s3:PutObject",
    ("s3", "UploadPartCopy"): "s3:PutObject",
    ("s3", "CompleteMultipartUpload"): "s3:PutObject",
    ("s3", "AbortMultipartUpload"): "s3:AbortMultipartUpload",
    ("s3", "ListParts"): "s3:ListMultipartUploadParts",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
    ("s3", "PutObjectLockConfiguration"): "s3:PutBucketObjectLockConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "PutBucketNotificationConfiguration"): "s3:PutBucketNotification",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "PutBucketNotification"): "s3:PutBucketNotification",  # the deprecated twins
    ("s3", "GetBucketNotification"): "s3:GetBucketNotification",
    ("s3", "PutBucketLifecycle"): "s3:PutLifecycleConfiguration",
    ("s3", "GetBucketLifecycle"): "s3:GetLifecycleConfiguration",
    # S3 bucket sub-resources: deletes are authorized as puts, several names differ
    ("s3", "DeleteBucketTagging"): "s3:PutBucketTagging",
    ("s3", "GetBucketCors"): "s3:GetBucketCORS",
    ("s3", "PutBucketCors"): "s3:PutBucketCORS",
    ("s3", "DeleteBucketCors"): "s3:PutBucketCORS",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "s3:PutLifecycleConfiguration",
    ("s3", "DeleteBucketLifecycle"): "s3:PutLifecycleConfiguration",
    ("s3", "DeleteBucketOwnershipControls"): "s3:PutBucketOwnershipControls",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "PutBucketReplication"): "s3:PutReplicationConfiguration",
    ("s3", "DeleteBucketReplication"): "s3:PutReplicationConfiguration",
    ("s3", "GetBucketAccelerateConfiguration"): "s3:GetAccelerateConfiguration",
    ("s3", "PutBucketAccelerateConfiguration"): "s3:PutAccelerateConfiguration",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "DeletePublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
}


class Target(NamedTuple):  # a tuple: made on every request, so made cheaply
    action: str
    resources: list[str]
    fixed_context: dict[str, list[str] | str] | None = None  # None: from `params`, on demand
    service: str = ""
    operation: str = ""
    params: Mapping[str, Any] | None = None

    @property
    def context(self) -> dict[str, list[str] | str]:
        """The request's service condition keys (tags, s3:prefix, ...): only a decision that
        is not already known needs them, so they are worked out when asked for."""
        if self.fixed_context is not None:
            return self.fixed_context
        return condition_keys(self.service, self.operation, self.params or {})


Rule = Callable[[str, Mapping[str, Any], "RequestContext"], list[str]]


def authorization_target(
    service: str, operation: str, params: Mapping[str, Any], ctx: RequestContext
) -> Target:
    rule = _RULES.get(service)
    resources = rule(operation, params, ctx) if rule else ["*"]
    action = action_name(service, operation)
    if service == "s3" and "VersionId" in params:
        action = resource_rules.s3_action(action, params)
    return Target(action, resources or ["*"], None, service, operation, params)


def condition_keys(
    service: str, operation: str, params: Mapping[str, Any]
) -> dict[str, list[str] | str]:
    context = _tag_keys(params) if "Tags" in params else {}
    if service == "account":
        context.update(_account_context(params))
    if service == "s3":
        context.update(resource_rules.s3_context(operation, params))
    return context


@cache
def action_name(service: str, operation: str) -> str:
    """The IAM action an operation is authorized as."""
    return ACTION_NAMES.get((service, operation)) or f"{action_prefix(service)}:{operation}"


@cache
def action_prefix(service: str) -> str:
    """IAM's service prefix: the SigV4 signing name (lambda, s3, sqs, execute-api, ...)."""
    model = service_model(service)
    return str(model.signing_name or model.endpoint_prefix)


def _tag_keys(params: Mapping[str, Any]) -> dict[str, list[str] | str]:
    tags = params.get("Tags")
    if not isinstance(tags, list) or not all(isinstance(t, dict) and "Key" in t for t in tags):
        return {}
    context: dict[str, list[str] | str] = {
        f"aws:RequestTag/{t['Key']}": str(t.get("Value", "")) for t in tags}
    context["aws:TagKeys"] = [t["Key"] for t in tags]
    return context


# --- iam: a global service; the resource is named by the request's identifying member -----

IAM_NAMED_MEMBERS = {  # member -> the ARN resource type it names
    "UserName": "user", "GroupName": "group", "RoleName": "role",
    "InstanceProfileName": "instance-profile", "VirtualMFADeviceName": "mfa",
    "ServerCertificateName": "server-certificate",
}
IAM_ARN_MEMBERS = ("PolicyArn", "OpenIDConnectProviderArn", "SAMLProviderArn",
                   "PolicySourceArn", "SerialNumber",  # SerialNumber: a virtual MFA device
                   "Arn")  # Arn: the entity or policy of the access reports
IAM_ACCOUNT_LEVEL = frozenset({  # operations on the account as a whole: Resource "*"
    "ListUsers", "ListGroups", "ListRoles", "ListPolicies", "ListInstanceProfiles",
    "CreatePolicy", "CreateAccountAlias", "DeleteAccountAlias", "ListAccountAliases",
    "GetAccountPasswordPolicy", "UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy",
    "GetAccountSummary", "CreateOpenIDConnectProvider", "ListOpenIDConnectProviders",
    "CreateServiceLinkedRole", "GetServiceLinkedRoleDeletionStatus", "SimulateCustomPolicy",
    "GetAccountAuthorizationDetails", "GetAccessKeyLastUsed", "ListVirtualMFADevices",
    "ListSAMLProviders", "ListServerCertificates", "SetSecurityTokenServicePreferences",
    "GenerateCredentialReport", "GetCredentialReport", "GetContextKeysForCustomPolicy",
    "GetServiceLastAccessedDetails", "GetServiceLastAccessedDetailsWithEntities",
    "EnableOutboundWebIdentityFederation", "DisableOutboundWebIdentityFederation",
    "GetOutboundWebIdentityFederationInfo",
})
IAM_CALLER_USER = frozenset({  # without UserName these act on the caller's own user
    "GetUser", "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey",
    "ListMFADevices", "DeactivateMFADevice", "GetMFADevice", "ChangePassword",
    "UploadSigningCertificate", "ListSigningCertificates", "UpdateSigningCertificate",
    "DeleteSigningCertificate", "ListSSHPublicKeys", "ListServiceSpecificCredentials",
    "ResetServiceSpecificCredential", "UpdateServiceSpecificCredential",
    "DeleteServiceSpecificCredential",
})
# operations that name the resource they create by a name (and an optional Path)
IAM_CREATED_WITH_PATH = {
    "CreateSAMLProvider": ("Name", "saml-provider"),
    "CreatePolicy": ("PolicyName", "policy"),
    "CreateVirtualMFADevice": ("VirtualMFADeviceName", "mfa"),
    "UploadServerCertificate": ("ServerCertificateName", "server-certificate"),
}
# the user is their resource, not the device (the Service Authorization Reference)
IAM_USER_MFA = frozenset({"EnableMFADevice", "DeactivateMFADevice", "ResyncMFADevice",
                          "GetMFADevice", "ListMFADevices"})


def _iam(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    account_id = ctx.account_id
    member, kind = IAM_CREATED_WITH_PATH.get(operation, ("", ""))
    if member and params.get(member):
        path = params.get("Path") or "/"
        return [global_arn("iam", account_id, f"{kind}{path}{params[member]}")]
    resources = [str(params[m]) for m in IAM_ARN_MEMBERS if params.get(m) and (
        m != "SerialNumber" or (str(params[m]).startswith("arn:")
                                and operation not in IAM_USER_MFA))]
    for member, kind in IAM_NAMED_MEMBERS.items():
        if params.get(member):
            resources.append(global_arn("iam", account_id, f"{kind}/{params[member]}"))
    if not resources and operation in IAM_CALLER_USER:
        caller = ctx.caller
        if caller is not None and caller.principal_type == "user":
            resources.append(caller.principal_arn)
    return resources or ["*"]


# --- sts ----------------------------------------------------------------------------------

def _sts(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    if params.get("RoleArn"):
        return [str(params["RoleArn"])]
    if operation == "GetFederationToken" and params.get("Name"):
        return [arn("sts", "", ctx.account_id, f"federated-user/{params['Name']}")]
    return ["*"]


# --- ec2: regional; key pairs are resources, Describe* and region calls are "*" -------------

def _ec2(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    if operation in ("CreateKeyPair", "ImportKeyPair", "DeleteKeyPair"):
        name = params.get("KeyPairId") or params.get("KeyName")
        if name:
            return [arn("ec2", ctx.region, ctx.account_id, f"key-pair/{name}")]
    return ["*"]


# --- account ------------------------------------------------------------------------------

def _account(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    account_id = str(params.get("AccountId") or ctx.account_id)
    return [global_arn("account", account_id, "account")]


def _account_context(params: Mapping[str, Any]) -> dict[str, list[str] | str]:
    """account:TargetRegion for the region opt-in operations."""
    return {"account:TargetRegion": str(params["RegionName"])} if params.get("RegionName") else {}


# --- route53: global, and its ARNs carry neither region nor account -------------------------

ROUTE53_ID_KINDS = {  # operations whose Id names something other than a hosted zone
    "GetChange": "change",
    "GetQueryLoggingConfig": "queryloggingconfig",
    "DeleteQueryLoggingConfig": "queryloggingconfig",
    "ChangeCidrCollection": "cidrcollection",
    "DeleteCidrCollection": "cidrcollection",
    "GetReusableDelegationSet": "delegationset",
    "CreateTrafficPolicyVersion": "trafficpolicy",
    "GetTrafficPolicy": "trafficpolicy",
    "DeleteTrafficPolicy": "trafficpolicy",
    "UpdateTrafficPolicyComment": "trafficpolicy",
    "ListTrafficPolicyVersions": "trafficpolicy",
    "GetTrafficPolicyInstance": "trafficpolicyinstance",
    "DeleteTrafficPolicyInstance": "trafficpolicyinstance",
    "DeleteReusableDelegationSet": "delegationset",
}


def _route53_arn(kind: str, resource_id: str) -> str:
    return arn("route53", "", "", f"{kind}/{resource_id.rsplit('/', 1)[-1]}")


def _route53(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    if params.get("ResourceType") in ("hostedzone", "healthcheck"):
        ids = params.get("ResourceIds") or [params.get("ResourceId")]
        return [_route53_arn(str(params["ResourceType"]), str(i)) for i in ids if i]
    if params.get("HealthCheckId"):
        return [_route53_arn("healthcheck", str(params["HealthCheckId"]))]
    if params.get("CollectionId"):
        return [_route53_arn("cidrcollection", str(params["CollectionId"]))]
    if params.get("DelegationSetId"):
        return [_route53_arn("delegationset", str(params["DelegationSetId"]))]
    kind = ROUTE53_ID_KINDS.get(operation)
    zone_id = params.get("HostedZoneId") or (params.get("Id") if kind is None else None)
    if zone_id:
        return [_route53_arn("hostedzone", str(zone_id))]
    if params.get("Id") and kind is not None:
        return [_route53_arn(kind, str(params["Id"]))]
    return ["*"]


_RULES: dict[str, Rule] = {
    "iam": _iam, "sts": _sts, "ec2": _ec2, "account": _account,
    "s3": resource_rules.s3_resources, "sqs": resource_rules.sqs_resources,
    "dynamodb": resource_rules.dynamodb_resources,
    "dynamodbstreams": resource_rules.dynamodb_resources,
    "lambda": resource_rules.lambda_resources,
    "logs": logs_resources,
    "events": events_rules.events_resources,
    "sns": resource_rules.sns_resources,
    "route53": _route53,
}
EXPLICIT_SERVICES = frozenset(_RULES)
