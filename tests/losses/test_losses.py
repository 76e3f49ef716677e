import numpy as np
import pytest

from tf_imgtrans.losses import (
    discriminator_adversarial_loss,
    generator_adversarial_loss,
    l1_loss,
)

REAL = np.array([[2.0, -1.0], [0.5, 3.0]], "float32")
FAKE = np.array([[-2.0, 0.0], [1.0, -0.5]], "float32")


def bce(logits, label):
    p = 1 / (1 + np.exp(-logits.astype("float64")))
    return float(np.mean(-(label * np.log(p) + (1 - label) * np.log(1 - p))))


def test_vanilla_losses_match_hand_computation():
    np.testing.assert_allclose(generator_adversarial_loss(FAKE, "vanilla"), bce(FAKE, 1), rtol=1e-5)
    total, real, fake = discriminator_adversarial_loss(REAL, FAKE, "vanilla")
    np.testing.assert_allclose(real, bce(REAL, 1), rtol=1e-5)
    np.testing.assert_allclose(fake, bce(FAKE, 0), rtol=1e-5)
    np.testing.assert_allclose(total, 0.5 * (bce(REAL, 1) + bce(FAKE, 0)), rtol=1e-5)


def test_lsgan_losses_match_hand_computation():
    np.testing.assert_allclose(
        generator_adversarial_loss(FAKE, "lsgan"), np.mean((FAKE - 1) ** 2), rtol=1e-6
    )
    total, _, _ = discriminator_adversarial_loss(REAL, FAKE, "lsgan")
    np.testing.assert_allclose(
        total, 0.5 * (np.mean((REAL - 1) ** 2) + np.mean(FAKE**2)), rtol=1e-6
    )


def test_hinge_losses_match_hand_computation():
    np.testing.assert_allclose(generator_adversarial_loss(FAKE, "hinge"), -np.mean(FAKE), rtol=1e-6)
    total, _, _ = discriminator_adversarial_loss(REAL, FAKE, "hinge")
    expected = 0.5 * (np.mean(np.maximum(0, 1 - REAL)) + np.mean(np.maximum(0, 1 + FAKE)))
    np.testing.assert_allclose(total, expected, rtol=1e-6)


def test_l1():
    a = np.zeros((1, 2, 2, 3), "float32")
    b = np.full((1, 2, 2, 3), 0.5, "float32")
    b[0, 0, 0, 0] = -1.5
    np.testing.assert_allclose(l1_loss(a, b), (11 * 0.5 + 1.5) / 12, rtol=1e-6)


def test_unknown_gan_mode():
    with pytest.raises(ValueError, match=r"gan_mode.*'vanilla', 'lsgan', 'hinge'.*'wgan'"):
        generator_adversarial_loss(FAKE, "wgan")
