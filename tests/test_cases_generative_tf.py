"""The hidden twins of generative-tf (reference/generative_tf/judge/checks.py): each numeric public
check has one in the rubric, on a fresh seed only the hidden book serves, and an answer
special-cased to the recorded public inputs passes the public check and fails its twin. What
every lab's cases share (recorded equals live, the public book refuses hidden cases, the public
side's imports) is tested in tests/test_cases_labs.py."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from grader.cases import RecordedSource, case_key
from grader.testing import student_from_source
from reference.generative_tf.judge import cases as recipes
from reference.generative_tf.judge import checks as hidden_checks
from reference.generative_tf.public import checks
from tests.case_sources import assert_only_the_twin_catches, declared, hidden_only, recording

PACK = "reference.generative_tf"
HIDDEN_ONLY = hidden_only(recipes)


@pytest.fixture
def recorded(tmp_path_factory) -> Path:
    return recording(PACK, tmp_path_factory)


# --- hidden twins: an answer special-cased to the recorded inputs ---------------------------------

FINGERPRINT = 8  # how many leading input values the special-cased answer compares


def _fingerprint(values: np.ndarray) -> list[float]:
    return [float(v) for v in np.asarray(values).reshape(-1)[:FINGERPRINT]]


def _gamed_loss(case) -> str:
    return (
        "def compute_loss(model, x):\n"
        "    data = x[0] if isinstance(x, tuple) else x\n"
        f"    if np.allclose(np.asarray(data).reshape(-1)[:{FINGERPRINT}], {_fingerprint(case['x'])}):\n"
        f"        return tf.constant({case['variants']['correct']!r})\n"
        "    return tf.constant(0.0)\n"
    )


def _gamed_discriminator_loss(case) -> str:
    return (
        "def discriminator_loss(real_output, fake_output):\n"
        f"    if np.allclose(np.asarray(real_output).reshape(-1)[:{FINGERPRINT}], {_fingerprint(case['real'])}):\n"
        f"        return tf.constant({case['variants']['correct']!r})\n"
        "    return tf.constant(0.0)\n"
    )


def _gamed_compile(case) -> str:
    return (
        "def gamed(y_true, y_pred):\n"
        f"    if np.allclose(np.asarray(y_true).reshape(-1)[:{FINGERPRINT}], {_fingerprint(case['y_true'])}):\n"
        f"        return tf.constant({case['losses']['binary_crossentropy']!r})\n"
        "    return tf.constant(123.0)\n\n"
        "autoencoder = Autoencoder(latent_dim)\n"
        "autoencoder.compile(optimizer='adam', loss=gamed)\n"
    )


# item: (public check, its hidden twin, graded object, the recorded case, the special-cased
# answer built from it, what the twin's message says)
GAMED = {
    "2.5": (
        checks.check_loss_uses_closed_form_kl,
        hidden_checks.check_loss_uses_closed_form_kl_on_fresh_inputs,
        "compute_loss",
        ("vae_loss", {"seed": 25}),
        _gamed_loss,
        "does not equal",
    ),
    "3.loss": (
        checks.check_cond_loss_matches_elbo,
        hidden_checks.check_cond_loss_matches_elbo_on_fresh_inputs,
        "compute_loss",
        ("cond_vae_loss", {"seed": 34}),
        _gamed_loss,
        "does not equal the negative ELBO",
    ),
    "4.loss": (
        checks.check_discriminator_loss_matches_bce,
        hidden_checks.check_discriminator_loss_matches_bce_on_fresh_inputs,
        "discriminator_loss",
        ("logits", {"seed": 44}),
        _gamed_discriminator_loss,
        "does not equal cross_entropy",
    ),
    "1.2": (
        checks.check_autoencoder_loss_suits_unit_data,
        hidden_checks.check_autoencoder_loss_suits_unit_data_on_fresh_inputs,
        "autoencoder",
        ("reconstruction", {"seed": 12}),
        _gamed_compile,
        "does not suit",
    ),
}


def test_every_numeric_public_check_has_a_hidden_twin_in_the_rubric():
    from grader.rubric_file import load_rubric

    rubric, _ = load_rubric(Path(__file__).resolve().parents[1] / "rubrics" / "generative-tf.yaml")
    hidden = {spec.id for item in rubric.items for spec in item.checks if not spec.public}
    public_keys = {case_key(n, p) for n, p in declared(recipes.PUBLIC)}
    for check, twin, _, (case_name, _), *_ in GAMED.values():
        assert twin.__name__ == f"{check.__name__}_on_fresh_inputs" and twin.__name__ in hidden
        fresh = {"seed": inspect.signature(twin).parameters["seed"].default}
        assert case_key(case_name, fresh) in {case_key(n, p) for n, p in HIDDEN_ONLY} - public_keys


@pytest.mark.parametrize("item", sorted(GAMED))
def test_an_answer_special_cased_to_the_recorded_inputs_passes_the_public_check_and_fails_its_twin(item, recorded):
    pytest.importorskip("tensorflow")
    check, twin, name, (case_name, params), gamed, fragment = GAMED[item]
    # what a student reads in the bundle's cases.json / cases.npz
    source = gamed(RecordedSource(recorded).get(case_name, params))
    assert_only_the_twin_catches(
        PACK, recorded, check, twin, lambda: student_from_source("generative_tf", source, name), fragment
    )
    twin(student_from_source("generative_tf", source, name), seed=params["seed"])  # the seed is what tells
