"""Distribution distances between sets of images: FID and KID, with a pluggable feature network.

Both compare the statistics of deep features of two image sets, so they score unpaired
translation (is G(A) distributed like B?) where no ground truth exists. The feature network is
InceptionV3's 2048-d average pool with the `keras.applications` ImageNet weights by default, or
any Keras model mapping (N, H, W, 3) images in [-1, 1] to (N, D) features (or to feature maps,
which are averaged over space).

The Keras ImageNet InceptionV3 is not the TF-slim graph of the original FID code, so values
compare runs of this package with each other, not with published FIDs.

References:
    Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
    Equilibrium", NeurIPS 2017 (FID). Bińkowski et al., "Demystifying MMD GANs", ICLR 2018 (KID).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.saving import load_keras_file

INCEPTION_SIZE = 299
INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"


class FeatureModelUnavailable(OSError):
    """The default feature network's weights could not be obtained (e.g. no network)."""


def inception_feature_model(weights: str = "imagenet") -> keras.Model:
    """InceptionV3's 2048-d global average pool as a feature model for FID/KID.

    Takes (N, H, W, 3) images in [-1, 1] of any size (resized to 299×299 inside, bilinear);
    InceptionV3's own preprocessing maps pixels to [-1, 1] too, so images go in unchanged.

    Args:
        weights: str. "imagenet" (downloaded by Keras into ``~/.keras/models`` on first use)
            or the path of a weights file of `keras.applications.InceptionV3(include_top=False)`.

    Raises:
        FeatureModelUnavailable: the weights cannot be downloaded or read.
    """
    try:
        base = keras.applications.InceptionV3(
            include_top=False,
            weights=weights,
            pooling="avg",
            input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3),
        )
    except Exception as err:  # Keras raises a bare Exception for a failed download
        where = os.path.join(os.path.expanduser("~"), ".keras", "models", INCEPTION_WEIGHTS_FILE)
        raise FeatureModelUnavailable(
            f"The InceptionV3 ImageNet weights for FID/KID are not available ({err}). Put "
            f"{INCEPTION_WEIGHTS_FILE} (from the Keras applications release) at {where}, or "
            "pass a weights file (weights=PATH), or use another feature network: "
            "feature_model=<keras.Model> in Python, --feature-model PATH.keras on the command "
            "line."
        ) from err
    inputs = keras.Input((None, None, 3), name="image")
    x = keras.layers.Resizing(INCEPTION_SIZE, INCEPTION_SIZE, interpolation="bilinear")(inputs)
    return keras.Model(inputs, base(x), name="inception_v3_pool")


VGG16_FEATURE_SCALE = 0.1
"""VGG16's pooled block5_conv3 activations have a mean square of about 44 per dimension on
photos (InceptionV3's pool features about 0.4); scaled by 0.1, x·y/D of KID's kernel
(x·y/D + 1)³ is of order 1 as with InceptionV3, instead of a cube of ~45 that lets a few images
dominate the estimate."""


def vgg16_feature_model(weights: str = "imagenet") -> keras.Model:
    """VGG16's block5_conv3 features, globally average-pooled (512-d) and scaled by
    `VGG16_FEATURE_SCALE`, as a feature model for
    FID/KID where the InceptionV3 weights are not available (offline). Figures in this feature
    space are not comparable with Inception FID/KID: report them as VGG16 FID/KID.

    Takes (N, H, W, 3) images in [-1, 1] of any size (VGG's caffe preprocessing is inside).

    Args:
        weights: as `tf_imgtrans.networks.vgg_features` ("imagenet" reads $TF_IMGTRANS_VGG_WEIGHTS
            when set, else `keras.applications`).

    Raises:
        FeatureModelUnavailable: the weights cannot be had.
    """
    from tf_imgtrans.networks.vgg import VGGWeightsError, vgg_features

    try:
        vgg = vgg_features(["block5_conv3"], arch="vgg16", weights=weights)
    except (VGGWeightsError, OSError, ValueError) as err:
        raise FeatureModelUnavailable(
            f"The VGG16 ImageNet weights are not available ({err})."
        ) from err
    inputs = keras.Input((None, None, 3), name="image")
    pooled = keras.layers.GlobalAveragePooling2D()(vgg(inputs)["block5_conv3"])
    scaled = keras.layers.Rescaling(VGG16_FEATURE_SCALE)(pooled)
    return keras.Model(inputs, scaled, name="vgg16_block5_conv3_avg")


FEATURE_SPACES = ("auto", "inception", "vgg16")


