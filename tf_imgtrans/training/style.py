"""Style-transfer runs: fast style transfer (Johnson et al.) on a folder of content images, and
AdaIN (Huang & Belongie) on folders of content and style images, into a run folder with the
standard callbacks (checkpoints and resume, samples, history, loss plot)."""

from __future__ import annotations

import os

import keras
import tensorflow as tf

from tf_imgtrans.callbacks import atomic_save_model, epoch_is_good
from tf_imgtrans.configs import AdaINConfig, FastStyleConfig
from tf_imgtrans.data import image_files, load_image_dataset, validate_images
from tf_imgtrans.models import AdaIN, FastStyleTransfer
from tf_imgtrans.models.style_transfer import JOHNSON_CONTENT_LAYERS, JOHNSON_STYLE_LAYERS
from tf_imgtrans.networks import adain_decoder, adain_encoder, get_generator, vgg_features
from tf_imgtrans.precision import precision_scope
from tf_imgtrans.style.adain import STYLIZER_FILE
from tf_imgtrans.style.images import as_float_image, long_side_shape, resize
from tf_imgtrans.training.run import RunData, RunResult, Trainer, first_batch, make_optimizer


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


def fast_style_data(config: FastStyleConfig) -> RunData:
    """The content images (no validation data) and 4 of them for the sample grids."""
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
    sample = load_image_dataset(files[:4], image_size=config.image_size, batch_size=4)
    return RunData(_as_tuples(train), None, first_batch(_as_tuples(sample)))


FAST_STYLE = Trainer(
    name="fast-style",
    config_class=FastStyleConfig,
    data=fast_style_data,
    build=build_fast_style,
    network_files={"generator": "generator.keras"},
)


def train_fast_style(config: FastStyleConfig, out: str, **options) -> RunResult:
    """Trains a fast style transfer network on the content images of `config.data` and writes the
    run to `out`: `generator.keras` (the transformation network, a plain generator that
    `translate` and `export` take), `samples/epoch_NNNN.png` (content | stylized | style),
    `checkpoints/`, `history.json`, `losses.png`, `report.html`, `config.json`, TensorBoard logs.

    Args:
        config: FastStyleConfig. The run's settings.
        out: str. Output folder.
        **options: `resume`, `verbose`, `steps_per_epoch`, `callbacks`, `strategy`: see
            `tf_imgtrans.training.Trainer.run`.
    """
    return FAST_STYLE.run(config, out, **options)


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


def adain_data(config: AdaINConfig) -> RunData:
    """Content images paired at random with style images (new pairs every epoch), no
    validation data, and 4 content and 4 style images (spread over the folder) for the grids."""
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
    return RunData(train, None, (fixed(content), fixed(style[:: max(1, len(style) // n)])))


def _save_stylizer_at_end(model: AdaIN, out: str, result: RunResult) -> None:
    stylizer = os.path.join(out, STYLIZER_FILE)
    if not os.path.isfile(stylizer):
        atomic_save_model(model.stylizer(), stylizer)
    result.paths["stylizer"] = stylizer


ADAIN = Trainer(
    name="adain",
    config_class=AdaINConfig,
    data=adain_data,
    build=build_adain,
    network_files={"decoder": "decoder.keras"},
    callbacks=lambda config, out: [SaveStylizer(os.path.join(out, STYLIZER_FILE))],
    finish=_save_stylizer_at_end,
)


def train_adain(config: AdaINConfig, out: str, **options) -> RunResult:
    """Trains the AdaIN decoder on content images (`config.content`) paired at random with style
    images (`config.style`) and writes the run to `out`: `stylizer.keras` (the inference model:
    (content, style) -> stylized, what `tf-imgtrans stylize --method adain --model` loads),
    `decoder.keras`, `samples/epoch_NNNN.png` (content | style | stylized), `checkpoints/`,
    `history.json`, `losses.png`, `report.html`, `config.json`, TensorBoard logs.

    Arguments as `train_fast_style`.
    """
    return ADAIN.run(config, out, **options)
