"""TensorBoard logs of training runs (tf_imgtrans.callbacks.tensorboard), read back from the
event files."""

import glob
import io
import json
import os
from collections import defaultdict

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2

from tf_imgtrans.callbacks import TensorBoardLogger, make_grid
from tf_imgtrans.callbacks.tensorboard import RUN_NAME, SAMPLES_TAG, scalar_hparams, scalar_tag
from tf_imgtrans.data import load_paired_dataset, resolve_paired_spec
from tf_imgtrans.training import Pix2PixConfig, first_batch, train_pix2pix
from tf_imgtrans.training.cyclegan import CycleGANConfig, train_cyclegan

PAIRED = "builtin:facades?n_train=4&n_val=2&n_test=2"
TINY = {
    "data": PAIRED,
    "image_size": 64,
    "ngf": 8,
    "ndf": 8,
    "n_layers": 2,
    "batch_size": 2,
    "precision": "mixed_bfloat16",  # images and logs must come out right under mixed precision
}


def read_logs(log_dir: str) -> dict:
    """Everything the event files under `log_dir` hold, by kind: scalars {tag: [(step, value)]},
    images {tag: [(step, RGB array)]}, hparams {tag: [(step, HParamsPluginData)]}, in the order
    written (files by name, i.e. by creation time), and the folders that hold event files."""
    logs = {"scalars": defaultdict(list), "images": defaultdict(list), "hparams": defaultdict(list)}
    files = sorted(glob.glob(os.path.join(log_dir, "**", "events.out.tfevents.*"), recursive=True))
    logs["folders"] = sorted({os.path.relpath(os.path.dirname(f), log_dir) for f in files})
    for path in files:
        for record in tf.data.TFRecordDataset(path):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                if plugin == "scalars":
                    number = float(tf.make_ndarray(value.tensor))
                    logs["scalars"][value.tag].append((event.step, number))
                elif plugin == "images":
                    width, height, png = tf.make_ndarray(value.tensor)
                    image = np.asarray(Image.open(io.BytesIO(png)))
                    assert image.shape[:2] == (int(height), int(width))
                    logs["images"][value.tag].append((event.step, image))
                elif plugin == "hparams":
                    data = plugin_data_pb2.HParamsPluginData.FromString(
                        value.metadata.plugin_data.content
                    )
                    logs["hparams"][value.tag].append((event.step, data))
    return logs


def steps(points) -> list[int]:
    return [step for step, _ in points]


def history_of(out: str) -> dict:
    with open(os.path.join(out, "history.json")) as f:
        return json.load(f)


def assert_scalars_match_history(logs: dict, history: dict) -> None:
    epochs = history["epoch"]
    for key, column in history.items():
        if key == "epoch":
            continue
        points = logs["scalars"][scalar_tag(key)]
        assert steps(points) == epochs, key
        np.testing.assert_allclose([v for _, v in points], column, rtol=1e-6, err_msg=key)


def sample_png(out: str, epoch: int) -> np.ndarray:
    return np.asarray(Image.open(os.path.join(out, "samples", f"epoch_{epoch:04d}.png")))


def test_scalar_tags_and_hparams_filter():
    assert scalar_tag("g_loss") == "generator/g_loss"
    assert scalar_tag("cycle_A") == "generator/cycle_A"
    assert scalar_tag("d_loss") == "discriminator/d_loss"
    assert scalar_tag("val_psnr") == "validation/val_psnr"
    assert scalar_tag("lr_generator") == "learning_rate/lr_generator"
    assert scalar_tag("content") == "other/content"
    values = {"lr": 2e-4, "ngf": 8, "augment": False, "data": "x", "limit": None, "extra": {}}
    values["extra_weights"] = {"b": 1, "a": [2]}
    assert scalar_hparams(values) == {
        "lr": 2e-4,
        "ngf": 8,
        "augment": False,
        "data": "x",
        "extra_weights": '{"a": [2], "b": 1}',
    }
    with pytest.raises(ValueError, match="every"):
        TensorBoardLogger("logs", None, every=0)


