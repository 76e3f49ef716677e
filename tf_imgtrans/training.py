"""Training runs on disk: networks from settings, data from a spec, `fit` with the callbacks, and
everything written to one output folder (so the CLI, the demo and users share one code path)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields

import keras
import numpy as np

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
    restore_checkpoint,
)
from tf_imgtrans.data import available_splits, load_paired_dataset, resolve_paired_spec
from tf_imgtrans.models import Pix2Pix
from tf_imgtrans.networks import get_discriminator, get_generator


@dataclass
class Pix2PixConfig:
    """Every setting of a Pix2Pix run; saved as `config.json` in the run folder so that `resume`
    rebuilds the same networks and data. Defaults are the paper's (facades: 200 epochs, the last
    100 with linear decay)."""

    data: str = "builtin:facades"
    epochs: int = 200
    decay_epochs: int | None = None  # None: half of `epochs`
    image_size: int = 256
    batch_size: int = 1
    direction: str = "AtoB"
    generator: str = "auto"  # "auto": a U-Net with log2(image_size) downs (unet_256 at 256)
    ngf: int = 64
    ndf: int = 64
    n_layers: int = 3
    norm: str = "batch"
    upsampling: str = "transpose"
    dropout: float = 0.5
    gan_mode: str = "vanilla"
    lambda_l1: float = 100.0
    lr: float = 2e-4
    beta_1: float = 0.5
    limit: int | None = None
    seed: int | None = 0
    sample_every: int = 1
    checkpoint_every: int = 1
    keep_checkpoints: int = 3
    tensorboard: bool = True
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, values: dict) -> Pix2PixConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"Unknown Pix2Pix settings {unknown}. Valid: {sorted(known)}")
        return cls(**values)


def unet_downs_for(image_size: int) -> int:
    """Down-sampling steps of the U-Net for `image_size`: as many halvings as divide it, at most
    8 (the paper's unet_256), at least 2."""
    downs = 0
    while image_size % (2 ** (downs + 1)) == 0 and downs < 8:
        downs += 1
    if downs < 2:
        raise ValueError(
            f"`image_size` must be a multiple of 4 for a U-Net. Received: image_size={image_size}"
        )
    return downs


def build_pix2pix(config: Pix2PixConfig) -> Pix2Pix:
    """The compiled Pix2Pix trainer that `config` describes."""
    common = {"norm": config.norm}
    if config.generator == "auto":
        generator = get_generator(
            "unet",
            num_downs=unet_downs_for(config.image_size),
            ngf=config.ngf,
            dropout=config.dropout,
            upsampling=config.upsampling,
            **common,
        )
    else:
        generator = get_generator(
            config.generator,
            ngf=config.ngf,
            dropout=config.dropout,
            upsampling=config.upsampling,
            **common,
        )
    discriminator = get_discriminator(
        "patch", n_layers=config.n_layers, ndf=config.ndf, input_channels=6, **common
    )
    model = Pix2Pix(generator, discriminator, name="pix2pix")
    model.compile(
        g_optimizer=keras.optimizers.Adam(config.lr, beta_1=config.beta_1),
        d_optimizer=keras.optimizers.Adam(config.lr, beta_1=config.beta_1),
        gan_mode=config.gan_mode,
        lambda_l1=config.lambda_l1,
    )
    return model


@dataclass
class RunResult:
    """What a training run produced."""

    out: str
    model: keras.Model
    history: dict
    initial_epoch: int
    paths: dict[str, str]


def _first_batch(dataset):
    for batch in dataset.take(1):
        return tuple(np.asarray(t) for t in batch)
    raise ValueError("The dataset yielded no batch.")


def _load_config(out: str) -> dict | None:
    path = os.path.join(out, "config.json")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def train_pix2pix(
    config: Pix2PixConfig,
    out: str,
    resume: bool = False,
    verbose: int | str = "auto",
    steps_per_epoch: int | None = None,
    callbacks: list | None = None,
) -> RunResult:
    """Trains Pix2Pix on `config.data` and writes the run to `out`.

    `out` receives `generator.keras` (after every epoch, atomically), `samples/epoch_NNNN.png`
    (input | output | target on validation images), `checkpoints/` (networks + optimizer state),
    `history.json`, `losses.png`, `config.json` and TensorBoard logs in `logs/`.

    Args:
        config: Pix2PixConfig. The run's settings.
        out: str. Output folder.
        resume: bool. Continue the run in `out` from its latest checkpoint (epoch counter,
            networks, optimizer state and LR schedule); the saved `config.json` is used, except
            for `epochs`. Without a checkpoint it starts from scratch.
        verbose: Keras verbosity for `fit` (progress bars by default).
        steps_per_epoch: int, optional. Limit each epoch (smoke tests).
        callbacks: list, optional. More Keras callbacks.

    Raises:
        FileExistsError: `out` holds checkpoints of another run and `resume` is False.
    """
    ckpt_dir = os.path.join(out, "checkpoints")
    saved = _load_config(out)
    latest = latest_checkpoint(ckpt_dir)
    if latest and not resume:
        raise FileExistsError(
            f"{out} already holds a training run (checkpoints in {ckpt_dir}). Pass resume=True "
            "(--resume) to continue it, or choose another output folder."
        )
    if resume and saved is not None:
        saved["epochs"] = config.epochs
        config = Pix2PixConfig.from_dict(saved)
    if config.seed is not None:
        keras.utils.set_random_seed(config.seed)

    root = resolve_paired_spec(config.data, image_size=config.image_size)
    splits = available_splits(root)
    train = load_paired_dataset(
        root,
        "train",
        config.direction,
        config.image_size,
        batch_size=config.batch_size,
        seed=config.seed,
        limit=config.limit,
    )
    val_split = "val" if "val" in splits else ("test" if "test" in splits else "train")
    val = load_paired_dataset(
        root,
        val_split,
        config.direction,
        config.image_size,
        batch_size=config.batch_size,
        augment=False,
        shuffle=False,
        limit=config.limit,
    )

    model = build_pix2pix(config)
    initial_epoch = 0
    if resume and latest:
        initial_epoch = int(restore_checkpoint(model, latest)["epoch"])
        print(f"Resuming {out} from {os.path.basename(latest)} (epoch {initial_epoch}).")
    os.makedirs(out, exist_ok=True)
    atomic_write_text(os.path.join(out, "config.json"), json.dumps(asdict(config), indent=2))

    paths = {
        "generator": os.path.join(out, "generator.keras"),
        "samples": os.path.join(out, "samples"),
        "checkpoints": ckpt_dir,
        "history": os.path.join(out, "history.json"),
        "losses": os.path.join(out, "losses.png"),
        "config": os.path.join(out, "config.json"),
    }
    decay = config.epochs // 2 if config.decay_epochs is None else config.decay_epochs
    # A separate, uncached pipeline: taking part of a cached one makes tf.data discard its cache.
    sample_batch = _first_batch(
        load_paired_dataset(
            root,
            val_split,
            config.direction,
            config.image_size,
            batch_size=4,
            augment=False,
            shuffle=False,
            cache=False,
            limit=4,
        )
    )
    cbs = [
        StopOnNonFinite(),
        LinearDecay(config.epochs - decay, decay),
        TrainingCheckpoint(ckpt_dir, every=config.checkpoint_every, keep=config.keep_checkpoints),
        SaveGenerator(paths["generator"]),
        HistoryLogger(paths["history"]),
        SampleGrid(sample_batch, paths["samples"], every=config.sample_every),
        LossPlot(paths["history"], paths["losses"]),
    ]
    if config.tensorboard:
        cbs.append(keras.callbacks.TensorBoard(os.path.join(out, "logs"), write_graph=False))
    cbs += callbacks or []
    if initial_epoch >= config.epochs:
        print(f"{out} has already trained {initial_epoch} of {config.epochs} epochs.")
        history = {}
    else:
        history = model.fit(
            train,
            validation_data=val,
            epochs=config.epochs,
            initial_epoch=initial_epoch,
            callbacks=cbs,
            verbose=verbose,
            steps_per_epoch=steps_per_epoch,
            shuffle=False,  # the dataset shuffles itself
        ).history
    if not os.path.isfile(paths["generator"]):
        atomic_save_model(model.generator, paths["generator"])
    return RunResult(out, model, history, initial_epoch, paths)


class SaveGenerator(keras.callbacks.Callback):
    """Saves the trainer's generator as a standalone `.keras` file after every epoch whose losses
    are finite (atomically), so the newest usable generator is always on disk."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def on_epoch_end(self, epoch, logs=None):
        if epoch_is_good(self.model, logs):
            atomic_save_model(self.model.generator, self.path)
