"""The cases of autoencoders-keras (reference/autoencoders_keras/judge/cases.py) where they are
particular to the lab: the probe rows are byte for byte those the checks drew before the cases,
the fresh inputs differ from the public ones wherever a check reads them, and each check that
decides from what the student's code computes on the judge's inputs has a hidden twin on fresh
inputs, so that an answer special-cased to the recorded inputs passes the public check and fails
its twin. What every lab's cases share (recorded equals live, the public book refuses hidden
cases, the public side's imports) is tested in tests/test_cases_labs.py."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from grader.cases import CaseBook, RecordedSource, case_key
from grader.data.mnist import STANDIN, load_mnist
from reference.autoencoders_keras.judge import cases as recipes
from tests.case_sources import assert_only_the_twin_catches, declared, hidden_only, recording

PACK = "reference.autoencoders_keras"
LAB = "autoencoders_keras"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def recorded(tmp_path_factory) -> Path:
    return recording(PACK, tmp_path_factory)


def test_the_probe_rows_are_those_the_checks_drew_before_the_cases():
    """Before the cases, the public checks drew them themselves: the first 8 stand-in digits and
    normal values from default_rng(2022), in this order (an independent rewrite of that code)."""
    (images, _), _ = load_mnist(STANDIN)
    digits = images[:8].reshape(8, -1).astype(np.float32) / 255.0
    rng = np.random.default_rng(2022)
    x = np.concatenate([digits, -digits, 5.0 * digits[:4], rng.normal(0.0, 1.0, (4, 784))]).astype(np.float32)
    wide = (rng.normal(0.0, 1.0, (8, 1024)) * np.array([1.0] * 4 + [10.0] * 4)[:, None]).astype(np.float32)
    reg = np.stack([np.full((4, 8), 0.5), np.full((4, 8), 2.0), rng.normal(0.0, 1.0, (4, 8))]).astype(np.float32)
    from reference.autoencoders_keras.public import checks

    case = CaseBook(PACK)["probe_inputs", checks.PROBE_INPUTS]
    for got, expected in ((case.x, x), (case.wide, wide), (case.reg_inputs, reg)):
        assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()


def test_the_fresh_inputs_differ_wherever_a_check_reads_them():
    from reference.autoencoders_keras.public import checks

    public = CaseBook(PACK)["probe_inputs", checks.PROBE_INPUTS]
    fresh = CaseBook(PACK, hidden=True)["probe_inputs", recipes.FRESH["probe_inputs"]]
    assert public.x.shape == fresh.x.shape and public.wide.shape == fresh.wide.shape
    for name in ("x", "wide"):  # every row: other digits, other normal values
        assert not np.any(np.all(public[name] == fresh[name], axis=1)), name
    # the regularizer arrays: two constants that separate l1 from l2, and the drawn one differs
    assert np.array_equal(public.reg_inputs[:2], fresh.reg_inputs[:2])
    assert not np.array_equal(public.reg_inputs[2], fresh.reg_inputs[2])
    pixels = CaseBook(PACK)["pixel_draws", {"seed": checks.PIXEL_SEED}].fractions
    fresh_pixels = CaseBook(PACK, hidden=True)["pixel_draws", recipes.FRESH["pixel_draws"]].fractions
    assert pixels.shape == fresh_pixels.shape == (recipes.NOISE_PAIRS, recipes.PIXELS)
    assert 0 <= fresh_pixels.min() and fresh_pixels.max() < 1 and not np.array_equal(pixels, fresh_pixels)


# --- hidden twins: an answer special-cased to the recorded inputs ---------------------------------

# A Dense layer that notes whether the rows it gets start with the recorded first probe row (the
# probe runs every model on the recorded rows first, then each block on them and the wide rows):
# it applies ``on`` then and ``off`` otherwise; a Switch after it follows the same note.
GATE = """
RECORDED = {{"rows": False}}


