"""FLOP counts against hand computations and TensorFlow's profiler; the CPU peak's arithmetic."""

from __future__ import annotations

import keras
import pytest
import tensorflow as tf

from tf_imgtrans.bench.flops import count_flops, cpu_peak, flops_per_cycle
from tf_imgtrans.networks import get_generator


def _single(layer, shape):
    x = keras.Input(shape)
    return keras.Model(x, layer(x))


def test_conv_flops_by_hand():
    # 3×3 conv, 8×8×4 → 8×8×8: 2 · (8·8 outputs) · 8 filters · (3·3·4) taps
    model = _single(keras.layers.Conv2D(8, 3, padding="same"), (8, 8, 4))
    assert count_flops(model, (1, 8, 8, 4))["flops"] == 2 * 8 * 8 * 8 * 3 * 3 * 4
    # stride 2, valid: 3×3 outputs of a 4×4 kernel on 8×8; batch 2 doubles it
    model = _single(keras.layers.Conv2D(5, 4, strides=2), (8, 8, 4))
    assert count_flops(model, (2, 8, 8, 4))["flops"] == 2 * 2 * (3 * 3) * 5 * (4 * 4 * 4)


def test_transposed_conv_and_dense_by_hand():
    # 4×4 stride-2 transposed conv, 4×4×8 → 8×8×2: each of the 16 input pixels scatters
    # a 4×4×2 patch from 8 channels.
    model = _single(keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same"), (4, 4, 8))
    result = count_flops(model, (1, 4, 4, 8))
    assert result["flops"] == 2 * (4 * 4) * (4 * 4) * 8 * 2
    assert result["by_type"] == {"Conv2DTranspose": result["flops"]}
    model = _single(keras.layers.Dense(7), (10,))
    assert count_flops(model, (3, 10))["flops"] == 2 * 3 * 10 * 7


def test_sizes_scale_and_nested_models_are_walked():
    inner = get_generator("resnet", n_blocks=1, ngf=4)
    x = keras.Input((None, None, 3))
    outer = keras.Model(x, inner(keras.layers.Rescaling(1.0)(x)))
    small = count_flops(inner, (1, 32, 32, 3))["flops"]
    assert count_flops(inner, (1, 64, 64, 3))["flops"] == 4 * small  # fully convolutional
    nested = count_flops(outer, (1, 32, 32, 3))
    assert nested["flops"] == small
    assert any(row["layer"].startswith(f"{inner.name}/") for row in nested["layers"])


@pytest.mark.parametrize(
    "builder",
    [
        lambda: get_generator("unet", num_downs=4, ngf=4),
        lambda: get_generator("resnet", n_blocks=1, ngf=4),
    ],
)
def test_matches_tensorflow_profiler(builder):
    """TF's profiler counts 2 FLOPs per multiply-add of Conv2D and Conv2DBackpropInput (the
    transposed convolution), as here."""
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    model = builder()
    fn = tf.function(lambda x: model(x, training=False))
    graph = convert_variables_to_constants_v2(
        fn.get_concrete_function(tf.TensorSpec((1, 32, 32, 3), tf.float32))
    ).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profile = tf.compat.v1.profiler.profile(graph, options=options)
    conv_ops = {"Conv2D", "Conv2DBackpropInput"}
    counted = sum(
        node.total_float_ops
        for node in profile.children
        if graph.get_operation_by_name(node.name).type in conv_ops
    )
    assert counted > 0
    assert count_flops(model, (1, 32, 32, 3))["flops"] == counted


def test_refuses_subclassed_models():
    class Net(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="functional"):
        count_flops(Net(), (1, 8, 8, 3))


def test_flops_per_cycle_by_instruction_set():
    zen4 = {
        "vendor_id": "AuthenticAMD",
        "cpu family": "25",
        "flags": "fma avx2 avx512f avx512_vnni",
    }
    assert flops_per_cycle(zen4)[:2] == (32, 128)
    xeon = {"vendor_id": "GenuineIntel", "cpu family": "6", "flags": "fma avx2 avx512f"}
    assert flops_per_cycle(xeon)[:2] == (64, None)
    assert flops_per_cycle({"flags": "fma avx2"})[0] == 32
    assert flops_per_cycle({"flags": "sse2"})[0] == 8


def test_derived_peak_is_cores_times_clock_times_width():
    peak = cpu_peak(cores=2, measure=False)
    if peak["clock_ghz"] is None:
        pytest.skip("no clock in /proc/cpuinfo")
    assert peak["derived_gflops"] == pytest.approx(2 * peak["clock_ghz"] * peak["flops_per_cycle"])
    assert peak["measured_gflops"] is None
