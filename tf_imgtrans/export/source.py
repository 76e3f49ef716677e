"""What is being exported: a generator (or the AdaIN stylizer), loaded and checked, with what its
run folder says about it."""

from __future__ import annotations

import dataclasses
import json
import os

import keras

from tf_imgtrans.export.rewrite import exportable, graph_report
from tf_imgtrans.inference import min_size, size_multiple
from tf_imgtrans.layers import PadToMultiple
from tf_imgtrans.networks.adain import split_stylizer
from tf_imgtrans.style.adain import load_adain_model
from tf_imgtrans.translate_files import load_generator

# Names a run's `config.json` may carry, mapped to the kind of model the manifest reports;
# "adain" is the two-image AdaIN stylizer (content, style and a strength alpha).
KINDS = ("pix2pix", "cyclegan", "style", "adain", "unknown")
IMAGE_INPUTS = ("image",)
STYLIZER_INPUTS = ("content", "style", "alpha")
STYLIZER_FILE = "stylizer.keras"  # what `tf-imgtrans train adain` writes into its run folder
PADDING = "reflect to the size multiple inside the graph, output cropped back"


@dataclasses.dataclass
class ExportSource:
    """A generator ready to export.

    Attributes:
        model: keras.Model. Maps (batch, H, W, 3) float [-1, 1] to the same.
        name: str. The model's name (e.g. "unet_64").
        kind: str. One of `KINDS`: what trained it.
        multiple: int. Height and width must be multiples of this (padding makes any size work).
        minimum: int. The smallest side the network takes (padding brings smaller inputs up).
        path: str or None. The `.keras` file it came from.
        run_dir: str or None. The run folder holding that file (has a `config.json`).
        config: dict. The run's `config.json` (empty without one).
        inputs: tuple of str. The exported graph's inputs: ("image",) for a generator,
            ("content", "style", "alpha") for the AdaIN stylizer (`tf_imgtrans.export.stylizer`).
        fast_graph: bool. Whether `graph_model` was made with `fast_graph`'s rewrites (where
            the model has layers to rewrite; see `describe()["graph"]`).
    """

    model: keras.Model
    name: str
    kind: str
    multiple: int
    minimum: int = 1
    path: str | None = None
    run_dir: str | None = None
    config: dict = dataclasses.field(default_factory=dict)
    cache: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)
    graph_model: keras.Model | None = dataclasses.field(default=None, repr=False)
    inputs: tuple[str, ...] = IMAGE_INPUTS
    fast_graph: bool = True

    @property
    def is_stylizer(self) -> bool:
        """True for the AdaIN stylizer: a content image, a style image and alpha in."""
        return self.inputs != IMAGE_INPUTS

    @property
    def traced(self) -> keras.Model:
        """The model the exported graphs are traced from: `model`, or its clone with layers
        swapped for export-friendly and faster equivalents (`tf_imgtrans.export.rewrite`)."""
        return self.graph_model if self.graph_model is not None else self.model

    @property
    def image_size(self) -> int | None:
        """The training size from the run's config, if known."""
        size = self.config.get("image_size")
        return int(size) if isinstance(size, int) else None

    def describe(self) -> dict:
        """The JSON-able facts a manifest or report names."""
        return {
            "name": self.name,
            "kind": self.kind,
            "model_file": None if self.path is None else os.path.abspath(self.path),
            "run": None if self.run_dir is None else os.path.abspath(self.run_dir),
            "training_image_size": self.image_size,
            "training_data": self.config.get("data"),
            **graph_report(self.traced),
        }

    def input_padding(self, size: tuple[int, int] | None) -> dict:
        """What every format's input record says of sizes: the multiple and minimum the graph
        pads to, and whether it takes any size (`size` None) or the fixed one."""
        return {
            "size_multiple": self.multiple,
            "min_size": self.minimum,
            "dynamic_size": size is None,
            "padding": PADDING,
        }


