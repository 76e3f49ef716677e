"""Export a trained generator to SavedModel, TFLite and TF.js, each checked against Keras.

Example:
>>> import tf_imgtrans as ti
>>> from tf_imgtrans.export import export_model
>>> g = ti.get_generator("resnet", n_blocks=2, ngf=8, norm="instance")
>>> r = export_model(g, "/tmp/g.tflite", "tflite", "float16", parity_size=64)  # doctest: +SKIP
>>> r.parity["max_abs_error"] < 1e-2  # doctest: +SKIP
True
"""

from tf_imgtrans.export.api import FORMATS, QUANTIZATIONS, check_format, export_all, export_model
from tf_imgtrans.export.images import held_out_images, load_images, representative_images
from tf_imgtrans.export.node import find_node, find_node_modules, run_graph_model
from tf_imgtrans.export.parity import check_parity, compare, format_summary, keras_runner
from tf_imgtrans.export.report import ExportResult
from tf_imgtrans.export.saved_model import (
    FLOAT_SIGNATURE,
    UINT8_SIGNATURE,
    export_saved_model,
)
from tf_imgtrans.export.source import KINDS, ExportSource, check_generator, load_export_source
from tf_imgtrans.export.tfjs import export_tfjs, require_tfjs_converter
from tf_imgtrans.export.tflite import TFLiteRunner, export_tflite, op_report
from tf_imgtrans.export.tools import ExportToolError

__all__ = [
    "FLOAT_SIGNATURE",
    "FORMATS",
    "KINDS",
    "QUANTIZATIONS",
    "UINT8_SIGNATURE",
    "ExportResult",
    "ExportSource",
    "ExportToolError",
    "TFLiteRunner",
    "check_format",
    "check_generator",
    "check_parity",
    "compare",
    "export_all",
    "export_model",
    "export_saved_model",
    "export_tfjs",
    "export_tflite",
    "find_node",
    "find_node_modules",
    "format_summary",
    "held_out_images",
    "keras_runner",
    "load_export_source",
    "load_images",
    "op_report",
    "representative_images",
    "require_tfjs_converter",
    "run_graph_model",
]
