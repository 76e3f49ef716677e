"""Mixed precision for the trainers: which dtype policy to build networks under, and loss scaling.

A network built under a mixed policy ("mixed_bfloat16", "mixed_float16") keeps float32 variables
and computes in 16 bits; the networks of this package end in a float32 layer (the generators'
tanh, the discriminators' last convolution), so images, logits and losses stay float32. Float16
has a narrow exponent range, so its gradients need loss scaling
(`keras.optimizers.LossScaleOptimizer`, see `loss_scaled`); bfloat16 has float32's range and
needs none.

Example:
>>> from tf_imgtrans.networks import get_generator
>>> with precision_scope("mixed_bfloat16"):
...     g = get_generator("unet", num_downs=6, ngf=8)
>>> g.dtype_policy.compute_dtype, g.dtype_policy.variable_dtype
('bfloat16', 'float32')
"""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keras (and so TensorFlow) is imported when used: the CLI reads PRECISIONS
    import keras

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16", "auto")
DEFAULT_PRECISION = "auto"
"""The run configs' default `precision`: bfloat16 where the CPU computes it natively (measured
1.2–2.2× faster training steps there, with the same validation scores: BENCHMARKS.md), else
float32."""


@functools.cache
def cpu_has_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16 in /proc/cpuinfo)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return False


def gpu_available() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def check_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ValueError(
            f"`precision` must be one of {PRECISIONS}. Received: precision={precision!r}"
        )
    return precision


def resolve_precision(precision: str) -> str:
    """The dtype policy name for `precision`: "auto" is "mixed_bfloat16" on a CPU with native
    bfloat16 and no GPU (measured several times faster for training there, with the same loss
    curves: BENCHMARKS.md), else "float32" (on a GPU, mixed precision has not been measured for
    this project yet: pass "mixed_float16" or "mixed_bfloat16" explicitly); other names are
    returned as they are."""
    if check_precision(precision) != "auto":
        return precision
    return "mixed_bfloat16" if cpu_has_bf16() and not gpu_available() else "float32"


@contextlib.contextmanager
def precision_scope(precision: str):
    """Builds the networks made inside it under the dtype policy of `precision` (resolved as
    `resolve_precision` does), then restores the previous global policy."""
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(resolve_precision(precision))
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def compute_dtype(networks) -> str:
    """The compute dtype shared by `networks` (keras.Models): "float16" if any computes in
    float16, else "bfloat16" if any does, else "float32"."""
    dtypes = {n.dtype_policy.compute_dtype for n in networks}
    for dtype in ("float16", "bfloat16"):
        if dtype in dtypes:
            return dtype
    return "float32"


def _float32_config(config):
    """`config` (a Keras config tree) with every mixed dtype policy replaced by float32."""
    if isinstance(config, list):
        return [_float32_config(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: _float32_config(v) for k, v in config.items()}
    dtype = out.get("dtype")
    name = dtype.get("config", {}).get("name") if isinstance(dtype, dict) else dtype
    if isinstance(name, str) and name.startswith("mixed_"):
        out["dtype"] = "float32"
    return out


def as_float32(model: keras.Model) -> keras.Model:
    """`model` if it computes in float32 throughout, else a float32 copy with the same weights.

    Networks trained under a mixed policy are saved this way, so that the `.keras` files that
    inference and export read compute in float32 like any other (TFLite and TF.js have no
    bfloat16 kernels for most of these layers)."""
    if all(layer.dtype_policy.compute_dtype == "float32" for layer in model._flatten_layers()):
        return model
    clone = type(model).from_config(_float32_config(model.get_config()))
    clone.set_weights(model.get_weights())
    return clone


def loss_scaled(optimizer: keras.optimizers.Optimizer) -> keras.optimizers.Optimizer:
    """`optimizer` wrapped in a dynamic `keras.optimizers.LossScaleOptimizer` (unless it is one).

    The train step must then compute gradients of `optimizer.scale_loss(loss)`; `apply` unscales
    them, skips the update and halves the scale when any is not finite, and doubles the scale
    after 2000 finite steps. For other optimizers `scale_loss` returns the loss unchanged, so a
    train step can call it always."""
    import keras

    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


__all__ = [
    "DEFAULT_PRECISION",
    "PRECISIONS",
    "as_float32",
    "check_precision",
    "compute_dtype",
    "cpu_has_bf16",
    "loss_scaled",
    "precision_scope",
    "resolve_precision",
]
