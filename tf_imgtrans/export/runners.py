"""Runners: an export run on images in the runtime apps run it in, for the parity check.

A runner maps (n, H, W, 3) float32 images in [-1, 1] to the same (a uint8 runner: uint8 RGB to
uint8 RGB). SavedModels run in TensorFlow through their signatures, `.tflite` files in LiteRT one
image at a time, TF.js graph models in Node (`tf_imgtrans.export.node`).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import tensorflow as tf

from tf_imgtrans.export.graph import FLOAT_SIGNATURE, UINT8_SIGNATURE
from tf_imgtrans.export.node import run_graph_model
from tf_imgtrans.export.report import ExportResult
from tf_imgtrans.export.tools import require_litert, tool_version

Runner = Callable[[np.ndarray], np.ndarray]


class TFLiteRunner:
    """Runs a `.tflite` generator one image at a time with the LiteRT interpreter.

    Args:
        path: str. The `.tflite` file.
        num_threads: int or None. Interpreter threads; default the CPU count.
    """

    def __init__(self, path: str, num_threads: int | None = None):
        litert = require_litert()
        self.num_threads = num_threads or os.cpu_count() or 1
        self.interpreter = litert.Interpreter(model_path=path, num_threads=self.num_threads)
        self._input = self.interpreter.get_input_details()[0]
        self._output = self.interpreter.get_output_details()[0]
        self._shape: tuple | None = None

    def __call__(self, image: np.ndarray) -> np.ndarray:
        """(1, H, W, 3) float32 [-1, 1] → (1, H, W, 3) float32."""
        image = np.ascontiguousarray(image, dtype=np.float32)
        if image.shape != self._shape:
            fixed = tuple(int(d) for d in self._input["shape_signature"])
            if all(d > 0 for d in fixed):
                if fixed != image.shape:
                    raise ValueError(
                        f"This TFLite model takes a fixed input of shape {fixed}. "
                        f"Received: shape={image.shape}"
                    )
            else:
                self.interpreter.resize_tensor_input(self._input["index"], image.shape, strict=True)
            self.interpreter.allocate_tensors()
            self._shape = image.shape
        self.interpreter.set_tensor(self._input["index"], image)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self._output["index"]).copy()


def export_runner(result: ExportResult, record: dict) -> tuple[Runner, Runner | None]:
    """(float runner, uint8 runner or None) for a SavedModel or TFLite export, run in-process;
    sets `record["runtime"]` to what runs it."""
    if result.format == "savedmodel":
        loaded = tf.saved_model.load(result.path)
        float_fn = loaded.signatures[FLOAT_SIGNATURE]
        uint8_fn = loaded.signatures[UINT8_SIGNATURE]
        record["runtime"] = f"TensorFlow {tf.__version__} (SavedModel signature {FLOAT_SIGNATURE})"
        return (
            lambda x: float_fn(image=tf.constant(x, tf.float32))["image"].numpy(),
            lambda x: uint8_fn(image=tf.constant(x, tf.uint8))["image"].numpy(),
        )
    if result.format == "tflite":
        runner = TFLiteRunner(result.path)
        record["runtime"] = f"LiteRT {tool_version('ai-edge-litert')}, {runner.num_threads} threads"

        def run(x: np.ndarray) -> np.ndarray:
            return np.concatenate([runner(image[None]) for image in x])

        return run, None
    raise ValueError(f"No in-process runner for format {result.format!r}.")


def run_tfjs(
    result: ExportResult,
    inputs: list[np.ndarray | dict[str, np.ndarray]],
    record: dict,
    repeat: int = 5,
) -> list[np.ndarray]:
    """Runs a TF.js export in Node on `inputs` (see `run_graph_model`), records the runtime,
    load time and latency in `record`, and returns the outputs."""
    outputs, info = run_graph_model(result.path, inputs, repeat=repeat)
    record["latency_ms"] = {k: round(v, 2) for k, v in info["latency_ms"].items()}
    record["runtime"] = (
        f"TF.js {info['tfjs_version']} ({info['backend']} backend, 1 thread) "
        f"in Node {info['node_version']}"
    )
    record["load_ms"] = round(info["load_ms"], 1)
    return outputs
