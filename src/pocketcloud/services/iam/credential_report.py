"""The credential report: one CSV row per IAM user (and the root user) on their passwords,
access keys, MFA and certificates, as GenerateCredentialReport snapshots it.

Generation takes no time here, so the first GenerateCredentialReport answers STARTED and the
report is ready at once (the next call answers COMPLETE). AWS makes a new report only when the
last one is more than four hours old on the cloud clock, and GetCredentialReport refuses one
that old (ReportExpired): both follow the clock, so advancing it shows them.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from pocketcloud.arns import global_arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam import last_access
from pocketcloud.services.iam.common import iam_arn, timestamp
from pocketcloud.services.iam.schema import reading, store_of
from pocketcloud.store import Tx

REPORT_MAX_AGE_S = 4 * 3600
REPORT_KIND = "credential"
COLUMNS = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
)
NOT_APPLICABLE = "N/A"
DAY_S = 86400


def generate_credential_report(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    now = ctx.cloud.clock.now()
    with reading(ctx.cloud) as tx:
        generated = _generated(tx, ctx.account_id)
    if generated is not None and now - generated <= REPORT_MAX_AGE_S:
        return {"State": "COMPLETE"}
    last_access.flush(ctx.cloud)
    with store_of(ctx.cloud).write() as tx:  # no cache holds reports: no generation bump
        content = _content(tx, ctx.account_id, now)
        tx.execute("INSERT INTO iam_reports (account_id, kind, report_id, created, body) "
                   "VALUES (?, ?, '', ?, ?) ON CONFLICT (account_id, kind, report_id) DO UPDATE "
                   "SET created = excluded.created, body = excluded.body",
                   (ctx.account_id, REPORT_KIND, now, content))
    if generated is None:
        return {"State": "STARTED",
                "Description": "No report exists. Starting a new report generation task"}
    return {"State": "STARTED"}


def get_credential_report(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        row = tx.fetchone("SELECT created, body FROM iam_reports WHERE account_id = ? AND "
                          "kind = ? AND report_id = ''", (ctx.account_id, REPORT_KIND))
    if row is None:
        raise AwsError("ReportNotPresent", "The request was rejected because the credential "
                       "report does not exist. To generate a credential report, use "
                       "GenerateCredentialReport.", 410)
    if ctx.cloud.clock.now() - row[0] > REPORT_MAX_AGE_S:
        raise AwsError("ReportExpired", "The request was rejected because the most recent "
                       "credential report has expired. To generate a new credential report, "
                       "use GenerateCredentialReport.", 410)
    return {"Content": row[1].encode(), "ReportFormat": "text/csv",
            "GeneratedTime": timestamp(row[0])}


def _generated(tx: Tx, account_id: str) -> float | None:
    value: float | None = tx.fetchvalue(
        "SELECT created FROM iam_reports WHERE account_id = ? AND kind = ? AND report_id = ''",
        (account_id, REPORT_KIND))
    return value


def _content(tx: Tx, account_id: str, now: float) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(_root_row(account_id))
    max_age_days = _max_password_age_days(tx, account_id)
    for row in tx.fetchall("SELECT name, path, create_date, password_set FROM iam_users "
                           "WHERE account_id = ? ORDER BY lower(name), name", (account_id,)):
        writer.writerow(_user_row(tx, account_id, row, max_age_days))
    return out.getvalue().rstrip("\n")


def _root_row(account_id: str) -> list[str]:
    """The root user: its password is the console's, outside IAM (not_supported); its keys
    are pocketcloud's root-key convention, not access keys IAM holds."""
    keys = ["false", NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE] * 2
    return ["<root_account>", global_arn("iam", account_id, "root"), _iso(0),
            "not_supported", "no_information", "not_supported", "not_supported", "false",
            *keys, *_no_certificates()]


def _user_row(
    tx: Tx, account_id: str, row: tuple[Any, ...], max_age_days: int | None
) -> list[str]:
    name, path, created, password_set = row
    has_password = password_set is not None
    rotation = NOT_APPLICABLE
    if has_password and max_age_days:
        rotation = _iso(password_set + max_age_days * DAY_S)
    mfa = tx.fetchvalue("SELECT 1 FROM iam_mfa_devices WHERE account_id = ? AND user_name = ? "
                        "AND enable_date IS NOT NULL", (account_id, name))
    return [name, iam_arn(account_id, "user", path, name), _iso(created),
            _flag(has_password),
            "no_information" if has_password else NOT_APPLICABLE,  # no console sign-ins
            _iso(password_set) if has_password else NOT_APPLICABLE, rotation, _flag(bool(mfa)),
            *_key_columns(tx, account_id, name), *_no_certificates()]


def _key_columns(tx: Tx, account_id: str, name: str) -> list[str]:
    """Two keys' columns, oldest first; N/A where there is no key or it was never used."""
    keys = tx.fetchall("SELECT status, create_date, last_used, last_used_region, "
                       "last_used_service FROM iam_access_keys WHERE account_id = ? AND "
                       "user_name = ? ORDER BY create_date LIMIT 2", (account_id, name))
    columns: list[str] = []
    for index in range(2):
        if index >= len(keys):
            columns += ["false"] + [NOT_APPLICABLE] * 4
            continue
        status, created, used, region, service = keys[index]
        columns += [_flag(status == "Active"), _iso(created),
                    _iso(used) if used else NOT_APPLICABLE,
                    (region or NOT_APPLICABLE) if used else NOT_APPLICABLE,
                    (service or NOT_APPLICABLE) if used else NOT_APPLICABLE]
    return columns


def _no_certificates() -> list[str]:
    """Signing certificates are not held by this IAM: never active."""
    return ["false", NOT_APPLICABLE, "false", NOT_APPLICABLE]


def _max_password_age_days(tx: Tx, account_id: str) -> int | None:
    stored = tx.fetchvalue("SELECT value FROM iam_account_settings WHERE account_id = ? AND "
                           "name = 'password_policy'", (account_id,))
    age = json.loads(stored).get("MaxPasswordAge") if stored else None
    return int(age) if age else None


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _iso(epoch_s: float) -> str:
    """ISO 8601 with an explicit UTC offset, as the report writes times."""
    return datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="seconds")
