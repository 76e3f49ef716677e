"""The layers `tf_imgtrans.inference.fast_graph` swaps in: exact, faster forms of a transposed
convolution (sub-pixel), reflection padding (slices), instance normalisation (spatial moments)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


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


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class SliceReflectionPadding2D(keras.layers.Layer):
    """Reflection padding (edge not repeated, as `ReflectionPadding2D` and `tf.pad(mode=
    "REFLECT")`) built from slices and concatenations, which XNNPACK delegates.

    Args:
        padding: (int, int). Rows and columns added on each side.
    """

    def __init__(self, padding: tuple[int, int] = (1, 1), **kwargs):
        super().__init__(**kwargs)
        self.padding = tuple(int(p) for p in padding)

    def call(self, x):
        for axis, p in zip((1, 2), self.padding):
            if p == 0:
                continue

            def take(start, stop, x=x, axis=axis):
                # Constant bounds (negative ones count from the end): a static STRIDED_SLICE.
                index = [slice(None)] * 4
                index[axis] = slice(start, stop)
                return x[tuple(index)]

            before = [take(i, i + 1) for i in range(p, 0, -1)]  # rows p … 1
            after = [take(-i - 1, -i) for i in range(1, p + 1)]  # rows n-2 … n-1-p
            x = tf.concat([*before, x, *after], axis=axis)
        return x

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        ph, pw = self.padding
        return (n, None if h is None else h + 2 * ph, None if w is None else w + 2 * pw, c)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class SpatialInstanceNormalization(keras.layers.Layer):
    """Instance normalisation of an NHWC tensor as 4-D means over height and width (one group
    per channel), with the affine weights of the GroupNormalization it replaces, if any.

    It computes what Keras' GroupNormalization computes, in the same order: mean and centred
    variance, then one per-channel scale ``inv = gamma * rsqrt(var + epsilon)`` and shift
    ``beta - mean * inv`` applied as ``x * inv + shift``. Two passes over the full tensor after
    the statistics, so a full-integer (int8) TFLite model rounds the activations twice there;
    normalising first (``(x - mean) * rsqrt(…)``, then ``* gamma``, ``+ beta``) rounds four
    times and measured 5–10 % larger int8 errors on instance-norm ResNets (BENCHMARKS.md).

    Args:
        epsilon: float. Added to the variance.
    """

    def __init__(self, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)
        self.gamma = self.beta = None

    def take_weights(self, source: keras.layers.GroupNormalization) -> None:
        self.gamma = None if source.gamma is None else keras.ops.convert_to_numpy(source.gamma)
        self.beta = None if source.beta is None else keras.ops.convert_to_numpy(source.beta)

    def call(self, x):
        mean = tf.reduce_mean(x, axis=[1, 2], keepdims=True)
        var = tf.reduce_mean(tf.square(x - mean), axis=[1, 2], keepdims=True)
        inv = tf.math.rsqrt(var + self.epsilon)
        if self.gamma is not None:
            inv = inv * tf.constant(self.gamma, x.dtype)
        # beta - mean * inv: a SUB, which int8 TFLite has (`-mean * inv` would be a float NEG).
        beta = 0.0 if self.beta is None else tf.constant(self.beta, x.dtype)
        return x * inv + (beta - mean * inv)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
