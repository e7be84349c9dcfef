"""Which services exist in which Region: ``infra/data/service_regions.json``.

The data is AWS's endpoint metadata for the commercial partition (the machine-readable form
of the "Service endpoints" tables in the AWS General Reference, as shipped in botocore's
``data/endpoints.json``), keyed by endpoint prefix: ``"all"`` for a service in every Region,
a list of Region codes otherwise, ``{"global": region}`` for a global service (IAM, Route 53,
CloudFront) whose one endpoint lives in that Region. Rebuild it with
``python -m pocketcloud.infra.availability > src/pocketcloud/infra/data/service_regions.json``.

A call to a Regional service in a Region where it does not exist has no endpoint to reach: with
AWS, DNS finds no ``<service>.<region>.amazonaws.com`` and botocore raises
EndpointConnectionError. pocketcloud answers such a call as it answers a down Region's endpoint
(infra/unreachable.py): the connection closes with no response.
"""

from __future__ import annotations

import json
import sys
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from pocketcloud.infra.regions import all_regions
from pocketcloud.protocol.catalog import catalog

ALL = "all"


@cache
def _document() -> dict[str, Any]:
    text = resources.files("pocketcloud.infra").joinpath("data", "service_regions.json")
    return dict(json.loads(text.read_text("utf-8")))


@cache
def _entry(endpoint_prefix: str) -> Any:
    return _document()["services"].get(endpoint_prefix)


def endpoint_prefix(service: str) -> str:
    """botocore service name -> endpoint prefix (dynamodbstreams -> streams.dynamodb)."""
    info = catalog.services.get(service)
    return info.endpoint_prefix if info is not None else service


def is_global(service: str) -> bool:
    entry = _entry(endpoint_prefix(service))
    return isinstance(entry, dict) and "global" in entry


def is_known(service: str) -> bool:
    """Whether the data says anything about the service (unknown ones are not refused)."""
    return _entry(endpoint_prefix(service)) is not None


@lru_cache(maxsize=4096)  # asked on every request; the data never changes
def is_offered(service: str, region: str) -> bool:
    """Whether `service` (botocore's name) has an endpoint in `region`. Global services and
    services the data does not list count as offered: pocketcloud refuses only what AWS does."""
    entry = _entry(endpoint_prefix(service))
    if entry is None or entry == ALL or isinstance(entry, dict):
        return True
    return region in entry


def regions_offering(service: str) -> list[str]:
    entry = _entry(endpoint_prefix(service))
    if entry is None or entry == ALL:
        return [r.code for r in all_regions()]
    if isinstance(entry, dict):
        return [str(entry["global"])]
    return [str(code) for code in entry]


# -- features narrower than a service (infra/data/features.json) ----------------------------


@cache
def _features() -> dict[str, Any]:
    text = resources.files("pocketcloud.infra").joinpath("data", "features.json")
    return dict(json.loads(text.read_text("utf-8"))["features"])


def is_feature(name: str) -> bool:
    return name in _features()


def feature_zone_ids(feature: str, region: str) -> list[str]:
    """The zone ids in `region` where a zonal feature exists (S3 Express One Zone...)."""
    return list(_features().get(feature, {}).get("zone_ids", {}).get(region, []))


def offers(region: str, name: str) -> bool:
    """Whether `region` has `name`: a feature from features.json or a service."""
    feature = _features().get(name)
    if feature is None:
        return is_offered(name, region)
    return bool(feature.get("zone_ids", {}).get(region)) and is_offered(feature["service"], region)


def data_source() -> dict[str, Any]:
    document = _document()
    return {k: document[k] for k in ("about", "as_of", "sources")}


# -- building the data file from botocore's endpoint metadata ------------------------------


def build_from_botocore() -> dict[str, Any]:
    import botocore

    path = resources.files("botocore").joinpath("data", "endpoints.json")
    partitions = json.loads(path.read_text("utf-8"))["partitions"]
    aws = next(p for p in partitions if p["partition"] == "aws")
    known = [r.code for r in all_regions()]
    services: dict[str, Any] = {}
    for prefix, spec in sorted(aws["services"].items()):
        services[prefix] = _availability(spec, known)
    return {
        "about": "Which services have an endpoint in which commercial Region, by endpoint "
        "prefix: 'all' (every Region pocketcloud knows), a list of Region codes, or "
        "{'global': region} for a service with one global endpoint in that Region.",
        "as_of": f"botocore {botocore.__version__}",
        "sources": [
            {"name": "AWS service endpoints (AWS General Reference), as machine-readable "
             "endpoint metadata in botocore's data/endpoints.json",
             "url": "https://docs.aws.amazon.com/general/latest/gr/aws-service-information.html"},
            {"name": "AWS Regional Services List",
             "url": "https://aws.amazon.com/about-aws/global-infrastructure/regional-product-services/"},
        ],
        "services": services,
    }


def _availability(spec: dict[str, Any], known: list[str]) -> Any:
    endpoints = spec.get("endpoints", {})
    if spec.get("isRegionalized") is False:
        home = endpoints.get(spec.get("partitionEndpoint", ""), {})
        region = home.get("credentialScope", {}).get("region", "us-east-1")
        return {"global": region}
    present = [code for code in known if code in endpoints
               and not endpoints[code].get("deprecated")]
    return ALL if len(present) == len(known) else present


def dumps(document: dict[str, Any]) -> str:
    """JSON with one line per service: diffs stay readable when the data is rebuilt."""
    head = [f" {json.dumps(k)}: {json.dumps(document[k])}" for k in ("about", "as_of", "sources")]
    rows = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in document["services"].items()]
    return "{\n" + ",\n".join(head) + ',\n "services": {\n' + ",\n".join(rows) + "\n }\n}\n"


if __name__ == "__main__":
    sys.stdout.write(dumps(build_from_botocore()))
