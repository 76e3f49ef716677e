import numpy as np
import pytest
from keras import ops

from tf_imgtrans.losses import (
    adain_style_loss,
    content_loss,
    gram_matrix,
    mean_std,
    style_loss,
    total_variation_loss,
)

rng = np.random.default_rng(0)


def np_gram(f):
    b, h, w, c = f.shape
    flat = f.reshape(b, h * w, c).astype(np.float64)
    return np.einsum("bnc,bnd->bcd", flat, flat) / (h * w)


def test_gram_matrix_matches_numpy_and_is_size_independent():
    f = rng.normal(size=(2, 5, 7, 4)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(gram_matrix(f)), np_gram(f), rtol=1e-5)
    # A tiled feature map has the same per-position statistics, so the same Gram matrix.
    tiled = np.tile(f, (1, 2, 3, 1))
    np.testing.assert_allclose(gram_matrix(tiled), gram_matrix(f), rtol=1e-5)


def test_style_loss_is_weighted_mean_squared_gram_difference():
    a = [rng.normal(size=(2, 6, 6, 3)).astype("float32"), rng.normal(size=(2, 3, 3, 5))]
    s = [rng.normal(size=(1, 9, 8, 3)).astype("float32"), rng.normal(size=(1, 4, 4, 5))]
    targets = [np_gram(x) for x in s]
    expected = sum(w * np.mean((np_gram(x) - t) ** 2) for w, x, t in zip((0.3, 2.0), a, targets))
    got = float(style_loss(a, [t.astype("float32") for t in targets], layer_weights=(0.3, 2.0)))
    assert got == pytest.approx(expected, rel=1e-4)
    # Johnson et al.: ||G - A||_F^2 with G = F^T F / (C H W) is the same number (one layer).
    c = a[0].shape[-1]
    johnson = np.sum((np_gram(a[0]) / c - targets[0] / c) ** 2, axis=(1, 2)).mean()
    assert float(style_loss(a[:1], targets[:1])) == pytest.approx(johnson, rel=1e-4)
    with pytest.raises(ValueError, match="one weight per style layer"):
        style_loss(a, targets, layer_weights=[1.0])
    with pytest.raises(ValueError, match="one entry per style layer"):
        style_loss(a, targets[:1])


def test_content_and_total_variation_losses_match_numpy():
    x, y = rng.normal(size=(2, 2, 5, 6, 3)).astype("float32")
    assert float(content_loss(x, y)) == pytest.approx(np.mean((x - y) ** 2), rel=1e-5)
    tv = np.mean(np.diff(x, axis=1) ** 2) + np.mean(np.diff(x, axis=2) ** 2)
    assert float(total_variation_loss(x)) == pytest.approx(tv, rel=1e-5)
    assert float(total_variation_loss(np.ones((1, 4, 4, 3), "float32"))) == 0.0


def test_adain_style_loss_and_statistics_match_numpy():
    g = [rng.normal(size=(2, 6, 5, 4)).astype("float32") for _ in range(2)]
    s = [(3 * rng.normal(size=(2, 4, 4, 4)) + 1).astype("float32") for _ in range(2)]
    mean, std = mean_std(g[0])
    np.testing.assert_allclose(mean[:, 0, 0], g[0].mean(axis=(1, 2)), atol=1e-5)
    np.testing.assert_allclose(std[:, 0, 0], np.sqrt(g[0].var(axis=(1, 2)) + 1e-5), rtol=1e-5)

    def stats(x):
        return x.mean(axis=(1, 2)), np.sqrt(x.var(axis=(1, 2)) + 1e-5)

    expected = 0.0
    for a, b in zip(g, s):
        (ma, sa), (mb, sb) = stats(a), stats(b)
        expected += np.mean((ma - mb) ** 2) + np.mean((sa - sb) ** 2)
    assert float(adain_style_loss(g, s)) == pytest.approx(expected, rel=1e-4)
    assert float(adain_style_loss(g, g)) == pytest.approx(0.0, abs=1e-8)
