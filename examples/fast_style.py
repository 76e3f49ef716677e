"""
Title: Fast neural style transfer (Johnson et al.) with tf_imgtrans
Description: Train a feed-forward network with perceptual losses to paint any photo in one style,
in a single pass.
Accelerator: GPU (the paper trains 2 epochs of MS-COCO; a CPU manages a short demo)

## Introduction

Optimising every picture (Gatys et al.) takes minutes. Johnson, Alahi & Fei-Fei (2016) train an
*image transformation network* once per style instead: a small residual network whose output, fed
to a frozen VGG16, should have the content features of its input (relu2_2) and the Gram matrices
of the style image (relu1_2, relu2_2, relu3_3, relu4_3). After training it stylizes any size in one
forward pass, and it is a plain Keras model: `tf-imgtrans translate` and `tf-imgtrans export` take
it like any other generator.

The network here follows the paper with two later improvements: instance normalisation (Ulyanov et
al. 2016) and resize-convolution up-sampling (no checkerboard artefacts).

    python examples/fast_style.py --data coco/train2014 --style painting.jpg --epochs 2
    python examples/fast_style.py --smoke      # a few steps at 64 px, as CI runs it

Without `--data`, random crops of the sample photos that ship with matplotlib (and scikit-image,
if installed) are the training set: enough to see the style appear, not to generalise.
VGG16 weights: `--vgg-weights FILE`, `$TF_IMGTRANS_VGG_WEIGHTS`, `../shared/weights/`, else
`keras.applications`; with `--smoke` and no file found, random weights.
"""

import argparse
import os

import keras
import numpy as np

from tf_imgtrans.callbacks import SampleGrid
from tf_imgtrans.data import load_image_dataset, save_image
from tf_imgtrans.inference import translate
from tf_imgtrans.models import FastStyleTransfer
from tf_imgtrans.models.style_transfer import JOHNSON_CONTENT_LAYERS, JOHNSON_STYLE_LAYERS
from tf_imgtrans.networks import get_generator, vgg_features
from tf_imgtrans.style.images import as_float_image, long_side_shape, resize
from tf_imgtrans.style.samples import find_vgg_weights, sample_photos, write_random_crops

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared")

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--data", help="folder of content images (default: crops of sample photos)")
parser.add_argument("--style", help="style image (default: ../shared/images/starry_night.jpg)")
parser.add_argument("--image-size", type=int, default=128)
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--batch-size", type=int, default=4)
parser.add_argument("--style-weight", type=float, default=5.0)
parser.add_argument("--vgg-weights", help="VGG16 weights file (.npz / .h5 / .weights.h5)")
parser.add_argument("--out", default="runs/example_fast_style")
parser.add_argument("--smoke", action="store_true", help="a few steps at 64 px")
args = parser.parse_args()
if args.smoke:
    args.image_size, args.epochs, args.batch_size = 64, 1, 2


"""
## Data

Content images only: the style is fixed. Each is resized to a square of `image_size` (the paper:
256×256 MS-COCO images), shuffled and batched by `load_image_dataset`.
"""

data = args.data or write_random_crops(sample_photos(), os.path.join(args.out, "content"), 48)
train_ds = load_image_dataset(
    data, image_size=args.image_size, batch_size=args.batch_size, shuffle=True, seed=0
)
sample = next(iter(load_image_dataset(data, image_size=args.image_size, batch_size=4)))
style_file = args.style or os.path.join(SHARED, "images", "starry_night.jpg")
if os.path.isfile(style_file):
    style = as_float_image(style_file)
else:
    style = np.random.default_rng(0).uniform(-1, 1, (96, 96, 3)).astype("float32")
    print(f"No style image at {style_file}: a random one stands in (smoke run).")
style = resize(style, long_side_shape(style.shape, args.image_size))

"""
## The networks

The transformation network (registered as `style_transfer_net`: 9×9 stem, two stride-2
convolutions, 5 residual blocks, two resize-convolutions, 9×9 output with tanh; 1.68 M parameters)
and the frozen VGG16 that defines the losses.
"""

weights = find_vgg_weights(
    [args.vgg_weights, os.path.join(SHARED, "weights", "vgg16_imagenet_notop.npz")],
    "random" if args.smoke else "imagenet",
)
print(f"VGG16 weights: {weights}")
generator = get_generator("style_transfer_net", filters=8 if args.smoke else 32)
vgg = vgg_features(JOHNSON_CONTENT_LAYERS + JOHNSON_STYLE_LAYERS, weights=weights)

"""
## Training with `model.fit`

`FastStyleTransfer.train_step` runs G, measures content, style (Gram) and total-variation losses
through VGG and updates only G with Adam (1e-3, the paper's). `SampleGrid` writes content |
stylized | style after every epoch.
"""

model = FastStyleTransfer(generator, vgg, style)
model.compile(
    g_optimizer=keras.optimizers.Adam(1e-3),
    content_weight=1.0,
    style_weight=args.style_weight,
    tv_weight=1e4,
)
model.fit(
    train_ds,
    epochs=args.epochs,
    steps_per_epoch=2 if args.smoke else None,
    callbacks=[SampleGrid((sample,), os.path.join(args.out, "samples"))],
)

"""
## Stylizing any size in one pass

`translate` pads the photo to the network's multiple of 4 and crops the result back. The generator
is saved like any other: `tf-imgtrans translate --model …/generator.keras photos/ --out styled/`.
"""

photo = sample_photos()[0]
save_image(os.path.join(args.out, "photo_stylized.png"), translate(generator, photo))
generator.save(os.path.join(args.out, "generator.keras"))
print(f"Samples in {args.out}/samples, generator in {args.out}/generator.keras")
