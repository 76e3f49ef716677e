import keras
import numpy as np
import pytest
from keras_helpers import run_model_saving_test

from tf_imgtrans.inference import translate
from tf_imgtrans.layers import ReflectionPadding2D
from tf_imgtrans.networks import get_generator, style_transfer_net


def test_paper_configuration_and_registry():
    net = get_generator("style_transfer_net")
    assert net.name == "style_transfer_net"
    assert net.count_params() == 1_676_035
    assert sum(isinstance(la, keras.layers.Add) for la in net.layers) == 5
    assert sum(isinstance(la, keras.layers.UpSampling2D) for la in net.layers) == 2
    assert any(isinstance(la, ReflectionPadding2D) for la in net.layers)
    assert any(isinstance(la, keras.layers.GroupNormalization) for la in net.layers)


@pytest.mark.parametrize("upsampling", ["resize", "transpose"])
def test_any_multiple_of_4_in_range(upsampling):
    net = style_transfer_net(filters=4, n_blocks=1, upsampling=upsampling)
    y = keras.ops.convert_to_numpy(net(np.zeros((2, 36, 44, 3), "float32")))
    assert y.shape == (2, 36, 44, 3) and np.all(np.abs(y) <= 1)


def test_translate_handles_other_sizes():
    net = style_transfer_net(filters=4, n_blocks=1)
    out = translate(net, np.zeros((37, 50, 3), "uint8"))
    assert out.shape == (37, 50, 3) and out.dtype == np.uint8


def test_round_trips_through_keras_file(tmp_path):
    net = style_transfer_net(filters=4, n_blocks=2)
    x = np.random.default_rng(0).uniform(-1, 1, (1, 32, 40, 3)).astype("float32")
    run_model_saving_test(net, x, tmp_path)


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_blocks"):
        style_transfer_net(n_blocks=-1)
    with pytest.raises(ValueError, match="filters"):
        style_transfer_net(filters=0)
    with pytest.raises(ValueError, match="multiples of 4"):
        style_transfer_net(image_size=30)
    with pytest.raises(ValueError, match="upsampling"):
        style_transfer_net(upsampling="pixelshuffle")
