"""The image history pool of CycleGAN: discriminators see a mix of new and older fakes."""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class ImagePool(keras.layers.Layer):
    """A buffer of up to `pool_size` generated images (Shrivastava et al. 2017).

    For every image of a batch, in order: while the pool is not full, the image is stored and
    returned as it is; once full, with probability 0.5 it replaces a uniformly chosen stored
    image and that older image is returned instead, otherwise it is returned as it is. This is the
    reference implementation's `ImagePool.query`. Training the discriminators on such a history
    rather than on the latest fakes only reduces model oscillation.

    The state lives in variables (`images`, `count` and the random generator's `seed_state`), the
    update is made of TensorFlow ops only, so the pool runs inside a compiled `train_step`, and a
    checkpoint that saves `state_variables()` restores it exactly. The variables are created for
    the image shape of the first call, or beforehand with `build((None, H, W, C))` (needed to
    restore a checkpoint before training). All images then must have that shape.

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
        super().__init__(trainable=False, **kwargs)
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 0:
            raise ValueError(f"`pool_size` must be an int >= 0. Received: pool_size={pool_size!r}")
        # === Config ===
        self.pool_size = pool_size
        self.seed = seed
        # === State ===
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")

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
            name="images",
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )

    def state_variables(self) -> dict[str, keras.Variable]:
        """The variables that make up the pool's state (stored images, fill count, RNG state);
        empty until the pool is built."""
        if not self.built:
            return {}
        return {
            "images": self.images,
            "count": self.count,
            "seed_state": self.seed_generator.state,
        }

    def call(self, images):
        images = tf.cast(images, tf.float32)
        if self.pool_size == 0:
            return images
        n = tf.shape(images)[0]
        # All random draws up front: a swap coin and a slot per image.
        coins = keras.random.uniform((n,), seed=self.seed_generator)
        slots = keras.random.randint((n,), 0, self.pool_size, seed=self.seed_generator)
        out = tf.TensorArray(tf.float32, size=n, element_shape=images.shape[1:])

        def body(i, pool, count, out):
            image = images[i]
            filling = count < self.pool_size
            swap = tf.logical_and(tf.logical_not(filling), coins[i] > 0.5)
            slot = tf.where(filling, count, tf.cast(slots[i], tf.int32))
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
        return out.stack()

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "seed": self.seed})
        config.pop("trainable", None)
        return config
