"""The `pocketcloud` command as a person uses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pocketcloud.cli import main


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("start", "status", "reset", "regions"):
        assert command in result.output


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "pocketcloud", "--version"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "pocketcloud" in result.stdout


def test_start_help_names_defaults() -> None:
    result = CliRunner().invoke(main, ["start", "--help"])
    assert "127.0.0.1" in result.output and "4566" in result.output
    assert "--ephemeral" in result.output and "--data-dir" in result.output


def test_regions_table_shows_regions_and_zones() -> None:
    result = CliRunner().invoke(main, ["regions"], terminal_width=200)
    assert result.exit_code == 0
    assert "us-east-1" in result.output and "eu-west-1" in result.output


def test_status_when_nothing_runs(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["status", "--port", "1"])
    assert result.exit_code == 1
    assert "not running" in result.output


def test_status_of_a_running_cloud(server) -> None:
    result = CliRunner().invoke(main, ["status", "--port", str(server.port)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "running" in result.output and "sts" in result.output


def test_reset_asks_first_and_deletes_with_yes(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    data_dir.mkdir()
    (data_dir / "state.db").write_bytes(b"x")
    refused = CliRunner().invoke(main, ["reset", "--data-dir", str(data_dir)], input="n\n")
    assert refused.exit_code == 0 and data_dir.exists()
    done = CliRunner().invoke(main, ["reset", "--data-dir", str(data_dir), "--yes"])
    assert done.exit_code == 0 and not data_dir.exists()
