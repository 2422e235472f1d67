"""Reference implementation of every code item of lab ``generative-tf`` (trusted; never shown
to students).

Each function is written so that its source can also stand, unchanged or renamed, as a
top-level definition of the solution notebook (``build/notebooks.py`` copies it there): it reads
the same globals the template defines (``latent_dim``, ``cross_entropy``, ``generator_loss``,
``log_normal_pdf``...), imported here from the public scaffold.

Items (see ``LABS.md``):

- 1.2  :func:`compile_autoencoder`
- 1.plot :func:`plot_latent_space_ae`, 2.plot :func:`plot_latent_space_vae`
- 2.5  :func:`kl_divergence`, :func:`compute_loss_gauss_kl`
- 3.data :func:`conditioned_mnist`
- 3.model :func:`prepare_encoder`, :func:`prepare_decoder`, :class:`Cond_CVAE_Solution`
- 3.loss :func:`compute_loss_cond`
- 4.gen :func:`prepare_generator`, 4.disc :func:`prepare_discriminator`,
  4.loss :func:`discriminator_loss`, 4.step :func:`make_train_step`
"""
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from ..public.scaffold import Cond_CVAE, generator_loss, latent_dim, log_normal_pdf
from ..public.scaffold import cross_entropy  # noqa: F401 - read by discriminator_loss

__all__ = [
    "compile_autoencoder", "plot_latent_space_ae", "plot_latent_space_vae", "kl_divergence",
    "compute_loss_gauss_kl", "conditioned_mnist", "prepare_encoder", "prepare_decoder",
    "Cond_CVAE_Solution", "compute_loss_cond", "prepare_generator", "prepare_discriminator",
    "discriminator_loss", "make_train_step", "latent_dim",
]


# ---------------------------------------------------------------------------------------------
# 1. Autoencoder
# ---------------------------------------------------------------------------------------------

def compile_autoencoder(autoencoder):
    """Compile the autoencoder with binary cross-entropy (pixels are in [0, 1] and the
    decoder ends with a sigmoid) and Adam. Returns the model."""
    autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    return autoencoder


def plot_latent_space_ae(model, data):
    """Scatter plot of the 2-D codes ``model.encoder(data)``: one point per image of ``data``."""
    codes = np.asarray(model.encoder(data))
    plt.figure(figsize=(8, 8))
    plt.scatter(codes[:, 0], codes[:, 1], s=2, alpha=0.5)
    plt.xlabel("z[0]")
    plt.ylabel("z[1]")
    plt.title("Przestrzeń ukryta AE")
    plt.show()


def plot_latent_space_vae(model, data):
    """The posterior means of ``data`` with error bars of one standard deviation,
    ``std = exp(logvar / 2)``, on both axes."""
    mean, logvar = model.encode(data)
    mean = np.asarray(mean)
    std = np.exp(np.asarray(logvar) / 2)
    plt.figure(figsize=(8, 8))
    plt.errorbar(mean[:, 0], mean[:, 1], xerr=std[:, 0], yerr=std[:, 1],
                 fmt="o", markersize=2, elinewidth=0.5, ecolor="tab:red", alpha=0.5)
    plt.xlabel("z[0]")
    plt.ylabel("z[1]")
    plt.title("Przestrzeń ukryta VAE: średnie i odchylenia standardowe")
    plt.show()


# ---------------------------------------------------------------------------------------------
# 2.5 Closed-form KL divergence
# ---------------------------------------------------------------------------------------------

def kl_divergence(mean, logvar):
    """KL( N(mean, diag(exp(logvar))) || N(0, I) ) for each sample of the batch:
    ``0.5 * sum(exp(logvar) + mean**2 - 1 - logvar, axis=1)``, shape ``(batch,)``."""
    return 0.5 * tf.reduce_sum(tf.exp(logvar) + tf.square(mean) - 1.0 - logvar, axis=1)


def compute_loss_gauss_kl(model, x):
    """Negative ELBO with the closed-form KL: ``-mean(log p(x|z) - KL)``, where
    ``log p(x|z)`` is the Bernoulli log-likelihood of ``x`` under the decoder's logits for one
    reparameterised sample ``z``."""
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    kl = kl_divergence(mean, logvar)
    return -tf.reduce_mean(logpx_z - kl)


# ---------------------------------------------------------------------------------------------
# 3. Conditioned VAE
# ---------------------------------------------------------------------------------------------

def conditioned_mnist(x, y, num_imgs=2):
    """Place each digit of ``x`` in ``num_imgs`` distinct cells of a 3x3 grid.

    ``x``: images ``(N, h, w)`` or ``(N, h, w, 1)`` with values in [0, 1]; ``y``: one-hot labels
    ``(N, 10)``. Returns ``x_res`` float32 ``(N * num_imgs, 3h, 3w, 1)`` and ``y_res`` float32
    ``(N * num_imgs, 12)`` = ``[one-hot, pos_x, pos_y]``: the digit sits, unchanged, in grid
    row ``r``, column ``c`` (zeros elsewhere), with ``pos_x = c / 2`` and ``pos_y = r / 2``.
    The outputs of input ``n`` are rows ``n * num_imgs`` to ``(n + 1) * num_imgs - 1``.
    """
    x = np.asarray(x, dtype="float32")
    if x.ndim == 4:
        x = x[..., 0]
    y = np.asarray(y, dtype="float32")
    n, h, w = x.shape
    x_res = np.zeros((n * num_imgs, 3 * h, 3 * w, 1), dtype="float32")
    y_res = np.zeros((n * num_imgs, y.shape[1] + 2), dtype="float32")
    for i in range(n):
        cells = np.random.choice(9, num_imgs, replace=False)
        for k, cell in enumerate(cells):
            row, col = divmod(int(cell), 3)
            j = i * num_imgs + k
            x_res[j, row * h:(row + 1) * h, col * w:(col + 1) * w, 0] = x[i]
            y_res[j, :-2] = y[i]
            y_res[j, -2] = col / 2
            y_res[j, -1] = row / 2
    return x_res, y_res


