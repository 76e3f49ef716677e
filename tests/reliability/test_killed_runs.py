"""A run killed with SIGKILL at an arbitrary moment resumes from its last complete checkpoint."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.callbacks import latest_checkpoint, list_checkpoints

DATA = "builtin:facades?n_train=20&n_val=2&n_test=2"
ARGS = ["--data", DATA] + (
    "--image-size 64 --ngf 8 --ndf 8 --n-layers 2 --batch-size 1 --no-tensorboard --epochs 3"
).split()


def _train(out, *extra):
    cmd = [sys.executable, "-m", "tf_imgtrans.cli", "train", "pix2pix", "--out", out, *ARGS, *extra]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_after(proc, path, delay, timeout=240):
    start = time.time()
    while not os.path.exists(path):
        if proc.poll() is not None:
            pytest.fail(f"training ended before {path} appeared: {proc.stderr.read().decode()}")
        if time.time() - start > timeout:
            proc.kill()
            pytest.fail(f"{path} did not appear within {timeout} s")
        time.sleep(0.02)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_sigkill_then_resume_ends_with_every_epoch_and_intact_checkpoints(tmp_path):
    out = str(tmp_path / "run")
    ckpts = os.path.join(out, "checkpoints")
    # Kill 1: just after the first checkpoint's pointer is written (mid epoch 2).
    proc = _train(out)
    _kill_after(proc, os.path.join(ckpts, "latest"), delay=0.3)
    assert proc.returncode == -signal.SIGKILL
    first = latest_checkpoint(ckpts)
    assert first is not None
    sample1 = os.path.join(out, "samples", "epoch_0001.png")
    mtime1 = os.path.getmtime(sample1)
    # Kill 2: during the resumed run, as soon as it writes its next checkpoint.
    done = json.load(open(os.path.join(first, "state.json")))["epoch"]
    proc = _train(out, "--resume")
    _kill_after(proc, os.path.join(ckpts, f"ckpt-{done + 1:04d}", "state.json"), delay=0.0)
    # Resume to the end.
    proc = _train(out, "--resume")
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()

    history = json.load(open(os.path.join(out, "history.json")))
    assert history["epoch"] == [1, 2, 3]
    assert all(len(v) == 3 for v in history.values())
    for path in list_checkpoints(ckpts):
        state = json.load(open(os.path.join(path, "state.json")))
        assert os.path.basename(path) == f"ckpt-{state['epoch']:04d}"
        assert {"generator.weights.h5", "discriminator.weights.h5", "optimizers.npz"} <= set(
            os.listdir(path)
        )
    assert json.load(open(os.path.join(latest_checkpoint(ckpts), "state.json")))["epoch"] == 3
    # No half-written leftovers, in the checkpoints or the run folder.
    assert not [n for n in os.listdir(ckpts) + os.listdir(out) if ".tmp-" in n]
    # Earlier epochs' outputs were not overwritten by the resumed runs.
    assert os.path.getmtime(sample1) == mtime1
    samples = sorted(os.listdir(os.path.join(out, "samples")))
    assert samples == [f"epoch_{i:04d}.png" for i in range(1, 4)]
    np.asarray(Image.open(os.path.join(out, "samples", samples[-1])))  # decodes
    with np.load(os.path.join(latest_checkpoint(ckpts), "optimizers.npz")) as opt:
        assert int(opt["generator/0000"]) == 3 * 20  # Adam steps: every epoch counted once
