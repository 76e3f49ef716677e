"""Run by test_distributed.py in a subprocess: one short Pix2Pix training under a strategy; the
generator's weight change is saved for comparison."""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from tf_imgtrans.training import Pix2PixConfig, train_pix2pix  # noqa: E402


def flat(net):
    return np.concatenate([np.asarray(w).ravel() for w in net.trainable_weights])


class Initial(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.weights = flat(self.model.generator)


strategy, out = sys.argv[1], sys.argv[2]
config = Pix2PixConfig(
    data="builtin:facades?n_train=4&n_val=2&n_test=2", epochs=1, image_size=64, ngf=8, ndf=8,
    n_layers=2, norm="instance", dropout=0.0, batch_size=2, tensorboard=False, seed=0,
    optimizer="sgd", lr=0.05, augment=False, shuffle=False,
)  # fmt: skip
initial = Initial()
result = train_pix2pix(config, out, verbose=0, strategy=strategy, callbacks=[initial])
# Plain SGD, so the weight change is lr × the summed gradients: a gradient scaled wrongly across
# replicas (which Adam would hide) shows up as a different change.
delta = flat(result.model.generator) - initial.weights
np.save(os.path.join(out, f"delta-{os.environ.get('WORKER_INDEX', '0')}.npy"), delta)
steps = int(result.model.g_optimizer.iterations.numpy())
print("STEPS", steps, "REPLICAS", result.model.distribute_strategy.num_replicas_in_sync)
