"""Trainers: keras.Model subclasses with custom train_step/test_step, trained with `fit`."""

from tf_imgtrans.layers.image_pool import ImagePool
from tf_imgtrans.models.adain import AdaIN
from tf_imgtrans.models.base import TranslationTrainer, default_adam, resolve_jit_compile
from tf_imgtrans.models.cut import CUT
from tf_imgtrans.models.cyclegan import CycleGAN
from tf_imgtrans.models.pix2pix import Pix2Pix
from tf_imgtrans.models.style_transfer import FastStyleTransfer

__all__ = [
    "AdaIN",
    "CUT",
    "CycleGAN",
    "FastStyleTransfer",
    "ImagePool",
    "Pix2Pix",
    "TranslationTrainer",
    "default_adam",
    "resolve_jit_compile",
]
