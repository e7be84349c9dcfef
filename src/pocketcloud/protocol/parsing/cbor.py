"""smithy-rpc-v2-cbor request bodies: one CBOR map whose keys are the input's members.

The operation is named by the path (`/service/{Service}/operation/{Operation}`), which the
gateway routes on; here only the body matters. Timestamps are CBOR tag 1 (epoch seconds),
blobs are byte strings; cbor2 decodes both natively.

Hostile input: nesting is bounded, map keys must be plain strings or bytes (no hash-flooding
keys), and shared references (tags 28/29), the one way CBOR can build a cycle, are refused.
"""

from __future__ import annotations

from typing import Any, NoReturn

import cbor2
from botocore.model import Shape

from pocketcloud.protocol.parsing.failures import malformed
from pocketcloud.protocol.parsing.json import decode_object

CBOR_DEPTH_MAX = 64  # nested arrays/maps in one request body
_SHAREABLE, _SHARED_REFERENCE = 28, 29


def _refuse_shared_reference(decoder: Any) -> NoReturn:
    raise cbor2.CBORDecodeError("shared references are not allowed")


_REFUSED_TAGS = {_SHAREABLE: _refuse_shared_reference, _SHARED_REFERENCE: _refuse_shared_reference}


def parse_cbor_body(shape: Shape | None, body: bytes) -> dict[str, Any]:
    if shape is None or not body:
        return {}
    try:
        value = cbor2.loads(
            body,
            semantic_decoders=_REFUSED_TAGS,
            max_depth=CBOR_DEPTH_MAX,
            strict_hashable_types=True,
        )
    except (cbor2.CBORError, ValueError, TypeError, LookupError, RecursionError):
        raise malformed("The request body is not valid CBOR") from None
    return decode_object(shape, value, cbor=True)
