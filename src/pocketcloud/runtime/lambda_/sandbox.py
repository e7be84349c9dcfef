"""Where a worker runs: inside bubblewrap when it works here, else a plain child process.

In the sandbox the function sees its code at /var/task (read-only), its layers at /opt, a
/tmp of its own, the runtime's packages at /var/runtime, and the rest of the machine
read-only, with pocketcloud's data directory hidden (no other function's code, no state).
Without bubblewrap the worker still gets its own working directory, /tmp (TMPDIR) and
environment, but can read what pocketcloud's user can: logged once at start.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

log = logging.getLogger("pocketcloud.lambda.sandbox")

TASK_ROOT = "/var/task"
RUNTIME_DIR = "/var/runtime"
OPT_DIR = "/opt"
PROBE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Mounts:
    """The host directories a worker sees, and where."""

    code_dir: Path
    layer_dirs: tuple[Path, ...]
    runtime_packages: tuple[tuple[str, str], ...]  # (name under /var/runtime, host path)
    tmp_dir: Path
    hidden_dir: Path  # pocketcloud's data directory


@cache
def bwrap_path() -> str | None:
    """bubblewrap, if installed and able to make a sandbox here (user namespaces may be off)."""
    found = shutil.which("bwrap")
    if found is None:
        log.warning("Lambda workers run without a sandbox: bubblewrap (bwrap) is not installed")
        return None
    try:
        done = subprocess.run([found, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                               "--unshare-pid", "--die-with-parent", "true"],
                              capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        log.warning("Lambda workers run without a sandbox: bwrap failed (%s)", error)
        return None
    if done.returncode != 0:
        log.warning("Lambda workers run without a sandbox: bwrap cannot run here: %s",
                    done.stderr.decode(errors="replace").strip())
        return None
    return found


def bwrap_argv(bwrap: str, mounts: Mounts) -> list[str]:
    argv = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--hostname", "lambda",
            "--die-with-parent", "--tmpfs", str(mounts.hidden_dir),
            "--bind", str(mounts.tmp_dir), "/tmp",
            # /var and /opt hold only what Lambda puts there; the host's are not needed.
            "--tmpfs", "/var", "--tmpfs", OPT_DIR,
            "--ro-bind", str(mounts.code_dir), TASK_ROOT, "--dir", RUNTIME_DIR]
    for name, host_path in mounts.runtime_packages:
        argv += ["--ro-bind", host_path, f"{RUNTIME_DIR}/{name}"]
    for layer_dir in mounts.layer_dirs:
        # Layers merge into /opt in order: later layers' files win, as in AWS.
        for entry in sorted(layer_dir.iterdir()):
            argv += ["--ro-bind", str(entry), f"{OPT_DIR}/{entry.name}"]
    return [*argv, "--chdir", TASK_ROOT, "--"]
