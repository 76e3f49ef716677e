"""A Pix2Pix run: settings, networks, paired data, and `fit` into a run folder."""

from __future__ import annotations

from tf_imgtrans.configs import Pix2PixConfig
from tf_imgtrans.data import available_splits, load_paired_dataset, resolve_paired_spec
from tf_imgtrans.models import Pix2Pix
from tf_imgtrans.precision import precision_scope
from tf_imgtrans.training.gan import build_discriminator, build_generator, gan_compile_args
from tf_imgtrans.training.run import RunData, RunResult, Trainer, first_batch


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
    with precision_scope(config.precision):
        generator = build_generator(
            config, lambda: ("unet", {"num_downs": unet_downs_for(config.image_size)})
        )
        discriminator = build_discriminator(config, input_channels=6)
    model = Pix2Pix(generator, discriminator, name="pix2pix")
    model.compile(
        **gan_compile_args(config),
        gan_mode=config.gan_mode,
        lambda_l1=config.lambda_l1,
    )
    return model


def pix2pix_data(config: Pix2PixConfig) -> RunData:
    """The paired training data (jittered, shuffled), the validation split (`val`, else `test`,
    else `train`) and 4 validation pairs for the sample grids."""
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
    fixed = {"augment": False, "shuffle": False, "limit": config.limit, **common}
    val = load_paired_dataset(root, val_split, batch_size=config.batch_size, **fixed)
    # A separate, uncached pipeline: taking part of a cached one makes tf.data discard its cache.
    sample = load_paired_dataset(
        root, val_split, batch_size=4, cache=False, **{**fixed, "limit": 4}
    )
    return RunData(train, val, first_batch(sample))


PIX2PIX = Trainer(
    name="pix2pix",
    config_class=Pix2PixConfig,
    data=pix2pix_data,
    build=build_pix2pix,
    network_files={"generator": "generator.keras"},
)


def train_pix2pix(config: Pix2PixConfig, out: str, **options) -> RunResult:
    """Trains Pix2Pix on `config.data` and writes the run to `out`.

    `out` receives `generator.keras` (after every epoch, atomically), `samples/epoch_NNNN.png`
    (input | output | target on validation images), `checkpoints/` (networks + optimizer state),
    `history.json`, `losses.png`, `report.html`, `config.json` and TensorBoard logs in `logs/`.

    Args:
        config: Pix2PixConfig. The run's settings.
        out: str. Output folder.
        **options: `resume`, `verbose`, `steps_per_epoch`, `callbacks`, `strategy`: see
            `tf_imgtrans.training.Trainer.run`.
    """
    return PIX2PIX.run(config, out, **options)
