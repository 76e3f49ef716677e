import keras
import numpy as np
import pytest
from keras_helpers import run_model_saving_test

from tf_imgtrans.layers import feature_stats
from tf_imgtrans.networks import (
    ADAIN_LAYERS,
    AdaptiveInstanceNormalization,
    FixedStyleAdaIN,
    adain_decoder,
    adain_encoder,
    adain_stylizer,
    fixed_style_generator,
)
from tf_imgtrans.networks.adain import blend_stats, split_stylizer

rng = np.random.default_rng(0)


@pytest.fixture(scope="module")
def nets():
    keras.utils.set_random_seed(1)
    return adain_encoder(weights=None), adain_decoder()


def stats(x):
    return x.mean(axis=(1, 2)), x.std(axis=(1, 2))


def test_adain_matches_style_statistics_at_alpha_1_and_content_at_0():
    content = rng.normal(2.0, 3.0, (2, 9, 7, 6)).astype("float32")
    style = (rng.normal(size=(2, 5, 6, 6)) * rng.uniform(0.5, 4, 6) + rng.normal(0, 5, 6)).astype(
        "float32"
    )
    out = keras.ops.convert_to_numpy(AdaptiveInstanceNormalization()([content, style]))
    (m_out, s_out), (m_style, s_style) = stats(out), stats(style)
    np.testing.assert_allclose(m_out, m_style, atol=1e-4)
    np.testing.assert_allclose(s_out, s_style, rtol=1e-3)
    # The normalised content is kept: per channel, the output is an affine map of the content.
    for b in range(2):
        for c in range(6):
            r = np.corrcoef(out[b, ..., c].ravel(), content[b, ..., c].ravel())[0, 1]
            assert r == pytest.approx(1.0, abs=1e-5)
    zero = AdaptiveInstanceNormalization(alpha=0.0)([content, style])
    np.testing.assert_allclose(zero, content, atol=1e-6)
    half = AdaptiveInstanceNormalization(alpha=0.5)([content, style])
    np.testing.assert_allclose(half, 0.5 * out + 0.5 * content, atol=1e-4)
    with pytest.raises(ValueError, match="alpha"):
        AdaptiveInstanceNormalization(alpha=1.5)


def test_fixed_style_layer_equals_adain_with_those_statistics():
    content = rng.normal(size=(1, 6, 6, 4)).astype("float32")
    style = rng.normal(3.0, 2.0, (1, 5, 5, 4)).astype("float32")
    mean, std = (keras.ops.convert_to_numpy(t).reshape(-1) for t in feature_stats(style))
    layer = FixedStyleAdaIN(4, alpha=0.7)
    layer.build((None, None, None, 4))
    layer.style_mean.assign(mean)
    layer.style_std.assign(std)
    expected = AdaptiveInstanceNormalization(alpha=0.7)([content, style])
    np.testing.assert_allclose(layer(content), expected, atol=1e-5)


def test_blending_statistics_equals_blending_adain_outputs():
    content = rng.normal(size=(1, 6, 6, 4)).astype("float32")
    styles = [rng.normal(i, 1 + i, (1, 5, 5, 4)).astype("float32") for i in range(2)]
    s = [tuple(keras.ops.convert_to_numpy(t).reshape(-1) for t in feature_stats(x)) for x in styles]
    mean, std = blend_stats(s, [3, 1])
    layer = FixedStyleAdaIN(4)
    layer.build((None, None, None, 4))
    layer.style_mean.assign(mean)
    layer.style_std.assign(std)
    each = [AdaptiveInstanceNormalization()([content, x]) for x in styles]
    np.testing.assert_allclose(layer(content), 0.75 * each[0] + 0.25 * each[1], atol=1e-5)
    with pytest.raises(ValueError, match="non-negative"):
        blend_stats(s, [1, -1])


def test_decoder_mirrors_the_encoder():
    assert adain_decoder("vgg19").count_params() == 3_505_219  # the paper's decoder
    dec = adain_decoder()
    assert dec.count_params() == 2_915_139
    assert tuple(dec(np.zeros((1, 3, 5, 512), "float32")).shape) == (1, 24, 40, 3)


def test_stylizer_keeps_any_content_size(nets):
    encoder, decoder = nets
    assert set(encoder.output) == set(ADAIN_LAYERS)
    model = adain_stylizer(encoder, decoder)
    content = rng.uniform(-1, 1, (1, 37, 29, 3)).astype("float32")
    style = rng.uniform(-1, 1, (1, 24, 40, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(model([content, style]))
    assert y.shape == (1, 37, 29, 3) and np.all(np.abs(y) <= 1)
    assert split_stylizer(model) == (encoder, decoder)


def test_new_layers_and_models_round_trip_through_keras_files(nets, tmp_path):
    encoder, decoder = nets
    content = rng.uniform(-1, 1, (1, 20, 27, 3)).astype("float32")
    style = rng.uniform(-1, 1, (1, 16, 16, 3)).astype("float32")
    stylizer = adain_stylizer(encoder, decoder, alpha=0.8)
    feats = encoder(style)[ADAIN_LAYERS[-1]]
    mean, std = (keras.ops.convert_to_numpy(t).reshape(-1) for t in feature_stats(feats))
    fixed = fixed_style_generator(encoder, decoder, mean, std, alpha=0.8)
    for name, model, inputs in (
        ("decoder", decoder, np.zeros((1, 2, 3, 512), "float32") + 1.0),
        ("stylizer", stylizer, [content, style]),
        ("fixed", fixed, content),
    ):
        run_model_saving_test(model, inputs, tmp_path / name, atol=1e-5)
    # The fixed-style generator stylizes as the two-input model does with that style.
    np.testing.assert_allclose(fixed(content), stylizer([content, style]), atol=1e-5)
