"""U-Net generator of Pix2Pix (Isola et al. 2017)."""

from __future__ import annotations

import keras

from tf_imgtrans.layers import check_norm, norm_layer, uses_bias

UPSAMPLINGS = ("transpose", "resize")


def conv_init() -> keras.initializers.Initializer:
    """N(0, 0.02), the initialisation of the pix2pix and CycleGAN papers."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def check_upsampling(upsampling: str) -> str:
    if upsampling not in UPSAMPLINGS:
        raise ValueError(
            f"`upsampling` must be one of {UPSAMPLINGS}. Received: upsampling={upsampling!r}"
        )
    return upsampling


def up_conv(x, filters: int, upsampling: str, use_bias: bool, name: str):
    """Doubles the spatial size: a 4×4 stride-2 transposed convolution (the papers' choice) or a
    nearest-neighbour resize followed by a 3×3 convolution, which cannot make checkerboard artefacts
    (Odena et al. 2016)."""
    if upsampling == "transpose":
        return keras.layers.Conv2DTranspose(
            filters,
            4,
            strides=2,
            padding="same",
            use_bias=use_bias,
            kernel_initializer=conv_init(),
            name=f"{name}_convT",
        )(x)
    x = keras.layers.UpSampling2D(2, interpolation="nearest", name=f"{name}_resize")(x)
    return keras.layers.Conv2D(
        filters,
        3,
        padding="same",
        use_bias=use_bias,
        kernel_initializer=conv_init(),
        name=f"{name}_conv",
    )(x)


def unet_generator(
    num_downs: int = 8,
    ngf: int = 64,
    norm: str = "batch",
    dropout: float = 0.5,
    upsampling: str = "transpose",
    input_channels: int = 3,
    output_channels: int = 3,
    image_size: int | None = None,
    name: str | None = None,
) -> keras.Model:
    """The Pix2Pix U-Net: an encoder-decoder with skip connections between mirrored layers.

    Encoder: C64-C128-C256-C512-C512-C512-C512-C512 (4×4 convolutions, stride 2, LeakyReLU 0.2, no
    norm on the first and the innermost layer). Decoder: transposed (or resize) convolutions with
    ReLU, each concatenated with the mirrored encoder output, dropout on the three innermost decoder
    layers (the paper's "noise"), tanh output in [-1, 1]. With the paper's settings (8 downs,
    ngf=64, batch norm) it has 54,413,955 trainable parameters.

    The network accepts any height and width that are multiples of `2**num_downs` (256 for
    `unet_256`); `tf_imgtrans.translate` pads other sizes.

    Args:
        num_downs: int. Down-sampling steps; 8 for 256×256 images, 7 for 128×128.
        ngf: int. Filters of the outermost layer; inner layers use up to 8×ngf.
        norm: str. "batch" (paper), "instance" or "none".
        dropout: float. Dropout rate in the three innermost decoder layers; 0 disables.
        upsampling: str. "transpose" (paper) or "resize" (nearest resize + 3×3 conv).
        input_channels: int. Channels of the input image.
        output_channels: int. Channels of the output image.
        image_size: int or None. Fixes the input size when given; None accepts any valid size.
        name: str, optional. Model name; defaults to `unet_{2**num_downs}`.

    Example:
    >>> g = unet_generator(num_downs=6, ngf=8)
    >>> tuple(g(keras.ops.zeros((1, 64, 64, 3))).shape)
    (1, 64, 64, 3)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017.
    """
    check_norm(norm)
    check_upsampling(upsampling)
    if not isinstance(num_downs, int) or num_downs < 2:
        raise ValueError(f"`num_downs` must be an int >= 2. Received: num_downs={num_downs!r}")
    if ngf < 1:
        raise ValueError(f"`ngf` must be a positive int. Received: ngf={ngf!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout!r}")
    if image_size is not None and image_size % (2**num_downs):
        raise ValueError(
            f"A U-Net with {num_downs} down-sampling steps needs sizes that are multiples of "
            f"{2**num_downs}. Received: image_size={image_size}"
        )
    bias = uses_bias(norm)
    size = image_size
    inputs = keras.Input((size, size, input_channels), name="image")

    # === Encoder === filters: ngf, 2ngf, 4ngf, 8ngf, 8ngf, ...
    filters = [ngf * min(2**i, 8) for i in range(num_downs)]
    skips = []
    x = inputs
    for i, f in enumerate(filters):
        if i > 0:
            x = keras.layers.LeakyReLU(0.2, name=f"down{i}_lrelu")(x)
        x = keras.layers.Conv2D(
            f,
            4,
            strides=2,
            padding="same",
            use_bias=bias,
            kernel_initializer=conv_init(),
            name=f"down{i}_conv",
        )(x)
        innermost = i == num_downs - 1
        if 0 < i and not innermost:  # no norm on the first layer or at the 1×1 bottleneck
            layer = norm_layer(norm, name=f"down{i}_norm")
            x = layer(x) if layer is not None else x
        skips.append(x)  # (bs, size / 2**(i+1), size / 2**(i+1), f)

    # === Decoder === mirrors the encoder; the skip of down i joins the output of up i.
    x = skips[-1]
    for j, i in enumerate(range(num_downs - 1, 0, -1)):
        x = keras.layers.ReLU(name=f"up{i}_relu")(x)
        x = up_conv(x, filters[i - 1], upsampling, bias, name=f"up{i}")
        layer = norm_layer(norm, name=f"up{i}_norm")
        x = layer(x) if layer is not None else x
        if dropout > 0 and j < 3:
            x = keras.layers.Dropout(dropout, name=f"up{i}_dropout")(x)
        x = keras.layers.Concatenate(name=f"up{i}_skip")([x, skips[i - 1]])
    x = keras.layers.ReLU(name="up0_relu")(x)
    x = up_conv(x, output_channels, upsampling, True, name="up0")
    outputs = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(inputs, outputs, name=name or f"unet_{2**num_downs}")
