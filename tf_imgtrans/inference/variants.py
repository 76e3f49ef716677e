"""Inference variants of a generator, sharing its weights: instance normalisation with fixed
(whole-image) statistics for tiles, and dropout kept active for several outputs per input."""

from __future__ import annotations

import keras
from keras import ops

from tf_imgtrans.layers.inference import FixedStatsNormalization, MonteCarloDropout, norm_groups


def _is_instance_like(layer) -> bool:
    return isinstance(layer, keras.layers.GroupNormalization)


def norm_layers(model: keras.Model) -> list[keras.layers.GroupNormalization]:
    """The group/instance normalisation layers of a model, nested models included, in order."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += norm_layers(layer)
        elif _is_instance_like(layer):
            found.append(layer)
    return found


def _clone(model: keras.Model, swap) -> keras.Model:
    def fn(layer):
        if isinstance(layer, keras.Model) and hasattr(layer, "_nodes_by_depth"):
            return _clone(layer, swap)
        return swap(layer)

    return keras.models.clone_model(model, clone_function=fn)


def inference_variant(
    generator: keras.Model, fixed_stats: bool = False, active_dropout: bool = False, seed=None
) -> tuple[keras.Model, list[FixedStatsNormalization]]:
    """A copy of a functional generator that shares its weights, with group/instance norm layers
    replaced by `FixedStatsNormalization` (fixed_stats) and/or Dropout layers replaced by
    `MonteCarloDropout` (active_dropout). Call it with `training=False`.

    Returns:
        (model, the FixedStatsNormalization layers in the order of `norm_layers(generator)`).
    """
    replaced: dict[int, FixedStatsNormalization] = {}

    def swap(layer):
        if fixed_stats and _is_instance_like(layer):
            replaced[id(layer)] = FixedStatsNormalization(layer)
            return replaced[id(layer)]
        if active_dropout and isinstance(layer, keras.layers.Dropout):
            return MonteCarloDropout(layer.rate, seed=seed, name=f"{layer.name}_mc")
        return layer  # shared: same weights

    model = _clone(generator, swap)
    return model, [replaced[id(layer)] for layer in norm_layers(generator) if id(layer) in replaced]


def stats_model(generator: keras.Model) -> keras.Model:
    """A model that returns, for every group/instance norm layer of `generator`, the per-group
    mean and variance of that layer's input: [(mean, var), ...] each (batch, groups)."""
    outputs = []
    for layer in norm_layers(generator):
        x = layer.input
        channels = x.shape[-1]
        groups = norm_groups(layer, channels)
        # Per-channel first and second moments, then pooled over each group's channels: no
        # reshape of the (unknown) spatial dimensions is needed.
        m1 = ops.reshape(ops.mean(x, axis=(1, 2)), (-1, groups, channels // groups))
        m2 = ops.reshape(ops.mean(ops.square(x), axis=(1, 2)), (-1, groups, channels // groups))
        mean = ops.mean(m1, axis=-1)
        outputs.append((mean, ops.mean(m2, axis=-1) - ops.square(mean)))
    return keras.Model(generator.input, outputs)
