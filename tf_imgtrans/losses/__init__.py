"""Loss functions."""

from tf_imgtrans.losses.adversarial import (
    GAN_MODES,
    check_gan_mode,
    discriminator_adversarial_loss,
    generator_adversarial_loss,
)
from tf_imgtrans.losses.reconstruction import l1_loss

__all__ = [
    "GAN_MODES",
    "check_gan_mode",
    "discriminator_adversarial_loss",
    "generator_adversarial_loss",
    "l1_loss",
]
