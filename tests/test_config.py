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
