"""How a worker is started: its command line, environment and mounts, as AWS sets them up."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pocketcloud.runtime.lambda_ import interpreters, node, sandbox
from pocketcloud.runtime.lambda_.spec import FunctionSpec

BOOTSTRAP_CLIENT = str(Path(__file__).with_name("bootstrap_client.py"))
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin:/opt/bin"
# The secret key is never checked by pocketcloud; the key id names the function's account.
SECRET_ACCESS_KEY = "pocketcloud-lambda"


class InvalidRuntime(Exception):
    """The function's runtime cannot run on this machine; the message says what is missing."""


@dataclass(frozen=True)
class LaunchPlan:
    spec: FunctionSpec
    program: tuple[str, ...]  # the command inside the sandbox (or on the host)
    runtime_packages: tuple[tuple[str, str], ...]
    endpoint_url: str
    data_dir: Path
    runtime_lib_dir: Path  # symlinks to runtime_packages, for workers without a sandbox
    bwrap: str | None

    def command(self, api_port: int, tmp_dir: Path) -> tuple[list[str], dict[str, str], str]:
        spec = self.spec
        task_root = sandbox.TASK_ROOT if self.bwrap else str(spec.code_dir)
        runtime_dir = sandbox.RUNTIME_DIR if self.bwrap else str(self.runtime_lib_dir)
        opt_dirs = [sandbox.OPT_DIR] if self.bwrap else [str(d) for d in spec.layer_dirs]
        env = self._environment(api_port, task_root, runtime_dir, opt_dirs, tmp_dir)
        program = [p.replace("{task_root}", task_root).replace("{runtime_dir}", runtime_dir)
                   for p in self.program]
        if self.bwrap is None:
            return program, env, str(spec.code_dir)
        mounts = sandbox.Mounts(spec.code_dir, spec.layer_dirs, self.runtime_packages, tmp_dir,
                                self.data_dir)
        return [*sandbox.bwrap_argv(self.bwrap, mounts), *program], env, "/"

    def _environment(self, api_port: int, task_root: str, runtime_dir: str,
                     opt_dirs: list[str], tmp_dir: Path) -> dict[str, str]:
        spec = self.spec
        version = interpreters.python_version_of(spec.runtime) or ""
        python_path = [task_root]
        for opt in opt_dirs:
            python_path += [f"{opt}/python/lib/python{version}/site-packages", f"{opt}/python"]
        python_path.append(runtime_dir)
        today = datetime.now(UTC).strftime("%Y/%m/%d")
        env = dict(spec.environment)
        node_major = interpreters.node_major_of(spec.runtime)
        if node_major is not None:
            env["NODE_PATH"] = node.node_path(node_major, opt_dirs, runtime_dir, task_root)
        env.update({
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group or f"/aws/lambda/{spec.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"{today}/[{spec.version}]{secrets.token_hex(16)}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api_port}",
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_ACCESS_KEY_ID": spec.account_id,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_SESSION_TOKEN": "pocketcloud",
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "_HANDLER": spec.handler,
            "LAMBDA_TASK_ROOT": task_root,
            "LAMBDA_RUNTIME_DIR": runtime_dir,
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PATH": DEFAULT_PATH if self.bwrap else f"{self._host_bin(runtime_dir)}:"
                    f"{DEFAULT_PATH}",
            "PYTHONPATH": ":".join(python_path),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": "/tmp" if self.bwrap else str(tmp_dir),
            "TMPDIR": "/tmp" if self.bwrap else str(tmp_dir),
        })
        return env

    def _host_bin(self, runtime_dir: str) -> str:
        """Where PATH of an unsandboxed worker starts: node's directory for nodejs workers
        (scripts run `node`), else pocketcloud's own Python's."""
        if interpreters.node_major_of(self.spec.runtime) is None:
            return os.path.dirname(sys.executable)
        return os.path.dirname(self.program[0].replace("{runtime_dir}", runtime_dir))


def plan_for(spec: FunctionSpec, endpoint_url: str, data_dir: Path) -> LaunchPlan:
    """How to run `spec`, or InvalidRuntime when nothing here can."""
    version = interpreters.python_version_of(spec.runtime)
    packages: tuple[tuple[str, str], ...] = ()
    if version is not None:
        interpreter = interpreters.python_interpreter(version)
        if interpreter is None:
            raise InvalidRuntime(
                f"The runtime {spec.runtime} needs a local python{version} interpreter, and "
                f"none was found on PATH or in pyenv. Install python{version}, or choose a "
                "runtime whose interpreter is installed.")
        packages = interpreters.bundled_packages(version)
        if interpreters.runs_ric(version, interpreter):
            program: tuple[str, ...] = (interpreter.executable, "-m", "awslambdaric",
                                        spec.handler)
        else:
            program = (interpreter.executable, BOOTSTRAP_CLIENT)
    elif (node_major := interpreters.node_major_of(spec.runtime)) is not None:
        try:
            program, packages = node.program(spec, node_major, data_dir)
        except node.NodeUnavailable as error:
            raise InvalidRuntime(str(error)) from None
    elif spec.runtime.startswith("provided"):
        program = ("{task_root}/bootstrap",)
    else:
        raise InvalidRuntime(
            f"pocketcloud cannot run the {spec.runtime} runtime yet: it runs python3.x, "
            "nodejs<major>.x and provided.al2/provided.al2023 (custom runtime with a "
            "bootstrap) functions.")
    lib_name = f"python{version}" if version else spec.runtime
    lib_dir = runtime_lib_dir(data_dir, lib_name, packages)
    return LaunchPlan(spec, program, packages, endpoint_url, data_dir, lib_dir,
                      sandbox.bwrap_path())


def runtime_lib_dir(data_dir: Path, dir_name: str,
                    packages: tuple[tuple[str, str], ...]) -> Path:
    """A directory of symlinks to the runtime's packages (workers without a sandbox)."""
    lib_dir = data_dir / "lambda" / "runtime" / dir_name
    lib_dir.mkdir(parents=True, exist_ok=True)
    for name, path in packages:
        link = lib_dir / name
        if not link.exists():
            with contextlib.suppress(FileExistsError):
                link.symlink_to(path)
    return lib_dir
