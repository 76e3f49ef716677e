"""The CycleGAN trainer (tf_imgtrans.models.cyclegan)."""

import keras
import numpy as np
import pytest

from tf_imgtrans.callbacks import LinearDecay
from tf_imgtrans.models import CycleGAN
from tf_imgtrans.networks import get_discriminator, get_generator

SIZE = 32


def tiny(pool_size=4, **compile_kwargs):
    """ResNet generators with one block and 8 filters, 34×34 PatchGANs with instance norm."""

    def g():
        return get_generator("resnet", n_blocks=1, ngf=8)

    def d():
        return get_discriminator("patch", n_layers=2, ndf=8, input_channels=3, norm="instance")

    model = CycleGAN(g(), g(), d(), d())
    model.compile(pool_size=pool_size, **compile_kwargs)
    return model


def facades(n=2, size=SIZE):
    """Day pictures (A) and night pictures (B) of the same scenes, in [-1, 1]."""
    from tf_imgtrans.data.synthetic_night import facade_day_night

    pairs = [facade_day_night(np.random.default_rng([5, i]), size) for i in range(n)]
    a, b = (np.stack([p[k] for p in pairs]).astype("float32") / 127.5 - 1 for k in (0, 1))
    return a, b


def snapshot(net):
    return [w.numpy().copy() for w in net.trainable_weights]


def changed(before, net):
    return any(not np.allclose(x, y.numpy()) for x, y in zip(before, net.trainable_weights))


def affine(scale, offset):
    """A "generator" or "discriminator" with a known output, scale·x + offset: a 1×1
    convolution (trainable, so the optimizers have something to update)."""
    net = keras.Sequential([keras.Input((None, None, 3)), keras.layers.Conv2D(3, 1)])
    net.set_weights([scale * np.eye(3, dtype="float32")[None, None], np.full(3, offset, "float32")])
    return net


def test_one_step_changes_all_four_networks_and_overfitting_halves_the_cycle_loss():
    # Adam at 2e-3 for the generators (the paper's 2e-4 needs many more steps) keeps this
    # within seconds; one model serves both checks, as tracing the train step is the slow part.
    model = tiny(g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5))
    a, b = facades()
    before = {name: snapshot(net) for name, net in model.networks.items()}
    logs = model.train_on_batch(a, b, return_dict=True)
    for name, net in model.networks.items():
        assert changed(before[name], net), name
    assert set(logs) == {
        "g_loss",
        "g_gan_AtoB",
        "g_gan_BtoA",
        "cycle_A",
        "cycle_B",
        "idt_A",
        "idt_B",
        "d_A",
        "d_B",
    }
    g = logs["g_gan_AtoB"] + logs["g_gan_BtoA"]
    g += 10 * (logs["cycle_A"] + logs["cycle_B"]) + 5 * (logs["idt_A"] + logs["idt_B"])
    np.testing.assert_allclose(logs["g_loss"], g, rtol=1e-5)
    assert int(model.pool_a.count.numpy()) == 2 and int(model.pool_b.count.numpy()) == 2

    history = model.fit(a, b, batch_size=2, epochs=25, verbose=0, shuffle=False).history
    for name in ("cycle_A", "cycle_B"):
        first = logs[name]
        assert history[name][-1] < 0.5 * first, (name, first, history[name])


def test_losses_match_the_paper_on_known_generators():
    # G_AB(x) = 0.5x + 0.1 and G_BA(x) = 2x - 0.3, so G_BA(G_AB(a)) = a - 0.1 and
    # G_AB(G_BA(b)) = b - 0.05; the discriminators output their input (LSGAN on it).
    model = CycleGAN(affine(0.5, 0.1), affine(2.0, -0.3), affine(1.0, 0.0), affine(1.0, 0.0))
    model.compile()
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    b = rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    out = {k: float(v) for k, v in model.generator_losses(a, b).items() if np.ndim(v) == 0}
    fake_b, fake_a = 0.5 * a + 0.1, 2.0 * b - 0.3
    expected = {
        "cycle_A": 0.1,
        "cycle_B": 0.05,
        "idt_A": np.mean(np.abs((2.0 * a - 0.3) - a)),  # G_BA should leave A images alone
        "idt_B": np.mean(np.abs((0.5 * b + 0.1) - b)),
        "g_gan_AtoB": np.mean((fake_b - 1.0) ** 2),  # D_B judges G_AB's output
        "g_gan_BtoA": np.mean((fake_a - 1.0) ** 2),
    }
    expected["g_loss"] = (
        expected["g_gan_AtoB"]
        + expected["g_gan_BtoA"]
        + 10.0 * (expected["cycle_A"] + expected["cycle_B"])
        + 0.5 * 10.0 * (expected["idt_A"] + expected["idt_B"])
    )
    for name, value in expected.items():
        assert out[name] == pytest.approx(value, rel=1e-5, abs=1e-6), name

    model.compile(lambda_cycle=3.0, lambda_identity=0.0, gan_mode="vanilla")
    out = {k: float(v) for k, v in model.generator_losses(a, b).items() if np.ndim(v) == 0}
    assert out["idt_A"] == 0.0 and out["idt_B"] == 0.0
    assert out["g_loss"] == pytest.approx(
        out["g_gan_AtoB"] + out["g_gan_BtoA"] + 3.0 * (0.1 + 0.05), rel=1e-5
    )


