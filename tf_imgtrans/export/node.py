"""Running an exported TF.js graph model in Node.js (pure `@tensorflow/tfjs` + the wasm backend)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from importlib import resources

import numpy as np

from tf_imgtrans.export.tools import ExportToolError

NODE_MODULES_ENV = "TF_IMGTRANS_NODE_MODULES"
NPM_PACKAGES = ("@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm")


def repo_web_demo() -> str:
    """The repository's web_demo/ folder (package.json, node_modules, tools): in a source
    checkout (pip install -e .) the package sits beside it."""
    return os.path.join(os.path.dirname(PACKAGE_DIR), "web_demo")


PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE_DIR = os.path.join(PACKAGE_DIR, "web_demo")
"""The web demo's page (index.html, css/, js/), shipped inside the package."""


def _repo_node_modules() -> str:
    return os.path.join(repo_web_demo(), "node_modules")


def find_node_modules() -> str:
    """The node_modules folder holding @tensorflow/tfjs and its wasm backend:
    $TF_IMGTRANS_NODE_MODULES, else the repository's web_demo/node_modules (`npm ci --prefix
    web_demo`)."""
    folder = os.environ.get(NODE_MODULES_ENV) or _repo_node_modules()
    missing = [
        p for p in NPM_PACKAGES if not os.path.isfile(os.path.join(folder, p, "package.json"))
    ]
    if missing:
        raise ExportToolError(
            f"Running TF.js models needs the npm packages {list(NPM_PACKAGES)}; {missing} not "
            f"found in {folder}. Run `npm ci --prefix web_demo` in the repository (or, with an "
            f"installed wheel, `npm install --prefix DIR @tensorflow/tfjs@4.22.0 @tensorflow/"
            f"tfjs-backend-wasm@4.22.0`), or set {NODE_MODULES_ENV} to a node_modules folder "
            "that has them."
        )
    return folder


def find_node() -> str:
    """The `node` executable (Node.js 18 or newer)."""
    node = shutil.which("node")
    if node is None:
        raise ExportToolError(
            "Running TF.js models needs Node.js (18 or newer) on PATH: install it (Debian: "
            "apt-get install nodejs npm), then `npm ci --prefix web_demo`."
        )
    return node


def runner_script() -> str:
    """The packaged Node script that loads and runs a graph model from disk."""
    return str(resources.files("tf_imgtrans.export").joinpath("js", "run_graph_model.mjs"))


def run_graph_model(
    model_dir: str,
    images: list[np.ndarray | dict[str, np.ndarray]],
    backend: str = "wasm",
    repeat: int = 5,
    timeout: float = 600.0,
) -> tuple[list[np.ndarray], dict]:
    """Runs the TF.js graph model in `model_dir` on each (1, H, W, 3) float32 image in Node.

    An item of `images` may also be a dict {input name: float32 array} for a model with several
    inputs (the AdaIN stylizer: "content", "style" and the scalar "alpha").

    Returns:
        The outputs (float32 arrays) and the runner's facts: backend, versions, load time and
        the latency of the first image (median of `repeat` runs after a warm-up).
    """
    if backend not in ("wasm", "cpu"):
        raise ValueError(f"`backend` must be 'wasm' or 'cpu'. Received: backend={backend!r}")
    node, node_modules = find_node(), find_node_modules()
    with tempfile.TemporaryDirectory(prefix="tfjs-run-") as tmp:

        def write(array, name: str) -> dict:
            path = os.path.join(tmp, f"{name}.bin")
            array = np.require(np.asarray(array, dtype="<f4"), requirements="C")  # 0-d kept
            array.tofile(path)
            return {"path": path, "shape": list(array.shape)}

        inputs = []
        for i, image in enumerate(images):
            if isinstance(image, dict):
                named = {k: write(v, f"in{i}_{n}") for n, (k, v) in enumerate(image.items())}
                inputs.append({"tensors": named})
            else:
                inputs.append(write(image, f"in{i}"))
        job = {
            "model": os.path.abspath(os.path.join(model_dir, "model.json")),
            "backend": backend,
            "repeat": repeat,
            "inputs": inputs,
            "outputs_dir": tmp,
            "result": os.path.join(tmp, "result.json"),
        }
        job_path = os.path.join(tmp, "job.json")
        with open(job_path, "w") as f:
            json.dump(job, f)
        env = {**os.environ, NODE_MODULES_ENV: node_modules}
        proc = subprocess.run(
            [node, runner_script(), job_path],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"The TF.js runner failed (exit {proc.returncode}) on {model_dir}: "
                f"{proc.stderr.strip()[-2000:]}"
            )
        with open(job["result"]) as f:
            result = json.load(f)
        outputs = [
            np.fromfile(o["path"], dtype="<f4").reshape(o["shape"]) for o in result.pop("outputs")
        ]
    return outputs, result
