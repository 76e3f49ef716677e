"""tf_imgtrans: image-to-image translation (Pix2Pix) with TensorFlow 2 and Keras 3.

Example:
>>> import tf_imgtrans as ti
>>> g = ti.get_generator("unet", num_downs=6, ngf=8)
>>> model = ti.Pix2Pix(g, ti.get_discriminator("patch", n_layers=2, ndf=8))
>>> model.compile()
"""

__version__ = "0.1.0"

from tf_imgtrans.data import load_image, load_paired_dataset, resolve_paired_spec, save_image
from tf_imgtrans.inference import translate
from tf_imgtrans.models import AdaIN, FastStyleTransfer, Pix2Pix
from tf_imgtrans.networks import get_discriminator, get_generator
from tf_imgtrans.style import adain_stylize, stylize
from tf_imgtrans.training import Pix2PixConfig, train_pix2pix
from tf_imgtrans.translate_files import load_generator, translate_paths

__all__ = [
    "AdaIN",
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
    "train_pix2pix",
    "translate",
    "translate_paths",
]
