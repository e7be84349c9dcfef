"""What the runtime needs to know to run one function version: a snapshot of its configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FunctionSpec:
    account_id: str
    region: str
    name: str
    version: str
    revision_id: str  # changes whenever code or configuration change: a new pool of workers
    runtime: str
    handler: str
    memory_mb: int
    timeout_s: int
    ephemeral_mb: int
    environment: tuple[tuple[str, str], ...]
    code_dir: Path
    layer_dirs: tuple[Path, ...] = field(default=())
    log_group: str = ""

    @property
    def pool_key(self) -> tuple[str, str, str, str]:
        return (self.account_id, self.region, self.name, self.version)


@dataclass
class Outcome:
    """What an invocation produced, as Invoke reports it."""

    payload: bytes
    function_error: str | None  # "Unhandled" when the function failed
    log: str
    status: str = ""  # "", "error" or "timeout"
    error_type: str = ""
    duration_ms: float = 0.0
    billed_ms: int = 0
    max_memory_used_mb: int = 0
    init_duration_ms: float | None = None
    log_stream: str = ""  # the worker's CloudWatch Logs stream
    # A cold start's INIT_START line: CloudWatch Logs get it, LogType=Tail's tail does not.
    init_start: str = ""
