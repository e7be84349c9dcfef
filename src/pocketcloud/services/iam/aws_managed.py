"""A few AWS managed policies (``arn:aws:iam::aws:policy/...``) that users attach most.

Their documents follow AWS's published intent in short form; pocketcloud does not ship the
full catalogue (over a thousand policies)."""

from __future__ import annotations

import json

AWS_ACCOUNT = "aws"
CREATED_S = 1423094400.0  # 2015-02-05, the date AWS gives its oldest managed policies


def _allow(actions: list[str], resource: str = "*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": resource}]})


_READ_ONLY = ["*:Describe*", "*:Get*", "*:List*", "*:BatchGet*", "*:Query", "*:Scan",
              "*:Lookup*", "*:Select*", "s3:Head*"]

DOCUMENTS: dict[str, tuple[str, str]] = {
    # name -> (path, document)
    "AdministratorAccess": ("/", _allow(["*"])),
    "PowerUserAccess": ("/", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole",
                                       "iam:ListRoles", "organizations:DescribeOrganization",
                                       "account:ListRegions", "account:GetAccountInformation"],
         "Resource": "*"}]})),
    "ReadOnlyAccess": ("/", _allow(_READ_ONLY)),
    "IAMFullAccess": ("/", _allow(["iam:*", "organizations:DescribeAccount",
                                   "organizations:DescribeOrganization"])),
    "IAMReadOnlyAccess": ("/", _allow(["iam:Generate*", "iam:Get*", "iam:List*",
                                       "iam:Simulate*"])),
    "AmazonS3FullAccess": ("/", _allow(["s3:*", "s3-object-lambda:*"])),
    "AmazonS3ReadOnlyAccess": ("/", _allow(["s3:Get*", "s3:List*", "s3:Describe*"])),
    "AmazonSQSFullAccess": ("/", _allow(["sqs:*"])),
    "AmazonSQSReadOnlyAccess": ("/", _allow(["sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                                             "sqs:ListDeadLetterSourceQueues", "sqs:ListQueues",
                                             "sqs:ListMessageMoveTasks", "sqs:ListQueueTags"])),
    "AmazonDynamoDBFullAccess": ("/", _allow(["dynamodb:*"])),
    "AmazonDynamoDBReadOnlyAccess": ("/", _allow(["dynamodb:BatchGetItem", "dynamodb:Describe*",
                                                  "dynamodb:List*", "dynamodb:GetItem",
                                                  "dynamodb:Query", "dynamodb:Scan"])),
    "AmazonEC2FullAccess": ("/", _allow(["ec2:*"])),
    "AmazonEC2ReadOnlyAccess": ("/", _allow(["ec2:Describe*", "ec2:GetSecurityGroupsForVpc"])),
    "AWSLambda_FullAccess": ("/", _allow(["lambda:*"])),
    "AWSLambdaBasicExecutionRole": ("/service-role/", _allow(
        ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])),
    "AWSLambdaSQSQueueExecutionRole": ("/service-role/", _allow(
        ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
         "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])),
    "IAMUserChangePassword": ("/", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:ChangePassword"],
         "Resource": ["arn:aws:iam::*:user/${aws:username}"]},
        {"Effect": "Allow", "Action": ["iam:GetAccountPasswordPolicy"], "Resource": "*"}]})),
    "SystemAdministrator": ("/job-function/", _allow(
        ["acm:*", "autoscaling:*", "cloudtrail:*", "cloudwatch:*", "config:*", "ec2:*",
         "elasticloadbalancing:*", "events:*", "iam:Get*", "iam:List*", "kms:*", "lambda:*",
         "logs:*", "rds:Describe*", "route53:*", "s3:*", "sns:*", "sqs:*"])),
    "AmazonElasticMapReduceRole": ("/service-role/", _allow(
        ["ec2:*", "s3:CreateBucket", "s3:Get*", "s3:List*", "iam:GetRole", "iam:ListRoles",
         "iam:PassRole", "sqs:CreateQueue", "sqs:Delete*", "sqs:GetQueue*", "sqs:ReceiveMessage",
         "cloudwatch:*", "application-autoscaling:*"])),
    "AWSControlTowerServiceRolePolicy": ("/service-role/", _allow(
        ["cloudformation:*", "cloudtrail:*", "config:*", "organizations:*", "sso:*",
         "iam:GetRole", "iam:PassRole", "logs:*", "s3:GetObject", "sts:AssumeRole"])),
}


# name -> (default version id, description) where AWS's differ from ("v1", none)
DETAILS: dict[str, tuple[str, str]] = {
    "IAMUserChangePassword": (
        "v5", "Provides the ability for an IAM user to change their own password."),
    "SystemAdministrator": (
        "v12", "Grants full access permissions necessary for resources required for "
        "application and development operations."),
}


def default_version(name: str) -> str:
    return DETAILS.get(name, ("v1", ""))[0]


def description(name: str) -> str:
    return DETAILS.get(name, ("v1", ""))[1]


def managed_arn(name: str) -> str:
    path = DOCUMENTS[name][0]
    return f"arn:aws:iam::aws:policy{path}{name}"


ARNS: dict[str, str] = {managed_arn(name): name for name in DOCUMENTS}


def document_for(arn: str) -> str | None:
    name = ARNS.get(arn)
    return DOCUMENTS[name][1] if name else None
