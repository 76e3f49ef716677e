"""Image files: decode to 8-bit RGB, list, validate, normalise and save.

`load_image` is the single decoder of the package: the `tf.data` pipelines call it through
`tf.numpy_function`, so an image gives the same pixels in Python and in training.
"""

from __future__ import annotations

import io
import os
import re
import threading
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import tensorflow as tf
from PIL import Image, ImageOps, UnidentifiedImageError

from tf_imgtrans.messages import InputWarning
from tf_imgtrans.pixels import float_pixels, uint8_pixels

IMAGE_EXTENSIONS: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
"""File extensions treated as images (matched case-insensitively)."""

_SAVE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP"}
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")
_SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")
_PROGRESS_THRESHOLD = 200


class ImageDecodeError(ValueError):
    """An image file exists but cannot be decoded.

    Args:
        message: str. What went wrong; should name the file.
        path: str. The file that failed to decode.
    """

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


def is_image_file(path: str) -> bool:
    """Whether `path` has one of `IMAGE_EXTENSIONS` (case-insensitive) and is not hidden.

    Hidden names (``.DS_Store``, macOS ``._x.jpg`` resource forks) are never images.
    """
    name = os.path.basename(path)
    return not name.startswith(".") and name.lower().endswith(IMAGE_EXTENSIONS)


def _natural_key(path: str) -> tuple[Any, ...]:
    # "2.jpg" before "10.jpg", as the published pix2pix sets are numbered without padding.
    parts = re.split(r"(\d+)", path)
    return (tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts), path)


def list_images(folder: str, recursive: bool = False) -> list[str]:
    """Lists the image files in a folder, in natural order (``2.jpg`` before ``10.jpg``).

    Args:
        folder: str. Folder to list.
        recursive: bool. Also list sub-folders (hidden ones are skipped).

    Returns:
        Paths (``folder`` joined with the file name) of files whose extension is in
        `IMAGE_EXTENSIONS`; other files are ignored.

    Raises:
        FileNotFoundError: `folder` does not exist.
        NotADirectoryError: `folder` is a file.
        ValueError: `folder` holds no image files.
    """
    folder = os.fspath(folder)
    if not os.path.exists(folder):
        raise FileNotFoundError(f"Image folder does not exist. Received: folder={folder}")
    if not os.path.isdir(folder):
        raise NotADirectoryError(f"Expected a folder of images, got a file. Received: {folder}")
    if recursive:
        paths = []
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            paths.extend(os.path.join(dirpath, f) for f in filenames if is_image_file(f))
    else:
        paths = [
            os.path.join(folder, f)
            for f in os.listdir(folder)
            if is_image_file(f) and os.path.isfile(os.path.join(folder, f))
        ]
    if not paths:
        where = "or its sub-folders " if recursive else ""
        raise ValueError(
            f"No image files found in {folder} {where}(accepted extensions, any case: "
            f"{', '.join(IMAGE_EXTENSIONS)}). Received: folder={folder}"
        )
    return sorted(paths, key=_natural_key)


