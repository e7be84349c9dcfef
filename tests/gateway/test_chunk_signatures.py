"""Signed aws-chunked bodies: every chunk's signature checked in its chain, as AWS documents.

The values are AWS's own worked example (S3 API reference, "Signature Calculations for the
Authorization Header: Transferring Payload in Multiple Chunks", Example: PUT Object).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
from collections.abc import AsyncIterator, Iterator

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from tests.support import Server, start_server

from pocketcloud.errors import AwsError
from pocketcloud.gateway.chunk_signatures import ChunkSigner
from pocketcloud.gateway.sigv4 import signing_key
from pocketcloud.services.s3.chunked import ChunkedDecoder

EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
EXAMPLE_SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
EXAMPLE_CHUNKS = [
    (65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"),
    (1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"),
    (0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"),
]


def _example_signer() -> ChunkSigner:
    key = signing_key(EXAMPLE_SECRET, "20130524", "us-east-1", "s3")
    return ChunkSigner(key, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
                       EXAMPLE_SEED)


def _framed(chunks: list[tuple[bytes, str]]) -> bytes:
    return b"".join(f"{len(data):x};chunk-signature={signature}\r\n".encode() + data + b"\r\n"
                    for data, signature in chunks)


async def _pieces(body: bytes, size: int = 7000) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _decode(body: bytes, signer: ChunkSigner) -> bytes:
    async def run() -> bytes:
        return b"".join([piece async for piece in ChunkedDecoder(_pieces(body), signer)])
    return asyncio.run(run())


def test_awss_worked_example_verifies() -> None:
    body = _framed([(b"a" * size, signature) for size, signature in EXAMPLE_CHUNKS])
    assert _decode(body, _example_signer()) == b"a" * 66560


def test_a_changed_byte_breaks_the_chain() -> None:
    chunks = [(b"a" * size, signature) for size, signature in EXAMPLE_CHUNKS]
    chunks[1] = (b"a" * 1023 + b"b", chunks[1][1])
    with pytest.raises(AwsError) as caught:
        _decode(_framed(chunks), _example_signer())
    assert (caught.value.code, caught.value.status_code) == ("SignatureDoesNotMatch", 403)


def test_chunks_out_of_order_break_the_chain() -> None:
    chunks = [(b"a" * size, signature) for size, signature in EXAMPLE_CHUNKS]
    with pytest.raises(AwsError):
        _decode(_framed([chunks[1], chunks[0], chunks[2]]), _example_signer())


def test_a_chunk_without_signature_is_malformed() -> None:
    with pytest.raises(AwsError) as caught:
        _decode(b"400\r\n" + b"a" * 1024 + b"\r\n0\r\n\r\n", _example_signer())
    assert caught.value.code == "IncompleteBody"


# --- end to end, with --iam enforce ---------------------------------------------------------

SECRET = "s3cret"


@pytest.fixture(scope="module")
def enforcing() -> Iterator[Server]:
    server = start_server(None, "--iam", "enforce", "--root-secret-key", SECRET)
    yield server
    server.stop()


def _signed_streaming_put(server: Server, key: str, payload: bytes,
                          tamper: bool = False) -> tuple[int, bytes]:
    """A chunked PUT signed chunk by chunk (computed here from the documented algorithm)."""
    chunk_size = 8192
    pieces = [payload[i : i + chunk_size] for i in range(0, len(payload), chunk_size)] + [b""]
    frame_bytes = sum(len(f"{len(p):x};chunk-signature=".encode()) + 64 + 4 + len(p)
                      for p in pieces)
    url = f"{server.endpoint}/chunked/{key}"
    request = AWSRequest(method="PUT", url=url, headers={
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "content-encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(payload)),
        "content-length": str(frame_bytes)})
    SigV4Auth(Credentials("test", SECRET), "s3", "us-east-1").add_auth(request)
    seed = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    amz_date = request.headers["X-Amz-Date"]
    scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
    key_bytes = _derive(SECRET, amz_date[:8])
    previous, body = seed, b""
    for piece in pieces:
        to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
                             hashlib.sha256(b"").hexdigest(), hashlib.sha256(piece).hexdigest()])
        previous = hmac.new(key_bytes, to_sign.encode(), hashlib.sha256).hexdigest()
        sent = piece[:-1] + b"X" if tamper and piece else piece
        body += f"{len(piece):x};chunk-signature={previous}\r\n".encode() + sent + b"\r\n"
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("PUT", f"/chunked/{key}", body=body, headers=dict(request.headers.items()))
    response = connection.getresponse()
    return response.status, response.read()


def _derive(secret: str, date: str) -> bytes:
    key = hmac.new(f"AWS4{secret}".encode(), date.encode(), hashlib.sha256).digest()
    for part in ("us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def test_signed_chunked_put_is_stored_and_a_tampered_one_refused(enforcing: Server) -> None:
    import boto3

    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=enforcing.endpoint,
                      aws_access_key_id="test", aws_secret_access_key=SECRET)
    s3.create_bucket(Bucket="chunked")
    payload = bytes(range(256)) * 100
    status, _ = _signed_streaming_put(enforcing, "good", payload)
    assert status == 200
    assert s3.get_object(Bucket="chunked", Key="good")["Body"].read() == payload
    status, answer = _signed_streaming_put(enforcing, "bad", payload, tamper=True)
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in answer
    assert "Contents" not in s3.list_objects_v2(Bucket="chunked", Prefix="bad")
