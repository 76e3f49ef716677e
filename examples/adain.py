"""
Title: Arbitrary style transfer with AdaIN (Huang & Belongie) in tf_imgtrans
Description: Train one decoder that paints any content image in any style in one pass, by
re-normalising VGG features to the style's channel statistics.
Accelerator: GPU (the paper trains 160,000 iterations on MS-COCO × WikiArt)

## Introduction

Adaptive instance normalisation (AdaIN) keeps a content image's VGG features but gives each
channel the mean and standard deviation it has for the style image:
AdaIN(x, y) = σ(y)·(x − μ(x))/σ(x) + μ(y). A decoder, trained once, turns such features back into
an image. The encoder is a frozen VGG up to relu4_1; the decoder mirrors it with nearest
up-sampling and reflection-padded convolutions. The loss: the decoded image's relu4_1 features
should equal the AdaIN output (content), and its relu1_1 … relu4_1 channel means and standard
deviations should equal the style's (style, weight 10).

At inference, `alpha` trades style for content, several styles can be interpolated, and colours
can be kept. The exported model takes (content, style) images; a fixed-style version is a plain
one-input generator.

    python examples/adain.py --content coco/ --style wikiart/ --epochs 20
    python examples/adain.py --smoke      # a few steps at 64 px, as CI runs it

Without folders, random crops of sample photos (matplotlib, scikit-image if installed) are the
content set and crops of ../shared/images/starry_night.jpg plus generated patterns the style set.
VGG16 weights: `--vgg-weights FILE`, `$TF_IMGTRANS_VGG_WEIGHTS`, `../shared/weights/`, else
`keras.applications`; with `--smoke` and no file found, random weights.
"""

import argparse
import os

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.callbacks import SampleGrid
from tf_imgtrans.data import load_image, load_image_dataset, save_image
from tf_imgtrans.models import AdaIN
from tf_imgtrans.networks import adain_decoder, adain_encoder
from tf_imgtrans.style import adain_generator, adain_stylize
from tf_imgtrans.style.samples import find_vgg_weights, sample_photos, write_random_crops

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared")

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--content", help="folder of content images")
parser.add_argument("--style", help="folder of style images")
parser.add_argument("--image-size", type=int, default=128)
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=8)
parser.add_argument("--vgg-weights", help="VGG16 weights file (.npz / .h5 / .weights.h5)")
parser.add_argument("--out", default="runs/example_adain")
parser.add_argument("--smoke", action="store_true", help="a few steps at 64 px")
args = parser.parse_args()
if args.smoke:
    args.image_size, args.epochs, args.batch_size = 64, 1, 2


def patterns(n=3, size=256, seed=0):
    """Colourful generated textures (stripes, rings, blobs) as extra style images."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / size
    out = []
    for i in range(n):
        f = rng.uniform(4, 16)
        field = [
            np.sin(f * xx * 6 + 3 * np.sin(f * yy)),
            np.sin(f * np.hypot(xx - 0.5, yy - 0.5) * 6),
        ]
        field = field[i % 2]
        a, b = rng.integers(0, 256, (2, 3))
        out.append((np.where(field[..., None] > 0, a, b)).astype("uint8"))
    return out


"""
## Data

Content and style images are resized to 2× the training size and randomly cropped (the paper:
512 → 256), then zipped: every content image meets a random style image.
"""

starry = os.path.join(SHARED, "images", "starry_night.jpg")
styles = ([load_image(starry)] if os.path.isfile(starry) else []) + patterns()
content_dir = args.content or write_random_crops(
    sample_photos(), os.path.join(args.out, "content"), 48
)
style_dir = args.style or write_random_crops(styles, os.path.join(args.out, "style"), 24, seed=1)


def images(folder, seed):
    ds = load_image_dataset(
        folder,
        image_size=args.image_size,
        load_size=2 * args.image_size,
        augment=True,
        shuffle=True,
        seed=seed,
    )
    return ds.unbatch()


train_ds = tf.data.Dataset.zip((images(content_dir, 0), images(style_dir, 1).repeat()))
train_ds = train_ds.batch(args.batch_size).prefetch(tf.data.AUTOTUNE)
sample = next(iter(train_ds.take(1)))

"""
## Networks and training

`adain_encoder` is the frozen VGG16 to relu4_1 (the paper's VGG19 has the same layers; pass
`arch="vgg19"` with VGG19 weights); `adain_decoder` mirrors it (2.9 M parameters for VGG16). Only
the decoder is trained, with Adam 1e-4.
"""

weights = find_vgg_weights(
    [args.vgg_weights, os.path.join(SHARED, "weights", "vgg16_imagenet_notop.npz")],
    "random" if args.smoke else "imagenet",
)
print(f"VGG16 weights: {weights}")
model = AdaIN(adain_encoder(weights=weights), adain_decoder())
model.compile(optimizer=keras.optimizers.Adam(1e-4), content_weight=1.0, style_weight=10.0)
model.fit(
    train_ds,
    epochs=args.epochs,
    steps_per_epoch=2 if args.smoke else None,
    callbacks=[SampleGrid(sample, os.path.join(args.out, "samples"))],
)

"""
## Any content, any style, in one pass

`adain_stylize` takes the trained networks, one or more style images with interpolation weights,
the style strength `alpha` and an optional colour preservation. `model.stylizer()` is the two-input
inference model to save and export; `adain_generator` bakes one style into a one-input generator.
"""

photo = sample_photos()[0]
size = 64 if args.smoke else 384
nets = (model.encoder, model.decoder)
row = [adain_stylize(nets, photo, styles[0], alpha=a, size=size) for a in (0.0, 0.5, 1.0)]
row.append(adain_stylize(nets, photo, styles[:2], style_weights=[0.5, 0.5], size=size))
save_image(os.path.join(args.out, "alpha_0_05_1_and_blend.png"), np.concatenate(row, axis=1))
model.stylizer().save(os.path.join(args.out, "stylizer.keras"))
adain_generator(nets, styles[0]).save(os.path.join(args.out, "generator_fixed_style.keras"))
print(f"Samples in {args.out}/samples; stylizer.keras and generator_fixed_style.keras saved.")
