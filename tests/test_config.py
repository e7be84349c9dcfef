"""Settings: flags beat POCKETCLOUD_* variables, which beat defaults."""

from __future__ import annotations

from pathlib import Path

from pocketcloud.config import Settings


def test_defaults_listen_only_on_loopback() -> None:
    settings = Settings.from_env({})
    assert settings.host == "127.0.0.1"
    assert settings.port == 4566
    assert settings.data_dir == Path(".pocketcloud")
    assert settings.ephemeral is False


def test_environment_then_flags() -> None:
    environ = {"POCKETCLOUD_PORT": "4600", "POCKETCLOUD_EPHEMERAL": "true",
               "POCKETCLOUD_DATA_DIR": "/tmp/pc"}
    settings = Settings.from_env(environ)
    assert (settings.port, settings.ephemeral, settings.data_dir) == (4600, True, Path("/tmp/pc"))
    assert Settings.from_env(environ, port=4700, host=None).port == 4700


def test_lambda_settings_from_the_environment() -> None:
    defaults = Settings.from_env({})
    assert (defaults.lambda_idle_timeout_s, defaults.lambda_retry_delays_s,
            defaults.lambda_concurrency_limit) == (300.0, "60,120", 1000)
    settings = Settings.from_env({"POCKETCLOUD_LAMBDA_IDLE_TIMEOUT_S": "2.5",
                                  "POCKETCLOUD_LAMBDA_RETRY_DELAYS_S": "1,2",
                                  "POCKETCLOUD_LAMBDA_CONCURRENCY_LIMIT": "50"})
    assert (settings.lambda_idle_timeout_s, settings.lambda_retry_delays_s,
            settings.lambda_concurrency_limit) == (2.5, "1,2", 50)
