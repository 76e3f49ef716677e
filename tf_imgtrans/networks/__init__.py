"""Generators and discriminators: plain Keras models that know nothing of training."""

from tf_imgtrans.layers import (
    AdaptiveInstanceNormalization,
    CropToReference,
    FixedStyleAdaIN,
    PadToMultiple,
    VGGPreprocess,
)
from tf_imgtrans.networks.adain import (
    ADAIN_LAYERS,
    adain_decoder,
    adain_encoder,
    adain_stylizer,
    fixed_style_generator,
)
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
from tf_imgtrans.networks.transform_net import style_transfer_net
from tf_imgtrans.networks.unet import UPSAMPLINGS, unet_generator
from tf_imgtrans.networks.vgg import VGGWeightsError, vgg_features

__all__ = [
    "ADAIN_LAYERS",
    "AdaptiveInstanceNormalization",
    "CropToReference",
    "FixedStyleAdaIN",
    "PadToMultiple",
    "VGGPreprocess",
    "VGGWeightsError",
    "adain_decoder",
    "adain_encoder",
    "adain_stylizer",
    "fixed_style_generator",
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
    "style_transfer_net",
    "unet_generator",
    "vgg_features",
]
