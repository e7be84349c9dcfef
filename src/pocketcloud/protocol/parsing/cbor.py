"""smithy-rpc-v2-cbor request bodies: one CBOR map whose keys are the input's members.

The operation is named by the path (`/service/{Service}/operation/{Operation}`), which the
gateway routes on; here only the body matters. Timestamps are CBOR tag 1 (epoch seconds),
blobs are byte strings; cbor2 decodes both natively.
"""

from __future__ import annotations

from typing import Any

import cbor2
from botocore.model import Shape

from pocketcloud.protocol.parsing.failures import malformed
from pocketcloud.protocol.parsing.json import decode_object


def parse_cbor_body(shape: Shape | None, body: bytes) -> dict[str, Any]:
    if shape is None or not body:
        return {}
    try:
        value = cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError, TypeError, LookupError, RecursionError):
        raise malformed("The request body is not valid CBOR") from None
    return decode_object(shape, value, cbor=True)
