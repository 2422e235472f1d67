"""Mutant tests of lab autoencoders-keras: each check passes the reference and right answers
written in other styles (functional API, ``tf.nn`` functions, separate ``Activation`` layers,
lambdas, nested models, trained models), and fails each deliberately wrong student with the
message that names the fault. The sample submissions' cells are run through the checks and
their automatic points compared with ``samples.LOSES`` (the table of
docs/labs/autoencoders-keras.md). Every test runs twice, on the live cases and on the recorded
ones the self-check bundle ships (tests/case_sources.py).

The harness runs under the test process's ``tensorflow.keras`` (Keras 3 by default);
``test_the_same_tests_pass_under_keras_2`` runs this module again under tf-keras
(``TF_USE_LEGACY_KERAS=1``), the lab's ``keras: "2"``."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from grader.checks import CheckFailure  # noqa: E402
from grader.rubric_file import load_rubric  # noqa: E402
from grader.sandbox.errors import StudentCodeError  # noqa: E402
from grader.testing import assert_check_fails, student_from_source  # noqa: E402
from reference.autoencoders_keras.build import notebooks as build  # noqa: E402
from reference.autoencoders_keras.build import samples  # noqa: E402
from reference.autoencoders_keras.judge import cases as recipes  # noqa: E402
from reference.autoencoders_keras.judge import checks as hidden_checks  # noqa: E402
from reference.autoencoders_keras.public import analysis, checks  # noqa: E402
from tests.case_sources import both_case_sources  # noqa: E402

# every test twice: on the live cases and on the recorded ones (the self-check bundle's)
case_source = both_case_sources("reference.autoencoders_keras")

LAB = "autoencoders_keras"
ROOT = Path(__file__).resolve().parent.parent

# The notebook's data, small: stand-in digits scaled as the seed's data cell does.
DATA = """
from grader.data.mnist import STANDIN, load_mnist
(x_train, _), (x_test, _) = load_mnist(STANDIN)
x_train = x_train[:300].reshape(300, -1)
x_test = x_test[:100].reshape(100, -1)
scaler = MinMaxScaler()
x_train = scaler.fit_transform(x_train)
x_test = scaler.fit_transform(x_test)
"""

IMPORTS = """import tensorflow as tf
from tensorflow.keras import layers
from tensorflow.keras.models import Model
"""


def runnable(source: str, train: bool = False) -> str:
    """A cell as the tests run it: ``fit`` calls dropped, or (``train``) capped to one quiet
    epoch as execute mode caps them."""
    tree = ast.parse(source)
    body = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) else None
        if call is not None and isinstance(call.func, ast.Attribute) and call.func.attr == "fit":
            if not train:
                continue
            call.keywords = [k for k in call.keywords if k.arg not in ("epochs", "verbose")]
            call.keywords += [ast.keyword("epochs", ast.Constant(1)), ast.keyword("verbose", ast.Constant(0))]
        body.append(node)
    tree.body = body
    return ast.unparse(tree)


def solution_cell(item: str) -> str:
    return runnable(build.SOLUTION_SLOTS[item])


def _fails(check, source: str, name: str, *fragments: str) -> CheckFailure:
    return assert_check_fails(check, student_from_source(LAB, IMPORTS + source, name), *fragments)


def _passes(check, source: str, name: str) -> None:
    check(student_from_source(LAB, IMPORTS + source, name))


def sequential(enc: str, dec: str, name: str = "autoencoder", extra: str = "") -> str:
    """The undercomplete autoencoder with the given activation expressions."""
    return (
        f"{name} = Sequential([\n    Dense(dim_h, activation={enc},{extra} input_shape=(dim_x,)),\n"
        f"    Dense(dim_x, activation={dec})\n])\n"
    )


def functional(enc: str, dec: str, name: str = "autoencoder") -> str:
    return (
        f"inputs = Input(shape=(dim_x,))\ncode = Dense(dim_h, activation={enc})(inputs)\n"
        f"{name} = Model(inputs, Dense(dim_x, activation={dec})(code))\n"
    )


def activation_layers(enc: str, dec: str, name: str = "autoencoder") -> str:
    """Linear Dense layers each followed by a separate activation layer."""
    return (
        f"{name} = Sequential([\n    Input(shape=(dim_x,)),\n    Dense(dim_h), {enc},\n    Dense(dim_x), {dec},\n])\n"
    )


# --------------------------------------------------------------------------- identification


@pytest.mark.parametrize(
    "name",
    [
        "linear",
        "relu",
        "sigmoid",
        "tanh",
        "softplus",
        "softsign",
        "elu",
        "selu",
        "swish",
        "gelu",
        "relu6",
        "hard_sigmoid",
        "mish",
        "exponential",
    ],
)
def test_each_known_activation_is_identified_from_its_values(name):
    z = np.linspace(-8, 8, 401)
    assert analysis.identify_activation(z, analysis.ACTIVATIONS[name](z).astype(np.float32)) == name


def test_leaky_relu_with_any_slope_and_an_unknown_function():
    z = np.linspace(-8, 8, 401)
    for slope in (0.01, 0.2, 0.3):
        assert analysis.identify_activation(z, np.where(z > 0, z, slope * z)) == "leaky_relu"
    assert analysis.identify_activation(z, np.sin(z)) == ""
    assert analysis.identify_activation(z, z[:-1]) == ""


# --------------------------------------------------------------------------- 2.1, 2.2, 3.1 sizes


@pytest.mark.parametrize(
    "source",
    [
        solution_cell("2.1"),
        functional("'tanh'", "'tanh'"),
        "autoencoder = Sequential([Sequential([Input(shape=(dim_x,)), Dense(dim_h)]), Sequential([Dense(dim_x)])])\n",
    ],
    ids=["reference", "functional", "nested_models"],
)
def test_sizes_pass(source):
    _passes(checks.check_autoencoder_layer_sizes, source, "autoencoder")


@pytest.mark.parametrize(
    "source, fragment",
    [
        (sequential("'sigmoid'", "'relu'").replace("Dense(dim_h", "Dense(64"), "wrong sizes"),
        (
            "autoencoder = Sequential([Dense(128, activation='sigmoid', input_shape=(dim_x,)),\n"
            "    Dense(dim_h, activation='sigmoid'), Dense(dim_x, activation='relu')])\n",
            "3 Dense layer(s) instead of 2",
        ),
    ],
)
def test_sizes_fail(source, fragment):
    _fails(checks.check_autoencoder_layer_sizes, source, "autoencoder", fragment)


def test_a_model_that_is_not_a_chain_is_named():
    source = (
        "inputs = Input(shape=(dim_x,))\ncode = Dense(dim_h, activation='sigmoid')(inputs)\n"
        "skip = Dense(dim_x, activation='relu')(inputs)\n"
        "autoencoder = Model(inputs, layers.Add()([Dense(dim_x, activation='relu')(code), skip]))\n"
    )
    _fails(checks.check_autoencoder_layer_sizes, source, "autoencoder", "chain of layers")


def test_something_else_than_a_model_is_the_students_error():
    with pytest.raises(StudentCodeError, match="not a Keras model"):
        checks.check_autoencoder_layer_sizes(student_from_source(LAB, "autoencoder = 'relu, sigmoid'", "autoencoder"))


# --------------------------------------------------------------------------- 2.1 swapped

SWAPPED = {
    "reference": solution_cell("2.1"),
    "functional": functional("'sigmoid'", "'relu'"),
    "tf_nn": sequential("tf.nn.sigmoid", "tf.nn.relu"),
    "activation_layers": activation_layers("layers.Activation('sigmoid')", "layers.ReLU()"),
    "lambda": sequential("lambda t: 1 / (1 + tf.exp(-t))", "lambda t: tf.maximum(t, 0.)"),
    "trained_one_epoch": DATA + runnable(build.SOLUTION_SLOTS["2.1"], train=True),
}


@pytest.mark.parametrize("style", sorted(SWAPPED))
def test_swapped_activations_pass(style):
    _passes(checks.check_activations_swapped, SWAPPED[style], "autoencoder")


@pytest.mark.parametrize(
    "enc, dec, fragment",
    [
        ("'relu'", "'sigmoid'", "the activations are not swapped"),
        ("'sigmoid'", "'sigmoid'", "only the encoder's activation was changed"),
        ("'relu'", "'relu'", "only the decoder's activation was changed"),
        ("'tanh'", "'relu'", "encoder tanh, decoder relu"),
    ],
)
def test_swapped_activations_mistakes(enc, dec, fragment):
    _fails(
        checks.check_activations_swapped,
        sequential(enc, dec),
        "autoencoder",
        fragment,
        "Dense(dim_h, activation='sigmoid'",
    )


def test_the_base_left_as_trained_in_execute_mode_is_named():
    source = DATA + runnable(build.BASE_2_1, train=True)
    _fails(checks.check_activations_swapped, source, "autoencoder", "not swapped")


# --------------------------------------------------------------------------- 2.2 same activation

SAME = {
    "reference_relu": solution_cell("2.2"),
    "sigmoid": sequential("'sigmoid'", "'sigmoid'"),
    "tanh": sequential("'tanh'", "'tanh'"),
    "elu_functional": functional("'elu'", "tf.nn.elu"),
    "leaky_layers": activation_layers("layers.LeakyReLU()", "layers.LeakyReLU()"),
}


@pytest.mark.parametrize("style", sorted(SAME))
def test_same_activation_passes(style):
    _passes(checks.check_same_activation_both_layers, SAME[style], "autoencoder")


@pytest.mark.parametrize(
    "enc, dec, fragment",
    [
        ("'relu'", "'sigmoid'", "still the base network's"),
        ("'tanh'", "'relu'", "different activations: encoder tanh, decoder relu"),
        ("'sigmoid'", "'relu'", "different activations: encoder sigmoid, decoder relu"),
    ],
)
def test_different_activations_fail(enc, dec, fragment):
    _fails(checks.check_same_activation_both_layers, sequential(enc, dec), "autoencoder", fragment)


# --------------------------------------------------------------------------- 3.1 sparsity penalty


def sparse(extra: str, enc: str = "'relu'") -> str:
    return sequential(enc, "'sigmoid'", name="sparse_autoencoder", extra=extra)


PENALTIES = {
    "reference": solution_cell("3.1"),
    "l1_1e-3": sparse(" activity_regularizer=regularizers.l1(1e-3),"),
    "L1_class": sparse(" activity_regularizer=regularizers.L1(0.01),"),
    "l1_l2": sparse(" activity_regularizer=regularizers.l1_l2(l1=0.01, l2=0.001),"),
    "lambda": sparse(" activity_regularizer=lambda h: 0.01 * tf.reduce_sum(tf.abs(h)),"),
    "functional": (
        "inputs = Input(shape=(dim_x,))\n"
        "code = Dense(dim_h, activation=tf.nn.relu, activity_regularizer=regularizers.l1(1e-3))(inputs)\n"
        "sparse_autoencoder = Model(inputs, Dense(dim_x, activation='sigmoid')(code))\n"
    ),
    "regularization_layer": (
        "sparse_autoencoder = Sequential([Input(shape=(dim_x,)), Dense(dim_h, activation='relu'),\n"
        "    layers.ActivityRegularization(l1=0.01), Dense(dim_x, activation='sigmoid')])\n"
    ),
    "trained_one_epoch": DATA + runnable(build.SOLUTION_SLOTS["3.1"], train=True),
}


@pytest.mark.parametrize("style", sorted(PENALTIES))
def test_larger_l1_penalty_passes(style):
    _passes(checks.check_sparsity_penalty_increased, PENALTIES[style], "sparse_autoencoder")
    _passes(checks.check_autoencoder_layer_sizes, PENALTIES[style], "sparse_autoencoder")


@pytest.mark.parametrize(
    "extra, fragment",
    [
        (" activity_regularizer=regularizers.l1(1e-4),", "not larger than the base network's"),
        (" activity_regularizer=regularizers.l1(10e-5),", "not larger than the base network's"),
        (" activity_regularizer=regularizers.l1(1e-5),", "was decreased"),
        (" activity_regularizer=regularizers.l2(0.01),", "an L2 penalty"),
        (" kernel_regularizer=regularizers.l1(0.01),", "weights (kernel_regularizer)"),
        ("", "no sparsity penalty"),
        (" activity_regularizer=lambda h: 0.01 * tf.reduce_sum(h ** 4),", "not of the form"),
    ],
)
def test_penalty_mistakes(extra, fragment):
    _fails(
        checks.check_sparsity_penalty_increased, sparse(extra), "sparse_autoencoder", fragment, "activity_regularizer"
    )


def test_penalty_on_the_output_layer_is_named():
    source = (
        "sparse_autoencoder = Sequential([Dense(dim_h, activation='relu', input_shape=(dim_x,)),\n"
        "    Dense(dim_x, activation='sigmoid', activity_regularizer=regularizers.l1(0.01))])\n"
    )
    _fails(checks.check_sparsity_penalty_increased, source, "sparse_autoencoder", "on the output layer")


# --------------------------------------------------------------------------- 4.1 noise


def noise(factor: str = "0.6", scale: str = "noise_factor", clip: bool = True, tail: str = "") -> str:
    source = DATA + (
        f"noise_factor = {factor}\n"
        f"x_train_noisy = x_train + {scale} * np.random.normal(loc=0.0, scale=1.0, size=x_train.shape)\n"
        f"x_test_noisy = x_test + {scale} * np.random.normal(loc=0.0, scale=1.0, size=x_test.shape)\n"
    )
    if clip:
        source += "x_train_noisy = np.clip(x_train_noisy, 0., 1.)\nx_test_noisy = np.clip(x_test_noisy, 0., 1.)\n"
    return source + tail


NOISE_CHECKS = (checks.check_noise_factor_changed, checks.check_noise_matches_factor, checks.check_noisy_inputs_clipped)

RIGHT_NOISE = {
    "reference": DATA + solution_cell("4.1"),
    "lower_0.1": noise("0.1"),
    "strong_1.0": noise("1.0"),
    "numpy_scalar": noise("np.float32(0.5)"),
    "one_line_float32": DATA
    + (
        "noise_factor = 0.2\n"
        "x_train_noisy = np.clip(x_train + noise_factor * np.random.randn(*x_train.shape), 0, 1).astype('float32')\n"
        "x_test_noisy = np.clip(x_test + noise_factor * np.random.randn(*x_test.shape), 0, 1).astype('float32')\n"
    ),
    "tensorflow_noise": DATA
    + (
        "noise_factor = 0.45\n"
        "x_train_noisy = tf.clip_by_value(x_train + noise_factor * tf.random.normal(x_train.shape, dtype=tf.float64), 0., 1.)\n"
        "x_test_noisy = tf.clip_by_value(x_test + noise_factor * tf.random.normal(x_test.shape, dtype=tf.float64), 0., 1.)\n"
    ),
}


@pytest.mark.parametrize("check", NOISE_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("style", sorted(RIGHT_NOISE))
def test_noise_checks_pass_right_answers(check, style):
    _passes(check, RIGHT_NOISE[style], "noise_factor")


def test_base_noise_factor_fails_only_the_changed_check():
    source = noise("0.3")
    _fails(checks.check_noise_factor_changed, source, "noise_factor", "not changed: 0.3")
    _passes(checks.check_noise_matches_factor, source, "noise_factor")
    _passes(checks.check_noisy_inputs_clipped, source, "noise_factor")


@pytest.mark.parametrize("factor", ["0", "-0.5"])
def test_non_positive_noise_factor(factor):
    _fails(checks.check_noise_factor_changed, noise(factor), "noise_factor", "must be positive")


def test_noise_factor_that_is_not_a_number_is_the_students_error():
    with pytest.raises(StudentCodeError, match="should be a number"):
        checks.check_noise_factor_changed(student_from_source(LAB, "noise_factor = '0.6'", "noise_factor"))


def test_unclipped_noise_fails_only_the_clipping_check():
    source = noise(clip=False)
    _fails(checks.check_noisy_inputs_clipped, source, "noise_factor", "leave [0, 1]", "np.clip")
    _passes(checks.check_noise_matches_factor, source, "noise_factor")  # the estimate needs no clipping


@pytest.mark.parametrize(
    "factor, scale, fragment",
    [
        ("0.6", "0.3", "the base value 0.3"),  # the arrays made with a literal
        ("0.6", "0.15", "not made noisy with noise_factor"),
        ("0.1", "noise_factor * 3", "noise_factor = 0.1"),
    ],
)
def test_arrays_not_made_with_noise_factor(factor, scale, fragment):
    source = noise(factor, scale)
    _fails(checks.check_noise_matches_factor, source, "noise_factor", fragment)
    _passes(checks.check_noisy_inputs_clipped, source, "noise_factor")


def test_noise_factor_changed_after_the_arrays_were_made():
    source = noise("0.3", tail="noise_factor = 0.6\n")
    _passes(checks.check_noise_factor_changed, source, "noise_factor")
    _fails(checks.check_noise_matches_factor, source, "noise_factor", "the base value 0.3")


@pytest.mark.parametrize("check", [checks.check_noise_matches_factor, checks.check_noisy_inputs_clipped])
def test_missing_noisy_arrays(check):
    _fails(check, DATA + "noise_factor = 0.6\n", "noise_factor", "x_train_noisy is not defined")
    only_train = noise().replace("x_test_noisy", "x_test_with_noise")
    _fails(check, only_train, "noise_factor", "x_test_noisy is not defined")


def test_noisy_array_of_another_shape():
    source = noise(tail="x_train_noisy = x_train_noisy[:10]\n")
    _fails(checks.check_noisy_inputs_clipped, source, "noise_factor", "another shape")


@pytest.mark.parametrize("factor", [0.05, 0.1, 0.3, 0.6, 1.0, 2.0])
@pytest.mark.parametrize("clipped", [True, False])
def test_noise_estimate_is_unbiased_under_clipping(factor, clipped):
    from grader.data.mnist import STANDIN, load_mnist

    (x, _), _ = load_mnist(STANDIN)
    rng = np.random.default_rng(7)
    clean = x[:50].reshape(-1).astype(np.float64) / 255.0
    pick = rng.integers(0, clean.size, recipes.PIXELS)
    noisy = clean[pick] + factor * rng.normal(size=recipes.PIXELS)
    if clipped:
        noisy = np.clip(noisy, 0.0, 1.0)
    estimate = analysis.estimate_noise_std(clean[pick], noisy, clipped)
    assert abs(estimate - factor) <= 0.05 * factor, (estimate, factor)
    # the plain standard deviation of the difference is what clipping biases
    if clipped and factor >= 0.3:
        assert abs(np.std(noisy - clean[pick]) - factor) > checks.NOISE_RTOL * factor


def test_the_probe_sends_at_most_20000_pixel_values():
    source = noise().replace("x_train[:300]", "x_train[:1500]")
    fractions = np.random.default_rng(1).random((2, 10**6))
    reply = student_from_source(LAB, source, "noise_factor").probe("noise_setup", fractions=fractions)
    pixels = sum(np.size(v) for k, v in reply.arrays.items())
    assert pixels <= 20000


def test_the_probe_reads_the_pixels_the_judge_named():
    """The positions are fractions of each array's size (the judge draws them: the lab's cases):
    row 0 for the training pair, row 1 for the test pair; the largest fraction below 1 names
    the last pixel."""
    student = student_from_source(LAB, noise(), "noise_factor")
    fractions = np.array([[0.0, 0.5, np.nextafter(1.0, 0.0)], [0.25, 0.75, 0.0]])
    reply = student.probe("noise_setup", fractions=fractions)
    for clean, noisy, where in (
        ("x_train", "x_train_noisy", lambda n: [0, n // 2, n - 1]),
        ("x_test", "x_test_noisy", lambda n: [n // 4, 3 * n // 4, 0]),
    ):
        flat, flat_noisy = student.namespace[clean].reshape(-1), student.namespace[noisy].reshape(-1)
        assert reply[f"clean_{noisy}"].tolist() == flat[where(flat.size)].tolist()
        assert reply[f"noisy_{noisy}"].tolist() == flat_noisy[where(flat.size)].tolist()


# --------------------------------------------------------------------------- 5.1 deep decoder


def deep(enc: str = "'relu'", dec: str = "'sigmoid'", out: str = "'sigmoid'", dec2: str | None = None) -> str:
    return (
        "deep_autoencoder = Sequential([\n"
        f"    Dense(layer1_dim, activation={enc}, input_shape=(dim_x,)),\n"
        f"    Dense(layer2_dim, activation={enc}),\n    Dense(dim_h, activation={enc}),\n"
        f"    Dense(layer2_dim, activation={dec}),\n    Dense(layer1_dim, activation={dec2 or dec}),\n"
        f"    Dense(dim_x, activation={out})\n])\n"
    )


DEEP_RIGHT = {
    "reference": solution_cell("5.1"),
    "tanh": deep(dec="'tanh'"),
    "elu_and_sigmoid": deep(dec="'elu'", dec2="'sigmoid'"),
    "input_object": (
        "deep_autoencoder = Sequential([Input(shape=(dim_x,)), Dense(128, activation='relu'),\n"
        "    Dense(64, activation='relu'), Dense(32, activation='relu'), Dense(64), layers.Activation('tanh'),\n"
        "    Dense(128), layers.LeakyReLU(), Dense(784, activation='sigmoid')])\n"
    ),
    "trained_one_epoch": DATA + runnable(build.SOLUTION_SLOTS["5.1"], train=True),
}


@pytest.mark.parametrize("style", sorted(DEEP_RIGHT))
def test_deep_decoder_changed_passes(style):
    _passes(checks.check_deep_decoder_activations_changed, DEEP_RIGHT[style], "deep_autoencoder")
    _passes(checks.check_deep_layer_sizes, DEEP_RIGHT[style], "deep_autoencoder")


@pytest.mark.parametrize(
    "source, fragment",
    [
        (deep(dec="'relu'"), "still use relu, as in the base network"),
        (deep(enc="'sigmoid'", dec="'relu'"), "the encoder's activations were changed, not the decoder's"),
        (deep(dec="'relu'", out="'relu'"), "only the output layer was changed (relu)"),
        (deep(dec="'sigmoid'", dec2="'relu'"), "the layer(s) of 128 units still use relu"),
    ],
)
def test_deep_decoder_mistakes(source, fragment):
    _fails(checks.check_deep_decoder_activations_changed, source, "deep_autoencoder", fragment)


def test_deep_sizes_mistake():
    source = deep(dec="'tanh'").replace("Dense(layer1_dim, activation='tanh')", "Dense(256, activation='tanh')")
    _fails(checks.check_deep_layer_sizes, source, "deep_autoencoder", "sizes differ")
    _passes(checks.check_deep_decoder_activations_changed, source, "deep_autoencoder")


# --------------------------------------------------------------------------- the samples

RUBRIC, _ = load_rubric(ROOT / "rubrics" / "autoencoders-keras.yaml")


def _sample_slots(name: str) -> dict[str, str]:
    if name == "solution":
        return {**build.TEMPLATE_SLOTS, **build.SOLUTION_SLOTS}
    return build.sample_slots(name)


def sample_points(name: str, train: bool = False) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Each item's automatic points for sample ``name`` (its answer cells run in order, the
    checks of the rubric on each item's object), and the English messages of failed checks."""
    slots = _sample_slots(name)
    source = DATA
    points, messages = {}, {}
    for item in RUBRIC.items:
        source += "\n" + runnable(slots[item.id], train=train)
        student = student_from_source(LAB, source, item.object)
        passed, failed = 0.0, []
        for spec in item.checks:  # the hidden twins too: they weigh in the item's points
            try:
                getattr(checks if spec.public else hidden_checks, spec.id)(student)
                passed += spec.weight
            except CheckFailure as failure:
                failed.append(failure.message.en)
        share = item.points - item.manual_points
        points[item.id] = round(share * passed / sum(s.weight for s in item.checks), 6)
        messages[item.id] = failed
    return points, messages


