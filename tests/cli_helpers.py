"""Running `tf-imgtrans` as a user does: the installed command, in a user's environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

# A TensorFlow/absl C++ log line.
NATIVE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:", re.M)


def cli_command() -> list[str]:
    """`tf-imgtrans` as the README's install puts it on the PATH (or the module, without it)."""
    exe = shutil.which("tf-imgtrans")
    return [exe] if exe else [sys.executable, "-m", "tf_imgtrans.cli"]


def user_env() -> dict:
    """The environment of a user's shell: without the test suite's TF_CPP_MIN_LOG_LEVEL."""
    env = dict(os.environ)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    env.pop("TF_IMGTRANS_VERBOSE", None)
    return env


def run_cli(args: list[str], cwd=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*cli_command(), *args],
        capture_output=True,
        text=True,
        env=user_env(),
        cwd=cwd,
        timeout=timeout,
    )
