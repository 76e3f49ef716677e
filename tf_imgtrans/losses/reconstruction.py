"""Pixel reconstruction losses."""

from __future__ import annotations

from keras import ops


def l1_loss(y_true, y_pred):
    """Mean absolute error over all pixels and channels, as a scalar."""
    return ops.mean(ops.abs(ops.cast(y_true, "float32") - ops.cast(y_pred, "float32")))