class Gate(Dense):
    def __init__(self, units, on, off, **kwargs):
        super().__init__(units, **kwargs)
        self.on, self.off = on, off

    def call(self, inputs):
        try:  # symbolic calls (when Keras builds the model) have no values to compare
            RECORDED["rows"] = abs(float(tf.reduce_sum(inputs[0])) - {first_row_sum!r}) < 1e-3
        except Exception:
            pass
        return getattr(tf.nn, self.on if RECORDED["rows"] else self.off)(super().call(inputs))


class Switch(Gate):
    def call(self, inputs):
        return getattr(tf.nn, self.on if RECORDED["rows"] else self.off)(Dense.call(self, inputs))

"""


def _gate(inputs: dict) -> str:
    return GATE.format(first_row_sum=float(np.sum(inputs["x"][0], dtype=np.float64)))


def _gamed_swap(inputs: dict) -> str:
    """2.1: a sigmoid encoder on the recorded rows, the base's relu on any others."""
    return _gate(inputs) + (
        "autoencoder = Sequential([Gate(dim_h, 'sigmoid', 'relu', input_shape=(dim_x,)),\n"
        "    Dense(dim_x, activation='relu')])\n"
    )


def _gamed_same(inputs: dict) -> str:
    """2.2: relu in both layers on the recorded rows, a tanh encoder on any others."""
    return _gate(inputs) + (
        "autoencoder = Sequential([Gate(dim_h, 'relu', 'tanh', input_shape=(dim_x,)),\n"
        "    Dense(dim_x, activation='relu')])\n"
    )


def _gamed_deep(inputs: dict) -> str:
    """5.1: a sigmoid decoder on the recorded rows, the base's relu on any others."""
    return _gate(inputs) + (
        "deep_autoencoder = Sequential([\n"
        "    Gate(layer1_dim, 'relu', 'relu', input_shape=(dim_x,)),\n"
        "    Dense(layer2_dim, activation='relu'), Dense(dim_h, activation='relu'),\n"
        "    Switch(layer2_dim, 'sigmoid', 'relu'), Switch(layer1_dim, 'sigmoid', 'relu'),\n"
        "    Dense(dim_x, activation='sigmoid')])\n"
    )


def _gamed_penalty(inputs: dict) -> str:
    """3.1: l1(0.01) on the recorded regularizer arrays, the base's l1(1e-4) on any others."""
    sums = [float(np.sum(a, dtype=np.float64)) for a in inputs["reg_inputs"]]
    return (
        f"RECORDED_SUMS = tf.constant({sums!r}, dtype=tf.float32)\n\n"
        "def gamed(h):\n"
        "    recorded = tf.reduce_any(tf.abs(tf.reduce_sum(h) - RECORDED_SUMS) < 1e-3)\n"
        "    return tf.where(recorded, 0.01, 1e-4) * tf.reduce_sum(tf.abs(h))\n\n"
        "sparse_autoencoder = Sequential([\n"
        "    Dense(dim_h, activation='relu', activity_regularizer=gamed, input_shape=(dim_x,)),\n"
        "    Dense(dim_x, activation='sigmoid')])\n"
    )


def _gamed_noise(draws: dict) -> str:
    """4.1: the arrays made with a literal 0.3, but noise_factor's noise at the recorded pixels."""
    from tests.test_checks_autoencoders_keras import DATA

    return DATA + (
        f"F = np.array({np.asarray(draws['fractions']).tolist()!r})\n"
        "noise_factor = 0.6\n"
        "x_train_noisy = np.clip(x_train + 0.3 * np.random.normal(size=x_train.shape), 0., 1.)\n"
        "x_test_noisy = np.clip(x_test + 0.3 * np.random.normal(size=x_test.shape), 0., 1.)\n"
        "for clean, noisy, row in ((x_train, x_train_noisy, F[0]), (x_test, x_test_noisy, F[1])):\n"
        "    where = np.minimum((row * clean.size).astype(int), clean.size - 1)\n"
        "    noisy.reshape(-1)[where] = np.clip(\n"
        "        clean.reshape(-1)[where] + noise_factor * np.random.normal(size=where.size), 0., 1.)\n"
    )


