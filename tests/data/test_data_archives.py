"""Published pix2pix archives: download, safe extraction, reuse (tf_imgtrans.data.archives).

The archives are built here with the real layout and served from a ``file://`` URL.
"""

from __future__ import annotations

import os
import tarfile

import pytest

from tf_imgtrans.data import (
    PIX2PIX_DATASETS,
    DownloadError,
    detect_layout,
    download_pix2pix,
    load_image,
)


@pytest.fixture
def server(tmp_path, make_archive):
    folder = tmp_path / "server"
    make_archive(folder)
    return folder


def test_download_extract_and_reuse(server, isolated_home):
    root = download_pix2pix("facades", base_url=server.as_uri())
    assert root == str(isolated_home / "datasets" / "facades")
    assert sorted(os.listdir(root)) == ["test", "train", "val"]
    assert detect_layout(root, "train") == "aligned"
    assert load_image(os.path.join(root, "val", "2.jpg")).shape == (8, 16, 3)
    leftovers = [n for n in os.listdir(os.path.dirname(root)) if n != "facades"]
    assert leftovers == []  # no archive or temp folder kept
    os.remove(server / "facades.tar.gz")  # a second call must not download again
    assert download_pix2pix("facades", base_url=server.as_uri()) == root


def test_url_from_environment_and_cache_dir(server, tmp_path, monkeypatch):
    monkeypatch.setenv("TF_IMGTRANS_PIX2PIX_URL", server.as_uri() + "/")
    root = download_pix2pix("facades", cache_dir=str(tmp_path / "elsewhere"))
    assert root == str(tmp_path / "elsewhere" / "facades")
    assert os.path.isdir(os.path.join(root, "train"))


def test_unknown_name():
    with pytest.raises(ValueError, match="Valid names") as info:
        download_pix2pix("edges2cats")
    for name in PIX2PIX_DATASETS:
        assert name in str(info.value)


def test_failed_download_is_explained(tmp_path, isolated_home):
    url = (tmp_path / "no-server").as_uri()
    with pytest.raises(DownloadError) as info:
        download_pix2pix("maps", base_url=url)
    message = str(info.value)
    assert f"{url}/maps.tar.gz" in message and info.value.url == f"{url}/maps.tar.gz"
    assert "extracted folder" in message and "TF_IMGTRANS_PIX2PIX_URL" in message
    assert os.listdir(isolated_home / "datasets") == []


@pytest.mark.parametrize(
    "member, fields, words",
    [
        ("../evil.txt", {}, "'..'"),
        ("facades/../../evil.txt", {}, "'..'"),
        ("/tmp/tf_imgtrans_evil.txt", {}, "absolute"),
        ("facades/link", {"type": tarfile.SYMTYPE, "linkname": "../../evil.txt"}, "link"),
        ("facades/dev", {"type": tarfile.CHRTYPE}, "device"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "symlink-out", "device"],
)
def test_malicious_members_rejected(tmp_path, isolated_home, make_archive, member, fields, words):
    server = tmp_path / "server"
    make_archive(server, extra=[(member, fields)])
    with pytest.raises(ValueError, match="Refusing to extract") as info:
        download_pix2pix("facades", base_url=server.as_uri())
    assert words in str(info.value) and repr(member) in str(info.value)
    assert not os.path.exists(isolated_home / "datasets" / "facades")
    assert not os.path.exists(isolated_home / "datasets" / "evil.txt")
    assert not os.path.exists(isolated_home / "evil.txt")
    assert not os.path.exists("/tmp/tf_imgtrans_evil.txt")


def test_archive_without_splits_or_not_a_tar(tmp_path, make_archive):
    server = tmp_path / "server"
    make_archive(server, name="maps", members=["maps/photos/1.jpg"])
    with pytest.raises(ValueError, match="no train/, val/ or test/"):
        download_pix2pix("maps", base_url=server.as_uri())
    (server / "cityscapes.tar.gz").write_bytes(b"not a tarball")
    with pytest.raises(ValueError, match="not a readable .tar.gz"):
        download_pix2pix("cityscapes", base_url=server.as_uri())
