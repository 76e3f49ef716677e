"""The PyTorch reference of Pix2Pix and CycleGAN, for side-by-side training speed.

A re-implementation of the networks and the training step of pytorch-CycleGAN-and-pix2pix
(Zhu, Park et al.; `models/networks.py`, `models/pix2pix_model.py`, `models/cycle_gan_model.py`,
`util/image_pool.py`) with its defaults: `UnetGenerator` (unet_256: 8 downs, ngf 64, batch norm,
dropout 0.5 in the three blocks around the innermost one), `NLayerDiscriminator` (n_layers 3),
`ResnetGenerator` (9 blocks, instance norm without affine parameters, reflection padding),
`GANLoss` ("vanilla" = BCE with logits for pix2pix, "lsgan" = MSE for CycleGAN), weights drawn
from N(0, 0.02) (batch-norm scales from N(1, 0.02)), Adam(2e-4, β = (0.5, 0.999)), float32, NCHW,
and `optimize_parameters` of both models, the image pool (50) included.

PyTorch is not a dependency of tf_imgtrans: `torch_available()` says whether it can be imported,
and the benchmark skips this comparison, with the reason, where it cannot. Run as a script, this
file is a benchmark worker (see `workers.py`) and imports no TensorFlow.
"""

from __future__ import annotations

import importlib.util
import os
import random

import numpy as np

# Run as a script (a benchmark worker), `tf_imgtrans` must not be imported: its package imports
# TensorFlow, which would share the process (memory, threads) with the PyTorch reference.
if __package__:
    from tf_imgtrans.bench import workers
else:  # pragma: no cover - the worker process
    import workers  # the sibling module, found through sys.path[0]

try:
    import torch
    from torch import nn
except ImportError:  # the tests and the benchmark ask torch_available() first
    torch = nn = None


def torch_available() -> tuple[bool, str]:
    """(True, version) where PyTorch imports, else (False, the reason)."""
    if importlib.util.find_spec("torch") is None:
        return False, "PyTorch is not installed (pip install torch==2.13.0 for the CPU wheel)"
    if torch is None:
        return False, "PyTorch is installed but failed to import"
    return True, torch.__version__


# === Networks (models/networks.py) ===


class UnetSkipConnectionBlock(nn.Module if nn else object):
    """[down] -> submodule -> [up], concatenated with the block's input (except outermost)."""

    def __init__(
        self,
        outer_nc,
        inner_nc,
        input_nc=None,
        submodule=None,
        outermost=False,
        innermost=False,
        use_dropout=False,
    ):
        super().__init__()
        self.outermost = outermost
        input_nc = input_nc or outer_nc
        use_bias = False  # batch norm
        downconv = nn.Conv2d(input_nc, inner_nc, 4, stride=2, padding=1, bias=use_bias)
        downrelu, downnorm = nn.LeakyReLU(0.2, True), nn.BatchNorm2d(inner_nc)
        uprelu, upnorm = nn.ReLU(True), nn.BatchNorm2d(outer_nc)
        if outermost:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, stride=2, padding=1)
            model = [downconv, submodule, uprelu, upconv, nn.Tanh()]
        elif innermost:
            upconv = nn.ConvTranspose2d(inner_nc, outer_nc, 4, 2, 1, bias=use_bias)
            model = [downrelu, downconv, uprelu, upconv, upnorm]
        else:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, 2, 1, bias=use_bias)
            model = [downrelu, downconv, downnorm, submodule, uprelu, upconv, upnorm]
            if use_dropout:
                model.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*model)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        return torch.cat([x, self.model(x)], 1)