def _check_file(path: str) -> None:
    """Clear errors for missing, directory and empty paths."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"Image file does not exist. Received: path={path}")
    if os.path.isdir(path):
        raise IsADirectoryError(f"Expected an image file, got a folder. Received: path={path}")
    if os.path.getsize(path) == 0:
        raise ImageDecodeError(f"Image file is empty (0 bytes). Received: path={path}", path)


def _to_rgb_array(img: Image.Image, path: str) -> np.ndarray:
    """Converts any Pillow mode to uint8 (H, W, 3) RGB without clipping or dropping alpha."""
    mode = img.mode
    if mode in _SIXTEEN_BIT_MODES:
        # Pillow's convert("L") clips 16-bit values at 255; scale the full range instead.
        arr = np.asarray(img).astype(np.float64)
        arr = np.rint(np.clip(arr, 0, 65535) / 257.0).astype(np.uint8)
        return np.repeat(arr[..., None], 3, axis=-1)
    if mode == "F":
        raise ImageDecodeError(
            f"Image has 32-bit float pixels (mode 'F') whose range is unknown, so they cannot be "
            f"mapped to 8-bit RGB without guessing; save it as 8- or 16-bit. Received: path={path}",
            path,
        )
    if mode in _ALPHA_MODES or "transparency" in img.info:
        rgba = np.asarray(img.convert("RGBA")).astype(np.float64)
        alpha = rgba[..., 3:4] / 255.0
        # Composite on white: transparent areas of drawings and product shots are background.
        out = rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)
        return np.rint(out).astype(np.uint8)
    if mode != "RGB":
        img = img.convert("RGB")  # L, 1, P, CMYK, YCbCr, LAB, HSV
    return np.asarray(img, dtype=np.uint8)


def load_image(path: str) -> np.ndarray:
    """Decodes an image file to an 8-bit RGB array.

    EXIF orientation is applied; grayscale, palette, CMYK and 16-bit images become RGB
    (16-bit values are divided by 257 and rounded; 16-bit *colour* PNGs are reduced to 8 bits
    by Pillow, which keeps the high byte); alpha is composited on white; an animated GIF gives
    its first frame.

    Args:
        path: str. Image file (any format Pillow reads).

    Returns:
        np.ndarray of dtype uint8 and shape (height, width, 3).

    Raises:
        FileNotFoundError: `path` does not exist.
        ImageDecodeError: the file is empty, truncated, corrupt or not an image, or holds more
            pixels than the decompression-bomb limit (Pillow's 178,956,970 by default, about
            13,000 × 13,000; set `TF_IMGTRANS_MAX_IMAGE_PIXELS` to raise it).

    Example:

    >>> img = load_image("photo.jpg")  # doctest: +SKIP
    >>> img.shape, img.dtype  # doctest: +SKIP
    ((256, 256, 3), dtype('uint8'))
    """
    path = os.fspath(path)
    _check_file(path)
    with open(path, "rb") as f:
        data = f.read()
    try:
        with _open_checked(io.BytesIO(data), path) as img:
            img.seek(0)
            img.load()
            oriented = ImageOps.exif_transpose(img)
            return _to_rgb_array(oriented, path)
    except ImageDecodeError:
        raise
    except UnidentifiedImageError as err:
        raise ImageDecodeError(
            f"File is not an image Pillow can read (not JPEG/PNG/BMP/GIF/...): {err}. "
            f"Received: path={path}",
            path,
        ) from err
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
    ) as err:
        raise ImageDecodeError(
            f"Could not decode image (truncated or corrupt?): {type(err).__name__}: {err}. "
            f"Received: path={path}",
            path,
        ) from err


def max_image_pixels() -> int | None:
    """The most pixels `load_image` decodes: `TF_IMGTRANS_MAX_IMAGE_PIXELS` if set, else the
    size at which Pillow refuses an image as a decompression bomb (2 × `PIL.Image.MAX_IMAGE_PIXELS`,
    178,956,970 by default: about 13,000 × 13,000)."""
    value = os.environ.get("TF_IMGTRANS_MAX_IMAGE_PIXELS", "").strip()
    if not value:
        return None if Image.MAX_IMAGE_PIXELS is None else 2 * Image.MAX_IMAGE_PIXELS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            "TF_IMGTRANS_MAX_IMAGE_PIXELS must be a positive whole number of pixels. "
            f"Received: {value!r}"
        )
    return int(value)


_PILLOW_LIMIT_LOCK = threading.Lock()


def _open_checked(source, path: str) -> Image.Image:
    """`Image.open(source)` (header only) with our size check against `max_image_pixels()` in
    place of Pillow's decompression-bomb warning and error, and a message that says what to do."""
    # Pillow's limit is a module global: tf.data decodes in parallel threads, so reading it
    # (for our default) and switching it off around the open happen under one lock, else one
    # thread could take another's None as the value to restore and the limit would be lost.
    with _PILLOW_LIMIT_LOCK:
        limit = max_image_pixels()
        previous = Image.MAX_IMAGE_PIXELS
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = None
            try:
                img = Image.open(source)
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    if limit is not None and img.width * img.height > limit:
        img.close()
        raise ImageDecodeError(
            f"Image too large to decode safely: {img.width}×{img.height} = "
            f"{img.width * img.height:,} pixels, over the limit of {limit:,} (a guard against "
            "decompression bombs). Shrink it, or raise the limit with "
            f"TF_IMGTRANS_MAX_IMAGE_PIXELS=N. Received: path={path}",
            path,
        )
    return img


def probe_size(path: str) -> tuple[int, int]:
    """Reads an image's (width, height) from its header, after EXIF orientation, without decoding.

    A PNG whose EXIF chunk comes after the pixel data is read as unrotated here (finding it
    would need a full decode); `load_image` still applies it.

    Args:
        path: str. Image file.

    Raises:
        FileNotFoundError: `path` does not exist.
        ImageDecodeError: the file is empty or not an image.
    """
    path = os.fspath(path)
    _check_file(path)
    try:
        with _open_checked(path, path) as img:
            width, height = img.size
            # PNG's getexif() decodes the whole image to look for a late eXIf chunk; only
            # formats that keep EXIF in the header (or a PNG with an early one) are asked.
            has_exif = img.format in ("JPEG", "MPO", "TIFF", "WEBP") or "exif" in img.info
            orientation = img.getexif().get(0x0112, 1) if has_exif else 1
    except ImageDecodeError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as err:
        raise ImageDecodeError(
            f"File is not a readable image (corrupt, truncated or not an image): "
            f"{type(err).__name__}: {err}. Received: path={path}",
            path,
        ) from err
    if orientation in (5, 6, 7, 8):  # rotated by 90 or 270 degrees
        width, height = height, width
    return width, height


