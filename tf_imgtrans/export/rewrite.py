"""Export-time equivalents of layers: ones whose TensorFlow graph TFLite cannot convert, and
(by default) the faster exact rewrites of `tf_imgtrans.inference.fast_graph`.

Keras' `UpSampling2D(interpolation="nearest")` is `ops.repeat` along height and width; with a
dynamic input size `tf.repeat` reshapes through a computed shape and the channel count becomes
unknown, and TFLite then refuses the next convolution ("tf.Conv2D op is neither a custom op nor a
flex op"). `tf.image.resize(method="nearest")` at an integer factor picks the same pixels
(half-pixel centres: source index floor((i + 0.5) / f) = i // f), keeps the channels static and is
one op in TFLite (RESIZE_NEAREST_NEIGHBOR, int8 too) and TF.js. The exported graph is made from a
clone with these layers swapped and the same weights; parity is checked against the original.

`fast_graph` then swaps stride-2 transposed convolutions for sub-pixel convolutions, reflection
padding for slices and instance norm for 4-D means (measured in BENCHMARKS.md: TFLite 1.5–3.5×
and TF.js wasm 6–7× faster; int8 as accurate as the plain graph). `exportable(model,
fast=False)` leaves them as they are (`tf-imgtrans export --no-fast-graph`).
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_imgtrans.inference.fast_graph import fast_graph, rewritten_layers


class NearestUpSampling2D(keras.layers.Layer):
    """Nearest-neighbour up-sampling by integer factors through `tf.image.resize` (NHWC)."""

    def __init__(self, size: tuple[int, int] = (2, 2), **kwargs):
        super().__init__(**kwargs)
        self.size = tuple(int(s) for s in size)

    def call(self, inputs):
        shape = tf.shape(inputs)
        target = [shape[1] * self.size[0], shape[2] * self.size[1]]
        return tf.cast(tf.image.resize(inputs, target, method="nearest"), inputs.dtype)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        fh, fw = self.size
        return (n, None if h is None else h * fh, None if w is None else w * fw, c)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


def _swappable(layer: keras.layers.Layer) -> bool:
    return (
        type(layer) is keras.layers.UpSampling2D
        and layer.interpolation == "nearest"
        and layer.data_format == "channels_last"
    )


def _all_layers(model: keras.Model) -> list[keras.layers.Layer]:
    found = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.Model):
            found.extend(_all_layers(layer))
    return found


def exportable(model: keras.Model, fast: bool = True) -> keras.Model:
    """The graph an export traces: `model`, or a clone of it with nearest `UpSampling2D` layers
    swapped for `NearestUpSampling2D` and, with `fast`, `fast_graph`'s exact rewrites (same
    weights). Models that cannot be cloned (subclassed ones) are returned as they are."""
    if any(_swappable(layer) for layer in _all_layers(model)):

        def swap(layer):
            if _swappable(layer):
                return NearestUpSampling2D(layer.size, name=layer.name, dtype=layer.dtype_policy)
            return layer.__class__.from_config(layer.get_config())

        try:
            clone = keras.models.clone_model(model, clone_function=swap, recursive=True)
        except (ValueError, TypeError, NotImplementedError):
            return model
        clone.set_weights(model.get_weights())
        model = clone
    if fast and hasattr(model, "_nodes_by_depth"):  # fast_graph takes functional models only
        rewritten = fast_graph(model)
        if any(rewritten_layers(rewritten).values()):
            return rewritten
    return model


def graph_report(traced: keras.Model) -> dict:
    """What the exported graph was traced from, for reports and manifests: "fast_graph" with
    the count of each rewritten layer kind, or "keras" (the layers as trained)."""
    counts = {k: v for k, v in rewritten_layers(traced).items() if v}
    return {"graph": "fast_graph" if counts else "keras", "rewritten_layers": counts}
