"""Normalisation layers chosen by name, as the papers' networks use them."""

from __future__ import annotations

import keras

NORMS = ("batch", "instance", "none")


def check_norm(norm: str) -> str:
    """Returns `norm` if it names a known normalisation, else raises a ValueError listing them."""
    if norm not in NORMS:
        raise ValueError(f"`norm` must be one of {NORMS}. Received: norm={norm!r}")
    return norm


def norm_layer(norm: str, name: str | None = None) -> keras.layers.Layer | None:
    """Builds the normalisation layer named `norm`, or returns None for "none".

    "batch" is BatchNormalization with PyTorch's defaults (momentum 0.1 there, 0.9 here; epsilon
    1e-5; gamma drawn from N(1, 0.02) as in the pix2pix/CycleGAN initialisation). "instance" is
    per-sample, per-channel normalisation without affine parameters, as `nn.InstanceNorm2d` in the
    reference implementation: `GroupNormalization(groups=-1, epsilon=1e-5)`.

    Args:
        norm: str. "batch", "instance" or "none".
        name: str, optional. Layer name.
    """
    check_norm(norm)
    if norm == "batch":
        return keras.layers.BatchNormalization(
            momentum=0.9,
            epsilon=1e-5,
            gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02),
            name=name,
        )
    if norm == "instance":
        return keras.layers.GroupNormalization(
            groups=-1, epsilon=1e-5, center=False, scale=False, name=name
        )
    return None


def uses_bias(norm: str) -> bool:
    """Convolutions before batch norm need no bias (its beta replaces it); all others keep one."""
    return check_norm(norm) != "batch"
