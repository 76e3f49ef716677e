"""FID and KID (tf_imgtrans.metrics.fid), with a small fixed Keras feature network."""

import keras
import numpy as np
import pytest
import scipy.linalg
import tensorflow as tf

from tf_imgtrans.metrics import (
    FeatureModelUnavailable,
    evaluate_translation,
    extract_features,
    fid,
    format_translation_report,
    frechet_distance,
    inception_feature_model,
    kernel_inception_distance,
    kid,
    load_feature_model,
)


@pytest.fixture(scope="module")
def feature_model():
    """A fixed random convolutional network: 32-d features of any image size."""
    keras.utils.set_random_seed(1)
    init = keras.initializers.HeNormal(seed=1)
    return keras.Sequential(
        [
            keras.Input((None, None, 3)),
            keras.layers.Conv2D(16, 3, activation="relu", kernel_initializer=init),
            keras.layers.Conv2D(32, 3, strides=2, activation="relu", kernel_initializer=init),
            keras.layers.GlobalAveragePooling2D(),
        ],
        name="random_features",
    )


@pytest.fixture(scope="module")
def facades():
    """96 synthetic facade photos, 32×32, in [-1, 1]."""
    from tf_imgtrans.data.synthetic_facades import facade_pair

    images = [facade_pair(np.random.default_rng([3, i]), 32)[1] for i in range(96)]
    return np.stack(images).astype("float32") / 127.5 - 1


def night_pictures():
    from tf_imgtrans.data.synthetic_night import facade_day_night

    images = [facade_day_night(np.random.default_rng([3, i]), 32)[1] for i in range(48)]
    return np.stack(images).astype("float32") / 127.5 - 1


def blur(images, k):
    pad = [[0, 0], [k // 2, k // 2], [k // 2, k // 2], [0, 0]]
    return tf.nn.avg_pool2d(tf.pad(images, pad, "REFLECT"), k, 1, "VALID").numpy()


def noisy(images, sigma):
    rng = np.random.default_rng(0)
    return np.clip(images + rng.normal(0, sigma, images.shape), -1, 1).astype("float32")


def reference_fid(x, y):
    """The usual NumPy/SciPy computation (as in pytorch-fid)."""
    mu_x, mu_y = x.mean(0), y.mean(0)
    s_x, s_y = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean = scipy.linalg.sqrtm(s_x @ s_y).real
    return np.sum((mu_x - mu_y) ** 2) + np.trace(s_x + s_y - 2 * covmean)


def reference_mmd2(x, y):
    """Unbiased MMD² with the cubic polynomial kernel, written out pair by pair."""
    d = x.shape[1]

    def k(a, b):
        return (a @ b / d + 1) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_agrees_with_numpy_and_scipy_on_small_inputs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6))
    y = rng.normal(0.3, 1.5, size=(50, 6)) @ rng.normal(size=(6, 6))
    assert frechet_distance(x, y) == pytest.approx(reference_fid(x, y), rel=1e-6)
    # Singular covariances (fewer samples than dimensions) stay real and non-negative.
    assert frechet_distance(x[:4], y[:5]) == pytest.approx(reference_fid(x[:4], y[:5]), abs=1e-6)
    # One subset of the whole sets: KID is exactly the unbiased MMD².
    mean, std = kernel_inception_distance(x[:12], y[:12], n_subsets=1, subset_size=12)
    assert mean == pytest.approx(reference_mmd2(x[:12], y[:12]), rel=1e-9)
    assert std == 0.0


def test_zero_for_identical_sets_and_symmetric(feature_model, facades):
    fx = extract_features(facades[:48], feature_model)
    fy = extract_features(facades[48:], feature_model)
    assert frechet_distance(fx, fx) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance(fx, fy) == pytest.approx(frechet_distance(fy, fx), rel=1e-9)
    # KID is unbiased: near, not exactly at, zero for identical sets (it is minus a variance
    # term over the subset size), as for two samples of one distribution; far from zero for
    # another domain (the same scenes by night).
    same, _ = kernel_inception_distance(fx, fx, n_subsets=10, subset_size=48)
    halves, _ = kernel_inception_distance(fx, fy, n_subsets=10, subset_size=48)
    fn = extract_features(night_pictures(), feature_model)
    far, _ = kernel_inception_distance(fx, fn, n_subsets=10, subset_size=48)
    assert abs(same) < 0.01 * far and abs(halves) < 0.01 * far
    assert frechet_distance(fx, fy) < 0.01 * frechet_distance(fx, fn)
    kx, _ = kernel_inception_distance(fx, fy, n_subsets=10, subset_size=48, seed=4)
    ky, _ = kernel_inception_distance(fy, fx, n_subsets=10, subset_size=48, seed=4)
    assert kx == pytest.approx(ky, rel=1e-9, abs=1e-12)


def test_grow_with_blur_and_noise(feature_model, facades):
    clean = facades[:48]
    fx = extract_features(facades[48:], feature_model)
    for degrade, levels in ((blur, (3, 5, 7)), (noisy, (0.1, 0.2, 0.4))):
        fids, kids = [], []
        for level in levels:
            fy = extract_features(degrade(clean, level), feature_model)
            fids.append(frechet_distance(fx, fy))
            kids.append(kernel_inception_distance(fx, fy, n_subsets=20, subset_size=48)[0])
        assert fids == sorted(fids) and fids[0] > 0, (degrade.__name__, fids)
        assert kids == sorted(kids), (degrade.__name__, kids)


