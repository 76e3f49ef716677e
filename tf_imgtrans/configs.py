"""The run settings of every trainer, each default written once.

`RunConfig` holds what every run has (schedule, checkpoints, samples, precision, logging);
`GANConfig` adds what the adversarial trainers share (networks' widths, normalisation, GAN loss,
Adam's β1); each trainer's config adds only its own fields and overrides the defaults its paper
sets. The trainers' `compile` methods take their defaults from these classes (e.g.
`Pix2Pix.compile(lambda_l1=Pix2PixConfig.lambda_l1)`), so a default lives in one place.

A config is saved as the run folder's `config.json`; `from_dict` rebuilds it (unknown keys are
refused, keys a newer release added take their defaults), so a resumed run rebuilds the same
networks and data. This module imports no TensorFlow.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from tf_imgtrans.precision import DEFAULT_PRECISION


@dataclass
class RunConfig:
    """What every training run has. Trainer configs subclass it (`settings_name` names the
    run kind in errors)."""

    epochs: int = 200  # total epochs
    decay_epochs: int | None = None  # epochs of linear LR decay at the end; None: half
    image_size: int = 256  # training size
    batch_size: int = 1
    shuffle: bool = True  # a new order every epoch
    strict: bool = False  # False: unreadable files are skipped and counted; True: they stop
    optimizer: str = "adam"  # "adam" (the papers') or "sgd" (plain gradient steps, for checks)
    lr: float = 2e-4
    limit: int | None = None  # use only the first N training items
    seed: int | None = 0
    sample_every: int = 1  # epochs between sample grids
    checkpoint_every: int = 1  # epochs between checkpoints
    keep_checkpoints: int = 3
    tensorboard: bool = True  # TensorBoard logs in RUN/logs (needs the tensorboard package)
    precision: str = DEFAULT_PRECISION  # or "float32", "mixed_bfloat16", …: tf_imgtrans.precision
    extra: dict = field(default_factory=dict)  # free-form notes kept in config.json

    settings_name = ""

    @classmethod
    def from_dict(cls, values: dict):
        """The config of `values` (e.g. a `config.json`), refusing unknown keys."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            name = cls.settings_name or cls.__name__
            raise ValueError(f"Unknown {name} settings {unknown}. Valid: {sorted(known)}")
        return cls(**values)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class GANConfig(RunConfig):
    """What the adversarial trainers share (Pix2Pix, CycleGAN and the trainers that follow)."""

    data: str = ""  # the training data: a folder, builtin:NAME, an archive or tfds name
    augment: bool = True  # the papers' jitter: resize to 286/256 of the size, random crop, mirror
    generator: str = "auto"  # a name of the generator registry; "auto": the trainer's default
    discriminator: str = "patch"  # "patch" (PatchGAN, `n_layers` deep) or "pixel" (1×1)
    ngf: int = 64  # generator filters
    ndf: int = 64  # discriminator filters
    n_layers: int = 3  # PatchGAN depth: 1 = 16², 3 = 70², 5 = 286² receptive field
    norm: str = "batch"
    upsampling: str = "transpose"
    dropout: float = 0.5
    gan_mode: str = "vanilla"
    beta_1: float = 0.5  # Adam's β1 (the papers')
    # Stabilisers (off by default: the papers' training). See tf_imgtrans.models.stability.
    lr_g: float | None = None  # the generators' learning rate; None: `lr`
    lr_d: float | None = None  # the discriminators' learning rate (TTUR); None: `lr`
    spectral_norm: bool = False  # spectral normalisation of every discriminator convolution
    r1_gamma: float = 0.0  # R1 penalty (γ/2)·E‖∇D(real)‖² on the discriminators; 0: off
    r1_every: int = 16  # lazy R1: every k-th discriminator step, weighted by k
    ema_decay: float = 0.0  # EMA of the generators' weights (translate/samples/export); 0: off


@dataclass
class Pix2PixConfig(GANConfig):
    """Every setting of a Pix2Pix run. Defaults are the paper's (facades: 200 epochs, the last
    100 with linear decay; U-Net-256, 70×70 PatchGAN, batch norm, vanilla GAN + 100·L1)."""

    data: str = "builtin:facades"
    direction: str = "AtoB"
    lambda_l1: float = 100.0

    settings_name = "Pix2Pix"


@dataclass
class UnpairedConfig(GANConfig):
    """What the unpaired trainers share (CycleGAN, CUT): two image domains, 256×256 crops of
    286×286 images, batch 1, ResNet generators with 9 blocks (6 below 256 px), 70×70 PatchGANs
    with instance norm, LSGAN, Adam 2e-4 (β1 0.5)."""

    data: str = "builtin:facades2night"
    load_size: int | None = None  # None: image_size · 286/256
    n_blocks: int | None = None  # None: 9 at 256 px and above, 6 below (the paper's choice)
    norm: str = "instance"
    dropout: float = 0.0
    gan_mode: str = "lsgan"

    @property
    def resolved_n_blocks(self) -> int:
        if self.n_blocks is not None:
            return self.n_blocks
        return 9 if self.image_size >= 256 else 6


@dataclass
class CycleGANConfig(UnpairedConfig):
    """Every setting of a CycleGAN run. Defaults are the paper's: those of `UnpairedConfig`,
    λ = 10, identity 0.5·λ, pools of 50, 200 epochs of which the last 100 decay linearly to
    zero."""

    lambda_cycle: float = 10.0
    lambda_identity: float = 0.5
    pool_size: int = 50

    settings_name = "CycleGAN"


