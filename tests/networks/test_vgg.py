import keras
import numpy as np
import pytest
from keras_helpers import run_model_saving_test

from tf_imgtrans.networks import VGGPreprocess, VGGWeightsError, vgg_features
from tf_imgtrans.networks.vgg import (
    WEIGHTS_ENV,
    canonical_layer,
    conv_layer_names,
    read_vgg_weights_file,
)

rng = np.random.default_rng(0)


def random_arrays(arch="vgg16", upto=None):
    """Random `blockB_convC/kernel|bias` arrays of `arch`, its first `upto` convolutions."""
    arrays, cin = {}, 3
    for name in conv_layer_names(arch)[:upto]:
        cout = (64, 128, 256, 512, 512)[int(name[5]) - 1]
        arrays[f"{name}/kernel"] = rng.normal(0, 0.05, (3, 3, cin, cout)).astype("float32")
        arrays[f"{name}/bias"] = rng.normal(0, 0.05, (cout,)).astype("float32")
        cin = cout
    return arrays


@pytest.fixture(autouse=True)
def no_weights_env(monkeypatch):
    monkeypatch.delenv(WEIGHTS_ENV, raising=False)


def test_preprocess_is_keras_caffe_preprocessing():
    x = rng.uniform(-1, 1, (2, 5, 6, 3)).astype("float32")
    expected = keras.applications.vgg16.preprocess_input((x + 1.0) * 127.5)
    np.testing.assert_allclose(VGGPreprocess()(x), expected, atol=1e-4)


def test_features_at_any_size_and_layer_aliases():
    net = vgg_features(["relu1_1", "conv2_2", "block2_pool"], weights=None)
    out = net(np.zeros((1, 33, 50, 3), "float32"))
    assert {k: tuple(v.shape) for k, v in out.items()} == {
        "block1_conv1": (1, 33, 50, 64),
        "block2_conv2": (1, 16, 25, 128),
        "block2_pool": (1, 8, 12, 128),
    }
    assert len(net.layers) == 8  # input, preprocess, conv conv pool conv conv pool: no deeper
    assert not net.trainable and not net.trainable_weights
    assert canonical_layer("relu3_4", "vgg19") == "block3_conv4"
    with pytest.raises(ValueError, match="VGG16 has no layer 'relu3_4'"):
        vgg_features(["relu3_4"], weights=None)
    with pytest.raises(ValueError, match="pooling"):
        vgg_features(["relu1_1"], weights=None, pooling="min")
    with pytest.raises(ValueError, match="arch"):
        vgg_features(["relu1_1"], arch="vgg11", weights=None)


def test_avg_pooling_variant():
    net = vgg_features(["block1_pool"], weights=None, pooling="avg")
    assert isinstance(net.get_layer("block1_pool"), keras.layers.AveragePooling2D)


def test_weights_from_npz_dict_and_keras_files_agree(tmp_path):
    arrays = random_arrays()
    np.savez(tmp_path / "w.npz", **arrays)
    # A Keras 3 weights file and a Keras 2 style .h5 of keras.applications' VGG16.
    ref = keras.applications.VGG16(include_top=False, weights=None, input_shape=(None, None, 3))
    for name in conv_layer_names():
        ref.get_layer(name).set_weights([arrays[f"{name}/kernel"], arrays[f"{name}/bias"]])
    ref.save_weights(str(tmp_path / "w.weights.h5"))
    ref.save(str(tmp_path / "model.h5"))  # Keras warns that .h5 is legacy: it is the point here
    x = rng.uniform(-1, 1, (1, 32, 32, 3)).astype("float32")
    conv5_3 = keras.Model(ref.input, ref.get_layer("block5_conv3").output)
    expected = conv5_3(keras.applications.vgg16.preprocess_input((x + 1) * 127.5))
    sources = [arrays, tmp_path / "w.npz", str(tmp_path / "w.weights.h5"), tmp_path / "model.h5"]
    for source in sources:
        net = vgg_features(["block5_conv3"], weights=source)
        np.testing.assert_allclose(net(x)["block5_conv3"], expected, rtol=1e-4, atol=1e-3)
    # A truncated network takes what it needs from a full file.
    net = vgg_features(["block1_conv2"], weights=str(tmp_path / "w.weights.h5"))
    np.testing.assert_array_equal(
        net.get_layer("block1_conv2").kernel, arrays["block1_conv2/kernel"]
    )


