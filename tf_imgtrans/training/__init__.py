"""Training runs on disk: settings, data, networks and `fit` with the standard callbacks, all
written to one run folder (the CLI, the demo and users share this code path).

Lazy (names import their module when first used); the settings live in `tf_imgtrans.configs`,
which the models read their defaults from, and are re-exported here.
"""

from tf_imgtrans._lazy import exports_of, lazy_namespace

_EXPORTS = exports_of(
    {
        "tf_imgtrans.configs": [
            "AdaINConfig", "CUTConfig", "CycleGANConfig", "FastStyleConfig", "GANConfig",
            "Pix2PixConfig", "RunConfig", "StyleConfig", "UnpairedConfig",
        ],
        "tf_imgtrans.training.cut": ["CUT_TRAINER", "build_cut", "train_cut"],
        "tf_imgtrans.training.cyclegan": [
            "CYCLEGAN", "build_cyclegan", "cyclegan_data", "train_cyclegan", "unpaired_generator"
        ],
        "tf_imgtrans.training.pix2pix": [
            "PIX2PIX", "build_pix2pix", "pix2pix_data", "train_pix2pix", "unet_downs_for"
        ],
        "tf_imgtrans.training.run": [
            "RunData", "RunResult", "SaveNetworks", "Trainer", "first_batch", "fit_run",
            "load_config_file", "open_run",
        ],
        "tf_imgtrans.training.style": [
            "ADAIN", "FAST_STYLE", "SaveStylizer", "adain_data", "build_adain",
            "build_fast_style", "fast_style_data", "train_adain", "train_fast_style",
        ],
    }
)  # fmt: skip
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_namespace(__name__, _EXPORTS, globals())