def default_feature_model(space: str = "auto") -> tuple[keras.Model, str]:
    """The feature network for FID/KID and its name for reports.

    "inception": InceptionV3 (the field's convention). "vgg16": VGG16 (`vgg16_feature_model`).
    "auto": InceptionV3 where its ImageNet weights can be had, else VGG16 with ImageNet weights
    (e.g. offline with $TF_IMGTRANS_VGG_WEIGHTS), named as such.

    Raises:
        FeatureModelUnavailable: no weights for the requested feature network(s); the message
            names every way to provide them.
    """
    if space not in FEATURE_SPACES:
        raise ValueError(f"`space` must be one of {FEATURE_SPACES}. Received: space={space!r}")
    if space == "vgg16":
        return vgg16_feature_model(), "vgg16/imagenet"
    try:
        return inception_feature_model(), "inception_v3/imagenet"
    except FeatureModelUnavailable as inception_error:
        if space == "inception":
            raise
        try:
            model = vgg16_feature_model()
        except FeatureModelUnavailable as vgg_error:
            raise FeatureModelUnavailable(
                f"{inception_error} The VGG16 fallback failed too: {vgg_error} Set "
                "TF_IMGTRANS_VGG_WEIGHTS to an ImageNet VGG16 .npz/.h5 file to score in VGG16 "
                "feature space."
            ) from vgg_error
        return model, "vgg16/imagenet (InceptionV3 weights unavailable)"


def load_feature_model(path: str) -> keras.Model:
    """Loads a feature network saved as ``.keras`` (safe mode) and checks that it takes
    (N, H, W, 3) images."""
    model = load_keras_file(path, "feature model")
    shape = tuple(model.inputs[0].shape)
    if len(model.inputs) != 1 or len(shape) != 4 or shape[-1] != 3:
        raise ValueError(
            f"{path} is not an image feature model: its input is {shape}, expected "
            "(batch, H, W, 3)."
        )
    return model


def _batches(images, batch_size: int) -> Iterable:
    if isinstance(images, (np.ndarray, tf.Tensor)):
        n = int(images.shape[0])
        for start in range(0, n, batch_size):
            yield images[start : start + batch_size]
    else:  # a tf.data.Dataset or any iterable of batches
        yield from images


_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _feature_function(feature_model: keras.Model):
    """A batch -> (n, D) float64 features function for `feature_model`, compiled once per
    model."""
    run = _COMPILED.get(feature_model)
    if run is None:
        model_ref = weakref.ref(feature_model)  # the cache must not keep the model alive

        @tf.function(reduce_retracing=True)
        def run(x):
            out = model_ref()(x, training=False)
            if out.shape.rank == 4:
                out = tf.reduce_mean(out, axis=[1, 2])
            return out

        _COMPILED[feature_model] = run

    def features(batch) -> np.ndarray:
        out = run(tf.convert_to_tensor(batch, tf.float32))
        if out.shape.rank != 2:
            raise ValueError(
                f"The feature model must return (n, D) features or (n, h, w, D) maps. "
                f"Received: output shape {tuple(out.shape)}"
            )
        return np.asarray(out, dtype=np.float64)

    return features


def extract_features(images, feature_model: keras.Model, batch_size: int = 32) -> np.ndarray:
    """Features of every image: (N, D) float64.

    Args:
        images: (N, H, W, 3) array or tensor in [-1, 1], or an iterable of such batches (e.g. a
            `tf.data.Dataset`).
        feature_model: keras.Model. Maps images to (n, D) features, or to (n, h, w, D) maps,
            which are averaged over space.
        batch_size: int. Batch size for arrays.
    """
    features = _feature_function(feature_model)
    chunks = [features(batch) for batch in _batches(images, batch_size)]
    if not chunks:
        raise ValueError("No images to compute features of.")
    return np.concatenate(chunks)


