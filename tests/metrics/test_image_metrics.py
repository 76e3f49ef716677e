import numpy as np

from tf_imgtrans.metrics import psnr, ssim


def test_psnr_matches_formula_on_unit_range():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    y = np.clip(x + rng.normal(0, 0.1, x.shape), -1, 1).astype("float32")
    mse = np.mean(((x + 1) / 2 - (y + 1) / 2) ** 2, axis=(1, 2, 3))
    np.testing.assert_allclose(psnr(x, y), 10 * np.log10(1 / mse), rtol=1e-4)


def test_ssim_is_one_for_identical_and_lower_for_noisy_images():
    rng = np.random.RandomState(1)
    x = rng.uniform(-1, 1, (1, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(ssim(x, x), [1.0], atol=1e-6)
    noisy = np.clip(x + rng.normal(0, 0.5, x.shape), -1, 1).astype("float32")
    assert float(ssim(x, noisy)[0]) < 0.9
