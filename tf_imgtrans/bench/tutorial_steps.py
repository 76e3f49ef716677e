"""Pix2Pix and CycleGAN training steps written the way the TensorFlow tutorials write them.

The yardstick of the training-speed benchmark: what a user gets by following the official
tutorials instead of using tf_imgtrans, measured in the same run as our trainers.

- Pix2Pix, after the TensorFlow pix2pix tutorial: `downsample`/`upsample` blocks as
  `keras.Sequential` (convolution, batch norm, LeakyReLU/ReLU, dropout on the first three
  up-samplings), a functional U-Net generator and a functional PatchGAN discriminator taking
  `[input, target]`, BCE-with-logits losses with λ = 100, and a `@tf.function` `train_step` with
  two `GradientTape`s that update G and D from the same forward pass (two discriminator passes;
  the reference implementation, and our `Pix2Pix`, make three, training G against the updated D).
- CycleGAN, after the TensorFlow CycleGAN tutorial's `train_step` (one persistent tape, four
  Adam optimizers, no image pool) with the ResNet-9 generator and PatchGAN discriminator of the
  keras-io CycleGAN example (reflection padding, instance norm with scale and offset, "same"
  padding in the discriminator) and its LSGAN losses, λ_cycle = 10, λ_identity = 0.5.

No XLA and float32, as the tutorials run. The layer sizes follow the papers, as ours do: U-Net-256
(ngf 64) + 70×70 PatchGAN (ndf 64), and ResNet-9 (ngf 64) + PatchGAN; the tests compare their
parameter counts with ours. This is not the tutorials' code, only written in their style.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_imgtrans.layers import ReflectionPadding2D

# === Pix2Pix (TensorFlow tutorial style) ===


def _init():
    return tf.random_normal_initializer(0.0, 0.02)


def downsample(filters: int, size: int, apply_batchnorm: bool = True) -> keras.Sequential:
    result = keras.Sequential()
    result.add(
        keras.layers.Conv2D(
            filters, size, strides=2, padding="same", kernel_initializer=_init(), use_bias=False
        )
    )
    if apply_batchnorm:
        result.add(keras.layers.BatchNormalization())
    result.add(keras.layers.LeakyReLU())
    return result


def upsample(filters: int, size: int, apply_dropout: bool = False) -> keras.Sequential:
    result = keras.Sequential()
    result.add(
        keras.layers.Conv2DTranspose(
            filters, size, strides=2, padding="same", kernel_initializer=_init(), use_bias=False
        )
    )
    result.add(keras.layers.BatchNormalization())
    if apply_dropout:
        result.add(keras.layers.Dropout(0.5))
    result.add(keras.layers.ReLU())
    return result


def tutorial_generator(image_size: int = 256, num_downs: int = 8, ngf: int = 64) -> keras.Model:
    """The tutorial's `Generator()` (for num_downs=8, ngf=64), sizes as parameters."""
    filters = [ngf * min(2**i, 8) for i in range(num_downs)]
    down_stack = [downsample(f, 4, apply_batchnorm=i > 0) for i, f in enumerate(filters)]
    up_stack = [upsample(f, 4, apply_dropout=j < 3) for j, f in enumerate(filters[-2::-1])]
    last = keras.layers.Conv2DTranspose(
        3, 4, strides=2, padding="same", kernel_initializer=_init(), activation="tanh"
    )
    inputs = keras.layers.Input(shape=[image_size, image_size, 3])
    x = inputs
    skips = []
    for down in down_stack:
        x = down(x)
        skips.append(x)
    skips = reversed(skips[:-1])
    for up, skip in zip(up_stack, skips):
        x = up(x)
        x = keras.layers.Concatenate()([x, skip])
    return keras.Model(inputs=inputs, outputs=last(x))


