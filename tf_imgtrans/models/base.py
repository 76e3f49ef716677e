"""What every trainer shares: named networks and optimizers, visuals for sample grids."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_imgtrans.configs import GANConfig
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

    def extra_state(self) -> dict[str, keras.Variable]:
        """Variables besides network weights and optimizer state that a checkpoint must keep
        for an exact resume (e.g. CycleGAN's image pools); name -> variable."""
        return {}

    def visuals(self, batch) -> tuple[list[str], list]:
        """Column titles and image batches (each (N, H, W, 3) in [-1, 1]) for a sample grid."""
        raise NotImplementedError
