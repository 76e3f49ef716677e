"""Training runs on disk: settings, data, networks and `fit` with the standard callbacks, all
written to one run folder (the CLI, the demo and users share this code path)."""

from tf_imgtrans.training.cyclegan import CycleGANConfig, build_cyclegan, train_cyclegan
from tf_imgtrans.training.pix2pix import (
    Pix2PixConfig,
    build_pix2pix,
    train_pix2pix,
    unet_downs_for,
)
from tf_imgtrans.training.run import (
    RunConfig,
    RunResult,
    SaveNetworks,
    first_batch,
    fit_run,
    load_config_file,
    open_run,
)
from tf_imgtrans.training.style import (
    AdaINConfig,
    FastStyleConfig,
    SaveStylizer,
    build_adain,
    build_fast_style,
    train_adain,
    train_fast_style,
)

__all__ = [
    "AdaINConfig",
    "CycleGANConfig",
    "FastStyleConfig",
    "Pix2PixConfig",
    "RunConfig",
    "RunResult",
    "SaveNetworks",
    "SaveStylizer",
    "build_adain",
    "build_cyclegan",
    "build_fast_style",
    "build_pix2pix",
    "first_batch",
    "fit_run",
    "load_config_file",
    "open_run",
    "train_adain",
    "train_cyclegan",
    "train_fast_style",
    "train_pix2pix",
    "unet_downs_for",
]
