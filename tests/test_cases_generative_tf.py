"""The cases of generative-tf (reference/generative_tf/judge/cases.py): the recording the
self-check bundle ships equals what the instructor's grader computes live, value for value; the
public book serves no hidden case; the lab's public side imports nothing of its judge side; and
the hidden twins on fresh seeds catch an answer special-cased to the recorded public inputs."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest

from grader.cases import CaseBook, LiveSource, MissingCase, RecordedSource, case_key, record
from grader.testing import assert_check_fails, student_from_source
from reference.generative_tf.judge import cases as recipes
from reference.generative_tf.judge import checks as hidden_checks
from reference.generative_tf.public import checks
from tests.case_sources import recording

PACK = "reference.generative_tf"
PUBLIC_DIR = Path(__file__).resolve().parents[1] / "reference" / "generative_tf" / "public"


def _declared(book: dict) -> list[tuple[str, dict]]:
    return [(name, params) for name, (param_sets, _) in sorted(book.items()) for params in param_sets]


HIDDEN_ONLY = [
    (name, params)
    for name, params in _declared(recipes.HIDDEN)
    if case_key(name, params) not in {case_key(n, p) for n, p in _declared(recipes.PUBLIC)}
]


@pytest.fixture
def recorded(tmp_path_factory) -> Path:
    return recording(PACK, tmp_path_factory)


def _same(live, recorded, where: str) -> None:
    assert type(live) is type(recorded), f"{where}: {type(live).__name__} live, {type(recorded).__name__} recorded"
    if isinstance(live, np.ndarray):
        assert (live.dtype, live.shape) == (recorded.dtype, recorded.shape), where
        assert live.tobytes() == recorded.tobytes(), where
    elif isinstance(live, dict):
        assert live.keys() == recorded.keys(), where
        for key in live:
            _same(live[key], recorded[key], f"{where}.{key}")
    elif isinstance(live, list):
        assert len(live) == len(recorded), where
        for i, (a, b) in enumerate(zip(live, recorded, strict=True)):
            _same(a, b, f"{where}[{i}]")
    else:
        assert live == recorded, where


def test_the_recording_holds_every_public_case_and_no_hidden_one(recorded, tmp_path):
    keys = record(PACK, tmp_path)
    assert keys == sorted(case_key(name, params) for name, params in _declared(recipes.PUBLIC))
    assert HIDDEN_ONLY and not {case_key(n, p) for n, p in HIDDEN_ONLY} & set(keys)


@pytest.mark.parametrize("name,params", _declared(recipes.PUBLIC), ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_case_recorded_equals_live(recorded, name, params):
    live = LiveSource(f"{PACK}.judge.cases", hidden=False).get(name, params)
    _same(live, RecordedSource(recorded).get(name, params), case_key(name, params))


def test_the_comparison_tells_a_changed_value_apart(recorded):
    live = LiveSource(f"{PACK}.judge.cases", hidden=False).get("vae_loss", {"seed": 25})
    changed = dict(live, x=live["x"].astype(np.float64))
    with pytest.raises(AssertionError, match="vae_loss"):
        _same(changed, RecordedSource(recorded).get("vae_loss", {"seed": 25}), "vae_loss")
    with pytest.raises(AssertionError, match="variants.correct"):
        _same(dict(live, variants=dict(live["variants"], correct=0.0)), live, "vae_loss")


@pytest.mark.parametrize("name,params", HIDDEN_ONLY, ids=lambda v: v if isinstance(v, str) else "")
def test_the_public_book_refuses_every_hidden_case(recorded, name, params):
    with pytest.raises(MissingCase, match="PUBLIC"):
        _ = CaseBook(PACK)[name, params]
    CaseBook.override(PACK, RecordedSource(recorded))
    try:
        with pytest.raises(MissingCase, match="recorded cases"):
            _ = CaseBook(PACK)[name, params]
    finally:
        CaseBook.override(PACK, None)
    assert CaseBook(PACK, hidden=True)[name, params].fields()  # the hidden checks' book serves it


def test_the_hidden_book_still_serves_every_public_case():
    hidden = CaseBook(PACK, hidden=True)
    for name, params in _declared(recipes.PUBLIC):
        assert hidden[name, params].fields() == CaseBook(PACK)[name, params].fields()


# --- the public side never reaches the judge side ------------------------------------------------


def judge_imports(source: str, module: str) -> list[str]:
    """The modules of ``reference.generative_tf.judge`` that ``source`` (the module ``module``)
    imports, relative imports resolved."""
    judge = f"{PACK}.judge"
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = module.split(".")[: len(module.split(".")) - node.level] if node.level else []
            stem = ".".join([*base, *([node.module] if node.module else [])])
            targets = [stem, *(f"{stem}.{alias.name}" for alias in node.names)]
        else:
            continue
        found += [t for t in targets if t == judge or t.startswith(judge + ".")]
    return sorted(set(found))


@pytest.mark.parametrize("path", sorted(PUBLIC_DIR.glob("*.py")), ids=lambda p: p.name)
def test_the_public_side_imports_nothing_of_the_judge(path):
    assert judge_imports(path.read_text(encoding="utf-8"), f"{PACK}.public.{path.stem}") == []


@pytest.mark.parametrize(
    "source",
    [
        "from ..judge import oracles",
        "from .. import judge",
        "from ..judge.cases import PUBLIC",
        "import reference.generative_tf.judge.oracles",
        "def f():\n    from reference.generative_tf.judge import oracles",
    ],
)
def test_the_import_lint_catches_each_way_in(source):
    assert judge_imports(source, f"{PACK}.public.checks")


def test_the_import_lint_lets_public_and_engine_imports_through():
    source = "from . import analysis\nfrom .analysis import LOSS_ATOL\nfrom grader.cases import CaseBook\nimport numpy"
    assert judge_imports(source, f"{PACK}.public.checks") == []


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
    public_keys = {case_key(n, p) for n, p in _declared(recipes.PUBLIC)}
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
    CaseBook.override(PACK, RecordedSource(recorded))  # the student's self-check: recorded cases only
    try:
        check(student_from_source("generative_tf", source, name))
    finally:
        CaseBook.override(PACK, None)
    check(student_from_source("generative_tf", source, name))  # the judge's public check too
    assert_check_fails(twin, student_from_source("generative_tf", source, name), fragment)
    twin(student_from_source("generative_tf", source, name), seed=params["seed"])  # the seed is what tells