def expected_points(name: str) -> dict[str, float]:
    """Each item's automatic points by ``samples.LOSES`` (an item not listed: its full 0.5)."""
    return {item: samples.LOSES[name][item].points if item in samples.LOSES[name] else 0.5 for item in samples.ITEMS}


@pytest.mark.parametrize("name", sorted(set(samples.LOSES) - {"blank"}))
def test_sample_points_and_messages(name):
    points, messages = sample_points(name)
    assert points == pytest.approx(expected_points(name), abs=1e-6), messages
    for item, failed in messages.items():
        if item in samples.LOSES[name]:
            assert any(samples.LOSES[name][item].fragment in m for m in failed), (item, failed)
        else:
            assert not failed, (item, failed)


@pytest.mark.parametrize("name", ["solution", "styl_funkcyjny"])
def test_correct_samples_trained_one_epoch_get_full_points(name):
    points, messages = sample_points(name, train=True)
    assert points == pytest.approx(expected_points(name)), messages


# --------------------------------------------------------------------------- Keras 2


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("TF_USE_LEGACY_KERAS") == "1", reason="already running under Keras 2")
def test_the_same_tests_pass_under_keras_2(case_source):
    if case_source == "recorded":
        pytest.skip("the run under Keras 2 covers both sources itself")
    pytest.importorskip("tf_keras")
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not slow", str(Path(__file__))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    which = subprocess.run(
        [sys.executable, "-c", "import tensorflow as tf; print(tf.keras.layers.Dense.__module__)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert which.stdout.startswith("tf_keras."), which.stdout + which.stderr[-2000:]
