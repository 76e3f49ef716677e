import numpy as np

from tf_imgtrans.style.color import (
    combine_luminance,
    luminance_image,
    match_color,
    match_luminance,
    rgb_to_yiq,
    yiq_to_rgb,
)

rng = np.random.default_rng(0)


def test_yiq_round_trip():
    x = rng.uniform(-1, 1, (5, 6, 3)).astype("float32")
    np.testing.assert_allclose(yiq_to_rgb(rgb_to_yiq(x)), x, atol=1e-5)
    gray = luminance_image(x)
    assert np.allclose(gray[..., 0], gray[..., 2])


def test_match_color_gives_the_content_mean_and_covariance():
    content = np.clip(
        rng.normal(0.1, 0.2, (40, 40, 3)) @ [[1, 0.2, 0], [0, 1, 0], [0, 0.5, 1]], -1, 1
    )
    style = np.clip(rng.normal(-0.2, 0.3, (30, 50, 3)), -1, 1)
    out = match_color(style, content).reshape(-1, 3)
    c = content.reshape(-1, 3)
    np.testing.assert_allclose(out.mean(0), c.mean(0), atol=1e-3)
    np.testing.assert_allclose(np.cov(out, rowvar=False), np.cov(c, rowvar=False), atol=2e-3)


def test_luminance_helpers():
    content = rng.uniform(-0.5, 0.5, (8, 8, 3)).astype("float32")
    style = rng.uniform(-1, 1, (6, 9, 3)).astype("float32")
    y = rgb_to_yiq(match_luminance(style, content))[..., 0]
    yc = rgb_to_yiq(content)[..., 0]
    assert abs(y.mean() - yc.mean()) < 1e-3 and abs(y.std() - yc.std()) < 1e-3
    mixed = combine_luminance(0.5 * content[::-1], content)  # stays inside the RGB cube
    np.testing.assert_allclose(rgb_to_yiq(mixed)[..., 1:], rgb_to_yiq(content)[..., 1:], atol=1e-4)
