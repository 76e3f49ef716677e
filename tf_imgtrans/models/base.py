"""What every trainer shares: named networks and optimizers, visuals for sample grids."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_imgtrans.configs import GANConfig
from tf_imgtrans.models.stability import (
    check_stabilisers,
    ema_copy,
    ema_decay_at,
    lazy_r1,
    update_ema,
)
from tf_imgtrans.precision import compute_dtype, loss_scaled


def _handle(variable):
    return (variable.value if isinstance(variable, keras.Variable) else variable).handle


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class FusedAdam(keras.optimizers.Adam):
    """`keras.optimizers.Adam` whose update is TensorFlow's fused `ResourceApplyAdam` kernel.

    Same formula, arguments and state (checkpoints are interchangeable), but each variable and its
    two moments are updated in one pass instead of Keras' five element-wise operations: about half
    the memory traffic. On the 2-core CPU the 54 M parameters of the U-Net-256 update in about half
    the time (BENCHMARKS.md), a few per cent of every GAN step. AMSGrad, sparse gradients, other
    backends and `tf.distribute` replicas take Keras' own update.
    """

    def update_step(self, gradient, variable, learning_rate):
        if (
            self.amsgrad
            or isinstance(gradient, tf.IndexedSlices)
            or keras.backend.backend() != "tensorflow"
            or tf.distribute.has_strategy()
        ):
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        index = self._get_variable_index(variable)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        tf.raw_ops.ResourceApplyAdam(
            var=_handle(variable),
            m=_handle(self._momentums[index]),
            v=_handle(self._velocities[index]),
            beta1_power=tf.pow(beta_1, step),
            beta2_power=tf.pow(beta_2, step),
            lr=tf.cast(learning_rate, dtype),
            beta1=beta_1,
            beta2=beta_2,
            epsilon=tf.cast(self.epsilon, dtype),
            grad=tf.cast(gradient, dtype),
        )


def default_adam() -> keras.optimizers.Optimizer:
    """Adam with the papers' settings: learning rate 2e-4, β1 = 0.5 (`FusedAdam`)."""
    return FusedAdam(learning_rate=GANConfig.lr, beta_1=GANConfig.beta_1, beta_2=0.999)


def resolve_jit_compile(jit_compile: bool | str) -> bool:
    """ "auto" turns XLA on only where a GPU is visible: on CPU it was measured slower for these
    networks (see STACK.md / BENCHMARKS.md)."""
    if jit_compile == "auto":
        return bool(tf.config.list_physical_devices("GPU"))
    if not isinstance(jit_compile, bool):
        raise ValueError(
            f"`jit_compile` must be True, False or 'auto'. Received: jit_compile={jit_compile!r}"
        )
    return jit_compile


