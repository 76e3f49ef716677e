"""The in-graph padding and the uint8 signature, against NumPy and hand computations."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from export_helpers import require_export_tools

from tf_imgtrans.export import (
    FLOAT_SIGNATURE,
    UINT8_SIGNATURE,
    TFLiteRunner,
    export_model,
    export_saved_model,
)
from tf_imgtrans.export.graph import graph_pad_to_multiple, parse_size, reflect_indices


@pytest.mark.parametrize("size, target", [(5, 8), (5, 32), (1, 4), (2, 9), (7, 7), (70, 256)])
def test_reflect_indices_match_numpy(size, target):
    """Repeated reflection for any amount, as np.pad(mode="reflect") (MirrorPad stops at n-1)."""
    want = np.pad(np.arange(size), (0, target - size), mode="reflect")
    assert reflect_indices(tf.constant(target), tf.constant(size)).numpy().tolist() == want.tolist()


def test_pad_to_multiple_matches_inference_padding():
    from tf_imgtrans.inference import pad_to_multiple as numpy_pad

    x = np.random.default_rng(0).normal(size=(1, 10, 13, 3)).astype(np.float32)
    got, h, w = graph_pad_to_multiple(tf.constant(x), 8, minimum=24)
    np.testing.assert_array_equal(got.numpy()[0], numpy_pad(x[0], 8, 24)[0])
    assert (int(h), int(w)) == (10, 13)


def test_parse_size():
    assert parse_size(None) is None
    assert parse_size(64) == (64, 64)
    assert parse_size("48x80") == (48, 80)
    assert parse_size("96") == (96, 96)
    for bad in (0, -4, "x", (1, 2, 3), 2.5, True):
        with pytest.raises(ValueError, match="size"):
            parse_size(bad)


def _model(layer: keras.layers.Layer) -> keras.Model:
    inputs = keras.Input((None, None, 3))
    return keras.Model(inputs, layer(inputs), name="hand")


@pytest.fixture(scope="module")
def halving(tmp_path_factory):
    """A "generator" y = x / 2, exported as a SavedModel."""
    out = tmp_path_factory.mktemp("halving") / "saved_model"
    export_saved_model(_model(keras.layers.Rescaling(0.5)), str(out))
    return tf.saved_model.load(str(out))


def test_uint8_signature_by_hand(halving):
    """uint8 in → x / 127.5 - 1 → y = x / 2 → clip(round((y + 1) * 127.5)) → uint8: for pixel q
    the output is round(q / 2 + 63.75), computed here without TensorFlow."""
    q = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1).repeat(3, axis=-1)
    got = halving.signatures[UINT8_SIGNATURE](image=tf.constant(q))["image"].numpy()
    want = np.floor(q.astype(np.float64) / 2 + 63.75 + 0.5).astype(np.uint8)  # no .5 ties here
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, want)


def test_float_signature_by_hand(halving):
    x = np.linspace(-1, 1, 2 * 5 * 7 * 3, dtype=np.float32).reshape(2, 5, 7, 3)
    got = halving.signatures[FLOAT_SIGNATURE](image=tf.constant(x))["image"].numpy()
    np.testing.assert_allclose(got, x / 2, atol=1e-7)


def test_identity_uint8_round_trip_is_exact(tmp_path):
    out = tmp_path / "identity"
    export_saved_model(_model(keras.layers.Identity()), str(out))
    serve = tf.saved_model.load(str(out)).signatures[UINT8_SIGNATURE]
    q = np.random.default_rng(1).integers(0, 256, size=(1, 9, 11, 3), dtype=np.uint8)
    np.testing.assert_array_equal(serve(image=tf.constant(q))["image"].numpy(), q)


def test_fixed_size_tflite(tmp_path, facades):
    """A fixed-size export takes exactly (1, 48, 80, 3), padded to the ResNet's multiple of 4
    inside; other sizes are refused with the expected shape named."""
    from tf_imgtrans.networks import get_generator

    require_export_tools()
    keras.utils.set_random_seed(0)
    g = get_generator("resnet", n_blocks=1, ngf=4, norm="instance")
    out = tmp_path / "fixed.tflite"
    result = export_model(
        g, str(out), "tflite", size="46x78", data=facades, parity_images=2, verbose=False
    )
    assert result.input["shape"] == [1, 46, 78, 3] and not result.input["dynamic_size"]
    assert result.parity["size"] == [46, 78] and "odd_size" not in result.parity
    assert result.parity["max_abs_error"] < 1e-4
    runner = TFLiteRunner(str(out))
    assert runner(np.zeros((1, 46, 78, 3), np.float32)).shape == (1, 46, 78, 3)
    with pytest.raises(ValueError, match=r"fixed input of shape \(1, 46, 78, 3\)"):
        runner(np.zeros((1, 64, 64, 3), np.float32))
    with open(result.report_path) as f:
        assert json.load(f)["input"]["shape"] == [1, 46, 78, 3]


def test_nearest_upsampling_swap_is_exact():
    """The export-time clone (tf.image.resize nearest instead of ops.repeat) computes the same."""
    from tf_imgtrans.export.rewrite import NearestUpSampling2D, exportable
    from tf_imgtrans.networks import get_generator

    x = np.random.default_rng(2).normal(size=(2, 5, 7, 3)).astype(np.float32)
    np.testing.assert_array_equal(
        NearestUpSampling2D((2, 3))(x).numpy(), keras.layers.UpSampling2D((2, 3))(x).numpy()
    )
    keras.utils.set_random_seed(0)
    g = get_generator("resnet", n_blocks=1, ngf=4, upsampling="resize")
    clone = exportable(g)
    assert clone is not g
    assert any(isinstance(layer, NearestUpSampling2D) for layer in clone.layers)
    x = np.random.default_rng(3).normal(size=(1, 36, 44, 3)).astype(np.float32)
    np.testing.assert_allclose(clone(x).numpy(), g(x).numpy(), atol=1e-6)
