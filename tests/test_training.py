import json
import os

import numpy as np
import pytest

from tf_imgtrans.callbacks import list_checkpoints
from tf_imgtrans.training import Pix2PixConfig, train_pix2pix, unet_downs_for

TINY = {
    "data": "builtin:facades?n_train=6&n_val=2&n_test=2",
    "image_size": 64,
    "ngf": 8,
    "ndf": 8,
    "n_layers": 2,
    "batch_size": 2,
    "tensorboard": False,
}


def test_unet_downs_for_size():
    assert unet_downs_for(256) == 8 and unet_downs_for(128) == 7 and unet_downs_for(64) == 6
    assert unet_downs_for(96) == 5 and unet_downs_for(1024) == 8
    with pytest.raises(ValueError, match="multiple of 4"):
        unet_downs_for(130)


def test_run_writes_every_output(tmp_path):
    out = str(tmp_path / "run")
    result = train_pix2pix(Pix2PixConfig(epochs=2, **TINY), out, verbose=0)
    names = set(os.listdir(out))
    assert {
        "generator.keras",
        "samples",
        "checkpoints",
        "history.json",
        "losses.png",
        "config.json",
    } <= names
    assert sorted(os.listdir(os.path.join(out, "samples"))) == ["epoch_0001.png", "epoch_0002.png"]
    history = json.load(open(os.path.join(out, "history.json")))
    assert history["epoch"] == [1, 2] and len(history["val_psnr"]) == 2
    assert result.model.generator.name == "unet_64"


def test_resume_continues_from_the_saved_epoch(tmp_path):
    out = str(tmp_path / "run")
    first = train_pix2pix(Pix2PixConfig(epochs=1, **TINY), out, verbose=0)
    weights_after_1 = [w.numpy().copy() for w in first.model.generator.weights]
    with pytest.raises(FileExistsError, match="--resume"):
        train_pix2pix(Pix2PixConfig(epochs=2, **TINY), out, verbose=0)
    # The resumed run takes its settings from config.json, whatever is passed but `epochs`.
    second = train_pix2pix(Pix2PixConfig(epochs=2, ngf=16), out, resume=True, verbose=0)
    assert second.initial_epoch == 1
    assert second.model.generator.count_params() == first.model.generator.count_params()
    # It started from the saved weights and optimizer state, not from scratch.
    steps_per_epoch = 3  # 6 pairs, batch 2
    assert int(second.model.g_optimizer.iterations.numpy()) == 2 * steps_per_epoch
    assert any(
        not np.allclose(a, b.numpy())
        for a, b in zip(weights_after_1, second.model.generator.weights)
    )
    history = json.load(open(os.path.join(out, "history.json")))
    assert history["epoch"] == [1, 2]
    assert [os.path.basename(p) for p in list_checkpoints(os.path.join(out, "checkpoints"))] == [
        "ckpt-0001",
        "ckpt-0002",
    ]
    assert sorted(os.listdir(os.path.join(out, "samples"))) == ["epoch_0001.png", "epoch_0002.png"]


def test_resume_restores_exact_state(tmp_path):
    # One run of 2 epochs and a run of 1 epoch resumed for a second produce the same
    # checkpoint-2 optimizer step count and learning rates.
    out = str(tmp_path / "run")
    train_pix2pix(Pix2PixConfig(epochs=1, decay_epochs=1, **TINY), out, verbose=0)
    resumed = train_pix2pix(Pix2PixConfig(epochs=2), out, resume=True, verbose=0)
    assert resumed.history["lr_generator"] == pytest.approx([2e-4 / 2])


def test_bad_settings_fail_before_training(tmp_path):
    with pytest.raises(ValueError, match="direction"):
        train_pix2pix(
            Pix2PixConfig(epochs=1, **{**TINY, "direction": "AtoC"}), str(tmp_path / "a"), verbose=0
        )
    with pytest.raises(FileNotFoundError, match="does not exist"):
        train_pix2pix(
            Pix2PixConfig(epochs=1, **{**TINY, "data": str(tmp_path / "nope")}),
            str(tmp_path / "b"),
            verbose=0,
        )
    with pytest.raises(ValueError, match="Unknown Pix2Pix settings"):
        Pix2PixConfig.from_dict({"epochz": 3})
