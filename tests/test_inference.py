import os

import keras
import matplotlib
import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.inference import (
    min_size,
    pad_to_multiple,
    plan_tiles,
    seam_ratio,
    size_multiple,
    tile_starts,
    translate,
    translate_samples,
)
from tf_imgtrans.inference.tiling import blend_tiles, window_1d
from tf_imgtrans.networks import get_generator


@pytest.fixture(scope="module")
def generator():
    return get_generator("unet", num_downs=5, ngf=4, norm="instance", dropout=0.0)


@pytest.fixture(scope="module")
def resnet():
    keras.utils.set_random_seed(0)
    return get_generator("resnet", n_blocks=2, ngf=8, norm="instance")


@pytest.fixture(scope="module")
def photo():
    """A real photo (matplotlib's sample image of Grace Hopper), 360×300."""
    path = os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")
    return np.asarray(Image.open(path).convert("RGB").resize((300, 360)))


def test_size_multiple_counts_stride_2_convolutions(generator):
    assert size_multiple(generator) == 32
    assert size_multiple(get_generator("unet_256", ngf=4)) == 256
    assert size_multiple(get_generator("resnet", n_blocks=1, ngf=4)) == 4


def test_pad_to_multiple_reflects_and_reports_the_original_size():
    img = np.arange(5 * 7 * 1, dtype="float32").reshape(5, 7, 1)
    padded, size = pad_to_multiple(img, 4)
    assert padded.shape == (8, 8, 1) and size == (5, 7)
    np.testing.assert_array_equal(padded[:5, :7], img)
    np.testing.assert_array_equal(padded[5, :7], img[3])  # reflection, not repetition
    tiny, _ = pad_to_multiple(np.ones((1, 1, 3), "float32"), 32)
    assert tiny.shape == (32, 32, 3)
    assert pad_to_multiple(np.ones((1, 1, 3), "float32"), 4, minimum=8)[0].shape == (8, 8, 3)


def test_min_size_doubles_for_reflection_padding(generator, resnet):
    assert min_size(generator) == 32 and min_size(resnet) == 8


@pytest.mark.parametrize("shape", [(257, 391, 3), (37, 50, 3), (1, 1, 3)])
def test_odd_sizes_come_back_at_the_input_size(generator, resnet, shape):
    img = np.random.default_rng(0).integers(0, 256, shape).astype("uint8")
    for g in (generator, resnet):
        out = translate(g, img)
        assert out.shape == shape and out.dtype == np.uint8
    assert translate(generator, img, tile=64, overlap=16, progress=False).shape == shape


def test_translate_matches_a_direct_call_and_resizes_to_a_working_resolution(generator):
    img = np.random.default_rng(1).uniform(-1, 1, (64, 64, 3)).astype("float32")
    direct = np.clip(np.rint((generator(img[None]).numpy()[0] + 1) * 127.5), 0, 255)
    np.testing.assert_array_equal(translate(generator, img), direct.astype("uint8"))
    wide = np.zeros((40, 100, 3), "uint8")
    assert translate(generator, wide, size=50).shape == (40, 100, 3)  # longer side at 50


def test_translate_rejects_non_rgb(generator):
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        translate(generator, np.zeros((8, 8), "uint8"))


def test_tile_grid_covers_the_image_and_windows_blend_to_one():
    assert tile_starts(100, 100, 10) == [0]
    starts = tile_starts(300, 128, 64)
    assert starts[0] == 0 and starts[-1] == 300 - 128
    assert all(b - a <= 128 - 64 for a, b in zip(starts, starts[1:]))
    # Two neighbours overlapping by exactly `overlap`: their windows sum to 1 in the band.
    left, right = window_1d(96, 0, 160, 32), window_1d(96, 64, 160, 32)
    total = np.zeros(160)
    total[:96] += left
    total[64:] += right
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
    with pytest.raises(ValueError, match="overlap"):
        tile_starts(300, 64, 64)


def test_plan_tiles_only_over_the_budget():
    assert plan_tiles((512, 512), 4, None, None, 1024 * 1024) == (None, 0)
    assert plan_tiles((2048, 2048), 256, None, None, 1024 * 1024) == (1024, 256)
    assert plan_tiles((100, 100), 32, 70, 10, 10**6) == (96, 10)  # rounded up to the multiple


def test_tiled_output_equals_untiled_output(resnet, photo):
    # Tolerance: with an overlap of at least the network's receptive field (about 60 px for this
    # 2-block ResNet) and whole-image instance-norm statistics, tiles reproduce the untiled
    # output to within 0.5 grey levels on average and 3 levels at the 99th percentile.
    full = translate(resnet, photo).astype(np.float64)
    tiled = translate(resnet, photo, tile=160, overlap=80, progress=False).astype(np.float64)
    diff = np.abs(full - tiled)
    assert diff.mean() < 0.5 and np.percentile(diff, 99) <= 3, (diff.mean(), diff.max())


def test_thumbnail_statistics_keep_tiles_in_tone(resnet, photo):
    # An image over the budget takes its instance-norm statistics from a thumbnail (here half
    # the area): at least twice as close to the whole-image result as each tile's own.
    full = translate(resnet, photo).astype(np.float64)
    thumb = translate(resnet, photo, tile=160, overlap=80, max_pixels=260 * 220, progress=False)
    x = photo.astype(np.float32) / 127.5 - 1
    own = blend_tiles(x, 160, 80, lambda t: resnet(t).numpy())
    own = np.clip(np.rint((own + 1) * 127.5), 0, 255)
    assert np.abs(full - thumb).mean() < 0.5 * np.abs(full - own).mean()


def _naive_tiles(g, img, tile):
    x = img.astype(np.float32) / 127.5 - 1
    out = np.zeros_like(x)
    for y in range(0, x.shape[0], tile):
        for z in range(0, x.shape[1], tile):
            out[y : y + tile, z : z + tile] = g(x[None, y : y + tile, z : z + tile]).numpy()[0]
    return np.clip(np.rint((out + 1) * 127.5), 0, 255)


def test_seam_detector_finds_naive_seams_and_none_in_blended_tiles(resnet, photo):
    naive = _naive_tiles(resnet, photo, 120)  # each tile its own statistics, no overlap
    full = translate(resnet, photo)
    ours = translate(resnet, photo, tile=128, overlap=64, progress=False)
    assert seam_ratio(naive, 120, 0) > 1.2
    assert seam_ratio(ours, 128, 64) < 1.1
    assert abs(seam_ratio(ours, 128, 64) - seam_ratio(full, 128, 64)) < 0.05


def test_samples_differ_with_dropout_and_not_without(photo):
    small = photo[:64, :64]
    with_dropout = get_generator("unet", num_downs=5, ngf=8, norm="instance", dropout=0.5)
    outs, spread = translate_samples(with_dropout, small, 3)
    assert spread > 0 and not np.array_equal(outs[0], outs[1])
    again, _ = translate_samples(with_dropout, small, 3)
    np.testing.assert_array_equal(outs[0], again[0])  # seeded: reproducible
    np.testing.assert_array_equal(translate(with_dropout, small), translate(with_dropout, small))
    without = get_generator("unet", num_downs=5, ngf=8, norm="instance", dropout=0.0)
    outs, spread = translate_samples(without, small, 3)
    assert spread == 0.0 and np.array_equal(outs[0], outs[2])
