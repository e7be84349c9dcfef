"""The log lines Lambda writes around each invocation, and the tail LogType=Tail returns."""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

LOG_TAIL_BYTES = 4 * 1024


@dataclass
class Report:
    request_id: str
    duration_ms: float
    memory_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None = None
    status: str = ""  # "timeout", "error" (AWS adds Status only when not a success)
    error_type: str = ""

    @property
    def billed_ms(self) -> int:
        """Since 1 August 2025 AWS bills the INIT phase of on-demand functions too: a cold
        start's Billed Duration covers Init Duration plus Duration."""
        return max(1, math.ceil(self.duration_ms + (self.init_duration_ms or 0.0)))

    def line(self) -> str:
        fields = [f"REPORT RequestId: {self.request_id}", f"Duration: {self.duration_ms:.2f} ms",
                  f"Billed Duration: {self.billed_ms} ms", f"Memory Size: {self.memory_mb} MB",
                  f"Max Memory Used: {self.max_memory_used_mb} MB"]
        if self.init_duration_ms is not None:
            fields.append(f"Init Duration: {self.init_duration_ms:.2f} ms")
        if self.status:
            fields.append(f"Status: {self.status}")
        if self.error_type:
            fields.append(f"Error Type: {self.error_type}")
        return "\t".join(fields) + "\t\n"


def start_line(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}\n"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}\n"


_RUNTIME_LABEL = re.compile(r"^(python|nodejs)(\d+(?:\.\d+)?)(?:\.x)?$")


def init_start_line(runtime: str) -> str:
    """AWS labels runtime versions `python:3.12.v40`, `nodejs:20.v13`; ours is `.pocketcloud`."""
    label = _RUNTIME_LABEL.sub(r"\1:\2", runtime)
    return f"INIT_START Runtime Version: {label}.pocketcloud\tRuntime Version ARN: " \
           f"arn:aws:lambda:::runtime:pocketcloud-{runtime}\n"


def timed_out_line(request_id: str, timeout_s: float) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return f"{stamp} {request_id} Task timed out after {timeout_s:.2f} seconds\n"


def log_tail_b64(text: str) -> str:
    """Base64 of the last 4 KB of an invocation's log, as X-Amz-Log-Result carries it."""
    data = text.encode("utf-8", errors="replace")[-LOG_TAIL_BYTES:]
    return base64.b64encode(data).decode()
