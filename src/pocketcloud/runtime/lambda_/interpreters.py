"""Which local program runs a Lambda runtime, and how the worker's runtime client is found.

A ``python3.X`` runtime runs on a local ``python3.X``: on PATH, or one pyenv installed. AWS's
runtime interface client (``awslambdaric``) runs the handler when that interpreter can import
it, or when it is pocketcloud's own Python version and pocketcloud's environment has it;
otherwise pocketcloud's small stdlib-only client (``bootstrap_client.py``) speaks the same API.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROBE_TIMEOUT_S = 10.0
_PROBE = ("import sys, importlib.util; print(sys.executable); "
          "print(importlib.util.find_spec('awslambdaric') is not None)")
# What AWS's Python runtimes bundle besides the runtime client; pure Python, any 3.9+.
_BUNDLED_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six",
                     "urllib3")
NODE_MAJORS = ("18", "20", "22", "24")  # AWS's supported nodejs<major>.x runtimes
_RIC_PACKAGES = ("awslambdaric", "runtime_client", "simplejson", "snapshot_restore_py")


@dataclass(frozen=True)
class Interpreter:
    executable: str
    has_ric: bool  # the interpreter imports awslambdaric by itself


@dataclass(frozen=True)
class NodeInstall:
    executable: str
    version: str  # as `node --version` prints it: "v20.11.1"


class RuntimeUnavailable(Exception):
    """No local program can run this runtime."""


@cache
def python_interpreter(version: str) -> Interpreter | None:
    """A working python<version> (e.g. "3.12"), probed once; pyenv shims resolved."""
    candidates = [shutil.which(f"python{version}")]
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates += sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run([candidate, "-c", _PROBE], capture_output=True, text=True,
                                  timeout=PROBE_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        lines = done.stdout.split()
        if done.returncode == 0 and len(lines) == 2:
            return Interpreter(os.path.realpath(lines[0]), lines[1] == "True")
    return None


@cache
def bundled_packages(version: str) -> tuple[tuple[str, str], ...]:
    """(import name, path) of the packages a python<version> worker gets from pocketcloud."""
    names = list(_BUNDLED_PACKAGES)
    if version == f"{sys.version_info[0]}.{sys.version_info[1]}":
        names += _RIC_PACKAGES  # awslambdaric has a C extension built for this version only
    found = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        location = spec.submodule_search_locations
        path = list(location)[0] if location else spec.origin
        found.append((name if location else Path(path).name, path))
    return tuple(found)


def runs_ric(version: str, interpreter: Interpreter) -> bool:
    return interpreter.has_ric or any(name == "awslambdaric"
                                      for name, _ in bundled_packages(version))


@cache
def node_executables() -> dict[str, NodeInstall]:
    """Installed Node.js programs by major version ("20"): ``node``/``nodejs`` and
    ``node<major>`` on PATH, then nvm's installs; the first found of each major wins."""
    candidates = [shutil.which(name) for name in ("node", "nodejs")]
    candidates += [shutil.which(f"node{major}") for major in NODE_MAJORS]
    nvm_dir = os.environ.get("NVM_DIR") or str(Path.home() / ".nvm")
    candidates += sorted(glob.glob(f"{nvm_dir}/versions/node/v*/bin/node"), reverse=True)
    found: dict[str, NodeInstall] = {}
    for candidate in dict.fromkeys(filter(None, candidates)):
        try:
            done = subprocess.run([candidate, "--version"], capture_output=True, text=True,
                                  timeout=PROBE_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        version = done.stdout.strip()
        if done.returncode == 0 and version.startswith("v"):
            major = version[1:].split(".")[0]
            found.setdefault(major, NodeInstall(os.path.realpath(candidate), version))
    return found


def node_major_of(runtime: str) -> str | None:
    """"20" for nodejs20.x; None for other runtimes."""
    if runtime.startswith("nodejs") and runtime.endswith(".x"):
        return runtime[len("nodejs"):-len(".x")] or None
    return None


def python_version_of(runtime: str) -> str | None:
    return runtime.removeprefix("python") if runtime.startswith("python") else None
