"""Neural style transfer by optimisation (Gatys et al. 2016): the output image itself is optimised
so that its VGG features match the content image's and its Gram matrices match the style's."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from tqdm.auto import tqdm

from tf_imgtrans.losses.perceptual import (
    content_loss,
    gram_matrix,
    style_loss,
    total_variation_loss,
)
from tf_imgtrans.networks.vgg import canonical_layer, vgg_features
from tf_imgtrans.style.color import (
    check_color_mode,
    combine_luminance,
    luminance_image,
    match_color,
    match_luminance,
)
from tf_imgtrans.style.images import ImageLike, as_float_image, long_side_shape, resize, to_uint8

GATYS_CONTENT_LAYERS = ("block4_conv2",)
"""relu4_2, the paper's content layer."""
GATYS_STYLE_LAYERS = (
    "block1_conv1",
    "block2_conv1",
    "block3_conv1",
    "block4_conv1",
    "block5_conv1",
)
"""relu1_1 … relu5_1, the paper's style layers (each weighted 1/5)."""
OPTIMIZERS = ("lbfgs", "adam")
INITS = ("content", "noise")


@dataclass
class StylizeResult:
    """What `stylize` returns.

    Attributes:
        image: np.ndarray. uint8 (H, W, 3), the stylized picture.
        history: dict. Per optimisation step: "step" (counted over all scales), "size" (the
            scale's long side), "total", and the weighted terms "content", "style", "tv" (they
            sum to "total").
        seconds: float. Wall time of the optimisation.
        sizes: list of (height, width) of each scale.
    """

    image: np.ndarray
    history: dict[str, list] = field(default_factory=dict)
    seconds: float = 0.0
    sizes: list[tuple[int, int]] = field(default_factory=list)


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}. Received: {name}={value!r}")


def _blend_weights(n: int, blend: Sequence[float] | None) -> np.ndarray:
    if blend is None:
        return np.full(n, 1.0 / n)
    blend = np.asarray(blend, dtype=np.float64)
    if blend.shape != (n,) or np.any(blend < 0) or blend.sum() <= 0:
        raise ValueError(
            f"`style_blend` needs {n} non-negative weights (one per style image) with a positive "
            f"sum. Received: style_blend={list(blend.ravel())}"
        )
    return blend / blend.sum()


def _scale_steps(steps: int | Sequence[int], scales: int) -> list[int]:
    if isinstance(steps, int):
        steps = [steps] * scales
    steps = [int(s) for s in steps]
    if len(steps) != scales or min(steps) < 1:
        raise ValueError(
            f"`steps` must be a positive int or one positive int per scale ({scales}). "
            f"Received: steps={steps}"
        )
    return steps


class _Objective:
    """The weighted loss of one scale as a function of the image, with its gradient."""

    def __init__(self, net, content_layers, style_layers, layer_weights, weights, targets):
        self.net = net
        self.content_layers = content_layers
        self.style_layers = style_layers
        self.layer_weights = layer_weights
        self.cw, self.sw, self.tvw = weights
        self.content_targets, self.style_grams = targets

    @tf.function(reduce_retracing=True)
    def __call__(self, image):
        with tf.GradientTape() as tape:
            tape.watch(image)
            feats = self.net(image, training=False)
            c = tf.add_n(
                [content_loss(feats[n], self.content_targets[n]) for n in self.content_layers]
            ) / len(self.content_layers)
            s = style_loss(
                [feats[n] for n in self.style_layers], self.style_grams, self.layer_weights
            )
            tv = total_variation_loss(image)
            terms = (self.cw * c, self.sw * s, self.tvw * tv)
            total = terms[0] + terms[1] + terms[2]
        return total, terms, tape.gradient(total, image)


