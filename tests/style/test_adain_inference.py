import keras
import numpy as np
import pytest

from tf_imgtrans.networks import adain_decoder, adain_encoder, adain_stylizer
from tf_imgtrans.style import adain_generator, adain_stylize, load_adain_model
from tf_imgtrans.style.color import rgb_to_yiq

rng = np.random.default_rng(0)


@pytest.fixture(scope="module")
def nets():
    keras.utils.set_random_seed(2)
    return adain_encoder(weights=None), adain_decoder()


@pytest.fixture(scope="module")
def images():
    content = rng.integers(0, 256, (37, 45, 3), dtype=np.uint8)
    styles = [rng.integers(0, 256, (40, 32, 3), dtype=np.uint8), np.full((24, 24, 3), 200, "uint8")]
    styles[1][::3] = 20
    return content, styles


def test_alpha_zero_ignores_the_style_and_one_matches_the_stylizer(nets, images):
    content, (s1, s2) = images
    zero_a = adain_stylize(nets, content, s1, alpha=0.0, style_size=None)
    zero_b = adain_stylize(nets, content, s2, alpha=0.0, style_size=None)
    np.testing.assert_array_equal(zero_a, zero_b)
    assert zero_a.shape == (37, 45, 3)
    full = adain_stylize(nets, content, s1, style_size=None)
    model = adain_stylizer(*nets)
    expected = keras.ops.convert_to_numpy(model([content[None] / 127.5 - 1, s1[None] / 127.5 - 1]))
    expected = np.clip(np.rint((expected[0] + 1) * 127.5), 0, 255)
    assert np.abs(full.astype(float) - expected).max() <= 1


def test_style_weights_interpolate_and_the_fixed_generator_agrees(nets, images):
    content, styles = images
    one = adain_stylize(nets, content, styles, style_weights=[1, 0], style_size=None)
    np.testing.assert_array_equal(one, adain_stylize(nets, content, styles[0], style_size=None))
    mixed = adain_stylize(nets, content, styles, style_weights=[1, 1], style_size=None)
    assert not np.array_equal(mixed, one)
    gen = adain_generator(nets, styles, style_weights=[1, 1], style_size=None)
    y = keras.ops.convert_to_numpy(gen(content[None].astype("float32") / 127.5 - 1))[0]
    assert np.abs(np.clip(np.rint((y + 1) * 127.5), 0, 255) - mixed).max() <= 1


def test_colour_preservation_and_loading(nets, images, tmp_path):
    content, styles = images
    yy, xx = np.mgrid[0:40, 0:48]
    smooth = np.stack([60 + xx * 3, 80 + yy * 2, 150 - xx], -1).astype("uint8")
    out = adain_stylize(nets, smooth, styles[0], preserve_color="luminance", style_size=None)
    got, want = rgb_to_yiq(out / 127.5 - 1), rgb_to_yiq(smooth / 127.5 - 1)
    inside = np.all((out > 0) & (out < 255), axis=-1)  # not clipped to the RGB cube
    assert inside.mean() > 0.5
    np.testing.assert_allclose(got[inside][:, 1:], want[inside][:, 1:], atol=0.02)
    path = tmp_path / "stylizer.keras"
    adain_stylizer(*nets).save(path)
    loaded = load_adain_model(str(tmp_path))  # a run folder holding stylizer.keras
    np.testing.assert_array_equal(
        adain_stylize(loaded, content, styles[0], style_size=None),
        adain_stylize(nets, content, styles[0], style_size=None),
    )
    with pytest.raises(ValueError, match="alpha"):
        adain_stylize(nets, content, styles[0], alpha=2.0)
