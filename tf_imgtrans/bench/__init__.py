"""Speed and quality benchmarks: each module answers one question, prints a table and one JSON line.

Each benchmark module defines ``add_arguments(parser)`` and ``run(args) -> dict`` and is listed in
`BENCHMARKS`; `tf-imgtrans bench NAME` and the thin scripts in the repository's ``benchmarks/``
folder both call them.
"""

# name -> (module, one-line help). Modules are imported only when their benchmark runs.
BENCHMARKS: dict[str, tuple[str, str]] = {
    "train_speed": (
        "tf_imgtrans.bench.train_speed",
        "training images/s and ms/step per speed option (precision, XLA), beside the "
        "tutorial-style TensorFlow step and the PyTorch reference",
    ),
    "infer_speed": (
        "tf_imgtrans.bench.infer_speed",
        "generator latency, GFLOP/s and share of CPU peak on each runtime (Keras, XLA, SavedModel, "
        "TFLite, TF.js)",
    ),
    "data_speed": (
        "tf_imgtrans.bench.data_speed",
        "input pipeline images/s (decode, jitter, batch) against the training step's appetite",
    ),
    "precision_quality": (
        "tf_imgtrans.bench.precision_quality",
        "float32 against 16-bit mixed precision: the same runs' validation scores and losses",
    ),
    "quality": (
        "tf_imgtrans.bench.quality",
        "held-out quality at equal images seen, over seeds: ours, the tutorial-style step and "
        "the PyTorch reference on the same data, with time to quality",
    ),
}

__all__ = ["BENCHMARKS"]
