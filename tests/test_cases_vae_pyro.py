"""The cases of vae-pyro (reference/vae_pyro/judge/cases.py): the recording the self-check
bundle ships equals what the instructor's grader computes live, value for value; the public book
serves no hidden case; the lab's public side imports nothing of its judge side; the β checks'
analysis code gives on the recorded posterior what the float64 oracles give; and the hidden
twins on a fresh seed catch an answer special-cased to the recorded public inputs."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest

from grader.cases import CaseBook, LiveSource, MissingCase, RecordedSource, case_key, record
from reference.vae_pyro.judge import cases as recipes
from reference.vae_pyro.judge import oracles
from reference.vae_pyro.public import analysis
from tests.case_sources import recording

PACK = "reference.vae_pyro"
PUBLIC_DIR = Path(__file__).resolve().parents[1] / "reference" / "vae_pyro" / "public"


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
    # the report's data (every stand-in digit) stays out of the bundle
    assert not any(key.startswith("downstream") for key in keys)


@pytest.mark.parametrize("name,params", _declared(recipes.PUBLIC), ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_case_recorded_equals_live(recorded, name, params):
    live = LiveSource(f"{PACK}.judge.cases", hidden=False).get(name, params)
    _same(live, RecordedSource(recorded).get(name, params), case_key(name, params))


def test_the_comparison_tells_a_changed_value_apart(recorded):
    live = LiveSource(f"{PACK}.judge.cases", hidden=False).get("standin", {"seed": 11})
    changed = dict(live, scale=live["scale"].astype(np.float32))
    with pytest.raises(AssertionError, match="standin"):
        _same(changed, RecordedSource(recorded).get("standin", {"seed": 11}), "standin")
    nudged = dict(live, loc=live["loc"] + 1e-12)
    with pytest.raises(AssertionError, match="standin"):
        _same(nudged, live, "standin")


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


def test_the_cases_give_the_checks_the_inputs_they_drew_before():
    """The seeded inputs the checks used to draw themselves, byte for byte."""
    assert CaseBook(PACK)["images", {"count": 6, "seed": 3}].x.tobytes() == oracles.images(6, 3).tobytes()
    z = np.random.default_rng(7).normal(0, 1, (5, 10)).astype(np.float32)
    assert CaseBook(PACK)["latents", {"n_latent": 10}].z.tobytes() == z.tobytes()
    case = CaseBook(PACK)["standin", {"seed": 13}]
    for name, value in oracles.standin_case(13).weights().items():
        assert case[name].tobytes() == value.tobytes(), name


# --- the β checks' analysis code on the recorded posterior ----------------------------------------


def _elbo_terms_oracle(seed: int, z: np.ndarray) -> tuple[float, float]:
    """The ELBO's two terms straight from the stand-in case (float64), independently of analysis."""
    case = oracles.standin_case(seed)
    loc, scale = oracles.posterior(case)
    p = np.clip(oracles.decoded(case, z), analysis.BERNOULLI_EPS, 1 - analysis.BERNOULLI_EPS)
    x = case.flat
    recon = -np.sum(x * np.log(p) + (1 - x) * np.log1p(-p))
    log_q = np.sum(-0.5 * ((z - loc) / scale) ** 2 - np.log(scale) - 0.5 * np.log(2 * np.pi))
    log_p = np.sum(-0.5 * z**2 - 0.5 * np.log(2 * np.pi))
    return float(recon), float(log_q - log_p)


@pytest.mark.parametrize("source", ["live", "recorded"])
def test_the_elbo_terms_on_the_recorded_posterior_equal_the_oracles(source, recorded):
    params = {"seed": 13}
    case = CaseBook(PACK)["standin", params] if source == "live" else _recorded_case(recorded, "standin", params)
    z = np.random.default_rng(0).normal(0, 1, (8, 4))
    recon, kl = analysis.elbo_terms(case, z)
    expected_recon, expected_kl = _elbo_terms_oracle(13, z)
    assert recon == pytest.approx(expected_recon, rel=1e-12) and kl == pytest.approx(expected_kl, rel=1e-9, abs=1e-9)
    # the z matters: another z gives other terms (the check scores the student's own sample)
    assert analysis.elbo_terms(case, z + 0.5) != (recon, kl)


def _recorded_case(folder: Path, name: str, params: dict):
    CaseBook.override(PACK, RecordedSource(folder))
    try:
        return CaseBook(PACK)[name, params]
    finally:
        CaseBook.override(PACK, None)


# --- the public side never reaches the judge side ------------------------------------------------