def check_generator(model: object, where: str = "the model") -> keras.Model:
    """Raises a ValueError unless `model` is a Keras model that maps 3-channel images to 3-channel
    images (a discriminator, trainer or classifier cannot be exported as a translator)."""
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"Expected a keras.Model generator or the path of a .keras file. "
            f"Received: model={type(model).__name__}"
        )
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs or not outputs:
        # A subclassed model that was never called has no symbolic inputs: trace it once.
        probe = keras.ops.zeros((1, 64, 64, 3))
        out = model(probe, training=False)
        in_shape, out_shape = (None, None, None, 3), tuple(out.shape)
        n_inputs = n_outputs = 1
    else:
        in_shape, out_shape = tuple(inputs[0].shape), tuple(outputs[0].shape)
        n_inputs, n_outputs = len(inputs), len(outputs)
    if (
        n_inputs != 1
        or n_outputs != 1
        or len(in_shape) != 4
        or len(out_shape) != 4
        or in_shape[-1] != 3
        or out_shape[-1] != 3
    ):
        raise ValueError(
            f"{where} is not an image generator: it maps {in_shape} to {out_shape}, expected one "
            "(batch, H, W, 3) input to one (batch, H, W, 3) output. A discriminator or a trainer "
            "cannot be exported; export its generator (RUN/generator.keras)."
        )
    return model


def is_stylizer(model: object) -> bool:
    """True for a Keras AdaIN stylizer: two image inputs, an encoder and a decoder sub-model."""
    if not isinstance(model, keras.Model):
        return False
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return False
    if not inputs or len(inputs) != 2:
        return False
    try:
        split_stylizer(model)
    except ValueError:
        return False
    return True


def stylizer_file(folder: str) -> str:
    """The `stylizer.keras` of an AdaIN run folder; any other folder is an error."""
    path = os.path.join(folder, STYLIZER_FILE)
    if not os.path.isfile(path):
        raise ValueError(
            f"Expected a generator saved as a .keras file (or a `train adain` run folder holding "
            f"{STYLIZER_FILE}), got a folder without one. Received: model={folder}"
        )
    return path


def load_stylizer(path: str, not_a_generator: ValueError) -> keras.Model:
    """The AdaIN stylizer saved at `path`. A file that holds neither a generator nor a stylizer
    raises `not_a_generator`, the generator loader's error, which names what was wrong."""
    try:
        model = load_adain_model(path)
    except (ValueError, OSError):
        raise not_a_generator from None
    if not is_stylizer(model):
        raise not_a_generator
    return model


def stylizer_multiple(model: keras.Model) -> int:
    """The factor the stylizer pads its content to (its encoder's downsampling: 8)."""
    return next((layer.multiple for layer in model.layers if isinstance(layer, PadToMultiple)), 8)


def stylizer_source(
    model: keras.Model,
    path: str | None = None,
    run_dir: str | None = None,
    config: dict | None = None,
    kind: str | None = None,
    fast_graph: bool = True,
) -> ExportSource:
    """An ExportSource of kind "adain" with the inputs ("content", "style", "alpha"), its graph
    traced from `exportable(model, fast=fast_graph)`."""
    if kind not in (None, "adain"):
        raise ValueError(
            f"{path or model.name} is an AdaIN stylizer (content and style images in): its kind "
            f"is 'adain'. Received: kind={kind!r}"
        )
    multiple = stylizer_multiple(model)
    return ExportSource(
        model=model,
        name=model.name,
        kind="adain",
        multiple=multiple,
        minimum=multiple,
        path=path,
        run_dir=run_dir,
        config=config or {},
        graph_model=exportable(model, fast=fast_graph),
        inputs=STYLIZER_INPUTS,
        fast_graph=fast_graph,
    )


def _kind_from_config(config: dict) -> str:
    for key in ("kind", "model", "trainer"):
        value = str(config.get(key, "")).lower()
        for kind in ("pix2pix", "cyclegan", "style"):
            if value.startswith(kind):
                return kind
    if "lambda_l1" in config:
        return "pix2pix"
    if "lambda_cycle" in config:
        return "cyclegan"
    if "style_weight" in config or "style_image" in config:
        return "style"
    return "unknown"


