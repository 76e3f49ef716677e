"""The networks of an adversarial run, from a `GANConfig`: the generator and the discriminators
by registry name (`tf_imgtrans.networks`), each trainer naming only its "auto" generator."""

from __future__ import annotations

from collections.abc import Callable

import keras

from tf_imgtrans.configs import GANConfig
from tf_imgtrans.networks import get_discriminator, get_generator
from tf_imgtrans.training.run import make_optimizer


def build_generator(
    config: GANConfig, auto: Callable[[], tuple[str, dict]], name: str | None = None
) -> keras.Model:
    """The generator `config.generator` names (a registry name such as "unet_256" or
    "resnet_9blocks"), or for "auto" the trainer's own choice `auto()` = (registry name, builder
    arguments), with the config's width, normalisation, dropout and up-sampling."""
    kwargs = {
        "ngf": config.ngf,
        "norm": config.norm,
        "dropout": config.dropout,
        "upsampling": config.upsampling,
    }
    registry_name = config.generator
    if registry_name == "auto":
        registry_name, extra = auto()
        kwargs.update(extra)
    if name is not None:
        kwargs["name"] = name
    return get_generator(registry_name, **kwargs)


def build_discriminator(
    config: GANConfig, input_channels: int, name: str | None = None
) -> keras.Model:
    """The discriminator `config.discriminator` names: "patch" (a PatchGAN `config.n_layers`
    deep) or "pixel" (the 1×1 PixelGAN), with the config's width, normalisation and spectral
    normalisation."""
    kwargs = {
        "ndf": config.ndf,
        "norm": config.norm,
        "input_channels": input_channels,
        "spectral_norm": config.spectral_norm,
    }
    if config.discriminator == "patch":
        kwargs["n_layers"] = config.n_layers
    if name is not None:
        kwargs["name"] = name
    return get_discriminator(config.discriminator, **kwargs)


def gan_compile_args(config: GANConfig) -> dict:
    """What every adversarial trainer's `compile` takes from the config besides its own
    objective: the generator and discriminator optimizers (Adam with `lr_g` / `lr_d`, each `lr`
    where not set, and β1) and the stabilisers (R1, EMA)."""

    def lr(value):
        return config.lr if value is None else value

    return {
        "g_optimizer": make_optimizer(config.optimizer, lr(config.lr_g), config.beta_1),
        "d_optimizer": make_optimizer(config.optimizer, lr(config.lr_d), config.beta_1),
        "r1_gamma": config.r1_gamma,
        "r1_every": config.r1_every,
        "ema_decay": config.ema_decay,
    }
