"""Every served service is a botocore service, and every provider function is one of its
operations: a typo in a function name would otherwise answer 501 silently."""

from __future__ import annotations

import importlib
import inspect

import pytest
from botocore import xform_name

from pocketcloud.protocol.specs import service_model
from pocketcloud.services.registry import PROVIDERS


@pytest.mark.parametrize("service", sorted(PROVIDERS))
def test_provider_functions_are_operations_of_their_service(service: str) -> None:
    operations = {xform_name(name) for name in service_model(service).operation_names}
    module = importlib.import_module(PROVIDERS[service])
    public = {
        name for name, value in vars(module).items()
        if inspect.isfunction(value) and not name.startswith("_")
        and (value.__module__ == module.__name__ or name in operations)
    }
    assert public - operations == set(), "provider functions that name no operation"
    assert public, "a served service with no operations"