class TranslationTrainer(keras.Model):
    """Base class of the trainers (`Pix2Pix`, `CycleGAN`, …).

    Subclasses own their networks and fill `networks` and `optimizers` (name -> object) so that the
    generic callbacks (checkpoints, learning-rate schedules, sample grids) work without knowing the
    model, and implement `visuals(batch)` for sample grids.
    """

    networks: dict[str, keras.Model]
    optimizers: dict[str, keras.optimizers.Optimizer]
    initial_learning_rates: dict[str, float]

    def _set_optimizers(self, optimizers: dict[str, keras.optimizers.Optimizer | None]) -> None:
        """Sets `optimizers` (None: `default_adam()`). Where a layer (of the trained networks or
        of a frozen loss network) computes in float16, each is wrapped in a dynamic
        `LossScaleOptimizer`; train steps take gradients of `optimizer.scale_loss(loss)`, which
        is the loss itself for other optimizers."""
        self.optimizers = {name: opt or default_adam() for name, opt in optimizers.items()}
        if compute_dtype(self._flatten_layers(include_self=False)) == "float16":
            self.optimizers = {name: loss_scaled(opt) for name, opt in self.optimizers.items()}
        self.initial_learning_rates = {
            name: float(keras.ops.convert_to_numpy(opt.learning_rate))
            for name, opt in self.optimizers.items()
        }

    def build_optimizers(self) -> None:
        """Creates the optimizers' slot variables now (they are made lazily on the first step), so
        a checkpoint can be restored into them before training starts."""
        for name, opt in self.optimizers.items():
            if not opt.built:
                opt.build(self.trainable_variables_of(name))

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Keras (TF backend, under a tf.distribute strategy) averages a first batch across
        # replicas here to trace the model symbolically; under MultiWorkerMirroredStrategy that
        # reduction fails on the cluster's PerReplica values. The trainers' networks are built
        # when they are made, so all that is left is to create the optimizers' slot variables
        # under the strategy's scope, outside the traced step.
        if getattr(self, "_distribute_strategy", None) is None:
            return
        with self.distribute_strategy.scope():
            self.build_optimizers()
        self.built = True

    def report(self, trackers: dict) -> dict:
        """The logs a `train_step`/`test_step` returns: each tracker's result. Across several
        workers (MultiWorkerMirroredStrategy) Keras 3 reduces logs along axis 0, which fails for
        scalars (tensorflow/tensorflow#72388), so there each value gets a length-1 axis that the
        reduction then removes."""
        logs = {name: t.result() for name, t in trackers.items()}
        strategy = tf.distribute.get_strategy()
        multi_worker = (
            isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
            and getattr(strategy.extended, "_in_multi_worker_mode", lambda: False)()
        )
        if multi_worker:
            logs = {name: tf.reshape(v, [1]) for name, v in logs.items()}
        return logs

    def trainable_variables_of(self, optimizer_name: str) -> list:
        """The variables that optimizer `optimizer_name` updates."""
        raise NotImplementedError

    # === Stabilisers (tf_imgtrans.models.stability) ===

    r1_gamma: float = GANConfig.r1_gamma
    r1_every: int = GANConfig.r1_every
    ema_decay: float = GANConfig.ema_decay

    def set_stabilisers(
        self, r1_gamma: float, r1_every: int, ema_decay: float, generators: list[str]
    ) -> None:
        """Sets R1 (γ, every k steps) and the generators' EMA (β; 0: none). With β > 0 each
        network named in `generators` gets an EMA copy, `networks[name + "_ema"]` (so that
        checkpoints keep it), which `inference_network(name)` returns."""
        check_stabilisers(r1_gamma, r1_every, ema_decay)
        self.r1_gamma, self.r1_every, self.ema_decay = float(r1_gamma), int(r1_every), ema_decay
        if ema_decay > 0:
            for name in generators:
                if f"{name}_ema" not in self.networks:
                    self.networks[f"{name}_ema"] = ema_copy(self.networks[name])
        elif any(f"{name}_ema" in self.networks for name in generators):
            raise ValueError("`ema_decay` cannot be switched off once a trainer has EMA copies.")
        if r1_gamma > 0 and "d_r1" not in self.trackers:
            self.trackers["d_r1"] = keras.metrics.Mean(name="d_r1")

    def inference_network(self, name: str) -> keras.Model:
        """The network to translate, sample, evaluate and save with: the EMA copy of network
        `name` where the trainer keeps one, else the network itself."""
        return self.networks.get(f"{name}_ema", self.networks[name])

    def r1_term(self, step, discriminate, real) -> tf.Tensor:
        """The discriminator's lazy R1 term at optimizer step `step` (0 when R1 is off), tracked
        as "d_r1"."""
        term = lazy_r1(step, self.r1_gamma, self.r1_every, discriminate, real)
        if "d_r1" in self.trackers:
            self.trackers["d_r1"].update_state(term)
        return term

    def update_emas(self, step) -> None:
        """After generator step `step` (0-based): every EMA copy moves towards its network."""
        if self.ema_decay <= 0:
            return
        decay = ema_decay_at(step, self.ema_decay)
        for name, network in list(self.networks.items()):
            if name.endswith("_ema"):
                update_ema(network, self.networks[name[: -len("_ema")]], decay)

    def extra_state(self) -> dict[str, keras.Variable]:
        """Variables besides network weights and optimizer state that a checkpoint must keep
        for an exact resume (e.g. CycleGAN's image pools); name -> variable."""
        return {}

    def visuals(self, batch) -> tuple[list[str], list]:
        """Column titles and image batches (each (N, H, W, 3) in [-1, 1]) for a sample grid."""
        raise NotImplementedError
