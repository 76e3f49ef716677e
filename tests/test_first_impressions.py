"""What a new user meets first: a quiet and fast command line, defaults that work, one-line
messages, and a run folder that looks like any other folder."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from cli_helpers import NATIVE, run_cli, user_env
from PIL import Image

from tf_imgtrans import optional
from tf_imgtrans.cli import build_parser, main
from tf_imgtrans.files import new_mode
from tf_imgtrans.layers import OutputGradLeakyReLU
from tf_imgtrans.translate_files import output_stems, translate_paths

DATA = "builtin:facades?n_train=4&n_val=2&n_test=2"
TINY = ["--image-size", "64", "--ngf", "8", "--ndf", "8", "--n-layers", "2", "--batch-size", "2"]


def test_importing_the_cli_loads_no_tensorflow():
    code = "import tf_imgtrans.cli, sys; assert 'tensorflow' not in sys.modules; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _leaf_commands(parser, prefix=()):
    import argparse

    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield list(prefix)
    for action in subs:
        for name, child in action.choices.items():
            yield from _leaf_commands(child, (*prefix, name))


def test_help_of_every_command_imports_no_tensorflow_and_prints_no_log_line():
    commands = list(_leaf_commands(build_parser()))
    assert ["train", "pix2pix"] in commands and ["export"] in commands and len(commands) > 12
    code = (
        "import sys, contextlib, io\n"
        "from tf_imgtrans.cli import main\n"
        f"for cmd in {commands!r} + [[]]:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(cmd + ['--help'])\n"
        "        except SystemExit as e:\n"
        "            assert e.code == 0, (cmd, e.code)\n"
        "    assert 'tensorflow' not in sys.modules, cmd\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=user_env()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert result.stderr == ""
    top = run_cli(["--help"])
    assert top.returncode == 0 and "COMMAND" in top.stdout and top.stderr == ""


def test_verbose_is_accepted_by_every_command_before_or_after_its_name():
    parser = build_parser()
    assert parser.parse_args(["--verbose", "translate", "--model", "m", "x", "--out", "o"]).verbose
    assert parser.parse_args(
        ["export", "--model", "m", "--format", "tflite", "--out", "o", "--verbose"]
    ).verbose
    assert not parser.parse_args(["train", "pix2pix", "--out", "o"]).verbose


def test_default_training_is_quiet_writes_tensorboard_and_says_what_is_next(tmp_path):
    """The README's first command as a user types it (no --no-tensorboard), made tiny."""
    out = tmp_path / "run"
    args = ["train", "pix2pix", "--data", DATA, "--out", str(out), "--epochs", "1", *TINY]
    result = run_cli(args)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not NATIVE.search(result.stderr), result.stderr[-3000:]
    assert "remapper failed" not in result.stderr
    assert "Traceback" not in result.stderr
    assert os.listdir(out / "logs")
    assert "Next:" in result.stdout and f"tensorboard --logdir {out / 'logs'}" in result.stdout
    assert f"tf-imgtrans translate --model {out / 'generator.keras'}" in result.stdout
    # The files of the run have the modes the umask gives any new file or folder.
    for name in ("config.json", "history.json", "generator.keras"):
        assert stat.S_IMODE(os.stat(out / name).st_mode) == new_mode(), name
    ckpt = out / "checkpoints" / "ckpt-0001"
    assert stat.S_IMODE(os.stat(ckpt).st_mode) == new_mode(directory=True)
    # --verbose shows TensorFlow's own lines again.
    resumed = run_cli(
        ["train", "pix2pix", "--out", str(out), "--epochs", "2", "--resume", "--verbose"]
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert NATIVE.search(resumed.stderr)
    assert json.load(open(out / "history.json"))["epoch"] == [1, 2]


def test_missing_tensorboard_stops_before_any_work_with_one_line(tmp_path, capsys, monkeypatch):
    real = optional.importlib.util.find_spec
    monkeypatch.setattr(
        optional.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "tensorboard" else real(name, *a),
    )
    out = tmp_path / "run"
    code = main(["train", "pix2pix", "--data", DATA, "--out", str(out), "--epochs", "1", *TINY])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "tensorboard" in err[0] and "pip install tensorboard" in err[0]
    assert "--no-tensorboard" in err[0]
    assert not (out / "checkpoints").exists() and not (out / "history.json").exists()
    # The escape named in the message works.
    assert main(["train", "pix2pix", "--data", DATA, "--out", str(out), "--epochs", "1",
                 *TINY, "--no-tensorboard"]) == 0  # fmt: skip


FILTER_SCRIPT = """
import json, os, sys
from tf_imgtrans.native_logs import quiet_native_logs
with quiet_native_logs():
    for chunk in json.loads(sys.argv[1]):
        if chunk.startswith("PY:"):
            print(chunk[3:], file=sys.stderr)
        else:
            os.write(2, chunk.encode())
print("after", file=sys.stderr)
"""
ABSL = "00:00:1796621373.888566    5553"
WRITES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
    f"I0000 {ABSL} port.cc:153] oneDNN custom operations are on.\n",
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow "
    "with the appropriate compiler flags.\n",
    f"E0000 {ABSL} meta_optimizer.cc:967] remapper failed: x\n",
    f"W0000 {ABSL} x.cc:1] w\nINFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
    f"F0000 {ABSL} x.cc:1] fatal stays\n",
    "PY:python line",
    "\rtranslate:  50%|#####     | 1/2",
    "\rtranslate: 100%|##########| 2/2\n",
    "Image I0000 is a name, not a log line\n",
]


