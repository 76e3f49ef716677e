"""tf_imgtrans: image-to-image translation (Pix2Pix, CycleGAN, style transfer) with TensorFlow 2
and Keras 3.

Example:
>>> import tf_imgtrans as ti
>>> g = ti.get_generator("unet", num_downs=6, ngf=8)
>>> model = ti.Pix2Pix(g, ti.get_discriminator("patch", n_layers=2, ndf=8))
>>> model.compile()

The root is lazy: `import tf_imgtrans` (and `import tf_imgtrans.cli`) loads no TensorFlow; each
public name imports its module the first time it is used.
"""

from tf_imgtrans._lazy import exports_of, lazy_namespace
from tf_imgtrans._version import __version__ as __version__
from tf_imgtrans.distribute import configure_from_env as _configure_from_env

_configure_from_env()  # before anything initialises TensorFlow's devices (no-op when unset)

_EXPORTS = exports_of(
    {
        "tf_imgtrans.data": [
            "load_image", "load_paired_dataset", "resolve_paired_spec", "save_image"
        ],
        "tf_imgtrans.inference": ["translate"],
        "tf_imgtrans.models": ["AdaIN", "CycleGAN", "FastStyleTransfer", "Pix2Pix"],
        "tf_imgtrans.networks": ["get_discriminator", "get_generator"],
        "tf_imgtrans.style": ["adain_stylize", "stylize"],
        "tf_imgtrans.training": [
            "CycleGANConfig", "Pix2PixConfig", "train_cyclegan", "train_pix2pix"
        ],
        "tf_imgtrans.translate_files": ["load_generator", "translate_paths"],
    }
)  # fmt: skip
__all__ = sorted([*_EXPORTS, "__version__"])
__getattr__, __dir__ = lazy_namespace(__name__, _EXPORTS, globals())
