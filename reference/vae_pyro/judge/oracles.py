"""Float64 numpy oracles of the lab vae-pyro (judge side only, never shipped to students; no
torch, no pyro). The checks never call them: the case recipes (``judge/cases.py``) do.

The probes swap stand-in networks into the student's VAE (``public/probes.py``:
``StandInEncoder`` = linear mean and softplus scale, ``StandInDecoder`` = sigmoid of a linear
map); :func:`standin_case` draws their weights, so everything a right answer returns is known
here exactly: the posterior's ``loc`` and ``scale`` and the decoded images. The two terms of the
ELBO depend on the latent ``z`` the student's guide sampled, so they are analysis code
(``public/analysis.py``), computed from the recorded posterior. The scales are drawn away from 1 (0.2-0.5 and 2-4) so that using the
variance, its square root or a unit scale instead of the standard deviation shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from grader.checks import STANDIN, load_mnist


@lru_cache(maxsize=1)
def digits() -> tuple[np.ndarray, np.ndarray]:
    """Grey digit images (N, 1, 28, 28) float32 in [0, 1] and their labels: the scikit-learn
    stand-in, the same on every machine (the grader may hold the real MNIST; checks must not
    depend on which)."""
    (x_train, y_train), (x_test, y_test) = load_mnist(STANDIN)
    x = np.concatenate([x_train, x_test]).astype(np.float32)[:, None] / 255.0
    return x, np.concatenate([y_train, y_test]).astype(np.int64)


def images(count: int, seed: int) -> np.ndarray:
    """``count`` stand-in digits drawn without replacement with ``seed``."""
    x, _ = digits()
    return x[np.random.default_rng(seed).choice(len(x), count, replace=False)]


@dataclass(frozen=True)
class StandInCase:
    x: np.ndarray  # (B, 1, 28, 28) float32
    w_loc: np.ndarray  # (784, L)
    b_loc: np.ndarray  # (L,)
    w_scale: np.ndarray  # (784, L)
    b_scale: np.ndarray  # (L,)
    w_dec: np.ndarray  # (L, 784)
    b_dec: np.ndarray  # (784,)
    z: np.ndarray  # (B, L): latents to decode

    def weights(self) -> dict:
        return dict(
            w_loc=self.w_loc,
            b_loc=self.b_loc,
            w_scale=self.w_scale,
            b_scale=self.b_scale,
            w_dec=self.w_dec,
            b_dec=self.b_dec,
        )

    @property
    def flat(self) -> np.ndarray:
        return self.x.reshape(len(self.x), -1).astype(np.float64)


def standin_case(seed: int, batch: int = 8, latent: int = 4) -> StandInCase:
    rng = np.random.default_rng(seed)
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    targets = np.where(np.arange(latent) % 2 == 0, rng.uniform(0.2, 0.5, latent), rng.uniform(2.0, 4.0, latent))
    b_scale = np.log(np.expm1(targets))  # softplus(b_scale) = targets for a black image
    return StandInCase(
        x=images(batch, seed),
        w_loc=f32(rng.normal(0, 0.02, (784, latent))),
        b_loc=f32(rng.normal(0, 1.0, latent)),
        w_scale=f32(rng.normal(0, 0.002, (784, latent))),
        b_scale=f32(b_scale),
        w_dec=f32(rng.normal(0, 0.5, (latent, 784))),
        b_dec=f32(rng.normal(0, 0.5, 784)),
        z=f32(rng.normal(0, 1.0, (batch, latent))),
    )


def softplus(a: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, a)


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def posterior(case: StandInCase) -> tuple[np.ndarray, np.ndarray]:
    """``(loc, scale)`` of q(z|x) from the stand-in encoder."""
    x = case.flat
    loc = x @ case.w_loc.astype(np.float64) + case.b_loc
    scale = softplus(x @ case.w_scale.astype(np.float64) + case.b_scale)
    return loc, scale


def decoded(case: StandInCase, z: np.ndarray) -> np.ndarray:
    """The stand-in decoder's Bernoulli means, (B, 784)."""
    return sigmoid(np.asarray(z, np.float64) @ case.w_dec.astype(np.float64) + case.b_dec)
