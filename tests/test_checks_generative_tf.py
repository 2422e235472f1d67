"""Mutant tests: each check of generative-tf passes the reference and right answers written in
other styles, and fails each deliberately wrong student with the message that names the fault."""

from __future__ import annotations

import pytest

pytest.importorskip("tensorflow")

from grader.checks import CheckFailure  # noqa: E402
from grader.sandbox.errors import StudentCodeError  # noqa: E402
from grader.testing import assert_check_fails, student_from_source  # noqa: E402
from reference.generative_tf.judge import checks as hidden_checks  # noqa: E402
from reference.generative_tf.judge import oracles  # noqa: E402
from reference.generative_tf.public import analysis, checks  # noqa: E402
from tests.case_sources import both_case_sources  # noqa: E402

# every test twice: on the live cases (the instructor's grader) and on their recording (the bundle)
case_source = both_case_sources("reference.generative_tf")

LAB = "generative_tf"


def _student(source: str, name: str):
    return student_from_source(LAB, source, name)


def _fails(check, source: str, name: str, *fragments: str) -> CheckFailure:
    return assert_check_fails(check, _student(source, name), *fragments)


# ----------------------------------------------------------------------------------- 2.5

PREFIX = """
def _parts(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    return mean, logvar, z, -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
"""


def _loss(body: str) -> str:
    return PREFIX + "def compute_loss(model, x):\n    mean, logvar, z, logpx_z = _parts(model, x)\n" + body


CORRECT_25 = {
    "tutorial_style": _loss(
        "    kl = 0.5 * tf.reduce_sum(tf.exp(logvar) + tf.square(mean) - 1. - logvar, axis=1)\n"
        "    return -tf.reduce_mean(logpx_z - kl)\n"
    ),
    "keras_vae_style": _loss(
        "    kl = -0.5 * tf.reduce_sum(1 + logvar - tf.square(mean) - tf.exp(logvar), axis=1)\n"
        "    return tf.reduce_mean(-logpx_z + kl)\n"
    ),
    "seed_000_helper": """
def kl_div(mean, logvar):
    var = tf.exp(logvar)
    trace_var = tf.reduce_sum(var, axis=1)
    mean_squared_norm = tf.reduce_sum(tf.square(mean), axis=1)
    log_det_sigma = tf.reduce_sum(logvar, axis=1)
    k = tf.cast(tf.shape(mean)[1], tf.float32)
    return 0.5 * (trace_var + mean_squared_norm - k - log_det_sigma)

def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    return -tf.reduce_mean(logpx_z - kl_div(mean, logvar))
""",
    "numpy_style": _loss(
        "    m, lv = mean.numpy(), logvar.numpy()\n"
        "    kl = 0.5 * np.sum(np.exp(lv) + m**2 - 1 - lv, axis=1)\n"
        "    return float(np.mean(-logpx_z.numpy() + kl))\n"
    ),
}


@pytest.mark.parametrize("style", sorted(CORRECT_25))
def test_closed_form_loss_passes_in_any_style(style):
    checks.check_loss_uses_closed_form_kl(_student(CORRECT_25[style], "compute_loss"))


