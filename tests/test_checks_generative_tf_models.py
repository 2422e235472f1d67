"""Mutant tests for the model checks of generative-tf: 1.2, the latent plots, Cond_CVAE, the
conditioned loss, the generator, the discriminator and train_step."""

from __future__ import annotations

import pytest

pytest.importorskip("tensorflow")

from grader.sandbox.errors import StudentCodeError  # noqa: E402
from grader.testing import assert_check_fails, student_from_source  # noqa: E402
from reference.generative_tf.judge import checks as hidden_checks  # noqa: E402
from reference.generative_tf.public import checks  # noqa: E402
from tests.case_sources import both_case_sources  # noqa: E402

# every test twice: on the live cases (the instructor's grader) and on their recording (the bundle)
case_source = both_case_sources("reference.generative_tf")


def _passes(check, source, name):
    check(student_from_source("generative_tf", source, name))


def _fails(check, source, name, *fragments):
    return assert_check_fails(check, student_from_source("generative_tf", source, name), *fragments)


# ----------------------------------------------------------------------------------- 1.2


def _compiled(loss: str) -> str:
    return f"autoencoder = Autoencoder(latent_dim)\nautoencoder.compile(optimizer='adam', loss={loss})\n"


@pytest.mark.parametrize(
    "loss",
    [
        "'binary_crossentropy'",
        "'mse'",
        "keras.losses.MeanSquaredError",
        "tf.keras.losses.MeanAbsoluteError()",
        "tf.keras.losses.BinaryCrossentropy()",
        "my_loss",
    ],
)
def test_suitable_losses_in_any_form_pass(loss):
    helper = "def my_loss(y_true, y_pred):\n    return tf.reduce_mean(tf.square(y_true - y_pred))\n"
    _passes(checks.check_autoencoder_loss_suits_unit_data, helper + _compiled(loss), "autoencoder")


@pytest.mark.parametrize(
    "source,fragment",
    [
        ("autoencoder = Autoencoder(latent_dim)\n", "not compiled"),
        (_compiled("tf.keras.losses.BinaryCrossentropy(from_logits=True)"), "from_logits=True"),
        (_compiled("'categorical_crossentropy'"), "does not suit"),
        (_compiled("'kl_divergence'"), "does not suit"),
    ],
)
def test_unsuitable_or_missing_loss_fails(source, fragment):
    _fails(checks.check_autoencoder_loss_suits_unit_data, source, "autoencoder", fragment)


# ----------------------------------------------------------------------------------- plots

AE_PLOTS = {
    "scatter": "def plot_latent_space(model, data):\n    c = model.encoder(data).numpy()\n    plt.scatter(c[:, 0], c[:, 1], s=1)\n    plt.show()\n",
    "plot_markers": "def plot_latent_space(model, data):\n    c = model.encoder.predict(data)\n    plt.plot(c[:, 0], c[:, 1], 'o')\n",
    "one_artist_per_point": "def plot_latent_space(model, data):\n    for p in np.asarray(model.encoder(data)):\n        plt.scatter([p[0]], [p[1]], c='b')\n",
}


@pytest.mark.parametrize("style", sorted(AE_PLOTS))
def test_ae_latent_plot_any_artist_passes(style):
    _passes(checks.check_ae_latent_plot_draws_codes, AE_PLOTS[style], "plot_latent_space")


@pytest.mark.parametrize(
    "source,fragment",
    [
        ("def plot_latent_space(model, data):\n    pass\n", "draws nothing"),
        (
            "def plot_latent_space(model, data):\n    c = model.encoder(data).numpy()\n    plt.scatter(c[:, 1], c[:, 0])\n",
            "not the encoder's codes",
        ),
        (
            "def plot_latent_space(model, data):\n    plt.scatter(data[:, 0, 0, 0], data[:, 1, 1, 0])\n",
            "not the encoder's codes",
        ),
    ],
)
def test_ae_latent_plot_wrong_points_fail(source, fragment):
    _fails(checks.check_ae_latent_plot_draws_codes, source, "plot_latent_space", fragment)


