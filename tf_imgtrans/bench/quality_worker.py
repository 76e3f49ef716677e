"""One implementation, one seed, in its own process: the quality benchmark's worker.

`python -m tf_imgtrans.bench.quality_worker SPEC.json` reads the spec the parent wrote (which
implementation, model, networks, seed, and an `.npz` with the training stream and the held-out
inputs), trains with `tf_imgtrans.curves.learning_curve` and writes the held-out outputs at every
checkpoint (`outputs.npz`) and the curve's times and losses (`curve.json`) into the spec's folder.
The parent scores them, the same way for every implementation.

Each implementation translates the way its own project does inference: ours with
`model(x, training=False)`; the tutorial-style step with `generator(x, training=True)` (as the
TensorFlow pix2pix tutorial's `generate_images`); the PyTorch reference with its networks in train
mode, one image at a time (its `test.py` without `--eval`: batch statistics, dropout on).

A PyTorch worker imports no TensorFlow (the package root is lazy); a TensorFlow worker no PyTorch.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

from tf_imgtrans.curves import learning_curve, timed_learning_curve


class TutorialLearner:
    """The tutorial-style TensorFlow step (`tutorial_steps`) as a `Learner`."""

    def __init__(self, step, generator, batch_size: int, training: bool):
        import tensorflow as tf

        self.step, self.batch_size, self.tf = step, batch_size, tf
        self._translate = tf.function(lambda x: generator(x, training=training))

    def train(self, a: np.ndarray, b: np.ndarray) -> dict[str, float]:
        losses = {}
        for i in range(0, len(a), self.batch_size):
            batch = slice(i, i + self.batch_size)
            losses = self.step(self.tf.constant(a[batch]), self.tf.constant(b[batch]))
        return {k: float(v) for k, v in losses.items()}

    def translate(self, x: np.ndarray) -> np.ndarray:
        return np.concatenate([np.asarray(self._translate(x[i : i + 1])) for i in range(len(x))])


def tf_learner(spec: dict):
    """Our trainer (built as the run builders build it, the default precision unless the spec
    names one) or the tutorial-style step, seeded."""
    import keras
    import tensorflow as tf

    from tf_imgtrans.bench.train_speed import our_trainer, tutorial_trainer
    from tf_imgtrans.evaluation import KerasLearner

    if spec.get("threads"):
        tf.config.threading.set_intra_op_parallelism_threads(spec["threads"])
    keras.utils.set_random_seed(spec["seed"])
    model, size, arch, batch = spec["model"], spec["image_size"], spec["arch"], spec["batch_size"]
    if spec["impl"] in ("ours", "cut", "fastcut"):  # cut/fastcut: our CUT trainer, that mode
        name = model if spec["impl"] == "ours" else spec["impl"]
        trainer = our_trainer(name, size, arch, spec.get("precision", "auto"))
        return KerasLearner(trainer, batch, spec.get("inference") == "train")
    step, nets = tutorial_trainer(model, size, arch)
    # The pix2pix tutorial translates with training=True; the CycleGAN tutorial with the default.
    return TutorialLearner(step, nets[0], batch, training=model == "pix2pix")


def main(path: str) -> None:
    with open(path) as f:
        spec = json.load(f)
    folder = os.path.dirname(os.path.abspath(path))
    data = np.load(spec["data"])
    if spec["impl"] == "reference":
        from tf_imgtrans.bench.torch_reference import torch_learner

        learner = torch_learner(spec)
    else:
        learner = tf_learner(spec)
    stream = data["stream_a"], data["stream_b"], data["held_inputs"]
    if spec.get("seconds"):
        points = timed_learning_curve(learner, *stream, spec["seconds"], spec["evals"])
    else:
        points = learning_curve(learner, *stream, spec["checkpoints"])
    outputs = {f"at_{p['images']}": p["outputs"].astype(np.float16) for p in points}
    np.savez(os.path.join(folder, "outputs.npz"), **outputs)
    curve = [{k: v for k, v in p.items() if k != "outputs"} for p in points]
    with open(os.path.join(folder, "curve.json"), "w") as f:
        json.dump(curve, f)


if __name__ == "__main__":  # pragma: no cover - a worker process
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main(sys.argv[1])
