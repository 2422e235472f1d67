"""The case recipes of the lab vae-pyro (judge side only, never shipped to students).

Every fixed input a check sends to the sandbox and every expected value it compares with, by
name and parameters (``grader.cases``): ``PUBLIC`` feeds the public checks (``public/checks.py``)
and is what the self-check bundle records; ``HIDDEN`` adds what the hidden checks and the report
(``judge/checks.py``, ``report_downstream_reference``) need, fresh seeds included, and is never
recorded. Each recipe calls the float64 oracles (``judge/oracles.py``) or draws the seeded inputs
the checks used to draw themselves, so a check gets byte-for-byte the data it got before the
cases existed.

The β-VAE checks score the latent the student's guide sampled: their case records the stand-in
posterior (``loc``, ``scale``) and the ELBO's z-dependent part is analysis code
(``public/analysis.py``). A hidden book serves a name's public and hidden parameter sets
together (``grader.cases.LiveSource``), so a HIDDEN entry lists only its fresh sets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.cases import Params, Recipe

from . import oracles

# --------------------------------------------------------------------------------- the recipes


def _images(count: int, seed: int) -> dict[str, Any]:
    """``count`` stand-in digits (N, 1, 28, 28) drawn with ``seed``."""
    return {"x": oracles.images(count, seed)}


def _latents(n_latent: int) -> dict[str, Any]:
    """1a.decoder: five latent vectors to decode."""
    return {"z": np.random.default_rng(7).normal(0, 1, (5, n_latent)).astype(np.float32)}


def _standin(seed: int) -> dict[str, Any]:
    """1a.vae, 3: images, the stand-in networks' weights, latents to decode; the posterior the
    stand-in encoder gives (float64), the decoded images a right ``decoder_forward`` returns and
    what a second sigmoid makes of them."""
    case = oracles.standin_case(seed)
    loc, scale = oracles.posterior(case)
    decoded = oracles.decoded(case, case.z).reshape(len(case.z), 1, 28, 28)
    return {
        "x": case.x,
        "z": case.z,
        **case.weights(),
        "loc": loc,
        "scale": scale,
        "decoded": decoded,
        "decoded_twice": oracles.sigmoid(decoded),
    }


def _downstream() -> dict[str, Any]:
    """2's report: the stand-in digits split into 1200 training images and the rest."""
    x, y = oracles.digits()
    order = np.random.default_rng(0).permutation(len(x))
    train, val = order[:1200], order[1200:]
    return {"x_train": x[train], "y_train": y[train], "x_val": x[val], "y_val": y[val]}


# --------------------------------------------------------------------------------- the books

PUBLIC: dict[str, tuple[list[Params], Recipe]] = {
    # 1a.encoder: VEncoder(784, n_hidden, L) gets images(6, seed=L) for L = 3 and 10
    "images": ([{"count": 6, "seed": 3}, {"count": 6, "seed": 10}], _images),
    "latents": ([{"n_latent": 3}, {"n_latent": 10}], _latents),
    # 1a.vae's sampling and decoding (11), 3's β-VAE (13)
    "standin": ([{"seed": 11}, {"seed": 13}], _standin),
}


# Fresh seeds for the hidden twins of the numeric public checks of 1a.vae (sampling and decoding,
# public seed 11) and 3 (the β-VAE loss, public seed 13): an answer special-cased to the recorded
# public inputs passes the public check and fails its twin. Every stand-in case tells each sampling
# mistake apart (its scales are drawn in 0.2-0.5 and 2-4) and each β mistake (a KL of tens of nats
# beside a reconstruction of thousands), so one fresh stand-in serves all four twins.
FRESH_SEEDS = {"standin": 12}

HIDDEN: dict[str, tuple[list[Params], Recipe]] = {
    name: ([{"seed": seed}], PUBLIC[name][1]) for name, seed in FRESH_SEEDS.items()
} | {
    # check_vae_elbo_trains: one batch of 16
    "images": ([{"count": 16, "seed": 5}], _images),
    # report_downstream_reference: never run by a self-check (reports are judge-only)
    "downstream": ([{}], _downstream),
}
