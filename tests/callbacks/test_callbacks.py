import json
import os

import keras
import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.callbacks import (
    HistoryLogger,
    LinearDecay,
    LossPlot,
    SampleGrid,
    StopOnNonFinite,
    TrainingCheckpoint,
    atomic_write_text,
    latest_checkpoint,
    linear_decay_factor,
    list_checkpoints,
    load_history,
    make_grid,
    restore_checkpoint,
    save_checkpoint,
)


def data(n=2):
    x = np.random.RandomState(0).uniform(-1, 1, (n, 64, 64, 3)).astype("float32")
    return x, x[..., ::-1].copy()


def test_linear_decay_factor_matches_reference_schedule():
    # 100 + 100 epochs: constant for the first 100, then 1 - k/101.
    assert linear_decay_factor(0, 100, 100) == 1.0
    assert linear_decay_factor(99, 100, 100) == 1.0
    assert linear_decay_factor(100, 100, 100) == pytest.approx(1 - 1 / 101)
    assert linear_decay_factor(199, 100, 100) == pytest.approx(1 / 101)


def test_linear_decay_sets_every_optimizer(tiny_pix2pix):
    x, y = data()
    h = tiny_pix2pix.fit(x, y, epochs=4, verbose=0, callbacks=[LinearDecay(2, 2)])
    expected = [2e-4, 2e-4, 2e-4 * 2 / 3, 2e-4 / 3]
    np.testing.assert_allclose(h.history["lr_generator"], expected, rtol=1e-5)
    np.testing.assert_allclose(h.history["lr_discriminator"], expected, rtol=1e-5)


def test_checkpoint_round_trip_restores_networks_and_optimizer(tiny_pix2pix, tmp_path):
    from tf_imgtrans.models import Pix2Pix
    from tf_imgtrans.networks import get_discriminator, get_generator

    x, y = data()
    tiny_pix2pix.fit(x, y, epochs=2, verbose=0, callbacks=[TrainingCheckpoint(str(tmp_path))])
    assert [os.path.basename(p) for p in list_checkpoints(str(tmp_path))] == [
        "ckpt-0001",
        "ckpt-0002",
    ]
    fresh = Pix2Pix(
        get_generator("unet", num_downs=6, ngf=8), get_discriminator("patch", n_layers=2, ndf=8)
    )
    fresh.compile()
    state = restore_checkpoint(fresh, latest_checkpoint(str(tmp_path)))
    assert state["epoch"] == 2
    for a, b in zip(tiny_pix2pix.weights, fresh.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for name in ("generator", "discriminator"):
        old, new = tiny_pix2pix.optimizers[name].variables, fresh.optimizers[name].variables
        assert int(new[0].numpy()) == 2  # iterations: one step per epoch
        for a, b in zip(old, new):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_checkpoint_keeps_the_newest(tiny_pix2pix, tmp_path):
    x, y = data()
    tiny_pix2pix.fit(
        x, y, epochs=4, verbose=0, callbacks=[TrainingCheckpoint(str(tmp_path), keep=2)]
    )
    assert [os.path.basename(p) for p in list_checkpoints(str(tmp_path))] == [
        "ckpt-0003",
        "ckpt-0004",
    ]


def test_half_written_checkpoints_are_never_used(tiny_pix2pix, tmp_path):
    save_checkpoint(tiny_pix2pix, str(tmp_path), 1)
    # A run killed mid-write leaves a temporary folder and, in a later epoch's folder, no
    # state.json: neither may be taken as the latest checkpoint.
    os.makedirs(tmp_path / ".ckpt-0002.tmp-abc")
    os.makedirs(tmp_path / "ckpt-0003")
    (tmp_path / "ckpt-0003" / "generator.weights.h5").write_bytes(b"partial")
    assert latest_checkpoint(str(tmp_path)).endswith("ckpt-0001")
    atomic_write_text(str(tmp_path / "latest"), "ckpt-0003\n")  # a pointer to a broken one
    assert latest_checkpoint(str(tmp_path)).endswith("ckpt-0001")
    assert latest_checkpoint(str(tmp_path / "nothing")) is None


def test_restore_rejects_a_checkpoint_of_another_model(tiny_pix2pix, tmp_path):
    from tf_imgtrans.models import Pix2Pix
    from tf_imgtrans.networks import get_discriminator, get_generator

    save_checkpoint(tiny_pix2pix, str(tmp_path), 1)
    other = Pix2Pix(
        get_generator("unet", num_downs=6, ngf=16), get_discriminator("patch", n_layers=2, ndf=8)
    )
    other.compile()
    with pytest.raises(ValueError, match="'generator' was saved with other layer shapes"):
        restore_checkpoint(other, str(tmp_path / "ckpt-0001"))
    with pytest.raises(FileNotFoundError, match="state.json"):
        restore_checkpoint(other, str(tmp_path))


def test_history_logger_keeps_only_epochs_before_a_resume(tiny_pix2pix, tmp_path):
    path = str(tmp_path / "history.json")
    x, y = data()
    tiny_pix2pix.fit(x, y, epochs=3, verbose=0, callbacks=[HistoryLogger(path)])
    assert load_history(path)["epoch"] == [1, 2, 3]
    # Resume from a checkpoint of epoch 2: epoch 3's entry is replaced, not duplicated.
    tiny_pix2pix.fit(x, y, epochs=4, initial_epoch=2, verbose=0, callbacks=[HistoryLogger(path)])
    history = load_history(path)
    assert history["epoch"] == [1, 2, 3, 4]
    assert len(history["g_loss"]) == 4


def test_sample_grid_and_loss_plot_write_pictures(tiny_pix2pix, tmp_path):
    x, y = data(n=3)
    hist = str(tmp_path / "h.json")
    grid = SampleGrid((x, y), str(tmp_path / "samples"))
    tiny_pix2pix.fit(
        x,
        y,
        epochs=2,
        verbose=0,
        callbacks=[HistoryLogger(hist), grid, LossPlot(hist, str(tmp_path / "losses.png"))],
    )
    assert sorted(os.listdir(tmp_path / "samples")) == ["epoch_0001.png", "epoch_0002.png"]
    img = np.asarray(Image.open(grid.last_path))
    assert img.shape == (14 + 3 * 66 + 2, 3 * 66 + 2, 3)  # 3 rows × (input | output | target)
    assert Image.open(tmp_path / "losses.png").size[0] > 400


def test_loss_plot_redraws_after_every_epoch(tiny_pix2pix, tmp_path):
    x, y = data()
    hist, png = str(tmp_path / "h.json"), str(tmp_path / "losses.png")
    seen = []
    look = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(os.path.getmtime(png))
    )
    tiny_pix2pix.fit(
        x, y, epochs=2, verbose=0, callbacks=[HistoryLogger(hist), LossPlot(hist, png), look]
    )
    assert len(seen) == 2 and seen[1] >= seen[0]


