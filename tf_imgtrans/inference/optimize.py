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

_CONVS = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class Passthrough(keras.layers.Layer):
    """The identity, standing in for a folded batch norm or a dropout layer (it takes their call
    arguments, `training` and `mask`, and ignores them)."""

    def call(self, inputs, training=None, mask=None):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


def _phase_taps(kernel_size: int) -> list[tuple[int, list[int]]]:
    """For a stride-2 "same" transposed convolution with an even kernel: per output phase a
    (even or odd rows), the first input offset it reads and the kernel taps, in input order.

    The transposed convolution is the gradient of a stride-2 convolution that pads
    p = (k - 2) / 2 before: output row j = 2m + a receives input row m + d through tap k when
    2(m + d) + k - p = 2m + a, i.e. d = (a - k + p) / 2 for the taps k of a's parity."""
    pad = (kernel_size - 2) // 2
    phases = []
    for a in (0, 1):
        taps = sorted(
            (k for k in range(kernel_size) if (a - k + pad) % 2 == 0),
            key=lambda k: (a - k + pad) // 2,
        )
        phases.append(((a - taps[0] + pad) // 2, taps))
    return phases


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class SubPixelConv2DTranspose(keras.layers.Layer):
    """A stride-2, "same", even-kernel transposed convolution computed as four ordinary
    convolutions of (k/2)×(k/2) taps, one per output phase (even/odd row × even/odd column),
    interleaved by a pixel shuffle (depth-to-space). Same arithmetic and FLOPs as the
    transposed convolution; runtimes whose convolution kernels are faster than their
    transposed-convolution kernels (TFLite's XNNPACK on x86: about 2× here) run it faster.

    Args:
        filters: int. Output channels.
        kernel_size: int. The transposed convolution's (even) kernel side.
        use_bias: bool.

    Reference:
        Shi et al., "Real-Time Single Image and Video Super-Resolution Using an Efficient
        Sub-Pixel Convolutional Neural Network", CVPR 2016.
    """

    def __init__(self, filters: int, kernel_size: int = 4, use_bias: bool = True, **kwargs):
        super().__init__(**kwargs)
        if kernel_size % 2 or kernel_size < 2:
            raise ValueError(
                f"`kernel_size` must be even and >= 2. Received: kernel_size={kernel_size}"
            )
        self.filters, self.kernel_size, self.use_bias = filters, kernel_size, use_bias
        self._phases = _phase_taps(kernel_size)

    def build(self, input_shape):
        taps = self.kernel_size // 2
        # One (taps, taps, in, filters) kernel per phase (a, b), in depth-to-space order.
        self.kernel = self.add_weight(
            shape=(4, taps, taps, input_shape[-1], self.filters), name="kernel"
        )
        self.bias = self.add_weight(shape=(self.filters,), name="bias") if self.use_bias else None

    def set_from_transposed(self, layer: keras.layers.Conv2DTranspose) -> None:
        """Takes the weights of a Conv2DTranspose (kernel (k, k, filters, in))."""
        kernel = np.asarray(keras.ops.convert_to_numpy(layer.kernel))
        blocks = []
        for _, rows in self._phases:
            for _, cols in self._phases:
                blocks.append(kernel[np.ix_(rows, cols)].transpose(0, 1, 3, 2))
        weights = [np.stack(blocks)]
        if self.use_bias:
            weights.append(keras.ops.convert_to_numpy(layer.bias))
        self.set_weights(weights)

    def call(self, x):
        taps = self.kernel_size // 2
        parts = []
        for i, (row_start, _) in enumerate(self._phases):
            for j, (col_start, _) in enumerate(self._phases):
                # Phase (i, j) reads input rows m + row_start … m + row_start + taps - 1.
                pads = [
                    [0, 0],
                    [-row_start, row_start + taps - 1],
                    [-col_start, col_start + taps - 1],
                    [0, 0],
                ]
                conv = tf.nn.conv2d(tf.pad(x, pads), self.kernel[2 * i + j], 1, "VALID")
                parts.append(conv)
        y = tf.nn.depth_to_space(tf.concat(parts, axis=-1), 2)
        return y + self.bias if self.use_bias else y

    def compute_output_shape(self, input_shape):
        double = [None if d is None else 2 * d for d in input_shape[1:3]]
        return (input_shape[0], *double, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"filters": self.filters, "kernel_size": self.kernel_size, "use_bias": self.use_bias}
        )
        return config


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


def subpixel_transposed_convs(model: keras.Model) -> keras.Model:
    """A copy of a functional model whose stride-2 "same" even-kernel transposed convolutions
    (the U-Net's 4×4 ones) are `SubPixelConv2DTranspose` layers with the same weights (a
    snapshot); every other layer is shared with `model`. Outputs agree to float rounding."""
    new_layers: dict[int, tuple] = {}

    def swap(layer):
        if _subpixel_candidate(layer):
            new = SubPixelConv2DTranspose(
                layer.filters, layer.kernel_size[0], layer.use_bias, name=layer.name
            )
            new_layers[id(layer)] = (layer, new)
            return new
        return layer

    clone = _clone(model, swap)
    for source, new in new_layers.values():
        new.set_from_transposed(source)
    return clone


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
    "SubPixelConv2DTranspose",
    "subpixel_transposed_convs",
    "fold_batch_norm",
    "inference_function",
]
