"""CycleGAN: unpaired image-to-image translation with cycle consistency (Zhu et al. 2017)."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_imgtrans.checks import check_non_negative, check_positive_int
from tf_imgtrans.configs import CycleGANConfig
from tf_imgtrans.distribute import replica_scale
from tf_imgtrans.layers.image_pool import ImagePool
from tf_imgtrans.losses import (
    check_gan_mode,
    discriminator_adversarial_loss,
    generator_adversarial_loss,
    l1_loss,
)
from tf_imgtrans.metrics import psnr, ssim
from tf_imgtrans.models.base import TranslationTrainer, resolve_jit_compile

TRAIN_LOSSES = (
    "g_loss",
    "g_gan_AtoB",
    "g_gan_BtoA",
    "cycle_A",
    "cycle_B",
    "idt_A",
    "idt_B",
    "d_A",
    "d_B",
)
VAL_METRICS = ("cycle_A", "cycle_B", "idt_A", "idt_B")
VAL_GROUND_TRUTH = ("psnr_AtoB", "ssim_AtoB", "psnr_BtoA", "ssim_BtoA")


def split_batch(data) -> tuple[tf.Tensor, tf.Tensor, tuple | None]:
    """(real_a, real_b, ground truth or None) from a batch of an unpaired dataset: `(a, b)`, or
    `((a, b), (target_of_a, target_of_b))` where ground truth exists (the other domain's picture
    of the same scene, as `load_unpaired_dataset(..., paired=True)` yields)."""
    if isinstance(data[0], (tuple, list)):
        (a, b), targets = data[0], data[1]
        return a, b, tuple(targets)
    return data[0], data[1], None


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class CycleGAN(TranslationTrainer):
    """Trains two generators G_AB: A -> B and G_BA: B -> A from unpaired images, each against
    a discriminator of its output domain (D_B judges B images, D_A judges A images), with

        L = GAN(G_AB, D_B) + GAN(G_BA, D_A)
            + λ·(|G_BA(G_AB(a)) - a|₁ + |G_AB(G_BA(b)) - b|₁)            (cycle consistency)
            + λ_idt·λ·(|G_AB(b) - b|₁ + |G_BA(a) - a|₁)                  (identity)

    Each `train_step` runs both generators, updates them together on L with the discriminators
    fixed, then updates D_A and D_B on real images and on fakes drawn from the image pools, their
    losses halved, as the reference implementation does. `test_step` reports the cycle and
    identity L1 of held-out images and, where the data has ground truth (a paired test split),
    PSNR/SSIM of both translations against it; `fit` logs them with a `val_` prefix.

    The reference implementation calls the discriminator of domain B "D_A" (it judges G_A's
    outputs); here each discriminator is named after the domain it judges.

    Args:
        generator_ab: keras.Model. Maps images of domain A to domain B, (bs, H, W, 3) in [-1, 1].
        generator_ba: keras.Model. Maps images of domain B to domain A.
        discriminator_a: keras.Model. Patch logits for images of domain A (3 input channels).
        discriminator_b: keras.Model. Patch logits for images of domain B.

    Example:
    >>> from tf_imgtrans.networks import get_discriminator, get_generator
    >>> g = lambda: get_generator("resnet", n_blocks=1, ngf=4)
    >>> d = lambda: get_discriminator("patch", n_layers=1, ndf=4, input_channels=3,
    ...                               norm="instance")
    >>> model = CycleGAN(g(), g(), d(), d())
    >>> model.compile(pool_size=4)
    >>> a = keras.random.uniform((2, 32, 32, 3), -1, 1)
    >>> history = model.fit(x=a, y=-a, batch_size=1, epochs=1, verbose=0)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017.
    """

    def __init__(
        self,
        generator_ab: keras.Model,
        generator_ba: keras.Model,
        discriminator_a: keras.Model,
        discriminator_b: keras.Model,
        **kwargs,
    ):
        super().__init__(**kwargs)
        # === Networks ===
        self.generator_ab = generator_ab
        self.generator_ba = generator_ba
        self.discriminator_a = discriminator_a
        self.discriminator_b = discriminator_b
        self.networks = {
            "generator_AtoB": generator_ab,
            "generator_BtoA": generator_ba,
            "discriminator_A": discriminator_a,
            "discriminator_B": discriminator_b,
        }
        # === Trackers ===
        self.trackers = {name: keras.metrics.Mean(name=name) for name in TRAIN_LOSSES}
        self.val_trackers = {
            name: keras.metrics.Mean(name=name) for name in VAL_METRICS + VAL_GROUND_TRUTH
        }
        # === Objective (set by compile) ===
        self.gan_mode = CycleGANConfig.gan_mode
        self.lambda_cycle = CycleGANConfig.lambda_cycle
        self.lambda_identity = CycleGANConfig.lambda_identity
        pool_size = CycleGANConfig.pool_size
        self.pool_a = ImagePool(pool_size, name="pool_A")  # fakes of domain A, for D_A
        self.pool_b = ImagePool(pool_size, name="pool_B")  # fakes of domain B, for D_B

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        gan_mode: str = CycleGANConfig.gan_mode,
        lambda_cycle: float = CycleGANConfig.lambda_cycle,
        lambda_identity: float = CycleGANConfig.lambda_identity,
        pool_size: int = CycleGANConfig.pool_size,
        jit_compile: bool | str = "auto",
        r1_gamma: float = CycleGANConfig.r1_gamma,
        r1_every: int = CycleGANConfig.r1_every,
        ema_decay: float = CycleGANConfig.ema_decay,
        **kwargs,
    ):
        """Sets the optimizers and the objective.

        Args:
            g_optimizer: keras optimizer for both generators (updated together); default
                Adam(2e-4, β1=0.5).
            d_optimizer: keras optimizer for both discriminators; default Adam(2e-4, β1=0.5).
            gan_mode: str. "lsgan" (paper), "vanilla" or "hinge".
            lambda_cycle: float. Weight λ of each cycle-consistency L1 term (paper: 10).
            lambda_identity: float. Weight of each identity L1 term relative to λ (paper: 0.5,
                i.e. 0.5·λ = 5); 0 disables the identity loss and skips its forward passes.
            pool_size: int. Fakes kept per domain for the discriminators (paper: 50); 0 shows
                them only the newest fakes.
            jit_compile: bool or "auto" (XLA only where a GPU is present).
            r1_gamma: float. R1 penalty γ on each discriminator's real images (0: off).
            r1_every: int. Lazy R1: every k-th discriminator step, weighted by k.
            ema_decay: float. β of both generators' EMA (0: none), which then translate,
                sample, evaluate and are saved.
        """
        super().compile(jit_compile=resolve_jit_compile(jit_compile), **kwargs)
        self.gan_mode = check_gan_mode(gan_mode)
        self.set_stabilisers(r1_gamma, r1_every, ema_decay, ["generator_AtoB", "generator_BtoA"])
        self.lambda_cycle = check_non_negative("lambda_cycle", lambda_cycle)
        self.lambda_identity = check_non_negative("lambda_identity", lambda_identity)
        check_positive_int("pool_size", pool_size, minimum=0)
        for pool in (self.pool_a, self.pool_b):
            if pool.pool_size != pool_size:
                if pool.built:
                    raise ValueError(
                        f"The image pools already hold {pool.pool_size} images; `pool_size` "
                        f"cannot change after training started. Received: pool_size={pool_size}"
                    )
                pool.pool_size = pool_size
        self._set_optimizers({"generators": g_optimizer, "discriminators": d_optimizer})
        self.g_optimizer = self.optimizers["generators"]
        self.d_optimizer = self.optimizers["discriminators"]

    @property
    def metrics(self):
        return [*self.trackers.values(), *self.val_trackers.values()]

    @property
    def pool_size(self) -> int:
        return self.pool_a.pool_size

    def call(self, inputs, training: bool = False):
        """Translates images of domain A with G_AB; given an `(a, b)` pair, translates `a`."""
        if isinstance(inputs, (tuple, list)):
            inputs = inputs[0]
        return self.inference_network("generator_AtoB")(inputs, training=training)

    def trainable_variables_of(self, optimizer_name: str) -> list:
        if optimizer_name == "generators":
            return self.generator_ab.trainable_variables + self.generator_ba.trainable_variables
        return self.discriminator_a.trainable_variables + self.discriminator_b.trainable_variables

    def build_pools(self, image_shape: tuple[int, int, int]) -> None:
        """Creates the pools' variables for images of `image_shape` (H, W, C) now rather than at
        the first training step, so that a checkpoint can be restored into them."""
        for pool in (self.pool_a, self.pool_b):
            if not pool.built:
                pool.build((None, *image_shape))

    def build(self, input_shape):
        """The networks are built already; builds the pools when the image size is known
        (`model.build((None, H, W, 3))` does the same as `build_pools((H, W, 3))`)."""
        if input_shape and isinstance(input_shape[0], (tuple, list)):
            input_shape = input_shape[0]  # an (a, b) pair
        if input_shape is not None and len(input_shape) == 4 and None not in input_shape[1:]:
            self.build_pools(tuple(input_shape[1:]))
        self.built = True

    def extra_state(self) -> dict[str, keras.Variable]:
        """Both image pools (stored images, fill counts, RNG states), for exact resumes."""
        state = {}
        for domain, pool in (("A", self.pool_a), ("B", self.pool_b)):
            for name, var in pool.state_variables().items():
                state[f"pool_{domain}.{name}"] = var
        return state

    def generator_losses(
        self, real_a, real_b, training: bool = True, inference: bool = False
    ) -> dict[str, tf.Tensor]:
        """Every term of the generators' objective for one batch, and the generated images
        (`inference`: made by the inference generators, the EMA copies where there are some).

        Returns:
            dict with the losses "g_loss" (the weighted total), "g_gan_AtoB" (G_AB against D_B),
            "g_gan_BtoA", "cycle_A" (|G_BA(G_AB(a)) - a|₁), "cycle_B", "idt_A" (|G_BA(a) - a|₁),
            "idt_B" (|G_AB(b) - b|₁), unweighted, and the images "fake_b", "fake_a", "rec_a",
            "rec_b". Identity terms are 0 when `lambda_identity` is 0.
        """
        g_ab, g_ba = self.generator_ab, self.generator_ba
        if inference:
            g_ab = self.inference_network("generator_AtoB")
            g_ba = self.inference_network("generator_BtoA")
        fake_b = g_ab(real_a, training=training)
        fake_a = g_ba(real_b, training=training)
        rec_a = g_ba(fake_b, training=training)
        rec_b = g_ab(fake_a, training=training)
        out = {
            "g_gan_AtoB": generator_adversarial_loss(
                self.discriminator_b(fake_b, training=training), self.gan_mode
            ),
            "g_gan_BtoA": generator_adversarial_loss(
                self.discriminator_a(fake_a, training=training), self.gan_mode
            ),
            "cycle_A": l1_loss(real_a, rec_a),
            "cycle_B": l1_loss(real_b, rec_b),
        }
        if self.lambda_identity > 0:
            out["idt_A"] = l1_loss(real_a, g_ba(real_a, training=training))
            out["idt_B"] = l1_loss(real_b, g_ab(real_b, training=training))
        else:
            out["idt_A"] = out["idt_B"] = tf.constant(0.0)
        lam, lam_idt = self.lambda_cycle, self.lambda_cycle * self.lambda_identity
        out["g_loss"] = (
            out["g_gan_AtoB"]
            + out["g_gan_BtoA"]
            + lam * (out["cycle_A"] + out["cycle_B"])
            + lam_idt * (out["idt_A"] + out["idt_B"])
        )
        out.update(fake_b=fake_b, fake_a=fake_a, rec_a=rec_a, rec_b=rec_b)
        return out

    def train_step(self, data):
        real_a, real_b, _ = split_batch(data)
        scale = replica_scale()  # the optimizer sums the replicas' gradients
        # --- Generators, together, against the current discriminators ---
        g_vars = self.trainable_variables_of("generators")
        with tf.GradientTape() as g_tape:
            g = self.generator_losses(real_a, real_b, training=True)
            g_scaled = self.g_optimizer.scale_loss(g["g_loss"] * scale)
        self.g_optimizer.apply(g_tape.gradient(g_scaled, g_vars), g_vars)
        self.update_emas(self.g_optimizer.iterations - 1)

        # --- Discriminators: real images vs fakes from the history pools (halved losses) ---
        pooled_b = self.pool_b(tf.stop_gradient(g["fake_b"]))
        pooled_a = self.pool_a(tf.stop_gradient(g["fake_a"]))
        d_vars = self.trainable_variables_of("discriminators")
        with tf.GradientTape() as d_tape:
            d_a, _, _ = discriminator_adversarial_loss(
                self.discriminator_a(real_a, training=True),
                self.discriminator_a(pooled_a, training=True),
                self.gan_mode,
            )
            d_b, _, _ = discriminator_adversarial_loss(
                self.discriminator_b(real_b, training=True),
                self.discriminator_b(pooled_b, training=True),
                self.gan_mode,
            )
            step = self.d_optimizer.iterations
            r1 = self.r1_term(
                step, lambda x: self.discriminator_a(x, training=True), real_a
            ) + self.r1_term(step, lambda x: self.discriminator_b(x, training=True), real_b)
            d_scaled = self.d_optimizer.scale_loss((d_a + d_b + r1) * scale)
        self.d_optimizer.apply(d_tape.gradient(d_scaled, d_vars), d_vars)

        values = {name: g[name] for name in TRAIN_LOSSES if name in g}
        values.update(d_A=d_a, d_B=d_b)
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return self.report(self.trackers)

    def test_step(self, data):
        real_a, real_b, targets = split_batch(data)
        g = self.generator_losses(real_a, real_b, training=False, inference=True)
        names = VAL_METRICS
        for name in VAL_METRICS:
            self.val_trackers[name].update_state(g[name])
        if targets is not None:
            target_of_a, target_of_b = targets
            self.val_trackers["psnr_AtoB"].update_state(psnr(g["fake_b"], target_of_a))
            self.val_trackers["ssim_AtoB"].update_state(ssim(g["fake_b"], target_of_a))
            self.val_trackers["psnr_BtoA"].update_state(psnr(g["fake_a"], target_of_b))
            self.val_trackers["ssim_BtoA"].update_state(ssim(g["fake_a"], target_of_b))
            names = VAL_METRICS + VAL_GROUND_TRUTH
        return self.report({name: self.val_trackers[name] for name in names})

    def visuals(self, batch):
        real_a, real_b, _ = split_batch(batch)
        g = self.generator_losses(real_a, real_b, training=False, inference=True)
        fake_b, fake_a, rec_a, rec_b = g["fake_b"], g["fake_a"], g["rec_a"], g["rec_b"]
        titles = ["real A", "A->B", "A->B->A", "real B", "B->A", "B->A->B"]
        return titles, [real_a, fake_b, rec_a, real_b, fake_a, rec_b]
