"""Start and stop the services that keep work going between requests.

A service folder may hold ``lifecycle.py`` with ``start(cloud)`` (register background jobs,
resume pending work; runs once on the event loop at server start-up) and ``stop(cloud)``
(at shutdown, before the store closes).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from types import ModuleType
from typing import TYPE_CHECKING

from pocketcloud.services.registry import PROVIDERS

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

log = logging.getLogger("pocketcloud.services")


def _lifecycle_modules() -> list[ModuleType]:
    modules = []
    for provider_module in PROVIDERS.values():
        name = provider_module.rsplit(".", 1)[0] + ".lifecycle"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


async def start_services(cloud: Cloud) -> None:
    for module in _lifecycle_modules():
        await _call(module, "start", cloud)
    cloud.background.start()


async def stop_services(cloud: Cloud) -> None:
    await cloud.background.stop()
    for module in _lifecycle_modules():
        await _call(module, "stop", cloud)


async def _call(module: ModuleType, hook: str, cloud: Cloud) -> None:
    function = getattr(module, hook, None)
    if function is None:
        return
    try:
        result = function(cloud)
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("%s.%s failed", getattr(module, "__name__", "?"), hook)
