"""Exact rewrites of a generator's graph for runtimes with fast convolutions and few other
kernels: TFLite's XNNPACK delegate and TF.js (wasm).

- Stride-2 transposed convolutions with an even kernel (the U-Net's 4×4) become four phase
  convolutions and a depth-to-space (`SubPixelConv2DTranspose`): XNNPACK's and TF.js' ordinary
  convolutions are about twice as fast as their transposed ones here.
- Reflection padding becomes slices and concatenations (`SliceReflectionPadding2D`): XNNPACK has
  no MIRROR_PAD, so every reflection pad split the delegated graph in two.
- Instance normalisation (GroupNormalization with one channel per group) becomes means over
  height and width of the 4-D tensor (`SpatialInstanceNormalization`) instead of Keras'
  reshape to 5-D, which XNNPACK does not take.

Measured in BENCHMARKS.md ("Inference speed"): TFLite and TF.js run the rewritten U-Net-256
2–6× faster and the ResNet-9 about 1.5× faster. `tf_imgtrans.export` (and `tf-imgtrans export`)
traces its graphs from `fast_graph(model)` unless told `fast_graph=False` (`--no-fast-graph`);
the numbers agree with the generator to float rounding, and full-integer TFLite models of the
rewritten graph are as accurate as those of the plain one.
"""

from __future__ import annotations

import keras

from tf_imgtrans.inference.variants import _clone
from tf_imgtrans.layers import ReflectionPadding2D
from tf_imgtrans.layers.rewrites import (
    SliceReflectionPadding2D,
    SpatialInstanceNormalization,
    SubPixelConv2DTranspose,
)


def _subpixel_candidate(layer) -> bool:
    if not isinstance(layer, keras.layers.Conv2DTranspose):
        return False
    k = layer.kernel_size
    return (
        k[0] == k[1]
        and k[0] % 2 == 0
        and tuple(layer.strides) == (2, 2)
        and layer.padding == "same"
        and tuple(layer.dilation_rate) == (1, 1)
        and layer.activation in (None, keras.activations.linear)
        and layer.data_format == "channels_last"
    )


def _per_channel_group_norm(layer) -> bool:
    if not isinstance(layer, keras.layers.GroupNormalization) or layer.axis not in (-1, 3):
        return False
    try:
        channels = layer.input.shape[-1]
    except (AttributeError, ValueError):
        return False
    return layer.groups in (-1, channels)


def fast_graph(model: keras.Model) -> keras.Model:
    """A copy of a functional generator for TFLite and TF.js with `SubPixelConv2DTranspose`,
    `SliceReflectionPadding2D` and `SpatialInstanceNormalization` in place of the layers they
    compute exactly (weights copied: a snapshot); every other layer is shared with `model`.
    A model with none of those layers comes back as a clone that computes the same.

    Example:
    >>> g = tf_imgtrans.get_generator("unet", num_downs=5, ngf=8)  # doctest: +SKIP
    >>> fast = fast_graph(g)  # doctest: +SKIP
    >>> x = np.zeros((1, 64, 64, 3), np.float32)  # doctest: +SKIP
    >>> float(np.abs(fast(x) - g(x, training=False)).max()) < 1e-5  # doctest: +SKIP
    True
    """
    if not hasattr(model, "_nodes_by_depth"):
        raise ValueError(
            f"fast_graph needs a functional Keras model. Received: a {type(model).__name__} "
            f"named {model.name!r}"
        )
    pending = []

    def swap(layer):
        if _subpixel_candidate(layer):
            new = SubPixelConv2DTranspose(
                layer.filters, layer.kernel_size[0], layer.use_bias, name=layer.name
            )
            pending.append(lambda: new.set_from_transposed(layer))
            return new
        if isinstance(layer, ReflectionPadding2D):
            return SliceReflectionPadding2D(layer.padding, name=layer.name)
        if _per_channel_group_norm(layer):
            new = SpatialInstanceNormalization(layer.epsilon, name=layer.name)
            new.take_weights(layer)
            return new
        return layer

    clone = _clone(model, swap)
    for set_weights in pending:
        set_weights()
    return clone


def rewritten_layers(model: keras.Model) -> dict[str, int]:
    """How many layers of each `fast_graph` kind `model` holds (nested models included)."""
    kinds = ("SubPixelConv2DTranspose", "SliceReflectionPadding2D", "SpatialInstanceNormalization")
    counts = dict.fromkeys(kinds, 0)
    stack = list(model.layers)
    while stack:
        layer = stack.pop()
        if isinstance(layer, keras.Model):
            stack.extend(layer.layers)
        elif type(layer).__name__ in counts:
            counts[type(layer).__name__] += 1
    return counts


__all__ = [
    "SliceReflectionPadding2D",
    "SpatialInstanceNormalization",
    "SubPixelConv2DTranspose",
    "fast_graph",
    "rewritten_layers",
]
