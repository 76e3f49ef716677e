"""Checks with the real ImageNet VGG16 weights (the shared .npz), skipped where it is absent."""

import os

import numpy as np
import pytest

from tf_imgtrans.networks import vgg_features
from tf_imgtrans.networks.vgg import WEIGHTS_ENV
from tf_imgtrans.style import GATYS_CONTENT_LAYERS, GATYS_STYLE_LAYERS, stylize

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(REPO), "shared")


def _weights_file() -> str | None:
    for path in (
        os.environ.get(WEIGHTS_ENV),
        os.path.join(SHARED, "weights", "vgg16_imagenet_notop.npz"),
    ):
        if path and os.path.isfile(path):
            return path
    return None


WEIGHTS = _weights_file()
pytestmark = pytest.mark.skipif(
    WEIGHTS is None,
    reason=f"no VGG16 ImageNet weights: set ${WEIGHTS_ENV} or put "
    "vgg16_imagenet_notop.npz in ../shared/weights/",
)


@pytest.fixture(scope="module")
def net():
    """Loaded once for the module: the file is 58 MB."""
    return vgg_features(sorted(GATYS_CONTENT_LAYERS + GATYS_STYLE_LAYERS), weights=WEIGHTS)


def test_the_shared_file_holds_the_reference_imagenet_values(net):
    # Values listed in shared/weights/README.md, equal to keras.applications' VGG16.
    assert float(net.get_layer("block1_conv1").kernel[0, 0, 0, 0]) == pytest.approx(0.42947057)
    assert float(net.get_layer("block1_conv1").bias[25]) == pytest.approx(0.7446502)
    assert float(net.get_layer("block4_conv1").bias[0]) == pytest.approx(0.013485669)


def test_gatys_moves_a_photo_towards_the_style(net):
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:64, 0:64]
    content = np.stack([xx * 4, yy * 4, 255 - xx * 2], -1).astype("uint8")  # smooth gradients
    style_path = os.path.join(SHARED, "images", "starry_night.jpg")
    if os.path.isfile(style_path):
        style = style_path
    else:  # blue and yellow stripes
        style = np.where((xx // 4 % 2)[..., None] == 0, [30, 60, 160], [230, 200, 60])
        style = (style + rng.integers(0, 30, style.shape)).astype("uint8")
    result = stylize(content, style, size=64, steps=20, loss_network=net, progress=False)
    h = result.history
    assert h["style"][-1] < 0.2 * h["style"][0]
    assert h["total"][-1] < 0.3 * h["total"][0]
    # The picture changed, and not into noise: it still follows the content's layout.
    out = result.image.astype(float)
    assert np.abs(out - content).mean() > 10
    assert np.corrcoef(out[..., 0].ravel(), content[..., 0].ravel())[0, 1] > 0.3
