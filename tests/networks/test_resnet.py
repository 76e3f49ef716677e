import keras
import numpy as np
import pytest
from keras_helpers import run_model_saving_test

from tf_imgtrans.layers import ReflectionPadding2D
from tf_imgtrans.networks import get_generator, resnet_generator


def test_resnet_9blocks_has_the_paper_parameter_count():
    g = get_generator("resnet_9blocks")
    assert g.count_params() == 11_378_179  # instance norm has no parameters or statistics
    assert g.name == "resnet_9blocks"
    assert sum(isinstance(la, keras.layers.Add) for la in g.layers) == 9
    assert (
        sum(isinstance(la, keras.layers.Add) for la in get_generator("resnet_6blocks").layers) == 6
    )


@pytest.mark.parametrize("upsampling", ["transpose", "resize"])
def test_resnet_keeps_any_multiple_of_4(upsampling):
    g = resnet_generator(n_blocks=2, ngf=4, upsampling=upsampling)
    y = keras.ops.convert_to_numpy(g(np.zeros((2, 36, 44, 3), "float32")))
    assert y.shape == (2, 36, 44, 3) and np.all(np.abs(y) <= 1)
    assert any(isinstance(la, ReflectionPadding2D) for la in g.layers)


def test_resnet_uses_instance_statistics_per_image():
    # Instance norm: an image's output does not depend on the other images of the batch.
    g = resnet_generator(n_blocks=1, ngf=4)
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, (2, 1, 32, 32, 3)).astype("float32")
    alone = keras.ops.convert_to_numpy(g(a))
    together = keras.ops.convert_to_numpy(g(np.concatenate([a, b])))[:1]
    np.testing.assert_allclose(alone, together, atol=1e-5)


def test_resnet_round_trips_through_keras_file(tmp_path):
    g = resnet_generator(n_blocks=2, ngf=4, upsampling="resize")
    x = np.random.default_rng(1).uniform(-1, 1, (1, 32, 32, 3)).astype("float32")
    run_model_saving_test(g, x, tmp_path)


def test_resnet_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_blocks"):
        resnet_generator(n_blocks=-1)
    with pytest.raises(ValueError, match="multiples of 4"):
        resnet_generator(image_size=30)
