"""The README's commands, run as written: every `tf-imgtrans` line of its shell blocks, in order,
in one folder, with only sizes, epochs and data made tiny by flags appended at the end (argparse
takes the last value), and its Python quick start with the epochs and steps made tiny.

A README command that breaks fails this test; a new README command fails it too until it has an
entry in TINY (what to append) or in NOT_RUN (why it cannot run here)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import numpy as np
import pytest
from cli_helpers import NATIVE, cli_command, user_env
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
SHARED_VGG = os.path.join(ROOT, "..", "shared", "weights", "vgg16_imagenet_notop.npz")
SHARED_STYLE = os.path.join(ROOT, "..", "shared", "images", "starry_night.jpg")

TINY_DATA = "builtin:facades?n_train=6&n_val=2&n_test=2"
NETS = ["--ngf", "8", "--ndf", "8", "--n-layers", "2"]
# Command (its first words) -> flags appended to the README's line.
TINY = {
    "train pix2pix --data": ["--data", TINY_DATA, "--epochs", "1", "--image-size", "64", *NETS],
    "train pix2pix --out": ["--epochs", "2"],  # the resume line: one more epoch
    "translate": [],
    "train cyclegan": [
        "--data", "builtin:facades2night?n_train=4&n_test=2", "--epochs", "1",
        "--image-size", "64", *NETS,
    ],
    "train cut": [
        "--data", "builtin:facades2night?n_train=4&n_test=2", "--epochs", "1",
        "--image-size", "64", "--n-blocks", "1", "--num-patches", "32", *NETS,
    ],
    "evaluate": [
        "--data", "builtin:facades2night?n_train=4&n_test=2", "--image-size", "64",
        "--kid-subsets", "2", "--kid-subset-size", "2",
    ],
    "stylize": ["--size", "64", "--steps", "2"],
    "train fast-style": ["--epochs", "1", "--image-size", "64", "--steps-per-epoch", "2"],
    "train adain": ["--epochs", "1", "--image-size", "64", "--steps-per-epoch", "2"],
    "export --model runs/facades": ["--data", TINY_DATA],
    "export --model runs/starry": [],
    "export --model runs/adain": [],
    "bench infer_speed": ["--quick", "--model", "unet_256", "--sizes", "64"],
    "bench data_speed": ["--quick"],
    "bench precision_quality": ["--quick", "--model", "pix2pix"],
    "bench quality": ["--quick", "--impl", "ours", "--task", "facades", "--feature-space", "none"],
    "demo": ["--epochs", "1", "--image-size", "64", "--n-train", "6", "--steps-per-epoch", "2"],
    "serve-demo": ["--port", "0"],
}  # fmt: skip
NOT_RUN = {
    # Needs TF_CONFIG naming a cluster of machines; tests/reliability/test_distributed.py runs
    # the same strategy with two worker processes on 127.0.0.1.
    "--strategy multiworker": "a multi-machine cluster",
}
# Commands that run until stopped: started, checked to answer, then stopped.
SERVERS = ("serve-demo",)


def readme_command_lines() -> list[str]:
    """Every line of the README's ```bash blocks that runs `tf-imgtrans`, without its comment."""
    text = open(README).read()
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if "tf-imgtrans " in line and not line.startswith("#"):
                lines.append(line[line.index("tf-imgtrans ") :])
    return lines


def tiny_flags(line: str) -> list[str] | None:
    """The flags appended to the README line (None: not run here)."""
    if any(key in line for key in NOT_RUN):
        return None
    rest = line.split(" ", 1)[1]
    matches = [k for k in TINY if rest == k or rest.startswith(k + " ") or rest.startswith(k + "/")]
    assert matches, f"README command without an entry in tests/test_readme.py TINY: {line}"
    return TINY[max(matches, key=len)]


