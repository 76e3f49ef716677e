"""Callbacks for `fit`: sample grids, checkpoints and resume, LR schedules, history, NaN stop,
the run report."""

from tf_imgtrans.callbacks.checkpoint import (
    TrainingCheckpoint,
    atomic_save_model,
    atomic_write_text,
    latest_checkpoint,
    list_checkpoints,
    remove_stale_temporaries,
    restore_checkpoint,
    save_checkpoint,
)
from tf_imgtrans.callbacks.history import HistoryLogger, LossPlot, load_history, plot_history
from tf_imgtrans.callbacks.nan import StopOnNonFinite, epoch_is_good
from tf_imgtrans.callbacks.report import RunReport, write_report
from tf_imgtrans.callbacks.samples import SampleGrid, make_grid
from tf_imgtrans.callbacks.schedules import LinearDecay, linear_decay_factor
from tf_imgtrans.callbacks.tensorboard import TensorBoardLogger

__all__ = [
    "HistoryLogger",
    "LinearDecay",
    "LossPlot",
    "RunReport",
    "SampleGrid",
    "StopOnNonFinite",
    "TensorBoardLogger",
    "TrainingCheckpoint",
    "atomic_save_model",
    "atomic_write_text",
    "epoch_is_good",
    "latest_checkpoint",
    "linear_decay_factor",
    "list_checkpoints",
    "load_history",
    "make_grid",
    "plot_history",
    "remove_stale_temporaries",
    "restore_checkpoint",
    "save_checkpoint",
    "write_report",
]
