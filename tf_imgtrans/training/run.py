"""What every training run shares: the run folder, resume, the standard callbacks and `fit`."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.callbacks import (
    HistoryLogger,
    LinearDecay,
    LossPlot,
    SampleGrid,
    StopOnNonFinite,
    TrainingCheckpoint,
    atomic_save_model,
    atomic_write_text,
    epoch_is_good,
    latest_checkpoint,
    remove_stale_temporaries,
    restore_checkpoint,
)
from tf_imgtrans.distribute import get_strategy, is_chief
from tf_imgtrans.models.base import FusedAdam
from tf_imgtrans.optional import require


class RunConfig:
    """Base of the run settings dataclasses: `from_dict` rebuilds one from its `config.json`,
    refusing unknown keys. `settings_name` names the run kind in that error."""

    settings_name = ""

    @classmethod
    def from_dict(cls, values: dict):
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            name = cls.settings_name or cls.__name__
            raise ValueError(f"Unknown {name} settings {unknown}. Valid: {sorted(known)}")
        return cls(**values)


@dataclass
class RunResult:
    """What a training run produced: the trainer, the `fit` history of this call, the epoch it
    started from, and the paths it wrote."""

    out: str
    model: keras.Model
    history: dict
    initial_epoch: int
    paths: dict[str, str]


class SaveNetworks(keras.callbacks.Callback):
    """After every epoch whose losses are finite, saves the named networks of the trainer
    (`model.networks[name]`) as standalone `.keras` files, atomically, so the newest usable
    generator is always on disk. Networks trained in mixed precision are saved as float32
    networks (`atomic_save_model`).

    Args:
        files: dict. Network name -> `.keras` path, e.g. {"generator": "run/generator.keras"}.
    """

    def __init__(self, files: dict[str, str]):
        super().__init__()
        self.files = files

    def on_epoch_end(self, epoch, logs=None):
        if epoch_is_good(self.model, logs):
            for name, path in self.files.items():
                atomic_save_model(self.model.networks[name], path)


def load_config_file(out: str) -> dict | None:
    """The `config.json` of the run in `out`, or None."""
    path = os.path.join(out, "config.json")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def open_run(config: Any, out: str, resume: bool) -> tuple[Any, str | None]:
    """Checks `out` and settles the run's config.

    A folder with checkpoints is only continued with `resume` (else FileExistsError); a resumed
    run takes its saved `config.json`, except `epochs` from `config`.

    Returns:
        (config to use, latest checkpoint path or None).
    """
    latest = latest_checkpoint(os.path.join(out, "checkpoints"))
    if latest and not resume:
        raise FileExistsError(
            f"{out} already holds a training run (checkpoints in "
            f"{os.path.join(out, 'checkpoints')}). Pass resume=True (--resume) to continue it, "
            "or choose another output folder."
        )
    saved = load_config_file(out)
    if resume and saved is not None:
        saved["epochs"] = config.epochs
        config = type(config).from_dict(saved)
    return config, latest if resume else None


def start_run(
    config: Any, out: str, resume: bool, strategy: str | tf.distribute.Strategy = "default"
) -> tuple[Any, str | None, tf.distribute.Strategy]:
    """The opening of every training run: the `tf.distribute` strategy (first: a multi-worker
    strategy must be made before any TensorFlow op), `open_run`, the optional packages the
    config needs (`MissingDependencyError` before any data or network is made), and the run's
    random seed.

    Returns:
        (config to use, latest checkpoint path or None, strategy).
    """
    if isinstance(strategy, str):
        strategy = get_strategy(strategy)
    config, latest = open_run(config, out, resume)
    if getattr(config, "tensorboard", False):  # found missing now, not after the first epoch
        require(
            "tensorboard",
            "TensorBoard logging (on by default)",
            "pip install tensorboard, or turn it off with --no-tensorboard (tensorboard=False)",
        )
    if config.seed is not None:
        keras.utils.set_random_seed(config.seed)
    return config, latest, strategy


OPTIMIZERS = ("adam", "sgd")


def make_optimizer(name: str, lr: float, beta_1: float = 0.9) -> keras.optimizers.Optimizer:
    """Adam(lr, β1) as in the papers (`FusedAdam`: TensorFlow's fused kernel), or plain SGD(lr)
    (whose weight change is exactly lr × the gradient: what the distributed-training checks
    compare)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"`optimizer` must be one of {OPTIMIZERS}. Received: optimizer={name!r}")
    if name == "sgd":
        return keras.optimizers.SGD(lr)
    return FusedAdam(lr, beta_1=beta_1)