def stylize(
    content: ImageLike,
    style: ImageLike | Sequence[ImageLike],
    *,
    size: int | None = 512,
    steps: int | Sequence[int] = 300,
    optimizer: str = "lbfgs",
    content_weight: float = 1.0,
    style_weight: float = 1e-3,
    tv_weight: float = 1e5,
    style_blend: Sequence[float] | None = None,
    style_scale: float = 1.0,
    scales: int = 1,
    init: str = "content",
    preserve_color: str | None = None,
    learning_rate: float = 0.02,
    content_layers: Sequence[str] = GATYS_CONTENT_LAYERS,
    style_layers: Sequence[str] = GATYS_STYLE_LAYERS,
    style_layer_weights: Sequence[float] | None = None,
    arch: str = "vgg16",
    pooling: str = "max",
    weights="imagenet",
    loss_network: keras.Model | None = None,
    seed: int | None = None,
    progress: bool = True,
    callback: Callable[[int, dict], None] | None = None,
) -> StylizeResult:
    """Paints `content` in the style of `style` by optimising the output image (Gatys et al.).

    The objective is content_weight · mean(F − P)² on the content layers (averaged over them)
    + style_weight · Σ_l w_l mean(G_l − A_l)² on the style layers (Gram matrices normalised by H·W,
    see `tf_imgtrans.losses.perceptual`) + tv_weight · total variation, on images in [-1, 1]. The
    image starts from the content (or noise) and is optimised with L-BFGS-B (SciPy, bounded to
    [-1, 1], driven by TensorFlow gradients) or Adam (clipped to [-1, 1] after each step).

    Args:
        content: path or (H, W, 3) array (uint8, or float in [-1, 1]).
        style: one style image, or a list of them (their Gram matrices are blended).
        size: int or None. Long side of the output in pixels; None keeps the content's size.
        steps: int or list of int. Optimiser iterations at each scale.
        optimizer: str. "lbfgs" (default; converges in a few hundred steps) or "adam".
        content_weight: float. Weight of the content loss.
        style_weight: float. Weight of the style loss (larger: more stylized).
        tv_weight: float. Weight of the total-variation smoothness term.
        style_blend: list of float, optional. One weight per style image (normalised to sum 1).
        style_scale: float. Style images are resized to a long side of style_scale · the output's
            (smaller: finer brush strokes).
        scales: int. Coarse-to-fine resolutions: the image is optimised at size / 2^(scales−1)
            first, then upsampled as the start of the next scale, up to `size` (faster and more
            coherent for large outputs).
        init: str. "content" (start from the content image) or "noise".
        preserve_color: None, "luminance" or "histogram" (see `tf_imgtrans.style.color`).
        learning_rate: float. Adam's step size on [-1, 1] pixels (Adam only).
        content_layers, style_layers: lists of VGG layer names (defaults: the paper's).
        style_layer_weights: list of float, optional. Per style layer; default 1/L each (paper).
        arch, pooling, weights: the VGG loss network (see `vgg_features`).
        loss_network: keras.Model, optional. A `vgg_features` model that already returns all
            content and style layers (reused instead of building one).
        seed: int, optional. For the noise start.
        progress: bool. Show a tqdm progress bar.
        callback: callable(step, values), optional. Called after each step with the history row.

    Returns:
        StylizeResult with the uint8 image and the loss history.

    Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> c, s = rng.integers(0, 255, (2, 32, 32, 3), dtype=np.uint8)
    >>> out = stylize(c, s, size=32, steps=2, weights=None, progress=False)
    >>> out.image.shape, len(out.history["total"])
    ((32, 32, 3), 2)

    Reference:
        Gatys, Ecker & Bethge, "Image Style Transfer Using Convolutional Neural Networks", CVPR
        2016; Gatys et al., "Controlling Perceptual Factors in Neural Style Transfer", CVPR 2017
        (colour preservation, coarse-to-fine).
    """
    _check_choice("optimizer", optimizer, OPTIMIZERS)
    _check_choice("init", init, INITS)
    check_color_mode(preserve_color)
    if not isinstance(scales, int) or scales < 1:
        raise ValueError(f"`scales` must be an int >= 1. Received: scales={scales!r}")
    if min(content_weight, style_weight, tv_weight) < 0:
        raise ValueError(
            "Loss weights must be >= 0. Received: "
            f"content_weight={content_weight}, style_weight={style_weight}, tv_weight={tv_weight}"
        )
    if style_scale <= 0:
        raise ValueError(f"`style_scale` must be > 0. Received: style_scale={style_scale}")
    steps_per_scale = _scale_steps(steps, scales)

    content_img = as_float_image(content, "content")
    styles = style if isinstance(style, (list, tuple)) else [style]
    if not styles:
        raise ValueError("`style` must be an image or a non-empty list of images.")
    style_imgs = [as_float_image(s, "style") for s in styles]
    blend = _blend_weights(len(style_imgs), style_blend)

    content_layers = [canonical_layer(n, arch) for n in content_layers]
    style_layers = [canonical_layer(n, arch) for n in style_layers]
    if style_layer_weights is None:
        style_layer_weights = [1.0 / len(style_layers)] * len(style_layers)
    net = loss_network or vgg_features(
        sorted(set(content_layers + style_layers)), arch=arch, weights=weights, pooling=pooling
    )

    final_shape = long_side_shape(content_img.shape, size)
    shapes = [
        long_side_shape(final_shape, max(1, round(max(final_shape) / 2**k)))
        for k in reversed(range(scales))
    ]
    # Each pooling before the deepest layer halves the image: the smallest scale must survive them.
    min_side = 2 ** (max(int(n[5]) for n in content_layers + style_layers) - 1)
    if min(shapes[0]) < min_side:
        raise ValueError(
            f"The smallest scale would be {shapes[0][1]}x{shapes[0][0]} px, but the loss network's "
            f"layers need at least {min_side} px per side: use fewer `scales` or a larger `size`. "
            f"Received: size={size}, scales={scales}"
        )
    full_content = resize(content_img, final_shape)
    if preserve_color == "luminance":
        base_content = luminance_image(full_content)
    else:
        base_content = full_content

    rng = np.random.default_rng(seed)
    history: dict[str, list] = {k: [] for k in ("step", "size", "total", "content", "style", "tv")}
    image = None
    start = time.perf_counter()
    step_count = 0
    for shape, n_steps in zip(shapes, steps_per_scale):
        content_s = resize(base_content, shape)
        # --- targets of this scale ---
        feats = net(content_s[None], training=False)
        content_targets = {n: tf.constant(feats[n]) for n in content_layers}
        style_grams = None
        for img, b in zip(style_imgs, blend):
            if preserve_color == "luminance":
                img = match_luminance(img, full_content)
            elif preserve_color == "histogram":
                img = match_color(img, full_content)
            style_long = max(1, round(max(shape) * style_scale))
            img = resize(img, long_side_shape(img.shape, style_long))
            if min(img.shape[:2]) < min_side:
                raise ValueError(
                    f"A style image resized to {img.shape[1]}x{img.shape[0]} px is smaller than "
                    f"the {min_side} px the loss network needs: raise `style_scale` or `size`."
                )
            sf = net(img[None], training=False)
            grams = [b * gram_matrix(sf[n]) for n in style_layers]
            style_grams = (
                grams if style_grams is None else [a + g for a, g in zip(style_grams, grams)]
            )
        objective = _Objective(
            net,
            content_layers,
            style_layers,
            list(style_layer_weights),
            (float(content_weight), float(style_weight), float(tv_weight)),
            (content_targets, [tf.constant(g) for g in style_grams]),
        )
        # --- start image ---
        if image is None:
            if init == "content":
                image = content_s.copy()
            else:
                image = rng.uniform(-1.0, 1.0, content_s.shape).astype(np.float32)
        else:
            image = np.clip(resize(image, shape), -1.0, 1.0)

        bar = tqdm(
            total=n_steps,
            desc=f"stylize {shape[1]}x{shape[0]}",
            unit="step",
            disable=not progress,
        )

        def record(values, shape=shape, bar=bar):
            nonlocal step_count
            step_count += 1
            row = {"step": step_count, "size": max(shape), **values}
            for k, v in row.items():
                history[k].append(v)
            bar.update(1)
            bar.set_postfix(loss=f"{values['total']:.4g}")
            if callback is not None:
                callback(step_count, row)

        if optimizer == "adam":
            image = _run_adam(objective, image, n_steps, learning_rate, record)
        else:
            image = _run_lbfgs(objective, image, n_steps, record)
        bar.close()

    seconds = time.perf_counter() - start
    if preserve_color == "luminance":
        image = combine_luminance(image, full_content)
    return StylizeResult(to_uint8(image), history, seconds, shapes)


