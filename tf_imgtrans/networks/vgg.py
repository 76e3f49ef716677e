"""The VGG loss network of neural style transfer: a frozen feature extractor for any input size.

Its layers carry the names of `keras.applications.VGG16`/`VGG19` (`block3_conv3`, …); each
convolution includes its ReLU, so `block3_conv3` is relu3_3 of the papers (the aliases `relu3_3`
and `conv3_3` are accepted too). Images go in as float RGB in [-1, 1], the package's convention;
the "caffe" preprocessing of `keras.applications.vgg16.preprocess_input` (RGB -> BGR, 0..255, minus
the ImageNet mean) is the network's first layer.

Weights come from `keras.applications` ("imagenet", kept in the Keras cache after one download) or
from a local file: an `.npz` of `blockB_convC/kernel` (HWIO) and `blockB_convC/bias` arrays, or a
Keras weights file (`.weights.h5` saved by Keras 3, or a Keras 2 style `.h5` such as the one
`keras.applications` downloads).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

import keras
import numpy as np

from tf_imgtrans.layers.preprocess import VGGPreprocess

ARCHS: dict[str, tuple[int, ...]] = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
"""Convolutions per block of each architecture."""

FILTERS = (64, 128, 256, 512, 512)
POOLINGS = ("max", "avg")
WEIGHTS_ENV = "TF_IMGTRANS_VGG_WEIGHTS"
"""Environment variable naming a local weights file to use for weights="imagenet"."""

_CONV_NAME = re.compile(r"^block(\d)_conv(\d)$")
_ALIAS = re.compile(r"^(?:relu|conv)(\d)_(\d)$")


class VGGWeightsError(ValueError):
    """The requested VGG weights cannot be found, read, or do not fit the network."""


def check_arch(arch: str) -> str:
    if arch not in ARCHS:
        raise ValueError(f"`arch` must be one of {sorted(ARCHS)}. Received: arch={arch!r}")
    return arch


def conv_layer_names(arch: str = "vgg16") -> list[str]:
    """The convolution layer names of `arch`, in order: block1_conv1, block1_conv2, …"""
    return [
        f"block{b + 1}_conv{c + 1}" for b, n in enumerate(ARCHS[check_arch(arch)]) for c in range(n)
    ]


def layer_names(arch: str = "vgg16") -> list[str]:
    """All feature layers of `arch` in order, pools included (block1_pool, …)."""
    names = []
    for b, n in enumerate(ARCHS[check_arch(arch)]):
        names += [f"block{b + 1}_conv{c + 1}" for c in range(n)] + [f"block{b + 1}_pool"]
    return names


def canonical_layer(name: str, arch: str = "vgg16") -> str:
    """Maps `relu4_1` / `conv4_1` to `block4_conv1` and checks that `arch` has the layer."""
    m = _ALIAS.match(name)
    canonical = f"block{m.group(1)}_conv{m.group(2)}" if m else name
    valid = layer_names(arch)
    if canonical not in valid:
        raise ValueError(
            f"{arch.upper()} has no layer {name!r}. Valid names: {valid} (or reluB_C aliases). "
            f"Received: layer={name!r}"
        )
    return canonical


def vgg_features(
    layers: Sequence[str],
    arch: str = "vgg16",
    weights: str | os.PathLike | Mapping[str, np.ndarray] | None = "imagenet",
    pooling: str = "max",
    name: str | None = None,
) -> keras.Model:
    """A frozen VGG feature extractor returning `{layer: features}` for images of any size.

    Only the part of the network up to the deepest requested layer is built.

    Args:
        layers: list of str. Layer names (`block4_conv1`, `relu4_1`, `block3_pool`, …); the output
            dict is keyed by the canonical `blockB_…` names.
        arch: str. "vgg16" (Johnson et al.) or "vgg19" (Gatys et al., Huang & Belongie).
        weights: "imagenet" (from the file named by $TF_IMGTRANS_VGG_WEIGHTS if set, else from
            `keras.applications`, downloaded once into the Keras cache), a path to an `.npz` /
            `.weights.h5` / `.h5` file, a dict of `blockB_convC/kernel|bias` arrays, or None or
            "random" (untrained weights: for tests and smoke runs only).
        pooling: str. "max" (VGG's own) or "avg" (which Gatys et al. found gives slightly smoother
            results).
        name: str, optional. Model name; default `{arch}_features`.

    Returns:
        A functional `keras.Model`, not trainable, mapping (bs, H, W, 3) in [-1, 1] to a dict of
        (bs, H/2^k, W/2^k, C) feature maps.

    Raises:
        VGGWeightsError: the weights cannot be had or do not fit (the message says which key or
            shape is wrong).

    Example:
    >>> net = vgg_features(["relu1_1", "block2_conv2"], weights=None)
    >>> {k: tuple(v.shape) for k, v in net(ops.zeros((1, 32, 48, 3))).items()}
    {'block1_conv1': (1, 32, 48, 64), 'block2_conv2': (1, 16, 24, 128)}

    Reference:
        Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
        Recognition", ICLR 2015.
    """
    check_arch(arch)
    if pooling not in POOLINGS:
        raise ValueError(f"`pooling` must be one of {POOLINGS}. Received: pooling={pooling!r}")
    if isinstance(layers, str) or not layers:
        raise ValueError(f"`layers` must be a non-empty list of layer names. Received: {layers!r}")
    wanted = [canonical_layer(n, arch) for n in layers]
    order = layer_names(arch)
    deepest = max(order.index(n) for n in wanted)

    inputs = keras.Input((None, None, 3), name="image")
    x = VGGPreprocess(name="preprocess")(inputs)
    outputs = {}
    for layer_name in order[: deepest + 1]:
        block = int(layer_name[5])
        if layer_name.endswith("_pool"):
            pool = keras.layers.MaxPooling2D if pooling == "max" else keras.layers.AveragePooling2D
            x = pool(2, strides=2, name=layer_name)(x)
        else:
            x = keras.layers.Conv2D(
                FILTERS[block - 1], 3, padding="same", activation="relu", name=layer_name
            )(x)
        if layer_name in wanted:
            outputs[layer_name] = x
    model = keras.Model(inputs, {n: outputs[n] for n in wanted}, name=name or f"{arch}_features")
    if weights is not None and not (isinstance(weights, str) and weights == "random"):
        set_vgg_weights(model, weights, arch)
    model.trainable = False
    return model


# === Weights ===


def _expected_shapes(model: keras.Model) -> dict[str, tuple[int, ...]]:
    shapes = {}
    for layer in model.layers:
        if _CONV_NAME.match(layer.name):
            shapes[f"{layer.name}/kernel"] = tuple(layer.kernel.shape)
            shapes[f"{layer.name}/bias"] = tuple(layer.bias.shape)
    return shapes


def set_vgg_weights(
    model: keras.Model,
    weights: str | os.PathLike | Mapping[str, np.ndarray],
    arch: str = "vgg16",
) -> None:
    """Loads `weights` ("imagenet", a file, or a dict of arrays) into the VGG layers of `model`,
    checking every key and shape first (nothing is assigned unless everything fits)."""
    source, arrays = resolve_vgg_weights(weights, arch)
    check_vgg_arrays(arrays, _expected_shapes(model), arch, source)
    for layer in model.layers:
        if _CONV_NAME.match(layer.name):
            layer.kernel.assign(arrays[f"{layer.name}/kernel"])
            layer.bias.assign(arrays[f"{layer.name}/bias"])


def check_vgg_arrays(
    arrays: Mapping[str, np.ndarray],
    expected: Mapping[str, tuple[int, ...]],
    arch: str,
    source: str,
) -> None:
    """Raises a VGGWeightsError naming the missing keys, foreign layers or wrong shapes."""
    arch_convs = set(conv_layer_names(arch))
    layers_in_file = {k.split("/")[0] for k in arrays}
    foreign = sorted(n for n in layers_in_file if _CONV_NAME.match(n) and n not in arch_convs)
    if foreign:
        other = [a for a in ARCHS if a != arch and set(foreign) <= set(conv_layer_names(a))]
        hint = f": it looks like {other[0].upper()} weights (arch={other[0]!r})" if other else ""
        raise VGGWeightsError(
            f"{source} holds layers {foreign} that {arch.upper()} does not have{hint}."
        )
    missing = sorted(k for k in expected if k not in arrays)
    if missing:
        found = sorted(arrays)[:6]
        raise VGGWeightsError(
            f"{source} lacks the {arch.upper()} weights {missing[:6]}"
            f"{' …' if len(missing) > 6 else ''} ({len(missing)} missing). Expected keys "
            f"'blockB_convC/kernel' and 'blockB_convC/bias'; the file has {found}"
            f"{' …' if len(arrays) > 6 else ''}."
        )
    for key, shape in expected.items():
        got = tuple(np.shape(arrays[key]))
        if got != shape:
            raise VGGWeightsError(
                f"{source}: {key} has shape {got}, but {arch.upper()} needs {shape} (kernels are "
                "HWIO: height, width, in, out channels)."
            )


def resolve_vgg_weights(
    weights: str | os.PathLike | Mapping[str, np.ndarray], arch: str = "vgg16"
) -> tuple[str, dict[str, np.ndarray]]:
    """(description of the source, `blockB_convC/kernel|bias` arrays) for a `weights` argument."""
    if isinstance(weights, Mapping):
        return "the given weights dict", dict(weights)
    if not isinstance(weights, (str, os.PathLike)):
        raise ValueError(
            "`weights` must be 'imagenet', a file path, a dict of arrays or None. "
            f"Received: weights={weights!r}"
        )
    weights = os.fspath(weights)
    if weights == "imagenet":
        env = os.environ.get(WEIGHTS_ENV)
        if env:
            return env, read_vgg_weights_file(env)
        return f"keras.applications.{arch.upper()} ImageNet weights", _keras_imagenet(arch)
    return weights, read_vgg_weights_file(weights)


def _keras_imagenet(arch: str) -> dict[str, np.ndarray]:
    builder = keras.applications.VGG16 if arch == "vgg16" else keras.applications.VGG19
    try:
        net = builder(include_top=False, weights="imagenet", input_shape=(None, None, 3))
    except Exception as e:  # a failed download surfaces as several exception types
        raise VGGWeightsError(
            f"Could not get the ImageNet {arch.upper()} weights from keras.applications "
            f"({type(e).__name__}: {e}). Pass a local file instead: weights=PATH in Python, "
            f"--vgg-weights PATH on the command line, or set ${WEIGHTS_ENV}; an .npz of "
            "'blockB_convC/kernel|bias' arrays or a Keras .h5 / .weights.h5 file."
        ) from e
    arrays = {}
    for layer in net.layers:
        if _CONV_NAME.match(layer.name):
            kernel, bias = layer.get_weights()
            arrays[f"{layer.name}/kernel"], arrays[f"{layer.name}/bias"] = kernel, bias
    return arrays


def read_vgg_weights_file(path: str) -> dict[str, np.ndarray]:
    """Reads VGG convolution weights from an `.npz`, a Keras 3 `.weights.h5` or a Keras 2 `.h5`.

    Returns:
        dict of `blockB_convC/kernel` (HWIO) and `blockB_convC/bias` arrays.
    """
    if not os.path.isfile(path):
        raise VGGWeightsError(
            f"VGG weights file not found: {path}. Expected an .npz of 'blockB_convC/kernel|bias' "
            "arrays or a Keras .h5 / .weights.h5 file."
        )
    lower = path.lower()
    if lower.endswith(".npz"):
        try:
            with np.load(path) as f:
                return {k: np.asarray(f[k], dtype=np.float32) for k in f.files}
        except Exception as e:
            raise VGGWeightsError(f"Could not read {path} as an .npz file: {e}") from e
    if lower.endswith(".h5") or lower.endswith(".hdf5"):
        return _read_h5(path)
    raise VGGWeightsError(
        f"Unknown VGG weights format {os.path.splitext(path)[1]!r}: use an .npz of "
        f"'blockB_convC/kernel|bias' arrays or a Keras .h5 / .weights.h5 file. Received: {path}"
    )


def _kernel_shapes(arch: str) -> list[tuple[int, ...]]:
    shapes, cin = [], 3
    for block, n in enumerate(ARCHS[arch]):
        for _ in range(n):
            shapes.append((3, 3, cin, FILTERS[block]))
            cin = FILTERS[block]
    return shapes


def _natural(path: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path)]


def _read_h5(path: str) -> dict[str, np.ndarray]:
    import h5py

    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise VGGWeightsError(f"Could not open {path} as an HDF5 weights file: {e}") from e
    with f:
        datasets: list[tuple[str, np.ndarray]] = []
        f.visititems(
            lambda name, obj: (
                datasets.append((name, obj[()])) if isinstance(obj, h5py.Dataset) else None
            )
        )
    named: dict[str, np.ndarray] = {}
    for name, value in datasets:
        block = next((p for p in name.split("/") if _CONV_NAME.match(p)), None)
        if block is None or value.ndim not in (1, 4):
            continue
        key = f"{block}/{'kernel' if value.ndim == 4 else 'bias'}"
        if key in named:
            raise VGGWeightsError(f"{path} holds more than one {key}; cannot tell which to use.")
        named[key] = np.asarray(value, dtype=np.float32)
    if named:  # a Keras 2 style file (or a Keras 3 .h5 model file), keyed by layer names
        return named
    # A Keras 3 `.weights.h5` names layers by class (`layers/conv2d_3/vars/0`), not by the layer
    # name: its convolutions are the VGG ones in order.
    layers: dict[str, dict[int, np.ndarray]] = {}
    for name, value in datasets:
        m = re.match(r"^(.*)/vars/(\d+)$", name)
        if m:
            layers.setdefault(m.group(1), {})[int(m.group(2))] = value
    convs = [
        layers[k] for k in sorted(layers, key=_natural) if 0 in layers[k] and layers[k][0].ndim == 4
    ]
    if not convs:
        raise VGGWeightsError(
            f"{path} holds no convolution weights (neither 'blockB_convC' layers nor Keras 3 "
            "'layers/…/vars' entries with 4-D kernels)."
        )
    shapes = [tuple(conv[0].shape) for conv in convs]
    arch = next((a for a in ARCHS if _kernel_shapes(a)[: len(shapes)] == shapes), None)
    if arch is None:
        raise VGGWeightsError(
            f"{path} holds {len(shapes)} convolutions with kernel shapes {shapes[:4]}…, which "
            "are not the first layers of VGG16 or VGG19 (HWIO kernels (3, 3, 3, 64), "
            "(3, 3, 64, 64), (3, 3, 64, 128), …): not a VGG weights file."
        )
    names = conv_layer_names(arch)
    for layer_name, conv in zip(names, convs):
        named[f"{layer_name}/kernel"] = np.asarray(conv[0], dtype=np.float32)
        if 1 in conv:
            named[f"{layer_name}/bias"] = np.asarray(conv[1], dtype=np.float32)
    return named
