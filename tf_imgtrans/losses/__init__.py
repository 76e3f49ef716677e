"""Loss functions."""

from tf_imgtrans.losses.adversarial import (
    GAN_MODES,
    check_gan_mode,
    discriminator_adversarial_loss,
    generator_adversarial_loss,
)
from tf_imgtrans.losses.perceptual import (
    adain_style_loss,
    content_loss,
    gram_matrix,
    mean_std,
    style_loss,
    total_variation_loss,
)
from tf_imgtrans.losses.reconstruction import l1_loss

__all__ = [
    "GAN_MODES",
    "adain_style_loss",
    "check_gan_mode",
    "content_loss",
    "discriminator_adversarial_loss",
    "generator_adversarial_loss",
    "gram_matrix",
    "l1_loss",
    "mean_std",
    "style_loss",
    "total_variation_loss",
]
