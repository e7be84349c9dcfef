"""Virtual MFA devices through boto3: created with a seed and a QR code, enabled with two
consecutive codes of the server's clock, listed, resynced, tagged, deactivated, deleted."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import pytest
from tests.services.iam.helpers import totp, unique_name
from tests.support import admin, refusal

ACCOUNT = "000000000000"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam")


def _now(endpoint: str) -> float:
    return float(admin(endpoint, "GET", "clock")[1]["now"])


def _device(iam: Any, **params: Any) -> tuple[str, bytes]:
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique_name("mfa"), **params)
    return made["VirtualMFADevice"]["SerialNumber"], made["VirtualMFADevice"]["Base32StringSeed"]


def _enabled(iam: Any, endpoint: str) -> tuple[str, str, bytes]:
    user = iam.create_user(UserName=unique_name("u"))["User"]["UserName"]
    serial, seed = _device(iam)
    now = _now(endpoint)
    iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                          AuthenticationCode1=totp(seed, now, -1),
                          AuthenticationCode2=totp(seed, now))
    return user, serial, seed


def test_create_returns_serial_seed_and_qr_png(iam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("phone")
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Path="/team/")
    device = made["VirtualMFADevice"]
    assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT}:mfa/team/{name}"
    seed = device["Base32StringSeed"]
    assert len(seed) == 64 and len(base64.b32decode(seed)) == 40
    png = device["QRCodePNG"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width == height and width % 4 == 0  # square modules, 4 pixels each
    start = png.index(b"IDAT") + 4
    length = struct.unpack(">I", png[start - 8 : start - 4])[0]
    bits_per_pixel = png[24]  # grayscale (colour type 0): one sample per pixel
    row_bytes = 1 + (width * bits_per_pixel + 7) // 8  # a filter byte, then the pixels
    assert png[25] == 0 and len(zlib.decompress(png[start : start + length])) == height * row_bytes


def test_create_refuses_a_duplicate_and_a_bad_path(iam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("dup")
    iam.create_virtual_mfa_device(VirtualMFADeviceName=name)
    assert refusal(iam.create_virtual_mfa_device, VirtualMFADeviceName=name) == (
        "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.", 409)
    assert refusal(iam.create_virtual_mfa_device, VirtualMFADeviceName=name,
                   Path="nope")[0] == "ValidationError"
    assert refusal(iam.create_virtual_mfa_device,
                   VirtualMFADeviceName="a b")[0] == "ValidationError"


def test_enable_needs_two_consecutive_codes(iam, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    user = iam.create_user(UserName=unique_name("u"))["User"]["UserName"]
    serial, seed = _device(iam)
    now = _now(endpoint)
    for first, second in ((totp(seed, now), totp(seed, now)),  # the same code twice
                          (totp(seed, now), totp(seed, now, -1)),  # out of order
                          (totp(seed, now, -10), totp(seed, now, -9))):  # five minutes old
        assert refusal(iam.enable_mfa_device, UserName=user, SerialNumber=serial,
                       AuthenticationCode1=first, AuthenticationCode2=second) == (
            "InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)
    assert refusal(iam.enable_mfa_device, UserName=user, SerialNumber=serial,
                   AuthenticationCode1="12ab56", AuthenticationCode2="123456")[0] == (
        "ValidationError")
    iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                          AuthenticationCode1=totp(seed, now, -1),
                          AuthenticationCode2=totp(seed, now))
    listed = iam.list_mfa_devices(UserName=user)["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [(user, serial)]
    other = iam.create_user(UserName=unique_name("u"))["User"]["UserName"]
    assert refusal(iam.enable_mfa_device, UserName=other, SerialNumber=serial,
                   AuthenticationCode1=totp(seed, now), AuthenticationCode2=totp(seed, now, 1)
                   ) == ("EntityAlreadyExists", "MFA Device is already in use.", 409)


def test_enable_refuses_unknown_user_and_device(iam, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    serial, seed = _device(iam)
    codes = {"AuthenticationCode1": "123456", "AuthenticationCode2": "654321"}
    assert refusal(iam.enable_mfa_device, UserName="nobody-here", SerialNumber=serial,
                   **codes)[:3:2] == ("NoSuchEntity", 404)
    user = iam.create_user(UserName=unique_name("u"))["User"]["UserName"]
    missing = f"arn:aws:iam::{ACCOUNT}:mfa/missing-device"
    assert refusal(iam.enable_mfa_device, UserName=user, SerialNumber=missing, **codes) == (
        "NoSuchEntity", f"VirtualMFADevice with serial number {missing} doesn't exist.", 404)


def test_list_virtual_devices_by_assignment_status(iam, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    user, assigned, _ = _enabled(iam, endpoint)
    unassigned, _ = _device(iam, Tags=[{"Key": "team", "Value": "blue"}])

    def serials(status: str) -> dict[str, Any]:
        pages = iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus=status)
        return {d["SerialNumber"]: d for page in pages for d in page["VirtualMFADevices"]}

    found = serials("Assigned")
    assert assigned in found and unassigned not in found
    assert found[assigned]["User"]["UserName"] == user and "EnableDate" in found[assigned]
    found = serials("Unassigned")
    assert unassigned in found and assigned not in found
    assert found[unassigned]["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert {assigned, unassigned} <= set(serials("Any"))
    assert refusal(iam.list_virtual_mfa_devices, AssignmentStatus="Bogus")[0] == (
        "ValidationError")


def test_get_deactivate_and_delete(iam, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    user, serial, _ = _enabled(iam, endpoint)
    got = iam.get_mfa_device(SerialNumber=serial, UserName=user)
    assert (got["UserName"], got["SerialNumber"]) == (user, serial) and got["EnableDate"]
    assert refusal(iam.delete_virtual_mfa_device, SerialNumber=serial) == (
        "DeleteConflict", "MFA VirtualDevice in use. Must deactivate first.", 409)
    assert refusal(iam.delete_user, UserName=user) == (
        "DeleteConflict", "Cannot delete entity, must remove MFA device first.", 409)
    stranger = iam.create_user(UserName=unique_name("u"))["User"]["UserName"]
    assert refusal(iam.deactivate_mfa_device, UserName=stranger, SerialNumber=serial) == (
        "NoSuchEntity", "MFA Device invalid for user.", 404)
    iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    assert iam.list_mfa_devices(UserName=user)["MFADevices"] == []
    assert refusal(iam.get_mfa_device, SerialNumber=serial, UserName=user)[0] == "NoSuchEntity"
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    iam.delete_user(UserName=user)
    assert refusal(iam.delete_virtual_mfa_device, SerialNumber=serial) == (
        "NoSuchEntity", f"VirtualMFADevice with serial number {serial} doesn't exist.", 404)


def test_resync_accepts_a_drifted_device(iam, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    user, serial, seed = _enabled(iam, endpoint)
    now = _now(endpoint)
    assert refusal(iam.resync_mfa_device, UserName=user, SerialNumber=serial,
                   AuthenticationCode1=totp(seed, now, 30),  # fifteen minutes off: too far
                   AuthenticationCode2=totp(seed, now, 31))[0] == "InvalidAuthenticationCode"
    iam.resync_mfa_device(UserName=user, SerialNumber=serial,
                          AuthenticationCode1=totp(seed, now, 7),
                          AuthenticationCode2=totp(seed, now, 8))


def test_tags_on_a_device(iam) -> None:  # type: ignore[no-untyped-def]
    serial, _ = _device(iam, Tags=[{"Key": "owner", "Value": "ann"}])
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "team", "Value": "red"}])
    tags = iam.list_mfa_device_tags(SerialNumber=serial)["Tags"]
    assert tags == [{"Key": "owner", "Value": "ann"}, {"Key": "team", "Value": "red"}]
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["owner"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [
        {"Key": "team", "Value": "red"}]
    missing = f"arn:aws:iam::{ACCOUNT}:mfa/not-there"
    assert refusal(iam.tag_mfa_device, SerialNumber=missing,
                   Tags=[{"Key": "a", "Value": "b"}])[0] == "NoSuchEntity"


def test_account_summary_counts_devices(iam, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    def counts() -> tuple[int, int, int]:
        summary = iam.get_account_summary()["SummaryMap"]
        return summary["MFADevices"], summary["MFADevicesInUse"], summary["AccountMFAEnabled"]

    devices, in_use, root = counts()
    _device(iam)
    _enabled(iam, endpoint)
    assert counts() == (devices + 2, in_use + 1, root)
    assert root == 0  # the root user's MFA is set up in the console only
