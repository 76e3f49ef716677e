"""One epoch under MirroredStrategy (two logical CPU devices) and MultiWorkerMirroredStrategy
(two worker processes on 127.0.0.1) gives the same generator as one device on the same data."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

WORKER = os.path.join(os.path.dirname(__file__), "dist_worker.py")
# Same data (no jitter or shuffling: tf.data's random ops are not reproduced bit for bit once a
# strategy distributes the dataset), initial weights and global batch, two plain SGD steps:
# only the order of floating-point sums differs, so the weight changes agree to 1 % (relative
# L2 norm); a loss not divided by the replica count would be off by 100 %.
TOLERANCE = 1e-2


def rel_err(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def _run(strategy, out, env=None):
    env = {**os.environ, **(env or {})}
    return subprocess.Popen(
        [sys.executable, WORKER, strategy, str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc, timeout=300):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    log = _finish(_run("default", out))
    assert "STEPS 2 REPLICAS 1" in log
    return np.load(out / "delta-0.npy")


@pytest.mark.slow
def test_mirrored_strategy_on_two_cpu_devices_matches_one_device(single, tmp_path):
    log = _finish(_run("mirrored", tmp_path, {"TF_IMGTRANS_CPU_DEVICES": "2"}))
    assert "STEPS 2 REPLICAS 2" in log  # global batch 2 split in two: the same 2 steps
    mirrored = np.load(tmp_path / "delta-0.npy")
    assert rel_err(mirrored, single) < TOLERANCE


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.mark.slow
def test_multiworker_strategy_with_two_processes_matches_one_device(single, tmp_path):
    workers = [f"127.0.0.1:{p}" for p in _free_ports(2)]
    procs = []
    for i in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}}
        env = {"TF_CONFIG": json.dumps(config), "WORKER_INDEX": str(i)}
        procs.append(_run("multiworker", tmp_path, env))
    logs = [_finish(p) for p in procs]
    assert all("STEPS 2 REPLICAS 2" in log for log in logs)
    chief, other = np.load(tmp_path / "delta-0.npy"), np.load(tmp_path / "delta-1.npy")
    np.testing.assert_allclose(chief, other, atol=1e-6)  # the workers hold the same weights
    assert rel_err(chief, single) < TOLERANCE
    # Only the chief wrote the run's files.
    assert os.path.isfile(tmp_path / "generator.keras")
    assert len(os.listdir(tmp_path / "checkpoints")) == 2  # ckpt-0001 and `latest`
