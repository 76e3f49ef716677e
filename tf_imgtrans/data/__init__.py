"""Data loading for tf_imgtrans: decoding, paired datasets, augmentation, built-in sets.

Images become float32 in [-1, 1] with 3 channels; `load_paired_dataset` yields
``(input, target)`` batches ready for a pix2pix trainer.
"""

from tf_imgtrans.data.archives import (
    CYCLEGAN_DATASETS,
    CYCLEGAN_URL,
    PIX2PIX_DATASETS,
    PIX2PIX_URL,
    DownloadError,
    download_cyclegan,
    download_pix2pix,
)
from tf_imgtrans.data.augment import random_jitter, resize_image, resize_pair
from tf_imgtrans.data.cache import cache_home
from tf_imgtrans.data.folder import image_files, load_image_dataset
from tf_imgtrans.data.io import (
    IMAGE_EXTENSIONS,
    ImageDecodeError,
    is_image_file,
    list_images,
    load_image,
    probe_size,
    save_image,
    to_float,
    to_uint8,
    validate_images,
)
from tf_imgtrans.data.paired import (
    DIRECTIONS,
    available_splits,
    detect_layout,
    load_paired_dataset,
    paired_file_list,
)
from tf_imgtrans.data.pipeline import DEFAULT_PIPELINE, PipelineOptions
from tf_imgtrans.data.spec import resolve_paired_spec, resolve_unpaired_spec
from tf_imgtrans.data.synthetic import BUILTIN_PAIRED, make_synthetic_paired
from tf_imgtrans.data.synthetic_unpaired import BUILTIN_UNPAIRED, make_synthetic_unpaired
from tf_imgtrans.data.unpaired import (
    domain_images,
    has_ground_truth,
    load_domain_dataset,
    load_unpaired_dataset,
    unpaired_splits,
)

__all__ = [
    "BUILTIN_PAIRED",
    "DEFAULT_PIPELINE",
    "BUILTIN_UNPAIRED",
    "CYCLEGAN_DATASETS",
    "CYCLEGAN_URL",
    "DIRECTIONS",
    "DownloadError",
    "IMAGE_EXTENSIONS",
    "ImageDecodeError",
    "PIX2PIX_DATASETS",
    "PIX2PIX_URL",
    "PipelineOptions",
    "available_splits",
    "cache_home",
    "detect_layout",
    "domain_images",
    "download_cyclegan",
    "download_pix2pix",
    "has_ground_truth",
    "image_files",
    "is_image_file",
    "list_images",
    "load_domain_dataset",
    "load_image",
    "load_image_dataset",
    "load_paired_dataset",
    "load_unpaired_dataset",
    "make_synthetic_paired",
    "make_synthetic_unpaired",
    "paired_file_list",
    "probe_size",
    "random_jitter",
    "resize_image",
    "resize_pair",
    "resolve_paired_spec",
    "resolve_unpaired_spec",
    "save_image",
    "to_float",
    "to_uint8",
    "unpaired_splits",
    "validate_images",
]
