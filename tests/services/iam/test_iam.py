"""IAM end to end through boto3: users, groups, roles, policies, keys, as a user checks them."""

from __future__ import annotations

import json
import uuid

from tests.support import refusal

ALLOW_S3 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
TRUST_ACCOUNT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
     "Action": "sts:AssumeRole"}]})


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_user_lifecycle(client) -> None:
    iam = client("iam")
    name = _name("alice")
    user = iam.create_user(UserName=name, Path="/team/", Tags=[{"Key": "k", "Value": "v"}])["User"]
    assert user["Arn"] == f"arn:aws:iam::000000000000:user/team/{name}"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    assert iam.get_user(UserName=name)["User"]["Tags"] == [{"Key": "k", "Value": "v"}]
    assert name in [u["UserName"] for u in iam.list_users(PathPrefix="/team/")["Users"]]
    assert refusal(iam.create_user, UserName=name)[:1] == ("EntityAlreadyExists",)
    iam.tag_user(UserName=name, Tags=[{"Key": "a", "Value": "b"}])
    iam.untag_user(UserName=name, TagKeys=["k"])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "a", "Value": "b"}]
    iam.delete_user(UserName=name)
    code, message, status = refusal(iam.get_user, UserName=name)
    assert (code, status) == ("NoSuchEntity", 404)
    assert message == f"The user with name {name} cannot be found."


def test_invalid_user_name_is_a_validation_error(client) -> None:
    code, _, status = refusal(client("iam").create_user, UserName="bad name!")
    assert (code, status) == ("ValidationError", 400)


def test_groups_and_membership(client) -> None:
    iam = client("iam")
    user, group = _name("u"), _name("g")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    assert [u["UserName"] for u in iam.get_group(GroupName=group)["Users"]] == [user]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [group]
    code, message, _ = refusal(iam.delete_user, UserName=user)
    assert code == "DeleteConflict" and "remove users from group" in message
    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.delete_group(GroupName=group)
    iam.delete_user(UserName=user)


def test_managed_policy_versions(client) -> None:
    iam = client("iam")
    name = _name("p")
    policy = iam.create_policy(PolicyName=name, PolicyDocument=ALLOW_S3,
                               Description="d")["Policy"]
    arn = policy["Arn"]
    assert arn == f"arn:aws:iam::000000000000:policy/{name}"
    assert policy["DefaultVersionId"] == "v1"
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(ALLOW_S3)  # botocore decodes IAM's URL-encoding
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=ALLOW_S3)
    code, message, status = refusal(iam.create_policy_version, PolicyArn=arn,
                                    PolicyDocument=ALLOW_S3)
    assert (code, status) == ("LimitExceeded", 409) and "5 versions" in message
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v3")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    assert refusal(iam.delete_policy_version, PolicyArn=arn, VersionId="v3")[0] == "DeleteConflict"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    for version_id in ("v1", "v2", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version_id)
    iam.delete_policy(PolicyArn=arn)
    assert refusal(iam.get_policy, PolicyArn=arn)[0] == "NoSuchEntity"


def test_malformed_policy_document(client) -> None:
    iam = client("iam")
    code, message, status = refusal(iam.create_policy, PolicyName=_name("p"),
                                    PolicyDocument='{"Version": "2012-10-17", '
                                    '"Statement": [{"Effect": "Allow"}]}')
    assert (code, status) == ("MalformedPolicyDocument", 400)
    assert message == "Policy statement must contain actions."


def test_inline_and_attached_policies(client) -> None:
    iam = client("iam")
    role = _name("r")
    created = iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST_ACCOUNT,
                              MaxSessionDuration=7200)["Role"]
    assert created["Arn"] == f"arn:aws:iam::000000000000:role/{role}"
    assert created["AssumeRolePolicyDocument"] == json.loads(TRUST_ACCOUNT)
    iam.put_role_policy(RoleName=role, PolicyName="s3", PolicyDocument=ALLOW_S3)
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["s3"]
    assert iam.get_role_policy(RoleName=role, PolicyName="s3")["PolicyDocument"] == json.loads(
        ALLOW_S3)
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    iam.attach_role_policy(RoleName=role, PolicyArn=admin)
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert attached == [{"PolicyName": "AdministratorAccess", "PolicyArn": admin}]
    assert refusal(iam.delete_role, RoleName=role)[0] == "DeleteConflict"
    iam.detach_role_policy(RoleName=role, PolicyArn=admin)
    iam.delete_role_policy(RoleName=role, PolicyName="s3")
    assert iam.get_role(RoleName=role)["Role"]["MaxSessionDuration"] == 7200
    iam.delete_role(RoleName=role)


