"""PatchGAN discriminators: a classifier of overlapping image patches (Isola et al. 2017)."""

from __future__ import annotations

import keras

from tf_imgtrans.layers import OutputGradLeakyReLU, check_norm, norm_layer, uses_bias
from tf_imgtrans.networks.unet import conv_init


def patchgan_layers(n_layers: int) -> list[tuple[int, int]]:
    """(kernel, stride) of each convolution of an `n_layers` PatchGAN, input to output."""
    return [(4, 2)] * n_layers + [(4, 1), (4, 1)]


def receptive_field(layers: list[tuple[int, int]]) -> int:
    """Side in input pixels of the region that one output unit sees, for stacked convolutions."""
    r = 1
    for k, s in reversed(layers):
        r = r * s + (k - s)
    return r


def spectral(layer: keras.layers.Layer, enabled: bool) -> keras.layers.Layer:
    """`layer` wrapped in `keras.layers.SpectralNormalization` when `enabled` (named
    `<layer>_sn`, in the layer's dtype), else `layer` itself."""
    if not enabled:
        return layer
    return keras.layers.SpectralNormalization(
        layer, name=f"{layer.name}_sn", dtype=layer.dtype_policy
    )


def patchgan_discriminator(
    n_layers: int = 3,
    ndf: int = 64,
    norm: str = "batch",
    input_channels: int = 6,
    image_size: int | None = None,
    name: str | None = None,
    spectral_norm: bool = False,
) -> keras.Model:
    """The PatchGAN discriminator: one real/fake logit per overlapping patch.

    C64-C128-C256-C512 (4×4 convolutions, LeakyReLU 0.2, no norm on the first), then a 4×4 stride-1
    convolution to one channel of logits. `n_layers` sets the patch (receptive field): 1 → 16×16,
    2 → 34×34, 3 → 70×70 (the paper's default, 2,768,705 parameters on 6 input channels with batch
    norm), 4 → 142×142, 5 → 286×286. For Pix2Pix the input is the condition and the image
    concatenated on channels (3 + 3 = 6).

    Args:
        n_layers: int. Stride-2 convolutions; sets the patch size.
        ndf: int. Filters of the first layer; later layers use up to 8×ndf.
        norm: str. "batch" (paper), "instance" or "none".
        input_channels: int. 6 for a conditional (Pix2Pix), 3 for an unconditional (CycleGAN) one.
        image_size: int or None. Fixes the input size when given; None accepts any size.
        name: str, optional. Model name.
        spectral_norm: bool. Wrap every convolution in `keras.layers.SpectralNormalization`
            (Miyato et al. 2018; one power iteration per training call).

    Example:
    >>> d = patchgan_discriminator(n_layers=2, ndf=8)
    >>> tuple(d(keras.ops.zeros((1, 64, 64, 6))).shape)
    (1, 14, 14, 1)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017.
    """
    check_norm(norm)
    if not isinstance(n_layers, int) or n_layers < 1:
        raise ValueError(
            f"`n_layers` must be an int >= 1 (use get_discriminator('pixel') for 1×1 patches). "
            f"Received: n_layers={n_layers!r}"
        )
    bias = uses_bias(norm)
    inputs = keras.Input((image_size, image_size, input_channels), name="image")
    x = inputs
    nf = ndf
    # Zero padding of 1 then a 'valid' convolution, as PyTorch's padding=1: 'same' would pad
    # odd sizes asymmetrically and change the output size.
    for i, (kernel, stride) in enumerate(patchgan_layers(n_layers)):
        last = i == n_layers + 1
        nf = 1 if last else ndf * min(2**i, 8)
        x = keras.layers.ZeroPadding2D(1, name=f"conv{i}_pad")(x)
        conv = keras.layers.Conv2D(
            nf,
            kernel,
            strides=stride,
            use_bias=bias or i == 0 or last,
            kernel_initializer=conv_init(),
            name=f"conv{i}",
            dtype="float32" if last else None,
        )
        x = spectral(conv, spectral_norm)(x)
        if last:
            break
        if i > 0:
            layer = norm_layer(norm, name=f"conv{i}_norm")
            x = layer(x) if layer is not None else x
        x = OutputGradLeakyReLU(0.2, name=f"conv{i}_lrelu")(x)
    field = receptive_field(patchgan_layers(n_layers))
    return keras.Model(inputs, x, name=name or f"patchgan_{field}")


def pixel_discriminator(
    ndf: int = 64,
    norm: str = "batch",
    input_channels: int = 6,
    image_size: int | None = None,
    name: str | None = None,
    spectral_norm: bool = False,
) -> keras.Model:
    """The 1×1 "PixelGAN": classifies every pixel on its own (1×1 convolutions only).

    Args:
        ndf: int. Filters of the first layer (the second has 2×ndf).
        norm: str. "batch", "instance" or "none".
        input_channels: int. Channels of the input.
        image_size: int or None. Fixes the input size when given.
        name: str, optional. Model name.
        spectral_norm: bool. Spectral normalisation of the three convolutions.
    """
    check_norm(norm)
    bias = uses_bias(norm)
    inputs = keras.Input((image_size, image_size, input_channels), name="image")
    conv0 = keras.layers.Conv2D(ndf, 1, kernel_initializer=conv_init(), name="conv0")
    x = spectral(conv0, spectral_norm)(inputs)
    x = OutputGradLeakyReLU(0.2, name="conv0_lrelu")(x)
    conv1 = keras.layers.Conv2D(
        ndf * 2, 1, use_bias=bias, kernel_initializer=conv_init(), name="conv1"
    )
    x = spectral(conv1, spectral_norm)(x)
    layer = norm_layer(norm, name="conv1_norm")
    x = layer(x) if layer is not None else x
    x = OutputGradLeakyReLU(0.2, name="conv1_lrelu")(x)
    conv2 = keras.layers.Conv2D(
        1, 1, use_bias=bias, kernel_initializer=conv_init(), name="conv2", dtype="float32"
    )
    x = spectral(conv2, spectral_norm)(x)
    return keras.Model(inputs, x, name=name or "pixelgan_1")
