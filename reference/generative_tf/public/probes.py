"""Probes of the lab generative-tf: they run INSIDE the sandbox, next to student code.

A probe builds what the student's object needs (a stand-in model whose behaviour the judge
knows exactly, template globals), calls the student's object inside ``student_code()`` and
returns plain data. It decides nothing: every comparison happens in the judge
(``reference/generative_tf/checks.py``). This file is public: students may read it.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from grader.sandbox.probing import reject, student_code
from grader.sandbox.convert import to_numpy


class FixedNoiseVAE:
    """A stand-in for the tutorial ``CVAE`` with linear encoder/decoder and fixed noise.

    ``encoder(x) = [flatten(x), cond] @ w_enc + b_enc`` (mean and logvar), ``decoder(z) =
    [z, cond] @ w_dec + b_dec`` reshaped to an image of logits, and ``reparameterize`` uses the
    noise ``eps`` sent by the judge, so the judge can compute the exact ELBO the student's
    loss should return. It offers the tutorial's API (``encode``, ``reparameterize``,
    ``decode``, ``sample``, ``encoder``, ``decoder``, ``latent_dim``).
    """

    def __init__(self, w_enc, b_enc, w_dec, b_dec, eps, image_shape):
        self.w_enc, self.b_enc = tf.constant(w_enc), tf.constant(b_enc)
        self.w_dec, self.b_dec = tf.constant(w_dec), tf.constant(b_dec)
        self.eps = tf.constant(eps)
        self.latent_dim = int(eps.shape[1])
        self.image_shape = tuple(int(s) for s in image_shape)

    def encoder(self, x, training=False):
        img, cond = _split_input(x)
        flat = tf.reshape(tf.cast(img, tf.float32), (tf.shape(img)[0], -1))
        parts = [flat] if cond is None else [flat, tf.cast(cond, tf.float32)]
        return tf.concat(parts, axis=1) @ self.w_enc + self.b_enc

    def decoder(self, x, training=False):
        z, cond = _split_input(x)
        parts = [tf.cast(z, tf.float32)] if cond is None else [tf.cast(z, tf.float32), tf.cast(cond, tf.float32)]
        logits = tf.concat(parts, axis=1) @ self.w_dec + self.b_dec
        return tf.reshape(logits, (-1, *self.image_shape))

    def encode(self, x):
        mean, logvar = tf.split(self.encoder(x), num_or_size_splits=2, axis=1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        return self.eps * tf.exp(logvar * 0.5) + mean

    def decode(self, z, apply_sigmoid=False):
        logits = self.decoder(z)
        return tf.sigmoid(logits) if apply_sigmoid else logits

    def sample(self, eps=None, *args):
        return self.decode(self.eps if eps is None else eps, apply_sigmoid=True)

    def __call__(self, x, training=False):
        mean, logvar = self.encode(x)
        return self.decode(self.reparameterize(mean, logvar))


def _split_input(x):
    if isinstance(x, (list, tuple)):
        return (x[0], x[1]) if len(x) > 1 else (x[0], None)
    return x, None


def _scalar_or_array(value, what: str):
    if value is None:
        reject(f"{what} returned None; it should return a number (use `return`)")
    try:
        return to_numpy(value).astype(np.float64)
    except (TypeError, ValueError) as exc:
        reject(f"{what} returned {type(value).__name__}, not numbers: {exc}")


def loss_on_fixed_model(ns, x, w_enc, b_enc, w_dec, b_dec, eps, cond=None):
    """The student's ``compute_loss(model, x)`` on the fixed-noise model (``x=(data, cond)``
    when ``cond`` is given, as in task 3)."""
    model = FixedNoiseVAE(w_enc, b_enc, w_dec, b_dec, eps, x.shape[1:])
    data = tf.constant(x)
    with student_code():
        loss = ns.student(model, data if cond is None else (data, tf.constant(cond)))
    return {"loss": _scalar_or_array(loss, ns.name)}


def call_on_latents(ns, mean, logvar):
    """A KL helper ``f(mean, logvar)`` on given posterior parameters."""
    with student_code():
        value = ns.student(tf.constant(mean), tf.constant(logvar))
    return {"value": _scalar_or_array(value, ns.name)}


def call_conditioned_mnist(ns, x, y, num_imgs):
    """``conditioned_mnist(x, y, num_imgs)`` on the judge's digits and one-hot labels."""
    with student_code():
        result = ns.student(x.copy(), y.copy(), num_imgs=int(num_imgs))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        reject(f"{ns.name} should return a pair (x_res, y_res), got {type(result).__name__}")
    x_res, y_res = result
    return {"x_res": to_numpy(x_res), "y_res": to_numpy(y_res),
            "x_dtype": str(getattr(x_res, "dtype", "?")), "y_dtype": str(getattr(y_res, "dtype", "?"))}


def call_discriminator_loss(ns, real, fake):
    """``discriminator_loss(real_output, fake_output)`` on logits, with the template's
    ``cross_entropy`` (from_logits=True) provided where the student's function reads it."""
    ns.provide("cross_entropy", tf.keras.losses.BinaryCrossentropy(from_logits=True), ns.student)
    with student_code():
        loss = ns.student(tf.constant(real), tf.constant(fake))
    return {"loss": _scalar_or_array(loss, ns.name)}
