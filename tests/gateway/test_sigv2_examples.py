"""SigV2 for S3 checked against the examples in AWS's documentation
(https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from pocketcloud.errors import AwsError
from pocketcloud.gateway.sigv2 import signed_v2, verify
from pocketcloud.protocol.http import HttpRequest

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DATE = "Tue, 27 Mar 2007 19:36:42 +0000"
DATE_S = parsedate_to_datetime(DATE).timestamp()


def _get(signature: str, path: str = "/awsexamplebucket1/photos/puppy.jpg",
         query: str = "") -> HttpRequest:
    """The docs' GET of a virtual-hosted object, its path as routing rewrites it."""
    return HttpRequest("GET", path, query, {
        "host": "awsexamplebucket1.us-west-1.s3.amazonaws.com", "date": DATE,
        "authorization": f"AWS AKIAIOSFODNN7EXAMPLE:{signature}"})


def test_the_documented_get_object_example_verifies() -> None:
    request = _get("qgk2+6Sv9/oM7G3qLEjTH1a1l1g=")
    verify(request, signed_v2(request), SECRET, DATE_S, 0.0)


def test_another_path_or_sub_resource_does_not() -> None:
    for request in (_get("qgk2+6Sv9/oM7G3qLEjTH1a1l1g=", "/awsexamplebucket1/photos/kitten.jpg"),
                    _get("qgk2+6Sv9/oM7G3qLEjTH1a1l1g=", query="acl")):
        with pytest.raises(AwsError) as refused:
            verify(request, signed_v2(request), SECRET, DATE_S, 0.0)
        assert refused.value.code == "SignatureDoesNotMatch"
        assert refused.value.fields["StringToSign"].startswith(f"GET\n\n\n{DATE}\n")


def test_a_date_more_than_15_minutes_off_is_skewed() -> None:
    request = _get("qgk2+6Sv9/oM7G3qLEjTH1a1l1g=")
    with pytest.raises(AwsError) as refused:
        verify(request, signed_v2(request), SECRET, DATE_S + 16 * 60, 0.0)
    assert refused.value.code == "RequestTimeTooSkewed"
    # the cloud clock moved a day ahead: the wall clock is what the signer used
    verify(request, signed_v2(request), SECRET, DATE_S + 86_400, 86_400.0)


@pytest.mark.parametrize("query", ["AWSAccessKeyId=K&Signature=S", "AWSAccessKeyId=K&Expires=1",
                                   "AWSAccessKeyId=K&Signature=S&Expires=soon"])
def test_malformed_presigned_urls_are_access_denied(query: str) -> None:
    with pytest.raises(AwsError) as refused:
        signed_v2(HttpRequest("GET", "/b/k", query))
    assert (refused.value.code, refused.value.status_code) == ("AccessDenied", 403)
