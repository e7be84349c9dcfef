"""Virtual MFA devices: created unassigned with a secret seed, enabled for a user with two
consecutive codes, then asked for by STS (GetSessionToken, AssumeRole) through
``authenticate``. Codes are TOTP on the cloud clock (totp.py). Hardware and FIDO devices are
not modelled: every serial number is a virtual device's ARN, ``arn:aws:iam::A:mfa/path/name``.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any
from urllib.parse import quote

from pocketcloud.arns import global_arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam import totp
from pocketcloud.services.iam.common import (
    already_exists,
    no_such_entity,
    page,
    timestamp,
    valid_name,
    valid_path,
    valid_tags,
    validation_error,
)
from pocketcloud.services.iam.credentials import caller_of
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.services.iam.users import user_row, user_shape
from pocketcloud.store import Tx

MAX_DEVICE_NAME_LENGTH = 226
MAX_DEVICES_PER_USER = 8  # IAM's quota: up to eight MFA devices per user
ENABLE_WINDOW_STEPS = 2  # codes a minute either side of the cloud clock still count
RESYNC_WINDOW_STEPS = 20  # a drifted device's codes, up to ten minutes off, can resync it
SERIAL_PATTERN = re.compile(r"[\w+=/:,.@-]+")
CODE_PATTERN = re.compile(r"\d{6}")
ASSIGNMENT_STATUSES = ("Assigned", "Unassigned", "Any")
NO_SUCH_DEVICE = "VirtualMFADevice with serial number {} doesn't exist."
_COLUMNS = "serial, seed, create_date, user_name, enable_date, tags, drift_steps, last_step"


def create_virtual_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = valid_name(params["VirtualMFADeviceName"], "virtualMFADeviceName",
                      MAX_DEVICE_NAME_LENGTH)
    path = valid_path(params.get("Path"))
    tags = valid_tags(params.get("Tags"))
    serial = global_arn("iam", ctx.account_id, f"mfa{path}{name}")
    seed = totp.seed_text(bytes.fromhex(ctx.cloud.ids.hex(totp.SEED_BYTES * 2)))
    with writing(ctx.cloud) as tx:
        if _device(tx, ctx.account_id, serial) is not None:
            raise already_exists("MFADevice entity at the same path and name already exists.")
        tx.execute("INSERT INTO iam_mfa_devices (account_id, serial, seed, create_date, tags) "
                   "VALUES (?, ?, ?, ?, ?)",
                   (ctx.account_id, serial, seed, ctx.cloud.clock.now(), json.dumps(tags)))
    device: dict[str, Any] = {"SerialNumber": serial, "Base32StringSeed": seed.encode(),
                              "QRCodePNG": _qr_code(ctx.account_id, name, seed)}
    if tags:
        device["Tags"] = tags
    return {"VirtualMFADevice": device}


def _qr_code(account_id: str, name: str, seed: str) -> bytes:
    """The otpauth:// URI authenticator apps scan, as a QR code in a PNG."""
    import segno  # only CreateVirtualMFADevice needs it

    label = quote(f"Amazon Web Services:{name}@{account_id}")
    uri = f"otpauth://totp/{label}?secret={seed}&issuer=Amazon%20Web%20Services"
    png = io.BytesIO()
    segno.make(uri, error="l", micro=False).save(png, kind="png", scale=4, border=4)
    return png.getvalue()


def delete_virtual_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    serial = serial_number(params)
    with writing(ctx.cloud) as tx:
        device = _required(tx, ctx.account_id, serial)
        if device[3] is not None:
            raise AwsError("DeleteConflictException",
                           "MFA VirtualDevice in use. Must deactivate first.", 409)
        tx.execute("DELETE FROM iam_mfa_devices WHERE account_id = ? AND serial = ?",
                   (ctx.account_id, serial))
    return {}