def test_discriminators_train_on_pooled_fakes_with_halved_losses():
    model = CycleGAN(affine(0.5, 0.1), affine(2.0, -0.3), affine(1.0, 0.0), affine(1.0, 0.0))
    model.compile(pool_size=0)  # no pool: the discriminators see this step's fakes
    a = np.full((1, 4, 4, 3), 0.2, np.float32)
    b = np.full((1, 4, 4, 3), -0.4, np.float32)
    logs = model.train_on_batch(a, b, return_dict=True)
    # D_A: real a (0.2) vs fake a = 2b - 0.3 = -1.1; D_B: real b vs fake b = 0.5a + 0.1 = 0.2.
    assert logs["d_A"] == pytest.approx(0.5 * ((0.2 - 1) ** 2 + (-1.1) ** 2), rel=1e-5)
    assert logs["d_B"] == pytest.approx(0.5 * ((-0.4 - 1) ** 2 + 0.2**2), rel=1e-5)


def test_test_step_scores_cycle_identity_and_ground_truth():
    model = tiny()
    a, b = facades()
    logs = model.evaluate(a, b, batch_size=2, verbose=0, return_dict=True)
    assert set(logs) == {"cycle_A", "cycle_B", "idt_A", "idt_B"}
    rec_a = model.generator_ba(model.generator_ab(a)).numpy()
    assert logs["cycle_A"] == pytest.approx(np.mean(np.abs(rec_a - a)), rel=1e-4)

    # With ground truth: ((a, b), (target of a, target of b)).
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensors(((a, b), (b, a)))
    logs = model.evaluate(ds, verbose=0, return_dict=True)
    assert {"psnr_AtoB", "ssim_AtoB", "psnr_BtoA", "ssim_BtoA"} <= set(logs)
    fake_b = model.generator_ab(a).numpy()
    mse = np.mean(((fake_b + 1) / 2 - (b + 1) / 2) ** 2, axis=(1, 2, 3))
    assert logs["psnr_AtoB"] == pytest.approx(np.mean(10 * np.log10(1 / mse)), rel=1e-3)


def test_call_visuals_and_network_names():
    model = tiny()
    a, b = facades()
    np.testing.assert_allclose(model(a), model.generator_ab(a), atol=1e-6)
    np.testing.assert_allclose(model((a, b)), model.generator_ab(a), atol=1e-6)
    titles, columns = model.visuals((a, b))
    assert len(titles) == len(columns) == 6
    assert all(c.shape == a.shape for c in columns)
    assert set(model.networks) == {
        "generator_AtoB",
        "generator_BtoA",
        "discriminator_A",
        "discriminator_B",
    }


def test_compile_defaults_to_the_paper_and_validates():
    model = tiny(pool_size=50)
    assert (model.gan_mode, model.lambda_cycle, model.lambda_identity) == ("lsgan", 10.0, 0.5)
    assert model.pool_size == 50
    assert model.initial_learning_rates == {
        "generators": pytest.approx(2e-4),
        "discriminators": pytest.approx(2e-4),
    }
    assert float(model.g_optimizer.beta_1) == 0.5 and float(model.d_optimizer.beta_1) == 0.5
    for kwargs, word in (
        ({"gan_mode": "wgan"}, "gan_mode"),
        ({"lambda_cycle": -1}, "lambda_cycle"),
        ({"lambda_identity": -0.5}, "lambda_identity"),
        ({"pool_size": -2}, "pool_size"),
    ):
        with pytest.raises(ValueError, match=word):
            model.compile(**kwargs)
    assert model.extra_state() == {}  # the pools are made for the first images they see
    model.build((None, SIZE, SIZE, 3))
    assert sorted(model.extra_state()) == [
        f"pool_{d}.{v}" for d in "AB" for v in ("count", "images", "seed_state")
    ]
    with pytest.raises(ValueError, match="cannot change"):
        model.compile(pool_size=10)


def test_learning_rate_is_constant_then_decays_linearly_to_zero():
    model = CycleGAN(affine(0.5, 0.1), affine(2.0, -0.3), affine(1.0, 0.0), affine(1.0, 0.0))
    model.compile()
    a, b = facades(n=1)
    history = model.fit(
        a, b, epochs=4, verbose=0, callbacks=[LinearDecay(n_constant=2, n_decay=2)]
    ).history
    # The reference schedule: 1 - max(0, epoch + 1 - n_constant) / (n_decay + 1).
    expected = [2e-4, 2e-4, 2e-4 * 2 / 3, 2e-4 / 3]
    assert history["lr_generators"] == pytest.approx(expected, rel=1e-5)
    assert history["lr_discriminators"] == pytest.approx(expected, rel=1e-5)
