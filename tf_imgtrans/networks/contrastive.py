"""What CUT's PatchNCE loss reads (Park et al. 2020): feature maps of the generator's encoder,
and a small MLP projection head per feature map."""

from __future__ import annotations

import keras


def resnet_nce_layers(generator: keras.Model) -> list[str]:
    """The paper's five PatchNCE layers of a ResNet generator (the reference's `--nce_layers
    0,4,8,12,16` of `resnet_9blocks`): the reflection-padded input, the two down-sampling
    convolutions (before their normalisation), and the outputs of the first and the fifth
    residual blocks (the last block where the generator has fewer than five).

    Raises:
        ValueError: `generator` is not a ResNet generator of `tf_imgtrans.networks` (its layer
            names are not there).
    """
    names = {layer.name for layer in generator.layers}
    blocks = sorted(
        int(n[len("block") : -len("_add")])
        for n in names
        if n.startswith("block") and n.endswith("_add")
    )
    wanted = ["stem_pad", "down0_conv", "down1_conv"]
    if not blocks or any(n not in names for n in wanted):
        raise ValueError(
            "CUT's automatic PatchNCE layers are those of a ResNet generator (stem_pad, "
            f"down0_conv, down1_conv, block*_add); {generator.name!r} has none of them. Name its "
            "layers with `nce_layers` (--nce-layers NAME,NAME,...)."
        )
    picked = [*wanted, f"block{blocks[0]}_add", f"block{blocks[min(4, len(blocks) - 1)]}_add"]
    return list(dict.fromkeys(picked))  # one block: its output once


def nce_layer_names(generator: keras.Model, spec: str = "auto") -> list[str]:
    """The generator layers whose outputs PatchNCE compares: `resnet_nce_layers(generator)` for
    "auto", else the comma-separated layer names of `spec` (each must be a layer of
    `generator`)."""
    if spec == "auto":
        return resnet_nce_layers(generator)
    wanted = [n.strip() for n in spec.split(",") if n.strip()]
    names = [layer.name for layer in generator.layers]
    missing = [n for n in wanted if n not in names]
    if not wanted or missing:
        raise ValueError(
            f"`nce_layers` must name layers of {generator.name!r}; {missing or 'none given'} "
            f"not among them ({', '.join(names)}). Received: nce_layers={spec!r}"
        )
    return wanted


def encoder_features(generator: keras.Model, layer_names: list[str], with_output: bool = False):
    """A functional model sharing `generator`'s layers that returns the outputs of
    `layer_names` (and, first, the translated image with `with_output`): one pass gives the
    image and the input's features, and a pass that stops at the deepest named layer gives a
    translated image's features."""
    outputs = [generator.get_layer(name).output for name in layer_names]
    if with_output:
        outputs = [generator.outputs[0], *outputs]
    return keras.Model(generator.input, outputs, name=f"{generator.name}_nce_features")


def projection_heads(channels: list[int], units: int = 256, name: str = "projection_heads"):
    """One 2-layer MLP per PatchNCE layer (Dense(units), ReLU, Dense(units)), as one Keras
    model with an input and an output per layer: input i is (batch, patches, channels[i]).
    Weights are drawn as the reference's Xavier-normal with gain 0.02."""
    if not channels or any(c < 1 for c in channels) or units < 1:
        raise ValueError(
            "`channels` must list positive channel counts and `units` be positive. "
            f"Received: channels={channels}, units={units}"
        )
    init = keras.initializers.VarianceScaling(0.02**2, "fan_avg", "untruncated_normal")
    inputs, outputs = [], []
    for i, c in enumerate(channels):
        x = keras.Input((None, c), name=f"patches_{i}")
        inputs.append(x)
        h = keras.layers.Dense(units, activation="relu", kernel_initializer=init, name=f"mlp{i}_1")(
            x
        )
        outputs.append(keras.layers.Dense(units, kernel_initializer=init, name=f"mlp{i}_2")(h))
    return keras.Model(inputs, outputs, name=name)
