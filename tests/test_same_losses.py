"""Refactoring does not change training: two short float32 runs (Pix2Pix, CycleGAN) from seed 0
log the losses and validation scores that release 0.1.0 (commit 7e10a94) logged for the same
settings, recorded in tests/fixtures/losses_0.1.0.json (measured equal to the last bit on this
CPU when recorded; the tolerance allows another CPU's rounding)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from tf_imgtrans.training import CycleGANConfig, Pix2PixConfig, train_cyclegan, train_pix2pix

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "losses_0.1.0.json")
COMMON = {"epochs": 2, "image_size": 64, "ngf": 8, "ndf": 8, "n_layers": 2,
          "precision": "float32", "tensorboard": False}  # fmt: skip
RUNS = {
    "pix2pix": (Pix2PixConfig(data="builtin:facades?n_train=8&n_val=2&n_test=2", **COMMON),
                train_pix2pix),
    "cyclegan": (CycleGANConfig(data="builtin:facades2night?n_train=8&n_test=2", **COMMON),
                 train_cyclegan),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(RUNS))
def test_short_run_logs_what_release_0_1_0_logged(name, tmp_path):
    config, train = RUNS[name]
    train(config, str(tmp_path), verbose=0)
    history = json.load(open(tmp_path / "history.json"))
    expected = json.load(open(FIXTURE))[name]
    for key, values in expected.items():
        np.testing.assert_allclose(history[key], values, rtol=1e-4, err_msg=key)
