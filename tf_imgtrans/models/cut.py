"""CUT and FastCUT: one-sided unpaired translation with patch-wise contrastive learning
(Park, Efros, Zhang, Zhu 2020)."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_imgtrans.checks import check_non_negative, check_positive_int
from tf_imgtrans.configs import CUT_MODES, CUTConfig, cut_mode_settings
from tf_imgtrans.distribute import replica_scale
from tf_imgtrans.losses import (
    check_gan_mode,
    discriminator_adversarial_loss,
    generator_adversarial_loss,
    l1_loss,
)
from tf_imgtrans.losses.contrastive import l2_normalize, patch_ids, patch_nce_loss, sample_patches
from tf_imgtrans.metrics import psnr, ssim
from tf_imgtrans.models.base import TranslationTrainer, resolve_jit_compile
from tf_imgtrans.models.cyclegan import split_batch
from tf_imgtrans.networks.contrastive import encoder_features, nce_layer_names, projection_heads

TRAIN_LOSSES = ("g_loss", "g_gan", "nce", "nce_idt", "d_loss", "d_real", "d_fake")
VAL_METRICS = ("idt_B",)
VAL_GROUND_TRUTH = ("psnr_AtoB", "ssim_AtoB")


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class CUT(TranslationTrainer):
    """Trains one generator G: A -> B from unpaired images against one discriminator D of
    domain B, with PatchNCE keeping each output patch tied to the input patch at its place:

        L_G = λ_GAN·GAN(G, D) + λ_NCE·NCE(A, G(A))                                  (FastCUT)
        L_G = λ_GAN·GAN(G, D) + λ_NCE·(NCE(A, G(A)) + NCE(B, G(B))) / 2             (CUT)

    NCE(x, y) takes the features of x and of y at `nce_layers` of G's encoder, the same
    `num_patches` random locations in both, passes each through its layer's MLP projection
    head (L2-normalised) and scores every patch of y against the patch of x at its location
    (the positive) and the other sampled patches of x (the negatives), averaged over the layers
    (`tf_imgtrans.losses.contrastive.patch_nce_loss`). FastCUT's flip-equivariance flips the
    step's inputs horizontally with probability 1/2 and the output features back, so
    G(flip(a)) must match a after flipping.

    Each `train_step` runs G once on the batch (with the B images for the identity term),
    updates D on real B and the fresh fakes (no image pool, LSGAN, halved), then G and the
    projection heads together (one optimizer: Adam's update is per variable, so this is the
    reference's two optimizers with equal settings) against the updated D, as the reference
    does. `test_step` reports |G(b) - b|₁ and, where the data has ground truth, PSNR/SSIM of
    G(a) against it.

    The heads' input widths are known from G's layers, so they are built with the trainer
    (the reference creates them on the first batch because PyTorch layers do not know their
    input sizes); a checkpoint restores into them before the first step.

    Args:
        generator: keras.Model. G: (bs, H, W, 3) in [-1, 1] -> domain B; a ResNet generator for
            `nce_layers="auto"`.
        discriminator: keras.Model. Patch logits for images of domain B.
        nce_layers: str. "auto" (the paper's five encoder layers of a ResNet generator) or
            comma-separated layer names of `generator`.
        projection_units: int. Width of the projection heads (paper: 256).
        seed: int, optional. Seeds the patch locations and flips (their state is checkpointed).

    Example:
    >>> from tf_imgtrans.networks import get_discriminator, get_generator
    >>> g = get_generator("resnet", n_blocks=1, ngf=4)
    >>> d = get_discriminator("patch", n_layers=1, ndf=4, input_channels=3, norm="instance")
    >>> model = CUT(g, d, projection_units=8)
    >>> model.compile(num_patches=16)
    >>> a = keras.random.uniform((2, 32, 32, 3), -1, 1)
    >>> history = model.fit(x=a, y=-a, batch_size=1, epochs=1, verbose=0)

    Reference:
        Park, Efros, Zhang, Zhu, "Contrastive Learning for Unpaired Image-to-Image
        Translation", ECCV 2020.
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        nce_layers: str = CUTConfig.nce_layers,
        projection_units: int = CUTConfig.projection_units,
        seed: int | None = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        # === Networks ===
        self.generator = generator
        self.discriminator = discriminator
        self.nce_layers = nce_layer_names(generator, nce_layers)
        # Views of G (its own layers, no weights of their own): G with the input's features;
        # the encoder alone, for the features of translated images.
        self._views = _Views(
            forward=encoder_features(generator, self.nce_layers, with_output=True),
            encoder=encoder_features(generator, self.nce_layers),
        )
        channels = [int(generator.get_layer(n).output.shape[-1]) for n in self.nce_layers]
        self.projection = projection_heads(channels, projection_units)
        self.networks = {
            "generator": generator,
            "discriminator": discriminator,
            "projection_heads": self.projection,
        }
        # === Patch locations and flips: a counter-based seed, kept in checkpoints ===
        self.sample_seed = self.add_weight(
            shape=(2,),
            initializer=keras.initializers.Constant([0 if seed is None else int(seed), 0]),
            dtype="int32",
            trainable=False,
            aggregation="only_first_replica",
            name="sample_seed",
        )
        # === Trackers ===
        self.trackers = {name: keras.metrics.Mean(name=name) for name in TRAIN_LOSSES}
        self.val_trackers = {
            name: keras.metrics.Mean(name=name) for name in VAL_METRICS + VAL_GROUND_TRUTH
        }
        # === Objective (set by compile) ===
        self.mode = CUTConfig.mode
        self.gan_mode = CUTConfig.gan_mode
        self.lambda_gan = CUTConfig.lambda_gan
        for name, value in CUT_MODES[self.mode].items():
            setattr(self, name, value)
        self.num_patches = CUTConfig.num_patches
        self.nce_temperature = CUTConfig.nce_temperature

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        mode: str = CUTConfig.mode,
        gan_mode: str = CUTConfig.gan_mode,
        lambda_gan: float = CUTConfig.lambda_gan,
        lambda_nce: float | None = None,
        nce_idt: bool | None = None,
        flip_equivariance: bool | None = None,
        num_patches: int = CUTConfig.num_patches,
        nce_temperature: float = CUTConfig.nce_temperature,
        jit_compile: bool | str = "auto",
        r1_gamma: float = CUTConfig.r1_gamma,
        r1_every: int = CUTConfig.r1_every,
        ema_decay: float = CUTConfig.ema_decay,
        **kwargs,
    ):
        """Sets the optimizers and the objective.

        Args:
            g_optimizer: keras optimizer for the generator and the projection heads; default
                Adam(2e-4, β1=0.5).
            d_optimizer: keras optimizer for the discriminator; default Adam(2e-4, β1=0.5).
            mode: str. "cut" or "fastcut": the defaults of the three settings below.
            gan_mode: str. "lsgan" (paper), "vanilla" or "hinge".
            lambda_gan: float. Weight of the generator's GAN loss (paper: 1).
            lambda_nce: float, optional. Weight of PatchNCE (None: CUT 1, FastCUT 10).
            nce_idt: bool, optional. The identity PatchNCE on B images (None: CUT yes, FastCUT
                no).
            flip_equivariance: bool, optional. (None: FastCUT yes, CUT no).
            num_patches: int. Patches per layer and image (paper: 256; all positions where a
                layer has fewer).
            nce_temperature: float. τ of PatchNCE (paper: 0.07).
            jit_compile: bool or "auto" (XLA only where a GPU is present).
            r1_gamma: float. R1 penalty γ on the discriminator's real images (0: off).
            r1_every: int. Lazy R1: every k-th discriminator step, weighted by k.
            ema_decay: float. β of the generator's EMA (0: none), which then translates,
                samples, evaluates and is saved.
        """
        super().compile(jit_compile=resolve_jit_compile(jit_compile), **kwargs)
        settings = cut_mode_settings(
            mode, lambda_nce=lambda_nce, nce_idt=nce_idt, flip_equivariance=flip_equivariance
        )
        settings.pop("epochs")
        self.mode = mode
        self.gan_mode = check_gan_mode(gan_mode)
        self.set_stabilisers(r1_gamma, r1_every, ema_decay, ["generator"])
        self.lambda_gan = check_non_negative("lambda_gan", lambda_gan)
        self.lambda_nce = check_non_negative("lambda_nce", settings["lambda_nce"])
        self.nce_temperature = check_non_negative("nce_temperature", nce_temperature, True)
        self.num_patches = check_positive_int("num_patches", num_patches)
        self.nce_idt = bool(settings["nce_idt"])
        self.flip_equivariance = bool(settings["flip_equivariance"])
        self._set_optimizers({"generator": g_optimizer, "discriminator": d_optimizer})
        self.g_optimizer = self.optimizers["generator"]
        self.d_optimizer = self.optimizers["discriminator"]

    @property
    def metrics(self):
        return [*self.trackers.values(), *self.val_trackers.values()]

    def call(self, inputs, training: bool = False):
        """Translates images of domain A; given an `(a, b)` pair, translates `a`."""
        if isinstance(inputs, (tuple, list)):
            inputs = inputs[0]
        return self.inference_network("generator")(inputs, training=training)

    def build(self, input_shape):
        self.built = True  # the networks are built when they are made

    def trainable_variables_of(self, optimizer_name: str) -> list:
        if optimizer_name == "generator":
            return self.generator.trainable_variables + self.projection.trainable_variables
        return self.discriminator.trainable_variables

    def extra_state(self) -> dict[str, keras.Variable]:
        """The seed of the patch locations and flips, for exact resumes."""
        return {"sample_seed": self.sample_seed}

    def _next_seed(self) -> tf.Tensor:
        seed = tf.identity(self.sample_seed)
        self.sample_seed.assign(seed + tf.constant([0, 1], tf.int32))
        return seed

    def nce_loss(self, source_features, output_features, seed) -> tf.Tensor:
        """PatchNCE of output images against their source images from their features at the
        NCE layers (lists of (B, H, W, C) maps): each image's loss (B,), averaged over the
        layers; the same `num_patches` locations per layer in every image and in both."""
        keys, queries = [], []
        for i, (src, out) in enumerate(zip(source_features, output_features, strict=True)):
            positions = tf.shape(src)[1] * tf.shape(src)[2]  # any image size
            ids = patch_ids(
                positions, self.num_patches, tf.random.experimental.stateless_fold_in(seed, i)
            )
            keys.append(sample_patches(src, ids))
            queries.append(sample_patches(out, ids))
        keys = self.projection(keys, training=True)
        queries = self.projection(queries, training=True)
        losses = [
            patch_nce_loss(l2_normalize(q), l2_normalize(k), self.nce_temperature)
            for q, k in zip(queries, keys, strict=True)
        ]
        return tf.add_n(losses) / len(losses)

    def generator_losses(self, real_a, real_b, seed, training: bool = True) -> dict[str, tf.Tensor]:
        """Every term of the generator's objective but the GAN term, and the images: "fake_b"
        (G(a)), "idt_b" (G(b), with the identity term), "nce" (NCE(a, G(a)), unweighted),
        "nce_idt" (NCE(b, G(b)), 0 without the identity term)."""
        n = tf.shape(real_a)[0]
        real = tf.concat([real_a, real_b], axis=0) if self.nce_idt else real_a
        flip = tf.constant(False)
        if self.flip_equivariance and training:
            draw = tf.random.stateless_uniform(
                (), seed=tf.random.experimental.stateless_fold_in(seed, 1_000_003)
            )
            flip = draw < 0.5
        x = tf.where(flip, tf.reverse(real, axis=[2]), real) if self.flip_equivariance else real
        fake, *source_features = self._views.forward(x, training=training)
        output_features = self._views.encoder(fake, training=training)
        if self.flip_equivariance:
            # The sources unflipped, the outputs' features flipped back to their places.
            source_features = self._views.encoder(real, training=training)
            output_features = [tf.where(flip, tf.reverse(f, axis=[2]), f) for f in output_features]
            fake = tf.where(flip, tf.reverse(fake, axis=[2]), fake)
        per_image = self.nce_loss(
            [tf.stop_gradient(f) for f in source_features], output_features, seed
        )
        out = {"fake_b": fake[:n], "nce": tf.reduce_mean(per_image[:n])}
        if self.nce_idt:
            out["idt_b"] = fake[n:]
            out["nce_idt"] = tf.reduce_mean(per_image[n:])
        else:
            out["nce_idt"] = tf.constant(0.0)
        return out

    def train_step(self, data):
        real_a, real_b, _ = split_batch(data)
        scale = replica_scale()  # the optimizer sums the replicas' gradients
        seed = self._next_seed()
        g_vars = self.trainable_variables_of("generator")
        with tf.GradientTape(watch_accessed_variables=False) as g_tape:
            g_tape.watch([v.value for v in g_vars])
            g = self.generator_losses(real_a, real_b, seed, training=True)
            fake_b = g["fake_b"]

            # --- Discriminator first, on real B and this step's fakes (no pool), halved ---
            d_vars = self.trainable_variables_of("discriminator")
            with tf.GradientTape() as d_tape:
                d_loss, d_real, d_fake = discriminator_adversarial_loss(
                    self.discriminator(real_b, training=True),
                    self.discriminator(tf.stop_gradient(fake_b), training=True),
                    self.gan_mode,
                )
                r1 = self.r1_term(
                    self.d_optimizer.iterations,
                    lambda x: self.discriminator(x, training=True),
                    real_b,
                )
                d_scaled = self.d_optimizer.scale_loss((d_loss + r1) * scale)
            self.d_optimizer.apply(d_tape.gradient(d_scaled, d_vars), d_vars)

            # --- Generator and projection heads, against the updated discriminator ---
            g_gan = generator_adversarial_loss(
                self.discriminator(fake_b, training=True), self.gan_mode
            )
            nce = (g["nce"] + g["nce_idt"]) / 2 if self.nce_idt else g["nce"]
            g_loss = self.lambda_gan * g_gan + self.lambda_nce * nce
            g_scaled = self.g_optimizer.scale_loss(g_loss * scale)
        self.g_optimizer.apply(g_tape.gradient(g_scaled, g_vars), g_vars)
        self.update_emas(self.g_optimizer.iterations - 1)

        values = {
            "g_loss": g_loss,
            "g_gan": g_gan,
            "nce": g["nce"],
            "nce_idt": g["nce_idt"],
            "d_loss": d_loss,
            "d_real": d_real,
            "d_fake": d_fake,
        }
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return self.report(self.trackers)

    def test_step(self, data):
        real_a, real_b, targets = split_batch(data)
        g = self.inference_network("generator")
        self.val_trackers["idt_B"].update_state(l1_loss(real_b, g(real_b, training=False)))
        names = VAL_METRICS
        if targets is not None:
            fake_b = g(real_a, training=False)
            self.val_trackers["psnr_AtoB"].update_state(psnr(fake_b, targets[0]))
            self.val_trackers["ssim_AtoB"].update_state(ssim(fake_b, targets[0]))
            names = VAL_METRICS + VAL_GROUND_TRUTH
        return self.report({name: self.val_trackers[name] for name in names})

    def visuals(self, batch):
        real_a, real_b, _ = split_batch(batch)
        g = self.inference_network("generator")
        fake_b = g(real_a, training=False)
        idt_b = g(real_b, training=False)
        return ["real A", "A->B", "real B", "B->B (identity)"], [real_a, fake_b, real_b, idt_b]


class _Views:
    """Plain holder (not tracked by Keras, so G's weights are not counted twice)."""

    def __init__(self, forward: keras.Model, encoder: keras.Model):
        self.forward = forward
        self.encoder = encoder
