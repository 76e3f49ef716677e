"""CycleGAN runs on disk (tf_imgtrans.training.cyclegan) and `tf-imgtrans train cyclegan`."""

import json
import os

import keras
import numpy as np
import pytest

from tf_imgtrans.cli import main
from tf_imgtrans.training.cyclegan import CycleGANConfig, build_cyclegan, train_cyclegan

DATA = "builtin:facades2night?n_train=4&n_train_b=3&n_test=2"
TINY = [
    "--data",
    DATA,
    "--image-size",
    "32",
    "--n-blocks",
    "1",
    "--ngf",
    "8",
    "--ndf",
    "8",
    "--n-layers",
    "2",
    "--batch-size",
    "2",
    "--pool-size",
    "3",
    "--no-tensorboard",
]


class PoolAtStart(keras.callbacks.Callback):
    """Records the trainer's pool state when `fit` starts (after any restore)."""

    def on_train_begin(self, logs=None):
        self.state = {
            k: keras.ops.convert_to_numpy(v).copy() for k, v in self.model.extra_state().items()
        }


def test_cli_run_then_resume_restores_epoch_optimizers_and_pools(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert main(["train", "cyclegan", "--out", out, "--epochs", "1", *TINY]) == 0
    assert "generator_AtoB.keras" in capsys.readouterr().out
    names = set(os.listdir(out))
    assert {
        "generator_AtoB.keras",
        "generator_BtoA.keras",
        "samples",
        "checkpoints",
        "history.json",
        "losses.png",
        "config.json",
    } <= names
    for name in ("generator_AtoB", "generator_BtoA"):
        g = keras.models.load_model(os.path.join(out, f"{name}.keras"), compile=False)
        assert g(np.zeros((1, 40, 48, 3), "float32")).shape == (1, 40, 48, 3)  # any size
    history = json.load(open(os.path.join(out, "history.json")))
    assert {"cycle_A", "idt_B", "d_A", "val_cycle_A", "val_psnr_AtoB", "val_ssim_BtoA"} <= set(
        history
    )
    ckpt = os.path.join(out, "checkpoints", "ckpt-0001")
    with np.load(os.path.join(ckpt, "extra_state.npz")) as saved:
        saved_pools = {k: saved[k].copy() for k in saved.files}
    assert int(saved_pools["pool_A.count"]) == 3  # 2 batches of 2 fakes filled the pool of 3
    assert saved_pools["pool_A.images"].shape == (3, 32, 32, 3)

    # Without --resume the run is protected.
    assert main(["train", "cyclegan", "--out", out, "--epochs", "2", *TINY]) == 2
    assert "--resume" in capsys.readouterr().err

    # Resumed from Python with other settings: config.json wins, except for `epochs`.
    probe = PoolAtStart()
    result = train_cyclegan(
        CycleGANConfig(epochs=2, ngf=16), out, resume=True, verbose=0, callbacks=[probe]
    )
    assert result.initial_epoch == 1 and result.model.generator_ab.count_params() < 50_000
    assert set(probe.state) == set(saved_pools)
    for key, value in saved_pools.items():
        np.testing.assert_array_equal(probe.state[key], value, err_msg=key)
    steps_per_epoch = 2  # 4 A images (the larger domain), batch 2
    assert int(result.model.g_optimizer.iterations.numpy()) == 2 * steps_per_epoch
    # Learning rate: constant in the first half (epoch 1), decayed in the second (1 - 1/2).
    history = json.load(open(os.path.join(out, "history.json")))
    assert history["epoch"] == [1, 2]
    assert history["lr_generators"] == pytest.approx([2e-4, 1e-4])
    assert sorted(os.listdir(os.path.join(out, "samples"))) == ["epoch_0001.png", "epoch_0002.png"]


def test_config_defaults_and_validation():
    config = CycleGANConfig()
    assert (config.gan_mode, config.lambda_cycle, config.lambda_identity) == ("lsgan", 10.0, 0.5)
    assert config.resolved_n_blocks == 9 and CycleGANConfig(image_size=128).resolved_n_blocks == 6
    assert (config.norm, config.n_layers, config.pool_size, config.lr) == (
        "instance",
        3,
        50,
        2e-4,
    )
    with pytest.raises(ValueError, match="Unknown CycleGAN settings"):
        CycleGANConfig.from_dict({"lambda_a": 10})
    with pytest.raises(ValueError, match="multiple of 4"):
        build_cyclegan(CycleGANConfig(image_size=30, n_blocks=1, ngf=4, ndf=4))
    model = build_cyclegan(CycleGANConfig(image_size=32, n_blocks=1, ngf=4, ndf=4, n_layers=1))
    assert model.generator_ab.name == "generator_AtoB"
    assert model.discriminator_b.input_shape[-1] == 3
    assert model.pool_a.built and model.pool_a.images.shape == (50, 32, 32, 3)


def test_bad_data_fails_before_training(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert main(["train", "cyclegan", "--out", out, "--data", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["train", "cyclegan", "--out", out, "--data", "builtin:horses"]) == 2
    assert "facades2night" in capsys.readouterr().err
    assert not os.path.exists(out)
