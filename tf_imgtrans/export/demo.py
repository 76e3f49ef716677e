"""The demo's last step: its generator exported to every format, each checked against Keras."""

from __future__ import annotations

import os

import keras

from tf_imgtrans.export.api import export_model
from tf_imgtrans.export.report import ExportResult, write_json
from tf_imgtrans.export.source import load_export_source
from tf_imgtrans.export.tools import ExportToolError

# (key, format, quantize, output name under the export folder)
DEMO_EXPORTS = (
    ("savedmodel", "savedmodel", "float32", "saved_model"),
    ("tflite_float32", "tflite", "float32", "model_float32.tflite"),
    ("tflite_float16", "tflite", "float16", "model_float16.tflite"),
    ("tflite_dynamic", "tflite", "dynamic", "model_dynamic.tflite"),
    ("tflite_int8", "tflite", "int8", "model_int8.tflite"),
    ("tfjs", "tfjs", "float32", "tfjs"),
)


def summarize(result: ExportResult) -> dict:
    """The figures of one export that a run report keeps."""
    parity = result.parity or {}
    summary = {
        "path": os.path.abspath(result.path),
        "report": result.report_path,
        "size_bytes": result.size_bytes,
    }
    for key in ("max_abs_error", "mean_abs_error", "psnr_db"):
        summary[key] = parity.get(key)
    summary["latency_ms"] = parity.get("latency_ms", {}).get("median")
    summary["keras_latency_ms"] = parity.get("keras_latency_ms", {}).get("median")
    if result.details.get("float_ops"):
        summary["float_ops"] = result.details["float_ops"]
    return summary


def export_demo(
    model: str | keras.Model,
    out_dir: str,
    data: str,
    image_size: int,
    calibration_images: int = 100,
) -> dict:
    """Exports the demo generator to SavedModel, TFLite (all four modes) and TF.js in `out_dir`,
    each checked against Keras on the held-out split of `data`, and writes
    `out_dir/export_report.json`. A format whose tool is missing (LiteRT, tensorflowjs, Node) is
    recorded with the reason and how to install it, and the others go on.

    Returns:
        {key: summary or {"not_run": reason}} for the keys of `DEMO_EXPORTS`, plus "report".
    """
    source = load_export_source(model)
    print(f"\nExporting the generator to {out_dir}/ (each output checked against Keras):")
    summaries: dict = {}
    for key, fmt, quantize, name in DEMO_EXPORTS:
        try:
            result = export_model(
                source,
                os.path.join(out_dir, name),
                fmt,
                quantize=quantize,
                data=data,
                parity_size=image_size,
                num_calibration=calibration_images,
            )
        except ExportToolError as e:
            print(f"{fmt:<10} {quantize:<8} not run: {e}")
            summaries[key] = {"not_run": str(e)}
            continue
        summaries[key] = summarize(result)
    summaries["report"] = os.path.join(out_dir, "export_report.json")
    write_json(summaries["report"], summaries)
    return summaries