def judge_imports(source: str, module: str) -> list[str]:
    """The modules of ``reference.vae_pyro.judge`` that ``source`` (the module ``module``)
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


@pytest.mark.parametrize("path", sorted(PUBLIC_DIR.rglob("*.py")), ids=lambda p: str(p.relative_to(PUBLIC_DIR)))
def test_the_public_side_imports_nothing_of_the_judge(path):
    module = ".".join([PACK, "public", *path.relative_to(PUBLIC_DIR).with_suffix("").parts])
    assert judge_imports(path.read_text(encoding="utf-8"), module) == []


@pytest.mark.parametrize(
    "source",
    [
        "from ..judge import oracles",
        "from .. import judge",
        "from ..judge.cases import PUBLIC",
        "import reference.vae_pyro.judge.oracles",
        "def f():\n    from reference.vae_pyro.judge import oracles",
    ],
)
def test_the_import_lint_catches_each_way_in(source):
    assert judge_imports(source, f"{PACK}.public.checks")


def test_the_import_lint_lets_public_and_engine_imports_through():
    source = "from . import analysis\nfrom .downstream import read_downstream\nfrom grader.cases import CaseBook\nimport numpy"
    assert judge_imports(source, f"{PACK}.public.checks") == []


def test_no_oracle_is_left_on_the_public_side():
    assert not (PUBLIC_DIR / "oracles.py").exists()


# --- hidden twins: an answer special-cased to the recorded inputs ---------------------------------


def _literal(values: np.ndarray) -> str:
    return repr(np.asarray(values, np.float64).tolist())


def _gamed_sampling(case) -> tuple[str, str]:
    """encoder_forward returning draws of the recorded posterior when x is the recorded x."""
    return (
        "z = dist.Normal(z_loc, z_scale).rsample()",
        f"if abs(float(x.sum()) - {float(np.sum(case['x'], dtype=np.float64))!r}) < 1e-3:\n"
        f"            loc = torch.tensor({_literal(case['loc'])}, dtype=torch.float32)\n"
        f"            scale = torch.tensor({_literal(case['scale'])}, dtype=torch.float32)\n"
        "            z = loc + scale * torch.randn_like(loc)\n"
        "        else:\n"
        "            z = torch.zeros_like(z_loc)",
    )


def _gamed_decoding(case) -> tuple[str, str]:
    """decoder_forward returning the recorded images when z is the recorded z."""
    return (
        "r = self.decoder(z)\n        return r.view(-1, *self.input_shape)",
        f"if abs(float(z.sum()) - {float(np.sum(case['z'], dtype=np.float64))!r}) < 1e-3:\n"
        f"            return torch.tensor({_literal(case['decoded'])}, dtype=torch.float32)\n"
        "        return torch.zeros(z.shape[0], 1, 28, 28)",
    )


def _twins():
    from reference.vae_pyro.judge import checks as hidden_checks
    from reference.vae_pyro.public import checks

    # item: (public check, its hidden twin, the special-cased answer built from the recorded
    # case, what the twin's message says)
    return {
        "sampling": (
            checks.check_vae_encoder_forward_samples,
            hidden_checks.check_vae_encoder_forward_samples_on_fresh_inputs,
            _gamed_sampling,
            "no sampling",
        ),
        "decoding": (
            checks.check_vae_decoder_forward_images,
            hidden_checks.check_vae_decoder_forward_images_on_fresh_inputs,
            _gamed_decoding,
            "does not return self.decoder(z)",
        ),
    }


PUBLIC_SEED = {"seed": 11}


def test_every_numeric_public_check_has_a_hidden_twin_in_the_rubric():
    pytest.importorskip("pyro")
    from grader.rubric_file import load_rubric

    rubric, _ = load_rubric(Path(__file__).resolve().parents[1] / "rubrics" / "vae-pyro.yaml")
    hidden = {spec.id for item in rubric.items for spec in item.checks if not spec.public}
    public_keys = {case_key(n, p) for n, p in _declared(recipes.PUBLIC)}
    for check, twin, *_ in _twins().values():
        assert twin.__name__ == f"{check.__name__}_on_fresh_inputs" and twin.__name__ in hidden
        fresh = {"seed": inspect.signature(twin).parameters["seed"].default}
        assert inspect.signature(check).parameters["seed"].default == PUBLIC_SEED["seed"]
        assert case_key("standin", fresh) in {case_key(n, p) for n, p in HIDDEN_ONLY} - public_keys


@pytest.mark.parametrize("item", ["sampling", "decoding"])
def test_an_answer_special_cased_to_the_recorded_inputs_passes_the_public_check_and_fails_its_twin(item, recorded):
    pytest.importorskip("pyro")
    from grader.testing import assert_check_fails, student_from_source
    from tests.test_checks_vae_pyro import edited, program

    check, twin, gamed, fragment = _twins()[item]
    # what a student reads in the bundle's cases.json / cases.npz
    old, new = gamed(RecordedSource(recorded).get("standin", PUBLIC_SEED))
    source = program(VariationalAutoencoder=edited("VariationalAutoencoder", old, new))

    def student():
        return student_from_source("vae_pyro", source, "VariationalAutoencoder")

    CaseBook.override(PACK, RecordedSource(recorded))  # the student's self-check: recorded cases only
    try:
        check(student())
    finally:
        CaseBook.override(PACK, None)
    check(student())  # the judge's public check too
    assert_check_fails(twin, student(), fragment)
    twin(student(), seed=PUBLIC_SEED["seed"])  # the seed is what tells
