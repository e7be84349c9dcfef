"""S3's XML documents as S3 writes them, for clients that read by element path rather than
through botocore (Java SDK v1's SAX handlers, minio-go, hand-written parsers): the document
element of each answer, and a DeleteObjects protected by Content-MD5 alone."""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def _root(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return ET.fromstring(response.content).tag.removeprefix(NS)


@pytest.mark.parametrize(("method", "path", "element"), [
    ("GET", "/", "ListAllMyBucketsResult"),
    ("GET", "/{bucket}", "ListBucketResult"),
    ("GET", "/{bucket}?list-type=2", "ListBucketResult"),
    ("GET", "/{bucket}?versions", "ListVersionsResult"),
    ("GET", "/{bucket}?uploads", "ListMultipartUploadsResult"),
    ("GET", "/{bucket}?versioning", "VersioningConfiguration"),
    ("GET", "/{bucket}?acl", "AccessControlPolicy"),
    ("GET", "/{bucket}?accelerate", "AccelerateConfiguration"),
    ("POST", "/{bucket}/new-upload?uploads", "InitiateMultipartUploadResult"),
])
def test_document_elements_are_s3s(endpoint: str, bucket: str, method: str, path: str,
                                   element: str) -> None:
    response = httpx.request(method, endpoint + path.format(bucket=bucket))
    assert _root(response) == element


def test_delete_objects_with_only_content_md5(endpoint: str, bucket: str, s3: Any) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    body = (b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b"<Object><Key>a</Key></Object></Delete>")
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    response = httpx.post(f"{endpoint}/{bucket}?delete", content=body,
                          headers={"Content-MD5": md5})
    assert _root(response) == "DeleteResult"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    bad = httpx.post(f"{endpoint}/{bucket}?delete", content=body,
                     headers={"Content-MD5": base64.b64encode(b"0" * 16).decode()})
    assert bad.status_code == 400 and b"<Code>BadDigest</Code>" in bad.content
