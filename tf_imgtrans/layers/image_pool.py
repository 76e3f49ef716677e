"""The image history pool of CycleGAN: discriminators see a mix of new and older fakes."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class ImagePool(keras.layers.Layer):
    """A buffer of up to `pool_size` generated images (Shrivastava et al. 2017).

    For every image of a batch, in order: while the pool is not full, the image is stored and
    returned as it is; once full, with probability 0.5 it replaces a uniformly chosen stored
    image and that older image is returned instead, otherwise it is returned as it is. This is the
    reference implementation's `ImagePool.query`. Training the discriminators on such a history
    rather than on the latest fakes only reduces model oscillation.

    The state lives in variables (`images`, `count` and `seed_state`, the seed of stateless
    random draws and a call counter), the update is made of TensorFlow ops only, so the pool runs
    inside a compiled `train_step`, and a checkpoint that saves `state_variables()` restores it
    exactly. The variables are created for the image shape of the first call, or beforehand with
    `build((None, H, W, C))` (needed to restore a checkpoint before training). All images then
    must have that shape.

    Under a `tf.distribute` strategy with several replicas, the pool is one pool for the global
    batch, as in the reference implementation (which queries it with the whole batch): every
    replica gathers all replicas' images in replica order, runs the same query with the same
    draws, and keeps its own share of the result, so the pool's state stays identical on every
    replica and training matches one device with the same global batch.

    Args:
        pool_size: int. Images kept (paper: 50); 0 disables the pool (images pass through).
        seed: int or None. Seed of the pool's random choices.

    Example:
    >>> pool = ImagePool(pool_size=2)
    >>> out = pool(keras.ops.ones((3, 8, 8, 3)))  # fills the pool, returns the images
    >>> int(pool.count.numpy())
    2

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017, section 4; Shrivastava et al., "Learning from Simulated and
        Unsupervised Images through Adversarial Training", CVPR 2017.
    """

    def __init__(self, pool_size: int = 50, seed: int | None = None, **kwargs):
        # The pool stores and returns float32 images whatever the global dtype policy: under a
        # mixed policy Keras would cast its inputs to 16 bits and the stored float32 images
        # could not be mixed with them.
        kwargs.setdefault("dtype", "float32")
        super().__init__(trainable=False, **kwargs)
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 0:
            raise ValueError(f"`pool_size` must be an int >= 0. Received: pool_size={pool_size!r}")
        # === Config ===
        self.pool_size = pool_size
        self.seed = seed
        # === State ===
        # Without a seed, one is drawn now from NumPy's global generator (which
        # `keras.utils.set_random_seed` seeds); it lives in `seed_state`, so a resumed run goes
        # on with the same sequence of draws.
        self._initial_seed = (
            int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002
            if seed is None
            else int(seed)
        )

    def build(self, input_shape):
        image_shape = tuple(input_shape[1:])
        if len(image_shape) != 3 or any(d is None for d in image_shape):
            raise ValueError(
                "An ImagePool needs a fully known image shape (batch, H, W, C). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.images = self.add_weight(
            shape=(self.pool_size, *image_shape),
            initializer="zeros",
            dtype="float32",
            trainable=False,
            aggregation="only_first_replica",
            name="images",
        )
        # "only_first_replica": under a strategy every replica computes the same new state;
        # replica 0's value is the one written (and the others' copies are kept equal to it).
        self.count = self.add_weight(
            shape=(),
            initializer="zeros",
            dtype="int32",
            trainable=False,
            aggregation="only_first_replica",
            name="count",
        )
        self.seed_state = self.add_weight(
            shape=(2,),
            initializer=keras.initializers.Constant([self._initial_seed, 0]),
            dtype="int32",
            trainable=False,
            aggregation="only_first_replica",
            name="seed_state",
        )

    def state_variables(self) -> dict[str, keras.Variable]:
        """The variables that make up the pool's state (stored images, fill count, RNG state);
        empty until the pool is built."""
        if not self.built:
            return {}
        return {
            "images": self.images,
            "count": self.count,
            "seed_state": self.seed_state,
        }

    def call(self, images):
        images = tf.cast(images, tf.float32)
        if self.pool_size == 0:
            return images
        context = tf.distribute.get_replica_context()
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if context is None or replicas == 1:
            return self._query(images)
        # One pool for the global batch: all replicas' images in replica order (their shares may
        # differ in size in a last, partial batch), the same query everywhere, our share back.
        n = tf.shape(images)[0]
        sizes = context.all_gather(tf.reshape(n, [1]), axis=0)
        everything = self._query(context.all_gather(images, axis=0))
        start = tf.reduce_sum(sizes[: context.replica_id_in_sync_group])
        return everything[start : start + n]

    def _query(self, images):
        """The reference `ImagePool.query` on one batch, as variable updates and TF ops."""
        n = tf.shape(images)[0]
        # All random draws up front (stateless, from the seed and the call counter): a swap coin
        # and a slot per image.
        seed = tf.convert_to_tensor(self.seed_state)
        coins = tf.random.stateless_uniform((n,), seed=seed)
        slots = tf.random.stateless_uniform(
            (n,), seed=seed + [0, 2**30], minval=0, maxval=self.pool_size, dtype=tf.int32
        )
        out = tf.TensorArray(tf.float32, size=n, element_shape=images.shape[1:])

        def body(i, pool, count, out):
            image = images[i]
            filling = count < self.pool_size
            swap = tf.logical_and(tf.logical_not(filling), coins[i] > 0.5)
            slot = tf.where(filling, count, slots[i])
            returned = tf.where(swap, pool[slot], image)
            pool = tf.cond(
                tf.logical_or(filling, swap),
                lambda: tf.tensor_scatter_nd_update(pool, [[slot]], image[None]),
                lambda: pool,
            )
            count = count + tf.cast(filling, tf.int32)
            return i + 1, pool, count, out.write(i, returned)

        _, pool, count, out = tf.while_loop(
            lambda i, *_: i < n,
            body,
            (
                tf.constant(0),
                tf.convert_to_tensor(self.images),
                tf.convert_to_tensor(self.count),
                out,
            ),
        )
        self.images.assign(pool)
        self.count.assign(count)
        self.seed_state.assign(seed + [0, 1])
        return out.stack()

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "seed": self.seed})
        config.pop("trainable", None)
        return config
