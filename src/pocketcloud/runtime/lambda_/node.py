"""How a ``nodejs<major>.x`` function runs: on a local Node.js of the same major version.

AWS pins each nodejs runtime to one major version of Node.js, and so does pocketcloud: a
``nodejs20.x`` function runs on a local ``node`` whose ``--version`` is v20.*, found on PATH (as
``node``, ``nodejs`` or ``node20``) or among nvm's installs. Another major is not used in its
place, since handlers meet different language features, module rules and bundled APIs there;
the error names what is installed instead. The handler is run by pocketcloud's own runtime
client, ``node_bootstrap.mjs`` (Node's standard library only), which speaks the Runtime API.
"""

from __future__ import annotations

from pathlib import Path

from pocketcloud.runtime.lambda_ import interpreters
from pocketcloud.runtime.lambda_.spec import FunctionSpec

BOOTSTRAP = "node_bootstrap.mjs"
BOOTSTRAP_PATH = str(Path(__file__).with_name(BOOTSTRAP))
# Directories the sandbox replaces with its own: a node installed under one is mounted in.
_HIDDEN_IN_SANDBOX = ("/opt/", "/var/", "/tmp/")


class NodeUnavailable(Exception):
    """No local Node.js of the runtime's major version; the message says what is installed."""


def program(spec: FunctionSpec, major: str,
            data_dir: Path) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The worker's command line (``{runtime_dir}`` to be filled in) and the files it needs
    under the runtime directory."""
    install = interpreters.node_executables().get(major)
    if install is None:
        raise NodeUnavailable(_missing_message(spec.runtime, major))
    packages: list[tuple[str, str]] = [(BOOTSTRAP, BOOTSTRAP_PATH)]
    executable = install.executable
    if executable.startswith((*_HIDDEN_IN_SANDBOX, str(data_dir) + "/")):
        packages.append(("node", executable))
        executable = "{runtime_dir}/node"
    # Room for V8's young generation and the process itself below the memory limit, so the
    # heap collects garbage before the worker is killed for its memory (as AWS's bootstrap).
    old_space_mb = max(spec.memory_mb - spec.memory_mb // 10, 64)
    argv = (executable, f"--max-old-space-size={old_space_mb}",
            "--max-http-header-size=81920", f"{{runtime_dir}}/{BOOTSTRAP}")
    return argv, tuple(packages)


def node_path(major: str, opt_dirs: list[str], runtime_dir: str, task_root: str) -> str:
    """NODE_PATH as AWS documents it: each layer's nodejs/node<major>/node_modules and
    nodejs/node_modules (later layers first, as they win in /opt), then the runtime and task."""
    paths: list[str] = []
    for opt in reversed(opt_dirs):
        paths += [f"{opt}/nodejs/node{major}/node_modules", f"{opt}/nodejs/node_modules"]
    return ":".join([*paths, f"{runtime_dir}/node_modules", runtime_dir, task_root])


def _missing_message(runtime: str, major: str) -> str:
    installed = interpreters.node_executables()
    message = (f"The runtime {runtime} needs a local Node.js {major} (node v{major}.x), and "
               "none was found on PATH (node, nodejs, node" + major + ") or in nvm.")
    if not installed:
        return message + f" Install Node.js {major} to run {runtime} functions."
    found = ", ".join(f"{i.version} at {i.executable}" for i in installed.values())
    usable = ", ".join(f"nodejs{m}.x" for m in sorted(installed, key=int)
                       if m in interpreters.NODE_MAJORS)
    message += f" Installed: {found}. Install Node.js {major}"
    if usable:
        message += f", or choose a runtime an installed node runs ({usable})"
    return message + "."