def load_export_source(
    model: str | os.PathLike | keras.Model,
    kind: str | None = None,
    multiple: int | None = None,
    fast_graph: bool = True,
) -> ExportSource:
    """Loads and checks the generator (or AdaIN stylizer) to export.

    Args:
        model: str or keras.Model. A generator, or the path of one saved as `.keras` (a run's
            `generator.keras`: the run's `config.json` then tells the kind and training size).
            An AdaIN stylizer (two image inputs), its `stylizer.keras` or its run folder gives a
            source of kind "adain" (`stylizer_source`), which exports to TF.js.
        kind: str or None. One of `KINDS`; None reads it from the run's config ("unknown" without).
        multiple: int or None. The factor H and W must be multiples of; None measures it
            (`tf_imgtrans.inference.size_multiple`).
        fast_graph: bool. Trace the exports from `tf_imgtrans.inference.fast_graph(model)`
            (exact rewrites that TFLite and TF.js run faster); False: from the layers as
            trained. Parity is checked against `model` either way.

    Raises:
        FileNotFoundError: no file at `model`.
        ValueError: not a `.keras` file, a damaged file, not a generator, or a bad `kind`.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"`kind` must be one of {KINDS}. Received: kind={kind!r}")
    path = run_dir = None
    config: dict = {}
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        if os.path.isdir(path):
            path = stylizer_file(path)  # an AdaIN run folder; other folders raise
        try:
            model = load_generator(path)  # missing, foreign, damaged and non-generator files raise
        except ValueError as not_a_generator:
            model = load_stylizer(path, not_a_generator)
        run_dir, config = _run_config(path)
    if is_stylizer(model):
        return stylizer_source(
            model, path=path, run_dir=run_dir, config=config, kind=kind, fast_graph=fast_graph
        )
    check_generator(model, where=path or f"model {model.name!r}")
    minimum = min_size(model)
    if multiple is None:
        multiple = size_multiple(model)
    if not isinstance(multiple, int) or multiple < 1:
        raise ValueError(f"`multiple` must be a positive int. Received: multiple={multiple!r}")
    minimum = max(minimum, multiple)
    return ExportSource(
        model=model,
        name=model.name,
        kind=kind or _kind_from_config(config),
        multiple=multiple,
        minimum=minimum,
        path=path,
        run_dir=run_dir,
        config=config,
        graph_model=exportable(model, fast=fast_graph),
        fast_graph=fast_graph,
    )


def export_source(
    model: str | os.PathLike | keras.Model | ExportSource,
    fast_graph: bool | None = None,
    kind: str | None = None,
) -> ExportSource:
    """The ExportSource an export function works on: `model` itself if it is one (its graph
    re-traced from the other one if `fast_graph` asks for it), else `load_export_source(model)`.

    Args:
        model: str, keras.Model or ExportSource.
        fast_graph: bool or None. None: the source's choice (True for a model or a path).
        kind: str or None. As for `load_export_source`.
    """
    if not isinstance(model, ExportSource):
        return load_export_source(model, kind=kind, fast_graph=fast_graph is not False)
    if fast_graph is None or fast_graph == model.fast_graph:
        return model
    graph = exportable(model.model, fast=fast_graph)
    return dataclasses.replace(model, graph_model=graph, fast_graph=fast_graph)


def _run_config(path: str) -> tuple[str | None, dict]:
    """(run folder, its config.json) for a model file saved in a run folder, else (None, {})."""
    folder = os.path.dirname(os.path.abspath(path))
    config_path = os.path.join(folder, "config.json")
    if not os.path.isfile(config_path):
        return None, {}
    try:
        with open(config_path) as f:
            loaded = json.load(f)
    except (OSError, ValueError):
        return folder, {}
    return folder, loaded if isinstance(loaded, dict) else {}
