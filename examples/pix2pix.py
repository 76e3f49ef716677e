"""
Title: Pix2Pix: paired image-to-image translation with tf_imgtrans
Description: Train a U-Net generator against a PatchGAN discriminator with `model.fit`.
Accelerator: GPU (runs on CPU at small sizes)

## Introduction

Pix2Pix (Isola et al., 2017) learns a mapping from input images to output images from aligned
pairs: label maps to photos, edges to shoes, day to night. The generator is a U-Net whose skip
connections carry fine detail from the input to the output; the discriminator is a *PatchGAN*
that classifies each 70×70 patch of an (input, output) pair as real or fake. The generator
minimises the adversarial loss plus λ·L1 (λ = 100) to the target.

This example uses the built-in synthetic facades (label maps rendered to textured facades), so it
runs without a download. Pass `--data pix2pix:facades` for the published set, or a folder of your
own pairs.

    python examples/pix2pix.py --epochs 20 --image-size 128
    python examples/pix2pix.py --smoke           # a few steps, as CI runs it
"""

import argparse
import os

import keras

from tf_imgtrans.callbacks import LinearDecay, SampleGrid
from tf_imgtrans.data import load_paired_dataset, resolve_paired_spec
from tf_imgtrans.evaluation import evaluate_paired, format_report
from tf_imgtrans.models import Pix2Pix
from tf_imgtrans.networks import get_discriminator, get_generator

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--data", default="builtin:facades")
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--image-size", type=int, default=128)
parser.add_argument("--ngf", type=int, default=32)
parser.add_argument("--out", default="runs/example_pix2pix")
parser.add_argument("--smoke", action="store_true", help="a few steps at 64×64")
args = parser.parse_args()
if args.smoke:
    args.data, args.epochs, args.image_size, args.ngf = (
        "builtin:facades?n_train=8&n_val=4&n_test=4",
        1,
        64,
        8,
    )

"""
## Data

`resolve_paired_spec` turns `builtin:…`, `pix2pix:…` or a folder into a dataset root, and
`load_paired_dataset` yields `(input, target)` batches in [-1, 1]. Training images get the paper's
random jitter (resize to 286/256 of the size, random crop, random mirror) applied identically to
both images of a pair.
"""

root = resolve_paired_spec(args.data, image_size=args.image_size)
train_ds = load_paired_dataset(root, "train", image_size=args.image_size, batch_size=1)
val_ds = load_paired_dataset(root, "val", image_size=args.image_size, batch_size=4)
test_ds = load_paired_dataset(root, "test", image_size=args.image_size, batch_size=4)

"""
## Networks

A U-Net with as many down-sampling steps as halve the image to 1×1 (`unet_256` at 256×256), and
the 70×70 PatchGAN, which sees the input and the output concatenated (6 channels).
"""

num_downs = {64: 6, 128: 7, 256: 8}[args.image_size]
generator = get_generator("unet", num_downs=num_downs, ngf=args.ngf)
discriminator = get_discriminator("patch", n_layers=3, ndf=args.ngf, input_channels=6)

"""
## Training with `model.fit`

`Pix2Pix.compile` takes one optimizer per network (Adam, 2e-4, β1 = 0.5 as in the paper).
`LinearDecay` keeps the learning rate for the first half of training and decays it linearly to
zero over the second half; `SampleGrid` writes input | output | target for validation images
after every epoch.
"""

model = Pix2Pix(generator, discriminator)
model.compile(
    g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    gan_mode="vanilla",
    lambda_l1=100.0,
)
sample_batch = next(iter(val_ds))
model.fit(
    train_ds,
    validation_data=val_ds,
    epochs=args.epochs,
    steps_per_epoch=4 if args.smoke else None,
    callbacks=[
        LinearDecay(args.epochs - args.epochs // 2, args.epochs // 2),
        SampleGrid(sample_batch, os.path.join(args.out, "samples")),
    ],
)

"""
## Evaluation

PSNR and SSIM of the translated test split against its ground truth, next to two trivial
baselines: the input itself, and the mean training target.
"""

print(format_report(evaluate_paired(generator, test_ds, train_dataset=train_ds)))
generator.save(os.path.join(args.out, "generator.keras"))
print(f"Samples in {args.out}/samples, generator in {args.out}/generator.keras")
