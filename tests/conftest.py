"""Shared fixtures: a private cache folder, fixed seeds, tiny networks."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Built-in datasets are generated into a per-session folder, never the user's cache."""
    monkeypatch.setenv("TF_IMGTRANS_HOME", str(tmp_path_factory.getbasetemp() / "tf_imgtrans_home"))
    keras.utils.set_random_seed(0)


@pytest.fixture
def tiny_pix2pix():
    """A compiled Pix2Pix for 64×64 images: U-Net with 6 downs and 8 filters, 34×34 PatchGAN."""
    from tf_imgtrans.models import Pix2Pix
    from tf_imgtrans.networks import get_discriminator, get_generator

    model = Pix2Pix(
        get_generator("unet", num_downs=6, ngf=8),
        get_discriminator("patch", n_layers=2, ndf=8),
    )
    model.compile()
    return model
