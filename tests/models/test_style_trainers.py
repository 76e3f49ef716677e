import keras
import numpy as np
import pytest

from tf_imgtrans.models import AdaIN, FastStyleTransfer
from tf_imgtrans.models.style_transfer import JOHNSON_CONTENT_LAYERS, JOHNSON_STYLE_LAYERS
from tf_imgtrans.networks import adain_decoder, adain_encoder, style_transfer_net, vgg_features

rng = np.random.default_rng(0)


def snapshot(model):
    return [keras.ops.convert_to_numpy(w).copy() for w in model.weights]


def changed(before, model):
    return [
        not np.array_equal(a, keras.ops.convert_to_numpy(b)) for a, b in zip(before, model.weights)
    ]


@pytest.fixture
def fast_style():
    vgg = vgg_features(JOHNSON_CONTENT_LAYERS + JOHNSON_STYLE_LAYERS, weights=None)
    style = rng.uniform(-1, 1, (40, 32, 3)).astype("float32")
    # Equal layer weights: with random VGG weights, 1 / C² would leave the style term tiny.
    net = style_transfer_net(filters=4, n_blocks=1)
    model = FastStyleTransfer(net, vgg, style, style_layer_weights=[1.0] * 4)
    model.compile(content_weight=1.0, style_weight=10.0, tv_weight=1.0)
    return model


def test_fast_style_fit_step_trains_the_network_never_the_vgg(fast_style):
    model = fast_style
    g0, v0 = snapshot(model.generator), snapshot(model.loss_network)
    x = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    history = model.fit(x, batch_size=2, epochs=1, verbose=0).history
    assert set(history) == {"loss", "content", "style", "tv"}
    assert all(np.isfinite(v[0]) for v in history.values())
    assert any(changed(g0, model.generator))
    assert not any(changed(v0, model.loss_network))
    assert int(model.g_optimizer.iterations.numpy()) == 1
    # Only the transformation network has trainable variables.
    assert {id(v) for v in model.trainable_variables} == {
        id(v) for v in model.generator.trainable_variables
    }
    logs = model.evaluate(x, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(
        logs["content"] + 10.0 * logs["style"] + 1.0 * logs["tv"], rel=1e-4
    )
    titles, columns = model.visuals((x,))
    assert titles == ["content", "stylized", "style"]
    assert [tuple(c.shape) for c in columns] == [(2, 32, 32, 3)] * 3


def test_fast_style_loss_falls_when_overfitting_one_batch(fast_style):
    model = fast_style
    model.g_optimizer.learning_rate.assign(1e-2)
    x = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    losses = model.fit(x, batch_size=2, epochs=12, verbose=0).history["loss"]
    assert losses[-1] < 0.7 * losses[0]


def test_fast_style_default_layer_weights_follow_the_reference_code(fast_style):
    # Gram / (C·H·W) compared by MSE, as fast-neural-style: 1 / C² on our Gram / (H·W).
    model = FastStyleTransfer(fast_style.generator, fast_style.loss_network, np.zeros((8, 8, 3)))
    assert model.style_layer_weights == [1 / 64**2, 1 / 128**2, 1 / 256**2, 1 / 512**2]


def test_fast_style_checks_its_loss_network():
    vgg = vgg_features(["block1_conv2"], weights=None)
    with pytest.raises(ValueError, match="does not return the layers"):
        FastStyleTransfer(style_transfer_net(filters=4, n_blocks=1), vgg, np.zeros((8, 8, 3)))


def test_adain_fit_step_trains_the_decoder_never_the_encoder():
    model = AdaIN(adain_encoder(weights=None), adain_decoder())
    model.compile()
    d0, e0 = snapshot(model.decoder), snapshot(model.encoder)
    content = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    style = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    history = model.fit(x=content, y=style, batch_size=2, epochs=1, verbose=0).history
    assert set(history) == {"loss", "content", "style"}
    assert all(changed(d0, model.decoder))
    assert not any(changed(e0, model.encoder))
    assert {id(v) for v in model.trainable_variables} == {
        id(v) for v in model.decoder.trainable_variables
    }
    out = keras.ops.convert_to_numpy(model.stylizer()([content[:1, :27], style[1:]]))
    assert out.shape == (1, 27, 32, 3)
    titles, columns = model.visuals((content, style))
    assert titles == ["content", "style", "stylized"] and columns[2].shape == (2, 32, 32, 3)
