"""Benchmark worker processes: one configuration per process, timed in turns by the parent.

Each configuration (our trainer in one precision, the tutorial-style step, the PyTorch reference)
lives in its own process, so its peak resident memory is its own and TensorFlow and PyTorch never
share a thread pool. The parent starts them all, has each build and warm up in turn (so the
first-step times are not disturbed), then asks each for a few timed steps, round after round:
load from other jobs then falls on every configuration alike and the ratios stay fair.

The protocol is one JSON object per line: commands on the worker's stdin, replies on its stdout
prefixed with `MARK` (anything else a library prints there is ignored). This module imports
neither TensorFlow nor PyTorch.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

MARK = "@@bench "


def _send(message: dict) -> None:
    sys.stdout.write(MARK + json.dumps(message, default=str) + "\n")
    sys.stdout.flush()


def process_peak_rss_mib() -> float:
    """Peak resident memory of this process image, MiB: VmHWM from /proc/self/status.
    (ru_maxrss would not do: Linux carries it across fork and exec, so a worker would report at
    least its parent's size.)"""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return (time.perf_counter() - start) * 1e3


def serve(build: Callable[[dict], tuple[Callable[[], dict], dict, Callable[[], dict]]]) -> None:
    """Worker side: `build(spec)` -> (step, info, memory); `step()` runs one training step,
    waits for it, and returns its losses as floats; `info` (JSON) describes the configuration
    (parameters, …); `memory()` adds accelerator memory figures at the end. The spec is the
    JSON in `sys.argv[1]`.

    Commands: {"cmd": "setup", "warmup": n} builds and runs n untimed steps; {"cmd": "steps",
    "n": n} runs n timed steps; {"cmd": "quit"} replies with the peak memory and exits."""
    spec = json.loads(sys.argv[1])
    _send({"event": "started"})
    step, memory, losses = None, dict, {}
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            if cmd["cmd"] == "setup":
                start = time.perf_counter()
                step, info, memory = build(spec)
                build_s = time.perf_counter() - start
                warm = [_timed(step) for _ in range(max(1, cmd.get("warmup", 1)))]
                _send({"event": "ready", "build_s": build_s, "first_ms": warm[0], **info})
            elif cmd["cmd"] == "steps":
                times = []
                for _ in range(cmd["n"]):
                    start = time.perf_counter()
                    losses = step()
                    times.append((time.perf_counter() - start) * 1e3)
                _send({"event": "times", "times_ms": times})
            elif cmd["cmd"] == "quit":
                _send(
                    {
                        "event": "done",
                        "peak_rss_mib": process_peak_rss_mib(),
                        "losses": losses,
                        **memory(),
                    }
                )
                return
        except Exception as e:  # reported to the parent, which shows it in the table
            _send({"event": "error", "error": f"{type(e).__name__}: {e}"})
            return


class WorkerError(RuntimeError):
    """A worker process failed or replied with an error."""


class Worker:
    """Parent side of one worker process.

    Args:
        argv: list of str. The command that starts the worker (before its JSON spec).
        spec: dict. The configuration, passed to the worker as JSON.
        env: dict, optional. Extra environment variables.
    """

    def __init__(self, argv: list[str], spec: dict, env: dict | None = None):
        self.spec = spec
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [*argv, json.dumps(spec)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})},
        )

    def _stderr_tail(self) -> str:
        self.stderr.seek(0)
        lines = [ln for ln in self.stderr.read().splitlines() if ln.strip()]
        return " | ".join(lines[-3:])[-600:]

    def receive(self) -> dict:
        for line in self.proc.stdout:
            if line.startswith(MARK):
                message = json.loads(line[len(MARK) :])
                if message.get("event") == "error":
                    raise WorkerError(message["error"])
                return message
        self.proc.wait()
        raise WorkerError(
            f"the worker exited with status {self.proc.returncode}: {self._stderr_tail()}"
        )

    def request(self, **cmd) -> dict:
        try:
            self.proc.stdin.write(json.dumps(cmd) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # receive() reports the exit and its stderr
        return self.receive()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()
