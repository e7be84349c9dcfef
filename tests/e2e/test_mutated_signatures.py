"""--iam enforce never serves a request whose signature does not hold.

A few thousand signed requests (query, json, rest-xml; header and presigned SigV4; S3's
header and presigned SigV2) are each mutated one way: wrong secret, unknown key, a date
outside the 15-minute window, another region or service in the scope, a tampered signed
header, body, path, query or sub-resource, a damaged signature, a presigned URL replayed
after it expired. Every one must be refused with a 4xx,
and the unmutated originals must be served (so the refusals are the signature's doing).
"""

from __future__ import annotations

import datetime
import http.client
import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from email.utils import formatdate
from urllib.parse import urlsplit

import botocore.auth
import pytest
from botocore.auth import HmacV1Auth, HmacV1QueryAuth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from tests.support import Server, start_server

SECRET = "s3cret"
MUTANTS_PER_KIND = 400
SIGV2_MUTANTS_PER_KIND = 100
SEED = 20261206


@dataclass(frozen=True)
class Raw:
    method: str
    target: str  # path and query, as sent
    headers: tuple[tuple[str, str], ...]
    body: bytes


@pytest.fixture(scope="module")
def enforcing() -> Iterator[Server]:
    server = start_server(None, "--iam", "enforce", "--root-secret-key", SECRET)
    yield server
    server.stop()


def _sign(server: Server, method: str, path: str, service: str, *, body: bytes = b"",
          headers: dict[str, str] | None = None, key: str = "test", secret: str = SECRET,
          region: str = "us-east-1", when: datetime.datetime | None = None) -> Raw:
    request = AWSRequest(method=method, url=server.endpoint + path, data=body,
                         headers=dict(headers or {}))
    with _clock_at(when):
        SigV4Auth(Credentials(key, secret), service, region).add_auth(request)
    return _raw(request)


def _presign(server: Server, path: str, *, expires_s: int = 300,
             when: datetime.datetime | None = None) -> Raw:
    request = AWSRequest(method="GET", url=server.endpoint + path)
    with _clock_at(when):
        S3SigV4QueryAuth(Credentials("test", SECRET), "s3", "us-east-1",
                         expires=expires_s).add_auth(request)
    return _raw(request)


def _sign_v2(server: Server, path: str, *, key: str = "test", secret: str = SECRET,
             date_offset_s: float = 0.0) -> Raw:
    """A GET signed with S3's SigV2 Authorization header, its Date `date_offset_s` off."""
    request = AWSRequest(method="GET", url=server.endpoint + path)
    signer = HmacV1Auth(Credentials(key, secret))
    signer._get_date = lambda: formatdate(time.time() + date_offset_s, usegmt=True)  # type: ignore[method-assign]
    signer.add_auth(request)
    return _raw(request)


def _presign_v2(server: Server, path: str, *, expires_s: int = 300) -> Raw:
    request = AWSRequest(method="GET", url=server.endpoint + path)
    HmacV1QueryAuth(Credentials("test", SECRET), expires=expires_s).add_auth(request)
    return _raw(request)


class _clock_at:  # noqa: N801 - used as a context manager
    def __init__(self, when: datetime.datetime | None) -> None:
        self.when = when
        self.saved = botocore.auth.get_current_datetime

    def __enter__(self) -> None:
        if self.when is not None:
            when = self.when
            botocore.auth.get_current_datetime = lambda *a, **k: when  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        botocore.auth.get_current_datetime = self.saved  # type: ignore[assignment]


def _raw(request: AWSRequest) -> Raw:
    prepared = request.prepare()
    split = urlsplit(prepared.url)
    target = split.path + (f"?{split.query}" if split.query else "")
    body = prepared.body if isinstance(prepared.body, bytes) else (prepared.body or "").encode()
    return Raw(prepared.method, target, tuple(prepared.headers.items()), body)


