"""The CUT / FastCUT trainer (tf_imgtrans.models.cut)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.models.test_cyclegan import changed, facades, snapshot
from tf_imgtrans.losses.contrastive import l2_normalize, patch_ids, patch_nce_loss, sample_patches
from tf_imgtrans.models import CUT
from tf_imgtrans.networks import get_discriminator, get_generator
from tf_imgtrans.networks.contrastive import nce_layer_names, projection_heads

SIZE = 32


def tiny(n_blocks=1, **compile_kwargs):
    g = get_generator("resnet", n_blocks=n_blocks, ngf=8)
    d = get_discriminator("patch", n_layers=2, ndf=8, input_channels=3, norm="instance")
    model = CUT(g, d, projection_units=16)
    model.compile(**{"num_patches": 32, **compile_kwargs})
    return model


def test_nce_layers_are_the_papers_five_of_a_resnet_and_named_ones_otherwise():
    g = get_generator("resnet", n_blocks=6, ngf=4)
    assert nce_layer_names(g) == [
        "stem_pad",
        "down0_conv",
        "down1_conv",
        "block0_add",
        "block4_add",
    ]
    assert nce_layer_names(get_generator("resnet", n_blocks=2, ngf=4))[-2:] == [
        "block0_add",
        "block1_add",
    ]
    assert nce_layer_names(g, "stem_pad, block5_add") == ["stem_pad", "block5_add"]
    with pytest.raises(ValueError, match="not among them"):
        nce_layer_names(g, "stem_pad,nope")
    unet = get_generator("unet", num_downs=5, ngf=4)
    with pytest.raises(ValueError, match="--nce-layers"):
        CUT(unet, get_discriminator("patch", n_layers=1, ndf=4, input_channels=3))
    # Heads: one 2-layer MLP per layer, input widths from the generator's layers.
    heads = projection_heads([3, 8], units=16)
    shapes = {layer.name: tuple(layer.kernel.shape) for layer in heads.layers[2:]}
    assert shapes == {"mlp0_1": (3, 16), "mlp1_1": (8, 16), "mlp0_2": (16, 16), "mlp1_2": (16, 16)}
    assert heads.count_params() == (3 * 16 + 16) + (8 * 16 + 16) + 2 * (16 * 16 + 16)
    model = tiny(n_blocks=6)
    channels = [int(x.shape[-1]) for x in model.projection.inputs]
    assert channels == [3, 16, 32, 32, 32]  # padded input, the two down convolutions, 2 blocks


def test_patches_are_sampled_at_the_same_locations_in_source_and_output():
    model = tiny()
    rng = np.random.default_rng(0)
    seed = tf.constant([3, 4], tf.int32)
    source = [rng.normal(size=(2, 6, 6, c)).astype("float32") for c in (3, 16, 32, 32)]
    # By hand: layer i's positions from fold_in(seed, i), the same in source and output.
    fold_in = tf.random.experimental.stateless_fold_in
    ids = [patch_ids(36, model.num_patches, fold_in(seed, i)) for i in range(len(source))]
    keys = model.projection([sample_patches(s, i) for s, i in zip(source, ids)])
    expected = np.mean(
        [patch_nce_loss(l2_normalize(k), l2_normalize(k), model.nce_temperature) for k in keys],
        axis=0,
    )
    np.testing.assert_allclose(model.nce_loss(source, source, seed).numpy(), expected, rtol=1e-5)
    # An output whose patches sit elsewhere (the maps rolled by one row) scores worse.
    rolled = [np.roll(s, 1, axis=1) for s in source]
    assert np.all(model.nce_loss(source, rolled, seed).numpy() > expected + 0.1)


def test_one_step_changes_all_networks_and_the_nce_loss_falls_on_a_tiny_set():
    model = tiny(g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5))
    a, b = facades()
    before = {name: snapshot(net) for name, net in model.networks.items()}
    first = model.train_on_batch(a, b, return_dict=True)
    for name, net in model.networks.items():
        assert changed(before[name], net), name
    assert set(first) == {"g_loss", "g_gan", "nce", "nce_idt", "d_loss", "d_real", "d_fake"}
    assert int(model.sample_seed.numpy()[1]) == 1  # one draw of patch locations per step
    for _ in range(24):
        last = model.train_on_batch(a, b, return_dict=True)
    assert last["nce"] < 0.7 * first["nce"] and last["nce_idt"] < 0.7 * first["nce_idt"]
    assert first["g_loss"] == pytest.approx(
        first["g_gan"] + (first["nce"] + first["nce_idt"]) / 2, rel=1e-4
    )


def test_fastcut_flips_half_the_steps_and_maps_the_output_back():
    model = tiny(mode="fastcut")
    assert (model.lambda_nce, model.nce_idt, model.flip_equivariance) == (10.0, False, True)
    a, b = facades()
    g = model.generator
    flips = []
    for s in range(12):
        seed = tf.constant([0, s], tf.int32)
        draw = tf.random.stateless_uniform(
            (), seed=tf.random.experimental.stateless_fold_in(seed, 1_000_003)
        )
        flipped = bool(draw < 0.5)
        flips.append(flipped)
        out = model.generator_losses(a, b, seed, training=True)
        expected = np.flip(g(np.flip(a, 2)).numpy(), 2) if flipped else g(a).numpy()
        np.testing.assert_allclose(out["fake_b"].numpy(), expected, atol=1e-5)
        assert float(out["nce_idt"]) == 0.0 and "idt_b" not in out
    assert 2 <= sum(flips) <= 10


def test_compile_defaults_follow_the_mode_and_validate():
    model = tiny()
    assert (model.mode, model.lambda_nce, model.nce_idt, model.flip_equivariance) == (
        "cut", 1.0, True, False,
    )  # fmt: skip
    assert (model.gan_mode, model.lambda_gan, model.nce_temperature) == ("lsgan", 1.0, 0.07)
    model.compile(mode="fastcut", lambda_nce=2.0, num_patches=8)
    assert (model.lambda_nce, model.nce_idt, model.num_patches) == (2.0, False, 8)
    for bad, match in (
        ({"mode": "fast"}, "`mode` must be one of"),
        ({"lambda_nce": -1.0}, "`lambda_nce` must be a number >= 0"),
        ({"nce_temperature": 0.0}, "`nce_temperature` must be a number > 0"),
        ({"num_patches": 0}, "`num_patches` must be a positive int"),
        ({"gan_mode": "wgan"}, "gan_mode"),
    ):
        with pytest.raises(ValueError, match=match):
            model.compile(**bad)


def test_test_step_visuals_and_call():
    model = tiny()
    a, b = facades()
    logs = model.test_step(((a, b), (b, a)))
    assert set(logs) == {"idt_B", "psnr_AtoB", "ssim_AtoB"}
    assert set(tiny().test_step((a, b))) == {"idt_B"}
    titles, images = model.visuals((a, b))
    assert titles == ["real A", "A->B", "real B", "B->B (identity)"]
    np.testing.assert_allclose(images[1], model.generator(a).numpy(), atol=1e-6)
    np.testing.assert_allclose(model((a, b)).numpy(), model.generator(a).numpy(), atol=1e-6)
    # The views share the generator's weights: the trainer holds each variable once.
    ids = [id(w) for w in model.weights]
    assert len(ids) == len(set(ids))
    n = sum(len(net.weights) for net in model.networks.values()) + 1  # + the sampling seed
    assert len(model.weights) == n
