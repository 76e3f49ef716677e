"""What every training run shares: the run folder, resume, the standard callbacks, `fit`, and
`Trainer`, the recipe that each trainer fills in with only what differs (its data, its build, its
network files)."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.callbacks import (
    HistoryLogger,
    LinearDecay,
    LossPlot,
    RunReport,
    SampleGrid,
    StopOnNonFinite,
    TensorBoardLogger,
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


@dataclass
class RunResult:
    """What a training run produced: the trainer, the `fit` history of this call, the epoch it
    started from, and the paths it wrote."""

    out: str
    model: keras.Model
    history: dict
    initial_epoch: int
    paths: dict[str, str]


def saved_network(model: keras.Model, name: str) -> keras.Model:
    """The network `name` of a trainer as it is saved: its EMA copy where it keeps one."""
    inference = getattr(model, "inference_network", None)
    return inference(name) if inference is not None else model.networks[name]


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
                atomic_save_model(saved_network(self.model, name), path)


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
    `checkpoints/`, `history.json`, `losses.png`, `report.html`, `config.json`, TensorBoard logs
    in `logs/`.
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
        "report": os.path.join(out, "report.html"),
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
    ]
    if config.tensorboard and chief:  # after LinearDecay: it puts lr_* into the epoch logs
        logs_dir = os.path.join(out, "logs")
        hparams = dataclasses.asdict(config)
        cbs.append(TensorBoardLogger(logs_dir, sample_batch, hparams, every=config.sample_every))
    cbs += [
        LossPlot(paths["history"], paths["losses"]),
        RunReport(out),  # reads what HistoryLogger and SampleGrid wrote
        TrainingCheckpoint(ckpt_dir, every=config.checkpoint_every, keep=config.keep_checkpoints),
    ]
    if not chief:
        cbs = cbs[:2]  # NaN stop and LR schedule: they change training, not files
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
            atomic_save_model(saved_network(model, name), path)
    return RunResult(out, model, history, initial_epoch, paths)


@dataclass
class RunData:
    """What a trainer trains on: the training dataset, the validation dataset (or None) and a
    fixed batch for the sample grids (NumPy arrays)."""

    train: Any
    val: Any
    sample_batch: tuple


@dataclass
class Trainer:
    """One kind of training run, as the pieces that differ between kinds: everything else (the
    strategy, resume, the seed, the run folder, the callbacks, `fit`) is `Trainer.run`'s.

    Adding a trainer means: a model (a `TranslationTrainer` with its `train_step`), a config
    (`training.configs`), its networks, a `Trainer` here, and a command file
    (`tf_imgtrans.commands`).

    Args:
        name: str. The run kind (e.g. "pix2pix"), as in `tf-imgtrans train NAME`.
        config_class: the config dataclass.
        data: config -> `RunData`.
        build: config -> the compiled trainer (built inside the strategy's scope).
        network_files: network name (of `model.networks`) -> file name in the run folder, saved
            after every good epoch.
        callbacks: (config, out) -> more callbacks of this kind (e.g. saving the AdaIN stylizer).
        finish: (model, out, result) -> None, after `fit` (e.g. adding paths to the result).
    """

    name: str
    config_class: type
    data: Callable[[Any], RunData]
    build: Callable[[Any], keras.Model]
    network_files: dict[str, str]
    callbacks: Callable[[Any, str], list] = field(default=lambda config, out: [])
    finish: Callable[[keras.Model, str, RunResult], None] | None = None

    def run(
        self,
        config: Any,
        out: str,
        resume: bool = False,
        verbose: int | str = "auto",
        steps_per_epoch: int | None = None,
        callbacks: list | None = None,
        strategy: str | tf.distribute.Strategy = "default",
    ) -> RunResult:
        """Trains `config` into the run folder `out`.

        Args:
            config: the run's settings (an instance of `config_class`).
            out: str. Output folder.
            resume: bool. Continue the run in `out` from its latest checkpoint (epoch counter,
                networks, optimizer state, LR schedule and the trainer's extra state such as
                image pools); the saved `config.json` is used, except for `epochs`. Without a
                checkpoint it starts from scratch.
            verbose: Keras verbosity for `fit` (progress bars by default).
            steps_per_epoch: int, optional. Limit each epoch (smoke tests).
            callbacks: list, optional. More Keras callbacks.
            strategy: a `tf.distribute.Strategy` or a name for
                `tf_imgtrans.distribute.get_strategy` ("default", "mirrored", "multiworker",
                "tpu"); `config.batch_size` is the global batch, split across replicas.

        Raises:
            FileExistsError: `out` holds checkpoints of another run and `resume` is False.
            MissingDependencyError: an optional package the config needs is missing.
        """
        if not isinstance(config, self.config_class):
            raise TypeError(
                f"A {self.name} run takes a {self.config_class.__name__}. "
                f"Received: {type(config).__name__}"
            )
        config, latest, strategy = start_run(config, out, resume, strategy)
        data = self.data(config)
        with strategy.scope():
            model = self.build(config)
        result = fit_run(
            model,
            config,
            out,
            data.train,
            data.val,
            data.sample_batch,
            network_files={n: os.path.join(out, f) for n, f in self.network_files.items()},
            latest=latest,
            verbose=verbose,
            steps_per_epoch=steps_per_epoch,
            callbacks=[*self.callbacks(config, out), *(callbacks or [])],
        )
        if self.finish is not None:
            self.finish(model, out, result)
        return result
