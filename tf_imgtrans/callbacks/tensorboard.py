"""TensorBoard logs of a run: sample grids as pictures, losses, metrics and learning rates as
scalars, and the run's settings on the HParams dashboard."""

from __future__ import annotations

import json
import os

import keras
import tensorflow as tf

from tf_imgtrans.callbacks.history import metric_group
from tf_imgtrans.callbacks.nan import epoch_is_good
from tf_imgtrans.callbacks.samples import make_grid

SAMPLES_TAG = "samples"
RUN_NAME = "run"
"""The subfolder of `log_dir` that holds the event files, a TensorBoard run of its own: the
HParams dashboard finds no metric values for a session written in the logdir itself (run ".")."""


def scalar_tag(key: str) -> str:
    """The TensorBoard tag of an epoch-log key: its panel group (as in `losses.png`) and the key
    itself, e.g. "g_loss" -> "generator/g_loss", "val_psnr" -> "validation/val_psnr",
    "lr_generator" -> "learning_rate/lr_generator". TensorBoard shows one section per group."""
    return f"{metric_group(key)[0].replace(' ', '_')}/{key}"


def scalar_hparams(values: dict) -> dict[str, bool | int | float | str]:
    """The entries of `values` (e.g. `dataclasses.asdict(config)`) that the HParams dashboard can
    show: bool, int, float and str values as they are; None and empty containers dropped; other
    values (non-empty dicts, lists) as their JSON text."""
    kept = {}
    for name, value in values.items():
        if isinstance(value, (bool, int, float, str)):
            kept[name] = value
        elif value is not None and not (isinstance(value, (dict, list, tuple)) and not value):
            kept[name] = json.dumps(value, sort_keys=True, default=str)
    return kept


def _scalar(value) -> float | None:
    try:
        return float(keras.ops.convert_to_numpy(value))
    except (TypeError, ValueError):
        return None


class TensorBoardLogger(keras.callbacks.Callback):
    """Writes a run's TensorBoard logs: `tensorboard --logdir <log_dir>` then shows the trainer's
    sample grid per epoch, every logged loss, metric and learning rate, and the run's settings.

    Logs layout: the event files lie in `log_dir/run/` (`RUN_NAME`: one TensorBoard run, "run"
    for `--logdir <log_dir>`, "<name>/logs/run" for a folder of run folders); the step is the
    1-based epoch number, as in `history.json`'s "epoch" column and `samples/epoch_NNNN.png`, so
    a run resumed from epoch k goes on at step k + 1.

    - Images: `samples`, after every `every` epochs: the picture `SampleGrid` writes
      (`make_grid(*model.visuals(sample_batch))`, e.g. Pix2Pix input | output | target, one row
      per example), uint8 RGB.
    - Scalars, after every epoch: each numeric key of the epoch logs under its group
      (`scalar_tag`): `generator/g_loss`, `discriminator/d_loss`, `validation/val_psnr`, …
      The learning rates: `learning_rate/lr_<optimizer name>` for each of the trainer's
      `optimizers`, read from the optimizers where `LinearDecay` has not put them in the logs.
    - HParams: a session start at step 0 (when training starts) with `hparams` (filtered by
      `scalar_hparams`) and a session end when training ends (status success, or failure after
      a non-finite loss). The dashboard's metric columns are the scalars above, their values
      those of the last epoch.

    The writer is flushed after every epoch and closed when training ends. Add it on one worker
    only (the chief), before `TrainingCheckpoint`, so a checkpoint of epoch E means that the
    logs of epoch E are on disk.

    Args:
        log_dir: str. The folder to point TensorBoard at (made if missing), e.g. "out/logs";
            the event files go to its subfolder `run/`.
        sample_batch: tuple of arrays. A fixed batch for `model.visuals`, e.g. `(inputs,
            targets)` from the validation data.
        hparams: dict, optional. The run's settings, e.g. `dataclasses.asdict(config)`.
        every: int. Epoch interval of the sample grids (scalars are written every epoch).

    Example:
    >>> logger = TensorBoardLogger("out/logs", sample_batch, {"lambda_l1": 100.0})  # doctest: +SKIP
    >>> model.fit(train, epochs=2, callbacks=[LinearDecay(1, 1), logger])  # doctest: +SKIP
    """

    def __init__(self, log_dir: str, sample_batch, hparams: dict | None = None, every: int = 1):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"`every` must be an integer >= 1. Received: every={every!r}")
        self.log_dir = log_dir
        self.sample_batch = sample_batch
        self.hparams = scalar_hparams(hparams or {})
        self.every = every
        self._writer = None
        self._step = 0

    def on_train_begin(self, logs=None):
        from tensorboard.plugins.hparams import api as hp

        self._writer = tf.summary.create_file_writer(os.path.join(self.log_dir, RUN_NAME))
        with self._writer.as_default():
            hp.hparams(self.hparams)
        self._writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        if self._writer is None:
            return
        self._step = step = epoch + 1
        values = dict(logs or {})
        optimizers = getattr(self.model, "optimizers", None)  # the trainers': name -> optimizer
        for name, opt in (optimizers if isinstance(optimizers, dict) else {}).items():
            values.setdefault(f"lr_{name}", opt.learning_rate)
        with self._writer.as_default(step=step):
            for key, value in values.items():
                number = _scalar(value)
                if number is not None:
                    tf.summary.scalar(scalar_tag(key), number)
            if step % self.every == 0:
                titles, columns = self.model.visuals(self.sample_batch)
                grid = make_grid(titles, columns)
                tf.summary.image(
                    SAMPLES_TAG, grid[None], max_outputs=1, description=" | ".join(titles)
                )
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is None:
            return
        from tensorboard.plugins.hparams import api_pb2
        from tensorboard.plugins.hparams import summary as hp_summary

        good = epoch_is_good(self.model, logs)  # False after StopOnNonFinite stopped the run
        status = api_pb2.STATUS_SUCCESS if good else api_pb2.STATUS_FAILURE
        with self._writer.as_default():
            tf.summary.experimental.write_raw_pb(
                hp_summary.session_end_pb(status).SerializeToString(), step=self._step
            )
        self._writer.close()
        self._writer = None
