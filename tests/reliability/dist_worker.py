"""Run by test_distributed.py in a subprocess: short runs of each trainer under a strategy; the
weight change of each trainer's networks is saved for comparison.

    python dist_worker.py STRATEGY OUT MODEL[,MODEL...]

writes OUT/MODEL/delta-WORKER.npy and prints "MODEL STEPS n REPLICAS r" per model.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from tf_imgtrans.training import CUTConfig, Pix2PixConfig, train_cut, train_pix2pix  # noqa: E402
from tf_imgtrans.training.cyclegan import CycleGANConfig, train_cyclegan  # noqa: E402
from tf_imgtrans.training.style import (  # noqa: E402
    AdaINConfig,
    FastStyleConfig,
    train_adain,
    train_fast_style,
)

WORKER = os.environ.get("WORKER_INDEX", "0")
# Same data (no jitter or shuffling: tf.data's random ops are not reproduced bit for bit once a
# strategy distributes the dataset), initial weights and global batch (2: one image per replica),
# two plain SGD steps (4 images): the weight change is lr × the summed gradients, so a gradient
# scaled wrongly across replicas (which Adam would hide) shows up as a different change.
# float32: what is compared is how gradients are summed, not 16-bit rounding.
COMMON = {"epochs": 1, "batch_size": 2, "tensorboard": False, "seed": 0, "optimizer": "sgd"}
COMMON["precision"] = "float32"


def write_images(folder, n, seed):
    """`n` smooth random 32×32 PNGs (this process's own copy, so workers never share a file)."""
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        small = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        Image.fromarray(small).resize((32, 32), Image.BILINEAR).save(f"{folder}/{i:02d}.png")
    return folder


def run_pix2pix(out, strategy, callbacks):
    config = Pix2PixConfig(
        data="builtin:facades?n_train=4&n_val=2&n_test=2", image_size=64, ngf=8, ndf=8,
        n_layers=2, norm="instance", dropout=0.0, lr=0.05, augment=False, shuffle=False, **COMMON,
    )  # fmt: skip
    return train_pix2pix(config, out, verbose=0, strategy=strategy, callbacks=callbacks)


def run_cyclegan(out, strategy, callbacks):
    # A pool of 2 fed 2 fakes per step: the first step fills it, the second swaps half the time.
    config = CycleGANConfig(
        data="builtin:facades2night?n_train=4&n_test=2", image_size=32, n_blocks=1, ngf=4, ndf=4,
        n_layers=1, pool_size=2, lr=0.05, augment=False, shuffle=False, **COMMON,
    )  # fmt: skip
    return train_cyclegan(config, out, verbose=0, strategy=strategy, callbacks=callbacks)


def run_cut(out, strategy, callbacks):
    # CUT with its identity term: the global batch's A and B images through G, PatchNCE on
    # patches at the same places on every replica.
    config = CUTConfig(
        data="builtin:facades2night?n_train=4&n_test=2", image_size=32, n_blocks=1, ngf=4, ndf=4,
        n_layers=1, num_patches=16, projection_units=8, lr=0.05, augment=False, shuffle=False,
        **COMMON,
    )  # fmt: skip
    return train_cut(config, out, verbose=0, strategy=strategy, callbacks=callbacks)


def run_fast_style(out, strategy, callbacks):
    data = os.path.join(out, f"data-{WORKER}")
    config = FastStyleConfig(
        style=os.path.join(write_images(f"{data}/style", 1, 1), "00.png"),
        data=write_images(f"{data}/content", 4, 2), image_size=32, filters=4, n_blocks=1,
        vgg_weights="random", lr=1e-3, shuffle=False, **COMMON,
    )  # fmt: skip
    return train_fast_style(config, out, verbose=0, strategy=strategy, callbacks=callbacks)


def run_adain(out, strategy, callbacks):
    data = os.path.join(out, f"data-{WORKER}")
    config = AdaINConfig(
        content=write_images(f"{data}/content", 4, 3), style=write_images(f"{data}/style", 4, 4),
        image_size=32, load_size=None, vgg_weights="random", lr=1e-3, shuffle=False, **COMMON,
    )  # fmt: skip
    return train_adain(config, out, verbose=0, strategy=strategy, callbacks=callbacks)


def run_pool(out, strategy):
    """CycleGAN's image pool alone: tagged images (every pixel holds the image's number) in
    three global batches of 4 through a pool of 2; the numbers it returns, as the whole cluster
    sees them, and its final contents."""
    import tensorflow as tf

    from tf_imgtrans.distribute import get_strategy
    from tf_imgtrans.models import ImagePool

    strategy = get_strategy(strategy) if isinstance(strategy, str) else strategy
    with strategy.scope():
        pool = ImagePool(pool_size=2, seed=3)
        pool.build((None, 2, 2, 1))
    images = tf.data.Dataset.range(1, 13).map(lambda t: tf.fill((2, 2, 1), tf.cast(t, tf.float32)))

    def on_replica(x):  # the pool's output, gathered from all replicas (in order)
        y = pool(x)
        gathered = tf.distribute.get_replica_context().all_gather(y, axis=0)
        return gathered if strategy.num_replicas_in_sync > 1 else y

    step = tf.function(lambda x: strategy.run(on_replica, args=(x,)))
    batches = strategy.experimental_distribute_dataset(images.batch(4))
    returned = [strategy.experimental_local_results(step(x))[0] for x in batches]
    tags = np.concatenate([np.asarray(r)[:, 0, 0, 0] for r in returned])
    os.makedirs(out, exist_ok=True)
    return np.concatenate([tags, np.asarray(pool.images)[:, 0, 0, 0]]), 3, strategy


RUNS = {
    "pix2pix": run_pix2pix,
    "cyclegan": run_cyclegan,
    "cut": run_cut,
    "fast-style": run_fast_style,
    "adain": run_adain,
}


def trained(model):
    """Every variable an optimizer of `model` updates, flattened in a fixed order."""
    weights = [w for name in model.optimizers for w in model.trainable_variables_of(name)]
    return np.concatenate([np.asarray(w).ravel() for w in weights])


class Initial(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.weights = trained(self.model)


def train(name, out, strategy):
    """(weight change, optimizer steps, strategy) of a short run of trainer `name`."""
    initial = Initial()
    result = RUNS[name](out, strategy, [initial])
    steps = int(next(iter(result.model.optimizers.values())).iterations.numpy())
    return trained(result.model) - initial.weights, steps, result.model.distribute_strategy


strategy, out = sys.argv[1], sys.argv[2]  # the first run makes the strategy; the others reuse it
for name in sys.argv[3].split(","):
    folder = os.path.join(out, name)
    run = run_pool if name == "pool" else lambda f, s, n=name: train(n, f, s)
    result, steps, strategy = run(folder, strategy)
    np.save(os.path.join(folder, f"delta-{WORKER}.npy"), result)
    print(name, "STEPS", steps, "REPLICAS", strategy.num_replicas_in_sync, flush=True)
