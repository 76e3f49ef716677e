"""Adversarial objectives by name: "vanilla" (BCE with logits), "lsgan" and "hinge"."""

from __future__ import annotations

from keras import ops

from tf_imgtrans.checks import check_one_of

GAN_MODES = ("vanilla", "lsgan", "hinge")


def check_gan_mode(mode: str) -> str:
    return check_one_of("gan_mode", mode, GAN_MODES)


def _bce_with_logits(logits, target: float):
    labels = ops.full_like(logits, target)
    return ops.mean(ops.binary_crossentropy(labels, logits, from_logits=True))


def generator_adversarial_loss(fake_logits, mode: str = "vanilla"):
    """The generator's adversarial loss on the discriminator's logits for generated images.

    vanilla: BCE(fake, 1) (the non-saturating loss of Goodfellow et al.); lsgan: mean((fake - 1)²);
    hinge: -mean(fake).

    Args:
        fake_logits: tensor. Discriminator output (logits, any shape) for generated images.
        mode: str. "vanilla", "lsgan" or "hinge".
    """
    check_gan_mode(mode)
    fake_logits = ops.cast(fake_logits, "float32")
    if mode == "vanilla":
        return _bce_with_logits(fake_logits, 1.0)
    if mode == "lsgan":
        return ops.mean(ops.square(fake_logits - 1.0))
    return -ops.mean(fake_logits)


def discriminator_adversarial_loss(real_logits, fake_logits, mode: str = "vanilla"):
    """The discriminator's loss, halved as in the papers ("we divide the objective by 2 while
    optimizing D, which slows down the rate at which D learns relative to G").

    vanilla: (BCE(real, 1) + BCE(fake, 0)) / 2; lsgan: (mean((real - 1)²) + mean(fake²)) / 2;
    hinge: (mean(relu(1 - real)) + mean(relu(1 + fake))) / 2.

    Args:
        real_logits: tensor. Discriminator logits for real images.
        fake_logits: tensor. Discriminator logits for generated images.
        mode: str. "vanilla", "lsgan" or "hinge".

    Returns:
        (total, real_term, fake_term): the halved total and its two terms (not halved).
    """
    check_gan_mode(mode)
    real_logits = ops.cast(real_logits, "float32")
    fake_logits = ops.cast(fake_logits, "float32")
    if mode == "vanilla":
        real, fake = _bce_with_logits(real_logits, 1.0), _bce_with_logits(fake_logits, 0.0)
    elif mode == "lsgan":
        real, fake = ops.mean(ops.square(real_logits - 1.0)), ops.mean(ops.square(fake_logits))
    else:
        real, fake = ops.mean(ops.relu(1.0 - real_logits)), ops.mean(ops.relu(1.0 + fake_logits))
    return 0.5 * (real + fake), real, fake
