"""Style-transfer runs: fast style transfer (Johnson et al.) on a folder of content images, and
AdaIN (Huang & Belongie) on folders of content and style images, into a run folder with the
standard callbacks (checkpoints and resume, samples, history, loss plot)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import keras
import tensorflow as tf

from tf_imgtrans.callbacks import atomic_save_model, epoch_is_good
from tf_imgtrans.data import image_files, load_image_dataset, validate_images
from tf_imgtrans.models import AdaIN, FastStyleTransfer
from tf_imgtrans.models.style_transfer import JOHNSON_CONTENT_LAYERS, JOHNSON_STYLE_LAYERS
from tf_imgtrans.networks import adain_decoder, adain_encoder, get_generator, vgg_features
from tf_imgtrans.precision import DEFAULT_PRECISION, precision_scope
from tf_imgtrans.style.images import as_float_image, long_side_shape, resize
from tf_imgtrans.training.run import (
    RunConfig,
    RunResult,
    first_batch,
    fit_run,
    make_optimizer,
    start_run,
)


@dataclass
class FastStyleConfig(RunConfig):
    """Every setting of a fast style transfer run (saved as `config.json`). Defaults follow
    Johnson et al.: 256×256 content images, batch 4, Adam 1e-3, 2 epochs (of COCO's 80k images),
    VGG16 relu2_2 content and relu1_2/2_2/3_3/4_3 style layers."""

    style: str = ""  # the style image
    data: str = ""  # a folder of content images (searched recursively)
    epochs: int = 2
    decay_epochs: int | None = 0  # constant learning rate, as the paper
    image_size: int = 256
    batch_size: int = 4
    style_size: int | None = None  # long side of the style image; None: image_size
    filters: int = 32
    n_blocks: int = 5
    norm: str = "instance"
    upsampling: str = "resize"
    content_weight: float = 1.0
    style_weight: float = 5.0  # with 1 / channels² per style layer (see FastStyleTransfer)
    tv_weight: float = 1e4
    shuffle: bool = True  # a new order of the content images every epoch
    strict: bool = False  # False: unreadable files are skipped and counted; True: they stop the run
    optimizer: str = "adam"  # "adam" (paper) or "sgd" (plain gradient steps, e.g. for checks)
    lr: float = 1e-3
    arch: str = "vgg16"
    vgg_weights: str = "imagenet"
    limit: int | None = None
    seed: int | None = 0
    sample_every: int = 1
    checkpoint_every: int = 1
    keep_checkpoints: int = 3
    tensorboard: bool = True
    precision: str = DEFAULT_PRECISION  # or "float32", "mixed_bfloat16", …: tf_imgtrans.precision


@dataclass
class AdaINConfig(RunConfig):
    """Every setting of an AdaIN run (saved as `config.json`). Defaults follow Huang & Belongie:
    images resized to 512 and randomly cropped to 256, batch 8, Adam 1e-4, style weight 10 (the
    paper trains 160,000 iterations on MS-COCO × WikiArt)."""

    content: str = ""  # a folder of content images
    style: str = ""  # a folder of style images
    epochs: int = 10  # one epoch is one pass over the content images
    decay_epochs: int | None = 0
    image_size: int = 256
    load_size: int | None = 512  # resize before the random crop; None: no crop
    batch_size: int = 8
    content_weight: float = 1.0
    style_weight: float = 10.0
    shuffle: bool = True  # new orders of content and style images (new pairs) every epoch
    strict: bool = False  # False: unreadable files are skipped and counted; True: they stop the run
    optimizer: str = "adam"  # "adam" (paper) or "sgd" (plain gradient steps, e.g. for checks)
    lr: float = 1e-4
    arch: str = "vgg16"
    vgg_weights: str = "imagenet"
    limit: int | None = None
    seed: int | None = 0
    sample_every: int = 1
    checkpoint_every: int = 1
    keep_checkpoints: int = 3
    tensorboard: bool = True
    precision: str = DEFAULT_PRECISION  # or "float32", "mixed_bfloat16", …: tf_imgtrans.precision


def _require(value: str, what: str, flag: str) -> str:
    if not value:
        raise ValueError(f"{what} is required ({flag}).")
    if not os.path.exists(value):
        raise FileNotFoundError(f"{what} not found: {value} ({flag}).")
    return value


def _as_tuples(ds: tf.data.Dataset) -> tf.data.Dataset:
    return ds.map(lambda x: (x,))


def build_fast_style(config: FastStyleConfig) -> FastStyleTransfer:
    """The compiled FastStyleTransfer trainer that `config` describes; the transformation and
    loss networks are built under the dtype policy of `config.precision`."""
    style = as_float_image(_require(config.style, "The style image", "--style"), "style")
    style = resize(style, long_side_shape(style.shape, config.style_size or config.image_size))
    with precision_scope(config.precision):
        generator = get_generator(
            "style_transfer_net",
            filters=config.filters,
            n_blocks=config.n_blocks,
            norm=config.norm,
            upsampling=config.upsampling,
        )
        vgg = vgg_features(
            JOHNSON_CONTENT_LAYERS + JOHNSON_STYLE_LAYERS,
            arch=config.arch,
            weights=config.vgg_weights,
        )
    model = FastStyleTransfer(generator, vgg, style, name="fast_style_transfer")
    model.compile(
        g_optimizer=make_optimizer(config.optimizer, config.lr),
        content_weight=config.content_weight,
        style_weight=config.style_weight,
        tv_weight=config.tv_weight,
    )
    return model


def train_fast_style(
    config: FastStyleConfig,
    out: str,
    resume: bool = False,
    verbose: int | str = "auto",
    steps_per_epoch: int | None = None,
    callbacks: list | None = None,
    strategy: str | tf.distribute.Strategy = "default",
) -> RunResult:
    """Trains a fast style transfer network on the content images of `config.data` and writes the
    run to `out`: `generator.keras` (the transformation network, a plain generator that
    `translate` and `export` take), `samples/epoch_NNNN.png` (content | stylized | style),
    `checkpoints/`, `history.json`, `losses.png`, `config.json`, TensorBoard logs.

    Args:
        config: FastStyleConfig. The run's settings.
        out: str. Output folder.
        resume: bool. Continue the run in `out` from its latest checkpoint.
        verbose: Keras verbosity for `fit`.
        steps_per_epoch: int, optional. Limit each epoch (smoke tests).
        callbacks: list, optional. More Keras callbacks.
        strategy: a `tf.distribute.Strategy` or a name for `tf_imgtrans.distribute.get_strategy`
            ("default", "mirrored", "multiworker", "tpu"); `config.batch_size` is the global
            batch, split across replicas.
    """
    config, latest, strategy = start_run(config, out, resume, strategy)
    if config.image_size % 4:
        raise ValueError(
            f"`image_size` must be a multiple of 4. Received: image_size={config.image_size}"
        )
    files = image_files(_require(config.data, "The content image folder", "--data"), True)
    files = validate_images(files[: config.limit] if config.limit else files, config.strict)
    train = load_image_dataset(
        files,
        image_size=config.image_size,
        batch_size=config.batch_size,
        shuffle=config.shuffle,
        seed=config.seed,
    )
    sample_batch = first_batch(
        _as_tuples(load_image_dataset(files[:4], image_size=config.image_size, batch_size=4))
    )
    with strategy.scope():
        model = build_fast_style(config)
    return fit_run(
        model,
        config,
        out,
        _as_tuples(train),
        None,
        sample_batch,
        network_files={"generator": os.path.join(out, "generator.keras")},
        latest=latest,
        verbose=verbose,
        steps_per_epoch=steps_per_epoch,
        callbacks=callbacks,
    )


class SaveStylizer(keras.callbacks.Callback):
    """After every epoch with finite losses, saves the AdaIN trainer's inference model
    (`model.stylizer()`: encoder + AdaIN + decoder, two image inputs) to `path`, atomically, as
    a float32 network (`atomic_save_model`) whatever precision it trained in."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def on_epoch_end(self, epoch, logs=None):
        if epoch_is_good(self.model, logs):
            atomic_save_model(self.model.stylizer(), self.path)


def build_adain(config: AdaINConfig) -> AdaIN:
    """The compiled AdaIN trainer that `config` describes; encoder and decoder are built under
    the dtype policy of `config.precision`."""
    with precision_scope(config.precision):
        encoder = adain_encoder(arch=config.arch, weights=config.vgg_weights)
        decoder = adain_decoder(arch=config.arch)
    model = AdaIN(encoder, decoder, name="adain")
    model.compile(
        optimizer=make_optimizer(config.optimizer, config.lr),
        content_weight=config.content_weight,
        style_weight=config.style_weight,
    )
    return model


def _adain_images(files, config: AdaINConfig, seed) -> tf.data.Dataset:
    crop = config.load_size is not None
    ds = load_image_dataset(
        files,
        image_size=config.image_size,
        load_size=config.load_size,
        batch_size=config.batch_size,
        augment=crop,
        shuffle=config.shuffle,
        seed=seed,
    )
    # Re-batched after zipping, so that every content image has a style image.
    return ds.unbatch().apply(tf.data.experimental.assert_cardinality(len(files)))


def train_adain(
    config: AdaINConfig,
    out: str,
    resume: bool = False,
    verbose: int | str = "auto",
    steps_per_epoch: int | None = None,
    callbacks: list | None = None,
    strategy: str | tf.distribute.Strategy = "default",
) -> RunResult:
    """Trains the AdaIN decoder on content images (`config.content`) paired at random with style
    images (`config.style`) and writes the run to `out`: `stylizer.keras` (the inference model:
    (content, style) -> stylized, what `tf-imgtrans stylize --method adain --model` loads),
    `decoder.keras`, `samples/epoch_NNNN.png` (content | style | stylized), `checkpoints/`,
    `history.json`, `losses.png`, `config.json`, TensorBoard logs.

    Arguments as `train_fast_style`.
    """
    config, latest, strategy = start_run(config, out, resume, strategy)
    if config.image_size % 8:
        raise ValueError(
            f"`image_size` must be a multiple of 8. Received: image_size={config.image_size}"
        )
    content = image_files(_require(config.content, "The content image folder", "--content"), True)
    style = image_files(_require(config.style, "The style image folder", "--style"), True)
    content = validate_images(content[: config.limit] if config.limit else content, config.strict)
    style = validate_images(style, config.strict)
    seed = config.seed
    style_ds = _adain_images(style, config, None if seed is None else seed + 7).repeat()
    train = tf.data.Dataset.zip((_adain_images(content, config, seed), style_ds))
    train = train.batch(config.batch_size).prefetch(tf.data.AUTOTUNE)

    n = min(4, len(content), len(style))

    def fixed(files):
        ds = load_image_dataset(files[:n], image_size=config.image_size, batch_size=n)
        return first_batch(_as_tuples(ds))[0]

    # Styles spread over the folder (names often group by source).
    sample_batch = (fixed(content), fixed(style[:: max(1, len(style) // n)]))
    with strategy.scope():
        model = build_adain(config)
    stylizer = os.path.join(out, "stylizer.keras")
    result = fit_run(
        model,
        config,
        out,
        train,
        None,
        sample_batch,
        network_files={"decoder": os.path.join(out, "decoder.keras")},
        latest=latest,
        verbose=verbose,
        steps_per_epoch=steps_per_epoch,
        callbacks=[SaveStylizer(stylizer), *(callbacks or [])],
    )
    if not os.path.isfile(stylizer):
        atomic_save_model(model.stylizer(), stylizer)
    result.paths["stylizer"] = stylizer
    return result
