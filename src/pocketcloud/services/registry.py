"""The services pocketcloud serves: botocore's service name -> the provider module.

A service is served when its folder ``services/<name>/`` holds a ``provider.py`` (the folder
name is botocore's service name, ``-`` written as ``_``, and a trailing ``_`` where the name is
a Python keyword: ``services/lambda_/``). A provider module has one function
per operation, named by botocore's snake_case form of the operation name
(``GetCallerIdentity`` -> ``get_caller_identity``), taking ``(ctx, params)`` and returning
the output dict; it may be ``async``. Modules are imported on first use: start-up stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from botocore import xform_name

_SERVICES_DIR = Path(__file__).resolve().parent


def _discover() -> dict[str, str]:
    return {
        folder.name.rstrip("_").replace("_", "-"): f"pocketcloud.services.{folder.name}.provider"
        for folder in sorted(_SERVICES_DIR.iterdir())
        if (folder / "provider.py").is_file()
    }


PROVIDERS: dict[str, str] = _discover()

ProviderFunction = Callable[..., Any]


def is_served(service: str) -> bool:
    return service in PROVIDERS


@cache
def provider_function(service: str, operation: str) -> ProviderFunction | None:
    module_name = PROVIDERS.get(service)
    if module_name is None:
        return None
    module = importlib.import_module(module_name)
    function = getattr(module, xform_name(operation), None)
    return function if callable(function) else None


def service_states() -> dict[str, str]:
    """Each served service and its state, for the health endpoint."""
    return {name: "running" for name in PROVIDERS}
