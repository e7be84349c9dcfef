"""From a stored function version to a running one: specs, unzipped code, the cloud's Runtime."""

from __future__ import annotations

import asyncio
import atexit
import random
from pathlib import Path
from typing import Any

from pocketcloud.cloud import Cloud
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.runtime.lambda_.extract import UnsafePackage, extract_once
from pocketcloud.runtime.lambda_.launch import InvalidRuntime
from pocketcloud.runtime.lambda_.pool import Runtime
from pocketcloud.runtime.lambda_.spec import FunctionSpec
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.layers import layer_blob
from pocketcloud.services.lambda_.names import FunctionRef
from pocketcloud.services.lambda_.schema import store

_runtimes: dict[int, Runtime] = {}
_extracting: dict[Path, asyncio.Lock] = {}


def runtime_for(cloud: Cloud) -> Runtime:
    """The cloud's one Runtime, made on first use; its workers stop when pocketcloud exits."""
    found = _runtimes.get(id(cloud))
    if found is None:
        host = cloud.settings.host if cloud.settings.host not in ("0.0.0.0", "::") else "127.0.0.1"
        found = Runtime(cloud.data_dir, f"http://{host}:{cloud.settings.port}",
                        idle_timeout_s=cloud.settings.lambda_idle_timeout_s,
                        account_limit=cloud.settings.lambda_concurrency_limit)
        _runtimes[id(cloud)] = found
        atexit.register(found.close)
    return found


def close_runtime(cloud: Cloud) -> None:
    """Stop the cloud's workers (server shutdown); a later invoke makes a new Runtime."""
    found = _runtimes.pop(id(cloud), None)
    if found is not None:
        found.close()


def choose_version(tx: Any, ref: FunctionRef) -> str:
    """The version an invocation runs: an alias's weights pick between its two versions."""
    version, alias = records.resolve_version(tx, ref)
    weights = ((alias or {}).get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    for other, weight in weights.items():
        if random.random() < weight:
            return str(other)
    return version


async def function_spec(ctx: RequestContext, ref: FunctionRef, version: str,
                        config: dict[str, Any], blob_id: str) -> FunctionSpec:
    data_dir = ctx.cloud.data_dir
    code_dir = await _unzipped(ctx, blob_id, data_dir / "lambda" / "code" / blob_id)
    layer_dirs = []
    for layer in config.get("Layers") or []:
        layer_blob_id = layer_blob(ctx, layer["Arn"])
        layer_dirs.append(await _unzipped(ctx, layer_blob_id,
                                          data_dir / "lambda" / "layers" / layer_blob_id))
    variables = (config.get("Environment") or {}).get("Variables") or {}
    return FunctionSpec(
        account_id=ref.account_id, region=ref.region, name=ref.name, version=version,
        # workers start anew when code or configuration change (LastModified moves), not when
        # a permission or tag renews the RevisionId (AWS keeps its environments then)
        revision_id=f"{config['CodeSha256']}|{config['LastModified']}",
        runtime=config["Runtime"], handler=config["Handler"],
        memory_mb=config["MemorySize"], timeout_s=config["Timeout"],
        ephemeral_mb=config["EphemeralStorage"]["Size"],
        environment=tuple(sorted(variables.items())), code_dir=code_dir,
        layer_dirs=tuple(layer_dirs),
        log_group=(config.get("LoggingConfig") or {}).get("LogGroup", ""),
    )


async def check_runnable(runtime: Runtime, spec: FunctionSpec) -> None:
    """InvalidRuntimeException unless this machine can run the spec (probed off the loop)."""
    if runtime.has_plan(spec):  # the warm path: no thread hop
        return
    try:
        await asyncio.to_thread(runtime.plan, spec)
    except InvalidRuntime as error:
        raise AwsError("InvalidRuntimeException", str(error), 502,
                       fields={"Type": "User"}) from None


async def _unzipped(ctx: RequestContext, blob_id: str, target: Path) -> Path:
    if target.is_dir():
        return target
    lock = _extracting.setdefault(target, asyncio.Lock())
    async with lock:
        try:
            zip_path = ctx.cloud.store.blobs.path(blob_id)
            return await asyncio.to_thread(extract_once, zip_path, target)
        except UnsafePackage as error:
            raise AwsError("InvalidParameterValueException",
                           f"The function's deployment package cannot be unzipped safely: "
                           f"{error}") from None
        finally:
            _extracting.pop(target, None)


def reserved_concurrency(ctx: RequestContext, ref: FunctionRef) -> int | None:
    with store(ctx).read() as tx:
        value = records.function_column(tx, ref, "reserved_concurrency")
    return None if value is None else int(value)