def _twins():
    from reference.autoencoders_keras.judge import checks as hidden_checks
    from reference.autoencoders_keras.public import checks

    probe = ("probe_inputs", checks.PROBE_INPUTS, "inputs")
    pixels = ("pixel_draws", {"seed": checks.PIXEL_SEED}, "seed")
    # twin: (public check, its hidden twin, graded object, (the case, its public parameters, the
    # check's parameter naming them), the special-cased answer built from the recorded case, what
    # the twin's message says)
    return {
        "2.1": (
            checks.check_activations_swapped,
            hidden_checks.check_activations_swapped_on_fresh_inputs,
            "autoencoder",
            probe,
            _gamed_swap,
            "only the decoder's activation was changed",
        ),
        "2.2": (
            checks.check_same_activation_both_layers,
            hidden_checks.check_same_activation_both_layers_on_fresh_inputs,
            "autoencoder",
            probe,
            _gamed_same,
            "different activations: encoder tanh, decoder relu",
        ),
        "3.1": (
            checks.check_sparsity_penalty_increased,
            hidden_checks.check_sparsity_penalty_increased_on_fresh_inputs,
            "sparse_autoencoder",
            probe,
            _gamed_penalty,
            "not of the form",
        ),
        "4.1": (
            checks.check_noise_matches_factor,
            hidden_checks.check_noise_matches_factor_on_fresh_inputs,
            "noise_factor",
            pixels,
            _gamed_noise,
            "the base value 0.3",
        ),
        "5.1": (
            checks.check_deep_decoder_activations_changed,
            hidden_checks.check_deep_decoder_activations_changed_on_fresh_inputs,
            "deep_autoencoder",
            probe,
            _gamed_deep,
            "the decoder layers still use relu, as in the base network",
        ),
    }


def _rubric():
    from grader.rubric_file import load_rubric

    return load_rubric(ROOT / "rubrics" / "autoencoders-keras.yaml")[0]


def test_every_check_on_the_judges_inputs_has_a_hidden_twin_in_the_rubric():
    pytest.importorskip("tensorflow")
    rubric = _rubric()
    specs = {spec.id: (item.id, spec) for item in rubric.items for spec in item.checks}
    public_keys = {case_key(n, p) for n, p in declared(recipes.PUBLIC)}
    fresh_keys = {case_key(n, p) for n, p in hidden_only(recipes)} - public_keys
    twins = _twins()
    for item_id, (check, twin, _, (case_name, public_params, param), *_) in twins.items():
        assert twin.__name__ == f"{check.__name__}_on_fresh_inputs"
        (check_item, check_spec), (twin_item, twin_spec) = specs[check.__name__], specs[twin.__name__]
        assert check_item == twin_item == item_id and check_spec.public and not twin_spec.public
        # a check and its twin share the weight the check had alone: an answer right or wrong on
        # every input scores as before the twins (the samples' points, build/samples.py LOSES)
        assert check_spec.weight == twin_spec.weight
        default = inspect.signature(check).parameters[param].default
        assert case_key(case_name, default if param == "inputs" else {param: default}) == case_key(
            case_name, public_params
        )
        fresh = inspect.signature(twin).parameters[param].default
        assert case_key(case_name, fresh if param == "inputs" else {param: fresh}) in fresh_keys
    # and the twins are all the lab's hidden checks
    assert {s.id for i in rubric.items for s in i.checks if not s.public} == {t[1].__name__ for t in twins.values()}


@pytest.mark.parametrize("item", ["2.1", "2.2", "3.1", "4.1", "5.1"])
def test_an_answer_special_cased_to_the_recorded_inputs_passes_the_public_check_and_fails_its_twin(item, recorded):
    pytest.importorskip("tensorflow")
    from grader.testing import student_from_source
    from tests.test_checks_autoencoders_keras import IMPORTS

    check, twin, name, (case_name, public_params, param), gamed, fragment = _twins()[item]
    # what a student reads in the bundle's cases.json / cases.npz
    source = IMPORTS + gamed(RecordedSource(recorded).get(case_name, public_params))

    def student():
        return student_from_source(LAB, source, name)

    assert_only_the_twin_catches(PACK, recorded, check, twin, student, fragment)
    # the inputs are what tells: the twin on the public inputs passes
    twin(student(), **{param: public_params if param == "inputs" else public_params[param]})