def prepare_encoder(self):
    """Encoder of Cond_CVAE: [image (42, 42, 1), condition (12,)] -> (2 * latent_dim,),
    the mean and the log-variance, with a linear last layer."""
    dim = getattr(self, "latent_dim", latent_dim)
    input_img = tf.keras.layers.Input(shape=(42, 42, 1))
    input_cond = tf.keras.layers.Input(shape=(12,))
    x = tf.keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(input_img)
    x = tf.keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Concatenate()([x, input_cond])
    x = tf.keras.layers.Dense(128, activation="relu")(x)
    # No activation: mean and logvar range over all reals.
    output = tf.keras.layers.Dense(dim + dim)(x)
    return tf.keras.Model([input_img, input_cond], output, name="cond_encoder")


def prepare_decoder(self):
    """Decoder of Cond_CVAE: [z (latent_dim,), condition (12,)] -> logits (42, 42, 1)."""
    dim = getattr(self, "latent_dim", latent_dim)
    input_z = tf.keras.layers.Input(shape=(dim,))
    input_cond = tf.keras.layers.Input(shape=(12,))
    x = tf.keras.layers.Concatenate()([input_z, input_cond])
    x = tf.keras.layers.Dense(7 * 7 * 32, activation="relu")(x)
    x = tf.keras.layers.Reshape((7, 7, 32))(x)
    x = tf.keras.layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)  # 14x14
    x = tf.keras.layers.Conv2DTranspose(32, 3, strides=3, padding="same", activation="relu")(x)  # 42x42
    # No activation: logits.
    output = tf.keras.layers.Conv2DTranspose(1, 3, strides=1, padding="same")(x)
    return tf.keras.Model([input_z, input_cond], output, name="cond_decoder")


class Cond_CVAE_Solution(Cond_CVAE):
    """The template's ``Cond_CVAE`` with the reference ``prepare_encoder``/``prepare_decoder``."""

    prepare_encoder = prepare_encoder
    prepare_decoder = prepare_decoder


def compute_loss_cond(model, x):
    """The tutorial's Monte-Carlo negative ELBO for the conditioned model,
    ``x = (data, cond)``; the encoder and the decoder both receive the condition."""
    data, cond = x
    data = tf.convert_to_tensor(data, dtype=tf.float32)
    cond = tf.convert_to_tensor(cond, dtype=tf.float32)
    mean, logvar = model.encode([data, cond])
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode([z, cond])
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=data)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)


# ---------------------------------------------------------------------------------------------
# 4. Conditioned GAN
# ---------------------------------------------------------------------------------------------

def prepare_generator(latent_dim, cond_dim):
    """Generator: [noise (latent_dim,), condition (cond_dim,)] -> image (28, 28, 1) in [-1, 1]
    (tanh), the layers of the DCGAN tutorial after concatenating noise and condition."""
    input_noise = tf.keras.layers.Input(shape=(latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))
    x = tf.keras.layers.Concatenate()([input_noise, input_cond])

    x = tf.keras.layers.Dense(7 * 7 * 256, use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Reshape((7, 7, 256))(x)

    x = tf.keras.layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)

    x = tf.keras.layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)

    output = tf.keras.layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same",
                                             use_bias=False, activation="tanh")(x)
    return tf.keras.Model([input_noise, input_cond], output, name="generator")


def prepare_discriminator(img_shape, cond_dim):
    """Discriminator: [image img_shape, condition (cond_dim,)] -> (1,), a logit (no activation;
    the loss is computed from logits)."""
    input_img = tf.keras.layers.Input(shape=img_shape)
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))

    x = tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same")(input_img)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)

    x = tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same")(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Flatten()(x)

    x = tf.keras.layers.Concatenate()([x, input_cond])
    x = tf.keras.layers.Dense(128)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    output = tf.keras.layers.Dense(1)(x)
    return tf.keras.Model([input_img, input_cond], output, name="discriminator")


def discriminator_loss(real_output, fake_output):
    """BCE-with-logits of real images against label 1 plus of fake images against label 0."""
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    total_loss = real_loss + fake_loss
    return total_loss


def make_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer,
                    noise_dim):
    """Return ``train_step(data)``, ``data = (images, cond, noise_cond)``.

    The generator draws ``noise`` and makes images for the conditions ``noise_cond``; the
    discriminator judges the real images with their conditions ``cond`` and the fake ones with
    ``noise_cond``. One tape per network; both networks are updated. Returns both losses.
    The body of the inner function is the solution notebook's top-level ``train_step``.
    """
    @tf.function
    def train_step(data):
        images, cond, noise_cond = data
        images = tf.cast(images, tf.float32)
        cond = tf.cast(cond, tf.float32)
        noise_cond = tf.cast(noise_cond, tf.float32)
        noise = tf.random.normal([tf.shape(images)[0], noise_dim])

        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator([noise, noise_cond], training=True)

            real_output = discriminator([images, cond], training=True)
            fake_output = discriminator([generated_images, noise_cond], training=True)

            gen_loss = generator_loss(fake_output)
            disc_loss = discriminator_loss(real_output, fake_output)

        gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
        gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)

        generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
        discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
        return gen_loss, disc_loss

    return train_step
