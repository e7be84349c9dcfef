"""The service catalog names every botocore service, from cache or from the specs alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from pocketcloud.protocol.catalog import ServiceCatalog


@pytest.mark.parametrize("cache_home", ["fresh", "reused"])
def test_catalog_indexes_signing_names_and_target_prefixes(
    cache_home: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home: Path = tmp_path_factory.getbasetemp() / "catalog-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    catalog = ServiceCatalog()
    assert catalog.services["sqs"].target_prefix == "AmazonSQS"
    assert catalog.by_target_prefix["DynamoDB_20120810"].name == "dynamodb"
    assert {i.name for i in catalog.by_signing_name["monitoring"]} == {"cloudwatch"}
    assert "smithy-rpc-v2-cbor" in catalog.services["cloudwatch"].protocols
    assert {"rds", "docdb", "neptune"} <= {i.name for i in catalog.by_signing_name["rds"]}
    assert len(catalog.services) > 400
    assert list(home.glob("pocketcloud/service-catalog-*.json"))
