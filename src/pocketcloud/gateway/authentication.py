"""Who signed this request: verify SigV4 (S3: also SigV2) against the key's secret, per the
IAM mode.

Modes (``--iam``): ``off`` (the drop-in default: any well-formed credentials act as their
account's root, nothing is verified), ``audit`` (verify and evaluate, log every would-be
denial, serve anyway), ``enforce`` (refuse with AWS's errors). Root credentials are the
access key id ``test`` (account 000000000000) or a 12-digit account id, with the secret
``--root-secret-key`` (default ``test``); IAM users' and STS sessions' keys come from IAM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from pocketcloud.arns import global_arn
from pocketcloud.errors import AwsError
from pocketcloud.gateway import sigv2
from pocketcloud.gateway.chunk_signatures import SIGNED_STREAMING, ChunkSigner
from pocketcloud.gateway.scope import account_for_access_key
from pocketcloud.gateway.sigv4 import SignatureProblem, SignedRequest, signed_request, verify
from pocketcloud.protocol.http import HttpRequest
from pocketcloud.services.iam.credentials import lookup_access_key

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

log = logging.getLogger("pocketcloud.auth")

IAM_MODES = ("off", "audit", "enforce")
ROOT_KEY_ID = "test"


@dataclass(frozen=True)
class Caller:
    account_id: str
    principal_arn: str
    access_key_id: str
    principal_type: str = "root"  # root | user | assumed-role | federated | service
    session_token: str | None = None
    source_arn: str | None = None  # a service principal's aws:SourceArn
    mfa_authenticated_at: float | None = None  # a session's MFA check, on the cloud clock

    @cached_property
    def identity(self) -> tuple[str, str, str, str]:
        """Who this is, as a cache key (callers are made once per key: computed once)."""
        return (self.access_key_id, self.principal_arn, self.principal_type, self.account_id)


@dataclass(frozen=True)
class KeyRecord:
    """What the gateway needs to know about an access key to check a signature."""

    account_id: str
    principal_arn: str
    principal_type: str
    secret_key: str
    session_token: str | None = None
    expires_at_s: float | None = None
    active: bool = True
    mfa_authenticated_at: float | None = None


KeyLookup = Callable[["Cloud", str], KeyRecord | None]


def no_keys(cloud: Cloud, access_key_id: str) -> KeyRecord | None:
    """A lookup where only root keys exist."""
    return None


def iam_keys(cloud: Cloud, access_key_id: str) -> KeyRecord | None:
    """IAM users' keys (AKIA...) and STS sessions' keys (ASIA...), from IAM's cache."""
    if len(access_key_id) != 20 or access_key_id[:4] not in ("AKIA", "ASIA"):
        return None
    # IAM's Credential carries every KeyRecord field under the same name: no copy per request
    return lookup_access_key(cloud, access_key_id)  # type: ignore[return-value]


def unverified_caller(cloud: Cloud, access_key_id: str, lookup: KeyLookup) -> Caller:
    """``--iam off``: nothing is verified, but an IAM key still speaks for its own account."""
    record = lookup(cloud, access_key_id) if len(access_key_id) == 20 else None
    if record is None:
        return root_caller(access_key_id)
    return _caller_of(access_key_id, record)


def _caller_of(access_key_id: str, record: KeyRecord) -> Caller:
    """The Caller of a key record, made once per record object (records are immutable and
    IAM hands out a new one when the key changes)."""
    found = _callers.get(access_key_id)
    if found is not None and found[0] is record:
        return found[1]
    caller = Caller(record.account_id, record.principal_arn, access_key_id,
                    record.principal_type, record.session_token,
                    mfa_authenticated_at=record.mfa_authenticated_at)
    if len(_callers) >= MAX_CACHED_CALLERS:
        _callers.clear()
    _callers[access_key_id] = (record, caller)
    return caller


MAX_CACHED_CALLERS = 10_000
_callers: dict[str, tuple[KeyRecord, Caller]] = {}


@lru_cache(maxsize=1024)
def root_caller(access_key_id: str) -> Caller:
    account_id = account_for_access_key(access_key_id)
    return Caller(account_id, global_arn("iam", account_id, "root"), access_key_id)


