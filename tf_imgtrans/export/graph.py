"""The serving functions that every export format is made from, and the arguments every format
takes (input size, quantisation).

The float function takes a (batch, H, W, 3) float32 image in [-1, 1] of any size, pads it by
reflection at the bottom and right to the network's size multiple, runs the generator and crops
the result back to (H, W). The uint8 function wraps it with the pre- and post-processing apps
need: ``x / 127.5 - 1`` in, ``clip(round((y + 1) * 127.5), 0, 255)`` out, the same arithmetic as
`tf_imgtrans.data.to_float` / `to_uint8`.

The padding is a gather with reflected indices rather than `tf.pad(mode="REFLECT")`: MirrorPad
cannot pad more than the input size minus one (a 70-pixel image going to 256 for `unet_256`),
while the reflected index sequence 0, 1, …, n-1, n-2, …, 1, 0, 1, … extends any amount, as
NumPy's ``np.pad(mode="reflect")`` does. GATHER runs in every TFLite mode (int8 included) and in
TF.js.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import tensorflow as tf

Size = tuple[int, int] | None

# The SavedModel's endpoints (the TFLite and TF.js conversions take one float "serving_default").
UINT8_SIGNATURE = "serving_default"
FLOAT_SIGNATURE = "serving_float"


def parse_size(size: int | tuple[int, int] | str | None) -> Size:
    """Normalises an input size: None (any size), N (N×N), (H, W) or "HxW"."""
    if size is None:
        return None
    if isinstance(size, str):
        parts = size.lower().split("x")
        try:
            values = tuple(int(p) for p in parts)
        except ValueError:
            values = ()
        if len(values) == 1:
            values = values * 2
        if len(values) != 2:
            raise ValueError(f"`size` must be N or HxW (e.g. 256 or 256x320). Received: {size!r}")
        size = values
    if isinstance(size, int) and not isinstance(size, bool):
        size = (size, size)
    if (
        not isinstance(size, tuple)
        or len(size) != 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size)
    ):
        raise ValueError(
            f"`size` must be None (any size), a positive int or (height, width). Received: {size!r}"
        )
    return size


def check_quantize(quantize: str, valid: tuple[str, ...], what: str, meanings: str) -> str:
    """Returns `quantize` if it is one of `valid` (a format's modes); else a ValueError naming
    them and `meanings` (what each mode stores), e.g. for `what` "TFLite"."""
    if quantize not in valid:
        raise ValueError(
            f"Unknown {what} quantization {quantize!r}. Valid: {list(valid)} ({meanings}). "
            f"Received: quantize={quantize!r}"
        )
    return quantize


def reflect_indices(length: tf.Tensor, size: tf.Tensor) -> tf.Tensor:
    """Indices 0 … length-1 folded into [0, size) by repeated reflection (edge not repeated)."""
    i = tf.range(length)
    period = tf.maximum(2 * size - 2, 1)  # a 1-pixel side repeats its only pixel
    j = tf.math.floormod(i, period)
    return tf.where(j < size, j, period - j)


def graph_pad_to_multiple(
    x: tf.Tensor, multiple: int, minimum: int = 1
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """Reflect-pads an NHWC tensor at the bottom and right so H and W become multiples of
    `multiple` and at least `minimum`, inside a graph: what `tf_imgtrans.inference.pad_to_multiple`
    does to an (H, W, C) array (tested equal). Returns the padded tensor and the original height
    and width. Sizes known when tracing that need no padding are left alone."""
    h_static, w_static = x.shape[1], x.shape[2]
    shape = tf.shape(x)
    h, w = shape[1], shape[2]
    if h_static is not None and w_static is not None:
        if all(s % multiple == 0 and s >= minimum for s in (h_static, w_static)):
            return x, h, w
    target_h = tf.maximum((h + multiple - 1) // multiple * multiple, minimum)
    target_w = tf.maximum((w + multiple - 1) // multiple * multiple, minimum)
    x = tf.gather(x, reflect_indices(target_h, h), axis=1)  # (bs, target_h, W, C)
    x = tf.gather(x, reflect_indices(target_w, w), axis=2)  # (bs, target_h, target_w, C)
    return x, h, w


def input_spec(size: Size, dtype: tf.DType, batch: int | None = None) -> tf.TensorSpec:
    """The signature's input: (batch, H, W, 3), with None for what is dynamic."""
    h, w = (None, None) if size is None else size
    return tf.TensorSpec((batch, h, w, 3), dtype, name="image")


def float_function(
    model: keras.Model, multiple: int, minimum: int = 1
) -> Callable[[tf.Tensor], dict]:
    """float32 [-1, 1] (batch, H, W, 3) → {"image": float32 [-1, 1] (batch, H, W, 3)}."""

    def serve_float(image):
        x, h, w = graph_pad_to_multiple(image, multiple, minimum)
        y = model(x, training=False)
        y = tf.cast(y, tf.float32)  # mixed-precision generators return float16 otherwise
        return {"image": y[:, :h, :w, :]}

    return serve_float


def uint8_function(
    model: keras.Model, multiple: int, minimum: int = 1
) -> Callable[[tf.Tensor], dict]:
    """uint8 RGB (batch, H, W, 3) → {"image": uint8 RGB (batch, H, W, 3)}."""
    serve_float = float_function(model, multiple, minimum)

    def serve_uint8(image):
        x = tf.cast(image, tf.float32) / 127.5 - 1.0
        y = serve_float(x)["image"]
        y = tf.clip_by_value(tf.round((y + 1.0) * 127.5), 0.0, 255.0)
        return {"image": tf.cast(y, tf.uint8)}

    return serve_uint8
