"""Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole and the deletion
status, with the role names and permission policies each service's "Using service-linked
roles" page documents."""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.common import no_such_entity
from pocketcloud.services.iam.roles import (
    MAX_SESSION_DEFAULT_S,
    insert_role,
    role_row,
    role_shape,
)
from pocketcloud.services.iam.schema import writing


class LinkedRole(NamedTuple):
    name: str  # after AWSServiceRoleFor
    policy: str = ""  # the AWS managed policy under /aws-service-role/, when documented
    description: str = ""


SERVICE_ROLES: dict[str, LinkedRole] = {
    "autoscaling.amazonaws.com": LinkedRole("AutoScaling", "AutoScalingServiceRolePolicy"),
    "ecs.amazonaws.com": LinkedRole(
        "ECS", "AmazonECSServiceRolePolicy",
        "Allows ECS to create and manage AWS resources on your behalf."),
    "eks.amazonaws.com": LinkedRole("AmazonEKS", "AmazonEKSServiceRolePolicy"),
    "eks-nodegroup.amazonaws.com": LinkedRole("AmazonEKSNodegroup",
                                              "AWSServiceRoleForAmazonEKSNodegroup"),
    "eks-fargate.amazonaws.com": LinkedRole("AmazonEKSForFargate",
                                            "AmazonEKSForFargateServiceRolePolicy"),
    "elasticloadbalancing.amazonaws.com": LinkedRole(
        "ElasticLoadBalancing", "AWSElasticLoadBalancingServiceRolePolicy"),
    "rds.amazonaws.com": LinkedRole("RDS", "AmazonRDSServiceRolePolicy"),
    "es.amazonaws.com": LinkedRole("AmazonElasticsearchService",
                                   "AmazonElasticsearchServiceRolePolicy"),
    "opensearchservice.amazonaws.com": LinkedRole("AmazonOpenSearchService",
                                                  "AmazonOpenSearchServiceRolePolicy"),
    "replicator.lambda.amazonaws.com": LinkedRole("LambdaReplicator", "AWSLambdaReplicator"),
    "spot.amazonaws.com": LinkedRole("EC2Spot", "AWSEC2SpotServiceRolePolicy"),
    "spotfleet.amazonaws.com": LinkedRole("EC2SpotFleet", "AWSEC2SpotFleetServiceRolePolicy"),
    "ec2fleet.amazonaws.com": LinkedRole("EC2Fleet", "AWSEC2FleetServiceRolePolicy"),
    "elasticache.amazonaws.com": LinkedRole("ElastiCache", "ElastiCacheServiceRolePolicy"),
    "config.amazonaws.com": LinkedRole("Config", "AWSConfigServiceRolePolicy"),
    "cloudtrail.amazonaws.com": LinkedRole("CloudTrail", "CloudTrailServiceRolePolicy"),
    "ssm.amazonaws.com": LinkedRole("AmazonSSM", "AmazonSSMServiceRolePolicy"),
    "organizations.amazonaws.com": LinkedRole("Organizations",
                                              "AWSOrganizationsServiceTrustPolicy"),
    "dynamodb.application-autoscaling.amazonaws.com": LinkedRole(
        "ApplicationAutoScaling_DynamoDBTable", "AWSApplicationAutoscalingDynamoDBTablePolicy"),
    "support.amazonaws.com": LinkedRole("Support", "AWSSupportServiceRolePolicy"),
    "trustedadvisor.amazonaws.com": LinkedRole("TrustedAdvisor",
                                               "AWSTrustedAdvisorServiceRolePolicy"),
    "lambda.amazonaws.com": LinkedRole("Lambda"),
}

# Services recorded creating a service-linked role (beyond the table above); their names
# follow the service's first label. Recorded refusing a CustomSuffix ("Custom suffix is not
# allowed for ..."); the recorded services that take one are autoscaling, connect and lexv2.
_NO_SUFFIX_NAMES = (
    "accountdiscovery.ssm acm appmesh autoscaling-plans backup batch "
    "cassandra.application-autoscaling cks.kms cloudtrail codestar-notifications config "
    "dms-fleet-advisor dms docdb-elastic ec2-instance-connect ec2.application-autoscaling "
    "ecr ecs eks-connector eks-fargate eks-nodegroup eks elasticache elasticbeanstalk "
    "elasticfilesystem elasticloadbalancing email.cognito-idp emr-containers emrwal es fis "
    "grafana imagebuilder iotmanagedintegrations kafka kafkaconnect lakeformation lex "
    "lightsail m2 memorydb mq mrk.kms notifications observability.aoss opensearchservice "
    "ops.apigateway ops.emr-serverless opsdatasync.ssm opsinsights.ssm "
    "pullthroughcache.ecr ram rds redshift replication.cassandra replication.ecr "
    "repository.sync.codeconnections resource-explorer-2 rolesanywhere s3-outposts ses "
    "shield ssm-incidents ssm-quicksetup ssm sso vpcorigin.cloudfront waf wafv2")