def test_pix2pix_run_logs_grids_scalars_and_hparams(tmp_path):
    out = str(tmp_path / "run")
    result = train_pix2pix(Pix2PixConfig(epochs=2, **TINY), out, verbose=0)
    logs = read_logs(os.path.join(out, "logs"))
    assert logs["folders"] == [RUN_NAME]

    # One sample grid per epoch, at the 1-based epoch: the picture SampleGrid writes.
    images = logs["images"][SAMPLES_TAG]
    assert steps(images) == [1, 2]
    for step, image in images:
        np.testing.assert_array_equal(image, sample_png(out, step))
    root = resolve_paired_spec(PAIRED, image_size=64)
    batch = first_batch(
        load_paired_dataset(
            root, "val", batch_size=4, image_size=64, augment=False, shuffle=False, cache=False
        )
    )
    grid = make_grid(*result.model.visuals(batch))
    assert images[-1][1].shape == grid.shape == (14 + 2 * 66 + 2, 3 * 66 + 2, 3)

    # Every logged value as a scalar at its epoch, equal to history.json.
    history = history_of(out)
    assert {"g_loss", "d_loss", "val_psnr", "val_ssim", "lr_generator", "lr_discriminator"} <= set(
        history
    )
    assert_scalars_match_history(logs, history)
    # 2 epochs, the second one decaying: 2e-4, then 2e-4 · (1 - 1/2).
    lr = logs["scalars"]["learning_rate/lr_generator"]
    np.testing.assert_allclose([v for _, v in lr], [2e-4, 1e-4], rtol=1e-6)

    # The run's settings for the HParams dashboard, and how the session ended.
    (start_step, start), *more = logs["hparams"]["_hparams_/session_start_info"]
    assert start_step == 0 and not more
    hparams = start.session_start_info.hparams
    assert hparams["lambda_l1"].number_value == 100.0
    assert hparams["ngf"].number_value == 8
    assert hparams["data"].string_value == PAIRED
    assert hparams["precision"].string_value == "mixed_bfloat16"
    assert hparams["tensorboard"].bool_value is True
    assert "limit" not in hparams and "extra" not in hparams  # None and {}
    ((end_step, end),) = logs["hparams"]["_hparams_/session_end_info"]
    assert end_step == 2 and end.session_end_info.status == api_pb2.STATUS_SUCCESS


def test_resumed_run_continues_the_steps(tmp_path):
    out = str(tmp_path / "run")
    train_pix2pix(Pix2PixConfig(epochs=2, **TINY), out, verbose=0)
    resumed = train_pix2pix(Pix2PixConfig(epochs=3), out, resume=True, verbose=0)
    assert resumed.initial_epoch == 2
    logs = read_logs(os.path.join(out, "logs"))
    assert logs["folders"] == [RUN_NAME]  # the same TensorBoard run
    assert steps(logs["scalars"]["generator/g_loss"]) == [1, 2, 3]
    assert steps(logs["images"][SAMPLES_TAG]) == [1, 2, 3]
    np.testing.assert_array_equal(logs["images"][SAMPLES_TAG][-1][1], sample_png(out, 3))
    history = history_of(out)
    assert history["epoch"] == [1, 2, 3]
    assert_scalars_match_history(logs, history)
    # Epochs 1-2 as the first run logged them (2 epochs, the second decaying), epoch 3 on the
    # resumed run's schedule (3 epochs, the last one decaying: half of 3 is 1).
    lr = logs["scalars"]["learning_rate/lr_discriminator"]
    np.testing.assert_allclose([v for _, v in lr], [2e-4, 1e-4, 1e-4], rtol=1e-6)
    ends = logs["hparams"]["_hparams_/session_end_info"]
    assert steps(ends) == [2, 3]


def test_cyclegan_run_logs_its_six_column_grid(tmp_path):
    out = str(tmp_path / "run")
    config = CycleGANConfig(
        data="builtin:facades2night?n_train=2&n_train_b=2&n_test=2",
        epochs=1,
        image_size=32,
        n_blocks=1,
        ngf=8,
        ndf=8,
        n_layers=2,
        batch_size=2,
        pool_size=2,
    )
    train_cyclegan(config, out, verbose=0)
    logs = read_logs(os.path.join(out, "logs"))
    ((step, image),) = logs["images"][SAMPLES_TAG]
    assert step == 1 and image.shape[1] == 6 * 34 + 2  # real A, A->B, A->B->A, real B, …
    np.testing.assert_array_equal(image, sample_png(out, 1))
    for key in ("cycle_A", "d_A", "val_cycle_A", "lr_generators"):
        assert steps(logs["scalars"][scalar_tag(key)]) == [1], key
    assert_scalars_match_history(logs, history_of(out))


def test_sample_interval_and_learning_rates_without_a_schedule(tiny_pix2pix, tmp_path):
    x = np.random.RandomState(0).uniform(-1, 1, (2, 64, 64, 3)).astype("float32")
    y = x[..., ::-1].copy()
    log_dir = str(tmp_path / "logs")
    logger = TensorBoardLogger(log_dir, (x, y), hparams={"lambda_l1": 100.0}, every=2)
    tiny_pix2pix.fit(x, y, epochs=3, verbose=0, callbacks=[logger])
    logs = read_logs(log_dir)
    assert steps(logs["images"][SAMPLES_TAG]) == [2]  # every 2nd epoch
    for name in ("generator", "discriminator"):  # read from the optimizers: no LinearDecay here
        points = logs["scalars"][f"learning_rate/lr_{name}"]
        assert steps(points) == [1, 2, 3]
        np.testing.assert_allclose([v for _, v in points], [2e-4] * 3, rtol=1e-6)
    assert steps(logs["scalars"]["generator/g_loss"]) == [1, 2, 3]