MUTANTS_25 = {
    "monte_carlo": (
        "    logpz = log_normal_pdf(z, 0., 0.)\n    logqz_x = log_normal_pdf(z, mean, logvar)\n"
        "    return -tf.reduce_mean(logpx_z + logpz - logqz_x)\n",
        ["Monte-Carlo"],
    ),
    "seed_001_bug": (
        "    logpz = log_normal_pdf(z, 0., 0.)\n    logqz_x = log_normal_pdf(z, mean, logvar)\n"
        "    kl_div = 0.5 * tf.reduce_sum(logvar + tf.square(mean) + tf.exp(logvar) - 1, axis=1)\n"
        "    return -tf.reduce_mean(logpx_z + logpz - logqz_x + kl_div)\n",
        ["wrong sign of logvar", "counted twice"],
    ),
    "kl_subtracted": (
        "    kl = 0.5 * tf.reduce_sum(tf.exp(logvar) + mean**2 - 1 - logvar, axis=1)\n"
        "    return -tf.reduce_mean(logpx_z + kl)\n",
        ["subtracted"],
    ),
    "plus_logvar": (
        "    kl = 0.5 * tf.reduce_sum(tf.exp(logvar) + mean**2 - 1 + logvar, axis=1)\n"
        "    return -tf.reduce_mean(logpx_z - kl)\n",
        ["wrong sign of logvar"],
    ),
    "no_half": (
        "    kl = tf.reduce_sum(tf.exp(logvar) + mean**2 - 1 - logvar, axis=1)\n"
        "    return -tf.reduce_mean(logpx_z - kl)\n",
        ["factor 0.5"],
    ),
    "logvar_squared": (
        "    kl = 0.5 * tf.reduce_sum(logvar**2 + mean**2 - 1 - logvar, axis=1)\n"
        "    return -tf.reduce_mean(logpx_z - kl)\n",
        ["logvar**2"],
    ),
    "sum_over_batch": (
        "    kl = 0.5 * tf.reduce_sum(tf.exp(logvar) + mean**2 - 1 - logvar, axis=1)\n"
        "    return -tf.reduce_sum(logpx_z - kl)\n",
        ["summed over the batch"],
    ),
    "kl_mean_over_latent": (
        "    kl = 0.5 * tf.reduce_mean(tf.exp(logvar) + mean**2 - 1 - logvar, axis=1)\n"
        "    return -tf.reduce_mean(logpx_z - kl)\n",
        ["averaged over latent"],
    ),
    "unknown_mistake": ("    return -tf.reduce_mean(logpx_z) + 1.0\n", ["does not equal"]),
    "per_sample_vector": (
        "    kl = 0.5 * tf.reduce_sum(tf.exp(logvar) + mean**2 - 1 - logvar, axis=1)\n    return -(logpx_z - kl)\n",
        ["one number"],
    ),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS_25))
def test_each_known_kl_mistake_fails_with_its_own_message(mutant):
    body, fragments = MUTANTS_25[mutant]
    _fails(checks.check_loss_uses_closed_form_kl, _loss(body), "compute_loss", *fragments)


def test_a_wrong_kl_helper_is_named_in_the_hint():
    source = (
        "def kl_div(mean, logvar):\n    return 0.5 * tf.reduce_sum(tf.exp(logvar) + mean**2 - logvar, axis=1)\n"
        + _loss("    return -tf.reduce_mean(logpx_z - kl_div(mean, logvar))\n")
    )
    failure = _fails(checks.check_loss_uses_closed_form_kl, source, "compute_loss", "kl_div(mean, logvar)` returns")
    assert "expected the per-sample KL" in failure.hint.en


def test_a_loss_that_raises_is_the_students_error():
    with pytest.raises(StudentCodeError, match="ZeroDivisionError"):
        checks.check_loss_uses_closed_form_kl(
            _student("def compute_loss(model, x):\n    return 1 / 0\n", "compute_loss")
        )


@pytest.mark.parametrize("seed", [25])
def test_the_shipped_vae_case_separates_every_known_mistake(seed):
    values = oracles.vae_loss_variants(oracles.vae_case(seed))
    correct = values.pop("correct")
    assert min(abs(v - correct) for v in values.values()) > 20 * analysis.LOSS_ATOL


# ----------------------------------------------------------------------------------- 3.data

REFERENCE_3 = """
def conditioned_mnist(x, y, num_imgs=2):
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    x_res = np.zeros((n * num_imgs, 3 * h, 3 * w, 1), dtype="float32")
    y_res = np.zeros((n * num_imgs, 12), dtype="float32")
    for i in range(n):
        for j, cell in enumerate(np.random.choice(9, num_imgs, replace=False)):
            r, c = divmod(int(cell), 3)
            x_res[i * num_imgs + j, r*h:(r+1)*h, c*w:(c+1)*w, 0] = x[i].reshape(h, w)
            y_res[i * num_imgs + j] = [*y[i], c / 2, r / 2]
    return x_res, y_res
"""