VAE_PLOTS = {
    "errorbar_seed_000": (
        "def plot_latent_space(model, data):\n    mean, logvar = model.encode(data)\n    std = tf.exp(logvar / 2)\n"
        "    plt.errorbar(mean[:, 0], mean[:, 1], xerr=std[:, 0], yerr=std[:, 1], fmt='o', markersize=1)\n"
    ),
    "lines_seed_001": (
        "def plot_latent_space(model, data):\n    mean, logvar = model.encode(data)\n"
        "    stddev = tf.exp(0.5 * logvar).numpy()\n    mean = mean.numpy()\n    plt.scatter(mean[:, 0], mean[:, 1])\n"
        "    for i in range(len(mean)):\n        plt.plot([mean[i, 0], mean[i, 0] + stddev[i, 0]], [mean[i, 1], mean[i, 1]], 'g-')\n"
        "        plt.plot([mean[i, 0], mean[i, 0]], [mean[i, 1], mean[i, 1] + stddev[i, 1]], 'r-')\n"
    ),
    "ellipses": (
        "from matplotlib.patches import Ellipse\ndef plot_latent_space(model, data):\n    mean, logvar = model.encode(data)\n"
        "    m, s = mean.numpy(), np.exp(logvar.numpy() / 2)\n    ax = plt.gca()\n    ax.scatter(m[:, 0], m[:, 1])\n"
        "    for (x, y), (sx, sy) in zip(m, s):\n        ax.add_patch(Ellipse((x, y), 2 * sx, 2 * sy, alpha=0.2))\n"
    ),
}


@pytest.mark.parametrize("style", sorted(VAE_PLOTS))
@pytest.mark.parametrize(
    "check",
    [checks.check_vae_latent_plot_draws_means, checks.check_vae_latent_plot_shows_std],
    ids=lambda c: c.__name__,
)
def test_vae_latent_plot_styles_pass(check, style):
    _passes(check, VAE_PLOTS[style], "plot_latent_space")


def test_vae_plot_without_deviations_fails_only_the_std_check():
    source = "def plot_latent_space(model, data):\n    mean, logvar = model.encode(data)\n    plt.scatter(mean[:, 0], mean[:, 1])\n"
    _passes(checks.check_vae_latent_plot_draws_means, source, "plot_latent_space")
    _fails(checks.check_vae_latent_plot_shows_std, source, "plot_latent_space", "does not show")


def test_vae_plot_with_variance_instead_of_std_is_named():
    source = VAE_PLOTS["errorbar_seed_000"].replace("tf.exp(logvar / 2)", "tf.exp(logvar)")
    _fails(checks.check_vae_latent_plot_shows_std, source, "plot_latent_space", "exp(logvar);")


def test_vae_plot_of_sampled_z_fails_the_means_check():
    source = (
        "def plot_latent_space(model, data):\n    mean, logvar = model.encode(data)\n"
        "    z = mean + tf.random.normal(tf.shape(mean)) * tf.exp(logvar / 2)\n    plt.scatter(z[:, 0], z[:, 1])\n"
    )
    _fails(checks.check_vae_latent_plot_draws_means, source, "plot_latent_space", "not the means")


# ----------------------------------------------------------------------------------- 3.model

ENCODER = """
    def prepare_encoder(self):
        input_img = tf.keras.layers.Input(shape=(42, 42, 1))
        input_cond = tf.keras.layers.Input(shape=(12,))
        x = tf.keras.layers.Conv2D(16, 3, strides=2, activation='relu', padding='same')(input_img)
        x = tf.keras.layers.Flatten()(x)
        x = tf.keras.layers.Concatenate()([x, input_cond])
        x = tf.keras.layers.Dense(latent_dim + latent_dim{enc_act})(x)
        return tf.keras.Model([input_img, input_cond], x)
"""
DECODER = """
    def prepare_decoder(self):
        input_latent = tf.keras.layers.Input(shape=(latent_dim,))
        input_cond = tf.keras.layers.Input(shape=(12,))
        x = tf.keras.layers.Concatenate()([input_latent, input_cond]){dec_in}
        x = tf.keras.layers.Dense(7 * 7 * 8, activation='relu')(x)
        x = tf.keras.layers.Reshape((7, 7, 8))(x)
        x = tf.keras.layers.Conv2DTranspose(8, 3, strides=2, padding='same', activation='relu')(x)
        x = tf.keras.layers.Conv2DTranspose(8, 3, strides={stride}, padding='same', activation='relu')(x)
        x = tf.keras.layers.Conv2DTranspose(1, 3, strides=1, padding='same'{dec_act})(x)
        return tf.keras.Model([input_latent, input_cond], x)
"""


def _cvae(enc_act="", dec_act="", stride=3, dec_in="", extra=""):
    return (
        "class Cond_CVAE(Cond_CVAE):\n"
        + ENCODER.format(enc_act=enc_act)
        + DECODER.format(dec_act=dec_act, stride=stride, dec_in=dec_in)
        + extra
    )


