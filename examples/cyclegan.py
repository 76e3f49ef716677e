"""
Title: CycleGAN: unpaired image-to-image translation with tf_imgtrans
Description: Train two ResNet generators and two PatchGANs with cycle consistency and `model.fit`.
Accelerator: GPU (runs on CPU at small sizes)

## Introduction

CycleGAN (Zhu et al., 2017) learns to translate between two domains, say horses and zebras,
from two unrelated collections of images: there are no pairs showing the same picture in both
domains. Two generators, G_AB: A -> B and G_BA: B -> A, each play a GAN game against a
discriminator of their output domain. Nothing in that game ties an output to its input, so the
paper adds *cycle consistency*: translating an image to the other domain and back should give
the image again, |G_BA(G_AB(a)) - a|₁ and |G_AB(G_BA(b)) - b|₁, weighted by λ = 10. An
*identity* loss (0.5·λ) asks each generator to leave images of its output domain alone, which
keeps colours from drifting. The discriminators are trained on a history of 50 generated images
per domain rather than on the newest ones only (the image pool).

This example uses the built-in synthetic `facades2night`: facades by day (A) and by night (B).
The training sets show different buildings in each domain, as real unpaired data would; the
test set shows the same buildings in both, so the translations can be scored against the truth.
Pass `--data cyclegan:horse2zebra` (downloaded once), `--data tfds:cycle_gan/horse2zebra` or a
folder with `trainA/`, `trainB/`, `testA/`, `testB/` for real data.

    python examples/cyclegan.py --epochs 10 --image-size 128
    python examples/cyclegan.py --smoke           # a few steps, as CI runs it
"""

import argparse
import os

import keras

from tf_imgtrans.callbacks import LinearDecay, SampleGrid
from tf_imgtrans.data import (
    has_ground_truth,
    load_domain_dataset,
    load_unpaired_dataset,
    resolve_unpaired_spec,
)
from tf_imgtrans.metrics import (
    FeatureModelUnavailable,
    evaluate_translation,
    format_translation_report,
    inception_feature_model,
)
from tf_imgtrans.models import CycleGAN
from tf_imgtrans.networks import patchgan_discriminator, resnet_generator

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--data", default="builtin:facades2night?n_train=200&n_test=50")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--image-size", type=int, default=128)
parser.add_argument("--ngf", type=int, default=32)
parser.add_argument("--n-blocks", type=int, default=6)
parser.add_argument("--out", default="runs/example_cyclegan")
parser.add_argument("--smoke", action="store_true", help="a few steps at 64×64")
args = parser.parse_args()
if args.smoke:
    args.data = "builtin:facades2night?n_train=8&n_test=4"
    args.epochs, args.image_size, args.ngf, args.n_blocks = 1, 64, 8, 1

"""
## Data

`resolve_unpaired_spec` turns `builtin:…`, `cyclegan:…`, `tfds:…` or a folder into a dataset
root. `load_unpaired_dataset` yields `(a, b)` batches in [-1, 1]: an epoch shows every image of
the larger domain once and draws the smaller domain in shuffled passes; each image gets the
paper's jitter (resize to 286/256 of the size, random crop, random mirror) on its own.
"""

root = resolve_unpaired_spec(args.data, image_size=args.image_size)
train_ds = load_unpaired_dataset(root, "train", image_size=args.image_size, batch_size=1)
# A test split with ground truth (as here) is read paired: ((a, b), (b, a)).
ground_truth = has_ground_truth(root, "test")
test_ds = load_unpaired_dataset(root, "test", image_size=args.image_size, batch_size=4)
sample_batch = next(
    iter(load_unpaired_dataset(root, "test", args.image_size, paired=False, cache=False))
)

"""
## Networks

The generators are ResNets (a 7×7 stem, two stride-2 convolutions, residual blocks, two
transposed convolutions; 9 blocks at 256×256, 6 at 128×128) with instance norm and reflection
padding. The discriminators are 70×70 PatchGANs on 3-channel images: unlike Pix2Pix, there is no
input to condition on.
"""


def generator(name):
    return resnet_generator(n_blocks=args.n_blocks, ngf=args.ngf, norm="instance", name=name)


def discriminator():
    return patchgan_discriminator(n_layers=3, ndf=args.ngf, input_channels=3, norm="instance")


generator_ab, generator_ba = generator("generator_AtoB"), generator("generator_BtoA")

"""
## Training with `model.fit`

`CycleGAN.compile` takes one optimizer for both generators and one for both discriminators
(Adam, 2e-4, β1 = 0.5), the GAN loss (LSGAN, as in the paper), λ and the pool size. Each step
updates the generators together, then the discriminators on real images and pooled fakes with
their loss halved. `LinearDecay` keeps the learning rate for the first half and decays it to zero
over the second; `SampleGrid` writes real | translated | reconstructed for both directions.
"""

model = CycleGAN(generator_ab, generator_ba, discriminator(), discriminator())
model.compile(
    g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    gan_mode="lsgan",
    lambda_cycle=10.0,
    lambda_identity=0.5,
    pool_size=50,
)
model.fit(
    train_ds,
    validation_data=test_ds,
    epochs=args.epochs,
    steps_per_epoch=4 if args.smoke else None,
    shuffle=False,  # the dataset reshuffles itself every epoch
    callbacks=[
        LinearDecay(args.epochs - args.epochs // 2, args.epochs // 2),
        SampleGrid(sample_batch, os.path.join(args.out, "samples")),
    ],
)

"""
## Evaluation

FID and KID between the translated test set and the target domain and, where the test split has
ground truth, PSNR and SSIM of each translation against it, next to the untranslated input.
FID and KID need a feature network: InceptionV3 with ImageNet weights when Keras can fetch them,
or any Keras model passed as `feature_model=`; without one, only PSNR/SSIM are computed.
"""

try:
    features = inception_feature_model()
except FeatureModelUnavailable as err:
    print(f"FID/KID skipped: {str(err).split('(')[0].strip()}")
    features = None
directions = (("A -> B", generator_ab, ("A", "B")), ("B -> A", generator_ba, ("B", "A")))
for direction, g, (src, dst) in directions if features is not None or ground_truth else ():
    report = evaluate_translation(
        g,
        load_domain_dataset(root, "test", src, image_size=args.image_size, batch_size=4),
        load_domain_dataset(root, "test", dst, image_size=args.image_size, batch_size=4),
        feature_model=features,
        ground_truth=ground_truth,
        distances=features is not None,
    )
    print(direction)
    print(format_translation_report(report))
os.makedirs(args.out, exist_ok=True)
generator_ab.save(os.path.join(args.out, "generator_AtoB.keras"))
generator_ba.save(os.path.join(args.out, "generator_BtoA.keras"))
print(f"Samples in {args.out}/samples, generators in {args.out}/generator_*.keras")
