"""The code the student template of lab ``generative-tf`` gives students.

This module is public: the grader's sandbox imports it to provide the template's globals
(``latent_dim``, ``CVAE``, ``log_normal_pdf``, ``cross_entropy``, optimizers...) to the student's
code. ``reference/generative_tf/build/notebooks.py`` copies the source of these definitions into
``template.ipynb``, so the template and this module cannot drift apart.

It follows the TensorFlow tutorials "Intro to Autoencoders", "Convolutional Variational
Autoencoder" (``CVAE``, ``log_normal_pdf``, ``compute_loss``, ``train_step``) and "Deep
Convolutional Generative Adversarial Network" (``cross_entropy``, ``generator_loss``), with
``InputLayer(input_shape=...)`` written as ``Input(shape=...)``, which Keras 2 (tf-keras) and Keras 3 both accept.

Importing it trains nothing and loads no data.
"""
import time

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def preprocess(x):
    """Skaluje obrazy MNIST do [0, 1] (float32) i dodaje oś kanału: (N, 28, 28) -> (N, 28, 28, 1)."""
    x = np.asarray(x).astype("float32") / 255.0
    return x.reshape((x.shape[0], x.shape[1], x.shape[2], 1))


def preprocess_gan(x):
    """Skaluje obrazy MNIST do [-1, 1] (float32) i dodaje oś kanału, jak w samouczku DCGAN."""
    x = np.asarray(x).astype("float32")
    x = x.reshape((x.shape[0], x.shape[1], x.shape[2], 1))
    return (x - 127.5) / 127.5


# ---------------------------------------------------------------------------------------------
# 1. Autoencoder
# ---------------------------------------------------------------------------------------------

latent_dim = 2