def test_native_log_filter_drops_tensorflow_lines_and_keeps_everything_else():
    result = subprocess.run(
        [sys.executable, "-c", FILTER_SCRIPT, json.dumps(WRITES)],
        capture_output=True,
        env=user_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode() == (
        f"F0000 {ABSL} x.cc:1] fatal stays\n"
        "python line\n"
        "\rtranslate:  50%|#####     | 1/2\rtranslate: 100%|##########| 2/2\n"
        "Image I0000 is a name, not a log line\n"
        "after\n"
    )


def test_output_grad_leaky_relu_matches_keras_leaky_relu_in_value_and_gradient():
    x = tf.constant([[-2.0, -0.5, 0.0, 0.3, 4.0]] * 2)
    for policy in ("float32", "mixed_bfloat16"):
        ours = OutputGradLeakyReLU(0.2, dtype=policy)
        theirs = keras.layers.LeakyReLU(0.2, dtype=policy)
        weights = tf.constant(x.numpy() + 3)  # a constant: d(sum(a * w))/dx = w * da/dx
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            a, b = ours(x), theirs(x)
            assert a.dtype == b.dtype
            weights = tf.cast(weights, a.dtype)
            la, lb = tf.reduce_sum(a * weights), tf.reduce_sum(b * weights)
        np.testing.assert_array_equal(np.float32(a), np.float32(b))
        ga, gb = np.float32(tape.gradient(la, x)), np.float32(tape.gradient(lb, x))
        np.testing.assert_array_equal(ga, gb)
        # At 0 the gradient is the slope, as TensorFlow's LeakyReluGrad gives.
        np.testing.assert_allclose(ga[0], [0.2, 0.5, 0.6, 3.3, 7.0], rtol=1e-2)
    clone = OutputGradLeakyReLU.from_config(ours.get_config())
    assert clone.negative_slope == pytest.approx(0.2)
    with pytest.raises(ValueError, match="negative_slope"):
        OutputGradLeakyReLU(0.0)


def test_output_grad_leaky_relu_avoids_the_remapper_failure(tmp_path):
    """A conv + bias + LeakyReLU training step on CPU: keras' LeakyReLU makes Grappler's remapper
    fail (an E line on stderr), ours does not."""
    script = r"""
import sys, keras, tensorflow as tf
from tf_imgtrans.layers import OutputGradLeakyReLU
act = OutputGradLeakyReLU(0.2) if sys.argv[1] == "ours" else keras.layers.LeakyReLU(0.2)
x = keras.Input((16, 16, 3)); y = act(keras.layers.Conv2D(4, 3)(x))
m = keras.Model(x, keras.layers.Conv2D(1, 3)(y)); m.compile("adam", "mse")
m.fit(tf.random.uniform((4, 16, 16, 3)), tf.random.uniform((4, 12, 12, 1)), epochs=1, verbose=0)
"""
    errors = {}
    for which in ("ours", "keras"):
        result = subprocess.run(
            [sys.executable, "-c", script, which], capture_output=True, text=True, env=user_env()
        )
        assert result.returncode == 0, result.stderr[-2000:]
        errors[which] = "remapper failed" in result.stderr
    assert errors == {"ours": False, "keras": True}


def test_translate_keeps_inputs_that_share_a_stem(tmp_path):
    import tf_imgtrans.networks as nets

    generator = nets.get_generator("unet", num_downs=3, ngf=4, norm="instance")
    src = tmp_path / "in"
    src.mkdir()
    Image.fromarray(np.zeros((16, 16, 3), "uint8")).save(src / "photo.jpg")
    Image.fromarray(np.full((16, 16, 3), 255, "uint8")).save(src / "photo.png")
    Image.fromarray(np.zeros((16, 16, 3), "uint8")).save(src / "other.png")
    out = tmp_path / "out"
    written, skipped, _ = translate_paths(generator, [str(src)], str(out))
    assert sorted(os.listdir(out)) == ["other.png", "photo_jpg.png", "photo_png.png"]
    assert len(written) == 3 and skipped == 0
    written, skipped, _ = translate_paths(generator, [str(src)], str(out))
    assert written == [] and skipped == 3
    assert output_stems(["a/x.JPG", "a/x.png", "b/x.png"]) == ["a/x_JPG", "a/x_png", "b/x"]


def test_skipped_files_are_one_plain_warning_line(tmp_path):
    model = tmp_path / "g.keras"
    import tf_imgtrans.networks as nets

    nets.get_generator("unet", num_downs=3, ngf=4, norm="instance").save(model)
    src = tmp_path / "in"
    src.mkdir()
    Image.fromarray(np.zeros((16, 16, 3), "uint8")).save(src / "good.png")
    (src / "broken.jpg").write_bytes(b"not a jpeg")
    result = run_cli(["translate", "--model", str(model), str(src), "--out", str(tmp_path / "o")])
    assert result.returncode == 0, result.stderr[-2000:]
    err = result.stderr
    lines = [line for line in err.splitlines() if "Skipped" in line]
    assert len(lines) == 1 and lines[0].startswith("tf-imgtrans: warning: Skipped 1")
    assert "UserWarning" not in err and "warnings.warn" not in err and "InputWarning" not in err


def test_export_into_the_run_folder_refreshes_its_report(tmp_path):
    out = tmp_path / "run"
    args = ["train", "pix2pix", "--data", DATA, "--out", str(out), "--epochs", "1", *TINY]
    assert main([*args, "--no-tensorboard"]) == 0
    assert "tflite" not in open(out / "report.html").read()
    target = out / "export" / "g.tflite"
    assert main(["export", "--model", str(out / "generator.keras"), "--format", "tflite",
                 "--out", str(target), "--parity-size", "64"]) == 0  # fmt: skip
    page = open(out / "report.html").read()
    assert "g.parity.json" in page and "tflite" in page
