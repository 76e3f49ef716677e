"""Dataset strings: builtin:, pix2pix: and folder paths (tf_imgtrans.data.spec)."""

from __future__ import annotations

import os

import pytest

from tf_imgtrans.data import detect_layout, load_image, resolve_paired_spec


def test_builtin_at_requested_size(isolated_home):
    root = resolve_paired_spec("builtin:facades?n_train=3&n_val=1&n_test=1", image_size=32)
    assert root == str(isolated_home / "builtin" / "facades-32-3-1-1-s0-v2")
    assert load_image(os.path.join(root, "train", "0001.png")).shape == (32, 64, 3)
    sized = resolve_paired_spec("builtin:facades?n_train=2&n_val=1&n_test=0&size=48&seed=5", 32)
    assert os.path.basename(sized) == "facades-48-2-1-0-s5-v2"


def test_builtin_errors():
    with pytest.raises(ValueError, match=r"Valid names: \['facades'\]"):
        resolve_paired_spec("builtin:castles")
    with pytest.raises(ValueError, match="Bad option 'colour=red'"):
        resolve_paired_spec("builtin:facades?colour=red")
    with pytest.raises(ValueError, match="Bad option 'n_train=many'"):
        resolve_paired_spec("builtin:facades?n_train=many")


def test_pix2pix_from_local_mirror(tmp_path, monkeypatch, isolated_home, make_archive):
    make_archive(tmp_path / "mirror", name="night2day")
    monkeypatch.setenv("TF_IMGTRANS_PIX2PIX_URL", (tmp_path / "mirror").as_uri())
    root = resolve_paired_spec("pix2pix:night2day")
    assert root == str(isolated_home / "datasets" / "night2day")
    assert detect_layout(root, "val") == "aligned"
    with pytest.raises(ValueError, match="Valid names"):
        resolve_paired_spec("pix2pix:night2noon")


def test_folder_path(tmp_path):
    (tmp_path / "mydata").mkdir()
    assert resolve_paired_spec(str(tmp_path / "mydata")) == str(tmp_path / "mydata")


def test_bad_forms(tmp_path):
    missing = str(tmp_path / "missing")
    with pytest.raises(FileNotFoundError) as info:
        resolve_paired_spec(missing)
    assert missing in str(info.value) and "builtin:NAME" in str(info.value)
    assert "pix2pix:NAME" in str(info.value)
    with pytest.raises(ValueError, match="Unknown dataset prefix 'tfds'"):
        resolve_paired_spec("tfds:facades")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(NotADirectoryError, match="file.txt"):
        resolve_paired_spec(str(tmp_path / "file.txt"))
    with pytest.raises(ValueError, match="non-empty"):
        resolve_paired_spec("")