def _check_features(features_x, features_y, minimum: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(features_x, np.float64), np.asarray(features_y, np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(
            f"Expected two (N, D) feature arrays of the same D. Received: {x.shape}, {y.shape}"
        )
    if min(len(x), len(y)) < minimum:
        raise ValueError(
            f"Each set needs at least {minimum} images. Received: {len(x)} and {len(y)}"
        )
    return x, y


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(features_x, features_y) -> float:
    """The Fréchet distance between Gaussians fitted to two feature sets:
    |μx - μy|² + Tr(Σx + Σy - 2 (Σx Σy)^½).

    Tr((Σx Σy)^½) is computed as Tr((Σx^½ Σy Σx^½)^½), whose matrix is symmetric positive
    semi-definite, so no complex round-off appears (the usual `scipy.linalg.sqrtm` route needs
    an ε on the diagonal for singular covariances).

    Args:
        features_x: (N, D) array. N >= 2.
        features_y: (M, D) array. M >= 2.
    """
    x, y = _check_features(features_x, features_y, 2)
    mu_x, mu_y = x.mean(0), y.mean(0)
    cov_x, cov_y = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    cov_x, cov_y = np.atleast_2d(cov_x), np.atleast_2d(cov_y)
    root_x = _sqrt_psd(cov_x)
    middle = root_x @ cov_y @ root_x
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    value = np.sum((mu_x - mu_y) ** 2) + np.trace(cov_x) + np.trace(cov_y) - 2 * trace_sqrt
    return float(max(value, 0.0))


def _mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    d = x.shape[1]
    k_xx = (x @ x.T / d + 1) ** 3
    k_yy = (y @ y.T / d + 1) ** 3
    k_xy = (x @ y.T / d + 1) ** 3
    m, n = len(x), len(y)
    return float(
        (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
        + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
        - 2 * k_xy.mean()
    )


def kernel_inception_distance(
    features_x,
    features_y,
    n_subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """KID: the unbiased squared MMD with the cubic polynomial kernel k(x, y) = (x·y/D + 1)³,
    averaged over random subsets (as Bińkowski et al. and torch-fidelity do).

    Unbiased means that it is centred on 0 for two samples of one distribution: it can be
    slightly negative, and is near, not at, 0 for identical sets.

    Args:
        features_x: (N, D) array.
        features_y: (M, D) array.
        n_subsets: int. Random subsets averaged.
        subset_size: int. Images per subset (at most min(N, M); when both sets are that small,
            every subset is the whole of both and the standard deviation is 0).
        seed: int. Seed of the subset draws.

    Returns:
        (mean, standard deviation) over the subsets.
    """
    x, y = _check_features(features_x, features_y, 2)
    if n_subsets < 1 or subset_size < 2:
        raise ValueError(
            f"Need n_subsets >= 1 and subset_size >= 2. Received: n_subsets={n_subsets}, "
            f"subset_size={subset_size}"
        )
    m = min(subset_size, len(x), len(y))
    rng = np.random.default_rng(seed)
    values = [
        _mmd2_unbiased(
            x[rng.choice(len(x), m, replace=False)], y[rng.choice(len(y), m, replace=False)]
        )
        for _ in range(n_subsets)
    ]
    return float(np.mean(values)), float(np.std(values))


def fid(images_x, images_y, feature_model: keras.Model | None = None, batch_size: int = 32):
    """FID between two image sets (arrays or iterables of batches in [-1, 1]); the feature
    model defaults to `inception_feature_model()`."""
    feature_model = feature_model or inception_feature_model()
    return frechet_distance(
        extract_features(images_x, feature_model, batch_size),
        extract_features(images_y, feature_model, batch_size),
    )


def kid(
    images_x,
    images_y,
    feature_model: keras.Model | None = None,
    batch_size: int = 32,
    **kwargs,
) -> tuple[float, float]:
    """KID (mean, std) between two image sets; `kwargs` go to `kernel_inception_distance`."""
    feature_model = feature_model or inception_feature_model()
    return kernel_inception_distance(
        extract_features(images_x, feature_model, batch_size),
        extract_features(images_y, feature_model, batch_size),
        **kwargs,
    )


def evaluate_translation(
    generator: keras.Model,
    inputs,
    targets,
    feature_model: keras.Model | None = None,
    ground_truth: bool = False,
    distances: bool = True,
    kid_subsets: int = 100,
    kid_subset_size: int = 1000,
    mean_of=None,
) -> dict[str, dict[str, float]]:
    """Scores a generator's translations of `inputs` against the images of the target domain,
    next to the untranslated inputs as a baseline.

    FID and KID measure how far the translated set is, as a distribution, from `targets`. With
    `ground_truth`, `targets` holds the true translation of each input (same order, same batch
    sizes), and PSNR and SSIM per image are averaged too; with `mean_of` as well, so are those of
    a second baseline that ignores the input: the mean image of `mean_of` (e.g. the target
    domain's training images), which a translation must beat to use its input at all.

    Args:
        generator: keras.Model. Maps source-domain images to the target domain.
        inputs: iterable of (n, H, W, 3) batches in [-1, 1] (e.g. `load_domain_dataset`).
        targets: iterable of batches of the target domain.
        feature_model: keras.Model or None. The feature network (default InceptionV3).
        ground_truth: bool. `targets[i]` is the ground truth of `inputs[i]`.
        distances: bool. Compute FID/KID (False: only PSNR/SSIM, needs `ground_truth`).
        kid_subsets: int. KID subsets.
        kid_subset_size: int. Images per KID subset (at most the set sizes).
        mean_of: iterable of batches or None. Images whose mean is the "mean_target" baseline
            (PSNR/SSIM only; needs `ground_truth`).

    Returns:
        {"model": {...}, "input": {...}} with "fid", "kid", "kid_std" (and "psnr", "ssim"),
        ["mean_target": {"psnr", "ssim"}], plus "counts": {"inputs": N, "targets": M}.
    """
    from tf_imgtrans.metrics.image import psnr, ssim

    if not distances and not ground_truth:
        raise ValueError("Nothing to compute: distances=False needs ground_truth=True.")
    if distances and feature_model is None:
        feature_model = inception_feature_model()
    features = _feature_function(feature_model) if distances else None
    translate = tf.function(lambda x: generator(x, training=False), reduce_retracing=True)
    feats = {"model": [], "input": [], "target": []}
    pixel = {key: {"psnr": [], "ssim": []} for key in ("model", "input", "mean_target")}
    mean_image = None
    if mean_of is not None and ground_truth:
        total, count = 0.0, 0
        for batch in mean_of:
            total = total + tf.reduce_sum(tf.cast(batch, tf.float32), axis=0)
            count += int(batch.shape[0])
        mean_image = total / count
    n_inputs = n_targets = 0

    def add_features(key, batch):
        if distances:
            feats[key].append(features(batch))

    if ground_truth:
        pairs = zip(inputs, targets, strict=True)
    else:
        pairs = ((x, None) for x in inputs)
    for x, y in pairs:
        x = tf.convert_to_tensor(x, tf.float32)
        out = translate(x)
        n_inputs += int(x.shape[0])
        add_features("model", out)
        add_features("input", x)
        if y is not None:
            y = tf.convert_to_tensor(y, tf.float32)
            n_targets += int(y.shape[0])
            add_features("target", y)
            scored = [("model", out), ("input", x)]
            if mean_image is not None:
                scored.append(("mean_target", tf.broadcast_to(mean_image, tf.shape(y))))
            for key, images in scored:
                pixel[key]["psnr"].append(np.asarray(psnr(images, y), np.float64))
                pixel[key]["ssim"].append(np.asarray(ssim(images, y), np.float64))
    if not ground_truth:
        for y in targets:
            n_targets += int(y.shape[0])
            add_features("target", tf.convert_to_tensor(y, tf.float32))
    report: dict[str, dict[str, float]] = {"model": {}, "input": {}}
    for key in ("model", "input"):
        if distances:
            fx, fy = np.concatenate(feats[key]), np.concatenate(feats["target"])
            report[key]["fid"] = frechet_distance(fx, fy)
            report[key]["kid"], report[key]["kid_std"] = kernel_inception_distance(
                fx, fy, n_subsets=kid_subsets, subset_size=kid_subset_size
            )
        if ground_truth:
            for name, values in pixel[key].items():
                report[key][name] = float(np.mean(np.concatenate(values)))
    if mean_image is not None:
        report["mean_target"] = {
            name: float(np.mean(np.concatenate(values)))
            for name, values in pixel["mean_target"].items()
        }
    report["counts"] = {"inputs": n_inputs, "targets": n_targets}
    return report


def format_translation_report(report: dict[str, dict[str, float]]) -> str:
    """The report of `evaluate_translation` as a small text table."""
    names = [k for k in ("fid", "kid", "kid_std", "psnr", "ssim") if k in report["model"]]
    lines = [f"{'':20s}" + "".join(f"{n.upper():>10s}" for n in names)]
    rows = (
        ("model", "translated"),
        ("input", "untranslated input"),
        ("mean_target", "mean target"),
    )
    for key, title in rows:
        if key in report:
            values = (report[key].get(n) for n in names)
            cells = "".join(f" {v:9.4g}" if v is not None else f"{'-':>10s}" for v in values)
            lines.append(f"{title:20s}" + cells)
    counts = report.get("counts", {})
    if counts:
        lines.append(f"({counts['inputs']} inputs, {counts['targets']} target images)")
    return "\n".join(lines)
