"""Probes of the lab generative-tf: they run INSIDE the sandbox, next to student code.

A probe builds what the student's object needs (a stand-in model whose behaviour the judge
knows exactly, template globals), calls the student's object inside ``student_code()`` and
returns plain data. It decides nothing: every comparison happens in the judge
(``reference/generative_tf/public/checks.py``). This file is public: students may read it.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from grader.probes import reject, student_code, to_numpy


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
        self._require_condition(cond, "encode", "[data, cond]", self.w_enc.shape[0] - int(np.prod(self.image_shape)))
        flat = tf.reshape(tf.cast(img, tf.float32), (tf.shape(img)[0], -1))
        parts = [flat] if cond is None else [flat, tf.cast(cond, tf.float32)]
        return tf.concat(parts, axis=1) @ self.w_enc + self.b_enc

    def decoder(self, x, training=False):
        z, cond = _split_input(x)
        self._require_condition(cond, "decode", "[z, cond]", self.w_dec.shape[0] - self.latent_dim)
        parts = [tf.cast(z, tf.float32)] if cond is None else [tf.cast(z, tf.float32), tf.cast(cond, tf.float32)]
        logits = tf.concat(parts, axis=1) @ self.w_dec + self.b_dec
        return tf.reshape(logits, (-1, *self.image_shape))

    @staticmethod
    def _require_condition(cond, method: str, call: str, cond_dim: int) -> None:
        if cond_dim and cond is None:
            reject(f"model.{method} was called without the condition: use model.{method}({call})")

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
    return {
        "x_res": to_numpy(x_res),
        "y_res": to_numpy(y_res),
        "x_dtype": str(getattr(x_res, "dtype", "?")),
        "y_dtype": str(getattr(y_res, "dtype", "?")),
    }


def call_discriminator_loss(ns, real, fake):
    """``discriminator_loss(real_output, fake_output)`` on logits, with the template's
    ``cross_entropy`` (from_logits=True) provided where the student's function reads it."""
    ns.provide("cross_entropy", tf.keras.losses.BinaryCrossentropy(from_logits=True), ns.student)
    with student_code():
        loss = ns.student(tf.constant(real), tf.constant(fake))
    return {"loss": _scalar_or_array(loss, ns.name)}


# ------------------------------------------------------------------------------- 1.2 compile


def compiled_loss(ns, y_true, y_pred):
    """How ``autoencoder`` was compiled: the loss's name and its value on the judge's data.
    Accepts a loss given as a string, a class, an instance or a function."""
    model = ns.student
    loss = getattr(model, "loss", None)
    if loss is None:
        return {"compiled": False}
    with student_code():
        if isinstance(loss, str):
            name, fn = loss, tf.keras.losses.get(loss)
        elif isinstance(loss, type):
            name, fn = loss.__name__, loss()
        else:
            name, fn = getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__), loss
        config = getattr(fn, "get_config", lambda: {})() if not isinstance(fn, type) else {}
        value = tf.reduce_mean(fn(tf.constant(y_true), tf.constant(y_pred)))
    return {
        "compiled": True,
        "name": str(name),
        "from_logits": bool(config.get("from_logits", False)),
        "value": _scalar_or_array(value, "the loss"),
    }


# ------------------------------------------------------------------------------- 1.plot, 2.plot


class LinearEncoder:
    """``encoder(x) = flatten(x) @ w + b``, callable and with ``predict`` like a Keras model."""

    def __init__(self, w, b):
        self.w, self.b = tf.constant(w), tf.constant(b)

    def __call__(self, x, training=False):
        x = tf.cast(tf.convert_to_tensor(x), tf.float32)
        return tf.reshape(x, (tf.shape(x)[0], -1)) @ self.w + self.b

    def predict(self, x, *args, **kwargs):
        return self(x).numpy()


class LatentModel:
    """A stand-in for the trained AE (``encoder``) or VAE (``encode`` -> mean, logvar)."""

    def __init__(self, w, b):
        self.encoder = LinearEncoder(w, b)
        self.latent_dim = int(w.shape[1]) // 2

    def encode(self, x):
        return tf.split(self.encoder(x), 2, axis=1)

    def __call__(self, x, training=False):
        return self.encoder(x)


