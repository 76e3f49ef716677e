"""Export a trained generator to SavedModel, TFLite and TF.js, each checked against Keras.

Example:
>>> import tf_imgtrans as ti
>>> from tf_imgtrans.export import export_model
>>> g = ti.get_generator("resnet", n_blocks=2, ngf=8, norm="instance")
>>> r = export_model(g, "/tmp/g.tflite", "tflite", "float16", parity_size=64)  # doctest: +SKIP
>>> r.parity["max_abs_error"] < 1e-2  # doctest: +SKIP
True
"""

from tf_imgtrans._lazy import exports_of, lazy_namespace

# Imported when first used: `tf_imgtrans.export.node` (the web demo server's) loads no TensorFlow.
_EXPORTS = exports_of(
    {
        "tf_imgtrans.export.api": [
            "FORMATS", "QUANTIZATIONS", "check_format", "export_all", "export_model"
        ],
        "tf_imgtrans.export.graph": ["FLOAT_SIGNATURE", "UINT8_SIGNATURE"],
        "tf_imgtrans.export.images": ["held_out_images", "load_images", "representative_images"],
        "tf_imgtrans.export.node": ["find_node", "find_node_modules", "run_graph_model"],
        "tf_imgtrans.export.parity": ["check_parity", "compare", "format_summary", "keras_runner"],
        "tf_imgtrans.export.report": ["ExportResult"],
        "tf_imgtrans.export.runners": ["TFLiteRunner"],
        "tf_imgtrans.export.saved_model": ["export_saved_model"],
        "tf_imgtrans.export.source": [
            "KINDS", "ExportSource", "check_generator", "load_export_source"
        ],
        "tf_imgtrans.export.tfjs": ["export_tfjs", "require_tfjs_converter"],
        "tf_imgtrans.export.tflite": ["export_tflite", "op_report"],
        "tf_imgtrans.export.tools": ["ExportToolError"],
    }
)  # fmt: skip
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_namespace(__name__, _EXPORTS, globals())
