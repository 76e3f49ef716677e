"""The published pix2pix and CycleGAN datasets: download, safe extraction and reuse.

Each pix2pix archive ``{name}.tar.gz`` holds ``{name}/train/1.jpg, ...`` (and ``val/``, often
``test/``) in the aligned layout: A and B side by side in one image. Each CycleGAN archive
``{name}.zip`` holds ``{name}/trainA/``, ``trainB/``, ``testA/`` and ``testB/`` folders of
unpaired images.

Reference:
    Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017;
    archives from https://github.com/phillipi/pix2pix (``datasets/download_dataset.sh``).
    Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
    Networks", ICCV 2017; archives from https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix
    (``datasets/download_cyclegan_dataset.sh``).
"""

from __future__ import annotations

import os
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile

from tf_imgtrans.data.cache import cache_home
from tf_imgtrans.files import temporary_dir

PIX2PIX_DATASETS: frozenset[str] = frozenset(
    {"facades", "cityscapes", "maps", "edges2shoes", "edges2handbags", "night2day"}
)
PIX2PIX_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets"
URL_ENV = "TF_IMGTRANS_PIX2PIX_URL"
_CHUNK = 1 << 20


class DownloadError(OSError):
    """A dataset archive could not be fetched. Carries `.url`.

    Args:
        message: str. What failed and what to do instead.
        url: str. The URL that failed.
    """

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


def _download(url: str, dest: str, desc: str) -> None:
    from tqdm.auto import tqdm

    with urllib.request.urlopen(url, timeout=60) as response, open(dest, "wb") as f:
        total = response.headers.get("Content-Length")
        with tqdm(
            total=int(total) if total else None,
            unit="B",
            unit_scale=True,
            desc=desc,
            disable=None,  # no bar when stderr is not a terminal
        ) as bar:
            while chunk := response.read(_CHUNK):
                f.write(chunk)
                bar.update(len(chunk))


def _path_problem(name: str) -> str | None:
    """What makes an archive member's name unsafe to extract, or None."""
    if name.startswith(("/", "\\")) or os.path.isabs(name) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in name.replace("\\", "/").split("/"):
        return "a '..' component"
    return None


def _refuse_member(archive: str, name: str, bad: str | None) -> None:
    if bad:
        raise ValueError(
            f"Refusing to extract {archive}: member {name!r} has {bad}, which could write "
            f"outside the extraction folder. Received: archive={archive}"
        )


def _tar_type_problem(member: tarfile.TarInfo) -> str | None:
    if member.issym() or member.islnk():
        target = member.linkname.replace("\\", "/")
        base = os.path.dirname(member.name) if member.issym() else ""
        resolved = os.path.normpath(os.path.join(base, target))
        if os.path.isabs(target) or resolved == ".." or resolved.startswith("../"):
            return f"a link pointing outside the archive ({member.linkname!r})"
        return None
    if not (member.isfile() or member.isdir()):
        return "a device, FIFO or other special file"
    return None


def _check_members(tar: tarfile.TarFile, archive: str) -> None:
    """Rejects absolute paths, ``..`` components, links leaving the archive and devices."""
    for member in tar.getmembers():
        bad = _path_problem(member.name) or _tar_type_problem(member)
        _refuse_member(archive, member.name, bad)


def _extract(archive: str, dest: str) -> None:
    with tarfile.open(archive, "r:*") as tar:
        _check_members(tar, archive)
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python < 3.10.12 / 3.11.4: members were checked above
            tar.extractall(dest)  # noqa: S202


def _dataset_root(folder: str) -> str:
    """The folder holding the splits: the single top-level folder of the archive, if any."""
    entries = [e for e in os.listdir(folder) if not e.startswith(".")]
    if len(entries) == 1 and os.path.isdir(os.path.join(folder, entries[0])):
        return os.path.join(folder, entries[0])
    return folder


