"""tf_imgtrans: image-to-image translation (Pix2Pix, CycleGAN, style transfer) with TensorFlow 2
and Keras 3.

Example:
>>> import tf_imgtrans as ti
>>> g = ti.get_generator("unet", num_downs=6, ngf=8)
>>> model = ti.Pix2Pix(g, ti.get_discriminator("patch", n_layers=2, ndf=8))
>>> model.compile()
"""

__version__ = "0.1.0"

from tf_imgtrans.distribute import configure_from_env as _configure_from_env

_configure_from_env()  # before anything initialises TensorFlow's devices

from tf_imgtrans.data import load_image, load_paired_dataset, resolve_paired_spec, save_image  # noqa: E402
from tf_imgtrans.inference import translate  # noqa: E402
from tf_imgtrans.models import AdaIN, CycleGAN, FastStyleTransfer, Pix2Pix  # noqa: E402
from tf_imgtrans.networks import get_discriminator, get_generator  # noqa: E402
from tf_imgtrans.style import adain_stylize, stylize  # noqa: E402
from tf_imgtrans.training import (  # noqa: E402
    CycleGANConfig,
    Pix2PixConfig,
    train_cyclegan,
    train_pix2pix,
)
from tf_imgtrans.translate_files import load_generator, translate_paths  # noqa: E402

__all__ = [
    "AdaIN",
    "CycleGAN",
    "CycleGANConfig",
    "FastStyleTransfer",
    "Pix2Pix",
    "Pix2PixConfig",
    "__version__",
    "adain_stylize",
    "get_discriminator",
    "get_generator",
    "load_generator",
    "load_image",
    "load_paired_dataset",
    "resolve_paired_spec",
    "save_image",
    "stylize",
    "train_cyclegan",
    "train_pix2pix",
    "translate",
    "translate_paths",
]
