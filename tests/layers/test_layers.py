import keras
import numpy as np
import pytest
from keras_helpers import run_model_saving_test

from tf_imgtrans.layers import ReflectionPadding2D, norm_layer, uses_bias


def test_reflection_padding_matches_numpy():
    x = np.arange(2 * 4 * 5 * 3, dtype="float32").reshape(2, 4, 5, 3)
    y = keras.ops.convert_to_numpy(ReflectionPadding2D((2, 3))(x))
    expected = np.pad(x, ((0, 0), (2, 2), (3, 3), (0, 0)), mode="reflect")
    np.testing.assert_array_equal(y, expected)
    assert ReflectionPadding2D(2).compute_output_shape((None, 4, None, 3)) == (None, 8, None, 3)


def test_reflection_padding_round_trips_through_keras_file(tmp_path):
    inputs = keras.Input((None, None, 3))
    model = keras.Model(inputs, ReflectionPadding2D(1)(inputs))
    x = np.random.default_rng(0).random((1, 5, 6, 3)).astype("float32")
    loaded = run_model_saving_test(model, x, tmp_path, atol=0)
    assert loaded.layers[-1].get_config()["padding"] == (1, 1)


@pytest.mark.parametrize("bad", [-1, (1, 2, 3)])
def test_reflection_padding_rejects_bad_padding(bad):
    with pytest.raises(ValueError, match="padding"):
        ReflectionPadding2D(bad)


def test_instance_norm_normalises_each_sample_and_channel():
    x = np.random.RandomState(0).normal(3.0, 2.0, (2, 8, 8, 4)).astype("float32")
    layer = norm_layer("instance")
    y = keras.ops.convert_to_numpy(layer(x))
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5), atol=1e-4)
    assert layer.count_params() == 0  # no affine terms, as nn.InstanceNorm2d


def test_norm_layer_by_name():
    assert isinstance(norm_layer("batch"), keras.layers.BatchNormalization)
    assert norm_layer("none") is None
    assert uses_bias("instance") and uses_bias("none") and not uses_bias("batch")
    with pytest.raises(ValueError, match=r"`norm` must be one of .*Received: norm='layer'"):
        norm_layer("layer")
