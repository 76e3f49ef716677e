"""Perceptual losses of neural style transfer, computed on VGG feature maps.

Normalisation, stated once (F is a layer's (H·W, C) feature matrix, G its Gram matrix):

- `gram_matrix`: G = FᵀF / (H·W), the per-position average of feature products, so that style
  images and outputs of different sizes give comparable targets.
- `style_loss`: Σ_l w_l · mean_ij (G_l − A_l)². This is exactly Johnson et al.'s squared Frobenius
  norm ‖G − A‖² with their G = FᵀF / (C·H·W), and 4 × Gatys et al.'s E_l = Σ (Ĝ − Â)² / (4 N² M²)
  with unnormalised Ĝ = FᵀF (N = C channels, M = H·W positions).
- `content_loss`: mean (F − P)², Johnson et al.'s ‖F − P‖² / (C·H·W) (Gatys et al. use ½ Σ, a
  constant factor that the content weight absorbs).
- `total_variation_loss`: mean of squared differences of vertically and horizontally neighbouring
  pixels (the β = 2 regulariser of Mahendran & Vedaldi that Johnson et al. use).
- `adain_style_loss`: Σ_l mean (μ(g) − μ(s))² + mean (σ(g) − σ(s))² over channel means and standard
  deviations, as the AdaIN reference code computes it (MSE, where the paper writes L2 norms).

All functions take and return float32 tensors; features are NHWC.
"""

from __future__ import annotations

from collections.abc import Sequence

from keras import ops

from tf_imgtrans.layers.adain import feature_stats


def gram_matrix(features):
    """Gram matrices FᵀF / (H·W) of a batch of feature maps.

    Args:
        features: tensor (bs, H, W, C).

    Returns:
        tensor (bs, C, C).
    """
    x = ops.cast(features, "float32")
    shape = ops.shape(x)
    f = ops.reshape(x, (shape[0], -1, shape[3]))  # (bs, H·W, C)
    positions = ops.cast(shape[1] * shape[2], "float32")
    return ops.einsum("bnc,bnd->bcd", f, f) / positions


def content_loss(features, target):
    """Mean squared difference of feature maps: ‖F − P‖² / (C·H·W)."""
    return ops.mean(ops.square(ops.cast(features, "float32") - ops.cast(target, "float32")))


def _layer_weights(n: int, weights: Sequence[float] | None) -> list[float]:
    if weights is None:
        return [1.0] * n
    weights = [float(w) for w in weights]
    if len(weights) != n:
        raise ValueError(
            f"`layer_weights` needs one weight per style layer ({n}). "
            f"Received: layer_weights={weights}"
        )
    return weights


def style_loss(features: Sequence, target_grams: Sequence, layer_weights=None):
    """Σ_l w_l · mean_ij (G_l − A_l)² between the Gram matrices of `features` and the targets.

    Args:
        features: list of tensors (bs, H, W, C), one per style layer.
        target_grams: list of tensors (1 or bs, C, C): Gram matrices of the style image(s).
        layer_weights: list of float, optional. One per layer; default 1 each (Johnson et al.;
            Gatys et al. use 1/L).
    """
    if len(features) != len(target_grams):
        raise ValueError(
            f"`features` and `target_grams` must have one entry per style layer. Received: "
            f"{len(features)} feature maps and {len(target_grams)} Gram matrices"
        )
    total = 0.0
    for w, f, a in zip(_layer_weights(len(features), layer_weights), features, target_grams):
        total += w * ops.mean(ops.square(gram_matrix(f) - ops.cast(a, "float32")))
    return total


def total_variation_loss(images):
    """mean (x[i+1, j] − x[i, j])² + mean (x[i, j+1] − x[i, j])² over a batch (bs, H, W, C)."""
    x = ops.cast(images, "float32")
    dy = x[:, 1:, :, :] - x[:, :-1, :, :]
    dx = x[:, :, 1:, :] - x[:, :, :-1, :]
    return ops.mean(ops.square(dy)) + ops.mean(ops.square(dx))


mean_std = feature_stats
"""Per-sample, per-channel (mean, std) over the spatial axes: `tf_imgtrans.layers.feature_stats`."""


def adain_style_loss(features: Sequence, style_features: Sequence, epsilon: float = 1e-5):
    """Σ_l mean (μ(g_l) − μ(s_l))² + mean (σ(g_l) − σ(s_l))², the AdaIN style loss.

    Args:
        features: list of tensors (bs, H, W, C): VGG features of the generated images.
        style_features: list of tensors (bs, H', W', C): the same layers for the style images.
    """
    if len(features) != len(style_features):
        raise ValueError(
            "`features` and `style_features` must have one entry per style layer. Received: "
            f"{len(features)} and {len(style_features)}"
        )
    total = 0.0
    for g, s in zip(features, style_features):
        g_mean, g_std = mean_std(g, epsilon)
        s_mean, s_std = mean_std(s, epsilon)
        total += ops.mean(ops.square(g_mean - s_mean)) + ops.mean(ops.square(g_std - s_std))
    return total
