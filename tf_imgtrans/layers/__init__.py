"""Layers shared by the networks."""

from tf_imgtrans.layers.activation import OutputGradLeakyReLU
from tf_imgtrans.layers.normalization import NORMS, check_norm, norm_layer, uses_bias
from tf_imgtrans.layers.padding import ReflectionPadding2D

__all__ = [
    "NORMS",
    "OutputGradLeakyReLU",
    "ReflectionPadding2D",
    "check_norm",
    "norm_layer",
    "uses_bias",
]