def authenticate(
    cloud: Cloud, request: HttpRequest, protocol: str, service: str, lookup: KeyLookup,
    unsigned_allowed: bool = False,
) -> Caller:
    """The verified caller, or AwsError in enforce mode (audit mode logs and lets it pass).
    ``unsigned_allowed``: operations AWS serves without a signature (AssumeRoleWithWebIdentity)
    are answered for an anonymous caller; the operation itself checks its token."""
    mode = cloud.settings.iam
    claimed = _claimed(request, protocol, service, mode, unsigned_allowed or service == "s3")
    if claimed is None:
        if service == "s3" and sigv2.is_sigv2(request):
            return _authenticate_v2(cloud, request, lookup, mode)
        # S3 serves anonymous requests that a bucket policy allows (public buckets, websites);
        # in audit mode an unsigned request is evaluated (and logged) as anonymous too
        return anonymous_caller(account_for_access_key(""))
    record = _record_for(cloud, claimed.access_key_id, lookup)
    if mode != "enforce":
        return _judged(claimed.access_key_id, record, mode,
                       lambda: _check(cloud, request, claimed, record, service, protocol))
    if record is None:
        raise unknown_key_error(protocol, service)
    # enforce calls _check itself: the closure _judged takes cost ~5k instructions a request
    # (callgrind), a tenth of what enforcement adds to an S3 GET
    _check(cloud, request, claimed, record, service, protocol)
    return _caller_of(claimed.access_key_id, record)


def _authenticate_v2(cloud: Cloud, request: HttpRequest, lookup: KeyLookup, mode: str) -> Caller:
    """An S3 request signed with SigV2 (a header or a presigned URL): its key's caller."""
    try:
        claimed = sigv2.signed_v2(request)
    except AwsError:
        if mode == "enforce":
            raise
        return anonymous_caller(account_for_access_key(""))
    record = _record_for(cloud, claimed.access_key_id, lookup)

    def check() -> None:
        if record is None or not record.active:
            raise unknown_key_error("rest-xml", "s3")
        now_s = cloud.clock.now()
        _check_session_token(record, claimed.session_token, now_s, "rest-xml", "s3")
        sigv2.verify(request, claimed, record.secret_key, now_s, cloud.clock.offset_s)

    return _judged(claimed.access_key_id, record, mode, check)


def _judged(access_key_id: str, record: KeyRecord | None, mode: str,
            check: Callable[[], None]) -> Caller:
    """The key's caller once `check` passes; a refusal is raised in enforce mode and only
    logged in audit mode."""
    try:
        check()
    except AwsError as refused:
        if mode == "enforce":
            raise
        log.warning("audit: would refuse %s (%s): %s", access_key_id, refused.code,
                    refused.message)
    if record is None:
        return root_caller(access_key_id)
    return _caller_of(access_key_id, record)


def anonymous_caller(account_id: str) -> Caller:
    return Caller(account_id, "*", "", "anonymous")


def _claimed(
    request: HttpRequest, protocol: str, service: str, mode: str, anonymous_allowed: bool
) -> SignedRequest | None:
    try:
        claimed = signed_request(request)
    except SignatureProblem as problem:
        if mode == "enforce":
            raise signature_error(problem, protocol, service) from None
        return None
    if claimed is None and mode == "enforce" and not anonymous_allowed:
        raise AwsError(
            "MissingAuthenticationToken" if protocol in ("query", "ec2") else "AccessDenied",
            "Request is missing Authentication Token" if protocol != "rest-xml"
            else "Access Denied",
            403,
        )
    return claimed


def _record_for(cloud: Cloud, access_key_id: str, lookup: KeyLookup) -> KeyRecord | None:
    record = lookup(cloud, access_key_id)
    if record is not None:
        return record
    if access_key_id == ROOT_KEY_ID or (len(access_key_id) == 12 and access_key_id.isdigit()):
        return _root_record(access_key_id, cloud.settings.root_secret_key)
    return None


@lru_cache(maxsize=1024)
def _root_record(access_key_id: str, secret_key: str) -> KeyRecord:
    caller = root_caller(access_key_id)
    return KeyRecord(caller.account_id, caller.principal_arn, "root", secret_key)


