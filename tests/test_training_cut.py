"""CUT runs on disk (tf_imgtrans.training.cut) and `tf-imgtrans train cut`."""

import json
import os

import keras
import numpy as np
import pytest

from tests.test_training_cyclegan import DATA
from tf_imgtrans.cli import main
from tf_imgtrans.training import CUTConfig, build_cut, train_cut

TINY = ["--data", DATA, "--image-size", "32", "--n-blocks", "1", "--ngf", "8", "--ndf", "8",
        "--n-layers", "2", "--batch-size", "2", "--num-patches", "16", "--projection-units", "8",
        "--no-tensorboard"]  # fmt: skip


class StateAtStart(keras.callbacks.Callback):
    """The projection heads' weights and the sampling seed when `fit` starts (after a restore)."""

    def on_train_begin(self, logs=None):
        self.heads = [w.numpy().copy() for w in self.model.projection.weights]
        self.seed = self.model.sample_seed.numpy().copy()


def test_cli_run_then_resume_restores_the_projection_heads_and_the_sampling_seed(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert main(["train", "cut", "--out", out, "--epochs", "1", *TINY]) == 0
    printed = capsys.readouterr().out
    assert "generator_AtoB.keras" in printed and "tf-imgtrans export --model" in printed
    g = keras.models.load_model(os.path.join(out, "generator_AtoB.keras"), compile=False)
    assert g(np.zeros((1, 40, 48, 3), "float32")).shape == (1, 40, 48, 3)  # any size
    history = json.load(open(os.path.join(out, "history.json")))
    assert {"nce", "nce_idt", "g_gan", "d_loss", "val_idt_B", "val_psnr_AtoB"} <= set(history)
    config = json.load(open(os.path.join(out, "config.json")))
    assert (config["mode"], config["epochs"], config["lambda_nce"], config["nce_idt"]) == (
        "cut", 1, 1.0, True,
    )  # fmt: skip
    ckpt = os.path.join(out, "checkpoints", "ckpt-0001")
    assert "projection_heads.weights.h5" in os.listdir(ckpt)
    heads = keras.models.clone_model(build_cut(CUTConfig(**config)).projection)
    heads.load_weights(os.path.join(ckpt, "projection_heads.weights.h5"))
    with np.load(os.path.join(ckpt, "extra_state.npz")) as saved:
        seed = saved["sample_seed"].copy()
    assert seed[1] == 2  # 4 A images (the larger domain), batch 2: two steps

    # The generator exports like any other, checked against Keras.
    tflite = str(tmp_path / "cut.tflite")
    model_file = os.path.join(out, "generator_AtoB.keras")
    args = ["export", "--model", model_file, "--format", "tflite", "--out", tflite]
    assert main([*args, "--parity-images", "1"]) == 0
    report = json.load(open(str(tmp_path / "cut.parity.json")))
    assert report["parity"]["size"] == [32, 32] and report["parity"]["max_abs_error"] < 1e-4

    probe = StateAtStart()
    result = train_cut(CUTConfig(epochs=2), out, resume=True, verbose=0, callbacks=[probe])
    assert result.initial_epoch == 1
    for saved_w, w in zip(heads.weights, probe.heads, strict=True):
        np.testing.assert_array_equal(saved_w.numpy(), w)
    np.testing.assert_array_equal(probe.seed, seed)
    assert int(result.model.g_optimizer.iterations.numpy()) == 4
    assert json.load(open(os.path.join(out, "history.json")))["epoch"] == [1, 2]


def test_config_modes_and_cli_flags(tmp_path, capsys):
    cut, fast = CUTConfig(), CUTConfig(mode="fastcut")
    assert (cut.epochs, cut.decay_epochs, cut.lambda_nce, cut.nce_idt) == (400, 200, 1.0, True)
    assert (fast.epochs, fast.decay_epochs, fast.lambda_nce, fast.nce_idt) == (200, 50, 10.0, False)
    assert fast.flip_equivariance and not cut.flip_equivariance
    assert CUTConfig(mode="fastcut", nce_idt=True, epochs=8).to_dict()["decay_epochs"] == 2
    assert (cut.gan_mode, cut.norm, cut.data) == ("lsgan", "instance", "builtin:facades2night")
    with pytest.raises(ValueError, match="`mode` must be one of"):
        CUTConfig(mode="cyclegan")
    model = build_cut(CUTConfig(image_size=32, n_blocks=1, ngf=4, ndf=4, n_layers=1))
    assert model.generator.name == "generator_AtoB" and len(model.nce_layers) == 4
    # The reference's spellings and true/false values on the command line.
    out = str(tmp_path / "fast")
    args = ["train", "cut", "--out", out, "--epochs", "1", "--CUT_mode", "FastCUT",
            "--nce_idt", "true", "--lambda_NCE", "3", *TINY]  # fmt: skip
    assert main(args) == 0
    config = json.load(open(os.path.join(out, "config.json")))
    assert (config["mode"], config["nce_idt"], config["lambda_nce"]) == ("fastcut", True, 3.0)
    assert config["flip_equivariance"] is True
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:  # argparse's usage error
        main(["train", "cut", "--out", str(tmp_path / "x"), "--nce-idt", "maybe"])
    assert stop.value.code == 2
    assert "expected true or false" in capsys.readouterr().err


def test_bad_data_fails_before_training(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert main(["train", "cut", "--out", out, "--data", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not os.path.exists(out)
