"""A Pix2Pix run: settings, networks, paired data, and `fit` into a run folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import tensorflow as tf

from tf_imgtrans.data import available_splits, load_paired_dataset, resolve_paired_spec
from tf_imgtrans.models import Pix2Pix
from tf_imgtrans.networks import get_discriminator, get_generator
from tf_imgtrans.precision import DEFAULT_PRECISION, precision_scope
from tf_imgtrans.training.run import (
    RunConfig,
    RunResult,
    first_batch,
    fit_run,
    make_optimizer,
    start_run,
)


@dataclass
class Pix2PixConfig(RunConfig):
    """Every setting of a Pix2Pix run; saved as `config.json` in the run folder so that `resume`
    rebuilds the same networks and data. Defaults are the paper's (facades: 200 epochs, the last
    100 with linear decay)."""

    data: str = "builtin:facades"
    epochs: int = 200
    decay_epochs: int | None = None  # None: half of `epochs`
    image_size: int = 256
    batch_size: int = 1
    direction: str = "AtoB"
    augment: bool = True  # the paper's random jitter (resize 286, crop 256) and mirroring
    shuffle: bool = True  # reshuffle the training pairs every epoch
    strict: bool = False  # False: unreadable files are skipped and counted; True: they stop the run
    generator: str = "auto"  # "auto": a U-Net with log2(image_size) downs (unet_256 at 256)
    ngf: int = 64
    ndf: int = 64
    n_layers: int = 3
    norm: str = "batch"
    upsampling: str = "transpose"
    dropout: float = 0.5
    gan_mode: str = "vanilla"
    lambda_l1: float = 100.0
    optimizer: str = "adam"  # "adam" (paper) or "sgd" (plain gradient steps, e.g. for checks)
    lr: float = 2e-4
    beta_1: float = 0.5
    limit: int | None = None
    seed: int | None = 0
    sample_every: int = 1
    checkpoint_every: int = 1
    keep_checkpoints: int = 3
    tensorboard: bool = True
    precision: str = DEFAULT_PRECISION  # or "float32", "mixed_bfloat16", …: tf_imgtrans.precision
    extra: dict = field(default_factory=dict)

    settings_name = "Pix2Pix"


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
    """The compiled Pix2Pix trainer that `config` describes; its networks are built under the
    dtype policy of `config.precision` (float32 variables either way)."""
    kwargs = {
        "ngf": config.ngf,
        "dropout": config.dropout,
        "upsampling": config.upsampling,
        "norm": config.norm,
    }
    with precision_scope(config.precision):
        if config.generator == "auto":
            downs = unet_downs_for(config.image_size)
            generator = get_generator("unet", num_downs=downs, **kwargs)
        else:
            generator = get_generator(config.generator, **kwargs)
        discriminator = get_discriminator(
            "patch", n_layers=config.n_layers, ndf=config.ndf, input_channels=6, norm=config.norm
        )
    model = Pix2Pix(generator, discriminator, name="pix2pix")
    model.compile(
        g_optimizer=make_optimizer(config.optimizer, config.lr, config.beta_1),
        d_optimizer=make_optimizer(config.optimizer, config.lr, config.beta_1),
        gan_mode=config.gan_mode,
        lambda_l1=config.lambda_l1,
    )
    return model


def train_pix2pix(
    config: Pix2PixConfig,
    out: str,
    resume: bool = False,
    verbose: int | str = "auto",
    steps_per_epoch: int | None = None,
    callbacks: list | None = None,
    strategy: str | tf.distribute.Strategy = "default",
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
        strategy: a `tf.distribute.Strategy` or a name for `tf_imgtrans.distribute.get_strategy`
            ("default", "mirrored", "multiworker", "tpu"); `config.batch_size` is the global
            batch, split across replicas.

    Raises:
        FileExistsError: `out` holds checkpoints of another run and `resume` is False.
    """
    config, latest, strategy = start_run(config, out, resume, strategy)
    root = resolve_paired_spec(config.data, image_size=config.image_size)
    splits = available_splits(root)
    common = {
        "direction": config.direction, "image_size": config.image_size, "strict": config.strict
    }  # fmt: skip
    train = load_paired_dataset(
        root, "train", batch_size=config.batch_size, seed=config.seed, limit=config.limit,
        augment=config.augment, shuffle=config.shuffle, **common,
    )  # fmt: skip
    val_split = "val" if "val" in splits else ("test" if "test" in splits else "train")
    val = load_paired_dataset(
        root,
        val_split,
        batch_size=config.batch_size,
        augment=False,
        shuffle=False,
        limit=config.limit,
        **common,
    )
    # A separate, uncached pipeline: taking part of a cached one makes tf.data discard its cache.
    sample_batch = first_batch(
        load_paired_dataset(
            root,
            val_split,
            batch_size=4,
            augment=False,
            shuffle=False,
            cache=False,
            limit=4,
            **common,
        )
    )
    with strategy.scope():
        model = build_pix2pix(config)
    return fit_run(
        model,
        config,
        out,
        train,
        val,
        sample_batch,
        network_files={"generator": os.path.join(out, "generator.keras")},
        latest=latest,
        verbose=verbose,
        steps_per_epoch=steps_per_epoch,
        callbacks=callbacks,
    )
