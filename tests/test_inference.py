import numpy as np
import pytest

from tf_imgtrans.inference import pad_to_multiple, size_multiple, translate
from tf_imgtrans.networks import get_generator


@pytest.fixture(scope="module")
def generator():
    return get_generator("unet", num_downs=5, ngf=4, norm="instance", dropout=0.0)


def test_size_multiple_counts_stride_2_convolutions(generator):
    assert size_multiple(generator) == 32
    assert size_multiple(get_generator("unet_256", ngf=4)) == 256


def test_pad_to_multiple_reflects_and_reports_the_original_size():
    img = np.arange(5 * 7 * 1, dtype="float32").reshape(5, 7, 1)
    padded, size = pad_to_multiple(img, 4)
    assert padded.shape == (8, 8, 1) and size == (5, 7)
    np.testing.assert_array_equal(padded[:5, :7], img)
    np.testing.assert_array_equal(padded[5, :7], img[3])  # reflection, not repetition
    tiny, _ = pad_to_multiple(np.ones((1, 1, 3), "float32"), 32)
    assert tiny.shape == (32, 32, 3)


@pytest.mark.parametrize("shape", [(37, 50, 3), (64, 64, 3), (1, 1, 3), (33, 97, 3)])
def test_translate_returns_the_input_size(generator, shape):
    img = np.random.RandomState(0).randint(0, 256, shape).astype("uint8")
    out = translate(generator, img)
    assert out.shape == shape and out.dtype == np.uint8


def test_translate_at_a_working_resolution_matches_direct_call(generator):
    img = np.random.RandomState(1).uniform(-1, 1, (64, 64, 3)).astype("float32")
    direct = np.clip(np.rint((generator(img[None]).numpy()[0] + 1) * 127.5), 0, 255)
    np.testing.assert_array_equal(translate(generator, img), direct.astype("uint8"))
    resized = translate(generator, img, size=32)
    assert resized.shape == (64, 64, 3)


def test_translate_rejects_non_rgb(generator):
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        translate(generator, np.zeros((8, 8), "uint8"))