def test_loss_plot_gives_every_metric_its_own_panel():
    from tf_imgtrans.callbacks.history import history_figure, history_keys, panel_layout

    history = {"epoch": [1, 2, 3], "val_psnr": [18.0, 19.0, 20.5], "val_ssim": [0.4, 0.5, 0.55]}
    history.update({k: [1.0, 0.8, None] for k in ("lr_generator", "d_loss", "g_l1", "g_gan")})
    keys = history_keys(history)
    assert keys == ["g_gan", "g_l1", "d_loss", "val_psnr", "val_ssim", "lr_generator"]
    assert panel_layout(6) == (2, 4) and panel_layout(1) == (1, 1) and panel_layout(11) == (3, 4)
    fig = history_figure(history)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == keys
    # Each on its own scale: SSIM's axis spans tenths, PSNR's whole decibels.
    limits = {ax.get_title(): ax.get_ylim() for ax in shown}
    assert limits["val_ssim"][1] < 1 and limits["val_psnr"][0] > 10
    assert fig.get_size_inches()[0] > 2 * fig.get_size_inches()[1]  # 4 columns, 2 rows


def test_make_grid_places_images():
    a = np.full((1, 4, 4, 3), -1.0, "float32")  # black
    b = np.full((1, 4, 4, 3), 1.0, "float32")  # white
    grid = make_grid(["a", "b"], [a, b], pad=2, header=0)
    assert grid.shape == (8, 14, 3)
    assert (grid[2:6, 2:6] == 0).all() and (grid[2:6, 8:12] == 255).all()


def test_non_finite_loss_stops_training_and_keeps_the_last_good_checkpoint(tiny_pix2pix, tmp_path):
    x, y = data(n=6)
    stop = StopOnNonFinite()
    ckpt = TrainingCheckpoint(str(tmp_path))
    tiny_pix2pix.fit(x, y, batch_size=2, epochs=1, verbose=0, shuffle=False, callbacks=[ckpt])
    x[2:4] = np.nan  # the second batch of the next epoch poisons the losses
    with pytest.warns(UserWarning, match="non-finite"):
        h = tiny_pix2pix.fit(
            x,
            y,
            batch_size=2,
            epochs=3,
            initial_epoch=1,
            verbose=0,
            shuffle=False,
            callbacks=[stop, ckpt],
        )
    assert stop.stopped_at[:2] == (2, 1)
    assert len(h.history["g_loss"]) == 1  # stopped in its first epoch
    assert latest_checkpoint(str(tmp_path)).endswith("ckpt-0001")


def test_atomic_write_text_replaces_whole_file(tmp_path):
    path = str(tmp_path / "a" / "f.json")
    atomic_write_text(path, json.dumps({"x": 1}))
    atomic_write_text(path, json.dumps({"x": 2}))
    assert json.load(open(path)) == {"x": 2}
    assert os.listdir(tmp_path / "a") == ["f.json"]
