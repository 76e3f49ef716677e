"""The PyTorch reference re-implements our networks exactly: same parameter counts at the papers'
sizes, and the same outputs for the same weights (U-Net and PatchGAN)."""

from __future__ import annotations

import numpy as np
import pytest

from tf_imgtrans.bench.torch_reference import torch_available
from tf_imgtrans.networks import get_discriminator, get_generator

ok, reason = torch_available()
if not ok:
    pytest.skip(reason, allow_module_level=True)

import torch  # noqa: E402
from torch import nn  # noqa: E402

from tf_imgtrans.bench import torch_reference as ref  # noqa: E402


def _trainable(model) -> int:
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def test_parameter_counts_match_ours_at_the_papers_sizes():
    assert ref.count_params(ref.unet_generator(8, 64)) == _trainable(get_generator("unet_256"))
    assert ref.count_params(ref.nlayer_discriminator(6, 64, 3)) == _trainable(
        get_discriminator("patch", n_layers=3, ndf=64)
    )
    assert ref.count_params(ref.resnet_generator(9, 64)) == 11_378_179
    assert _trainable(get_generator("resnet_9blocks")) == 11_378_179


def _copy_conv(keras_layer, module, swap_input_halves=False):
    kernel, *bias = (w.numpy() for w in keras_layer.weights)
    weight = kernel.transpose(3, 2, 0, 1)  # (kh, kw, a, b) -> (b, a, kh, kw), both kinds
    if swap_input_halves:  # ours concatenates [up, skip], the reference [skip, up]
        half = weight.shape[0] // 2
        weight = np.concatenate([weight[half:], weight[:half]])
    module.weight.data = torch.from_numpy(np.ascontiguousarray(weight))
    if bias:
        module.bias.data = torch.from_numpy(bias[0])


def _copy_norm(keras_layer, module):
    gamma, beta, mean, var = (torch.from_numpy(w.numpy()) for w in keras_layer.weights)
    module.weight.data, module.bias.data = gamma, beta
    module.running_mean.data, module.running_var.data = mean, var


def _unet_blocks(net):
    blocks = [net]
    while True:
        inner = [m for m in blocks[-1].model if isinstance(m, ref.UnetSkipConnectionBlock)]
        if not inner:
            return blocks
        blocks.append(inner[0])


def _randomise(model, seed=0):
    rng = np.random.default_rng(seed)
    for w in model.weights:  # non-trivial batch-norm statistics too
        low = 0.5 if "variance" in w.path or "gamma" in w.path else -0.1
        w.assign(rng.uniform(low, low + 0.2 if low < 0 else 1.5, w.shape).astype("float32"))


def _compare(keras_model, torch_model, x):
    torch_model.eval()
    with torch.no_grad():
        theirs = torch_model(torch.from_numpy(x.transpose(0, 3, 1, 2))).numpy()
    ours = keras_model(x, training=False).numpy()
    np.testing.assert_allclose(ours, theirs.transpose(0, 2, 3, 1), atol=2e-4, rtol=1e-3)


def test_unet_matches_the_reference_on_the_same_weights():
    n = 5
    ours = get_generator("unet", num_downs=n, ngf=4)
    _randomise(ours)
    theirs = ref.unet_generator(n, 4)
    for k, block in enumerate(_unet_blocks(theirs)):
        convs = [m for m in block.model if isinstance(m, nn.Conv2d)]
        upconvs = [m for m in block.model if isinstance(m, nn.ConvTranspose2d)]
        norms = [m for m in block.model if isinstance(m, nn.BatchNorm2d)]
        _copy_conv(ours.get_layer(f"down{k}_conv"), convs[0])
        _copy_conv(ours.get_layer(f"up{k}_convT"), upconvs[0], swap_input_halves=k < n - 1)
        if 0 < k < n - 1:
            _copy_norm(ours.get_layer(f"down{k}_norm"), norms.pop(0))
        if k > 0:
            _copy_norm(ours.get_layer(f"up{k}_norm"), norms.pop(0))
    x = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    _compare(ours, theirs, x)


def test_patchgan_matches_the_reference_on_the_same_weights():
    ours = get_discriminator("patch", n_layers=3, ndf=4)
    _randomise(ours)
    theirs = ref.nlayer_discriminator(6, 4, 3)
    convs = [m for m in theirs if isinstance(m, nn.Conv2d)]
    norms = [m for m in theirs if isinstance(m, nn.BatchNorm2d)]
    for i, conv in enumerate(convs):
        _copy_conv(ours.get_layer(f"conv{i}"), conv)
    for i, norm in enumerate(norms, start=1):
        _copy_norm(ours.get_layer(f"conv{i}_norm"), norm)
    x = np.random.default_rng(2).uniform(-1, 1, (2, 64, 64, 6)).astype("float32")
    _compare(ours, theirs, x)


def test_reference_steps_train_with_finite_losses():
    torch.manual_seed(0)
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    for step in (ref.Pix2PixStep(5, 4, 4, 3), ref.CycleGANStep(1, 4, 4, 3, pool_size=2)):
        first = step(x, -x)
        for _ in range(3):  # the pool fills, then swaps
            losses = step(x, -x)
        assert all(np.isfinite(v) for v in {**first, **losses}.values())
        assert losses != first
