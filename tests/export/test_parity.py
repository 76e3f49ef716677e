"""Every export of every network matches the Keras generator within its format's tolerance."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import tensorflow as tf
from export_helpers import SIZE, require_export_tools

from tf_imgtrans.data import to_float, to_uint8


def _check(parity: dict, max_abs: float | None = None, min_psnr: float | None = None) -> None:
    for figures in (parity, parity["odd_size"]):  # at 64×64 and through the padding at 70×90
        if max_abs is not None:
            assert figures["max_abs_error"] <= max_abs, figures
        if min_psnr is not None:
            assert figures["psnr_db"] is not None and figures["psnr_db"] > min_psnr, figures


def test_generators_are_not_trivial(exports, held_out):
    """The fixture's generators produce varied outputs, so the tolerances below mean something."""
    from tf_imgtrans.export import keras_runner

    y = keras_runner(exports["source"])(held_out)
    assert y.std() > 0.15 and y.max() - y.min() > 0.75


def test_savedmodel_float_signature_matches_keras(exports):
    result = exports["savedmodel"]
    assert result.parity["odd_size"]["size"] == [70, 90]
    _check(result.parity, max_abs=1e-4)


def test_savedmodel_uint8_signature_matches_hand_computation(exports, held_out):
    """uint8 in and out: x / 127.5 - 1 before the network, clip(round((y + 1) * 127.5)) after,
    computed here by hand around the Keras model."""
    from tf_imgtrans.export import UINT8_SIGNATURE, keras_runner

    serve = tf.saved_model.load(exports["savedmodel"].path).signatures[UINT8_SIGNATURE]
    pixels = to_uint8(held_out)
    got = serve(image=tf.constant(pixels))["image"].numpy()
    y = keras_runner(exports["source"])(pixels.astype(np.float32) / 127.5 - 1.0)
    want = np.clip(np.rint((y.astype(np.float64) + 1.0) * 127.5), 0, 255).astype(np.uint8)
    assert got.dtype == np.uint8 and got.shape == pixels.shape
    diff = np.abs(got.astype(int) - want.astype(int))
    assert diff.max() <= 1  # float rounding of values within 1e-6 of a .5 boundary
    assert np.mean(diff == 0) > 0.999
    assert exports["savedmodel"].parity["uint8"]["max_abs_levels"] <= 1


def test_tflite_float32_matches_keras(exports):
    _check(exports["tflite_float32"].parity, max_abs=1e-4)


def test_tflite_float16_matches_keras(exports):
    _check(exports["tflite_float16"].parity, max_abs=1e-2)


@pytest.mark.parametrize("mode", ["dynamic", "int8"])
def test_tflite_quantized_above_30db(exports, mode):
    _check(exports[f"tflite_{mode}"].parity, min_psnr=30.0)


def test_tflite_int8_is_integer_and_reports_float_ops(exports):
    """The default (fast_graph) int8 export computes every op in int8, instance norm included
    (its variance as SQUARED_DIFFERENCE); float32 only at the edges, as documented."""
    details = exports["tflite_int8"].details
    ops, float_ops = details["op_counts"], details["float_ops"]
    for op in ("CONV_2D", "GATHER"):  # GATHER: the in-graph padding to the multiple
        assert op in ops
    if exports["source"].name.startswith(("resnet", "style")):  # instance norm
        assert ops["MEAN"] > 0 and ops["SQUARED_DIFFERENCE"] > 0
    assert float_ops == {}
    from tf_imgtrans.export import TFLiteRunner

    runner = TFLiteRunner(exports["tflite_int8"].path)
    assert runner.interpreter.get_input_details()[0]["dtype"] == np.float32
    assert runner.interpreter.get_output_details()[0]["dtype"] == np.float32


# What the plain graph has and fast_graph rewrites away, per network of NETWORKS.
_REWRITTEN_OPS = {
    "unet": {"TRANSPOSE_CONV": "Conv2DBackpropInput"},
    "resnet": {"MIRROR_PAD": "MirrorPad"},
    "style": {"MIRROR_PAD": "MirrorPad"},
}


def _network(exports) -> str:
    return next(k for k in _REWRITTEN_OPS if exports["source"].name.startswith(k))


