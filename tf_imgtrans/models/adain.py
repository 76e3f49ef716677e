"""AdaIN: training the decoder of arbitrary style transfer (Huang & Belongie 2017)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.configs import AdaINConfig
from tf_imgtrans.distribute import replica_scale
from tf_imgtrans.layers import adain, feature_stats
from tf_imgtrans.losses.perceptual import adain_style_loss, content_loss
from tf_imgtrans.models.base import FusedAdam, TranslationTrainer, resolve_jit_compile
from tf_imgtrans.networks.adain import ADAIN_LAYERS, adain_stylizer


class AdaIN(TranslationTrainer):
    """Trains the AdaIN decoder g with a frozen VGG encoder f:
    t = AdaIN(f(c), f(s)), L = mean(f(g(t)) − t)² + style_weight · Σ_l (mean(μ_l(g(t)) − μ_l(s))²
    + mean(σ_l(g(t)) − σ_l(s))²) over relu1_1 … relu4_1.

    `fit` takes batches of (content images, style images) in [-1, 1], both (bs, H, W, 3); each
    content image is paired with the style image at the same position. Only the decoder is trained.

    Args:
        encoder: keras.Model. `adain_encoder(...)`: images to {relu1_1, …, relu4_1}.
        decoder: keras.Model. `adain_decoder(...)`: relu4_1 features to images.

    Example:
    >>> from tf_imgtrans.networks import adain_decoder, adain_encoder
    >>> model = AdaIN(adain_encoder(weights=None), adain_decoder())
    >>> model.compile()
    >>> c, s = keras.random.uniform((2, 2, 32, 32, 3), -1, 1)
    >>> history = model.fit(x=c, y=s, epochs=1, verbose=0)

    Reference:
        Huang & Belongie, "Arbitrary Style Transfer in Real-time with Adaptive Instance
        Normalization", ICCV 2017.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        super().__init__(**kwargs)
        # === Networks ===
        self.encoder = encoder
        self.encoder.trainable = False
        self.decoder = decoder
        self.networks = {"decoder": decoder}
        missing = [n for n in ADAIN_LAYERS if n not in encoder.output]
        if missing:
            raise ValueError(
                f"The encoder does not return the layers {missing}; build it with adain_encoder()."
            )
        # === Trackers ===
        self.trackers = {n: keras.metrics.Mean(name=n) for n in ("loss", "content", "style")}
        self.content_weight, self.style_weight = 1.0, 10.0

    def compile(
        self,
        optimizer: keras.optimizers.Optimizer | None = None,
        content_weight: float = AdaINConfig.content_weight,
        style_weight: float = AdaINConfig.style_weight,
        jit_compile: bool | str = "auto",
        **kwargs,
    ):
        """Sets the decoder's optimizer and the loss weights.

        Args:
            optimizer: keras optimizer; default Adam(1e-4) (paper).
            content_weight: float. Weight of the content loss (paper: 1).
            style_weight: float. Weight λ of the style loss (paper: 10).
            jit_compile: bool or "auto" (XLA only where a GPU is present).
        """
        super().compile(jit_compile=resolve_jit_compile(jit_compile), **kwargs)
        if min(content_weight, style_weight) < 0:
            raise ValueError(
                f"Loss weights must be >= 0. Received: content_weight={content_weight}, "
                f"style_weight={style_weight}"
            )
        self.content_weight = float(content_weight)
        self.style_weight = float(style_weight)
        self._set_optimizers({"decoder": optimizer or FusedAdam(AdaINConfig.lr)})
        self.d_optimizer = self.optimizers["decoder"]

    @property
    def metrics(self):
        return list(self.trackers.values())

    def trainable_variables_of(self, optimizer_name: str) -> list:
        return self.networks[optimizer_name].trainable_variables

    def call(self, inputs, training: bool = False):
        content, style = inputs
        c = self.encoder(content, training=False)[ADAIN_LAYERS[-1]]
        s = self.encoder(style, training=False)[ADAIN_LAYERS[-1]]
        return self.decoder(adain(c, *feature_stats(s)), training=training)

    def _loss_terms(self, content, style, training: bool):
        c = self.encoder(content, training=False)[ADAIN_LAYERS[-1]]
        s_feats = self.encoder(style, training=False)
        t = adain(c, *feature_stats(s_feats[ADAIN_LAYERS[-1]]))
        out = self.decoder(t, training=training)
        g_feats = self.encoder(out, training=False)
        lc = content_loss(g_feats[ADAIN_LAYERS[-1]], t)
        ls = adain_style_loss(
            [g_feats[n] for n in ADAIN_LAYERS], [s_feats[n] for n in ADAIN_LAYERS]
        )
        total = self.content_weight * lc + self.style_weight * ls
        return {"loss": total, "content": lc, "style": ls}

    def train_step(self, data):
        content, style = data[0], data[1]
        with tf.GradientTape() as tape:
            values = self._loss_terms(content, style, training=True)
            # Each replica's mean loss / replicas: the optimizer sums their gradients.
            scaled = self.d_optimizer.scale_loss(values["loss"] * replica_scale())
        d_vars = self.decoder.trainable_variables
        self.d_optimizer.apply(tape.gradient(scaled, d_vars), d_vars)
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return self.report(self.trackers)

    def test_step(self, data):
        values = self._loss_terms(data[0], data[1], training=False)
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return self.report(self.trackers)

    def stylizer(self, alpha: float = 1.0) -> keras.Model:
        """The inference model (content, style) -> stylized image, sharing this trainer's
        encoder and decoder (see `adain_stylizer`)."""
        return adain_stylizer(self.encoder, self.decoder, alpha=alpha)

    def visuals(self, batch):
        content, style = np.asarray(batch[0]), np.asarray(batch[1])
        return ["content", "style", "stylized"], [content, style, self.stylizer()([content, style])]