def _check(
    cloud: Cloud,
    request: HttpRequest,
    claimed: SignedRequest,
    record: KeyRecord | None,
    service: str,
    protocol: str,
) -> None:
    if record is None or not record.active:
        raise unknown_key_error(protocol, service)
    now_s = cloud.clock.now()
    if record.session_token is not None:
        sent = request.headers.get("x-amz-security-token") or _query_token(request)
        _check_session_token(record, sent, now_s, protocol, service)
    try:
        verify(request, claimed, record.secret_key, now_s, is_s3=service == "s3",
               clock_offset_s=cloud.clock.offset_s)
    except SignatureProblem as problem:
        raise signature_error(problem, protocol, service) from None
    if claimed.presigned and service == "s3":
        _check_headers_signed(request, claimed)
    content_sha = request.headers.get("x-amz-content-sha256", "")
    if content_sha.startswith(SIGNED_STREAMING) and not claimed.presigned:
        request.chunk_signer = ChunkSigner.for_request(claimed, record.secret_key,
                                                       cloud.settings.iam == "enforce")


def _check_headers_signed(request: HttpRequest, claimed: SignedRequest) -> None:
    """A presigned URL binds the x-amz-* headers it signed: S3 refuses a request that adds
    any other (an unsigned x-amz-acl, x-amz-meta-*, x-amz-copy-source... would otherwise take
    effect with the signer's authority)."""
    unsigned = [name for name in request.headers
                if name.startswith("x-amz-") and name not in claimed.signed_headers]
    if unsigned:
        raise AwsError("AccessDenied",
                       "There were headers present in the request which were not signed", 403,
                       fields={"HeadersNotSigned": ", ".join(unsigned)})  # fmt: skip


def _check_session_token(
    record: KeyRecord, sent: str | None, now_s: float, protocol: str, service: str
) -> None:
    """An STS session's key needs its own token, and only until the session expires."""
    if record.session_token is None:
        return
    if sent != record.session_token:
        raise unknown_key_error(protocol, service)
    if record.expires_at_s is not None and now_s >= record.expires_at_s:
        raise _expired_token(protocol)


def _query_token(request: HttpRequest) -> str | None:
    values = parse_qs(request.query_string).get("X-Amz-Security-Token")
    return values[0] if values else None


def unknown_key_error(protocol: str, service: str) -> AwsError:
    if service == "s3":
        return AwsError("InvalidAccessKeyId",
                        "The AWS Access Key Id you provided does not exist in our records.", 403)
    if protocol == "ec2":
        return AwsError("AuthFailure",
                        "AWS was not able to validate the provided access credentials", 401)
    message = "The security token included in the request is invalid."
    if protocol == "query":
        return AwsError("InvalidClientTokenId", message, 403)
    return AwsError("UnrecognizedClientException", message, 400 if protocol == "json" else 403)


def signature_error(problem: SignatureProblem, protocol: str, service: str) -> AwsError:
    if service == "s3":
        return _s3_signature_error(problem)
    if problem.kind in ("malformed", "query"):
        return AwsError("IncompleteSignature", problem.detail, 400)
    if protocol == "ec2" and problem.kind in ("skewed", "expired"):
        return AwsError("RequestExpired", problem.detail, 400)
    if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor"):
        return AwsError("InvalidSignatureException", problem.detail,
                        400 if protocol == "json" else 403)
    return AwsError("SignatureDoesNotMatch", problem.detail, 403)


def _s3_signature_error(problem: SignatureProblem) -> AwsError:
    if problem.kind == "expired":
        return AwsError("AccessDenied", "Request has expired", 403, fields=problem.fields)
    if problem.kind == "skewed":
        return AwsError("RequestTimeTooSkewed", "The difference between the request time and "
                        "the current time is too large.", 403)
    if problem.kind == "malformed":
        return AwsError("AuthorizationHeaderMalformed", problem.detail, 400)
    if problem.kind == "query":
        return AwsError("AuthorizationQueryParametersError", problem.detail, 400)
    return AwsError("SignatureDoesNotMatch", problem.detail, 403, fields=problem.fields)


def _expired_token(protocol: str) -> AwsError:
    message = "The security token included in the request is expired"
    if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor"):
        return AwsError("ExpiredTokenException", message, 400)
    return AwsError("ExpiredToken", message, 400 if protocol != "query" else 403)