def enable_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    serial = serial_number(params)
    first, second = _codes(params)
    with writing(ctx.cloud) as tx:
        user = user_row(tx, ctx.account_id, params["UserName"])[0]
        device = _required(tx, ctx.account_id, serial)
        if device[3] is not None:
            raise already_exists("MFA Device is already in use.")
        if tx.fetchvalue("SELECT COUNT(*) FROM iam_mfa_devices WHERE account_id = ? AND "
                         "user_name = ?", (ctx.account_id, user)) >= MAX_DEVICES_PER_USER:
            raise AwsError("LimitExceededException", "Cannot exceed quota for "
                           f"MFADevicesPerUser: {MAX_DEVICES_PER_USER}.", 409)
        now_s = ctx.cloud.clock.now()
        step = totp.consecutive_step(device[1], first, second, totp.step_at(now_s),
                                     ENABLE_WINDOW_STEPS)
        if step is None:
            raise _invalid_code()
        tx.execute("UPDATE iam_mfa_devices SET user_name = ?, enable_date = ?, drift_steps = 0, "
                   "last_step = ? WHERE account_id = ? AND serial = ?",
                   (user, now_s, step, ctx.account_id, serial))
    return {}


def resync_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Two consecutive codes from a device whose clock drifted: later codes are expected
    that many steps off."""
    serial = serial_number(params)
    first, second = _codes(params)
    with writing(ctx.cloud) as tx:
        device = _assigned(tx, ctx.account_id, params["UserName"], serial)
        now_step = totp.step_at(ctx.cloud.clock.now())
        step = totp.consecutive_step(device[1], first, second, now_step, RESYNC_WINDOW_STEPS)
        if step is None:
            raise _invalid_code()
        tx.execute("UPDATE iam_mfa_devices SET drift_steps = ?, last_step = ? WHERE "
                   "account_id = ? AND serial = ?",
                   (step - now_step, max(step, device[7]), ctx.account_id, serial))
    return {}


def deactivate_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    serial = serial_number(params)
    with writing(ctx.cloud) as tx:
        user = params.get("UserName") or _caller_user(ctx)
        _assigned(tx, ctx.account_id, user, serial)
        tx.execute("UPDATE iam_mfa_devices SET user_name = NULL, enable_date = NULL, "
                   "drift_steps = 0 WHERE account_id = ? AND serial = ?",
                   (ctx.account_id, serial))
    return {}


def get_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    serial = serial_number(params)
    with reading(ctx.cloud) as tx:
        user = params.get("UserName") or _caller_user(ctx)
        device = _assigned(tx, ctx.account_id, user, serial)
    return {"UserName": device[3], "SerialNumber": serial, "EnableDate": timestamp(device[4])}


def list_mfa_devices(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """A user's devices; without UserName the caller's own (none for the root user: its
    devices are set up in the console, which pocketcloud has none of)."""
    with reading(ctx.cloud) as tx:
        user = params.get("UserName") or _caller_user(ctx)
        if params.get("UserName"):
            user_row(tx, ctx.account_id, user)
        rows = tx.fetchall("SELECT serial, enable_date FROM iam_mfa_devices WHERE "
                           "account_id = ? AND user_name = ? ORDER BY enable_date, serial",
                           (ctx.account_id, user)) if user else []
    devices = [{"UserName": user, "SerialNumber": serial, "EnableDate": timestamp(enabled)}
               for serial, enabled in rows]
    return page(devices, params, "MFADevices")


def list_virtual_mfa_devices(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    status = params.get("AssignmentStatus") or "Any"
    if status not in ASSIGNMENT_STATUSES:
        raise validation_error(status, "assignmentStatus", "Member must satisfy enum value "
                               "set: [" + ", ".join(ASSIGNMENT_STATUSES) + "]")
    with reading(ctx.cloud) as tx:
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM iam_mfa_devices WHERE account_id = ? "
                           "ORDER BY serial", (ctx.account_id,))
        wanted = [row for row in rows if status == "Any"
                  or (row[3] is not None) == (status == "Assigned")]
        devices = [_virtual_shape(tx, ctx.account_id, row) for row in wanted]
    return page(devices, params, "VirtualMFADevices")


def _virtual_shape(tx: Tx, account_id: str, row: tuple[Any, ...]) -> dict[str, Any]:
    shape: dict[str, Any] = {"SerialNumber": row[0]}
    if row[3] is not None:
        shape["User"] = user_shape(account_id, user_row(tx, account_id, row[3]), False)
        shape["EnableDate"] = timestamp(row[4])
    if json.loads(row[5]):
        shape["Tags"] = json.loads(row[5])
    return shape


def device_counts(tx: Tx, account_id: str) -> tuple[int, int]:
    """GetAccountSummary's MFADevices and MFADevicesInUse."""
    row = tx.fetchone("SELECT COUNT(*), COUNT(user_name) FROM iam_mfa_devices WHERE "
                      "account_id = ?", (account_id,))
    return (row[0], row[1]) if row else (0, 0)