def latent_plot(ns, data, w, b):
    """Call the student's ``plot_latent_space(model, data)`` and return what it drew:
    the point sets of every artist and the extents of every drawn segment or ellipse."""
    import matplotlib.pyplot as plt

    plt.close("all")
    with student_code():
        ns.student(LatentModel(w, b), data.copy())
    sets, extents = _drawn(plt)
    plt.close("all")
    lengths = [len(s) for s in sets]
    points = np.concatenate(sets) if sets else np.zeros((0, 2))
    return {
        "points": points.astype(np.float64),
        "lengths": np.asarray(lengths, dtype=np.int64),
        "extents": np.asarray(extents, dtype=np.float64).reshape(-1, 2),
    }


def _drawn(plt):
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.patches import Ellipse

    sets, extents = [], []
    for num in plt.get_fignums():
        for ax in plt.figure(num).axes:
            for coll in ax.collections:
                if isinstance(coll, PathCollection):
                    sets.append(np.asarray(coll.get_offsets(), dtype=np.float64).reshape(-1, 2))
                elif isinstance(coll, LineCollection):
                    extents += [
                        np.abs(np.ptp(np.asarray(seg, dtype=np.float64), axis=0))
                        for seg in coll.get_segments()
                        if len(seg) >= 2
                    ]
            for line in ax.lines:
                xy = np.asarray(line.get_xydata(), dtype=np.float64).reshape(-1, 2)
                sets.append(xy)
                if len(xy) == 2:
                    extents.append(np.abs(xy[1] - xy[0]))
            for patch in ax.patches:
                if isinstance(patch, Ellipse):
                    extents.append(np.array([patch.width, patch.height], dtype=np.float64))
    return sets, extents


# ------------------------------------------------------------------------------- 3.model


def cond_cvae(ns, latent_dim, img, cond, cond2, z, eps):
    """Build the student's ``Cond_CVAE(latent_dim)`` (template global ``latent_dim`` provided)
    and report what its encoder and decoder compute and whether gradients reach every weight."""
    cls = ns.student
    methods = [getattr(cls, m, None) for m in ("__init__", "prepare_encoder", "prepare_decoder")]
    ns.provide("latent_dim", int(latent_dim), *[m for m in methods if m is not None])
    img, cond, cond2, z, eps = (tf.constant(a) for a in (img, cond, cond2, z, eps))
    with student_code():
        model = cls(int(latent_dim))
        enc1 = model.encoder([img, cond], training=False)
        enc2 = model.encoder([img, cond2], training=False)
        dec1 = model.decoder([z, cond], training=False)
        dec2 = model.decoder([z, cond2], training=False)
        with tf.GradientTape() as tape:
            h = model.encoder([img, cond], training=True)
            mean, logvar = tf.split(h, 2, axis=1)
            logits = model.decoder([mean + eps * tf.exp(0.5 * logvar), cond], training=True)
            # any smooth function of both outputs will do; this one works whatever the shapes
            loss = (
                tf.reduce_mean(tf.square(logits - 0.5))
                + tf.reduce_mean(tf.square(mean))
                + tf.reduce_mean(tf.exp(logvar) - logvar)
            )
        n_encoder = len(model.encoder.trainable_variables)
        variables = model.encoder.trainable_variables + model.decoder.trainable_variables
        grads = tape.gradient(loss, variables)
    moved = [g is not None and bool(np.any(to_numpy(g))) for g in grads]
    return {
        "enc1": enc1,
        "enc2": enc2,
        "dec1": dec1,
        "dec2": dec2,
        "encoder_variables": n_encoder,
        "decoder_variables": len(variables) - n_encoder,
        "encoder_with_gradient": sum(moved[:n_encoder]),
        "decoder_with_gradient": sum(moved[n_encoder:]),
    }


# ------------------------------------------------------------------------------- 4.gen, 4.disc


def conditional_model(ns, args, x, cond, cond2, scale):
    """Build ``prepare_generator(*args)`` or ``prepare_discriminator(*args)`` and call it on
    ``[x, cond]``, ``[x, cond2]`` and ``[scale * x, cond]`` (inference mode)."""
    shapeify = lambda a: tuple(a) if isinstance(a, list) else a  # noqa: E731 - img_shape arrives as a list
    x, cond, cond2 = (tf.constant(a) for a in (x, cond, cond2))
    with student_code():
        model = ns.student(*[shapeify(a) for a in args])
        out1 = model([x, cond], training=False)
        out2 = model([x, cond2], training=False)
        out_big = model([x * float(scale), cond], training=False)
    return {"out1": out1, "out2": out2, "out_big": out_big}


# ------------------------------------------------------------------------------- 4.step


