"""Unpaired (CycleGAN) data: folders, built-in set, tfds, archives and the spec resolver."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.data import (
    CYCLEGAN_DATASETS,
    DownloadError,
    download_cyclegan,
    has_ground_truth,
    load_domain_dataset,
    load_image,
    load_unpaired_dataset,
    make_synthetic_unpaired,
    resolve_unpaired_spec,
    unpaired_splits,
)


def write_domain(folder, tags, sizes=(16,), names=None, ext=".png"):
    """Flat images whose red channel is 10·tag (so a pixel tells which image it came from)."""
    os.makedirs(folder, exist_ok=True)
    names = names or [f"{i:03d}" for i in range(len(tags))]
    for k, (tag, name) in enumerate(zip(tags, names)):
        size = sizes[k % len(sizes)]
        image = np.zeros((size, size + 4, 3), np.uint8)
        image[..., 0] = 10 * tag
        Image.fromarray(image).save(os.path.join(folder, name + ext))


def red_tags(batch):
    return [int(round((float(x[..., 0].mean()) + 1) * 127.5 / 10)) for x in np.asarray(batch)]


@pytest.fixture
def unpaired_root(tmp_path):
    """trainA: 3 images (tags 1-3), trainB: 5 images (tags 11-15), of mixed sizes."""
    root = tmp_path / "ds"
    write_domain(root / "trainA", [1, 2, 3], sizes=(16, 24))
    write_domain(root / "trainB", [11, 12, 13, 14, 15], sizes=(20,), ext=".jpg")
    return str(root)


def test_epoch_covers_the_larger_domain_once_and_redraws_the_smaller(unpaired_root):
    ds = load_unpaired_dataset(unpaired_root, "train", image_size=8, batch_size=1, seed=0)
    assert int(ds.cardinality()) == 5
    orders = []
    for _ in range(3):
        tags_a, tags_b = [], []
        for a, b in ds:
            assert a.shape == b.shape == (1, 8, 8, 3)
            tags_a += red_tags(a)
            tags_b += red_tags(b)
        assert sorted(tags_b) == [11, 12, 13, 14, 15]  # every B image once per epoch
        assert set(tags_a) == {1, 2, 3} and len(tags_a) == 5  # A drawn in shuffled passes
        assert sorted(tags_a[:3]) == [1, 2, 3]  # a pass shows each A image once
        orders.append(tags_b)
    assert len({tuple(o) for o in orders}) > 1  # reshuffled every epoch


def test_evaluation_read_is_in_file_order(unpaired_root):
    ds = load_unpaired_dataset(unpaired_root, "train", image_size=8, augment=False, shuffle=False)
    tags = [(red_tags(a)[0], red_tags(b)[0]) for a, b in ds]
    assert tags == [(1, 11), (2, 12), (3, 13), (1, 14), (2, 15)]
    batches = list(load_domain_dataset(unpaired_root, "train", "B", image_size=8, batch_size=2))
    assert [b.shape[0] for b in batches] == [2, 2, 1]
    assert red_tags(np.concatenate(batches)) == [11, 12, 13, 14, 15]


def test_ground_truth_detection_and_paired_read(tmp_path):
    root = tmp_path / "ds"
    write_domain(root / "trainA", [1, 2])
    write_domain(root / "trainB", [3, 4])
    write_domain(root / "testA", [1, 2, 3], names=["1_A", "2_A", "3_A"])
    write_domain(root / "testB", [11, 12, 13], names=["1_B", "2_B", "3_B"])
    write_domain(root / "valA", [1, 2])
    write_domain(root / "valB", [1, 2], names=["x", "y"])
    root = str(root)
    assert unpaired_splits(root) == ["test", "train", "val"]
    assert has_ground_truth(root, "test") and not has_ground_truth(root, "val")
    ds = load_unpaired_dataset(root, "test", image_size=8, batch_size=3)
    (a, b), (target_a, target_b) = next(iter(ds))
    assert red_tags(a) == [1, 2, 3] and red_tags(b) == [11, 12, 13]
    np.testing.assert_array_equal(target_a, b)  # B[i] is the truth of A[i] translated
    np.testing.assert_array_equal(target_b, a)
    # Training is unpaired even where names match.
    a, b = next(iter(load_unpaired_dataset(root, "train", image_size=8)))
    with pytest.raises(ValueError, match="augment=False"):
        load_unpaired_dataset(root, "test", image_size=8, paired=True, augment=True)
    write_domain(os.path.join(root, "testB"), [14], names=["4_B"])
    with pytest.raises(ValueError, match="as many A as B"):
        load_unpaired_dataset(root, "test", image_size=8, paired=True)


def test_missing_folders_and_bad_arguments(tmp_path, unpaired_root):
    with pytest.raises(FileNotFoundError, match="testA"):
        load_unpaired_dataset(unpaired_root, "test", image_size=8)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_unpaired_dataset(str(tmp_path / "nope"), image_size=8)
    with pytest.raises(ValueError, match="image_size"):
        load_unpaired_dataset(unpaired_root, image_size=0)
    with pytest.raises(ValueError, match="load_size"):
        load_unpaired_dataset(unpaired_root, image_size=16, load_size=8)
    with pytest.raises(ValueError, match="domain"):
        load_domain_dataset(unpaired_root, "train", "C")


def test_builtin_set_is_unpaired_for_training_and_paired_for_testing(isolated_home):
    root = make_synthetic_unpaired(size=32, n_train=4, n_train_b=3, n_test=2, seed=1)
    assert root.startswith(str(isolated_home))
    counts = {s: len(os.listdir(os.path.join(root, s))) for s in unpaired_splits_folders(root)}
    assert counts == {"trainA": 4, "trainB": 3, "testA": 2, "testB": 2}
    info = json.load(open(os.path.join(root, "info.json")))
    assert info["domains"] == {"A": "day", "B": "night"} and info["paired_splits"] == ["test"]
    assert has_ground_truth(root, "test") and not has_ground_truth(root, "train")
    day = load_image(os.path.join(root, "testA", "0001.png")).astype(float)
    night = load_image(os.path.join(root, "testB", "0001.png")).astype(float)
    assert night.mean() < 0.6 * day.mean()  # the same scene by night
    # The edges (windows, floors, roof line) of a test pair coincide: one scene, two pictures.
    # A training night picture is another scene.
    train_b = load_image(os.path.join(root, "trainB", "0001.png"))
    assert edge_correlation(day, night) > 0.7
    assert edge_correlation(day, train_b) < 0.5
    train_a = load_image(os.path.join(root, "trainA", "0001.png"))
    assert not np.array_equal(train_a, day.astype(np.uint8))
    # Seeded and cached: the same call reuses the folder; another seed gives other images.
    assert make_synthetic_unpaired(size=32, n_train=4, n_train_b=3, n_test=2, seed=1) == root
    other = make_synthetic_unpaired(size=32, n_train=4, n_train_b=3, n_test=2, seed=2)
    assert not np.array_equal(load_image(os.path.join(other, "trainA", "0001.png")), train_a)
    with pytest.raises(ValueError, match="Valid names"):
        make_synthetic_unpaired("horses2zebras")
    with pytest.raises(ValueError, match="n_train_b"):
        make_synthetic_unpaired(size=32, n_train=2, n_train_b=0)


def edge_correlation(x, y):
    def edges(image):
        g = np.asarray(image, float).mean(-1)
        return (np.abs(np.diff(g, axis=0))[:, :-1] + np.abs(np.diff(g, axis=1))[:-1]).ravel()

    return np.corrcoef(edges(x), edges(y))[0, 1]


def unpaired_splits_folders(root):
    return sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n)))


def test_spec_resolver_forms_and_errors(tmp_path, unpaired_root):
    root = resolve_unpaired_spec("builtin:facades2night?n_train=3&n_test=1&seed=2", 32)
    assert os.path.basename(root) == "facades2night-32-3-3-1-s2-v1"
    assert resolve_unpaired_spec(unpaired_root) == unpaired_root
    assert resolve_unpaired_spec("tfds:cycle_gan/horse2zebra") == "tfds:cycle_gan/horse2zebra"
    with pytest.raises(ValueError, match="Valid names"):
        resolve_unpaired_spec("tfds:cycle_gan/cats2dogs")
    with pytest.raises(ValueError, match="Bad option"):
        resolve_unpaired_spec("builtin:facades2night?n_val=3")
    with pytest.raises(ValueError, match="valid prefixes"):
        resolve_unpaired_spec("pix2pix:facades")
    with pytest.raises(ValueError, match="trainA"):
        os.makedirs(tmp_path / "flat" / "photos")
        resolve_unpaired_spec(str(tmp_path / "flat"))
    with pytest.raises(FileNotFoundError, match="Accepted forms"):
        resolve_unpaired_spec(str(tmp_path / "missing"))


def test_tfds_cycle_gan_loader_with_mock_data():
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=3):
        root = resolve_unpaired_spec("tfds:cycle_gan/horse2zebra")
        ds = load_unpaired_dataset(root, "train", image_size=16, batch_size=2, seed=0)
        assert int(ds.cardinality()) == 2
        for a, b in ds:
            assert a.shape[1:] == b.shape[1:] == (16, 16, 3)
            assert -1.0 <= float(np.min(a)) and float(np.max(a)) <= 1.0
        test = list(load_domain_dataset(root, "test", "B", image_size=16, batch_size=2))
        assert sum(int(t.shape[0]) for t in test) == 3
        assert not has_ground_truth(root, "test")


def make_zip(folder, name, members=None, extra=()):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}.zip")
    image = Image.new("RGB", (12, 12), (200, 40, 40))
    import io

    buf = io.BytesIO()
    image.save(buf, format="JPEG")
    with zipfile.ZipFile(path, "w") as zf:
        if members is None:
            members = [f"{name}/{s}/{i}.jpg" for s in ("trainA", "trainB", "testA") for i in (1, 2)]
            members += [f"{name}/testB/1.jpg"]
        for member in members:
            zf.writestr(member, buf.getvalue())
        for member, attr in extra:
            info = zipfile.ZipInfo(member)
            info.external_attr = attr
            zf.writestr(info, b"target")
    return path


def test_cyclegan_archive_download_extract_and_reuse(tmp_path, isolated_home, monkeypatch):
    server = tmp_path / "server"
    make_zip(server, "horse2zebra")
    monkeypatch.setenv("TF_IMGTRANS_CYCLEGAN_URL", server.as_uri())
    root = resolve_unpaired_spec("cyclegan:horse2zebra")
    assert root == str(isolated_home / "datasets" / "cyclegan" / "horse2zebra")
    assert sorted(os.listdir(root)) == ["testA", "testB", "trainA", "trainB"]
    assert os.listdir(os.path.dirname(root)) == ["horse2zebra"]  # no archive or temp left
    os.remove(server / "horse2zebra.zip")  # a second call must not download again
    assert download_cyclegan("horse2zebra") == root
    ds = load_unpaired_dataset(root, "train", image_size=8)
    assert int(ds.cardinality()) == 2
    with pytest.raises(ValueError, match="Valid names") as info:
        download_cyclegan("cats2dogs")
    assert all(name in str(info.value) for name in CYCLEGAN_DATASETS)
    with pytest.raises(DownloadError, match="maps.zip"):
        download_cyclegan("maps", base_url=(tmp_path / "no-server").as_uri())


@pytest.mark.parametrize(
    "member, attr, words",
    [
        ("../evil.txt", 0, "'..'"),
        ("/tmp/tf_imgtrans_evil.txt", 0, "absolute"),
        ("apple2orange/link", 0o120777 << 16, "symbolic link"),
    ],
    ids=["dotdot", "absolute", "symlink"],
)
def test_unsafe_zip_members_are_refused(tmp_path, isolated_home, member, attr, words):
    server = tmp_path / "server"
    make_zip(server, "apple2orange", extra=[(member, attr)])
    with pytest.raises(ValueError, match="Refusing to extract") as info:
        download_cyclegan("apple2orange", base_url=server.as_uri())
    assert words in str(info.value)
    assert not os.path.exists("/tmp/tf_imgtrans_evil.txt")
    assert os.listdir(isolated_home / "datasets" / "cyclegan") == []
