"""Pix2Pix: conditional GAN for paired image-to-image translation (Isola et al. 2017)."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_imgtrans.configs import Pix2PixConfig
from tf_imgtrans.distribute import replica_scale
from tf_imgtrans.losses import (
    check_gan_mode,
    discriminator_adversarial_loss,
    generator_adversarial_loss,
    l1_loss,
)
from tf_imgtrans.metrics import psnr, ssim
from tf_imgtrans.models.base import TranslationTrainer, resolve_jit_compile


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class Pix2Pix(TranslationTrainer):
    """Trains a generator G: input -> target against a conditional PatchGAN D with
    L = cGAN(G, D) + λ·L1(G).

    Each `train_step` (one tape per network) first updates D on (input, target) as real and
    (input, G(input)) as fake, then updates G on the adversarial loss against the updated D plus
    λ·L1, as the reference implementation does. `test_step` reports L1, PSNR and SSIM of G's output
    (inference mode) against the target; `fit` logs them with a `val_` prefix.

    Args:
        generator: keras.Model. Maps (bs, H, W, 3) in [-1, 1] to (bs, H, W, 3) in [-1, 1].
        discriminator: keras.Model. Maps the input and an image, concatenated on channels
            (bs, H, W, 6), to patch logits.

    Example:
    >>> from tf_imgtrans.networks import get_generator, get_discriminator
    >>> model = Pix2Pix(get_generator("unet", num_downs=6, ngf=8),
    ...                 get_discriminator("patch", n_layers=2, ndf=8))
    >>> model.compile()
    >>> x = keras.random.uniform((2, 64, 64, 3), -1, 1)
    >>> history = model.fit(x=x, y=x, epochs=1, verbose=0)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(**kwargs)
        # === Networks ===
        self.generator = generator
        self.discriminator = discriminator
        self.networks = {"generator": generator, "discriminator": discriminator}
        # === Trackers ===
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("g_loss", "g_gan", "g_l1", "d_loss", "d_real", "d_fake")
        }
        self.val_trackers = {name: keras.metrics.Mean(name=name) for name in ("l1", "psnr", "ssim")}
        self.gan_mode = Pix2PixConfig.gan_mode
        self.lambda_l1 = Pix2PixConfig.lambda_l1

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        gan_mode: str = Pix2PixConfig.gan_mode,
        lambda_l1: float = Pix2PixConfig.lambda_l1,
        jit_compile: bool | str = "auto",
        r1_gamma: float = Pix2PixConfig.r1_gamma,
        r1_every: int = Pix2PixConfig.r1_every,
        ema_decay: float = Pix2PixConfig.ema_decay,
        **kwargs,
    ):
        """Sets the optimizers and the objective.

        Args:
            g_optimizer: keras optimizer for the generator; default Adam(2e-4, β1=0.5).
            d_optimizer: keras optimizer for the discriminator; default Adam(2e-4, β1=0.5).
            gan_mode: str. "vanilla" (paper: BCE with logits), "lsgan" or "hinge".
            lambda_l1: float. Weight λ of the L1 term (paper: 100).
            jit_compile: bool or "auto" (XLA only where a GPU is present).
            r1_gamma: float. R1 penalty γ on real targets (0: off; `models.stability`).
            r1_every: int. Lazy R1: every k-th discriminator step, weighted by k.
            ema_decay: float. β of the generator's EMA (0: none), which then translates,
                samples, evaluates and is saved.
        """
        super().compile(jit_compile=resolve_jit_compile(jit_compile), **kwargs)
        self.gan_mode = check_gan_mode(gan_mode)
        self.set_stabilisers(r1_gamma, r1_every, ema_decay, ["generator"])
        if lambda_l1 < 0:
            raise ValueError(f"`lambda_l1` must be >= 0. Received: lambda_l1={lambda_l1}")
        self.lambda_l1 = float(lambda_l1)
        self._set_optimizers({"generator": g_optimizer, "discriminator": d_optimizer})
        self.g_optimizer = self.optimizers["generator"]
        self.d_optimizer = self.optimizers["discriminator"]

    @property
    def metrics(self):
        return [*self.trackers.values(), *self.val_trackers.values()]

    def call(self, inputs, training: bool = False):
        return self.inference_network("generator")(inputs, training=training)

    def trainable_variables_of(self, optimizer_name: str) -> list:
        return self.networks[optimizer_name].trainable_variables

    def _discriminate(self, condition, image):
        return self.discriminator(tf.concat([condition, image], axis=-1), training=True)

    def train_step(self, data):
        x, y = data[0], data[1]
        scale = replica_scale()  # the optimizer sums the replicas' gradients
        with tf.GradientTape() as g_tape:
            fake = self.generator(x, training=True)
            # --- D: real pairs vs generated pairs (no gradient into G) ---
            with g_tape.stop_recording(), tf.GradientTape() as d_tape:
                real_logits = self._discriminate(x, y)
                fake_logits = self._discriminate(x, tf.stop_gradient(fake))
                d_loss, d_real, d_fake = discriminator_adversarial_loss(
                    real_logits, fake_logits, self.gan_mode
                )
                r1 = self.r1_term(
                    self.d_optimizer.iterations, lambda image: self._discriminate(x, image), y
                )
                d_scaled = self.d_optimizer.scale_loss((d_loss + r1) * scale)
            d_vars = self.discriminator.trainable_variables
            self.d_optimizer.apply(d_tape.gradient(d_scaled, d_vars), d_vars)
            # --- G: fool the updated D, and stay close to the target ---
            g_gan = generator_adversarial_loss(self._discriminate(x, fake), self.gan_mode)
            g_l1 = l1_loss(y, fake)
            g_loss = g_gan + self.lambda_l1 * g_l1
            g_scaled = self.g_optimizer.scale_loss(g_loss * scale)
        g_vars = self.generator.trainable_variables
        self.g_optimizer.apply(g_tape.gradient(g_scaled, g_vars), g_vars)
        self.update_emas(self.g_optimizer.iterations - 1)

        values = {
            "g_loss": g_loss,
            "g_gan": g_gan,
            "g_l1": g_l1,
            "d_loss": d_loss,
            "d_real": d_real,
            "d_fake": d_fake,
        }
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return self.report(self.trackers)

    def test_step(self, data):
        x, y = data[0], data[1]
        fake = self.inference_network("generator")(x, training=False)
        self.val_trackers["l1"].update_state(l1_loss(y, fake))
        self.val_trackers["psnr"].update_state(psnr(fake, y))
        self.val_trackers["ssim"].update_state(ssim(fake, y))
        return self.report(self.val_trackers)

    def visuals(self, batch):
        x, y = batch[0], batch[1]
        fake = self.inference_network("generator")(x, training=False)
        return ["input", "output", "target"], [x, fake, y]