def validate_images(paths: Sequence[str], strict: bool = True) -> list[str]:
    """Fully decodes every file with `load_image` and returns the readable ones.

    Args:
        paths: sequence of str. Image files.
        strict: bool. If True, the first unreadable file raises; if False, unreadable files
            are skipped and one warning names how many were skipped and the first few.

    Returns:
        The paths that decode, in the given order.

    Raises:
        ImageDecodeError, FileNotFoundError: with `strict=True`, the first bad file.
    """
    from tqdm.auto import tqdm

    paths = list(paths)
    good: list[str] = []
    bad: list[tuple[str, str]] = []
    show = len(paths) > _PROGRESS_THRESHOLD
    for path in tqdm(paths, desc="Checking images", unit="img", disable=not show):
        try:
            load_image(path)
        except (ImageDecodeError, FileNotFoundError, IsADirectoryError) as err:
            if strict:
                raise
            bad.append((path, str(err)))
        else:
            good.append(path)
    if bad:
        first = "; ".join(p for p, _ in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        warnings.warn(
            f"Skipped {len(bad)} of {len(paths)} image files that could not be decoded: "
            f"{first}{more}. First error: {bad[0][1]}",
            InputWarning,
            stacklevel=2,
        )
    return good


def to_float(image: Any) -> Any:
    """Maps uint8 pixels [0, 255] to float32 [-1, 1] (``x / 127.5 - 1``).

    Args:
        image: uint8 `np.ndarray` or `tf.Tensor` (any shape).

    Returns:
        float32 of the same kind as the input: `np.ndarray` for NumPy input, `tf.Tensor`
        otherwise.
    """
    if isinstance(image, np.ndarray):
        return float_pixels(image)
    image = tf.convert_to_tensor(image)
    return tf.cast(image, tf.float32) / 127.5 - 1.0


def to_uint8(image: Any) -> Any:
    """Maps float [-1, 1] back to uint8 [0, 255]: rounded, values outside the range clipped.

    Args:
        image: float `np.ndarray` or `tf.Tensor` (any shape).

    Returns:
        uint8 of the same kind as the input.
    """
    if isinstance(image, np.ndarray):
        return uint8_pixels(image)
    image = tf.cast(tf.convert_to_tensor(image), tf.float32)
    scaled = tf.round((image + 1.0) * 127.5)
    return tf.cast(tf.clip_by_value(scaled, 0.0, 255.0), tf.uint8)


def save_image(path: str, image: Any, quality: int = 95) -> None:
    """Writes an image as PNG, JPEG or BMP (chosen by extension), creating parent folders.

    Args:
        path: str. Output file; extension ``.png``, ``.jpg``, ``.jpeg`` or ``.bmp``.
        image: `np.ndarray` or `tf.Tensor` of shape (H, W, 3), (H, W, 1) or (H, W); uint8
            [0, 255] or float [-1, 1] (converted with `to_uint8`).
        quality: int. JPEG quality.

    Raises:
        ValueError: unknown extension, or a shape/dtype that is not an image.
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext not in _SAVE_FORMATS:
        raise ValueError(
            f"Cannot tell the image format from the extension {ext!r}; use one of "
            f"{sorted(_SAVE_FORMATS)}. Received: path={path}"
        )
    arr = image.numpy() if isinstance(image, tf.Tensor) else np.asarray(image)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] != 3):
        raise ValueError(
            f"Expected an image of shape (H, W, 3), (H, W, 1) or (H, W). "
            f"Received: shape={arr.shape} for path={path}"
        )
    if np.issubdtype(arr.dtype, np.floating):
        arr = to_uint8(arr)
    elif arr.dtype != np.uint8:
        raise ValueError(
            f"Expected uint8 [0, 255] or float [-1, 1] pixels. Received: dtype={arr.dtype} "
            f"for path={path}"
        )
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    kwargs = {"quality": quality} if _SAVE_FORMATS[ext] == "JPEG" else {}
    Image.fromarray(arr).save(path, format=_SAVE_FORMATS[ext], **kwargs)
