"""A real pocketcloud server on a free port, in a throw-away data directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.support import ENFORCE_SECRET, Server, start_server

# The machine running the suite may be busy (xdist workers, CI neighbours): a property test's
# examples are judged by their answers, never by hypothesis' per-example time limit.
settings.register_profile("pocketcloud", deadline=None,
                           suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pocketcloud")


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = start_server()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def own_endpoint() -> Iterator[str]:
    """A server of the module's own: moving its clock would skew the shared server's tests."""
    server = start_server()
    yield server.endpoint
    server.stop()


@pytest.fixture(scope="module")
def enforcing() -> Iterator[Server]:
    """A server of the module's own with `--iam enforce` (root secret ENFORCE_SECRET)."""
    server = start_server(None, "--iam", "enforce", "--root-secret-key", ENFORCE_SECRET)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.endpoint


@pytest.fixture(autouse=True)
def _aws_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Clients never read the developer's real AWS config or credentials."""
    home = tmp_path_factory.getbasetemp() / "aws-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client(endpoint: str):  # type: ignore[no-untyped-def]
    """boto3 clients for the running server: client("sts", region_name=..., ...)."""
    import boto3
    from botocore.config import Config

    def make(service: str, region_name: str = "us-east-1", **kwargs: object):  # type: ignore[no-untyped-def]
        config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)
        options = {"aws_access_key_id": "test", "aws_secret_access_key": "test", **kwargs}
        return boto3.client(service, region_name=region_name, endpoint_url=endpoint,
                            config=config, **options)

    return make