SEED_001_3 = """
def conditioned_mnist(x, y, num_imgs=2):
    x_res = np.empty(shape=(x.shape[0] * num_imgs, 3 * x.shape[1], 3 * x.shape[2]), dtype='float32')
    y_res = np.empty(shape=(y.shape[0] * num_imgs, 2 + y.shape[1]), dtype='float32')
    empty_res = np.zeros(shape=(3 * x.shape[1], 3 * x.shape[2]))
    for el, (arr, label) in enumerate(zip(x, y)):
        to_sample_x = np.empty((9, x.shape[1]*3, x.shape[2]*3), dtype='float32')
        to_sample_y = np.empty((9, 12), dtype='float32')
        for i in range(3):
            for j in range(3):
                curr_x = empty_res.copy()
                curr_x[i*x.shape[1]: (i+1)*x.shape[1], j*x.shape[2]: (j+1)*x.shape[2]] = arr.reshape((x.shape[1], x.shape[2]))
                curr_y = [*label, i/2, j/2]
                to_sample_x[3*i+j] = curr_x
                to_sample_y[3*i+j] = curr_y
            idxs = np.random.choice(9, num_imgs, replace = False)
            x_res[el*num_imgs: (el+1)*num_imgs] = to_sample_x[idxs]
            y_res[el*num_imgs: (el+1)*num_imgs] = to_sample_y[idxs]
        x_res = x_res.reshape((-1, x.shape[1]*3, x.shape[2]*3, 1))
    return x_res, y_res
"""

CHECKS_3 = [
    checks.check_conditioned_shapes,
    checks.check_conditioned_placement,
    checks.check_conditioned_distinct_positions,
    hidden_checks.check_conditioned_any_size,
]


def _variant(old: str, new: str) -> str:
    assert old in REFERENCE_3
    return REFERENCE_3.replace(old, new)


VECTORISED_ROW_FIRST = """
def conditioned_mnist(x, y, num_imgs=2):
    x = x.reshape(x.shape[0], x.shape[1], x.shape[2])
    n, h, w = x.shape
    cells = np.stack([np.random.permutation(9)[:num_imgs] for _ in range(n)]).reshape(-1)
    rows, cols = cells // 3, cells % 3
    src = np.repeat(np.arange(n), num_imgs)
    canvas = np.zeros((n * num_imgs, 3, h, 3, w), dtype=np.float32)
    canvas[np.arange(n * num_imgs), rows, :, cols, :] = x[src]
    pos = np.stack([rows / 2, cols / 2], axis=1)
    return canvas.reshape(n * num_imgs, 3 * h, 3 * w, 1), np.hstack([y[src], pos]).astype(np.float32)
"""


@pytest.mark.parametrize(
    "source", [REFERENCE_3, VECTORISED_ROW_FIRST], ids=["loops_column_first", "vectorised_row_first"]
)
@pytest.mark.parametrize("check", CHECKS_3, ids=lambda c: c.__name__)
def test_conditioned_mnist_right_answers_pass(check, source):
    check(_student(source, "conditioned_mnist"))


@pytest.mark.parametrize("check", CHECKS_3, ids=lambda c: c.__name__)
def test_seed_001_loop_bug_is_named(check):
    _fails(check, SEED_001_3, "conditioned_mnist", "works for one image but fails for several", "wrong loop")


MUTANTS_3 = {
    "float64": (
        checks.check_conditioned_shapes,
        _variant('dtype="float32")\n    y_res', 'dtype="float64")\n    y_res'),
        ["float32"],
    ),
    "no_channel_axis": (
        checks.check_conditioned_shapes,
        _variant("return x_res, y_res", "return x_res[..., 0], y_res"),
        ["wrong shape"],
    ),
    "positions_swapped_for_some": (
        checks.check_conditioned_placement,
        _variant("[*y[i], c / 2, r / 2]", "[*y[i], c / 2, r / 2] if i % 2 else [*y[i], r / 2, c / 2]"),
        ["do not match the cell"],
    ),
    "positions_not_normalised": (
        checks.check_conditioned_placement,
        _variant("[*y[i], c / 2, r / 2]", "[*y[i], c, r]"),
        ["{0, 0.5, 1}"],
    ),
    "digit_transposed": (
        checks.check_conditioned_placement,
        _variant("x[i].reshape(h, w)", "x[i].reshape(h, w).T"),
        ["unchanged"],
    ),
    "wrong_label": (checks.check_conditioned_placement, _variant("[*y[i],", "[*np.roll(y[i], 1),"), ["one-hot"]),
    "with_replacement": (
        checks.check_conditioned_distinct_positions,
        _variant("replace=False", "replace=True"),
        ["not distinct"],
    ),
    "hard_coded_14": (
        hidden_checks.check_conditioned_any_size,
        _variant("n, h, w = x.shape[0], x.shape[1], x.shape[2]", "n, h, w = x.shape[0], 14, 14"),
        ["28x28"],
    ),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS_3))
