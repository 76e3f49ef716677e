"""ResNet generator of CycleGAN (Zhu et al. 2017), after Johnson et al. 2016."""

from __future__ import annotations

import keras

from tf_imgtrans.layers import ReflectionPadding2D, check_norm, norm_layer, uses_bias
from tf_imgtrans.networks.unet import check_upsampling, conv_init


def _norm_act(x, norm: str, name: str, relu: bool = True):
    layer = norm_layer(norm, name=f"{name}_norm")
    x = layer(x) if layer is not None else x
    return keras.layers.ReLU(name=f"{name}_relu")(x) if relu else x


def residual_block(x, filters: int, norm: str, dropout: float, name: str):
    """[reflect-pad 1, 3×3 conv, norm, ReLU, (dropout), reflect-pad 1, 3×3 conv, norm] + input."""
    bias = uses_bias(norm)
    y = ReflectionPadding2D(1, name=f"{name}_pad1")(x)
    y = keras.layers.Conv2D(
        filters, 3, use_bias=bias, kernel_initializer=conv_init(), name=f"{name}_conv1"
    )(y)
    y = _norm_act(y, norm, f"{name}_1")
    if dropout > 0:
        y = keras.layers.Dropout(dropout, name=f"{name}_dropout")(y)
    y = ReflectionPadding2D(1, name=f"{name}_pad2")(y)
    y = keras.layers.Conv2D(
        filters, 3, use_bias=bias, kernel_initializer=conv_init(), name=f"{name}_conv2"
    )(y)
    y = _norm_act(y, norm, f"{name}_2", relu=False)
    return keras.layers.Add(name=f"{name}_add")([x, y])


def resnet_generator(
    n_blocks: int = 9,
    ngf: int = 64,
    norm: str = "instance",
    dropout: float = 0.0,
    upsampling: str = "transpose",
    input_channels: int = 3,
    output_channels: int = 3,
    image_size: int | None = None,
    name: str | None = None,
) -> keras.Model:
    """The CycleGAN generator: a 7×7 stem, two stride-2 down-samplings, `n_blocks` residual
    blocks at 4×ngf channels, two up-samplings and a 7×7 output convolution with tanh, with
    reflection padding throughout. With the paper's settings (9 blocks, ngf=64, instance norm) it
    has 11,378,179 parameters; the paper uses 6 blocks for 128×128 and 9 for 256×256 images.

    Any height and width that are multiples of 4 are accepted.

    Args:
        n_blocks: int. Residual blocks (9: `resnet_9blocks`, 6: `resnet_6blocks`).
        ngf: int. Filters of the stem; the residual blocks use 4×ngf.
        norm: str. "instance" (paper), "batch" or "none".
        dropout: float. Dropout inside the residual blocks (paper: 0).
        upsampling: str. "transpose" (paper: 3×3 stride-2 transposed convolutions) or "resize"
            (nearest resize + reflect-padded 3×3 convolution, no checkerboard artefacts).
        input_channels: int. Channels of the input image.
        output_channels: int. Channels of the output image.
        image_size: int or None. Fixes the input size when given; None accepts any valid size.
        name: str, optional. Model name; defaults to `resnet_{n_blocks}blocks`.

    Example:
    >>> g = resnet_generator(n_blocks=2, ngf=8)
    >>> tuple(g(keras.ops.zeros((1, 64, 64, 3))).shape)
    (1, 64, 64, 3)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017; Johnson et al., "Perceptual Losses for Real-Time Style Transfer
        and Super-Resolution", ECCV 2016.
    """
    check_norm(norm)
    check_upsampling(upsampling)
    if not isinstance(n_blocks, int) or n_blocks < 0:
        raise ValueError(f"`n_blocks` must be an int >= 0. Received: n_blocks={n_blocks!r}")
    if ngf < 1:
        raise ValueError(f"`ngf` must be a positive int. Received: ngf={ngf!r}")
    if image_size is not None and image_size % 4:
        raise ValueError(
            f"The ResNet generator needs sizes that are multiples of 4. "
            f"Received: image_size={image_size}"
        )
    bias = uses_bias(norm)
    inputs = keras.Input((image_size, image_size, input_channels), name="image")

    # === Stem === (bs, H, W, ngf)
    x = ReflectionPadding2D(3, name="stem_pad")(inputs)
    x = keras.layers.Conv2D(
        ngf, 7, use_bias=bias, kernel_initializer=conv_init(), name="stem_conv"
    )(x)
    x = _norm_act(x, norm, "stem")

    # === Down-sampling === (bs, H/4, W/4, 4ngf)
    for i in range(2):
        x = keras.layers.ZeroPadding2D(1, name=f"down{i}_pad")(x)
        x = keras.layers.Conv2D(
            ngf * 2 ** (i + 1),
            3,
            strides=2,
            use_bias=bias,
            kernel_initializer=conv_init(),
            name=f"down{i}_conv",
        )(x)
        x = _norm_act(x, norm, f"down{i}")

    # === Residual blocks ===
    for i in range(n_blocks):
        x = residual_block(x, ngf * 4, norm, dropout, name=f"block{i}")

    # === Up-sampling === (bs, H, W, ngf)
    for i in range(2):
        filters = ngf * 2 ** (1 - i)
        if upsampling == "transpose":
            x = keras.layers.Conv2DTranspose(
                filters,
                3,
                strides=2,
                padding="same",
                use_bias=bias,
                kernel_initializer=conv_init(),
                name=f"up{i}_convT",
            )(x)
        else:
            x = keras.layers.UpSampling2D(2, interpolation="nearest", name=f"up{i}_resize")(x)
            x = ReflectionPadding2D(1, name=f"up{i}_pad")(x)
            x = keras.layers.Conv2D(
                filters, 3, use_bias=bias, kernel_initializer=conv_init(), name=f"up{i}_conv"
            )(x)
        x = _norm_act(x, norm, f"up{i}")

    # === Output === (bs, H, W, output_channels) in [-1, 1]
    x = ReflectionPadding2D(3, name="out_pad")(x)
    x = keras.layers.Conv2D(output_channels, 7, kernel_initializer=conv_init(), name="out_conv")(x)
    outputs = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(inputs, outputs, name=name or f"resnet_{n_blocks}blocks")