MODEL_CHECKS = [
    checks.check_cond_cvae_shapes,
    checks.check_cond_encoder_is_linear,
    checks.check_cond_decoder_outputs_logits,
    checks.check_cond_condition_changes_output,
    hidden_checks.check_cond_cvae_trainable,
]


@pytest.mark.parametrize("check", MODEL_CHECKS, ids=lambda c: c.__name__)
def test_cond_cvae_right_answer_passes_every_check(check):
    _passes(check, _cvae(), "Cond_CVAE")


@pytest.mark.parametrize(
    "check,source,fragment",
    [
        (checks.check_cond_encoder_is_linear, _cvae(enc_act=", activation='relu'"), "ReLU"),
        (checks.check_cond_decoder_outputs_logits, _cvae(dec_act=", activation='sigmoid'"), "applies a sigmoid"),
        (checks.check_cond_cvae_shapes, _cvae(stride=2), "decoder (latent_dim=2) returns the wrong shape"),
        (
            checks.check_cond_condition_changes_output,
            _cvae(dec_in="\n        x = input_latent"),
            "decoder's output does not depend",
        ),
        (
            hidden_checks.check_cond_cvae_trainable,
            _cvae(
                extra="    def __init__(self, latent_dim):\n        super().__init__(latent_dim)\n        self.encoder.trainable = False\n"
            ),
            "no weight of the encoder",
        ),
    ],
    ids=["relu_encoder", "sigmoid_decoder", "decoder_28x28", "condition_ignored", "frozen_encoder"],
)
def test_cond_cvae_mistakes_fail_their_check(check, source, fragment):
    _fails(check, source, "Cond_CVAE", fragment)


# ----------------------------------------------------------------------------------- 3.loss

COND_LOSS = """
def compute_loss(model, x):
    data, cond = x
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logits = model.decode({decode_arg})
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logits, labels=data)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
{kl}
"""
MC = "    return -tf.reduce_mean(logpx_z + log_normal_pdf(z, 0., 0.) - log_normal_pdf(z, mean, logvar))"
CLOSED = "    kl = 0.5 * tf.reduce_sum(tf.exp(logvar) + mean**2 - 1 - logvar, axis=1)\n    return -tf.reduce_mean(logpx_z - kl)"


@pytest.mark.parametrize("kl", [MC, CLOSED], ids=["monte_carlo_seed_001", "closed_form"])
def test_conditioned_loss_accepts_both_kl_forms(kl):
    _passes(checks.check_cond_loss_matches_elbo, COND_LOSS.format(decode_arg="[z, cond]", kl=kl), "compute_loss")


def test_conditioned_loss_with_a_wrong_kl_is_named():
    _fails(
        checks.check_cond_loss_matches_elbo,
        COND_LOSS.format(decode_arg="[z, cond]", kl=CLOSED.replace("- logvar", "+ logvar")),
        "compute_loss",
        "wrong sign of logvar",
    )


def test_decoding_without_the_condition_is_the_students_error_and_says_so():
    with pytest.raises(StudentCodeError, match=r"decode was called without the condition"):
        checks.check_cond_loss_matches_elbo(
            student_from_source("generative_tf", COND_LOSS.format(decode_arg="z", kl=MC), "compute_loss")
        )


# ----------------------------------------------------------------------------------- 4.gen, 4.disc

GENERATOR = """
def prepare_generator(latent_dim, cond_dim):
    noise = tf.keras.layers.Input(shape=(latent_dim,))
    cond = tf.keras.layers.Input(shape=(cond_dim,))
    x = {concat}
    x = tf.keras.layers.Dense(7 * 7 * 16, use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Reshape((7, 7, 16))(x)
    x = tf.keras.layers.Conv2DTranspose(8, 5, strides=2, padding='same', use_bias=False)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Conv2DTranspose(1, 5, strides=2, padding='same', use_bias=False{act})(x)
    return tf.keras.Model([noise, cond], x)
"""
GOOD_CONCAT = "tf.keras.layers.Concatenate()([noise, cond])"


def _gen(concat=GOOD_CONCAT, act=", activation='tanh'"):
    return GENERATOR.format(concat=concat, act=act)


@pytest.mark.parametrize(
    "check",
    [checks.check_generator_output_shape_and_range, checks.check_generator_uses_condition],
    ids=lambda c: c.__name__,
)
def test_generator_right_answer_passes(check):
    _passes(check, _gen(), "prepare_generator")


