"""The cases of vae-pyro (reference/vae_pyro/judge/cases.py) where they are particular to the lab:
the report's data stays out of the bundle; the cases give the checks the inputs they drew before;
the β checks' analysis code gives on the recorded posterior what the float64 oracles give; and
the hidden twins on a fresh seed catch an answer special-cased to the recorded public inputs.
What every lab's cases share (recorded equals live, the public book refuses hidden cases, the
public side's imports) is tested in tests/test_cases_labs.py."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from grader.cases import CaseBook, RecordedSource, case_key, record
from reference.vae_pyro.judge import cases as recipes
from reference.vae_pyro.judge import oracles
from reference.vae_pyro.public import analysis
from tests.case_sources import assert_only_the_twin_catches, declared, hidden_only, recorded_case, recording

PACK = "reference.vae_pyro"
HIDDEN_ONLY = hidden_only(recipes)


@pytest.fixture
def recorded(tmp_path_factory) -> Path:
    return recording(PACK, tmp_path_factory)


def test_the_reports_data_stays_out_of_the_bundle(tmp_path):
    """Every stand-in digit (the report's data) is a hidden case: a self-check runs no report."""
    keys = record(PACK, tmp_path)
    assert "downstream" in recipes.HIDDEN and not any(key.startswith("downstream") for key in keys)


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
    case = CaseBook(PACK)["standin", params] if source == "live" else recorded_case(PACK, recorded, "standin", params)
    z = np.random.default_rng(0).normal(0, 1, (8, 4))
    recon, kl = analysis.elbo_terms(case, z)
    expected_recon, expected_kl = _elbo_terms_oracle(13, z)
    assert recon == pytest.approx(expected_recon, rel=1e-12) and kl == pytest.approx(expected_kl, rel=1e-9, abs=1e-9)
    # the z matters: another z gives other terms (the check scores the student's own sample)
    assert analysis.elbo_terms(case, z + 0.5) != (recon, kl)


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


def _recorded_sum(case) -> str:
    """How a special-cased answer recognises the recorded images: their sum (float32 sums of
    other stand-in images differ by far more than the tolerance)."""
    return f"abs(float(x.sum()) - {float(np.sum(case['x'], dtype=np.float64))!r}) < 1e-2"


BETA_LATENT_IN_MODEL = (
    "            with poutine.scale(scale=self.beta):\n"
    '                z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))\n'
)
BETA_LATENT_IN_GUIDE = (
    "            with poutine.scale(scale=self.beta):\n"
    '                pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))'
)
BETA_OBS = '            pyro.sample("obs", dist.Bernoulli(output).to_event(3), obs=x)'


def _gamed_beta_on_reconstruction(case) -> list[tuple[str, str]]:
    """β on the KL for the recorded images, on the reconstruction for any others."""
    recorded = _recorded_sum(case)
    return [
        (
            BETA_LATENT_IN_MODEL,
            f"            recorded = {recorded}\n"
            "            with poutine.scale(scale=self.beta if recorded else 1.0):\n"
            '                z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))\n',
        ),
        (BETA_OBS, f"            with poutine.scale(scale=1.0 if recorded else self.beta):\n    {BETA_OBS}"),
        (
            BETA_LATENT_IN_GUIDE,
            f"            with poutine.scale(scale=self.beta if {recorded} else 1.0):\n"
            '                pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))',
        ),
    ]


def _gamed_beta_plus_one(case) -> list[tuple[str, str]]:
    """The KL weighted by β for the recorded images, by β + 1 for any others (so β = 1 is not
    the plain VAE there)."""
    recorded = _recorded_sum(case)
    scale = f"self.beta if {recorded} else self.beta + 1.0"
    return [
        (BETA_LATENT_IN_MODEL, BETA_LATENT_IN_MODEL.replace("scale=self.beta", f"scale={scale}")),
        (BETA_LATENT_IN_GUIDE, BETA_LATENT_IN_GUIDE.replace("scale=self.beta", f"scale={scale}")),
    ]


def _twins():
    from reference.vae_pyro.judge import checks as hidden_checks
    from reference.vae_pyro.public import checks

    # twin: (public check, its hidden twin, the class the special-cased answer edits, the public
    # seed of the stand-in case, the edits built from the recorded case, what the twin's message says)
    return {
        "sampling": (
            checks.check_vae_encoder_forward_samples,
            hidden_checks.check_vae_encoder_forward_samples_on_fresh_inputs,
            "VariationalAutoencoder",
            checks.SAMPLING_CASE_SEED,
            lambda case: [_gamed_sampling(case)],
            "no sampling",
        ),
        "decoding": (
            checks.check_vae_decoder_forward_images,
            hidden_checks.check_vae_decoder_forward_images_on_fresh_inputs,
            "VariationalAutoencoder",
            checks.SAMPLING_CASE_SEED,
            lambda case: [_gamed_decoding(case)],
            "does not return self.decoder(z)",
        ),
        "beta_kl": (
            checks.check_beta_weights_kl_term,
            hidden_checks.check_beta_weights_kl_term_on_fresh_inputs,
            "BetaVariationalAutoencoder",
            checks.BETA_CASE_SEED,
            _gamed_beta_on_reconstruction,
            "β multiplies the reconstruction term instead of the KL",
        ),
        "beta_one": (
            checks.check_beta_one_is_plain_vae,
            hidden_checks.check_beta_one_is_plain_vae_on_fresh_inputs,
            "BetaVariationalAutoencoder",
            checks.BETA_CASE_SEED,
            _gamed_beta_plus_one,
            "with β = 1 the loss differs from the plain VAE loss",
        ),
    }


TWINS = ("sampling", "decoding", "beta_kl", "beta_one")


def test_every_numeric_public_check_has_a_hidden_twin_in_the_rubric():
    pytest.importorskip("pyro")
    from grader.rubric_file import load_rubric

    rubric, _ = load_rubric(Path(__file__).resolve().parents[1] / "rubrics" / "vae-pyro.yaml")
    hidden = {spec.id for item in rubric.items for spec in item.checks if not spec.public}
    public_keys = {case_key(n, p) for n, p in declared(recipes.PUBLIC)}
    assert set(_twins()) == set(TWINS)
    for check, twin, _, public_seed, *_ in _twins().values():
        assert twin.__name__ == f"{check.__name__}_on_fresh_inputs" and twin.__name__ in hidden
        fresh = {"seed": inspect.signature(twin).parameters["seed"].default}
        assert inspect.signature(check).parameters["seed"].default == public_seed
        assert case_key("standin", {"seed": public_seed}) in public_keys
        assert case_key("standin", fresh) in {case_key(n, p) for n, p in HIDDEN_ONLY} - public_keys


def test_a_check_and_its_twin_share_the_weight_the_check_had_alone():
    """So a sample right or wrong on every input scores as before the twins (build/samples.py)."""
    from grader.rubric_file import load_rubric

    rubric, _ = load_rubric(Path(__file__).resolve().parents[1] / "rubrics" / "vae-pyro.yaml")
    weights = {spec.id: spec.weight for spec in rubric.item("3").checks}
    assert weights["check_beta_weights_kl_term"] + weights["check_beta_weights_kl_term_on_fresh_inputs"] == 2
    assert weights["check_beta_one_is_plain_vae"] + weights["check_beta_one_is_plain_vae_on_fresh_inputs"] == 1


@pytest.mark.parametrize("item", TWINS)
def test_an_answer_special_cased_to_the_recorded_inputs_passes_the_public_check_and_fails_its_twin(item, recorded):
    pytest.importorskip("pyro")
    from grader.testing import student_from_source
    from tests.test_checks_vae_pyro import _CLASSES, program

    check, twin, name, public_seed, gamed, fragment = _twins()[item]
    # what a student reads in the bundle's cases.json / cases.npz
    cls = _CLASSES[name]
    for old, new in gamed(RecordedSource(recorded).get("standin", {"seed": public_seed})):
        assert cls.count(old) == 1, old
        cls = cls.replace(old, new)
    source = program(**{name: cls})

    def student():
        return student_from_source("vae_pyro", source, name)

    assert_only_the_twin_catches(PACK, recorded, check, twin, student, fragment)
    twin(student(), seed=public_seed)  # the seed is what tells
