"""Console passwords: kept only as salted scrypt hashes (the newest first, as many as the
password policy's PasswordReusePrevention looks back), checked against the account's password
policy (or AWS's default one) and changed by the user themself with ChangePassword."""

from __future__ import annotations

import hashlib
import hmac
import json
import string
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.common import no_such_entity
from pocketcloud.services.iam.credentials import caller_of
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.store import Tx

PASSWORD_CHARS_MAX = 128
HISTORY_MAX = 24  # the largest PasswordReusePrevention
DEFAULT_LENGTH_MIN = 8  # AWS's default policy: 8 characters, three of the four kinds
DEFAULT_KINDS_MIN = 3
SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")  # the symbols IAM's policy counts
_SCRYPT = {"n": 2**12, "r": 8, "p": 1, "dklen": 32}  # a local cloud: cheap, still salted


def change_password(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    caller = caller_of(ctx)
    if caller.principal_type != "user":
        raise AwsError("InvalidUserTypeException",
                       "Only IAM Users can change their own password.")
    name = caller.principal_arn.rsplit("/", 1)[1]
    new = _password(params["NewPassword"], "newPassword")
    with writing(ctx.cloud) as tx:
        history = _history(tx, ctx.account_id, name)
        if not history or not _matches(params["OldPassword"], history[0]):
            raise AwsError("AccessDenied", "The old password is incorrect.", 403)
        policy = password_policy(tx, ctx.account_id)
        check_password(policy, new)
        reuse = (policy or {}).get("PasswordReusePrevention") or 0
        if any(_matches(new, old) for old in history[:reuse]):
            raise _violation()
        store_password(ctx, tx, name, new, history)
        tx.execute("UPDATE iam_users SET password_reset = 0 WHERE account_id = ? AND name = ?",
                   (ctx.account_id, name))
    return {}


def store_password(ctx: RequestContext, tx: Tx, user_name: str, password: str,
                   history: list[str] | None = None) -> None:
    """Keep ``password``'s hash as the user's current one (CreateLoginProfile,
    UpdateLoginProfile, ChangePassword)."""
    if history is None:
        history = _history(tx, ctx.account_id, user_name)
    salt = bytes.fromhex(ctx.cloud.ids.hex(32))
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    hashes = [f"{salt.hex()}${digest.hex()}", *history][:HISTORY_MAX]
    tx.execute("UPDATE iam_users SET password_hash = ? WHERE account_id = ? AND name = ?",
               (json.dumps(hashes), ctx.account_id, user_name))


def checked_password(ctx: RequestContext, tx: Tx, password: str) -> str:
    """A login profile's new password, which must meet the account's policy."""
    check_password(password_policy(tx, ctx.account_id), _password(password, "password"))
    return password


def check_password(policy: dict[str, Any] | None, password: str) -> None:
    kinds = {"RequireUppercaseCharacters": any(c in string.ascii_uppercase for c in password),
             "RequireLowercaseCharacters": any(c in string.ascii_lowercase for c in password),
             "RequireNumbers": any(c in string.digits for c in password),
             "RequireSymbols": any(c in SYMBOLS for c in password)}
    if policy is None:
        if len(password) < DEFAULT_LENGTH_MIN or sum(kinds.values()) < DEFAULT_KINDS_MIN:
            raise _violation()
        return
    if len(password) < policy.get("MinimumPasswordLength", 6):
        raise _violation()
    if any(policy.get(rule) and not present for rule, present in kinds.items()):
        raise _violation()


def password_policy(tx: Tx, account_id: str) -> dict[str, Any] | None:
    stored = tx.fetchvalue("SELECT value FROM iam_account_settings WHERE account_id = ? AND "
                           "name = 'password_policy'", (account_id,))
    return dict(json.loads(stored)) if stored else None


def users_may_change_password(ctx: RequestContext) -> bool:
    """The password policy's AllowUsersToChangePassword: every IAM user may then call
    ChangePassword without a policy that allows it."""
    with reading(ctx.cloud) as tx:
        policy = password_policy(tx, caller_of(ctx).account_id)
    return bool(policy and policy.get("AllowUsersToChangePassword"))


def _history(tx: Tx, account_id: str, user_name: str) -> list[str]:
    row = tx.fetchone("SELECT password_set, password_hash FROM iam_users WHERE account_id = ? "
                      "AND name = ?", (account_id, user_name))
    if row is None or row[0] is None:
        raise no_such_entity(f"Login Profile for User {user_name} cannot be found.")
    return list(json.loads(row[1] or "[]"))


def _matches(password: str, stored: str) -> bool:
    salt, _, expected = stored.partition("$")
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), expected)


def _password(password: str, member: str) -> str:
    if len(password) > PASSWORD_CHARS_MAX:
        raise AwsError("ValidationError", f"1 validation error detected: Value at '{member}' "
                       "failed to satisfy constraint: Member must have length less than or "
                       f"equal to {PASSWORD_CHARS_MAX}")
    return password


def _violation() -> AwsError:
    return AwsError("PasswordPolicyViolationException",
                    "Password does not conform to the account password policy.")
