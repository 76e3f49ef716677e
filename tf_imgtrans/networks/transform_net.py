"""The image transformation network of fast style transfer (Johnson et al. 2016)."""

from __future__ import annotations

import keras

from tf_imgtrans.layers import ReflectionPadding2D, check_norm, norm_layer, uses_bias
from tf_imgtrans.networks.resnet import residual_block
from tf_imgtrans.networks.unet import check_upsampling, conv_init


def _conv_norm_relu(x, filters: int, kernel: int, stride: int, norm: str, name: str):
    x = ReflectionPadding2D(kernel // 2, name=f"{name}_pad")(x)
    x = keras.layers.Conv2D(
        filters,
        kernel,
        strides=stride,
        use_bias=uses_bias(norm),
        kernel_initializer=conv_init(),
        name=f"{name}_conv",
    )(x)
    layer = norm_layer(norm, name=f"{name}_norm")
    x = layer(x) if layer is not None else x
    return keras.layers.ReLU(name=f"{name}_relu")(x)


def style_transfer_net(
    filters: int = 32,
    n_blocks: int = 5,
    norm: str = "instance",
    upsampling: str = "resize",
    image_size: int | None = None,
    name: str = "style_transfer_net",
) -> keras.Model:
    """Johnson et al.'s transformation network: a 9×9 stem, two stride-2 3×3 down-samplings,
    `n_blocks` residual blocks at 4×filters, two 2× up-samplings and a 9×9 output convolution with
    tanh, reflection padding everywhere and instance normalisation (Ulyanov et al. 2016) instead
    of the paper's batch normalisation. Up-sampling is nearest resize + 3×3 convolution by default
    (no checkerboard artefacts, Odena et al. 2016) or the paper's stride-2 transposed convolution.

    With the paper's settings (32 filters, 5 blocks) it has 1,676,035 parameters. Any height and
    width that are multiples of 4 are accepted (`translate` pads other sizes); images are float
    RGB in [-1, 1] in and out, like every generator of the package.

    Args:
        filters: int. Filters of the stem; 2× and 4× after each down-sampling.
        n_blocks: int. Residual blocks (paper: 5).
        norm: str. "instance" (default), "batch" (paper) or "none".
        upsampling: str. "resize" (default) or "transpose" (paper).
        image_size: int or None. Fixes the input size when given.
        name: str. Model name.

    Example:
    >>> net = style_transfer_net(filters=8, n_blocks=1)
    >>> tuple(net(keras.ops.zeros((1, 36, 44, 3))).shape)
    (1, 36, 44, 3)

    Reference:
        Johnson, Alahi & Fei-Fei, "Perceptual Losses for Real-Time Style Transfer and
        Super-Resolution", ECCV 2016; Ulyanov, Vedaldi & Lempitsky, "Instance Normalization: The
        Missing Ingredient for Fast Stylization", 2016.
    """
    check_norm(norm)
    check_upsampling(upsampling)
    if not isinstance(filters, int) or filters < 1:
        raise ValueError(f"`filters` must be a positive int. Received: filters={filters!r}")
    if not isinstance(n_blocks, int) or n_blocks < 0:
        raise ValueError(f"`n_blocks` must be an int >= 0. Received: n_blocks={n_blocks!r}")
    if image_size is not None and image_size % 4:
        raise ValueError(
            "The style transfer network needs sizes that are multiples of 4. "
            f"Received: image_size={image_size}"
        )
    inputs = keras.Input((image_size, image_size, 3), name="image")
    x = _conv_norm_relu(inputs, filters, 9, 1, norm, "stem")  # (bs, H, W, f)
    x = _conv_norm_relu(x, filters * 2, 3, 2, norm, "down0")  # (bs, H/2, W/2, 2f)
    x = _conv_norm_relu(x, filters * 4, 3, 2, norm, "down1")  # (bs, H/4, W/4, 4f)
    for i in range(n_blocks):
        x = residual_block(x, filters * 4, norm, 0.0, name=f"block{i}")
    for i, f in enumerate((filters * 2, filters)):  # (bs, H/2, W/2, 2f), (bs, H, W, f)
        if upsampling == "resize":
            x = keras.layers.UpSampling2D(2, interpolation="nearest", name=f"up{i}_resize")(x)
            x = _conv_norm_relu(x, f, 3, 1, norm, f"up{i}")
        else:
            x = keras.layers.Conv2DTranspose(
                f,
                3,
                strides=2,
                padding="same",
                use_bias=uses_bias(norm),
                kernel_initializer=conv_init(),
                name=f"up{i}_convT",
            )(x)
            layer = norm_layer(norm, name=f"up{i}_norm")
            x = layer(x) if layer is not None else x
            x = keras.layers.ReLU(name=f"up{i}_relu")(x)
    x = ReflectionPadding2D(4, name="out_pad")(x)
    x = keras.layers.Conv2D(3, 9, kernel_initializer=conv_init(), name="out_conv")(x)
    outputs = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)  # [-1, 1]
    return keras.Model(inputs, outputs, name=name)