# --- what STS asks: is this code, from this user's device, good now? ---------------------

def authenticate(ctx: RequestContext, account_id: str, user_name: str, serial: str,
                 given: str) -> bool:
    """True (and the code used up) when ``given`` is the current code of a device enabled for
    the user; False for a wrong or used code; AccessDenied when the device is not the user's."""
    with writing(ctx.cloud) as tx:
        device = _device(tx, account_id, serial)
        if device is None or not user_name or device[3] != user_name:
            raise _not_associated()
        center = totp.step_at(ctx.cloud.clock.now()) + device[6]
        step = totp.matching_step(device[1], given, center, 1)
        if step is None or step <= device[7]:  # a code works once
            return False
        tx.execute("UPDATE iam_mfa_devices SET last_step = ? WHERE account_id = ? AND "
                   "serial = ?", (step, account_id, serial))
    return True


def _not_associated() -> AwsError:
    return AwsError("AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA "
                    "code.  Please verify your MFA serial number is valid and associated with "
                    "this user.", 403)


# --- shared ---------------------------------------------------------------------------------

def serial_number(params: dict[str, Any]) -> str:
    serial = str(params["SerialNumber"])
    if not 9 <= len(serial) <= 256 or not SERIAL_PATTERN.fullmatch(serial):
        raise validation_error(serial, "serialNumber", "Member must satisfy regular "
                               r"expression pattern: [\w+=/:,.@-]+")
    return serial


def _codes(params: dict[str, Any]) -> tuple[str, str]:
    codes = []
    for number in (1, 2):
        given = str(params[f"AuthenticationCode{number}"])
        if not CODE_PATTERN.fullmatch(given):
            raise validation_error(given, f"authenticationCode{number}", "Member must satisfy "
                                   r"regular expression pattern: [\d]+")
        codes.append(given)
    return codes[0], codes[1]


def _device(tx: Tx, account_id: str, serial: str) -> tuple[Any, ...] | None:
    row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_mfa_devices WHERE account_id = ? AND "
                      "serial = ?", (account_id, serial))
    return tuple(row) if row is not None else None


def _required(tx: Tx, account_id: str, serial: str) -> tuple[Any, ...]:
    device = _device(tx, account_id, serial)
    if device is None:
        raise no_such_entity(NO_SUCH_DEVICE.format(serial))
    return device


def _assigned(tx: Tx, account_id: str, user_name: str, serial: str) -> tuple[Any, ...]:
    """The device, which must be enabled for that user."""
    if user_name:
        user_name = user_row(tx, account_id, user_name)[0]
    device = _required(tx, account_id, serial)
    if not user_name or device[3] != user_name:
        raise no_such_entity("MFA Device invalid for user.")
    return device


def _caller_user(ctx: RequestContext) -> str:
    """The caller's own user name ("" for the root user and for sessions)."""
    caller = caller_of(ctx)
    return caller.principal_arn.rsplit("/", 1)[1] if caller.principal_type == "user" else ""


def _invalid_code() -> AwsError:
    return AwsError("InvalidAuthenticationCodeException",
                    "Authentication code for device is not valid.", 403)