def test_each_conditioned_mnist_mistake_fails_its_check(mutant):
    check, source, fragments = MUTANTS_3[mutant]
    _fails(check, source, "conditioned_mnist", *fragments)


# ----------------------------------------------------------------------------------- 4.loss


def _disc(body: str) -> str:
    return f"def discriminator_loss(real_output, fake_output):\n{body}"


CORRECT_4 = {
    "tutorial": _disc(
        "    real_loss = cross_entropy(tf.ones_like(real_output), real_output)\n"
        "    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)\n    return real_loss + fake_loss\n"
    ),
    "functional": _disc(
        "    bce = tf.keras.losses.binary_crossentropy\n"
        "    return tf.reduce_mean(bce(tf.ones_like(real_output), real_output, from_logits=True)) + "
        "tf.reduce_mean(bce(tf.zeros_like(fake_output), fake_output, from_logits=True))\n"
    ),
    "nn_ops": _disc(
        "    f = tf.nn.sigmoid_cross_entropy_with_logits\n"
        "    return tf.reduce_mean(f(labels=tf.ones_like(real_output), logits=real_output)) + "
        "tf.reduce_mean(f(labels=tf.zeros_like(fake_output), logits=fake_output))\n"
    ),
}


@pytest.mark.parametrize("style", sorted(CORRECT_4))
def test_discriminator_loss_right_answers_pass(style):
    checks.check_discriminator_loss_matches_bce(_student(CORRECT_4[style], "discriminator_loss"))


def test_discriminator_loss_uses_the_templates_cross_entropy_even_if_the_student_broke_theirs():
    source = "cross_entropy = None\n" + CORRECT_4["tutorial"]
    checks.check_discriminator_loss_matches_bce(_student(source, "discriminator_loss"))


MUTANTS_4 = {
    "swapped": (
        "    return cross_entropy(tf.zeros_like(real_output), real_output) + cross_entropy(tf.ones_like(fake_output), fake_output)\n",
        ["swapped"],
    ),
    "real_only": (
        "    return cross_entropy(tf.ones_like(real_output), real_output)\n",
        ["generated images (fake_output) is missing"],
    ),
    "fake_only": (
        "    return cross_entropy(tf.zeros_like(fake_output), fake_output)\n",
        ["real images (real_output) is missing"],
    ),
    "all_ones": (
        "    return cross_entropy(tf.ones_like(real_output), real_output) + cross_entropy(tf.ones_like(fake_output), fake_output)\n",
        ["labelled 1 instead of 0"],
    ),
    "halved": (
        "    return (cross_entropy(tf.ones_like(real_output), real_output) + cross_entropy(tf.zeros_like(fake_output), fake_output)) / 2\n",
        ["averaged"],
    ),
    "sigmoid_first": (
        "    r, f = tf.sigmoid(real_output), tf.sigmoid(fake_output)\n"
        "    return cross_entropy(tf.ones_like(r), r) + cross_entropy(tf.zeros_like(f), f)\n",
        ["sigmoid"],
    ),
    "probabilities": (
        "    bce = tf.keras.losses.BinaryCrossentropy()\n"
        "    return bce(tf.ones_like(real_output), real_output) + bce(tf.zeros_like(fake_output), fake_output)\n",
        ["from_logits=True"],
    ),
    "per_sample": (
        "    return tf.keras.losses.binary_crossentropy(tf.ones_like(real_output), real_output, from_logits=True)\n",
        ["one number"],
    ),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS_4))
def test_each_discriminator_loss_mistake_fails_with_its_message(mutant):
    body, fragments = MUTANTS_4[mutant]
    _fails(checks.check_discriminator_loss_matches_bce, _disc(body), "discriminator_loss", *fragments)