class Autoencoder(tf.keras.Model):
    """Autoenkoder z gęstymi warstwami: obraz (28, 28, 1) -> kod (latent_dim,) -> obraz."""

    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = tf.keras.Sequential([
            layers.Input(shape=(28, 28, 1)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(latent_dim),
        ])
        self.decoder = tf.keras.Sequential([
            layers.Input(shape=(latent_dim,)),
            layers.Dense(128, activation="relu"),
            layers.Dense(784, activation="sigmoid"),
            layers.Reshape((28, 28, 1)),
        ])

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


def plot_reconstructions(originals, reconstructions, n=10):
    """Wyświetla n obrazów (górny wiersz) i ich rekonstrukcje (dolny wiersz)."""
    plt.figure(figsize=(20, 4))
    for i in range(n):
        ax = plt.subplot(2, n, i + 1)
        plt.imshow(np.asarray(originals[i]).squeeze(), cmap="gray")
        plt.title("oryginał")
        ax.get_xaxis().set_visible(False)
        ax.get_yaxis().set_visible(False)

        ax = plt.subplot(2, n, i + 1 + n)
        plt.imshow(np.asarray(reconstructions[i]).squeeze(), cmap="gray")
        plt.title("rekonstrukcja")
        ax.get_xaxis().set_visible(False)
        ax.get_yaxis().set_visible(False)
    plt.show()


def plot_latent_images(model, n, digit_size=28, x_range=(-2.0, 2.0), y_range=(-2.0, 2.0)):
    """Plots n x n digit images decoded from the latent space.

    Punkty siatki leżą w prostokącie x_range x y_range: dobierz granice, analizując wynik
    funkcji plot_latent_space. Działa dla AE (model.decoder) i dla VAE (model.sample).
    """
    grid_x = np.linspace(x_range[0], x_range[1], n)
    grid_y = np.linspace(y_range[0], y_range[1], n)
    image_width = digit_size * n
    image_height = image_width
    image = np.zeros((image_height, image_width))

    for i, yi in enumerate(grid_y[::-1]):
        for j, xi in enumerate(grid_x):
            z = np.array([[xi, yi]], dtype="float32")
            if hasattr(model, "sample"):
                x_decoded = model.sample(z)
            else:
                x_decoded = model.decoder(z)
            digit = tf.reshape(x_decoded[0], (digit_size, digit_size))
            image[i * digit_size: (i + 1) * digit_size,
                  j * digit_size: (j + 1) * digit_size] = digit.numpy()

    plt.figure(figsize=(10, 10))
    plt.imshow(image, cmap="Greys_r")
    plt.axis("Off")
    plt.show()


# ---------------------------------------------------------------------------------------------
# 2. Variational autoencoder (TensorFlow tutorial "Convolutional Variational Autoencoder")
# ---------------------------------------------------------------------------------------------

train_size = 60000
batch_size = 32
test_size = 10000
epochs = 10


class CVAE(tf.keras.Model):
    """Convolutional variational autoencoder."""

    def __init__(self, latent_dim):
        super(CVAE, self).__init__()
        self.latent_dim = latent_dim
        self.encoder = tf.keras.Sequential(
            [
                tf.keras.layers.Input(shape=(28, 28, 1)),
                tf.keras.layers.Conv2D(
                    filters=32, kernel_size=3, strides=(2, 2), activation='relu'),
                tf.keras.layers.Conv2D(
                    filters=64, kernel_size=3, strides=(2, 2), activation='relu'),
                tf.keras.layers.Flatten(),
                # No activation
                tf.keras.layers.Dense(latent_dim + latent_dim),
            ]
        )

        self.decoder = tf.keras.Sequential(
            [
                tf.keras.layers.Input(shape=(latent_dim,)),
                tf.keras.layers.Dense(units=7*7*32, activation=tf.nn.relu),
                tf.keras.layers.Reshape(target_shape=(7, 7, 32)),
                tf.keras.layers.Conv2DTranspose(
                    filters=64, kernel_size=3, strides=2, padding='same',
                    activation='relu'),
                tf.keras.layers.Conv2DTranspose(
                    filters=32, kernel_size=3, strides=2, padding='same',
                    activation='relu'),
                # No activation
                tf.keras.layers.Conv2DTranspose(
                    filters=1, kernel_size=3, strides=1, padding='same'),
            ]
        )

    @tf.function
    def sample(self, eps=None):
        if eps is None:
            eps = tf.random.normal(shape=(100, self.latent_dim))
        return self.decode(eps, apply_sigmoid=True)

    def encode(self, x):
        mean, logvar = tf.split(self.encoder(x), num_or_size_splits=2, axis=1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        eps = tf.random.normal(shape=mean.shape)
        return eps * tf.exp(logvar * .5) + mean

    def decode(self, z, apply_sigmoid=False):
        logits = self.decoder(z)
        if apply_sigmoid:
            probs = tf.sigmoid(logits)
            return probs
        return logits


optimizer = tf.keras.optimizers.Adam(1e-4)


def log_normal_pdf(sample, mean, logvar, raxis=1):
    log2pi = tf.math.log(2. * np.pi)
    return tf.reduce_sum(
        -.5 * ((sample - mean) ** 2. * tf.exp(-logvar) + logvar + log2pi),
        axis=raxis)


def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)


@tf.function
def train_step(model, x, optimizer):
    """Executes one training step and returns the loss.

    This function computes the loss and gradients, and uses the latter to
    update the model's parameters.
    """
    with tf.GradientTape() as tape:
        loss = compute_loss(model, x)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


# ---------------------------------------------------------------------------------------------
# 3. Conditioned VAE: 14x14 digits on a 3x3 grid (42x42x1 images), condition of 12 values
#    [one-hot digit (10), pos_x, pos_y]
# ---------------------------------------------------------------------------------------------


class Cond_CVAE(tf.keras.Model):
    """Warunkowy VAE: obraz (42, 42, 1) i warunek (12,) = [etykieta one-hot, pos_x, pos_y]."""

    def __init__(self, latent_dim):
        super(Cond_CVAE, self).__init__()
        self.latent_dim = latent_dim
        self.encoder = self.prepare_encoder()
        self.decoder = self.prepare_decoder()

    def prepare_encoder(self):
        """Zwraca model Keras: [obraz (42, 42, 1), warunek (12,)] -> (2 * latent_dim,)
        (średnia i logvar, bez aktywacji w ostatniej warstwie)."""
        # TU WPISZ KOD
        raise NotImplementedError()

    def prepare_decoder(self):
        """Zwraca model Keras: [z (latent_dim,), warunek (12,)] -> logity obrazu (42, 42, 1)
        (bez aktywacji w ostatniej warstwie)."""
        # TU WPISZ KOD
        raise NotImplementedError()

    def sample(self, cond, eps=None):
        cond = tf.convert_to_tensor(cond, dtype=tf.float32)
        if eps is None:
            eps = tf.random.normal(shape=(tf.shape(cond)[0], self.latent_dim))
        return self.decode([eps, cond], apply_sigmoid=True)

    def encode(self, x):
        img, cond = x
        img = tf.convert_to_tensor(img, dtype=tf.float32)
        cond = tf.convert_to_tensor(cond, dtype=tf.float32)
        mean, logvar = tf.split(self.encoder([img, cond]), num_or_size_splits=2, axis=1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        eps = tf.random.normal(shape=tf.shape(mean))
        return eps * tf.exp(logvar * .5) + mean

    def decode(self, x, apply_sigmoid=False):
        z, cond = x
        z = tf.convert_to_tensor(z, dtype=tf.float32)
        cond = tf.convert_to_tensor(cond, dtype=tf.float32)
        logits = self.decoder([z, cond])
        if apply_sigmoid:
            probs = tf.sigmoid(logits)
            return probs
        return logits


# ---------------------------------------------------------------------------------------------
# 4. Conditioned GAN (TensorFlow tutorial "Deep Convolutional Generative Adversarial Network")
# ---------------------------------------------------------------------------------------------

BUFFER_SIZE = 60000
BATCH_SIZE = 256
noise_dim = 100
cond_dim = 10


def add_noise_cond(images, cond):
    """Dokłada do pary (obrazy, warunek) losowy warunek one-hot dla obrazu generowanego."""
    noise_cond = tf.one_hot(tf.random.uniform([], 0, cond_dim, dtype=tf.int32), cond_dim)
    return images, cond, noise_cond


# This method returns a helper function to compute cross entropy loss
cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)


def generator_loss(fake_output):
    return cross_entropy(tf.ones_like(fake_output), fake_output)


generator_optimizer = tf.keras.optimizers.Adam(1e-4)
discriminator_optimizer = tf.keras.optimizers.Adam(1e-4)

EPOCHS = 50
num_examples_to_generate = 16


def generate_and_save_images(model, epoch, test_input, test_cond):
    """Wyświetla (i zapisuje do pliku) obrazy wygenerowane dla ustalonego szumu i warunków."""
    # Notice `training` is set to False.
    # This is so all layers run in inference mode (batchnorm).
    predictions = model([test_input, test_cond], training=False)
    labels = np.argmax(np.asarray(test_cond), axis=1)

    plt.figure(figsize=(4, 4))
    for i in range(predictions.shape[0]):
        plt.subplot(4, 4, i + 1)
        plt.imshow(predictions[i, :, :, 0] * 127.5 + 127.5, cmap='gray')
        plt.title(str(labels[i]), fontsize=8)
        plt.axis('off')

    plt.savefig('image_at_epoch_{:04d}.png'.format(epoch))
    plt.show()
