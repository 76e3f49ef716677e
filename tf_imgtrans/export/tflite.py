"""TFLite export (float32, float16, dynamic-range, full-integer int8); LiteRT runs it
(`tf_imgtrans.export.runners.TFLiteRunner`).

The route is the one STACK.md verified: a SavedModel with a float signature, then
`tf.lite.TFLiteConverter.from_saved_model`. The `.tflite` model takes and returns float32 images
in [-1, 1] of shape (batch, H, W, 3) in every mode (int8 models quantise and dequantise at their
edges), reflect-pads to the network's multiple inside the graph, and accepts any size when
exported without a fixed size (call `resize_tensor_input`).
"""

from __future__ import annotations

import collections
import os

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.export.graph import check_quantize, parse_size
from tf_imgtrans.export.images import ImageSource, representative_images
from tf_imgtrans.export.report import ExportResult, staging_dir
from tf_imgtrans.export.saved_model import write_signatures
from tf_imgtrans.export.source import ExportSource, export_source
from tf_imgtrans.export.tools import require_litert

QUANTIZATIONS = ("float32", "float16", "dynamic", "int8")
_BOUNDARY_OPS = ("QUANTIZE", "DEQUANTIZE")
_FLOAT_TYPES = (np.float32, np.float16)
_MEANINGS = (
    "float32: none; float16: half-precision weights; dynamic: int8 weights, float activations; "
    "int8: full integer, needs representative data"
)


def op_report(model_content: bytes) -> dict:
    """Counts the TFLite ops of a model, and lists those that compute in float (a float output;
    the QUANTIZE/DEQUANTIZE boundaries aside): in an int8 model, the ops the converter could not
    quantise and kept in float."""
    litert = require_litert()
    interpreter = litert.Interpreter(
        model_content=model_content,
        experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    dtypes = {t["index"]: t["dtype"] for t in interpreter.get_tensor_details()}
    counts: collections.Counter = collections.Counter()
    float_ops: collections.Counter = collections.Counter()
    for op in interpreter._get_ops_details():  # the public API lists tensors, not ops
        name = op["op_name"]
        counts[name] += 1
        outputs = [dtypes.get(i) for i in op["outputs"] if i >= 0]
        if name not in _BOUNDARY_OPS and any(d in _FLOAT_TYPES for d in outputs):
            float_ops[name] += 1
    return {"op_counts": dict(sorted(counts.items())), "float_ops": dict(sorted(float_ops.items()))}


def export_tflite(
    model: str | keras.Model | ExportSource,
    out: str,
    quantize: str = "float32",
    size: int | tuple[int, int] | str | None = None,
    data: ImageSource | None = None,
    num_calibration: int = 100,
    calibration_size: int | None = None,
    fast_graph: bool | None = None,
) -> ExportResult:
    """Converts a generator to a `.tflite` file.

    Args:
        model: str, keras.Model or ExportSource. The generator (or its `.keras` file).
        out: str. The `.tflite` file to write (replaced if it exists).
        quantize: str. "float32", "float16", "dynamic" (int8 weights) or "int8" (full integer,
            float32 input and output; ops that cannot be int8 stay float and are listed in
            `details["float_ops"]`).
        size: None (any size, batch dynamic), N, (H, W) or "HxW" (batch 1).
        data: representative images for int8: a dataset spec (``builtin:facades``, a paired
            folder: its train split) or a folder of images, or an array (n, H, W, 3).
        num_calibration: int. Representative images used (at most).
        calibration_size: int or None. Side of the representative images; default the fixed
            `size`, else the run's training size, else 256.
        fast_graph: bool or None. Trace from `fast_graph`'s rewrites, as `export_model` says.

    Raises:
        ValueError: an unknown `quantize`, int8 without `data`, a bad size or model.
    """
    check_quantize(quantize, QUANTIZATIONS, "TFLite", _MEANINGS)
    source = export_source(model, fast_graph)
    size = parse_size(size)
    if quantize == "int8" and data is None:
        raise ValueError(
            "Full-integer (int8) quantisation needs representative images to calibrate the "
            "activation ranges: pass data= (CLI: --data) with a dataset spec such as "
            "builtin:facades, a paired dataset folder or a folder of images. "
            "Received: data=None"
        )
    if os.path.isdir(out):
        raise IsADirectoryError(f"`out` must be a .tflite file path, got a folder: {out}")
    calibration = None
    details: dict = {}
    if quantize == "int8":
        side = (max(size) if size else None) or calibration_size or source.image_size or 256
        calibration = representative_images(
            data, side, num_calibration, direction=source.config.get("direction", "AtoB")
        )
        if size is not None:
            calibration = calibration[:, : size[0], : size[1]]  # a non-square size: a crop
        details["calibration"] = {
            "images": int(calibration.shape[0]),
            "size": side,
            "data": data if isinstance(data, str) else type(data).__name__,
        }

    with staging_dir(out, prefix=".tflite-") as tmp:
        saved = os.path.join(tmp, "saved_model")
        batch = None if size is None else 1
        write_signatures(source, saved, size, {"serving_default": tf.float32}, batch=batch)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved, ["serving_default"])
        if quantize != "float32":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if quantize == "float16":
            converter.target_spec.supported_types = [tf.float16]
        if quantize == "int8":
            images = calibration

            def representative():
                for image in images:
                    yield [image[None]]

            converter.representative_dataset = representative
            # INT8 first; what has no int8 kernel (or cannot be calibrated) stays float.
            converter.target_spec.supported_ops = [
                tf.lite.OpsSet.TFLITE_BUILTINS_INT8,
                tf.lite.OpsSet.TFLITE_BUILTINS,
            ]
        blob = converter.convert()
        tmp_file = os.path.join(tmp, "model.tflite")
        with open(tmp_file, "wb") as f:
            f.write(blob)
        os.replace(tmp_file, out)

    ops = op_report(blob)
    details["op_counts"] = ops["op_counts"]
    if quantize == "int8":  # in the other modes every op computes in float by design
        details["float_ops"] = ops["float_ops"]
    details["activations"] = {"int8": "int8", "dynamic": "float32 (int8 weights)"}.get(
        quantize, quantize
    )
    shape = [None if size is None else 1, *(size or (None, None)), 3]
    return ExportResult(
        format="tflite",
        quantize=quantize,
        path=out,
        input={
            "shape": shape,
            "dtype": "float32",
            "range": [-1.0, 1.0],
            **source.input_padding(size),
        },
        source=source.describe(),
        details=details,
    )