def tutorial_discriminator(image_size: int = 256, ndf: int = 64) -> keras.Model:
    """The tutorial's `Discriminator()`: a 70×70 PatchGAN on [input, target]."""
    inp = keras.layers.Input(shape=[image_size, image_size, 3], name="input_image")
    tar = keras.layers.Input(shape=[image_size, image_size, 3], name="target_image")
    x = keras.layers.concatenate([inp, tar])
    x = downsample(ndf, 4, False)(x)
    x = downsample(ndf * 2, 4)(x)
    x = downsample(ndf * 4, 4)(x)
    x = keras.layers.ZeroPadding2D()(x)
    x = keras.layers.Conv2D(ndf * 8, 4, strides=1, kernel_initializer=_init(), use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.LeakyReLU()(x)
    x = keras.layers.ZeroPadding2D()(x)
    last = keras.layers.Conv2D(1, 4, strides=1, kernel_initializer=_init())(x)
    return keras.Model(inputs=[inp, tar], outputs=last)


def make_pix2pix_step(image_size: int = 256, num_downs: int = 8, ngf: int = 64, ndf: int = 64):
    """(train_step(input_image, target) -> losses, generator, discriminator), tutorial style."""
    generator = tutorial_generator(image_size, num_downs, ngf)
    discriminator = tutorial_discriminator(image_size, ndf)
    loss_object = keras.losses.BinaryCrossentropy(from_logits=True)
    generator_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    discriminator_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    lam = 100

    def generator_loss(disc_generated_output, gen_output, target):
        gan_loss = loss_object(tf.ones_like(disc_generated_output), disc_generated_output)
        l1_loss = tf.reduce_mean(tf.abs(target - gen_output))
        return gan_loss + (lam * l1_loss), gan_loss, l1_loss

    def discriminator_loss(disc_real_output, disc_generated_output):
        real_loss = loss_object(tf.ones_like(disc_real_output), disc_real_output)
        generated_loss = loss_object(tf.zeros_like(disc_generated_output), disc_generated_output)
        return real_loss + generated_loss

    @tf.function
    def train_step(input_image, target):
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            gen_output = generator(input_image, training=True)
            disc_real_output = discriminator([input_image, target], training=True)
            disc_generated_output = discriminator([input_image, gen_output], training=True)
            gen_total_loss, gen_gan_loss, gen_l1_loss = generator_loss(
                disc_generated_output, gen_output, target
            )
            disc_loss = discriminator_loss(disc_real_output, disc_generated_output)
        generator_gradients = gen_tape.gradient(gen_total_loss, generator.trainable_variables)
        discriminator_gradients = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        generator_optimizer.apply_gradients(zip(generator_gradients, generator.trainable_variables))
        discriminator_optimizer.apply_gradients(
            zip(discriminator_gradients, discriminator.trainable_variables)
        )
        return {"g_loss": gen_total_loss, "g_l1": gen_l1_loss, "d_loss": disc_loss}

    return train_step, generator, discriminator


# === CycleGAN (keras-io networks, TensorFlow tutorial step) ===


def _instance_norm():
    return keras.layers.GroupNormalization(
        groups=-1, epsilon=1e-5, gamma_initializer=keras.initializers.RandomNormal(0.0, 0.02)
    )


def _residual_block(x):
    dim = x.shape[-1]
    y = x
    for i in range(2):
        y = ReflectionPadding2D(1)(y)
        y = keras.layers.Conv2D(dim, 3, kernel_initializer=_init(), use_bias=False)(y)
        y = _instance_norm()(y)
        if i == 0:
            y = keras.layers.Activation("relu")(y)
    return keras.layers.add([x, y])


def keras_io_resnet_generator(image_size: int = 256, n_blocks: int = 9, ngf: int = 64):
    """The keras-io example's `get_resnet_generator` (9 residual blocks)."""
    inputs = keras.layers.Input(shape=(image_size, image_size, 3))
    x = ReflectionPadding2D(3)(inputs)
    x = keras.layers.Conv2D(ngf, 7, kernel_initializer=_init(), use_bias=False)(x)
    x = keras.layers.Activation("relu")(_instance_norm()(x))
    filters = ngf
    for _ in range(2):
        filters *= 2
        x = keras.layers.Conv2D(
            filters, 3, strides=2, padding="same", kernel_initializer=_init(), use_bias=False
        )(x)
        x = keras.layers.Activation("relu")(_instance_norm()(x))
    for _ in range(n_blocks):
        x = _residual_block(x)
    for _ in range(2):
        filters //= 2
        x = keras.layers.Conv2DTranspose(
            filters, 3, strides=2, padding="same", kernel_initializer=_init(), use_bias=False
        )(x)
        x = keras.layers.Activation("relu")(_instance_norm()(x))
    x = ReflectionPadding2D(3)(x)
    x = keras.layers.Conv2D(3, 7)(x)
    return keras.Model(inputs, keras.layers.Activation("tanh")(x))


def keras_io_discriminator(image_size: int = 256, ndf: int = 64, n_layers: int = 3):
    """The keras-io example's `get_discriminator` (a 70×70 PatchGAN with "same" padding)."""
    inputs = keras.layers.Input(shape=(image_size, image_size, 3))
    x = keras.layers.Conv2D(ndf, 4, strides=2, padding="same", kernel_initializer=_init())(inputs)
    x = keras.layers.LeakyReLU(0.2)(x)
    filters = ndf
    for i in range(n_layers):
        filters *= 2
        x = keras.layers.Conv2D(
            filters,
            4,
            strides=2 if i < n_layers - 1 else 1,
            padding="same",
            kernel_initializer=_init(),
            use_bias=False,
        )(x)
        x = keras.layers.LeakyReLU(0.2)(_instance_norm()(x))
    x = keras.layers.Conv2D(1, 4, strides=1, padding="same", kernel_initializer=_init())(x)
    return keras.Model(inputs, x)


def make_cyclegan_step(
    image_size: int = 256, n_blocks: int = 9, ngf: int = 64, ndf: int = 64, n_layers: int = 3
):
    """(train_step(real_x, real_y) -> losses, [G, F, D_X, D_Y]), tutorial style."""
    generator_g = keras_io_resnet_generator(image_size, n_blocks, ngf)  # X -> Y
    generator_f = keras_io_resnet_generator(image_size, n_blocks, ngf)  # Y -> X
    discriminator_x = keras_io_discriminator(image_size, ndf, n_layers)
    discriminator_y = keras_io_discriminator(image_size, ndf, n_layers)
    nets = [generator_g, generator_f, discriminator_x, discriminator_y]
    optimizers = [keras.optimizers.Adam(2e-4, beta_1=0.5) for _ in nets]
    mse = keras.losses.MeanSquaredError()
    lam = 10

    def generator_loss(generated):
        return mse(tf.ones_like(generated), generated)

    def discriminator_loss(real, generated):
        return (mse(tf.ones_like(real), real) + mse(tf.zeros_like(generated), generated)) * 0.5

    def calc_cycle_loss(real_image, cycled_image):
        return lam * tf.reduce_mean(tf.abs(real_image - cycled_image))

    def identity_loss(real_image, same_image):
        return lam * 0.5 * tf.reduce_mean(tf.abs(real_image - same_image))

    @tf.function
    def train_step(real_x, real_y):
        with tf.GradientTape(persistent=True) as tape:
            fake_y = generator_g(real_x, training=True)
            cycled_x = generator_f(fake_y, training=True)
            fake_x = generator_f(real_y, training=True)
            cycled_y = generator_g(fake_x, training=True)
            same_x = generator_f(real_x, training=True)
            same_y = generator_g(real_y, training=True)
            disc_real_x = discriminator_x(real_x, training=True)
            disc_real_y = discriminator_y(real_y, training=True)
            disc_fake_x = discriminator_x(fake_x, training=True)
            disc_fake_y = discriminator_y(fake_y, training=True)
            total_cycle_loss = calc_cycle_loss(real_x, cycled_x) + calc_cycle_loss(real_y, cycled_y)
            total_gen_g_loss = (
                generator_loss(disc_fake_y) + total_cycle_loss + identity_loss(real_y, same_y)
            )
            total_gen_f_loss = (
                generator_loss(disc_fake_x) + total_cycle_loss + identity_loss(real_x, same_x)
            )
            disc_x_loss = discriminator_loss(disc_real_x, disc_fake_x)
            disc_y_loss = discriminator_loss(disc_real_y, disc_fake_y)
        losses = [total_gen_g_loss, total_gen_f_loss, disc_x_loss, disc_y_loss]
        for net, opt, loss in zip(nets, optimizers, losses):
            grads = tape.gradient(loss, net.trainable_variables)
            opt.apply_gradients(zip(grads, net.trainable_variables))
        return {"gen_g_loss": total_gen_g_loss, "disc_x_loss": disc_x_loss}

    return train_step, nets
