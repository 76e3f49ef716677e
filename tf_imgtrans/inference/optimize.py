"""A generator-only inference graph: batch norm folded into the convolutions, dropout removed,
one traced function for every input size.

In inference mode a batch normalisation is a per-channel affine map, y = (x - mean) · s + beta
with s = gamma / sqrt(var + eps); after a convolution it can be folded into that convolution's
kernel (scaled by s per output channel) and bias ((b - mean) · s + beta), which removes one pass
over the activations per normalised layer. Instance normalisation depends on the image and is
kept. Dropout is the identity at inference and is dropped from the graph.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.inference.variants import _clone
from tf_imgtrans.layers.inference import Passthrough

_CONVS = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)


def _foldable_pairs(model: keras.Model) -> dict[int, keras.layers.BatchNormalization]:
    """{id(conv): bn} for every BatchNormalization (channels last) fed only by a Conv2D or
    Conv2DTranspose whose sole consumer it is, both used once; nested models included."""
    pairs = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            pairs.update(_foldable_pairs(layer))
            continue
        if not isinstance(layer, keras.layers.BatchNormalization) or len(layer._inbound_nodes) != 1:
            continue
        if layer.axis not in (-1, len(layer.input.shape) - 1):
            continue
        parents = layer._inbound_nodes[0].parent_nodes
        if len(parents) != 1:
            continue
        conv = parents[0].operation
        if (
            isinstance(conv, _CONVS)
            and not isinstance(conv, keras.layers.DepthwiseConv2D)
            and len(conv._inbound_nodes) == 1
            and len(conv._outbound_nodes) == 1
            and conv.activation in (None, keras.activations.linear)
        ):
            pairs[id(conv)] = layer
    return pairs


def _folded_weights(conv, bn) -> tuple[np.ndarray, np.ndarray]:
    kernel = np.asarray(keras.ops.convert_to_numpy(conv.kernel), np.float64)
    channels = (
        kernel.shape[-2] if isinstance(conv, keras.layers.Conv2DTranspose) else kernel.shape[-1]
    )

    def weight(var, default):
        if var is None:
            return np.full(channels, default, np.float64)
        return np.asarray(keras.ops.convert_to_numpy(var), np.float64)

    gamma, beta = weight(bn.gamma, 1.0), weight(bn.beta, 0.0)
    mean, var = weight(bn.moving_mean, 0.0), weight(bn.moving_variance, 1.0)
    bias = weight(conv.bias if conv.use_bias else None, 0.0)
    scale = gamma / np.sqrt(var + bn.epsilon)
    if isinstance(conv, keras.layers.Conv2DTranspose):  # (kh, kw, out, in)
        kernel = kernel * scale[:, None]
    else:  # (kh, kw, in, out)
        kernel = kernel * scale
    return kernel.astype(np.float32), ((bias - mean) * scale + beta).astype(np.float32)


def fold_batch_norm(model: keras.Model) -> keras.Model:
    """A copy of a functional model for inference: each batch normalisation that directly follows
    a convolution is folded into it, Dropout layers become identities; every other layer is
    shared with `model` (same weights). The folded kernels are a snapshot: fold again after
    training further. A model with nothing to fold gives the same outputs as `model`.

    Example:
    >>> g = tf_imgtrans.get_generator("unet", num_downs=4, ngf=4)  # doctest: +SKIP
    >>> x = keras.random.uniform((1, 16, 16, 3))  # doctest: +SKIP
    >>> folded = fold_batch_norm(g)  # doctest: +SKIP
    >>> float(keras.ops.max(abs(folded(x) - g(x, training=False)))) < 1e-5  # doctest: +SKIP
    True
    """
    if not hasattr(model, "_nodes_by_depth"):
        raise ValueError(
            f"fold_batch_norm needs a functional Keras model. Received: a "
            f"{type(model).__name__} named {model.name!r}"
        )
    pairs = _foldable_pairs(model)
    folded_bns = {id(bn) for bn in pairs.values()}
    new_convs: dict[int, keras.layers.Layer] = {}

    def swap(layer):
        if id(layer) in pairs:
            config = layer.get_config()
            config["use_bias"] = True
            new_convs[id(layer)] = type(layer).from_config(config)
            return new_convs[id(layer)]
        if id(layer) in folded_bns or isinstance(layer, keras.layers.Dropout):
            return Passthrough(name=layer.name)
        return layer

    clone = _clone(model, swap)
    for conv_id, bn in pairs.items():
        conv = next(c for c in _all_layers(model) if id(c) == conv_id)
        new_convs[conv_id].set_weights(list(_folded_weights(conv, bn)))
    return clone


def _all_layers(model: keras.Model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _all_layers(layer)
        else:
            yield layer


class InferenceFunction:
    """A generator traced once for any (batch, H, W, 3) float32 input: call it with a NumPy array
    or tensor in [-1, 1]; it returns a float32 tensor. See `inference_function`.

    Attributes:
        model: keras.Model. The model traced (folded or the generator itself).
        function: tf.types.experimental.PolymorphicFunction. The traced function.
    """

    def __init__(self, model: keras.Model, jit_compile: bool = False):
        self.model = model
        spec = tf.TensorSpec((None, None, None, model.inputs[0].shape[-1]), tf.float32)

        @tf.function(input_signature=[spec], jit_compile=jit_compile)
        def infer(x):
            return tf.cast(model(x, training=False), tf.float32)

        self.function = infer

    def __call__(self, x) -> tf.Tensor:
        return self.function(tf.convert_to_tensor(x, tf.float32))


def inference_function(
    generator: keras.Model, fold: bool = True, jit_compile: bool = False
) -> InferenceFunction:
    """The generator as an inference-only graph: batch norm folded (`fold_batch_norm`), dropout
    removed, traced once with the input signature (None, None, None, C) so that new sizes and
    batch sizes do not retrace, optionally compiled with XLA (slower on this project's CPU:
    BENCHMARKS.md).

    Args:
        generator: keras.Model. A functional generator, float [-1, 1] in and out.
        fold: bool. Fold batch norm into the convolutions (a weight snapshot; see
            `fold_batch_norm`). False traces the generator itself (live weights).
        jit_compile: bool. Compile with XLA (one compilation per input shape).

    Example:
    >>> g = tf_imgtrans.get_generator("unet", num_downs=4, ngf=4)  # doctest: +SKIP
    >>> infer = inference_function(g)  # doctest: +SKIP
    >>> tuple(infer(np.zeros((1, 32, 48, 3), np.float32)).shape)  # doctest: +SKIP
    (1, 32, 48, 3)
    """
    model = fold_batch_norm(generator) if fold else generator
    return InferenceFunction(model, jit_compile=jit_compile)


__all__ = [
    "InferenceFunction",
    "Passthrough",
    "fold_batch_norm",
    "inference_function",
]
