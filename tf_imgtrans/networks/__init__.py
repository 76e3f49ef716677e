"""Generators and discriminators: plain Keras models that know nothing of training."""

from tf_imgtrans.networks.patchgan import (
    patchgan_discriminator,
    patchgan_layers,
    pixel_discriminator,
    receptive_field,
)
from tf_imgtrans.networks.registry import (
    DISCRIMINATORS,
    GENERATORS,
    get_discriminator,
    get_generator,
    register_discriminator,
    register_generator,
)
from tf_imgtrans.networks.resnet import residual_block, resnet_generator
from tf_imgtrans.networks.unet import UPSAMPLINGS, unet_generator

__all__ = [
    "DISCRIMINATORS",
    "GENERATORS",
    "UPSAMPLINGS",
    "get_discriminator",
    "get_generator",
    "patchgan_discriminator",
    "patchgan_layers",
    "pixel_discriminator",
    "receptive_field",
    "register_discriminator",
    "register_generator",
    "residual_block",
    "resnet_generator",
    "unet_generator",
]
