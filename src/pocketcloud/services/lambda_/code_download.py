"""The link GetFunction and GetLayerVersion give as Code.Location / Content.Location: the
package's bytes, served only for blobs that are a function's or a layer's code (a link, like
AWS's presigned one, is all a caller needs; no other blob is reachable through it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.protocol.http import HttpResponse
from pocketcloud.protocol.streams import FileBody
from pocketcloud.services.lambda_.schema import ready_store
from pocketcloud.store import InvalidBlobIdError

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

PREFIX = "lambda/code/"


def download(cloud: Cloud, name: str) -> HttpResponse:
    blob_id = name[len(PREFIX) :]
    store = ready_store(cloud.store)
    with store.read() as tx:
        known = tx.fetchone(
            "SELECT 1 FROM lambda_versions WHERE code_blob_id = ? "
            "UNION ALL SELECT 1 FROM lambda_layer_versions WHERE blob_id = ? LIMIT 1",
            (blob_id, blob_id))
    try:
        path = store.blobs.path(blob_id) if known else None
    except InvalidBlobIdError:
        path = None
    if path is None or not path.is_file():
        return HttpResponse(404, {"content-type": "text/plain"}, b"no such code package\n")
    return HttpResponse(200, {"content-type": "application/zip"}, stream=FileBody(path))
