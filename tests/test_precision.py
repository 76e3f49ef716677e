"""Mixed precision: networks built under a policy compute in 16 bits with float32 variables, and
the trainers train under it with finite losses (float16 with loss scaling)."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tf_imgtrans.models import Pix2Pix
from tf_imgtrans.networks import get_discriminator, get_generator
from tf_imgtrans.precision import (
    compute_dtype,
    cpu_has_bf16,
    precision_scope,
    resolve_precision,
)


def _tiny_pix2pix(precision: str) -> Pix2Pix:
    with precision_scope(precision):
        g = get_generator("unet", num_downs=5, ngf=4)
        d = get_discriminator("patch", n_layers=2, ndf=4)
    model = Pix2Pix(g, d)
    model.compile()
    return model


def test_scope_builds_16_bit_compute_with_float32_variables_and_restores_the_policy():
    before = keras.config.dtype_policy().name
    with precision_scope("mixed_bfloat16"):
        g = get_generator("resnet", n_blocks=1, ngf=4)
    assert keras.config.dtype_policy().name == before
    assert g.get_layer("stem_conv").compute_dtype == "bfloat16"
    assert {w.dtype for w in g.weights} == {"float32"}
    out = g(np.zeros((1, 16, 16, 3), "float32"))
    assert out.dtype == "float32"  # the tanh output layer stays float32
    assert compute_dtype([g]) == "bfloat16"


def test_auto_follows_the_cpu_and_names_are_checked():
    assert resolve_precision("auto") == ("mixed_bfloat16" if cpu_has_bf16() else "float32")
    assert resolve_precision("mixed_float16") == "mixed_float16"
    with pytest.raises(ValueError, match="`precision` must be one of"):
        resolve_precision("bfloat16")


@pytest.mark.parametrize("precision", ["mixed_bfloat16", "mixed_float16"])
def test_pix2pix_trains_with_finite_falling_losses(precision):
    keras.utils.set_random_seed(0)
    model = _tiny_pix2pix(precision)
    scaled = isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (precision == "mixed_float16")  # float16 gradients need loss scaling
    x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    history = model.fit(x, -x, batch_size=2, epochs=8, verbose=0).history
    assert np.all(np.isfinite(history["g_loss"])) and np.all(np.isfinite(history["d_loss"]))
    assert history["g_l1"][-1] < history["g_l1"][0]
    if scaled:  # a step whose scaled gradients overflow is skipped and the scale halved
        applied = int(model.g_optimizer.iterations)
        assert 5 <= applied <= 8
        assert float(model.g_optimizer.dynamic_scale) == 2.0 ** (15 - (8 - applied))


@pytest.mark.parametrize("kind", ["pix2pix", "cyclegan"])
def test_a_bf16_run_saves_a_float32_generator(kind, tmp_path):
    from tf_imgtrans.training import CycleGANConfig, Pix2PixConfig, train_cyclegan, train_pix2pix

    tiny = {"image_size": 32, "ngf": 4, "ndf": 4, "n_layers": 1, "epochs": 1, "tensorboard": False}
    if kind == "pix2pix":
        data, name = "builtin:facades?n_train=4&n_val=2&n_test=2", "generator"
        config, train = Pix2PixConfig(data=data, **tiny), train_pix2pix
    else:
        data, name = "builtin:facades2night?n_train=4&n_test=2", "generator_AtoB"
        config, train = CycleGANConfig(data=data, n_blocks=1, **tiny), train_cyclegan
    config = dataclasses.replace(config, precision="mixed_bfloat16")
    result = train(config, str(tmp_path / "run"), verbose=0)
    trained = result.model.networks[name]
    assert {layer.compute_dtype for layer in trained.layers[1:]} >= {"bfloat16"}
    saved = keras.models.load_model(result.paths[name])
    assert {layer.compute_dtype for layer in saved.layers} == {"float32"}
    x = np.random.default_rng(0).uniform(-1, 1, (1, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(saved(x), trained(x), atol=0.05)  # bfloat16's rounding only
    assert not np.allclose(saved(x), trained(x), atol=1e-6)


def _tiny_trainer(kind: str, precision: str, tmp_path):
    """A tiny trainer of `kind` as its run builder makes it, and one batch for it."""
    from tf_imgtrans.training import (
        AdaINConfig,
        CycleGANConfig,
        FastStyleConfig,
        build_adain,
        build_cyclegan,
        build_fast_style,
    )

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    y = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    if kind == "cyclegan":
        config = CycleGANConfig(image_size=32, n_blocks=1, ngf=4, ndf=4, n_layers=1)
        return build_cyclegan(dataclasses.replace(config, precision=precision)), (x, y)
    if kind == "fast-style":
        style = str(tmp_path / "style.png")
        Image.fromarray(rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)).save(style)
        config = FastStyleConfig(style=style, image_size=32, filters=4, n_blocks=1)
        config = dataclasses.replace(config, vgg_weights="random", precision=precision)
        return build_fast_style(config), (x,)
    # 16 px: float16 convolutions are slow on CPU, and the VGG encoder runs on three images a step.
    config = AdaINConfig(image_size=16, vgg_weights="random", precision=precision)
    return build_adain(config), (x[:, :16, :16], y[:, :16, :16])


TRACKED = {"cyclegan": "cycle_A", "fast-style": "loss", "adain": "loss"}


@pytest.mark.parametrize("precision", ["mixed_bfloat16", "mixed_float16"])
@pytest.mark.parametrize("kind", ["cyclegan", "fast-style", "adain"])
def test_the_other_trainers_train_in_mixed_precision(kind, precision, tmp_path):
    keras.utils.set_random_seed(0)
    model, batch = _tiny_trainer(kind, precision, tmp_path)
    dtype = precision.removeprefix("mixed_")
    assert compute_dtype(model.networks.values()) == dtype
    assert {w.dtype for w in model.trainable_weights} == {"float32"}
    optimizers = list(model.optimizers.values())
    scaled = {isinstance(o, keras.optimizers.LossScaleOptimizer) for o in optimizers}
    assert scaled == {dtype == "float16"}  # float16 gradients need loss scaling
    ds = tf.data.Dataset.from_tensors(batch).repeat(2)
    # In float16 the first steps may overflow at the initial loss scale (2^15) and are skipped
    # while the scale halves: AdaIN's random-weight VGG skips 10 steps.
    epochs = 10 if dtype == "float16" else 6
    history = model.fit(ds, epochs=epochs, shuffle=False, verbose=0).history
    assert all(np.all(np.isfinite(v)) for v in history.values())
    loss = history[TRACKED[kind]]
    assert loss[-1] < loss[0]
    if kind == "cyclegan":  # the pools keep float32 images whatever the policy
        assert model.pool_a.images.dtype == "float32"
    if dtype == "float16":
        skipped = 2 * epochs - int(optimizers[0].iterations)
        assert float(optimizers[0].dynamic_scale) == 2.0 ** (15 - skipped)


def test_saved_networks_are_float32_whatever_they_trained_in(tmp_path):
    """`atomic_save_model`, which every run uses for its .keras files, saves float32 networks."""
    from tf_imgtrans.callbacks import atomic_save_model

    with precision_scope("mixed_bfloat16"):
        g = get_generator("unet", num_downs=5, ngf=4)
    path = str(tmp_path / "g.keras")
    atomic_save_model(g, path)
    saved = keras.models.load_model(path)
    assert {layer.compute_dtype for layer in saved._flatten_layers()} == {"float32"}
    assert g.get_layer("down0_conv").compute_dtype == "bfloat16"  # the model saved is unchanged
    for a, b in zip(saved.get_weights(), g.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
