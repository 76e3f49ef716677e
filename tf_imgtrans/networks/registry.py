"""Networks by name: `get_generator("unet_256")`, `get_discriminator("patch", n_layers=3)`."""

from __future__ import annotations

import functools
from collections.abc import Callable

import keras

from tf_imgtrans.networks.patchgan import patchgan_discriminator, pixel_discriminator
from tf_imgtrans.networks.resnet import resnet_generator
from tf_imgtrans.networks.transform_net import style_transfer_net
from tf_imgtrans.networks.unet import unet_generator

GENERATORS: dict[str, Callable[..., keras.Model]] = {
    "unet": unet_generator,
    "unet_256": functools.partial(unet_generator, num_downs=8, name="unet_256"),
    "unet_128": functools.partial(unet_generator, num_downs=7, name="unet_128"),
    "resnet": resnet_generator,
    "resnet_9blocks": functools.partial(resnet_generator, n_blocks=9, name="resnet_9blocks"),
    "resnet_6blocks": functools.partial(resnet_generator, n_blocks=6, name="resnet_6blocks"),
    "style_transfer_net": style_transfer_net,
}

DISCRIMINATORS: dict[str, Callable[..., keras.Model]] = {
    "patch": patchgan_discriminator,
    "pixel": pixel_discriminator,
}


def _lookup(registry: dict, kind: str, name: str) -> Callable[..., keras.Model]:
    if name not in registry:
        raise ValueError(
            f"Unknown {kind} {name!r}. Valid names: {sorted(registry)}. Received: name={name!r}"
        )
    return registry[name]


def get_generator(name: str, /, **kwargs) -> keras.Model:
    """Builds the generator registered as `name` with builder keyword arguments `kwargs`.

    Example:
    >>> g = get_generator("unet", num_downs=6, ngf=8)
    >>> g.name
    'unet_64'
    """
    return _lookup(GENERATORS, "generator", name)(**kwargs)


def get_discriminator(name: str = "patch", /, **kwargs) -> keras.Model:
    """Builds the discriminator registered as `name` ("patch" or "pixel")."""
    return _lookup(DISCRIMINATORS, "discriminator", name)(**kwargs)


def register_generator(name: str, builder: Callable[..., keras.Model]) -> None:
    """Adds a generator builder to the registry (e.g. from another module of the package)."""
    GENERATORS[name] = builder


def register_discriminator(name: str, builder: Callable[..., keras.Model]) -> None:
    """Adds a discriminator builder to the registry."""
    DISCRIMINATORS[name] = builder