def unet_generator(num_downs=8, ngf=64, input_nc=3, output_nc=3, use_dropout=True):
    """`UnetGenerator`: built from the innermost block outwards."""
    block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, innermost=True)
    for _ in range(num_downs - 5):
        block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, submodule=block, use_dropout=use_dropout)
    block = UnetSkipConnectionBlock(ngf * 4, ngf * 8, submodule=block)
    block = UnetSkipConnectionBlock(ngf * 2, ngf * 4, submodule=block)
    block = UnetSkipConnectionBlock(ngf, ngf * 2, submodule=block)
    return UnetSkipConnectionBlock(output_nc, ngf, input_nc, submodule=block, outermost=True)


def nlayer_discriminator(input_nc=6, ndf=64, n_layers=3, norm="batch"):
    """`NLayerDiscriminator`: the 70×70 PatchGAN for n_layers=3."""
    use_bias = norm == "instance"

    def norm_layer(c):
        return nn.BatchNorm2d(c) if norm == "batch" else nn.InstanceNorm2d(c)

    seq = [nn.Conv2d(input_nc, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
    mult = 1
    for n in range(1, n_layers + 1):
        prev, mult = mult, min(2**n, 8)
        stride = 2 if n < n_layers else 1
        seq += [
            nn.Conv2d(ndf * prev, ndf * mult, 4, stride=stride, padding=1, bias=use_bias),
            norm_layer(ndf * mult),
            nn.LeakyReLU(0.2, True),
        ]
    seq.append(nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1))
    return nn.Sequential(*seq)


class ResnetBlock(nn.Module if nn else object):
    def __init__(self, dim):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, 3, bias=True),
            nn.InstanceNorm2d(dim),
            nn.ReLU(True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, 3, bias=True),
            nn.InstanceNorm2d(dim),
        )

    def forward(self, x):
        return x + self.conv_block(x)


def resnet_generator(n_blocks=9, ngf=64, input_nc=3, output_nc=3):
    """`ResnetGenerator` with instance norm (bias on every convolution) and reflection padding."""
    seq = [
        nn.ReflectionPad2d(3),
        nn.Conv2d(input_nc, ngf, 7, bias=True),
        nn.InstanceNorm2d(ngf),
        nn.ReLU(True),
    ]
    for i in range(2):
        m = 2**i
        seq += [
            nn.Conv2d(ngf * m, ngf * m * 2, 3, stride=2, padding=1, bias=True),
            nn.InstanceNorm2d(ngf * m * 2),
            nn.ReLU(True),
        ]
    seq += [ResnetBlock(ngf * 4) for _ in range(n_blocks)]
    for i in range(2):
        m = 2 ** (2 - i)
        seq += [
            nn.ConvTranspose2d(ngf * m, ngf * m // 2, 3, 2, padding=1, output_padding=1),
            nn.InstanceNorm2d(ngf * m // 2),
            nn.ReLU(True),
        ]
    seq += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7), nn.Tanh()]
    return nn.Sequential(*seq)


def init_weights(net, gain=0.02):
    """`init_weights(net, "normal", 0.02)`."""

    def init(m):
        name = type(m).__name__
        if hasattr(m, "weight") and ("Conv" in name or "Linear" in name):
            nn.init.normal_(m.weight, 0.0, gain)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0.0)
        elif "BatchNorm2d" in name:
            nn.init.normal_(m.weight, 1.0, gain)
            nn.init.constant_(m.bias, 0.0)

    net.apply(init)
    return net


class GANLoss(nn.Module if nn else object):
    """`GANLoss`: the loss against a target of all ones (real) or all zeros (fake)."""

    def __init__(self, gan_mode):
        super().__init__()
        self.loss = nn.MSELoss() if gan_mode == "lsgan" else nn.BCEWithLogitsLoss()

    def forward(self, prediction, target_is_real):
        target = torch.tensor(1.0 if target_is_real else 0.0).expand_as(prediction)
        return self.loss(prediction, target)


