import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.data import ImageDecodeError, load_image_dataset


def write(folder, n, size=(40, 30)):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        Image.fromarray(np.full((size[1], size[0], 3), 20 * i, "uint8")).save(folder / f"{i}.png")


def test_folder_dataset_shapes_order_and_values(tmp_path):
    write(tmp_path / "imgs", 5)
    ds = load_image_dataset(str(tmp_path / "imgs"), image_size=16, batch_size=2)
    batches = [b.numpy() for b in ds]
    assert int(ds.cardinality()) == 3 and [len(b) for b in batches] == [2, 2, 1]
    x = np.concatenate(batches)
    assert x.shape == (5, 16, 16, 3) and x.dtype == np.float32
    np.testing.assert_allclose(x[:, 0, 0, 0], [20 * i / 127.5 - 1 for i in range(5)], atol=1e-6)


def test_folder_dataset_augment_and_shuffle(tmp_path):
    write(tmp_path / "imgs", 6)
    ds = load_image_dataset(
        str(tmp_path / "imgs"), image_size=16, batch_size=6, augment=True, shuffle=True, seed=0
    )
    first, second = (next(iter(ds)).numpy() for _ in range(2))
    assert first.shape == (6, 16, 16, 3)
    assert sorted(first[:, 0, 0, 0].round(3)) == sorted(second[:, 0, 0, 0].round(3))


def test_folder_dataset_bad_files(tmp_path):
    write(tmp_path / "imgs", 2)
    (tmp_path / "imgs" / "bad.jpg").write_bytes(b"")
    with pytest.raises(ImageDecodeError, match="bad.jpg"):
        load_image_dataset(str(tmp_path / "imgs"), image_size=16)
    with pytest.warns(UserWarning, match="Skipped 1"):
        ds = load_image_dataset(str(tmp_path / "imgs"), image_size=16, strict=False)
    assert sum(len(b) for b in ds) == 2
    with pytest.raises(ValueError, match="no images|No image"):
        (tmp_path / "empty").mkdir()
        load_image_dataset(str(tmp_path / "empty"))
