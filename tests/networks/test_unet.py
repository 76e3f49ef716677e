import keras
import numpy as np
import pytest
from keras_helpers import run_model_saving_test

from tf_imgtrans.networks import get_generator, unet_generator


def n_params(weights):
    return int(sum(np.prod(w.shape) for w in weights))


def test_unet_256_has_the_paper_parameter_count():
    g = get_generator("unet_256")
    # The reference implementation reports 54.414 M (trainable); the BN moving statistics add
    # 2 × 4,928 non-trainable values.
    assert n_params(g.trainable_weights) == 54_413_955
    assert g.count_params() == 54_413_955 + 9_856
    assert g.name == "unet_256"
    y = g(np.zeros((1, 256, 256, 3), "float32"))
    assert tuple(y.shape) == (1, 256, 256, 3)


def test_unet_128_parameters_and_output_range():
    g = get_generator("unet_128", ngf=8)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 128, 128, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(g(x))
    assert y.shape == (2, 128, 128, 3)
    assert np.all(np.abs(y) <= 1.0)
    assert (
        len(
            [
                la
                for la in g.layers
                if isinstance(la, keras.layers.Conv2D)
                and not isinstance(la, keras.layers.Conv2DTranspose)
            ]
        )
        == 7
    )


def test_dropout_sits_in_the_three_innermost_decoder_blocks():
    g = unet_generator(num_downs=6, ngf=8)
    names = [la.name for la in g.layers if isinstance(la, keras.layers.Dropout)]
    assert names == ["up5_dropout", "up4_dropout", "up3_dropout"]
    assert not any(
        isinstance(la, keras.layers.Dropout)
        for la in unet_generator(num_downs=6, ngf=8, dropout=0).layers
    )


def test_dropout_makes_training_outputs_random_and_inference_deterministic():
    g = unet_generator(num_downs=6, ngf=8, norm="instance")
    x = np.random.default_rng(0).uniform(-1, 1, (1, 64, 64, 3)).astype("float32")
    assert not np.allclose(g(x, training=True), g(x, training=True))
    np.testing.assert_array_equal(g(x, training=False), g(x, training=False))


def test_resize_upsampling_uses_no_transposed_convolution():
    g = unet_generator(num_downs=6, ngf=8, upsampling="resize")
    assert not any(isinstance(la, keras.layers.Conv2DTranspose) for la in g.layers)
    assert tuple(g(np.zeros((1, 64, 64, 3), "float32")).shape) == (1, 64, 64, 3)


def test_skip_connections_carry_fine_detail():
    # With the innermost path cut (zero weights), the output still depends on the input through
    # the outermost skip: a one-pixel change moves the output near that pixel only.
    g = unet_generator(num_downs=6, ngf=8, norm="none", dropout=0)
    x = np.zeros((1, 64, 64, 3), "float32")
    x2 = x.copy()
    x2[0, 10, 10, :] = 1.0
    diff = np.abs(keras.ops.convert_to_numpy(g(x2) - g(x)))[0].sum(-1)
    assert diff[8:13, 8:13].max() > 0
    assert diff[40:, 40:].max() < diff[8:13, 8:13].max()


def test_unet_round_trips_through_keras_file(tmp_path):
    g = unet_generator(num_downs=6, ngf=8, norm="instance", upsampling="resize")
    x = np.random.default_rng(0).uniform(-1, 1, (1, 64, 64, 3)).astype("float32")
    run_model_saving_test(g, x, tmp_path)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"norm": "group"}, "norm"),
        ({"upsampling": "pixelshuffle"}, "upsampling"),
        ({"num_downs": 1}, "num_downs"),
        ({"dropout": 1.5}, "dropout"),
        ({"image_size": 100}, "multiples of 256"),
    ],
)
def test_unet_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        unet_generator(**kwargs)


def test_registry_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown generator 'unet_512'.*'unet_128', 'unet_256'"):
        get_generator("unet_512")