class ImagePool:
    """`util/image_pool.py`: a history of generated images shown to the discriminators."""

    def __init__(self, pool_size=50):
        self.pool_size, self.images = pool_size, []

    def query(self, images):
        if self.pool_size == 0:
            return images
        out = []
        for image in images:
            image = torch.unsqueeze(image.data, 0)
            if len(self.images) < self.pool_size:
                self.images.append(image)
                out.append(image)
            elif random.uniform(0, 1) > 0.5:
                i = random.randint(0, self.pool_size - 1)
                out.append(self.images[i].clone())
                self.images[i] = image
            else:
                out.append(image)
        return torch.cat(out, 0)


def _adam(*nets):
    params = [p for net in nets for p in net.parameters()]
    return torch.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999))


def _set_requires_grad(nets, flag):
    for net in nets:
        for p in net.parameters():
            p.requires_grad = flag


# === Training steps (optimize_parameters) ===


class Pix2PixStep:
    """`Pix2PixModel.optimize_parameters`: D on (fake pair detached, real pair) with the loss
    halved, then G on GAN + 100·L1 against the updated D."""

    def __init__(self, num_downs=8, ngf=64, ndf=64, n_layers=3):
        self.net_g = init_weights(unet_generator(num_downs, ngf))
        self.net_d = init_weights(nlayer_discriminator(6, ndf, n_layers, "batch"))
        self.gan, self.l1 = GANLoss("vanilla"), nn.L1Loss()
        self.opt_g, self.opt_d = _adam(self.net_g), _adam(self.net_d)
        self.net_g.train()
        self.net_d.train()

    def __call__(self, real_a, real_b) -> dict:
        fake_b = self.net_g(real_a)
        _set_requires_grad([self.net_d], True)
        self.opt_d.zero_grad()
        pred_fake = self.net_d(torch.cat((real_a, fake_b), 1).detach())
        pred_real = self.net_d(torch.cat((real_a, real_b), 1))
        loss_d = (self.gan(pred_fake, False) + self.gan(pred_real, True)) * 0.5
        loss_d.backward()
        self.opt_d.step()
        _set_requires_grad([self.net_d], False)
        self.opt_g.zero_grad()
        loss_g_gan = self.gan(self.net_d(torch.cat((real_a, fake_b), 1)), True)
        loss_g_l1 = self.l1(fake_b, real_b) * 100.0
        (loss_g_gan + loss_g_l1).backward()
        self.opt_g.step()
        return {"d_loss": loss_d.item(), "g_gan": loss_g_gan.item(), "g_l1": loss_g_l1.item()}


class CycleGANStep:
    """`CycleGANModel.optimize_parameters`: both generators on GAN + cycle (λ 10) + identity
    (λ 5) with the discriminators fixed, then both discriminators on real images and pooled fakes
    with the losses halved."""

    def __init__(self, n_blocks=9, ngf=64, ndf=64, n_layers=3, pool_size=50):
        self.g_a = init_weights(resnet_generator(n_blocks, ngf))  # A -> B
        self.g_b = init_weights(resnet_generator(n_blocks, ngf))  # B -> A
        self.d_a = init_weights(nlayer_discriminator(3, ndf, n_layers, "instance"))  # judges B
        self.d_b = init_weights(nlayer_discriminator(3, ndf, n_layers, "instance"))  # judges A
        self.gan, self.l1 = GANLoss("lsgan"), nn.L1Loss()
        self.pool_a, self.pool_b = ImagePool(pool_size), ImagePool(pool_size)
        self.opt_g, self.opt_d = _adam(self.g_a, self.g_b), _adam(self.d_a, self.d_b)

    def _backward_d(self, net_d, real, fake):
        loss = (self.gan(net_d(real), True) + self.gan(net_d(fake.detach()), False)) * 0.5
        loss.backward()
        return loss

    def __call__(self, real_a, real_b) -> dict:
        fake_b = self.g_a(real_a)
        rec_a = self.g_b(fake_b)
        fake_a = self.g_b(real_b)
        rec_b = self.g_a(fake_a)
        _set_requires_grad([self.d_a, self.d_b], False)
        self.opt_g.zero_grad()
        loss_idt_a = self.l1(self.g_a(real_b), real_b) * 10.0 * 0.5
        loss_idt_b = self.l1(self.g_b(real_a), real_a) * 10.0 * 0.5
        loss_g = (
            self.gan(self.d_a(fake_b), True)
            + self.gan(self.d_b(fake_a), True)
            + self.l1(rec_a, real_a) * 10.0
            + self.l1(rec_b, real_b) * 10.0
            + loss_idt_a
            + loss_idt_b
        )
        loss_g.backward()
        self.opt_g.step()
        _set_requires_grad([self.d_a, self.d_b], True)
        self.opt_d.zero_grad()
        loss_d_a = self._backward_d(self.d_a, real_b, self.pool_b.query(fake_b))
        loss_d_b = self._backward_d(self.d_b, real_a, self.pool_a.query(fake_a))
        self.opt_d.step()
        return {"g_loss": loss_g.item(), "d_A": loss_d_a.item(), "d_B": loss_d_b.item()}