def test_exports_trace_the_fast_graph_by_default(exports):
    """Every format is traced from `fast_graph(generator)`: the reports name its rewritten
    layers, and the ops it replaces are gone from the TFLite and TF.js graphs (the parity tests
    above hold these exports to the Keras generator)."""
    from tf_imgtrans.inference import fast_graph, rewritten_layers

    source = exports["source"]
    counts = {k: v for k, v in rewritten_layers(fast_graph(source.model)).items() if v}
    assert counts  # each network of NETWORKS has layers to rewrite
    gone = _REWRITTEN_OPS[_network(exports)]
    for key in ("savedmodel", "tflite_float32", "tflite_float16", "tflite_dynamic", "tflite_int8"):
        with open(exports[key].report_path) as f:
            described = json.load(f)["source"]
        assert described["graph"] == "fast_graph" and described["rewritten_layers"] == counts
        if key.startswith("tflite"):
            assert not set(gone) & set(exports[key].details["op_counts"]), key
    if not isinstance(exports["tfjs"], str):
        with open(os.path.join(exports["tfjs"].path, "model.json")) as f:
            graph = json.load(f)["modelTopology"]["node"]
        assert not {node["op"] for node in graph} & set(gone.values())


def test_no_fast_graph_exports_the_layers_as_trained(exports, facades):
    """fast_graph=False (`--no-fast-graph`): the int8 TFLite graph keeps the original ops
    (instance norm's variance partly in float) and still matches Keras."""
    from tf_imgtrans.export import export_model

    result = export_model(
        exports["source"],
        str(exports["out"] / "plain_int8.tflite"),
        "tflite",
        quantize="int8",
        data=facades,
        parity_size=SIZE,
        verbose=False,
        fast_graph=False,
    )
    assert result.source["graph"] == "keras" and result.source["rewritten_layers"] == {}
    ops = result.details["op_counts"]
    assert set(_REWRITTEN_OPS[_network(exports)]) <= set(ops)
    assert all(op in ops for op in result.details["float_ops"])
    _check(result.parity, min_psnr=30.0)


def test_tfjs_in_node_matches_keras(exports):
    require_export_tools(tfjs=True, node=True)
    result = exports["tfjs"]
    assert not isinstance(result, str), result
    assert "wasm" in result.parity["runtime"]
    _check(result.parity, max_abs=1e-3)


def test_tfjs_float16_weights_in_node(exports):
    require_export_tools(tfjs=True, node=True)
    result = exports["tfjs_float16"]
    assert not isinstance(result, str), result
    _check(result.parity, max_abs=1e-2)
    assert result.size_bytes < exports["tfjs"].size_bytes


def test_tfjs_manifest(exports):
    require_export_tools(tfjs=True, node=True)
    result = exports["tfjs"]
    with open(os.path.join(result.path, "manifest.json")) as f:
        manifest = json.load(f)
    assert manifest["name"] == exports["source"].name
    assert manifest["kind"] in ("pix2pix", "cyclegan", "style", "unknown")
    assert manifest["input"]["size_multiple"] == exports["source"].multiple
    assert manifest["input"]["range"] == [-1.0, 1.0] and manifest["input"]["dynamic_size"]
    assert manifest["source"]["model_file"].endswith("generator.keras")
    for name in manifest["files"]:
        assert os.path.isfile(os.path.join(result.path, name))
    assert "model.json" in manifest["files"]


@pytest.mark.parametrize(
    "key", ["savedmodel", "tflite_float32", "tflite_float16", "tflite_dynamic", "tflite_int8"]
)
def test_reports_written_next_to_exports(exports, key):
    result = exports[key]
    assert os.path.dirname(result.report_path) in (
        result.path,
        os.path.dirname(result.path),
    )
    with open(result.report_path) as f:
        report = json.load(f)
    assert report["size_bytes"] > 0
    parity = report["parity"]
    for field in ("max_abs_error", "mean_abs_error", "psnr_db", "latency_ms", "keras_latency_ms"):
        assert field in parity
    assert parity["latency_ms"]["median"] > 0
    assert parity["size"] == [SIZE, SIZE]


def test_dynamic_size_runs_at_two_sizes(exports, held_out):
    """Checked here directly, not through the reports: the dynamic TFLite model and the
    SavedModel at 64×64 and at 70×90 (padded to the multiple inside the graph)."""
    from tf_imgtrans.export import FLOAT_SIGNATURE, TFLiteRunner, keras_runner

    reference = keras_runner(exports["source"])
    runner = TFLiteRunner(exports["tflite_float32"].path)
    serve = tf.saved_model.load(exports["savedmodel"].path).signatures[FLOAT_SIGNATURE]
    odd = tf.image.resize(held_out[:1], (70, 90)).numpy()
    for x in (held_out[:1], odd):
        want = reference(x)
        assert runner(x).shape == want.shape == x.shape
        np.testing.assert_allclose(runner(x), want, atol=1e-4)
        np.testing.assert_allclose(serve(image=tf.constant(x))["image"].numpy(), want, atol=1e-4)


def test_round_trip_helpers_agree_with_data_module():
    x = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1).repeat(3, axis=-1)
    assert np.array_equal(to_uint8(to_float(x)), x)
