"""The inference graph: batch norm folded into the convolutions exactly, dropout removed, one
trace for every input size."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tf_imgtrans.inference import fast_graph, fold_batch_norm, inference_function
from tf_imgtrans.networks import get_generator


def _with_running_stats(model, seed=0):
    """Moving statistics and affine weights far from their initial values, so that folding
    them wrongly shows."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            n = layer.moving_mean.shape[0]
            layer.moving_mean.assign(rng.normal(0, 0.5, n))
            layer.moving_variance.assign(rng.uniform(0.2, 3.0, n))
            layer.gamma.assign(rng.normal(1, 0.3, n))
            layer.beta.assign(rng.normal(0, 0.3, n))
    return model


@pytest.mark.parametrize(
    "builder",
    [
        lambda: get_generator("unet", num_downs=5, ngf=8),  # conv and transposed conv + BN
        lambda: get_generator("resnet", n_blocks=2, ngf=8, norm="batch"),
        lambda: get_generator("unet", num_downs=5, ngf=8, upsampling="resize"),
    ],
)
def test_folded_equals_unfolded(builder):
    g = _with_running_stats(builder())
    x = np.random.default_rng(1).uniform(-1, 1, (2, 64, 64, 3)).astype("float32")
    folded = fold_batch_norm(g)
    kinds = {type(layer).__name__ for layer in folded.layers}
    assert "BatchNormalization" not in kinds and "Dropout" not in kinds
    expected = keras.ops.convert_to_numpy(g(x, training=False))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(folded(x, training=False)), expected, atol=1e-4
    )
    # The generator itself is untouched (its convolutions still have no bias).
    assert not g.get_layer("down1_conv" if "unet" in g.name else "stem_conv").use_bias


def test_instance_norm_generator_is_kept_as_is():
    g = get_generator("resnet", n_blocks=1, ngf=4)  # instance norm: nothing to fold
    x = np.random.default_rng(2).uniform(-1, 1, (1, 32, 32, 3)).astype("float32")
    folded = fold_batch_norm(g)
    assert sum(isinstance(layer, keras.layers.GroupNormalization) for layer in folded.layers) > 0
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(folded(x)), keras.ops.convert_to_numpy(g(x, training=False))
    )


def test_inference_function_traces_once_for_all_sizes():
    g = _with_running_stats(get_generator("unet", num_downs=4, ngf=4))
    infer = inference_function(g)
    for shape in ((1, 32, 32, 3), (2, 48, 64, 3), (1, 16, 80, 3)):
        x = np.random.default_rng(3).uniform(-1, 1, shape).astype("float32")
        y = infer(x).numpy()
        assert y.shape == shape and y.dtype == np.float32
        np.testing.assert_allclose(y, keras.ops.convert_to_numpy(g(x, training=False)), atol=1e-4)
    assert infer.function.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("rewrite", [fold_batch_norm, fast_graph])
def test_rewrites_refuse_a_subclassed_model(rewrite):
    class Net(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="functional"):
        rewrite(Net())