def write_fixtures(cwd: str) -> None:
    """The files the README's commands name: photos/, more.jpg, photo.jpg, starry_night.jpg,
    paintings/, labels.png and vgg16.npz (the shared ImageNet VGG16 where it is beside the
    checkout, else random weights in the same layout)."""
    rng = np.random.default_rng(0)

    def picture(path, size=(80, 72), seed=0):
        y, x = np.mgrid[0 : size[1], 0 : size[0]]
        base = np.stack([x * 3 + seed * 40, y * 3, (x + y) * 2], -1) % 256
        noise = rng.integers(0, 40, base.shape)
        Image.fromarray(np.uint8((base + noise) % 256)).save(path)

    for folder in ("photos", "paintings"):
        os.makedirs(os.path.join(cwd, folder))
        for i in range(3):
            picture(os.path.join(cwd, folder, f"{folder}_{i}.jpg"), seed=i)
    picture(os.path.join(cwd, "more.jpg"), (50, 37))
    picture(os.path.join(cwd, "photo.jpg"))
    picture(os.path.join(cwd, "labels.png"), (96, 64))
    if os.path.isfile(SHARED_STYLE):
        Image.open(SHARED_STYLE).convert("RGB").resize((96, 80)).save(
            os.path.join(cwd, "starry_night.jpg")
        )
    else:
        picture(os.path.join(cwd, "starry_night.jpg"), seed=5)
    target = os.path.join(cwd, "vgg16.npz")
    if os.path.isfile(SHARED_VGG):
        os.symlink(os.path.abspath(SHARED_VGG), target)
    else:
        import keras

        vgg = keras.applications.VGG16(include_top=False, weights=None)
        arrays = {}
        for layer in vgg.layers:
            if layer.weights:
                kernel, bias = layer.get_weights()
                arrays[f"{layer.name}/kernel"] = kernel
                arrays[f"{layer.name}/bias"] = bias
        np.savez(target, **arrays)


def run_line(line: str, flags: list[str], cwd: str, env: dict) -> subprocess.CompletedProcess:
    args = [*cli_command(), *shlex.split(line)[1:], *flags]
    if line.split()[1] in SERVERS:
        return run_server(args, cwd, env)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def run_server(args, cwd, env) -> subprocess.CompletedProcess:
    """Starts a server command, waits for its URL, fetches it and stops the server."""
    import urllib.request

    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        url = None
        for _ in range(200):
            line = proc.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match:
                url = match.group(0)
                break
            if proc.poll() is not None:
                break
        assert url, f"the server printed no URL: {proc.stderr.read()[-2000:]}"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return subprocess.CompletedProcess(args, 0, out, err)


@pytest.mark.slow
def test_readme_commands_run_as_written(tmp_path):
    lines = readme_command_lines()
    assert any(
        line.startswith("tf-imgtrans train pix2pix --data builtin:facades") for line in lines
    )
    cwd = str(tmp_path)
    write_fixtures(cwd)
    env = user_env()
    env["TF_IMGTRANS_VGG_WEIGHTS"] = os.path.join(cwd, "vgg16.npz")  # offline: the README's way
    ran = []
    for line in lines:
        flags = tiny_flags(line)
        if flags is None:
            continue
        result = run_line(line, flags, cwd, env)
        shown = f"{line} {' '.join(flags)}"
        assert result.returncode == 0, f"{shown}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        assert "Traceback" not in result.stderr, f"{shown}\n{result.stderr[-3000:]}"
        assert not NATIVE.search(result.stderr), f"{shown}\n{result.stderr[-3000:]}"
        ran.append(line.split()[1])
    for command in ("train", "translate", "evaluate", "stylize", "export", "bench", "demo"):
        assert command in ran
    assert os.path.isfile(os.path.join(cwd, "translated", "more.png"))
    assert os.path.isfile(os.path.join(cwd, "facades_int8.tflite"))


def python_quick_start() -> str:
    text = open(README).read()
    section = text[text.index("### Python, with `model.fit` in plain sight") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.slow
def test_readme_python_quick_start_runs(tmp_path, monkeypatch):
    code = python_quick_start()
    # Tiny: one epoch of two steps on a few pairs; everything else as written.
    tiny = code.replace('"builtin:facades"', f'"{TINY_DATA}"')
    tiny = tiny.replace("epochs=200,", "epochs=1, steps_per_epoch=2,")
    assert tiny.count(TINY_DATA) == 1 and "steps_per_epoch=2" in tiny, "the quick start changed"
    monkeypatch.chdir(tmp_path)
    write_fixtures(str(tmp_path))
    namespace: dict = {}
    exec(compile(tiny, "README.md (Python quick start)", "exec"), namespace)
    photo = namespace["photo"]
    assert photo.dtype == np.uint8 and photo.shape == (64, 96, 3)
    assert sorted(os.listdir(tmp_path / "samples")) == ["epoch_0001.png"]