class FrozenOptimizer:
    """An optimizer that applies nothing: freezes one network while the other's update is measured."""

    learning_rate = 0.0

    def apply_gradients(self, grads_and_vars, *args, **kwargs):
        list(grads_and_vars)

    def apply(self, grads, variables=None, *args, **kwargs):
        return None

    def minimize(self, *args, **kwargs):
        return None


def _reference_generator(noise_dim: int, cond_dim: int, rng, image_shape=(28, 28, 1), ignore_noise: bool = False):
    """``[noise, cond] -> tanh(Dense([noise, cond]))`` reshaped to ``image_shape``; weights from ``rng``."""
    layers = tf.keras.layers
    noise, cond = layers.Input((noise_dim,)), layers.Input((cond_dim,))
    pixels = int(np.prod(image_shape))
    used = layers.Lambda(lambda t: t * 0.0)(noise) if ignore_noise else noise
    dense = layers.Dense(pixels, activation="tanh", name="g_dense")
    out = layers.Reshape(tuple(image_shape))(dense(layers.Concatenate()([used, cond])))
    generator = tf.keras.Model([noise, cond], out, name="reference_generator")
    dense.set_weights(
        [rng.normal(0, 0.5, (noise_dim + cond_dim, pixels)).astype("float32"), np.zeros(pixels, "float32")]
    )
    return generator


def _reference_discriminator(image_shape, cond_dim: int, rng):
    """``[image, cond] -> Dense(1)([flatten(image), cond])``: a logit, linear in both; weights from ``rng``."""
    layers = tf.keras.layers
    image_shape = tuple(int(s) for s in image_shape)
    image, cond = layers.Input(image_shape), layers.Input((cond_dim,))
    dense = layers.Dense(1, name="d_dense")
    discriminator = tf.keras.Model(
        [image, cond], dense(layers.Concatenate()([layers.Flatten()(image), cond])), name="reference_discriminator"
    )
    pixels = int(np.prod(image_shape))
    dense.set_weights([rng.normal(0, 0.05, (pixels + cond_dim, 1)).astype("float32"), np.zeros(1, "float32")])
    return discriminator


def _reference_gan(noise_dim: int, cond_dim: int, image_shape=(28, 28, 1)):
    """Tiny deterministic nets: G ignores its noise (fakes depend only on the condition, so a
    step's effect is measured on the very fakes it used); D is linear in image and condition.
    Neither has dropout or batch normalisation: one step moves them by its gradient only."""
    rng = np.random.default_rng(7)
    generator = _reference_generator(noise_dim, cond_dim, rng, image_shape, ignore_noise=True)
    return generator, _reference_discriminator(image_shape, cond_dim, rng)


def gan_step(ns, images, cond, noise_cond, noise_dim, freeze, learning_rate):
    """One call of the student's ``train_step((images, cond, noise_cond))`` on reference nets,
    with one network frozen (``freeze``: "generator", "discriminator" or "none"); returns D's
    logits on the real batch and on the fakes (under ``cond`` and ``noise_cond``) before and
    after, and how much each network's weights moved."""
    nets_key = (int(noise_dim), int(cond.shape[1]))
    generator, discriminator, initial = _reference_nets(*nets_key)
    sgd = lambda: tf.keras.optimizers.SGD(float(learning_rate))  # noqa: E731
    step = getattr(ns.student, "python_function", ns.student)  # run eagerly: fresh globals every probe
    ns.provide("generator", generator, step)
    ns.provide("discriminator", discriminator, step)
    ns.provide("generator_optimizer", FrozenOptimizer() if freeze == "generator" else sgd(), step)
    ns.provide("discriminator_optimizer", FrozenOptimizer() if freeze == "discriminator" else sgd(), step)
    ns.provide("noise_dim", int(noise_dim), step)
    for name in ("BATCH_SIZE", "batch_size"):
        ns.provide(name, int(images.shape[0]), step)
    for name in ("cross_entropy", "generator_loss"):  # template globals
        ns.provide(name, getattr(ReferenceLosses, name), step)
    # 4.loss's object: the judge already bound its stand-in (STAND_INS below), or the student's
    # own when the rubric grades 4.step together with 4.loss; the reference only where it is absent
    if ns.get("discriminator_loss") is None:
        ns.provide("discriminator_loss", ReferenceLosses.discriminator_loss, step)
    images, cond, noise_cond = (tf.constant(a) for a in (images, cond, noise_cond))
    before = _gan_state(generator, discriminator, images, cond, noise_cond, int(noise_dim))
    mark = _structure(generator, discriminator)
    with student_code():
        step((images, cond, noise_cond))
    after = _gan_state(generator, discriminator, images, cond, noise_cond, int(noise_dim))
    if _structure(generator, discriminator) == mark:  # only their weights moved: reusable by the next probe
        _GAN_NETS[nets_key] = (generator, discriminator, initial, mark)
    return {**{f"{k}_before": v for k, v in before.items()}, **{f"{k}_after": v for k, v in after.items()}}


