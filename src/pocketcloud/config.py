"""One settings object: command-line flags > POCKETCLOUD_* environment variables > defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"  # never listen beyond this machine unless told to
DEFAULT_PORT = 4566  # the port AWS tooling for local clouds expects
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "000000000000"


@dataclass
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=lambda: Path(".pocketcloud"))
    ephemeral: bool = False
    log_level: str = "info"
    default_region: str = DEFAULT_REGION
    seed: int | None = None  # the random source's seed; None draws one (and logs it)
    server: str = "uvicorn"  # the ASGI server: uvicorn or granian
    iam: str = "off"  # off | audit | enforce: see gateway/authentication.py
    root_secret_key: str = "test"  # the secret of each account's root key when IAM checks
    # Lambda: how long a warm worker waits idle before it is stopped; the waits before the
    # retries of a failed asynchronous invocation (AWS: 1 and 2 minutes, on the cloud clock);
    # the account's concurrent executions quota per region (AWS's default: 1000).
    lambda_idle_timeout_s: float = 300.0
    lambda_retry_delays_s: str = "60,120"
    lambda_concurrency_limit: int = 1000
    dns_port: int | None = None  # Route 53's DNS server; None: 53 as root, else 5353; 0: off
    dns_outside: str = "refused"  # refused | nxdomain: the answer for names in no hosted zone
    dns_client_location: str = ""  # city, region or "lat,lon": latency/geo routing's client
    latency: str = "off"  # on: delay responses by the modelled network RTT (infra/latency.py)
    client_location: str = ""  # where clients are when a request does not say (infra/locations.py)
    client_locations: str = ""  # per access key: "KEY=Tokyo;KEY2=51.5,-0.13" (infra/locations.py)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then POCKETCLOUD_<NAME> variables, then explicit overrides (not None)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f"POCKETCLOUD_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values:
            values["data_dir"] = Path(str(values["data_dir"]))
        return cls(**values)  # type: ignore[arg-type]

    def resolved_dns_port(self) -> int:
        """The DNS port to listen on: 53 needs root, so others get mDNS's neighbour 5353."""
        if self.dns_port is not None:
            return self.dns_port
        return 53 if os.geteuid() == 0 else 5353


def _convert(name: str, raw: str) -> object:
    if name in ("port", "seed", "dns_port", "lambda_concurrency_limit"):
        return int(raw)
    if name == "lambda_idle_timeout_s":
        return float(raw)
    if name == "ephemeral":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if name == "latency":
        return "on" if raw.strip().lower() in ("1", "true", "yes", "on") else "off"
    return raw