def test_weights_file_saved_from_a_feature_extractor_loads_back(tmp_path):
    net = vgg_features(["block2_conv1"], weights=random_arrays(upto=3))
    net.save_weights(str(tmp_path / "mine.weights.h5"))
    again = vgg_features(["block2_conv1"], weights=str(tmp_path / "mine.weights.h5"))
    x = rng.uniform(-1, 1, (1, 16, 16, 3)).astype("float32")
    np.testing.assert_allclose(again(x)["block2_conv1"], net(x)["block2_conv1"], rtol=1e-6)
    with pytest.raises(VGGWeightsError, match=r"lacks the VGG16 weights \['block2_conv2/bias'"):
        vgg_features(["block2_conv2"], weights=str(tmp_path / "mine.weights.h5"))


def test_mismatched_files_are_rejected_clearly(tmp_path):
    arrays = random_arrays(upto=2)
    bad_shape = dict(arrays, **{"block1_conv2/kernel": np.zeros((3, 3, 64, 32), "float32")})
    with pytest.raises(VGGWeightsError, match=r"block1_conv2/kernel has shape \(3, 3, 64, 32\)"):
        vgg_features(["block1_conv2"], weights=bad_shape)
    renamed = {k.replace("block", "layer"): v for k, v in arrays.items()}
    np.savez(tmp_path / "renamed.npz", **renamed)
    with pytest.raises(VGGWeightsError, match="lacks the VGG16 weights.*layer1_conv1/bias"):
        vgg_features(["block1_conv2"], weights=tmp_path / "renamed.npz")
    vgg19 = random_arrays("vgg19", upto=8)  # block3_conv4 exists only in VGG19
    with pytest.raises(VGGWeightsError, match="looks like VGG19 weights"):
        vgg_features(["block1_conv1"], weights=vgg19)
    (tmp_path / "w.pt").write_bytes(b"x")
    with pytest.raises(VGGWeightsError, match="Unknown VGG weights format '.pt'"):
        vgg_features(["block1_conv1"], weights=str(tmp_path / "w.pt"))
    with pytest.raises(VGGWeightsError, match="not found"):
        vgg_features(["block1_conv1"], weights=str(tmp_path / "missing.npz"))
    (tmp_path / "broken.h5").write_bytes(b"not hdf5")
    with pytest.raises(VGGWeightsError, match="Could not open"):
        read_vgg_weights_file(str(tmp_path / "broken.h5"))
    other = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(5, 3)])
    other.save_weights(str(tmp_path / "other.weights.h5"))
    with pytest.raises(VGGWeightsError, match="not a VGG weights file"):
        read_vgg_weights_file(str(tmp_path / "other.weights.h5"))


def test_imagenet_weights_come_from_keras_applications(monkeypatch):
    arrays = random_arrays()
    calls = []

    def fake_vgg16(include_top, weights, input_shape):
        calls.append((include_top, weights))
        model = ORIGINAL_VGG16(include_top=False, weights=None, input_shape=input_shape)
        for name in conv_layer_names():
            model.get_layer(name).set_weights([arrays[f"{name}/kernel"], arrays[f"{name}/bias"]])
        return model

    monkeypatch.setattr(keras.applications, "VGG16", fake_vgg16)
    net = vgg_features(["block1_conv1"], weights="imagenet")
    assert calls == [(False, "imagenet")]
    np.testing.assert_array_equal(net.get_layer("block1_conv1").bias, arrays["block1_conv1/bias"])


ORIGINAL_VGG16 = keras.applications.VGG16


def test_failed_download_names_the_alternatives(monkeypatch):
    def offline(**kwargs):
        raise Exception("URL fetch failure: network unreachable")

    monkeypatch.setattr(keras.applications, "VGG19", offline)
    with pytest.raises(VGGWeightsError, match="--vgg-weights PATH.*TF_IMGTRANS_VGG_WEIGHTS"):
        vgg_features(["block1_conv1"], arch="vgg19", weights="imagenet")


def test_imagenet_uses_the_file_named_by_the_environment(tmp_path, monkeypatch):
    arrays = random_arrays(upto=1)
    np.savez(tmp_path / "w.npz", **arrays)
    monkeypatch.setenv(WEIGHTS_ENV, str(tmp_path / "w.npz"))
    net = vgg_features(["block1_conv1"], weights="imagenet")
    np.testing.assert_array_equal(net.get_layer("block1_conv1").bias, arrays["block1_conv1/bias"])


def test_feature_extractor_round_trips_through_keras_file(tmp_path):
    net = vgg_features(["relu1_1", "relu2_1"], weights=random_arrays(upto=3))
    x = rng.uniform(-1, 1, (1, 20, 24, 3)).astype("float32")
    run_model_saving_test(net, x, tmp_path, atol=1e-4)
