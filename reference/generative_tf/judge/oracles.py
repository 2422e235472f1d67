"""Float64 numpy oracles of the lab generative-tf (judge side only, never shipped to students).

The expected values and the values of known wrong answers, computed exactly from the same
inputs the sandbox receives. Inputs are seeded so every run sends the same data; each case
asserts its own sensitivity (the right answer and every known mistake are far apart compared
with the tolerance), so a check can never pass a wrong answer by a coincidence of the data.
The public checks never import this module: they read what it computes through the lab's case
recipes (``judge/cases.py``), live in the instructor's grader, recorded in the self-check bundle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..public.analysis import LOSS_ATOL

LOG2PI = np.log(2 * np.pi)
MIN_SEPARATION = 25 * LOSS_ATOL


# --------------------------------------------------------------------------------- VAE loss


@dataclass(frozen=True)
class VaeCase:
    """Inputs of the fixed-noise model and the posterior it produces."""

    x: np.ndarray
    w_enc: np.ndarray
    b_enc: np.ndarray
    w_dec: np.ndarray
    b_dec: np.ndarray
    eps: np.ndarray
    mean: np.ndarray
    logvar: np.ndarray


def vae_case(seed: int, batch: int = 16, latent: int = 4, image=(28, 28, 1), cond: np.ndarray | None = None) -> VaeCase:
    """A non-trivial posterior (means ~ N(0, 1.5^2), logvar in [-3, -0.8]) so that the KL is
    several nats, far above float32 noise in the reconstruction term (sensitivity note)."""
    rng = np.random.default_rng(seed)
    pixels = int(np.prod(image))
    extra = 0 if cond is None else cond.shape[1]
    x = rng.uniform(0, 1, (batch, *image)).astype(np.float32)
    w_enc = rng.normal(0, 0.02, (pixels + extra, 2 * latent)).astype(np.float32)
    b_enc = np.concatenate([rng.normal(0, 1.5, latent), rng.uniform(-3.0, -0.8, latent)]).astype(np.float32)
    w_dec = rng.normal(0, 0.3, (latent + extra, pixels)).astype(np.float32)
    b_dec = rng.normal(0, 0.5, pixels).astype(np.float32)
    # |eps| in [1.8, 2.5]: a legitimate draw that makes the Monte-Carlo estimate differ from the
    # closed form by several nats on every sample (their gap is 0.5*(sigma^2-1)*(eps^2-1) per dim).
    eps = (rng.choice([-1.0, 1.0], (batch, latent)) * rng.uniform(1.8, 2.5, (batch, latent))).astype(np.float32)
    flat = x.reshape(batch, -1).astype(np.float64)
    if cond is not None:
        flat = np.concatenate([flat, cond.astype(np.float64)], axis=1)
    h = flat @ w_enc.astype(np.float64) + b_enc
    return VaeCase(x, w_enc, b_enc, w_dec, b_dec, eps, h[:, :latent], h[:, latent:])


def kl_closed_form(mean: np.ndarray, logvar: np.ndarray) -> np.ndarray:
    """Per-sample KL(N(mean, exp(logvar)) || N(0, I))."""
    mean, logvar = np.asarray(mean, np.float64), np.asarray(logvar, np.float64)
    return 0.5 * np.sum(np.exp(logvar) + mean**2 - 1 - logvar, axis=1)


def bce_with_logits(labels: np.ndarray, logits: np.ndarray) -> np.ndarray:
    logits = np.asarray(logits, np.float64)
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


def vae_loss_variants(case: VaeCase, cond: np.ndarray | None = None) -> dict[str, float]:
    """The right loss (``correct``) and the loss of each known mistake, same inputs."""
    m, lv, eps = case.mean, case.logvar, case.eps.astype(np.float64)
    z = m + eps * np.exp(0.5 * lv)
    dec_in = z if cond is None else np.concatenate([z, cond.astype(np.float64)], axis=1)
    logits = dec_in @ case.w_dec.astype(np.float64) + case.b_dec
    x = case.x.reshape(len(z), -1).astype(np.float64)
    recon = bce_with_logits(x, logits).sum(axis=1)
    kl = kl_closed_form(m, lv)
    log_pz = -0.5 * np.sum(z**2 + LOG2PI, axis=1)
    log_qz = -0.5 * np.sum((z - m) ** 2 * np.exp(-lv) + lv + LOG2PI, axis=1)
    mc = log_qz - log_pz
    kl_plus = 0.5 * np.sum(lv + m**2 + np.exp(lv) - 1, axis=1)
    variants = {
        "correct": recon + kl,
        "mc": recon + mc,
        "mc_plus_kl_plus_logvar": recon + mc - kl_plus,
        "mc_plus_kl": recon + mc + kl,
        "plus_logvar": recon + kl_plus,
        "kl_sign": recon - kl,
        "no_half": recon + 2 * kl,
        "logvar_squared": recon + 0.5 * np.sum(lv**2 + m**2 - 1 - lv, axis=1),
        "kl_mean_over_latent": recon + kl / m.shape[1],
    }
    values = {k: float(np.mean(v)) for k, v in variants.items()}
    values["sum_over_batch"] = float(np.sum(variants["correct"]))
    _assert_separated(values, MIN_SEPARATION)
    return values


def _assert_separated(values: dict[str, float], gap: float) -> None:
    correct = values["correct"]
    close = [k for k, v in values.items() if k != "correct" and abs(v - correct) < gap]
    if close:  # our inputs cannot tell these apart: a bug of the check, never the student's
        raise AssertionError(f"check inputs do not separate the right answer from {close}")


# ------------------------------------------------------------------------ conditioned_mnist


def digits_case(n: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` distinct random 'digits' (no zero pixel, so placement is unambiguous) and
    one-hot labels, as float32 like the template's preprocessed data."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.05, 1.0, (n, size, size)).astype(np.float32)
    labels = rng.integers(0, 10, n)
    y = np.eye(10, dtype=np.float32)[labels]
    return x, y


# ------------------------------------------------------------------------ discriminator loss


def logits_case(seed: int, batch: int = 16) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    real = np.clip(rng.normal(1.0, 2.5, (batch, 1)), -8, 8).astype(np.float32)
    fake = np.clip(rng.normal(-0.5, 2.5, (batch, 1)), -8, 8).astype(np.float32)
    return real, fake


def discriminator_loss_variants(real: np.ndarray, fake: np.ndarray) -> dict[str, float]:
    """The right discriminator loss and the loss of each known mistake (Keras BCE: batch mean)."""

    def bce(label, logits):
        return float(np.mean(bce_with_logits(label, logits)))

    def bce_probs(label, p):  # Keras's formula for probabilities, clipped in float32 as Keras does
        eps = np.float32(1e-7)
        p = np.clip(np.asarray(p, np.float32), eps, np.float32(1) - eps)
        q = (np.float32(1) - p).astype(np.float64)
        return float(np.mean(-(label * np.log(p.astype(np.float64)) + (1 - label) * np.log(q))))

    sig = lambda v: 1 / (1 + np.exp(-np.asarray(v, np.float64)))  # noqa: E731
    values = {
        "correct": bce(1, real) + bce(0, fake),
        "swapped": bce(0, real) + bce(1, fake),
        "real_only": bce(1, real),
        "fake_only": bce(0, fake),
        "all_ones": bce(1, real) + bce(1, fake),
        "halved": 0.5 * (bce(1, real) + bce(0, fake)),
        "sigmoid_first": bce(1, sig(real)) + bce(0, sig(fake)),
        "probabilities": bce_probs(1, real) + bce_probs(0, fake),
    }
    _assert_separated(values, 0.05)
    return values


# ------------------------------------------------------------------------ 1.2 compile


def reconstruction_case(seed: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Targets in [0, 1] like normalised pixels and predictions in (0, 1) like a sigmoid's."""
    rng = np.random.default_rng(seed)
    y_true = rng.uniform(0, 1, (8, 28, 28, 1)).astype(np.float32)
    y_pred = rng.uniform(0.02, 0.98, (8, 28, 28, 1)).astype(np.float32)
    return y_true, y_pred


