import keras
import numpy as np
import pytest

from tf_imgtrans.networks import vgg_features
from tf_imgtrans.style import GATYS_CONTENT_LAYERS, GATYS_STYLE_LAYERS, stylize
from tf_imgtrans.style.color import rgb_to_yiq

rng = np.random.default_rng(0)


@pytest.fixture(scope="module")
def net():
    keras.utils.set_random_seed(3)
    return vgg_features(sorted(GATYS_CONTENT_LAYERS + GATYS_STYLE_LAYERS), weights=None)


@pytest.fixture(scope="module")
def images():
    yy, xx = np.mgrid[0:48, 0:40]
    content = np.stack([xx * 6, yy * 5, (xx + yy) * 3], -1).clip(0, 255).astype("uint8")
    style = rng.integers(0, 256, (36, 36, 3), dtype=np.uint8)
    return content, style


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_steps_lower_the_total_loss(net, images, optimizer):
    content, style = images
    seen = []
    result = stylize(
        content,
        style,
        size=48,
        steps=8,
        optimizer=optimizer,
        # Random VGG weights give small features: weights that make every term count.
        content_weight=10.0,
        style_weight=100.0,
        tv_weight=10.0,
        loss_network=net,
        progress=False,
        callback=lambda step, row: seen.append(step),
    )
    h = result.history
    assert result.image.shape == (48, 40, 3) and result.image.dtype == np.uint8
    assert len(h["total"]) == 8 and seen == list(range(1, 9))
    assert h["total"][-1] < 0.5 * h["total"][0]
    np.testing.assert_allclose(
        np.add(np.add(h["content"], h["style"]), h["tv"]), h["total"], rtol=1e-5
    )


def test_coarse_to_fine_and_several_styles(net, images):
    content, style = images
    result = stylize(
        content,
        [style, 255 - style],
        style_blend=[3, 1],
        size=48,
        scales=2,
        steps=[3, 2],
        init="noise",
        seed=0,
        loss_network=net,
        progress=False,
    )
    assert result.sizes == [(24, 20), (48, 40)]
    assert result.history["size"] == [24, 24, 24, 48, 48]
    assert result.image.shape == (48, 40, 3)


def test_luminance_transfer_keeps_the_content_colours(net, images):
    content, style = images
    result = stylize(
        content,
        style,
        size=None,
        steps=3,
        preserve_color="luminance",
        loss_network=net,
        progress=False,
    )
    # I and Q (colour) come from the content; only the luminance was optimised.
    got, want = rgb_to_yiq(result.image / 127.5 - 1), rgb_to_yiq(content / 127.5 - 1)
    inside = (got[..., 0] > 0.05) & (got[..., 0] < 0.95)  # away from clipping
    np.testing.assert_allclose(got[inside][:, 1:], want[inside][:, 1:], atol=0.02)
    assert not np.allclose(got[..., 0], want[..., 0], atol=0.02)


def test_histogram_colour_mode_runs(net, images):
    content, style = images
    out = stylize(
        content,
        style,
        size=32,
        steps=2,
        preserve_color="histogram",
        loss_network=net,
        progress=False,
    )
    assert out.image.shape == (32, 27, 3)


def test_bad_arguments_are_named(images):
    content, style = images
    for kwargs, match in (
        ({"optimizer": "sgd"}, "optimizer"),
        ({"init": "zeros"}, "init"),
        ({"scales": 0}, "scales"),
        ({"steps": [1, 2]}, "one positive int per scale"),
        ({"style_weight": -1.0}, "Loss weights"),
        ({"preserve_color": "yes"}, "preserve_color"),
        ({"style_blend": [1, 2]}, "style_blend"),
        ({"style_scale": 0}, "style_scale"),
    ):
        with pytest.raises(ValueError, match=match):
            stylize(content, style, weights=None, progress=False, **kwargs)
    with pytest.raises(ValueError, match=r"`content` must be an \(H, W, 3\) image"):
        stylize(content[..., 0], style, weights=None, progress=False)