_NO_SUFFIX_SERVICES = frozenset(f"{name}.amazonaws.com" for name in _NO_SUFFIX_NAMES.split())
_SUFFIX_SERVICES = frozenset(("autoscaling.amazonaws.com", "connect.amazonaws.com",
                              "lexv2.amazonaws.com"))
KNOWN_SERVICES = frozenset(SERVICE_ROLES) | _NO_SUFFIX_SERVICES | _SUFFIX_SERVICES
_TASK = re.compile(r"task/aws-service-role/[\w.-]+\.amazonaws\.com/[\w+=,.@-]+/"
                   r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def service_role(service: str) -> LinkedRole:
    """The role IAM creates for ``service``; InvalidInput for a service principal that has
    no service-linked role."""
    if service not in KNOWN_SERVICES:
        raise AwsError("InvalidInputException", f"Invalid service name: {service}.")
    return SERVICE_ROLES.get(service) or LinkedRole(service.split(".")[0].capitalize())


def policy_arn(linked: LinkedRole) -> str | None:
    return f"arn:aws:iam::aws:policy/aws-service-role/{linked.policy}" if linked.policy \
        else None


def create_service_linked_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    service = params["AWSServiceName"]
    linked = service_role(service)
    suffix = params.get("CustomSuffix")
    if suffix and service in _NO_SUFFIX_SERVICES:
        raise AwsError("InvalidInputException", f"Custom suffix is not allowed for {service}")
    name = f"AWSServiceRoleFor{linked.name}" + (f"_{suffix}" if suffix else "")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
    description = params.get("Description") or linked.description
    with writing(ctx.cloud) as tx:
        if role_row(tx, ctx.account_id, name, required=False):
            raise AwsError("InvalidInputException",
                           f"Service role name {name} has been taken in this account, please "
                           "try a different suffix.")
        insert_role(tx, ctx, name, f"/aws-service-role/{service}/", trust, description,
                    MAX_SESSION_DEFAULT_S, None, [])
        arn = policy_arn(linked)
        if arn:
            tx.execute("INSERT INTO iam_attachments (account_id, owner_kind, owner_name, "
                       "policy_arn) VALUES (?, 'role', ?, ?)", (ctx.account_id, name, arn))
        row = role_row(tx, ctx.account_id, name)
    return {"Role": role_shape(ctx.account_id, row, with_last_used=False)}


def delete_service_linked_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["RoleName"]
    with writing(ctx.cloud) as tx:
        row = role_row(tx, ctx.account_id, name)
        path = row[2]
        if not path.startswith("/aws-service-role/"):
            raise AwsError("InvalidInputException", f"{name} is not a service-linked role.")
        for table, owner in (("iam_inline_policies", "owner_name"),
                             ("iam_attachments", "owner_name")):
            tx.execute(f"DELETE FROM {table} WHERE account_id = ? AND owner_kind = 'role' AND "
                       f"{owner} = ?", (ctx.account_id, name))
        tx.execute("DELETE FROM iam_roles WHERE account_id = ? AND name = ?",
                   (ctx.account_id, name))
    # Deletion is immediate here; the task id (AWS's form) lets clients poll as in AWS.
    service = path.removeprefix("/aws-service-role/").rstrip("/")
    return {"DeletionTaskId": f"task/aws-service-role/{service}/{name}/"
                              f"{ctx.cloud.ids.uuid4()}"}


def get_service_linked_role_deletion_status(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    if not _TASK.fullmatch(params["DeletionTaskId"]):
        raise no_such_entity(f"Deletion task {params['DeletionTaskId']} cannot be found.")
    return {"Status": "SUCCEEDED"}
