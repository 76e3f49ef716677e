"""The AdaIN layers (Huang & Belongie 2017) and the padding/cropping around an encoder-decoder:
adaptive instance normalisation with a style image or stored statistics, pad to a multiple,
crop back."""

from __future__ import annotations

import keras
from keras import ops


def adain(content, style_mean, style_std, epsilon: float = 1e-5):
    """σ(s) · (x − μ(x)) / σ(x) + μ(s), per sample and channel, with σ = sqrt(var + ε)."""
    x = ops.cast(content, "float32")
    mean, var = ops.moments(x, axes=(1, 2), keepdims=True)
    return style_std * (x - mean) / ops.sqrt(var + epsilon) + style_mean


def feature_stats(features, epsilon: float = 1e-5):
    """Per-sample, per-channel (mean, std) over the spatial axes, each (bs, 1, 1, C)."""
    x = ops.cast(features, "float32")
    mean, var = ops.moments(x, axes=(1, 2), keepdims=True)
    return mean, ops.sqrt(var + epsilon)


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class AdaptiveInstanceNormalization(keras.layers.Layer):
    """AdaIN: re-normalises content features to the channel means and standard deviations of
    style features, then mixes with the content features by the style strength `alpha`:
    alpha · AdaIN(c, s) + (1 − alpha) · c.

    Called on `[content_features, style_features]` (the same channels; sizes may differ).

    Args:
        alpha: float. Style strength in [0, 1] (1: full style, 0: the content features).
        epsilon: float. Added to variances.

    Example:
    >>> c = keras.random.normal((1, 8, 8, 4))
    >>> s = 3.0 * keras.random.normal((1, 5, 6, 4)) + 2.0
    >>> y = AdaptiveInstanceNormalization()([c, s])
    >>> tuple(y.shape)
    (1, 8, 8, 4)

    Reference:
        Huang & Belongie, "Arbitrary Style Transfer in Real-time with Adaptive Instance
        Normalization", ICCV 2017.
    """

    def __init__(self, alpha: float = 1.0, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"`alpha` must be in [0, 1]. Received: alpha={alpha}")
        self.alpha = float(alpha)
        self.epsilon = float(epsilon)

    def call(self, inputs):
        content, style = inputs
        mean, std = feature_stats(style, self.epsilon)
        out = adain(content, mean, std, self.epsilon)
        if self.alpha == 1.0:
            return out
        return self.alpha * out + (1.0 - self.alpha) * ops.cast(content, "float32")

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update({"alpha": self.alpha, "epsilon": self.epsilon})
        return config


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class FixedStyleAdaIN(keras.layers.Layer):
    """AdaIN towards stored style statistics (a fixed style, or a blend of styles: AdaIN with
    weighted mean statistics equals the weighted sum of AdaIN outputs, as the paper interpolates).

    The statistics are non-trainable weights, so they are saved with the model.

    Args:
        channels: int. Feature channels.
        alpha: float. Style strength in [0, 1].
        epsilon: float. Added to variances.
    """

    def __init__(self, channels: int, alpha: float = 1.0, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"`alpha` must be in [0, 1]. Received: alpha={alpha}")
        self.channels = int(channels)
        self.alpha = float(alpha)
        self.epsilon = float(epsilon)
        self.style_mean = self.add_weight(
            shape=(channels,), initializer="zeros", trainable=False, name="style_mean"
        )
        self.style_std = self.add_weight(
            shape=(channels,), initializer="ones", trainable=False, name="style_std"
        )

    def call(self, inputs):
        out = adain(inputs, self.style_mean, self.style_std, self.epsilon)
        if self.alpha == 1.0:
            return out
        return self.alpha * out + (1.0 - self.alpha) * ops.cast(inputs, "float32")

    def get_config(self):
        config = super().get_config()
        config.update({"channels": self.channels, "alpha": self.alpha, "epsilon": self.epsilon})
        return config


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class PadToMultiple(keras.layers.Layer):
    """Pads height and width at the bottom and right, by reflection, up to multiples of
    `multiple`, so that a network with `log2(multiple)` poolings and as many 2× up-samplings
    returns the input's size after `CropToReference`.

    Args:
        multiple: int. The factor the sizes are padded to.
    """

    def __init__(self, multiple: int = 8, **kwargs):
        super().__init__(**kwargs)
        if multiple < 1:
            raise ValueError(f"`multiple` must be >= 1. Received: multiple={multiple}")
        self.multiple = int(multiple)

    def call(self, inputs):
        shape = ops.shape(inputs)
        m = self.multiple
        ph = (m - shape[1] % m) % m
        pw = (m - shape[2] % m) % m
        return ops.pad(inputs, [[0, 0], [0, ph], [0, pw], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        m = self.multiple
        return (n, None if h is None else -(-h // m) * m, None if w is None else -(-w // m) * m, c)

    def get_config(self):
        config = super().get_config()
        config.update({"multiple": self.multiple})
        return config


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class CropToReference(keras.layers.Layer):
    """Crops `[image, reference]` to the reference's height and width (top-left corner)."""

    def call(self, inputs):
        image, reference = inputs
        shape = ops.shape(reference)
        return image[:, : shape[1], : shape[2], :]

    def compute_output_shape(self, input_shape):
        (n, _, _, c), (_, h, w, _) = input_shape
        return (n, h, w, c)