def reconstruction_losses(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Losses suited to [0, 1] data (accepted) and from_logits BCE (wrong: the decoder already
    ends in a sigmoid), as Keras computes them (means over every axis)."""
    t, p = y_true.astype(np.float64), y_pred.astype(np.float64)
    mse = float(np.mean((t - p) ** 2))
    eps = np.float32(1e-7)
    pc = np.clip(y_pred, eps, np.float32(1) - eps).astype(np.float64)
    return {
        "binary_crossentropy": float(
            np.mean(
                -(t * np.log(pc) + (1 - t) * np.log((np.float32(1) - np.clip(y_pred, eps, 1 - eps)).astype(np.float64)))
            )
        ),
        "mean_squared_error": mse,
        "mean_absolute_error": float(np.mean(np.abs(t - p))),
        "root_mean_squared_error": float(np.sqrt(mse)),
        "from_logits_bce": float(np.mean(bce_with_logits(t, p))),
    }


# ------------------------------------------------------------------------ latent plots


def latent_case(seed: int, batch: int = 12, latent_outputs: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Images and a linear encoder whose outputs are spread out (means around N(0, 2)) and,
    for the VAE (4 outputs), log-variances around [-2, 0.5] that differ from point to point,
    so that standard deviations, variances and log-variances are all distinct."""
    rng = np.random.default_rng(seed)
    data = rng.uniform(0, 1, (batch, 28, 28, 1)).astype(np.float32)
    w = rng.normal(0, 0.05, (784, latent_outputs)).astype(np.float32)
    b = np.concatenate([rng.normal(0, 2, 2), rng.uniform(-2, 0.5, latent_outputs - 2)]).astype(np.float32)
    return data, w, b


def encoder_outputs(data: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    return data.reshape(len(data), -1).astype(np.float64) @ w.astype(np.float64) + b.astype(np.float64)