def _send(connection: http.client.HTTPConnection, raw: Raw) -> int:
    connection.putrequest(raw.method, raw.target, skip_host=True, skip_accept_encoding=True)
    names = {name.lower() for name, _ in raw.headers}
    for name, value in raw.headers:
        connection.putheader(name, value)
    if "host" not in names:
        connection.putheader("Host", f"{connection.host}:{connection.port}")
    if "content-length" not in names:
        connection.putheader("Content-Length", str(len(raw.body)))
    connection.endheaders(raw.body)
    response = connection.getresponse()
    response.read()
    return response.status


def _originals(server: Server) -> list[Raw]:
    host = {"Host": f"127.0.0.1:{server.port}"}
    form = {**host, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    json_headers = {**host, "Content-Type": "application/x-amz-json-1.0",
                    "X-Amz-Target": "DynamoDB_20120810.ListTables"}
    s3 = {**host, "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}
    return [
        _sign(server, "POST", "/", "sts", body=b"Action=GetCallerIdentity&Version=2011-06-15",
              headers=form),
        _sign(server, "POST", "/", "dynamodb", body=b"{}", headers=json_headers),
        _sign(server, "GET", "/mutants?list-type=2&prefix=a", "s3", headers=s3),
        _presign(server, "/mutants/object.txt"),
    ]


def _flip(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    swapped = "A" if text[i] != "A" else "B"
    return text[:i] + swapped + text[i + 1 :]


def _with_header(raw: Raw, name: str, change: Callable[[str], str]) -> Raw:
    headers = tuple((n, change(v) if n.lower() == name else v) for n, v in raw.headers)
    return replace(raw, headers=headers)


def _mutants(server: Server, rng: random.Random) -> Iterator[tuple[str, Raw]]:
    host = {"Host": f"127.0.0.1:{server.port}"}
    form = {**host, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    sts_body = b"Action=GetCallerIdentity&Version=2011-06-15"
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    for _ in range(MUTANTS_PER_KIND):
        yield "wrong secret", _sign(server, "POST", "/", "sts", body=sts_body, headers=form,
                                    secret=f"{SECRET}{rng.randrange(10**6)}")
        yield "unknown key", _sign(server, "POST", "/", "sts", body=sts_body, headers=form,
                                   key=f"AKIA{rng.randrange(10**15):016d}")
        skew = datetime.timedelta(minutes=rng.choice([-1, 1]) * rng.randint(16, 60 * 24))
        yield "date skewed", _sign(server, "POST", "/", "sts", body=sts_body, headers=form,
                                   when=now + skew)
        yield "other region", _replace_scope(
            _sign(server, "POST", "/", "sts", body=sts_body, headers=form), "us-east-1",
            rng.choice(["eu-west-1", "ap-south-1", "us-west-2"]))
        original = rng.choice(_originals(server))
        if any(n.lower() == "authorization" for n, _ in original.headers):
            yield "damaged signature", _with_header(
                original, "authorization", lambda v: v[:-64] + _flip(v[-64:], rng))
            yield "tampered body or path", _tamper(original, rng)
            yield "tampered signed header", _with_header(original, "x-amz-date",
                                                         lambda v: _other_second(v, rng))
        else:
            yield "damaged presigned signature", replace(
                original, target=original.target[:-8] + _flip(original.target[-8:], rng))
            yield "tampered presigned path", replace(
                original, target=original.target.replace("object.txt", f"o{rng.random()}"))
            yield "replayed after expiry", _presign(
                server, "/mutants/object.txt", expires_s=rng.randint(1, 600),
                when=now - datetime.timedelta(seconds=rng.randint(700, 86400)))


def _sigv2_originals(server: Server) -> list[Raw]:
    return [_sign_v2(server, "/mutants/object.txt"), _presign_v2(server, "/mutants/object.txt")]


def _sigv2_mutants(server: Server, rng: random.Random) -> Iterator[tuple[str, Raw]]:
    """SigV2 signs the verb, the path and the sub-resources (not other query parameters):
    adding ?acl or ?tagging to a GET of an object would be served if it were not checked."""
    path = "/mutants/object.txt"
    for _ in range(SIGV2_MUTANTS_PER_KIND):
        header, presigned = _sigv2_originals(server)
        yield "v2 wrong secret", _sign_v2(server, path, secret=f"{SECRET}{rng.randrange(10**6)}")
        yield "v2 unknown key", _sign_v2(server, path, key=f"AKIA{rng.randrange(10**15):016d}")
        yield "v2 date skewed", _sign_v2(
            server, path, date_offset_s=rng.choice([-1, 1]) * rng.randint(16 * 60, 86400))
        yield "v2 damaged signature", _with_header(
            header, "authorization", lambda v: v[:-28] + _flip(v[-28:-1], rng) + v[-1])
        sub_resource = rng.choice(["acl", "tagging"])
        yield "v2 added sub-resource", replace(header, target=f"{header.target}?{sub_resource}")
        yield "v2 presigned sub-resource", replace(
            presigned, target=f"{presigned.target}&{sub_resource}")
        yield "v2 presigned damaged", replace(presigned, target=presigned.target.replace(
            "Signature=", "Signature=" + rng.choice("ABCDEFGH")))
        yield "v2 presigned expired", _presign_v2(server, path,
                                                  expires_s=-rng.randint(1, 86400))


def _other_second(amz_date: str, rng: random.Random) -> str:
    second = (int(amz_date[-3:-1]) + rng.randint(1, 59)) % 60
    return f"{amz_date[:-3]}{second:02d}Z"


def _replace_scope(raw: Raw, region: str, other: str) -> Raw:
    return _with_header(raw, "authorization", lambda v: v.replace(f"/{region}/", f"/{other}/"))


def _tamper(raw: Raw, rng: random.Random) -> Raw:
    if raw.body:
        body = raw.body[:-1] + bytes([raw.body[-1] ^ 1])
        return replace(raw, body=body)
    return replace(raw, target=raw.target.replace("prefix=a", f"prefix=b{rng.randrange(99)}"))


def test_originals_are_served(enforcing: Server) -> None:
    import boto3

    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=enforcing.endpoint,
                      aws_access_key_id="test", aws_secret_access_key=SECRET)
    s3.create_bucket(Bucket="mutants")
    s3.put_object(Bucket="mutants", Key="object.txt", Body=b"x")
    connection = http.client.HTTPConnection("127.0.0.1", enforcing.port, timeout=10)
    originals = _originals(enforcing) + _sigv2_originals(enforcing)
    assert [_send(connection, raw) for raw in originals] == [200] * 6
    for name in ("acl", "tagging"):  # what the sub-resource mutants would be served
        assert _send(connection, _sign_v2(enforcing, f"/mutants/object.txt?{name}")) == 200


def test_no_mutated_request_is_served(enforcing: Server) -> None:
    rng = random.Random(SEED)
    connection = http.client.HTTPConnection("127.0.0.1", enforcing.port, timeout=10)
    served: list[str] = []
    sent = 0
    for kind, raw in itertools.chain(_mutants(enforcing, rng), _sigv2_mutants(enforcing, rng)):
        status = _send(connection, raw)
        sent += 1
        if status < 400 or status >= 500:
            served.append(f"{kind}: {status} {raw.method} {raw.target}")
    assert sent >= 2800
    assert served == []


def test_a_served_request_does_not_vouch_for_a_tampered_copy(enforcing: Server) -> None:
    """A replay of a request already verified is recognised without redoing the HMAC: a copy
    with the same signature but anything signed changed must still be checked and refused."""
    rng = random.Random(SEED + 1)
    connection = http.client.HTTPConnection("127.0.0.1", enforcing.port, timeout=10)
    for original in _originals(enforcing):
        signed_by_header = any(n.lower() == "authorization" for n, _ in original.headers)
        tampered = [_tamper(original, rng)] if signed_by_header else [
            replace(original, target=original.target.replace("object.txt", "other.txt"))]
        if signed_by_header:
            tampered.append(_with_header(original, "host", lambda v: v.replace("127.0.0.1",
                                                                               "localhost")))
        for copy in tampered:
            assert _send(connection, original) == 200
            assert 400 <= _send(connection, copy) < 500, copy
        assert _send(connection, original) == 200
