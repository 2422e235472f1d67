"""Analysis code of the vae-pyro checks: public, shipped with the self-check bundle.

What here adapts to the student's output and encodes the task's specification, never its answer:
the β-VAE checks score the latent ``z`` the student's own guide sampled, so the ELBO's two terms
are a function of that ``z`` and cannot be recorded in advance. They are computed here from the
case's recorded posterior (``loc``, ``scale``: the stand-in encoder's output on the case's
images, computed by the judge-side oracles, ``judge/oracles.py``) and the stand-in decoder's
weights the judge sends to the sandbox anyway (``public/probes.py``: ``StandInDecoder`` is the
sigmoid of a linear map), as Pyro's ``Trace_ELBO`` scores them. Every fixed input and expected
value comes from the lab's cases (``grader.cases.CaseBook``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

BERNOULLI_EPS = float(np.finfo(np.float32).eps)  # torch clamps Bernoulli probs to [eps, 1 - eps]
LOG_2PI = float(np.log(2 * np.pi))


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def normal_log_prob(z: np.ndarray, loc: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """log N(z; loc, scale) summed over the latent dimensions (``to_event(1)``), per example."""
    return np.sum(-0.5 * ((z - loc) / scale) ** 2 - np.log(scale) - 0.5 * LOG_2PI, axis=-1)


def elbo_terms(case: Any, z: np.ndarray) -> tuple[float, float]:
    """For the latent ``z`` the guide sampled: the reconstruction term ``-log p(x|z)`` and the
    Monte-Carlo KL term ``log q(z|x) - log p(z)``, each summed over the batch, as Pyro's
    ``Trace_ELBO`` scores them (grey pixels: ``x log p + (1-x) log(1-p)``). ``case``: a stand-in
    case (its images ``x``, posterior ``loc`` and ``scale``, decoder weights ``w_dec``, ``b_dec``)."""
    z = np.asarray(z, np.float64)
    loc, scale = case.loc, case.scale
    decoded = sigmoid(z @ case.w_dec.astype(np.float64) + case.b_dec)
    p = np.clip(decoded, BERNOULLI_EPS, 1 - BERNOULLI_EPS)
    x = case.x.reshape(len(case.x), -1).astype(np.float64)
    log_px = np.sum(x * np.log(p) + (1 - x) * np.log1p(-p), axis=1)
    kl = normal_log_prob(z, loc, scale) - normal_log_prob(z, np.zeros_like(z), np.ones_like(z))
    return float(-np.sum(log_px)), float(np.sum(kl))


def beta_loss_variants(recon: float, kl: float, beta: np.ndarray) -> dict[str, np.ndarray]:
    """The loss as a function of beta: right, and as each known mistake computes it."""
    beta = np.asarray(beta, np.float64)
    return {
        "correct": recon + beta * kl,
        "beta_on_reconstruction": beta * recon + kl,
        "beta_on_everything": beta * (recon + kl),
        "beta_ignored": np.full_like(beta, recon + kl),
        "beta_divides_kl": recon + kl / beta,
    }
