"""The credential report through boto3: STARTED then COMPLETE, AWS's columns in AWS's order,
the root row, N/A and no_information where AWS writes them, last use of access keys as the
gateway records it, and the four-hour rule on the cloud clock."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from tests.services.iam.helpers import totp
from tests.support import admin, advance_clock, refusal

ACCOUNT = "753175317531"
HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,"
          "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,"
          "access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
          "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
          "access_key_2_last_used_date,access_key_2_last_used_region,"
          "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
          "cert_2_last_rotated")


def _client(endpoint: str, service: str, key: str = ACCOUNT, secret: str = "test",
            region: str = "us-east-1") -> Any:
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


def _rows(iam: Any) -> dict[str, dict[str, str]]:
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    assert isinstance(report["GeneratedTime"], datetime)
    text = report["Content"].decode()
    assert text.split("\n", 1)[0] == HEADER
    return {row["user"]: row for row in csv.DictReader(io.StringIO(text))}


def test_report_states_rows_and_values(own_endpoint: str) -> None:
    iam = _client(own_endpoint, "iam")
    assert refusal(iam.get_credential_report) == (
        "ReportNotPresent", "The request was rejected because the credential report does not "
        "exist. To generate a credential report, use GenerateCredentialReport.", 410)
    iam.update_account_password_policy(MaxPasswordAge=90)
    iam.create_user(UserName="carol")
    iam.create_login_profile(UserName="carol", Password="Correct-Horse-9")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol-mfa")["VirtualMFADevice"]
    now = float(admin(own_endpoint, "GET", "clock")[1]["now"])
    seed = serial["Base32StringSeed"]
    iam.enable_mfa_device(UserName="carol", SerialNumber=serial["SerialNumber"],
                          AuthenticationCode1=totp(seed, now, -1),
                          AuthenticationCode2=totp(seed, now))
    iam.create_user(UserName="dave")
    used = iam.create_access_key(UserName="dave")["AccessKey"]
    idle = iam.create_access_key(UserName="dave")["AccessKey"]
    iam.update_access_key(UserName="dave", AccessKeyId=idle["AccessKeyId"], Status="Inactive")
    _client(own_endpoint, "sqs", used["AccessKeyId"], used["SecretAccessKey"],
            "eu-west-1").list_queues()

    started = iam.generate_credential_report()
    assert started == {"State": "STARTED", "Description": "No report exists. Starting a new "
                       "report generation task", "ResponseMetadata": started["ResponseMetadata"]}
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    rows = _rows(iam)
    assert list(rows) == ["<root_account>", "carol", "dave"]
    root = rows["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    assert [root[c] for c in ("password_enabled", "password_last_changed",
                              "password_next_rotation", "mfa_active", "access_key_1_active",
                              "access_key_1_last_rotated", "cert_2_active")] == [
        "not_supported", "not_supported", "not_supported", "false", "false", "N/A", "false"]
    carol = rows["carol"]
    assert carol["arn"] == f"arn:aws:iam::{ACCOUNT}:user/carol"
    assert (carol["password_enabled"], carol["password_last_used"], carol["mfa_active"]) == (
        "true", "no_information", "true")
    changed = datetime.fromisoformat(carol["password_last_changed"])
    rotation = datetime.fromisoformat(carol["password_next_rotation"])
    assert (rotation - changed).days == 90 and changed.utcoffset() is not None
    assert [carol[f"access_key_1_{c}"] for c in ("active", "last_rotated", "last_used_date",
                                                  "last_used_region", "last_used_service")] == [
        "false", "N/A", "N/A", "N/A", "N/A"]
    dave = rows["dave"]
    assert (dave["password_enabled"], dave["password_last_used"],
            dave["password_last_changed"], dave["password_next_rotation"]) == (
        "false", "N/A", "N/A", "N/A")
    assert dave["access_key_1_active"] == "true"
    assert datetime.fromisoformat(dave["access_key_1_last_used_date"]) >= datetime.fromisoformat(
        dave["access_key_1_last_rotated"])
    assert (dave["access_key_1_last_used_region"], dave["access_key_1_last_used_service"]) == (
        "eu-west-1", "sqs")
    assert (dave["access_key_2_active"], dave["access_key_2_last_used_date"]) == ("false", "N/A")
    assert dave["access_key_2_last_rotated"] != "N/A"


def test_the_report_is_a_snapshot_renewed_after_four_hours(own_endpoint: str) -> None:
    iam = _client(own_endpoint, "iam", "864286428642")
    iam.generate_credential_report()
    first = iam.get_credential_report()
    iam.create_user(UserName="late")
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    assert "late" not in _rows(iam)  # within four hours the old report stands
    advance_clock(own_endpoint, 4 * 3600 + 1)
    assert refusal(iam.get_credential_report)[::2] == ("ReportExpired", 410)
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert "late" in _rows(iam)
    assert iam.get_credential_report()["GeneratedTime"] > first["GeneratedTime"]


def test_access_key_last_used_follows_the_gateway(endpoint: str) -> None:
    iam = _client(endpoint, "iam", "975397539753")
    iam.create_user(UserName="erin")
    key = iam.create_access_key(UserName="erin")["AccessKey"]
    never = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert never == {"ServiceName": "N/A", "Region": "N/A"}
    s3 = _client(endpoint, "s3", key["AccessKeyId"], key["SecretAccessKey"], "us-west-2")
    s3.list_buckets()
    last = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert (last["ServiceName"], last["Region"]) == ("s3", "us-west-2")
    assert "LastUsedDate" in last


def test_role_last_used_follows_its_sessions(endpoint: str) -> None:
    account = "975397539754"
    iam = _client(endpoint, "iam", account)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
        "AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]})
    arn = iam.create_role(RoleName="runner", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    session = _client(endpoint, "sts", account).assume_role(
        RoleArn=arn, RoleSessionName="sess")["Credentials"]
    sqs = boto3.client("sqs", region_name="ap-southeast-2", endpoint_url=endpoint,
                       aws_access_key_id=session["AccessKeyId"],
                       aws_secret_access_key=session["SecretAccessKey"],
                       aws_session_token=session["SessionToken"])
    sqs.list_queues()
    assert iam.get_role(RoleName="runner")["Role"]["RoleLastUsed"]["Region"] == "ap-southeast-2"


def test_reports_are_per_account(endpoint: str) -> None:
    _client(endpoint, "iam", "111122220001").generate_credential_report()
    assert refusal(_client(endpoint, "iam", "111122220000").get_credential_report)[0] == (
        "ReportNotPresent")
