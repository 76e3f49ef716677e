"""Learning-rate schedules as callbacks over all of a trainer's optimizers."""

from __future__ import annotations

import keras


def linear_decay_factor(epoch: int, n_constant: int, n_decay: int) -> float:
    """The pix2pix/CycleGAN schedule: 1 for the first `n_constant` epochs, then linearly down
    towards 0 over `n_decay` epochs (0-based `epoch`), as the reference implementation's
    `1 - max(0, epoch + 1 - n_epochs) / (n_epochs_decay + 1)`."""
    return 1.0 - max(0, epoch + 1 - n_constant) / float(n_decay + 1)


class LinearDecay(keras.callbacks.Callback):
    """Keeps each optimizer's learning rate constant for `n_constant` epochs, then decays it
    linearly over `n_decay` epochs. The base rates are those the trainer was compiled with, so a
    resumed run continues the same schedule.

    Args:
        n_constant: int. Epochs at the initial learning rate (paper: 100 for pix2pix and CycleGAN).
        n_decay: int. Epochs of linear decay (paper: 100).
    """

    def __init__(self, n_constant: int, n_decay: int):
        super().__init__()
        if n_constant < 0 or n_decay < 0:
            raise ValueError(
                f"Epoch counts must be >= 0. Received: n_constant={n_constant}, n_decay={n_decay}"
            )
        self.n_constant = n_constant
        self.n_decay = n_decay

    def on_epoch_begin(self, epoch, logs=None):
        factor = linear_decay_factor(epoch, self.n_constant, self.n_decay)
        for name, opt in self.model.optimizers.items():
            opt.learning_rate.assign(self.model.initial_learning_rates[name] * factor)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            for name, opt in self.model.optimizers.items():
                logs[f"lr_{name}"] = float(keras.ops.convert_to_numpy(opt.learning_rate))