#: gan_step's reference nets, built once per worker (building them is most of a probe's own
#: cost) and restored to their initial weights before each probe: (noise_dim, cond_dim) ->
#: (generator, discriminator, initial weights, structure). Kept only when the student's
#: train_step left everything but the weights' values as it found it (``_structure``), so each
#: of 4.step's probes sees nets equal to freshly built ones, whichever runs first.
_GAN_NETS: dict = {}


def _reference_nets(noise_dim: int, cond_dim: int):
    """``_reference_gan(noise_dim, cond_dim)`` and the nets' initial weights: reused when cached and untouched."""
    cached = _GAN_NETS.pop((noise_dim, cond_dim), None)  # popped: a probe that fails leaves nothing behind
    if cached is not None:
        generator, discriminator, initial, mark = cached
        if _structure(generator, discriminator) == mark:
            for variable, value in zip(generator.weights + discriminator.weights, initial):
                variable.assign(value)
            return generator, discriminator, initial
    generator, discriminator = _reference_gan(noise_dim, cond_dim)
    return generator, discriminator, [to_numpy(w).copy() for w in generator.weights + discriminator.weights]


def _structure(*models) -> tuple:
    """What code could change in the nets besides their weights' values: every attribute (by
    identity) of each model and layer, their trainable flags and their variables."""

    def attributes(obj):
        return tuple(sorted((name, id(value)) for name, value in vars(obj).items()))

    return tuple(
        (
            model.trainable,
            attributes(model),
            tuple(id(v) for v in model.weights),
            tuple((id(layer), layer.trainable, attributes(layer)) for layer in model.layers),
        )
        for model in models
    )


def _gan_state(generator, discriminator, images, cond, noise_cond, noise_dim):
    z = tf.zeros((images.shape[0], noise_dim))
    return {
        "d_real": discriminator([images, cond], training=False),
        "d_fake_cond": discriminator([generator([z, cond], training=False), cond], training=False),
        "d_fake_noise_cond": discriminator([generator([z, noise_cond], training=False), noise_cond], training=False),
        "g_weights": np.concatenate([to_numpy(w).ravel() for w in generator.trainable_weights]),
        "d_weights": np.concatenate([to_numpy(w).ravel() for w in discriminator.trainable_weights]),
    }


class ReferenceLosses:
    """The template's ``cross_entropy`` and ``generator_loss`` (provided by ``gan_step``) and the
    reference ``discriminator_loss`` (4.loss's stand-in, ``STAND_INS``), so 4.step is graded
    independently of 4.loss."""

    cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)

    @staticmethod
    def generator_loss(fake_output):
        return ReferenceLosses.cross_entropy(tf.ones_like(fake_output), fake_output)

    @staticmethod
    def discriminator_loss(real_output, fake_output):
        ce = ReferenceLosses.cross_entropy
        return ce(tf.ones_like(real_output), real_output) + ce(tf.zeros_like(fake_output), fake_output)


# ------------------------------------------------------------------------------- stand-ins


def stand_in_prepare_generator(latent_dim=100, cond_dim=10):
    """Stand-in of 4.gen: the contract ``[noise (latent_dim,), cond (cond_dim,)] -> (28, 28, 1)``
    in [-1, 1] (tanh), one Dense layer: tiny and fast to build."""
    return _reference_generator(int(latent_dim), int(cond_dim), np.random.default_rng(7))


def stand_in_prepare_discriminator(img_shape=(28, 28, 1), cond_dim=10):
    """Stand-in of 4.disc: the contract ``[image img_shape, cond (cond_dim,)] -> (1,)``, a logit."""
    return _reference_discriminator(img_shape, int(cond_dim), np.random.default_rng(8))


#: Known-correct objects with each item's contract, for the items whose objects other items'
#: code uses (train_step calls discriminator_loss and reads `generator = prepare_generator(...)`):
#: the judge binds them in place of the student's (grader.independence, docs/checks.md), so a
#: fault in one item costs only that item. Item id -> zero-argument factory.
STAND_INS = {
    "4.gen": lambda: stand_in_prepare_generator,
    "4.disc": lambda: stand_in_prepare_discriminator,
    "4.loss": lambda: ReferenceLosses.discriminator_loss,
}
