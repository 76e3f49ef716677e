"""Inference-time layers: normalisation with fixed statistics, dropout kept on at inference
(Monte Carlo), and a pass-through that stands in for a folded batch norm."""

from __future__ import annotations

import keras
from keras import ops


def grouped(x, groups: int):
    shape = ops.shape(x)
    channels = x.shape[-1]
    return ops.reshape(x, (shape[0], shape[1], shape[2], groups, channels // groups))


def norm_groups(layer: keras.layers.GroupNormalization, channels: int) -> int:
    return channels if layer.groups == -1 else layer.groups


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class FixedStatsNormalization(keras.layers.Layer):
    """Group/instance normalisation with statistics set from outside (`set_stats`) instead of
    computed from its input, so that every tile of an image is normalised like the whole image.
    Uses the wrapped layer's epsilon and affine weights.

    Not saved to `.keras` files: it exists only inside `tf_imgtrans.inference.translate`'s tiled
    pass, which builds it around the generator's own normalisation layers.

    Args:
        source: keras.layers.GroupNormalization. The layer it stands in for.
    """

    def __init__(self, source: keras.layers.GroupNormalization, **kwargs):
        super().__init__(name=f"{source.name}_fixed", **kwargs)
        self.source = source
        self.mean = None
        self.variance = None

    def set_stats(self, mean, variance) -> None:
        """mean, variance: (1, groups) arrays (one image)."""
        self.mean, self.variance = mean, variance

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, x):
        if self.mean is None:
            raise ValueError(f"{self.name}: statistics were not set before calling.")
        channels = x.shape[-1]
        groups = norm_groups(self.source, channels)
        g = grouped(x, groups)
        mean = ops.reshape(ops.convert_to_tensor(self.mean, x.dtype), (1, 1, 1, groups, 1))
        var = ops.reshape(ops.convert_to_tensor(self.variance, x.dtype), (1, 1, 1, groups, 1))
        y = ops.reshape((g - mean) * ops.rsqrt(var + self.source.epsilon), ops.shape(x))
        if self.source.scale:
            y = y * self.source.gamma
        if self.source.center:
            y = y + self.source.beta
        return y


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class MonteCarloDropout(keras.layers.Layer):
    """Dropout that stays active at inference: the Pix2Pix paper's source of output variety.

    Args:
        rate: float. Fraction of units dropped.
        seed: int, optional.
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, x):
        return keras.random.dropout(x, self.rate, seed=self.seed_generator)


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class Passthrough(keras.layers.Layer):
    """The identity, standing in for a folded batch norm or a dropout layer (it takes their call
    arguments, `training` and `mask`, and ignores them)."""

    def call(self, inputs, training=None, mask=None):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
