"""A CUT / FastCUT run: settings, networks, unpaired data (CycleGAN's), and `fit` into a run
folder."""

from __future__ import annotations

from tf_imgtrans.configs import CUTConfig
from tf_imgtrans.models.cut import CUT
from tf_imgtrans.precision import precision_scope
from tf_imgtrans.training.cyclegan import cyclegan_data, unpaired_generator
from tf_imgtrans.training.gan import build_discriminator, gan_compile_args
from tf_imgtrans.training.run import RunResult, Trainer

GENERATOR_FILES = {"generator": "generator_AtoB.keras"}


def build_cut(config: CUTConfig) -> CUT:
    """The compiled CUT trainer that `config` describes (its mode's settings resolved by the
    config); the networks, projection heads included, are built under the dtype policy of
    `config.precision` (float32 variables either way)."""
    with precision_scope(config.precision):
        generator = unpaired_generator(config, name="generator_AtoB")
        discriminator = build_discriminator(config, input_channels=3, name="discriminator_B")
        model = CUT(
            generator,
            discriminator,
            nce_layers=config.nce_layers,
            projection_units=config.projection_units,
            seed=config.seed,
            name="cut",
        )
    model.compile(
        **gan_compile_args(config),
        mode=config.mode,
        gan_mode=config.gan_mode,
        lambda_gan=config.lambda_gan,
        lambda_nce=config.lambda_nce,
        nce_idt=config.nce_idt,
        flip_equivariance=config.flip_equivariance,
        num_patches=config.num_patches,
        nce_temperature=config.nce_temperature,
    )
    return model


CUT_TRAINER = Trainer(
    name="cut",
    config_class=CUTConfig,
    data=cyclegan_data,
    build=build_cut,
    network_files=GENERATOR_FILES,
)


def train_cut(config: CUTConfig, out: str, **options) -> RunResult:
    """Trains CUT or FastCUT (`config.mode`) on the unpaired data `config.data` and writes the
    run to `out`.

    `out` receives `generator_AtoB.keras` (after every epoch, atomically), `samples/
    epoch_NNNN.png` (real A | translated | real B | G(B), on test images), `checkpoints/` (G, D,
    the projection heads, both optimizers and the patch-sampling seed), `history.json`,
    `losses.png`, `report.html`, `config.json` and TensorBoard logs in `logs/`. Where the data
    has a test split it is the validation data: |G(b) - b|₁ every epoch, and PSNR/SSIM of G(a)
    against the ground truth where the split has it (the built-in sets do).

    Args:
        config: CUTConfig. The run's settings.
        out: str. Output folder.
        **options: `resume`, `verbose`, `steps_per_epoch`, `callbacks`, `strategy`: see
            `tf_imgtrans.training.Trainer.run`.
    """
    return CUT_TRAINER.run(config, out, **options)
