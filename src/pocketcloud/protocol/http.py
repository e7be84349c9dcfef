"""The protocol layer's view of HTTP: plain data, no server types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from pocketcloud.protocol.streams import ResponseBody


@dataclass
class HttpRequest:
    method: str
    path: str  # as sent on the wire: percent-encoded, without the query string
    query_string: str = ""  # raw, without the leading '?'
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names; repeats joined by ","
    body: bytes = b""
    host: str = ""
    wire_path: str = ""  # the path exactly as sent, kept when routing rewrites `path` (signing)
    client_ip: str = ""  # the peer's address (aws:SourceIp)
    # set by the gateway when a verified request streams a signed aws-chunked body:
    # a pocketcloud.gateway.chunk_signatures.ChunkSigner for the decoder to check each chunk
    chunk_signer: Any = None

    def query_pairs(self) -> list[tuple[str, str]]:
        """Decoded query parameters in order, keeping blank values (``?uploads``)."""
        return parse_qsl(self.query_string, keep_blank_values=True)


# A provider's result may carry this key: the HTTP status of an answer the spec does not model
# (S3's HEAD of a byte range is 206 Partial Content, with no body to say so).
STATUS_OVERRIDE = "__status_code__"
# ...and this one: response headers the spec does not model (S3's x-amz-bucket-region on a
# list of objects), a dict of header name to text.
EXTRA_HEADERS = "__headers__"


@dataclass
class HttpResponse:
    status_code: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    stream: ResponseBody | None = None  # sent instead of `body` when set
