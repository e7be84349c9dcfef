"""MFA-protected sessions under --iam enforce, through boto3: GetSessionToken and AssumeRole
check SerialNumber and TokenCode on the server's clock, and the session carries
aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge into every policy decision."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.services.iam.helpers import totp, unique_name
from tests.support import Server, admin, advance_clock, enforcing_client, refusal

ACCOUNT = "000000000000"
INVALID_CODE = ("AccessDenied",
                "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403)
NOT_ASSOCIATED = ("AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA "
                  "code.  Please verify your MFA serial number is valid and associated with "
                  "this user.", 403)


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _as(server: Server, service: str, credentials: dict[str, str]) -> Any:
    return enforcing_client(server, service, credentials["AccessKeyId"],
                            credentials["SecretAccessKey"],
                            aws_session_token=credentials.get("SessionToken"))


def _fresh_code(server: Server, seed: bytes) -> str:
    """The next step's code (a code works once: the clock moves on to a new one)."""
    advance_clock(server.endpoint, 30)
    return totp(seed, float(admin(server.endpoint, "GET", "clock")[1]["now"]))


@pytest.fixture(scope="module")
def mfa_user(enforcing: Server) -> dict[str, Any]:
    """A user who may do anything, except IAM without MFA; its device is enabled."""
    iam = enforcing_client(enforcing, "iam")
    name = unique_name("mfa-user")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="mfa", PolicyDocument=_document(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    now = float(admin(enforcing.endpoint, "GET", "clock")[1]["now"])
    iam.enable_mfa_device(UserName=name, SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp(seed, now, -1),
                          AuthenticationCode2=totp(seed, now))
    return {"name": name, "key": key, "serial": device["SerialNumber"], "seed": seed}


def test_bool_if_exists_denies_until_mfa(enforcing: Server, mfa_user: dict[str, Any]) -> None:
    iam = _as(enforcing, "iam", mfa_user["key"])
    assert refusal(iam.list_users)[0] == "AccessDenied"  # long-term keys: the key is absent
    sts = _as(enforcing, "sts", mfa_user["key"])
    plain = sts.get_session_token()["Credentials"]
    assert refusal(_as(enforcing, "iam", plain).list_users)[0] == "AccessDenied"
    with_mfa = sts.get_session_token(SerialNumber=mfa_user["serial"],
                                     TokenCode=_fresh_code(enforcing, mfa_user["seed"]))
    _as(enforcing, "iam", with_mfa["Credentials"]).list_users()


def test_a_wrong_or_reused_code_is_refused(enforcing: Server, mfa_user: dict[str, Any]) -> None:
    sts = _as(enforcing, "sts", mfa_user["key"])
    code = _fresh_code(enforcing, mfa_user["seed"])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert refusal(sts.get_session_token, SerialNumber=mfa_user["serial"],
                   TokenCode=wrong) == INVALID_CODE
    sts.get_session_token(SerialNumber=mfa_user["serial"], TokenCode=code)
    assert refusal(sts.get_session_token, SerialNumber=mfa_user["serial"],
                   TokenCode=code) == INVALID_CODE  # once only
    assert refusal(sts.get_session_token, SerialNumber=mfa_user["serial"])[2] == 403


def test_another_users_device_is_refused(enforcing: Server, mfa_user: dict[str, Any]) -> None:
    iam = enforcing_client(enforcing, "iam")
    name = unique_name("other")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="sts", PolicyDocument=_document(
        {"Effect": "Allow", "Action": "sts:*", "Resource": "*"}))
    other = _as(enforcing, "sts", iam.create_access_key(UserName=name)["AccessKey"])
    assert refusal(other.get_session_token, SerialNumber=mfa_user["serial"],
                   TokenCode=_fresh_code(enforcing, mfa_user["seed"])) == NOT_ASSOCIATED


def test_mfa_age_counts_on_the_cloud_clock(enforcing: Server, mfa_user: dict[str, Any]) -> None:
    iam = enforcing_client(enforcing, "iam")
    role = iam.create_role(
        RoleName=unique_name("fresh-mfa"), AssumeRolePolicyDocument=_document(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "sts:AssumeRole"}))["Role"]
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="young", PolicyDocument=_document(
        {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
         "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "600"}}}))
    sts = _as(enforcing, "sts", mfa_user["key"])
    session = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="young",
                              SerialNumber=mfa_user["serial"],
                              TokenCode=_fresh_code(enforcing, mfa_user["seed"]))["Credentials"]
    _as(enforcing, "iam", session).list_roles(MaxItems=1)
    advance_clock(enforcing.endpoint, 900)
    assert refusal(_as(enforcing, "iam", session).list_roles)[0] == "AccessDenied"


def test_a_trust_policy_that_requires_mfa(enforcing: Server, mfa_user: dict[str, Any]) -> None:
    iam = enforcing_client(enforcing, "iam")
    role = iam.create_role(
        RoleName=unique_name("needs-mfa"), AssumeRolePolicyDocument=_document(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}))["Role"]
    sts = _as(enforcing, "sts", mfa_user["key"])
    assert refusal(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="ss")[0] == (
        "AccessDenied")
    plain = _as(enforcing, "sts", sts.get_session_token()["Credentials"])
    assert refusal(plain.assume_role, RoleArn=role["Arn"], RoleSessionName="ss")[0] == (
        "AccessDenied")
    assert refusal(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="ss",
                   SerialNumber=mfa_user["serial"], TokenCode="000000") == INVALID_CODE
    made = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ss",
                           SerialNumber=mfa_user["serial"],
                           TokenCode=_fresh_code(enforcing, mfa_user["seed"]))
    assert made["AssumedRoleUser"]["Arn"].endswith(f":assumed-role/{role['RoleName']}/ss")
    # a session made with MFA may assume it too, without another code
    mfa_session = sts.get_session_token(SerialNumber=mfa_user["serial"],
                                        TokenCode=_fresh_code(enforcing, mfa_user["seed"]))
    _as(enforcing, "sts", mfa_session["Credentials"]).assume_role(RoleArn=role["Arn"],
                                                                 RoleSessionName="again")