def _has_splits(folder: str) -> bool:
    return os.path.isdir(folder) and any(
        os.path.isdir(os.path.join(folder, s)) for s in ("train", "val", "test")
    )


def _fetch_dataset(
    url, root, cache_dir, label, env, extract, archive_errors, kind, has_splits, holding, missing
) -> str:
    """Downloads the archive at `url` into a temporary folder of `cache_dir`, extracts it safely
    and renames the dataset folder it holds to `root`: a killed download leaves no partial
    dataset behind. Shared by the pix2pix (.tar.gz) and CycleGAN (.zip) archives."""
    file_name = url.rsplit("/", 1)[-1]
    name = file_name[: -len(kind)]
    os.makedirs(cache_dir, exist_ok=True)
    tmp = temporary_dir(cache_dir, prefix=f".{name}-", suffix=".tmp")
    try:
        archive = os.path.join(tmp, file_name)
        try:
            _download(url, archive, desc=file_name)
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise DownloadError(
                f"Could not download the {label} from {url}: {err}. Check the "
                f"network, or point {env} (or base_url=) at a mirror, or fetch "
                f"{file_name} yourself, extract it and pass the extracted folder (the one "
                f"holding {holding}) as the dataset path instead.",
                url,
            ) from err
        extracted = os.path.join(tmp, "extracted")
        try:
            extract(archive, extracted)
        except archive_errors as err:
            raise ValueError(
                f"{url} is not a readable {kind} archive: {type(err).__name__}: {err}. "
                f"Received: url={url}"
            ) from err
        found = _dataset_root(extracted)
        if not has_splits(found):
            raise ValueError(
                f"The archive from {url} holds {missing}; top-level "
                f"entries: {sorted(os.listdir(extracted))[:10]}. Received: url={url}"
            )
        try:
            os.replace(found, root)
        except OSError:
            if not has_splits(root):
                raise  # otherwise another process extracted the same dataset first
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return root


def download_pix2pix(name: str, cache_dir: str | None = None, base_url: str | None = None) -> str:
    """Downloads and extracts a published pix2pix dataset once; returns its root folder.

    Args:
        name: str. One of `PIX2PIX_DATASETS`.
        cache_dir: str or None. Folder the dataset folder is put in; defaults to
            ``<cache>/datasets`` (``$TF_IMGTRANS_HOME`` or ``~/.cache/tf_imgtrans``).
        base_url: str or None. Where ``{name}.tar.gz`` lives; defaults to
            ``$TF_IMGTRANS_PIX2PIX_URL`` or the Berkeley server. ``file://`` URLs work.

    Returns:
        ``<cache_dir>/<name>``, holding ``train/``, ``val/`` (and ``test/`` where published).

    Raises:
        ValueError: unknown name (the valid names are listed), or an unsafe archive member.
        DownloadError: the URL could not be fetched.
    """
    if name not in PIX2PIX_DATASETS:
        raise ValueError(
            f"Unknown pix2pix dataset {name!r}. Valid names: {sorted(PIX2PIX_DATASETS)}."
        )
    cache_dir = os.path.abspath(
        os.path.expanduser(cache_dir or os.path.join(cache_home(), "datasets"))
    )
    root = os.path.join(cache_dir, name)
    if _has_splits(root):
        return root
    if os.path.exists(root):
        raise ValueError(
            f"{root} exists but holds no train/, val/ or test/ folder; delete it to download "
            f"{name!r} again. Received: name={name!r}, cache_dir={cache_dir}"
        )
    base_url = base_url or os.environ.get(URL_ENV) or PIX2PIX_URL
    return _fetch_dataset(
        f"{base_url.rstrip('/')}/{name}.tar.gz", root, cache_dir, label=f"pix2pix dataset {name!r}",
        env=URL_ENV, extract=_extract, archive_errors=(tarfile.TarError, EOFError, OSError),
        kind=".tar.gz", has_splits=_has_splits, holding="train/ and val/",
        missing="no train/, val/ or test/ folder",
    )  # fmt: skip


