"""Stops training at the first non-finite loss."""

from __future__ import annotations

import math

import keras


def epoch_is_good(model: keras.Model, logs: dict | None) -> bool:
    """Whether an epoch ended with finite logged values and was not cut short by
    `StopOnNonFinite`: only such epochs may be checkpointed or saved."""
    if getattr(model, "stopped_on_non_finite", False):
        return False
    for value in (logs or {}).values():
        try:
            if not math.isfinite(float(value)):
                return False
        except (TypeError, ValueError):
            continue
    return True


class StopOnNonFinite(keras.callbacks.Callback):
    """Stops `fit` at the first batch whose logged losses hold a NaN or an infinity.

    The checkpoint callback skips that epoch, so the last good checkpoint is the one to resume
    from. `self.stopped_at` records (epoch, batch, name of the first bad value), and the model's
    `stopped_on_non_finite` attribute is set for the other callbacks.
    """

    def __init__(self):
        super().__init__()
        self.stopped_at: tuple[int, int, str] | None = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.model.stopped_on_non_finite = False

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            try:
                finite = math.isfinite(float(value))
            except (TypeError, ValueError):
                continue
            if not finite:
                self.stopped_at = (self._epoch + 1, batch, name)
                self.model.stop_training = True
                self.model.stopped_on_non_finite = True
                print(
                    f"\nStopping: {name} is {float(value)} at epoch {self._epoch + 1}, batch "
                    f"{batch}. The last good checkpoint is kept; lower the learning rate or check "
                    "the data, then resume."
                )
                return