@pytest.mark.parametrize(
    "check,source,fragment",
    [
        (
            checks.check_generator_output_shape_and_range,
            _gen(concat="tf.keras.layers.Concatenate(axis=1)(noise, cond)"),
            "called with two arguments instead of a list",
        ),
        (checks.check_generator_output_shape_and_range, _gen(act=""), "final tanh is missing"),
        (checks.check_generator_output_shape_and_range, _gen(act=", activation='sigmoid'"), "never negative"),
        (checks.check_generator_uses_condition, _gen(concat="noise"), "does not depend on the condition"),
    ],
    ids=["concatenate_seed_001", "no_tanh", "sigmoid", "condition_ignored"],
)
def test_generator_mistakes_fail_their_check(check, source, fragment):
    _fails(check, source, "prepare_generator", fragment)


DISCRIMINATOR = """
def prepare_discriminator(img_shape, cond_dim):
    image = tf.keras.layers.Input(shape=img_shape)
    cond = tf.keras.layers.Input(shape=(cond_dim,))
    x = tf.keras.layers.Conv2D(8, 5, strides=2, padding='same')(image)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Flatten()(x)
    x = {join}
    x = tf.keras.layers.Dense(1{act})(x)
    return tf.keras.Model([image, cond], x)
"""


def _disc(join="tf.keras.layers.Concatenate()([x, cond])", act=""):
    return DISCRIMINATOR.format(join=join, act=act)


@pytest.mark.parametrize(
    "check",
    [checks.check_discriminator_outputs_logit, checks.check_discriminator_uses_condition],
    ids=lambda c: c.__name__,
)
def test_discriminator_right_answer_passes(check):
    _passes(check, _disc(), "prepare_discriminator")


@pytest.mark.parametrize(
    "check,source,fragment",
    [
        (checks.check_discriminator_outputs_logit, _disc(act=", activation='sigmoid'"), "ends in a sigmoid"),
        (checks.check_discriminator_uses_condition, _disc(join="x"), "does not depend on the condition"),
    ],
    ids=["sigmoid", "condition_ignored"],
)
def test_discriminator_mistakes_fail_their_check(check, source, fragment):
    _fails(check, source, "prepare_discriminator", fragment)


# ----------------------------------------------------------------------------------- 4.step

STEP = """
@tf.function
def train_step(data):
    images, cond, noise_cond = data
    batch_size = tf.shape(images)[0]
    noise = tf.random.normal([batch_size, noise_dim])
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated_images = generator([noise, {fake_cond}], training=True)
        real_output = discriminator([images, cond], training=True)
        fake_output = discriminator([generated_images, {fake_cond}], training=True)
        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)
    gradients_of_generator = gen_tape.gradient({g_loss}, generator.trainable_variables)
    gradients_of_discriminator = disc_tape.gradient({d_loss}, discriminator.trainable_variables)
    {g_apply}generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
"""


def _step(fake_cond="noise_cond", g_loss="gen_loss", d_loss="disc_loss", g_apply=""):
    return STEP.format(fake_cond=fake_cond, g_loss=g_loss, d_loss=d_loss, g_apply=g_apply)


STEP_CHECKS = [
    checks.check_train_step_updates_both_networks,
    checks.check_train_step_discriminator_learns,
    checks.check_train_step_generator_learns,
]


@pytest.mark.parametrize("fake_cond", ["noise_cond", "cond"], ids=["fakes_on_noise_cond", "fakes_on_cond_seed_001"])
@pytest.mark.parametrize("check", STEP_CHECKS, ids=lambda c: c.__name__)
def test_train_step_right_answers_pass(check, fake_cond):
    _passes(check, _step(fake_cond=fake_cond), "train_step")


@pytest.mark.parametrize(
    "check,source,fragment",
    [
        (
            checks.check_train_step_discriminator_learns,
            _step(d_loss="gen_loss"),
            "discriminator's update does not raise D(real)",
        ),
        (
            checks.check_train_step_generator_learns,
            _step(g_loss="disc_loss"),
            "generator's update does not raise D(G(z))",
        ),
        (
            checks.check_train_step_updates_both_networks,
            _step(g_apply="pass  # "),
            "does not change the generator's weights",
        ),
    ],
    ids=["disc_grads_from_gen_loss", "gen_grads_from_disc_loss", "generator_never_updated"],
)
def test_train_step_mistakes_fail_their_check(check, source, fragment):
    _fails(check, source, "train_step", fragment)
