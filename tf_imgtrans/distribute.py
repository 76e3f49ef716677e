"""Training on several devices and machines with `tf.distribute`, through the ordinary Keras
`strategy.scope()`: build and compile the trainer inside the scope, then `fit` as usual."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multiworker", "tpu")


def use_cpu_devices(n: int) -> None:
    """Splits the CPU into `n` logical devices, so that `MirroredStrategy` can be run (and
    tested) on a machine without GPUs. Must be called before TensorFlow runs its first op."""
    import tensorflow as tf

    cpus = tf.config.list_physical_devices("CPU")
    try:
        tf.config.set_logical_device_configuration(
            cpus[0], [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
        )
    except RuntimeError as e:
        raise RuntimeError(
            "Logical CPU devices must be configured before TensorFlow is initialised: call "
            f"use_cpu_devices (or set TF_IMGTRANS_CPU_DEVICES) first. ({e})"
        ) from e


def configure_from_env() -> None:
    """Applies `TF_IMGTRANS_CPU_DEVICES=N` (N logical CPU devices); run at package import, before
    TensorFlow initialises its devices."""
    n = int(os.environ.get("TF_IMGTRANS_CPU_DEVICES", "0") or 0)
    if n <= 1:
        return  # nothing to configure: TensorFlow is not even imported
    import tensorflow as tf

    if len(tf.config.list_physical_devices("CPU")) == 1:
        try:
            use_cpu_devices(n)
        except RuntimeError:
            pass  # already initialised by the importing program; get_strategy reports it


def get_strategy(name: str = "default") -> tf.distribute.Strategy:
    """The `tf.distribute` strategy named `name`.

    - "default": one device (TensorFlow's default strategy).
    - "mirrored": `MirroredStrategy` over all local GPUs; without GPUs, over the logical CPU
      devices (set `TF_IMGTRANS_CPU_DEVICES=N` to split the CPU into N).
    - "multiworker": `MultiWorkerMirroredStrategy` across machines; each worker runs the same
      command with `TF_CONFIG` describing the cluster and its own index.
    - "tpu": `TPUStrategy` on the TPU found by `TPUClusterResolver` (e.g. a Cloud TPU VM).

    The global batch (the `--batch-size`) is split across replicas; trainers divide each
    replica's loss by the number of replicas so that the summed gradients are those of the
    global batch mean.
    """
    if name not in STRATEGIES:
        raise ValueError(f"`strategy` must be one of {STRATEGIES}. Received: strategy={name!r}")
    import tensorflow as tf

    n_cpu = int(os.environ.get("TF_IMGTRANS_CPU_DEVICES", "0") or 0)
    if n_cpu > 1 and len(tf.config.list_logical_devices("CPU")) < n_cpu:
        use_cpu_devices(n_cpu)  # raises with advice when it is too late
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        if tf.config.list_logical_devices("GPU"):
            return tf.distribute.MirroredStrategy()
        cpus = [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(
            devices=cpus, cross_device_ops=tf.distribute.ReductionToOneDevice()
        )
    if name == "multiworker":
        if "TF_CONFIG" not in os.environ:
            raise ValueError(
                "strategy 'multiworker' needs the TF_CONFIG environment variable describing the "
                'cluster, e.g. {"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
                '"task": {"type": "worker", "index": 0}} (see README, "Several machines").'
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def is_chief() -> bool:
    """Whether this process writes the run's files: always, except on the non-chief workers of
    a multi-worker cluster (TF_CONFIG task index > 0, or type "worker" beside a "chief")."""
    config = json.loads(os.environ.get("TF_CONFIG", "{}") or "{}")
    task = config.get("task", {})
    if not task:
        return True
    if task.get("type") == "chief":
        return True
    has_chief = "chief" in config.get("cluster", {})
    return task.get("type") == "worker" and task.get("index", 0) == 0 and not has_chief


def replica_scale() -> float:
    """1 / replicas in sync: what a per-replica mean loss is multiplied by before its gradient,
    because the optimizer sums the replicas' gradients."""
    import tensorflow as tf

    return 1.0 / tf.distribute.get_strategy().num_replicas_in_sync
