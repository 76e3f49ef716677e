"""Fast style transfer: a feed-forward network trained with perceptual losses (Johnson et al.)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.configs import FastStyleConfig
from tf_imgtrans.distribute import replica_scale
from tf_imgtrans.losses.perceptual import (
    content_loss,
    gram_matrix,
    style_loss,
    total_variation_loss,
)
from tf_imgtrans.models.base import FusedAdam, TranslationTrainer, resolve_jit_compile
from tf_imgtrans.networks.vgg import canonical_layer

JOHNSON_CONTENT_LAYERS = ("block2_conv2",)
"""relu2_2, the paper's content (feature reconstruction) layer."""
JOHNSON_STYLE_LAYERS = ("block1_conv2", "block2_conv2", "block3_conv3", "block4_conv3")
"""relu1_2, relu2_2, relu3_3, relu4_3, the paper's style layers (VGG16)."""


def _images(data):
    return data[0] if isinstance(data, (tuple, list)) else data


class FastStyleTransfer(TranslationTrainer):
    """Trains an image transformation network G to paint content images in one style:
    L = content_weight · mean(φ(G(x)) − φ(x))² + style_weight · Σ_l w_l mean(Gram(φ_l(G(x))) − A_l)²
    + tv_weight · TV(G(x)), with φ a frozen VGG (`vgg_features`) and A_l the style's Gram matrices.

    The default layer weights w_l = 1 / C_l² (C_l: the layer's channels) and style_weight = 5
    reproduce the reference implementation (fast-neural-style), whose Gram matrices are divided by
    C·H·W and compared by their mean squared difference; the paper's own formula, ‖G − A‖²_F, is
    w_l = 1, which lets relu3_3 outweigh the other layers a hundredfold.

    `fit` takes batches of content images in [-1, 1] (a tensor or a 1-tuple per batch). Only G is
    trained; the loss network never changes. The trained `generator` is a plain Keras model that
    stylizes any size in one pass.

    Args:
        generator: keras.Model. (bs, H, W, 3) -> (bs, H, W, 3), [-1, 1] (e.g.
            `get_generator("style_transfer_net")`).
        loss_network: keras.Model. A `vgg_features` model returning at least the content and
            style layers.
        style_image: np.ndarray. (H, W, 3) float in [-1, 1]: the style, at the size it should be
            seen (Johnson et al. resize it to the training size).
        content_layers: list of str. Default relu2_2.
        style_layers: list of str. Default relu1_2, relu2_2, relu3_3, relu4_3.
        style_layer_weights: list of float, optional. Default 1 / channels² per layer.

    Example:
    >>> from tf_imgtrans.networks import get_generator, vgg_features
    >>> vgg = vgg_features(JOHNSON_CONTENT_LAYERS + JOHNSON_STYLE_LAYERS, weights=None)
    >>> style = np.random.default_rng(0).uniform(-1, 1, (32, 32, 3)).astype("float32")
    >>> model = FastStyleTransfer(get_generator("style_transfer_net", filters=4, n_blocks=1),
    ...                           vgg, style)
    >>> model.compile()
    >>> history = model.fit(keras.random.uniform((2, 32, 32, 3), -1, 1), epochs=1, verbose=0)

    Reference:
        Johnson, Alahi & Fei-Fei, "Perceptual Losses for Real-Time Style Transfer and
        Super-Resolution", ECCV 2016.
    """

    def __init__(
        self,
        generator: keras.Model,
        loss_network: keras.Model,
        style_image: np.ndarray,
        content_layers: Sequence[str] = JOHNSON_CONTENT_LAYERS,
        style_layers: Sequence[str] = JOHNSON_STYLE_LAYERS,
        style_layer_weights: Sequence[float] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        # === Networks ===
        self.generator = generator
        self.loss_network = loss_network
        self.loss_network.trainable = False
        self.networks = {"generator": generator}
        self.content_layers = [canonical_layer(n) for n in content_layers]
        self.style_layers = [canonical_layer(n) for n in style_layers]
        missing = [
            n for n in self.content_layers + self.style_layers if n not in loss_network.output
        ]
        if missing:
            raise ValueError(
                f"The loss network does not return the layers {missing}; build it with "
                f"vgg_features({sorted(set(self.content_layers + self.style_layers))}, …)."
            )
        # === Style targets ===
        style_image = np.asarray(style_image, np.float32)
        if style_image.ndim != 3 or style_image.shape[-1] != 3:
            raise ValueError(
                f"`style_image` must be (H, W, 3) in [-1, 1]. Received: shape={style_image.shape}"
            )
        self.style_image = style_image
        feats = loss_network(style_image[None], training=False)
        if style_layer_weights is None:
            style_layer_weights = [1.0 / feats[n].shape[-1] ** 2 for n in self.style_layers]
        self.style_layer_weights = [float(w) for w in style_layer_weights]
        self.style_grams = [
            tf.constant(keras.ops.convert_to_numpy(gram_matrix(feats[n])))
            for n in self.style_layers
        ]
        # === Trackers ===
        self.trackers = {n: keras.metrics.Mean(name=n) for n in ("loss", "content", "style", "tv")}
        self.content_weight, self.style_weight, self.tv_weight = 1.0, 1.0, 0.0

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        content_weight: float = FastStyleConfig.content_weight,
        style_weight: float = FastStyleConfig.style_weight,
        tv_weight: float = FastStyleConfig.tv_weight,
        jit_compile: bool | str = "auto",
        **kwargs,
    ):
        """Sets the optimizer and the loss weights.

        Args:
            g_optimizer: keras optimizer; default Adam(1e-3) (paper).
            content_weight, style_weight, tv_weight: float. Weights of the three terms (on
                [-1, 1] images and caffe-scaled VGG features; see `losses.perceptual`).
            jit_compile: bool or "auto" (XLA only where a GPU is present).
        """
        super().compile(jit_compile=resolve_jit_compile(jit_compile), **kwargs)
        if min(content_weight, style_weight, tv_weight) < 0:
            raise ValueError(
                "Loss weights must be >= 0. Received: content_weight="
                f"{content_weight}, style_weight={style_weight}, tv_weight={tv_weight}"
            )
        self.content_weight = float(content_weight)
        self.style_weight = float(style_weight)
        self.tv_weight = float(tv_weight)
        self._set_optimizers({"generator": g_optimizer or FusedAdam(FastStyleConfig.lr)})
        self.g_optimizer = self.optimizers["generator"]

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, inputs, training: bool = False):
        return self.generator(inputs, training=training)

    def trainable_variables_of(self, optimizer_name: str) -> list:
        return self.networks[optimizer_name].trainable_variables

    def _loss_terms(self, x, y):
        fx = self.loss_network(x, training=False)
        fy = self.loss_network(y, training=False)
        c = tf.add_n([content_loss(fy[n], fx[n]) for n in self.content_layers]) / len(
            self.content_layers
        )
        s = style_loss(
            [fy[n] for n in self.style_layers], self.style_grams, self.style_layer_weights
        )
        tv = total_variation_loss(y)
        total = self.content_weight * c + self.style_weight * s + self.tv_weight * tv
        return {"loss": total, "content": c, "style": s, "tv": tv}

    def train_step(self, data):
        x = _images(data)
        with tf.GradientTape() as tape:
            y = self.generator(x, training=True)
            values = self._loss_terms(x, y)
            # Each replica's mean loss / replicas: the optimizer sums their gradients.
            scaled = self.g_optimizer.scale_loss(values["loss"] * replica_scale())
        g_vars = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(scaled, g_vars), g_vars)
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return self.report(self.trackers)

    def test_step(self, data):
        x = _images(data)
        values = self._loss_terms(x, self.generator(x, training=False))
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return self.report(self.trackers)

    def visuals(self, batch):
        x = np.asarray(_images(batch))
        style = tf.image.resize(self.style_image, x.shape[1:3], antialias=True).numpy()
        styles = np.repeat(style[None], len(x), axis=0)
        return ["content", "stylized", "style"], [x, self.generator(x, training=False), styles]
