"""A CycleGAN run: settings, networks, unpaired data, and `fit` into a run folder."""

from __future__ import annotations

from tf_imgtrans.configs import CycleGANConfig, UnpairedConfig
from tf_imgtrans.data import load_unpaired_dataset, resolve_unpaired_spec, unpaired_splits
from tf_imgtrans.models import CycleGAN
from tf_imgtrans.precision import precision_scope
from tf_imgtrans.training.gan import build_discriminator, build_generator, gan_compile_args
from tf_imgtrans.training.run import RunData, RunResult, Trainer, first_batch

GENERATOR_FILES = {
    "generator_AtoB": "generator_AtoB.keras",
    "generator_BtoA": "generator_BtoA.keras",
}


def unpaired_generator(config: UnpairedConfig, name: str):
    """The generator of an unpaired run (CycleGAN, CUT): `config.generator`, or for "auto" the
    ResNet generator with `config.resolved_n_blocks` blocks."""
    if config.image_size % 4:
        raise ValueError(
            "The ResNet generator needs an image size that is a multiple of 4. "
            f"Received: image_size={config.image_size}"
        )
    return build_generator(
        config, lambda: ("resnet", {"n_blocks": config.resolved_n_blocks}), name=name
    )


def build_cyclegan(config: CycleGANConfig) -> CycleGAN:
    """The compiled CycleGAN trainer that `config` describes, its image pools built for
    `config.image_size` (so that a checkpoint can be restored into them); the networks are built
    under the dtype policy of `config.precision` (float32 variables either way)."""
    with precision_scope(config.precision):
        networks = [
            unpaired_generator(config, name="generator_AtoB"),
            unpaired_generator(config, name="generator_BtoA"),
            build_discriminator(config, input_channels=3, name="discriminator_A"),
            build_discriminator(config, input_channels=3, name="discriminator_B"),
        ]
    model = CycleGAN(*networks, name="cyclegan")
    model.compile(
        **gan_compile_args(config),
        gan_mode=config.gan_mode,
        lambda_cycle=config.lambda_cycle,
        lambda_identity=config.lambda_identity,
        pool_size=config.pool_size,
    )
    model.build((None, config.image_size, config.image_size, 3))
    return model


def cyclegan_data(config: UnpairedConfig) -> RunData:
    """The data of an unpaired run (CycleGAN, CUT): the two training domains (each shuffled
    and jittered on its own), the test split as validation data where there is one (PSNR/SSIM
    too where it has ground truth), and 4 test images of each domain for the sample grids."""
    root = resolve_unpaired_spec(config.data, image_size=config.image_size)
    common = {"image_size": config.image_size, "limit": config.limit, "strict": config.strict}
    train = load_unpaired_dataset(
        root, "train", load_size=config.load_size, batch_size=config.batch_size,
        seed=config.seed, augment=config.augment, shuffle=config.shuffle, **common,
    )  # fmt: skip
    has_test = "test" in unpaired_splits(root)
    # Instance norm makes results independent of the batch size: evaluate 4 at a time.
    val = load_unpaired_dataset(root, "test", batch_size=4, **common) if has_test else None
    # A separate, uncached pipeline: taking part of a cached one makes tf.data discard its cache.
    sample = load_unpaired_dataset(
        root, "test" if has_test else "train", batch_size=4, augment=False, shuffle=False,
        cache=False, paired=False, **{**common, "limit": 4},
    )  # fmt: skip
    return RunData(train, val, first_batch(sample))


CYCLEGAN = Trainer(
    name="cyclegan",
    config_class=CycleGANConfig,
    data=cyclegan_data,
    build=build_cyclegan,
    network_files=GENERATOR_FILES,
)


def train_cyclegan(config: CycleGANConfig, out: str, **options) -> RunResult:
    """Trains CycleGAN on `config.data` and writes the run to `out`.

    `out` receives `generator_AtoB.keras` and `generator_BtoA.keras` (after every epoch,
    atomically), `samples/epoch_NNNN.png` (real | translated | reconstructed, both directions,
    on test images), `checkpoints/` (the four networks, both optimizers and both image pools),
    `history.json`, `losses.png`, `report.html`, `config.json` and TensorBoard logs in `logs/`.
    Where the data has a test split it is the validation data: cycle and identity L1 every
    epoch, and PSNR/SSIM of both translations when the split has ground truth (the built-in
    sets do). Under a strategy the image pools hold the global batch's fakes.

    Args:
        config: CycleGANConfig. The run's settings.
        out: str. Output folder.
        **options: `resume`, `verbose`, `steps_per_epoch`, `callbacks`, `strategy`: see
            `tf_imgtrans.training.Trainer.run`.
    """
    return CYCLEGAN.run(config, out, **options)
