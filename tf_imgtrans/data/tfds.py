"""Unpaired datasets from TensorFlow Datasets: ``tfds:cycle_gan/horse2zebra`` and the like.

The `cycle_gan` builder of tensorflow-datasets has the splits ``trainA``, ``trainB``, ``testA``
and ``testB`` with an ``image`` feature; any builder with splits named ``<split>A`` and
``<split>B`` and an ``image`` feature works the same way. Data is prepared by `tfds.load` into
its data folder (``$TFDS_DATA_DIR`` or ``~/tensorflow_datasets``) on first use.
"""

from __future__ import annotations

import tensorflow as tf

from tf_imgtrans.data.archives import CYCLEGAN_NAMES

TFDS_CYCLEGAN_CONFIGS: tuple[str, ...] = tuple(n for n in CYCLEGAN_NAMES if n != "cityscapes")
"""Configs of tensorflow-datasets' `cycle_gan` builder (it dropped cityscapes for licensing)."""


def _tfds():
    try:
        import tensorflow_datasets as tfds
    except ImportError as err:
        raise ImportError(
            "`tfds:` datasets need tensorflow-datasets: pip install 'tf_imgtrans[tfds]' "
            f"(tensorflow-datasets and importlib_resources). Import failed with: {err}"
        ) from err
    return tfds


def check_tfds_name(name: str) -> str:
    """Validates a tfds dataset name such as ``cycle_gan/horse2zebra`` and returns it."""
    builder, _, config = name.partition("/")
    if not builder:
        raise ValueError(
            f"Expected a tfds dataset name such as 'cycle_gan/horse2zebra'. Received: {name!r}"
        )
    if builder == "cycle_gan" and config not in TFDS_CYCLEGAN_CONFIGS:
        raise ValueError(
            f"Unknown cycle_gan config {config!r}. Valid names: "
            f"{['cycle_gan/' + c for c in TFDS_CYCLEGAN_CONFIGS]}. Received: {name!r}"
        )
    return name


def tfds_domain_images(
    name: str,
    split: str,
    domain: str,
    data_dir: str | None = None,
    download: bool = True,
) -> tuple[tf.data.Dataset, int]:
    """The images of one domain of a tfds unpaired dataset, in the dataset's order.

    Args:
        name: str. tfds name, e.g. ``"cycle_gan/horse2zebra"``.
        split: str. ``"train"`` or ``"test"``; the tfds split read is ``split + domain``.
        domain: str. ``"A"`` or ``"B"``.
        data_dir: str or None. tfds data folder (default: tfds's own).
        download: bool. Let tfds download and prepare the data if it is missing.

    Returns:
        (dataset of uint8 (H, W, 3) images, number of images).
    """
    tfds = _tfds()
    check_tfds_name(name)
    tfds_split = f"{split}{domain}"
    try:
        ds = tfds.load(
            name, split=tfds_split, data_dir=data_dir, download=download, shuffle_files=False
        )
    except (ValueError, KeyError, AssertionError) as err:
        raise ValueError(
            f"tfds could not load split {tfds_split!r} of {name!r}: {err}. Unpaired tfds "
            "datasets need splits named '<split>A' and '<split>B' (cycle_gan: trainA, trainB, "
            "testA, testB)."
        ) from err
    count = int(ds.cardinality())
    if count < 0:  # unknown cardinality: count once
        count = int(ds.reduce(0, lambda c, _: c + 1))
    if count == 0:
        raise ValueError(f"Split {tfds_split!r} of tfds dataset {name!r} is empty.")

    def image(example):
        x = example["image"]
        if x.shape[-1] == 1:
            x = tf.image.grayscale_to_rgb(x)
        elif x.shape[-1] == 4:  # composited on white, as load_image does
            rgba = tf.cast(x, tf.float32)
            alpha = rgba[..., 3:] / 255.0
            x = tf.round(rgba[..., :3] * alpha + 255.0 * (1.0 - alpha))
        x.set_shape([None, None, 3])
        return tf.cast(x, tf.uint8)

    return ds.map(image, num_parallel_calls=tf.data.AUTOTUNE), count