CYCLEGAN_NAMES: tuple[str, ...] = (
    "apple2orange",
    "summer2winter_yosemite",
    "horse2zebra",
    "monet2photo",
    "cezanne2photo",
    "ukiyoe2photo",
    "vangogh2photo",
    "maps",
    "cityscapes",
    "facades",
    "iphone2dslr_flower",
)
"""The published CycleGAN datasets, in the order of the reference download script."""
CYCLEGAN_DATASETS: frozenset[str] = frozenset(CYCLEGAN_NAMES)
CYCLEGAN_URL = "http://efrosgans.eecs.berkeley.edu/cyclegan/datasets"
CYCLEGAN_URL_ENV = "TF_IMGTRANS_CYCLEGAN_URL"
UNPAIRED_SPLIT_FOLDERS = ("trainA", "trainB", "testA", "testB")


def _check_zip_members(zf: zipfile.ZipFile, archive: str) -> None:
    """Rejects absolute paths, ``..`` components and symbolic links in a zip archive."""
    for info in zf.infolist():
        is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
        bad = _path_problem(info.filename) or ("a symbolic link" if is_link else None)
        _refuse_member(archive, info.filename, bad)


def _extract_zip(archive: str, dest: str) -> None:
    with zipfile.ZipFile(archive) as zf:
        _check_zip_members(zf, archive)
        zf.extractall(dest)


def _has_unpaired_splits(folder: str) -> bool:
    return os.path.isdir(folder) and any(
        os.path.isdir(os.path.join(folder, s)) for s in UNPAIRED_SPLIT_FOLDERS
    )


def download_cyclegan(name: str, cache_dir: str | None = None, base_url: str | None = None) -> str:
    """Downloads and extracts a published CycleGAN dataset once; returns its root folder.

    Args:
        name: str. One of `CYCLEGAN_DATASETS`.
        cache_dir: str or None. Folder the dataset folder is put in; defaults to
            ``<cache>/datasets/cyclegan`` (``$TF_IMGTRANS_HOME`` or ``~/.cache/tf_imgtrans``).
        base_url: str or None. Where ``{name}.zip`` lives; defaults to
            ``$TF_IMGTRANS_CYCLEGAN_URL`` or the Berkeley server. ``file://`` URLs work.

    Returns:
        ``<cache_dir>/<name>``, holding ``trainA/``, ``trainB/``, ``testA/`` and ``testB/``.

    Raises:
        ValueError: unknown name (the valid names are listed), an unreadable archive or an
            unsafe archive member.
        DownloadError: the URL could not be fetched.
    """
    if name not in CYCLEGAN_DATASETS:
        raise ValueError(
            f"Unknown CycleGAN dataset {name!r}. Valid names: {sorted(CYCLEGAN_DATASETS)}."
        )
    cache_dir = os.path.abspath(
        os.path.expanduser(cache_dir or os.path.join(cache_home(), "datasets", "cyclegan"))
    )
    root = os.path.join(cache_dir, name)
    if _has_unpaired_splits(root):
        return root
    if os.path.exists(root):
        raise ValueError(
            f"{root} exists but holds none of {list(UNPAIRED_SPLIT_FOLDERS)}; delete it to "
            f"download {name!r} again. Received: name={name!r}, cache_dir={cache_dir}"
        )
    base_url = base_url or os.environ.get(CYCLEGAN_URL_ENV) or CYCLEGAN_URL
    return _fetch_dataset(
        f"{base_url.rstrip('/')}/{name}.zip", root, cache_dir, label=f"CycleGAN dataset {name!r}",
        env=CYCLEGAN_URL_ENV, extract=_extract_zip,
        archive_errors=(zipfile.BadZipFile, EOFError, OSError), kind=".zip",
        has_splits=_has_unpaired_splits, holding="trainA/ and trainB/",
        missing=f"none of {list(UNPAIRED_SPLIT_FOLDERS)}",
    )  # fmt: skip
