"""A CycleGAN run: settings, networks, unpaired data, and `fit` into a run folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import tensorflow as tf

from tf_imgtrans.data import load_unpaired_dataset, resolve_unpaired_spec, unpaired_splits
from tf_imgtrans.models import CycleGAN
from tf_imgtrans.networks import patchgan_discriminator, resnet_generator
from tf_imgtrans.precision import DEFAULT_PRECISION, precision_scope
from tf_imgtrans.training.run import (
    RunConfig,
    RunResult,
    first_batch,
    fit_run,
    make_optimizer,
    start_run,
)

GENERATOR_FILES = {
    "generator_AtoB": "generator_AtoB.keras",
    "generator_BtoA": "generator_BtoA.keras",
}


@dataclass
class CycleGANConfig(RunConfig):
    """Every setting of a CycleGAN run; saved as `config.json` in the run folder so that `resume`
    rebuilds the same networks and data. Defaults are the paper's: 256×256 crops of 286×286
    images, batch 1, ResNet generators with 9 blocks (6 below 256 px), 70×70 PatchGANs with
    instance norm, LSGAN, λ = 10, identity 0.5·λ, pools of 50, Adam 2e-4 (β1 0.5), 200 epochs of
    which the last 100 decay linearly to zero."""

    data: str = "builtin:facades2night"
    epochs: int = 200
    decay_epochs: int | None = None  # None: half of `epochs`
    image_size: int = 256
    load_size: int | None = None  # None: image_size · 286/256
    batch_size: int = 1
    augment: bool = True  # random crop from load_size and mirroring (the paper's)
    shuffle: bool = True  # a new order every epoch (each domain on its own, as unaligned data)
    strict: bool = False  # False: unreadable files are skipped and counted; True: they stop the run
    n_blocks: int | None = None  # None: 9 at 256 px and above, 6 below (the paper's choice)
    ngf: int = 64
    ndf: int = 64
    n_layers: int = 3
    norm: str = "instance"
    upsampling: str = "transpose"
    dropout: float = 0.0
    gan_mode: str = "lsgan"
    lambda_cycle: float = 10.0
    lambda_identity: float = 0.5
    pool_size: int = 50
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

    settings_name = "CycleGAN"

    @property
    def resolved_n_blocks(self) -> int:
        if self.n_blocks is not None:
            return self.n_blocks
        return 9 if self.image_size >= 256 else 6


def build_cyclegan(config: CycleGANConfig) -> CycleGAN:
    """The compiled CycleGAN trainer that `config` describes, its image pools built for
    `config.image_size` (so that a checkpoint can be restored into them); the networks are built
    under the dtype policy of `config.precision` (float32 variables either way)."""
    if config.image_size % 4:
        raise ValueError(
            "The ResNet generator needs an image size that is a multiple of 4. "
            f"Received: image_size={config.image_size}"
        )

    def generator(name):
        return resnet_generator(
            n_blocks=config.resolved_n_blocks,
            ngf=config.ngf,
            norm=config.norm,
            dropout=config.dropout,
            upsampling=config.upsampling,
            name=name,
        )

    def discriminator(name):
        return patchgan_discriminator(
            n_layers=config.n_layers,
            ndf=config.ndf,
            norm=config.norm,
            input_channels=3,
            name=name,
        )

    with precision_scope(config.precision):
        networks = [
            generator("generator_AtoB"),
            generator("generator_BtoA"),
            discriminator("discriminator_A"),
            discriminator("discriminator_B"),
        ]
    model = CycleGAN(*networks, name="cyclegan")
    model.compile(
        g_optimizer=make_optimizer(config.optimizer, config.lr, config.beta_1),
        d_optimizer=make_optimizer(config.optimizer, config.lr, config.beta_1),
        gan_mode=config.gan_mode,
        lambda_cycle=config.lambda_cycle,
        lambda_identity=config.lambda_identity,
        pool_size=config.pool_size,
    )
    model.build((None, config.image_size, config.image_size, 3))
    return model


def train_cyclegan(
    config: CycleGANConfig,
    out: str,
    resume: bool = False,
    verbose: int | str = "auto",
    steps_per_epoch: int | None = None,
    callbacks: list | None = None,
    strategy: str | tf.distribute.Strategy = "default",
) -> RunResult:
    """Trains CycleGAN on `config.data` and writes the run to `out`.

    `out` receives `generator_AtoB.keras` and `generator_BtoA.keras` (after every epoch,
    atomically), `samples/epoch_NNNN.png` (real | translated | reconstructed, both directions,
    on test images), `checkpoints/` (the four networks, both optimizers and both image pools),
    `history.json`, `losses.png`, `config.json` and TensorBoard logs in `logs/`. Where the data
    has a test split it is the validation data: cycle and identity L1 every epoch, and PSNR/SSIM
    of both translations when the split has ground truth (the built-in sets do).

    Args:
        config: CycleGANConfig. The run's settings.
        out: str. Output folder.
        resume: bool. Continue the run in `out` from its latest checkpoint (epoch counter,
            networks, optimizer state, image pools and LR schedule); the saved `config.json` is
            used, except for `epochs`. Without a checkpoint it starts from scratch.
        verbose: Keras verbosity for `fit` (progress bars by default).
        steps_per_epoch: int, optional. Limit each epoch (smoke tests).
        callbacks: list, optional. More Keras callbacks.
        strategy: a `tf.distribute.Strategy` or a name for `tf_imgtrans.distribute.get_strategy`
            ("default", "mirrored", "multiworker", "tpu"); `config.batch_size` is the global
            batch, split across replicas, and the image pools hold the global batch's fakes.

    Raises:
        FileExistsError: `out` holds checkpoints of another run and `resume` is False.
    """
    config, latest, strategy = start_run(config, out, resume, strategy)
    root = resolve_unpaired_spec(config.data, image_size=config.image_size)
    common = {"image_size": config.image_size, "limit": config.limit, "strict": config.strict}
    train = load_unpaired_dataset(
        root,
        "train",
        load_size=config.load_size,
        batch_size=config.batch_size,
        seed=config.seed,
        augment=config.augment,
        shuffle=config.shuffle,
        **common,
    )
    has_test = "test" in unpaired_splits(root)
    # Instance norm makes results independent of the batch size: evaluate 4 at a time.
    val = load_unpaired_dataset(root, "test", batch_size=4, **common) if has_test else None
    # A separate, uncached pipeline: taking part of a cached one makes tf.data discard its cache.
    sample_batch = first_batch(
        load_unpaired_dataset(
            root,
            "test" if has_test else "train",
            batch_size=4,
            augment=False,
            shuffle=False,
            cache=False,
            paired=False,
            image_size=config.image_size,
            limit=4,
            strict=config.strict,
        )
    )
    with strategy.scope():
        model = build_cyclegan(config)
    return fit_run(
        model,
        config,
        out,
        train,
        val,
        sample_batch,
        network_files={name: os.path.join(out, f) for name, f in GENERATOR_FILES.items()},
        latest=latest,
        verbose=verbose,
        steps_per_epoch=steps_per_epoch,
        callbacks=callbacks,
    )