def count_params(*nets) -> int:
    return sum(p.numel() for net in nets for p in net.parameters())


def build_reference(spec: dict) -> tuple:
    """(training step, networks with the A → B generator first) of `spec`'s model, seeded."""
    torch.manual_seed(spec.get("seed", 0))
    random.seed(spec.get("seed", 0))
    if spec.get("threads"):
        torch.set_num_threads(spec["threads"])
    arch = spec["arch"]
    if spec["model"] == "pix2pix":
        train = Pix2PixStep(arch["num_downs"], arch["ngf"], arch["ndf"], arch["n_layers"])
        return train, [train.net_g, train.net_d]
    if spec["model"] == "cyclegan":
        train = CycleGANStep(arch["n_blocks"], arch["ngf"], arch["ndf"], arch["n_layers"])
        return train, [train.g_a, train.g_b, train.d_a, train.d_b]
    raise ValueError(f"No PyTorch reference for model={spec['model']!r}")


def build_step(spec: dict):
    """A benchmark worker's (step, info, memory) for `spec` (see `train_speed.worker_spec`)."""
    train, nets = build_reference(spec)
    n, size = spec["batch_size"], spec["image_size"]
    real_a = torch.rand(n, 3, size, size) * 2 - 1
    real_b = torch.rand(n, 3, size, size) * 2 - 1
    info = {"params": count_params(*nets), "torch": torch.__version__, "threads": spec["threads"]}
    return (lambda: train(real_a, real_b)), info, dict


class TorchLearner:
    """A reference training step as a `tf_imgtrans.curves.Learner` (the quality benchmark):
    NHWC float32 arrays in, NCHW tensors to the step; translations as the reference's `test.py`
    makes them by default (no `--eval`): the generator in train mode (batch statistics, dropout
    on), one image at a time, without gradients."""

    def __init__(self, train, generator, batch_size: int):
        self.step, self.generator, self.batch_size = train, generator, batch_size

    @staticmethod
    def _nchw(x):
        return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))

    def train(self, a, b) -> dict:
        losses = {}
        for i in range(0, len(a), self.batch_size):
            batch = slice(i, i + self.batch_size)
            losses = self.step(self._nchw(a[batch]), self._nchw(b[batch]))
        return losses

    def translate(self, x):
        self.generator.train()
        with torch.no_grad():
            out = [self.generator(self._nchw(x[i : i + 1])).numpy() for i in range(len(x))]
        return np.concatenate(out).transpose(0, 2, 3, 1)


def torch_learner(spec: dict) -> TorchLearner:
    """The seeded reference Pix2Pix or CycleGAN of `spec` (see `quality_worker`) as a learner."""
    train, nets = build_reference(spec)
    return TorchLearner(train, nets[0], spec["batch_size"])


if __name__ == "__main__":  # pragma: no cover - a benchmark worker process
    os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count()))
    workers.serve(build_step)
