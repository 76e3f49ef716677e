"""
Title: Neural style transfer by optimisation (Gatys et al.) with tf_imgtrans
Description: Paint a photo in the style of a painting by optimising the image itself against VGG
features: content from deep activations, style from Gram matrices.
Accelerator: GPU (a 384 px image takes a few minutes on a 2-core CPU)

## Introduction

Gatys, Ecker & Bethge (2016) found that a network trained for object recognition separates
*content* (what is where: the activations of a deep layer) from *style* (textures and colours: the
correlations between the feature maps of each layer, their Gram matrices). Starting from the photo,
the picture is optimised so that its deep features stay close to the photo's while its Gram
matrices approach the painting's.

`tf_imgtrans.stylize` does the whole thing: it builds the frozen VGG loss network (caffe
preprocessing inside; our images are float RGB in [-1, 1]), computes the targets, and runs
L-BFGS-B (SciPy, driven by TensorFlow gradients) or Adam, optionally coarse to fine and with colour
preservation. This script shows the pieces first, then calls it.

    python examples/gatys_style.py --content photo.jpg --style painting.jpg --size 384
    python examples/gatys_style.py --smoke     # a few steps at 64 px, as CI runs it

The ImageNet VGG16 weights come from `keras.applications` (downloaded once), from
`--vgg-weights FILE`, from `$TF_IMGTRANS_VGG_WEIGHTS`, or from `../shared/weights/` next to the
repository. With `--smoke` and no weights file found, random weights are used (the code path is
exercised, the picture is meaningless).
"""

import argparse
import os

import matplotlib.cbook
import numpy as np

from tf_imgtrans.data import load_image, save_image
from tf_imgtrans.losses import gram_matrix
from tf_imgtrans.networks import vgg_features
from tf_imgtrans.style import GATYS_CONTENT_LAYERS, GATYS_STYLE_LAYERS, stylize
from tf_imgtrans.style.plot import plot_stylize_history
from tf_imgtrans.style.samples import find_vgg_weights

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared")

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--content", help="content photo (default: matplotlib's Grace Hopper)")
parser.add_argument("--style", help="style image (default: ../shared/images/starry_night.jpg)")
parser.add_argument("--size", type=int, default=384, help="long side of the output")
parser.add_argument("--steps", type=int, default=300)
parser.add_argument("--vgg-weights", help="VGG16 weights file (.npz / .h5 / .weights.h5)")
parser.add_argument("--out", default="runs/example_gatys")
parser.add_argument("--smoke", action="store_true", help="a few steps at 64 px")
args = parser.parse_args()


weights = find_vgg_weights(
    [args.vgg_weights, os.path.join(SHARED, "weights", "vgg16_imagenet_notop.npz")],
    "random" if args.smoke else "imagenet",
)
print(f"VGG16 weights: {weights}")
content = load_image(
    args.content or matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
)
style_file = args.style or os.path.join(SHARED, "images", "starry_night.jpg")
if os.path.isfile(style_file):
    style = load_image(style_file)
elif args.smoke:  # blue and yellow swirls, so the smoke run needs no file
    yy, xx = np.mgrid[0:96, 0:96]
    swirl = np.sin(np.hypot(yy - 48, xx - 48) / 4 + np.arctan2(yy - 48, xx - 48) * 3)[..., None]
    style = np.where(swirl > 0, [40, 70, 170], [235, 205, 70]).astype("uint8")
else:
    raise SystemExit(f"No style image: pass --style (looked for {style_file}).")
if args.smoke:
    args.size, args.steps = 64, 5

"""
## The loss network and the style representation

`vgg_features` builds VGG16 up to the deepest layer asked for, frozen, for any input size. The
paper's content layer is relu4_2 (`block4_conv2`); its style layers are relu1_1 … relu5_1. The
style of an image is the list of Gram matrices G = FᵀF / (H·W) of those layers: which features
fire together, wherever they are.
"""

net = vgg_features(sorted(GATYS_CONTENT_LAYERS + GATYS_STYLE_LAYERS), weights=weights)
features = net(style[None].astype("float32") / 127.5 - 1.0)
for name in GATYS_STYLE_LAYERS:
    gram = gram_matrix(features[name])
    print(f"{name}: features {tuple(features[name].shape)} -> Gram {tuple(gram.shape)}")

"""
## Optimising the picture

The objective is content_weight · mean(F − P)² + style_weight · Σ_l ⅕ mean(G_l − A_l)² +
tv_weight · total variation, on pixels in [-1, 1]. L-BFGS converges in a few hundred steps;
`scales=2` first solves at half size and refines at full size, which is faster and keeps large
structures coherent.
"""

result = stylize(
    content,
    style,
    size=args.size,
    steps=args.steps,
    scales=1 if args.smoke else 2,
    loss_network=net,
)
os.makedirs(args.out, exist_ok=True)
save_image(os.path.join(args.out, "stylized.png"), result.image)
plot_stylize_history(result.history, os.path.join(args.out, "losses.png"))
h = result.history
print(
    f"{result.image.shape[1]}x{result.image.shape[0]} in {result.seconds:.0f} s: loss "
    f"{h['total'][0]:.3g} -> {h['total'][-1]:.3g} (content {h['content'][-1]:.3g}, "
    f"style {h['style'][-1]:.3g}, tv {h['tv'][-1]:.3g})"
)

"""
## Keeping the photo's colours

With `preserve_color="luminance"` only the luminance is transferred and the photo's colours are
put back (Gatys et al. 2017); `"histogram"` first maps the painting's colours onto the photo's.
"""

kept = stylize(
    content,
    style,
    size=args.size,
    steps=max(1, args.steps // 2),
    preserve_color="luminance",
    loss_network=net,
)
save_image(os.path.join(args.out, "stylized_colour_kept.png"), kept.image)
print(f"Results in {args.out}/: stylized.png, stylized_colour_kept.png, losses.png")