def test_image_level_functions_and_feature_maps(feature_model, facades):
    x, y = facades[:16], facades[16:32]
    expected = frechet_distance(
        extract_features(x, feature_model), extract_features(y, feature_model)
    )
    # Arrays, batches from tf.data and small batch sizes give the same features.
    ds = tf.data.Dataset.from_tensor_slices(y).batch(5)
    assert fid(x, ds, feature_model, batch_size=3) == pytest.approx(expected, rel=1e-6)
    mean, std = kid(x, y, feature_model, n_subsets=5, subset_size=8)
    assert np.isfinite(mean) and std >= 0
    # A model returning feature maps is averaged over space.
    maps = keras.Sequential(feature_model.layers[:-1])
    pooled = extract_features(x, maps)
    np.testing.assert_allclose(pooled, extract_features(x, feature_model), rtol=1e-5)
    with pytest.raises(ValueError, match="at least 2"):
        frechet_distance(pooled[:1], pooled)
    with pytest.raises(ValueError, match="same D"):
        frechet_distance(pooled, pooled[:, :3])


def test_evaluate_translation_reports_model_and_input(feature_model, facades):
    identity = keras.Sequential([keras.Input((None, None, 3)), keras.layers.Identity()])
    x, y = facades[:24], facades[24:48]
    batches = [x[i : i + 8] for i in range(0, 24, 8)]
    targets = [y[i : i + 8] for i in range(0, 24, 8)]
    report = evaluate_translation(
        identity, batches, targets, feature_model, ground_truth=True, kid_subsets=5
    )
    assert report["counts"] == {"inputs": 24, "targets": 24}
    for key in ("fid", "kid", "psnr", "ssim"):
        assert report["model"][key] == pytest.approx(report["input"][key], rel=1e-6)
    assert "untranslated input" in format_translation_report(report)
    # The mean-image baseline: PSNR of the mean of `mean_of` against each target.
    report = evaluate_translation(
        identity, batches, targets, distances=False, ground_truth=True, mean_of=[x, y]
    )
    mean = np.concatenate([x, y]).mean(0)
    mse = np.mean(((mean + 1) / 2 - (y + 1) / 2) ** 2, axis=(1, 2, 3))
    assert report["mean_target"]["psnr"] == pytest.approx(np.mean(-10 * np.log10(mse)), rel=1e-4)
    assert "mean target" in format_translation_report(report)
    only_pixels = evaluate_translation(
        identity, batches, targets, distances=False, ground_truth=True
    )
    assert set(only_pixels["model"]) == {"psnr", "ssim"}
    with pytest.raises(ValueError, match="Nothing to compute"):
        evaluate_translation(identity, batches, targets, distances=False)


def test_feature_model_files_and_missing_inception_weights(tmp_path, feature_model, monkeypatch):
    path = str(tmp_path / "features.keras")
    feature_model.save(path)
    loaded = load_feature_model(path)
    x = np.zeros((2, 16, 16, 3), "float32")
    np.testing.assert_allclose(extract_features(x, loaded), extract_features(x, feature_model))
    with pytest.raises(FileNotFoundError):
        load_feature_model(str(tmp_path / "none.keras"))

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: no network")

    monkeypatch.setattr(keras.applications, "InceptionV3", offline)
    with pytest.raises(FeatureModelUnavailable, match="--feature-model"):
        inception_feature_model()


def test_default_feature_model_falls_back_to_named_vgg16_offline(tmp_path, monkeypatch):
    """Without InceptionV3 weights (offline), FID/KID use VGG16 features, and say so; without
    VGG16 weights either, one error names every way to provide them."""
    import importlib

    fid_module = importlib.import_module("tf_imgtrans.metrics.fid")  # `metrics.fid` is a function
    from tf_imgtrans.networks.vgg import conv_layer_names

    def no_inception(*args, **kwargs):
        raise fid_module.FeatureModelUnavailable("The InceptionV3 ImageNet weights are gone.")

    monkeypatch.setattr(fid_module, "inception_feature_model", no_inception)
    vgg = keras.applications.VGG16(include_top=False, weights=None)
    arrays = {}
    for name in conv_layer_names():
        kernel, bias = vgg.get_layer(name).get_weights()
        arrays[f"{name}/kernel"], arrays[f"{name}/bias"] = kernel, bias
    np.savez(tmp_path / "vgg16.npz", **arrays)
    monkeypatch.setenv("TF_IMGTRANS_VGG_WEIGHTS", str(tmp_path / "vgg16.npz"))
    model, name = fid_module.default_feature_model()
    assert name.startswith("vgg16/imagenet") and "unavailable" in name
    assert tuple(model(np.zeros((2, 40, 48, 3), "float32")).shape) == (2, 512)
    with pytest.raises(fid_module.FeatureModelUnavailable):
        fid_module.default_feature_model("inception")
    monkeypatch.setenv("TF_IMGTRANS_VGG_WEIGHTS", str(tmp_path / "missing.npz"))
    with pytest.raises(fid_module.FeatureModelUnavailable, match="TF_IMGTRANS_VGG_WEIGHTS"):
        fid_module.default_feature_model()
