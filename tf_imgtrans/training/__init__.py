"""Training runs on disk: settings, data, networks and `fit` with the standard callbacks, all
written to one run folder (the CLI, the demo and users share this code path)."""

from tf_imgtrans.training.pix2pix import (
    Pix2PixConfig,
    build_pix2pix,
    train_pix2pix,
    unet_downs_for,
)
from tf_imgtrans.training.run import (
    RunResult,
    SaveNetworks,
    first_batch,
    fit_run,
    load_config_file,
    open_run,
)

__all__ = [
    "Pix2PixConfig",
    "RunResult",
    "SaveNetworks",
    "build_pix2pix",
    "first_batch",
    "fit_run",
    "load_config_file",
    "open_run",
    "train_pix2pix",
    "unet_downs_for",
]
