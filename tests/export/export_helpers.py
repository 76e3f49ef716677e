"""Helpers shared by the export tests: the networks every test runs on, and the rule for
missing tools (skip locally, fail in CI)."""

from __future__ import annotations

import os

import keras
import pytest

REQUIRE_TOOLS_ENV = "TF_IMGTRANS_REQUIRE_EXPORT_TOOLS"
SIZE = 64

# Every network the package trains that can be exported, as tiny configurations. Add more here
# (e.g. the style transfer network) and every parity test runs on them.
NETWORKS = {
    "unet": lambda: _generator("unet", num_downs=5, ngf=8),
    "resnet": lambda: _generator("resnet", n_blocks=2, ngf=8, norm="instance"),
    "style": lambda: _generator("style_transfer_net", filters=8, n_blocks=1),
}


def _generator(name: str, **kwargs) -> keras.Model:
    from tf_imgtrans.networks import get_generator

    return get_generator(name, **kwargs)


def missing_tool(reason: str) -> None:
    """Skips the test, or fails it when TF_IMGTRANS_REQUIRE_EXPORT_TOOLS=1 (as CI sets)."""
    if os.environ.get(REQUIRE_TOOLS_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_TOOLS_ENV}=1: export tools are required here)")
    pytest.skip(reason)


def require_export_tools(*, tfjs: bool = False, node: bool = False) -> None:
    from tf_imgtrans.export import ExportToolError, find_node, find_node_modules
    from tf_imgtrans.export.tfjs import require_tfjs_converter
    from tf_imgtrans.export.tools import require_litert

    try:
        require_litert()
        if tfjs:
            require_tfjs_converter()
        if node:
            find_node()
            find_node_modules()
    except ExportToolError as e:
        missing_tool(str(e))


def spread_stylizer(seed: int = 0, spread: float = 0.5) -> keras.Model:
    """An AdaIN stylizer with random weights (VGG16 encoder, no download) whose decoder output
    spans about ±`spread`·2: the last convolution is scaled from a probe, because an untrained
    decoder outputs values near 0, which would make any export look exact."""
    import numpy as np

    from tf_imgtrans.networks import adain_decoder, adain_encoder, adain_stylizer

    keras.utils.set_random_seed(seed)
    decoder = adain_decoder()
    stylizer = adain_stylizer(adain_encoder(weights=None), decoder)
    probe = np.random.default_rng(seed).uniform(-1, 1, (2, 1, 32, 32, 3)).astype("float32")
    std = float(np.std(stylizer([probe[0], probe[1]])))
    last = [layer for layer in decoder.layers if isinstance(layer, keras.layers.Conv2D)][-1]
    kernel, bias = last.get_weights()
    last.set_weights([kernel * (spread / std), bias])
    return stylizer