# CUT's two modes (Park et al. 2020, and the reference implementation's defaults): the settings
# a mode sets where the user did not set them.
CUT_MODES: dict[str, dict] = {
    "cut": {"lambda_nce": 1.0, "nce_idt": True, "flip_equivariance": False, "epochs": 400},
    "fastcut": {"lambda_nce": 10.0, "nce_idt": False, "flip_equivariance": True, "epochs": 200},
}  # fmt: skip
# The share of the epochs whose learning rate decays linearly to 0 (reference: 200 + 200, 150 + 50).
CUT_DECAY_SHARE = {"cut": 0.5, "fastcut": 0.25}


def cut_mode_settings(mode: str, **given) -> dict:
    """The settings of CUT mode `mode` ("cut" or "fastcut"), each one in `given` that is not
    None taking its place."""
    if mode not in CUT_MODES:
        raise ValueError(f"`mode` must be one of {sorted(CUT_MODES)}. Received: mode={mode!r}")
    unknown = sorted(set(given) - set(CUT_MODES[mode]))
    if unknown:
        raise ValueError(f"CUT modes do not set {unknown}; they set {sorted(CUT_MODES[mode])}")
    return {k: v if given.get(k) is None else given[k] for k, v in CUT_MODES[mode].items()}


@dataclass
class CUTConfig(UnpairedConfig):
    """Every setting of a CUT or FastCUT run (Park et al. 2020). Defaults are the paper's: those
    of `UnpairedConfig`, no image pool, GAN weight 1, PatchNCE on five layers of the generator's
    encoder (256 patches each, 256-d projections, temperature 0.07); CUT: λ_NCE = 1 with the
    identity PatchNCE on domain-B images, 400 epochs (the last 200 decaying); FastCUT: λ_NCE =
    10, no identity term, flip-equivariance, 200 epochs (the last 50 decaying). Fields left None
    take their mode's value when the config is made (`decay_epochs` its share of `epochs`)."""

    mode: str = "cut"  # "cut" or "fastcut"
    epochs: int | None = None  # None: the mode's (CUT 400, FastCUT 200)
    decay_epochs: int | None = None  # None: the mode's share (CUT 1/2, FastCUT 1/4)
    lambda_gan: float = 1.0
    lambda_nce: float | None = None  # None: the mode's (CUT 1, FastCUT 10)
    nce_idt: bool | None = None  # identity PatchNCE on B images; None: the mode's (CUT only)
    flip_equivariance: bool | None = None  # None: the mode's (FastCUT only)
    nce_layers: str = "auto"  # comma-separated generator layer names; auto: the paper's five
    num_patches: int = 256  # patches sampled per layer and image
    nce_temperature: float = 0.07
    projection_units: int = 256  # width of each layer's 2-layer MLP projection head

    settings_name = "CUT"

    def __post_init__(self):
        resolved = cut_mode_settings(
            self.mode, **{name: getattr(self, name) for name in CUT_MODES["cut"]}
        )
        for name, value in resolved.items():
            setattr(self, name, value)
        if self.decay_epochs is None:
            self.decay_epochs = round(self.epochs * CUT_DECAY_SHARE[self.mode])


@dataclass
class StyleConfig(RunConfig):
    """What the style-transfer trainers share: the VGG loss network and the loss weights."""

    decay_epochs: int | None = 0  # constant learning rate, as the papers
    content_weight: float = 1.0
    style_weight: float = 5.0
    arch: str = "vgg16"
    vgg_weights: str = "imagenet"


@dataclass
class FastStyleConfig(StyleConfig):
    """Every setting of a fast style transfer run. Defaults follow Johnson et al.: 256×256
    content images, batch 4, Adam 1e-3, 2 epochs (of COCO's 80k images), VGG16 relu2_2 content
    and relu1_2/2_2/3_3/4_3 style layers."""

    style: str = ""  # the style image
    data: str = ""  # a folder of content images (searched recursively)
    epochs: int = 2
    batch_size: int = 4
    lr: float = 1e-3
    style_size: int | None = None  # long side of the style image; None: image_size
    filters: int = 32
    n_blocks: int = 5
    norm: str = "instance"
    upsampling: str = "resize"
    style_weight: float = 5.0  # with 1 / channels² per style layer (see FastStyleTransfer)
    tv_weight: float = 1e4

    settings_name = "fast style"


@dataclass
class AdaINConfig(StyleConfig):
    """Every setting of an AdaIN run. Defaults follow Huang & Belongie: images resized to 512
    and randomly cropped to 256, batch 8, Adam 1e-4, style weight 10 (the paper trains 160,000
    iterations on MS-COCO × WikiArt)."""

    content: str = ""  # a folder of content images
    style: str = ""  # a folder of style images
    epochs: int = 10  # one epoch is one pass over the content images
    load_size: int | None = 512  # resize before the random crop; None: no crop
    batch_size: int = 8
    lr: float = 1e-4
    style_weight: float = 10.0

    settings_name = "AdaIN"


__all__ = [
    "CUT_MODES",
    "AdaINConfig",
    "CUTConfig",
    "CycleGANConfig",
    "FastStyleConfig",
    "GANConfig",
    "Pix2PixConfig",
    "RunConfig",
    "StyleConfig",
    "UnpairedConfig",
    "cut_mode_settings",
]