def _values(total, terms) -> dict[str, float]:
    values = {
        "total": float(total),
        "content": float(terms[0]),
        "style": float(terms[1]),
        "tv": float(terms[2]),
    }
    if not np.isfinite(values["total"]):
        raise FloatingPointError(
            f"The style-transfer loss became {values['total']}; lower the learning rate or the "
            "loss weights."
        )
    return values


def _run_adam(objective, image, n_steps, learning_rate, record) -> np.ndarray:
    x = tf.Variable(image[None])
    opt = keras.optimizers.Adam(learning_rate=learning_rate)
    for _ in range(n_steps):
        total, terms, grad = objective(tf.convert_to_tensor(x))
        opt.apply([grad], [x])
        x.assign(tf.clip_by_value(x, -1.0, 1.0))
        record(_values(total, terms))
    return x.numpy()[0]


def _run_lbfgs(objective, image, n_steps, record) -> np.ndarray:
    from scipy.optimize import Bounds, minimize

    shape = (1, *image.shape)
    last: dict[str, float] = {}

    def fun(flat):
        x = tf.constant(flat.reshape(shape).astype(np.float32))
        total, terms, grad = objective(x)
        last.update(_values(total, terms))
        return float(total), grad.numpy().astype(np.float64).ravel()

    def after_iteration(intermediate_result):
        record(dict(last))

    result = minimize(
        fun,
        image.astype(np.float64).ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=Bounds(-1.0, 1.0),
        callback=after_iteration,
        # No early stop on tolerance: the caller asked for `steps` iterations.
        options={"maxiter": n_steps, "maxfun": 2 * n_steps + 20, "ftol": 0.0, "gtol": 0.0},
    )
    return result.x.reshape(image.shape).astype(np.float32)