def test_trust_policy_must_name_existing_principals(client) -> None:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/nobody-here"},
         "Action": "sts:AssumeRole"}]})
    code, message, _ = refusal(client("iam").create_role, RoleName=_name("r"),
                               AssumeRolePolicyDocument=trust)
    assert code == "MalformedPolicyDocument" and "Invalid principal" in message


def test_access_keys(client) -> None:
    iam = client("iam")
    user = _name("k")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40
    iam.create_access_key(UserName=user)
    code, _, status = refusal(iam.create_access_key, UserName=user)
    assert (code, status) == ("LimitExceeded", 409)
    iam.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"]
                for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}
    assert statuses[key["AccessKeyId"]] == "Inactive"
    last = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert last["UserName"] == user
    for key_id in statuses:
        iam.delete_access_key(UserName=user, AccessKeyId=key_id)
    assert refusal(iam.delete_access_key, UserName=user, AccessKeyId=key["AccessKeyId"])[0] == (
        "NoSuchEntity")


def test_get_user_without_a_name_is_the_caller(client) -> None:
    iam = client("iam")
    user = _name("me")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    mine = client("iam", aws_access_key_id=key["AccessKeyId"],
                  aws_secret_access_key=key["SecretAccessKey"])
    assert mine.get_user()["User"]["UserName"] == user
    assert mine.list_access_keys()["AccessKeyMetadata"][0]["AccessKeyId"] == key["AccessKeyId"]


def test_instance_profiles(client) -> None:
    iam = client("iam")
    role, profile = _name("r"), _name("ip")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST_ACCOUNT)
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    assert got["Arn"] == f"arn:aws:iam::000000000000:instance-profile/{profile}"
    listed = iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in listed] == [profile]
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
    iam.delete_instance_profile(InstanceProfileName=profile)
    iam.delete_role(RoleName=role)


def test_service_linked_role(client) -> None:
    iam = client("iam", aws_access_key_id="210987654321")
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling"
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    task = iam.delete_service_linked_role(RoleName=role["RoleName"])["DeletionTaskId"]
    status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"]
    assert status == "SUCCEEDED"


def test_account_alias_and_password_policy(client) -> None:
    iam = client("iam", aws_access_key_id="123123123123")
    alias = _name("alias")
    iam.create_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == [alias]
    iam.delete_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == []
    assert refusal(iam.get_account_password_policy)[0] == "NoSuchEntity"
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["RequireSymbols"] is True
    iam.delete_account_password_policy()


def test_accounts_are_separate(client) -> None:
    name = _name("sep")
    client("iam", aws_access_key_id="111100002222").create_user(UserName=name)
    other = client("iam", aws_access_key_id="333300004444")
    assert refusal(other.get_user, UserName=name)[0] == "NoSuchEntity"


def test_simulate_principal_policy(client) -> None:
    iam = client("iam")
    user = _name("sim")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=ALLOW_S3)
    arn = iam.get_user(UserName=user)["User"]["Arn"]
    results = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["s3:GetObject", "sqs:SendMessage"])["EvaluationResults"]
    assert {r["EvalActionName"]: r["EvalDecision"] for r in results} == {
        "s3:GetObject": "allowed", "sqs:SendMessage": "implicitDeny"}


def test_simulate_custom_policy_with_context(client) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    results = client("iam").simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["s3:GetObject"],
        ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["8.8.8.8"],
                         "ContextKeyType": "ip"}])["EvaluationResults"]
    assert results[0]["EvalDecision"] == "explicitDeny"


def test_list_paging(client) -> None:
    iam = client("iam", aws_access_key_id="555500006666")
    prefix = f"/{_name('page')}/"
    for index in range(5):
        iam.create_group(GroupName=_name(f"g{index}"), Path=prefix)
    first = iam.list_groups(PathPrefix=prefix, MaxItems=3)
    assert first["IsTruncated"] and len(first["Groups"]) == 3
    everything = [g for p in iam.get_paginator("list_groups").paginate(PathPrefix=prefix)
                  for g in p["Groups"]]
    assert len(everything) == 5