def first_batch(dataset) -> tuple:
    """The first batch of a dataset as NumPy arrays."""
    for batch in dataset.take(1):
        return tuple(np.asarray(t) for t in batch)
    raise ValueError("The dataset yielded no batch.")


def fit_run(
    model: keras.Model,
    config: Any,
    out: str,
    train,
    val,
    sample_batch,
    network_files: dict[str, str],
    latest: str | None = None,
    verbose: int | str = "auto",
    steps_per_epoch: int | None = None,
    callbacks: list | None = None,
) -> RunResult:
    """Trains `model` with `fit` into the run folder `out` with the standard callbacks.

    `config` needs `epochs`, `decay_epochs` (None: half), `sample_every`, `checkpoint_every`,
    `keep_checkpoints` and `tensorboard`, and is saved as `config.json`. With `latest`, networks,
    optimizer state and the epoch counter are restored from that checkpoint first.

    Writes: the `.keras` files of `network_files` (after every good epoch), `samples/`,
    `checkpoints/`, `history.json`, `losses.png`, `config.json`, TensorBoard logs in `logs/`.
    """
    ckpt_dir = os.path.join(out, "checkpoints")
    initial_epoch = 0
    if latest:
        initial_epoch = int(restore_checkpoint(model, latest)["epoch"])
        print(f"Resuming {out} from {os.path.basename(latest)} (epoch {initial_epoch}).")
    chief = is_chief()  # the other workers of a cluster train but write nothing
    if chief:
        os.makedirs(out, exist_ok=True)
        remove_stale_temporaries(out)
    paths = {
        **network_files,
        "samples": os.path.join(out, "samples"),
        "checkpoints": ckpt_dir,
        "history": os.path.join(out, "history.json"),
        "losses": os.path.join(out, "losses.png"),
        "config": os.path.join(out, "config.json"),
    }
    if chief:
        atomic_write_text(paths["config"], json.dumps(dataclasses.asdict(config), indent=2))
    decay = config.epochs // 2 if config.decay_epochs is None else config.decay_epochs
    # The checkpoint comes after the epoch's other outputs: a checkpoint of epoch E means that
    # everything of epochs <= E is on disk, whenever the run is killed.
    cbs = [
        StopOnNonFinite(),
        LinearDecay(config.epochs - decay, decay),
        SaveNetworks(network_files),
        HistoryLogger(paths["history"]),
        SampleGrid(sample_batch, paths["samples"], every=config.sample_every),
        TrainingCheckpoint(ckpt_dir, every=config.checkpoint_every, keep=config.keep_checkpoints),
        LossPlot(paths["history"], paths["losses"]),
    ]
    if not chief:
        cbs = cbs[:2]  # NaN stop and LR schedule: they change training, not files
    if config.tensorboard and chief:
        cbs.append(keras.callbacks.TensorBoard(os.path.join(out, "logs"), write_graph=False))
    cbs += callbacks or []
    history = {}
    if initial_epoch >= config.epochs:
        print(f"{out} has already trained {initial_epoch} of {config.epochs} epochs.")
    else:
        history = model.fit(
            train,
            validation_data=val,
            epochs=config.epochs,
            initial_epoch=initial_epoch,
            callbacks=cbs,
            verbose=verbose,
            steps_per_epoch=steps_per_epoch,
            shuffle=False,  # the datasets shuffle themselves
        ).history
    for name, path in network_files.items():
        if chief and not os.path.isfile(path):
            atomic_save_model(model.networks[name], path)
    return RunResult(out, model, history, initial_epoch, paths)
