import keras
import numpy as np
import pytest
import tensorflow as tf

from tf_imgtrans.networks import (
    get_discriminator,
    patchgan_discriminator,
    patchgan_layers,
    receptive_field,
)


def test_70x70_patchgan_has_the_paper_parameter_count():
    d = get_discriminator("patch", n_layers=3, input_channels=6)
    trainable = int(sum(np.prod(w.shape) for w in d.trainable_weights))
    assert trainable == 2_768_705
    assert d.name == "patchgan_70"
    assert tuple(d(np.zeros((1, 256, 256, 6), "float32")).shape) == (1, 30, 30, 1)


@pytest.mark.parametrize("n_layers, field", [(1, 16), (2, 34), (3, 70), (4, 142), (5, 286)])
def test_receptive_field_by_depth(n_layers, field):
    assert receptive_field(patchgan_layers(n_layers)) == field


def test_measured_receptive_field_is_70_pixels():
    # The gradient of one output logit reaches exactly a 70×70 window of the input.
    d = patchgan_discriminator(n_layers=3, ndf=4, norm="none", input_channels=1)
    x = tf.random.uniform((1, 160, 160, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = d(x)
        unit = y[0, y.shape[1] // 2, y.shape[2] // 2, 0]
    grad = np.abs(tape.gradient(unit, x).numpy()[0, :, :, 0]) > 0
    rows, cols = np.where(grad.any(axis=1))[0], np.where(grad.any(axis=0))[0]
    assert rows.max() - rows.min() + 1 == 70
    assert cols.max() - cols.min() + 1 == 70


def test_pixel_discriminator_is_per_pixel():
    d = get_discriminator("pixel", ndf=4, norm="none", input_channels=6)
    x = np.random.default_rng(0).random((1, 16, 16, 6)).astype("float32")
    x2 = x.copy()
    x2[0, 3, 5] += 1.0
    diff = np.abs(keras.ops.convert_to_numpy(d(x2) - d(x)))[0, :, :, 0]
    assert diff.shape == (16, 16)
    assert diff[3, 5] > 0 and np.count_nonzero(diff) == 1


def test_patchgan_errors():
    with pytest.raises(ValueError, match="n_layers"):
        patchgan_discriminator(n_layers=0)
    with pytest.raises(
        ValueError, match=r"Unknown discriminator 'multiscale'.*\['patch', 'pixel'\]"
    ):
        get_discriminator("multiscale")
