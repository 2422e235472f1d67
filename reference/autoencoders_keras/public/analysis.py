"""Analysis code of the autoencoders-keras checks: public, shipped with the self-check bundle.

What here reads the student's replies and encodes the task's specification, never its answer:
the identification of an activation from (pre-activation, output) pairs, the fit of a
regularizer's values as ``l1·Σ|a| + l2·Σa²``, and the censored-normal estimate of the noise a
notebook added (float64 numpy). The inputs the replies are computed on (the probe rows, the
regularizer arrays, the pixel positions) come from the lab's cases (``grader.cases.CaseBook``),
drawn by the judge-side oracles (``judge/oracles.py``) or read from the recording. Nothing here
decides a grade by itself.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import erf, log_ndtr

DIM_X = 28 * 28  # pixels of one MNIST image: the autoencoders' input width


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softplus(z):
    return np.logaddexp(0.0, z)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805

#: name -> f(z), in the order they are preferred when several match (relu before relu6...).
ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "softplus": _softplus,
    "softsign": lambda z: z / (1.0 + np.abs(z)),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    "selu": lambda z: _SELU_SCALE * np.where(z > 0, z, _SELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
    "swish": lambda z: z * _sigmoid(z),
    "gelu": lambda z: 0.5 * z * (1.0 + erf(z / np.sqrt(2.0))),
    "gelu ": lambda z: 0.5 * z * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z**3))),  # approximate
    "relu6": lambda z: np.clip(z, 0.0, 6.0),
    "hard_sigmoid": lambda z: np.clip(z / 6.0 + 0.5, 0.0, 1.0),  # Keras 3
    "hard_sigmoid ": lambda z: np.clip(0.2 * z + 0.5, 0.0, 1.0),  # Keras 2
    "hard_silu": lambda z: z * np.clip(z / 6.0 + 0.5, 0.0, 1.0),
    "mish": lambda z: z * np.tanh(_softplus(z)),
    "log_sigmoid": lambda z: -_softplus(-z),
    "exponential": lambda z: np.exp(np.minimum(z, 80.0)),
}


def _fits(y: np.ndarray, expected: np.ndarray) -> bool:
    """``y`` (float32 from the layer) equals ``expected`` (float64) up to float32 rounding."""
    return bool(np.all(np.isfinite(y)) and np.all(np.abs(y - expected) <= 1e-3 + 1e-4 * np.abs(expected)))


def identify_activation(z: np.ndarray, y: np.ndarray) -> str:
    """The activation ``f`` with ``y = f(z)`` elementwise, or '' when none of the known ones
    (``leaky_relu`` with any slope in (0, 1) included) fits."""
    z, y = np.asarray(z, np.float64), np.asarray(y, np.float64)
    if z.shape != y.shape or z.size == 0:
        return ""
    with np.errstate(over="ignore", invalid="ignore"):
        for name, f in ACTIVATIONS.items():
            if _fits(y, f(z)):
                return name.strip()
        negative = z < -0.1
        if negative.any():
            slope = float(np.median(y[negative] / z[negative]))
            if 0.0 < slope < 1.0 and _fits(y, np.where(z > 0, z, slope * z)):
                return "leaky_relu"
    return ""


def penalty_coefficients(values: np.ndarray, reg_inputs: np.ndarray) -> tuple[float, float, bool]:
    """``(l1, l2, fits)``: a regularizer's values on the arrays ``reg_inputs`` (the probe's
    inputs, one value per array) as ``l1·Σ|a| + l2·Σa²``; ``fits`` is False when no such pair
    explains them (a penalty of another form)."""
    a = np.asarray(reg_inputs, np.float64)
    design = np.stack([np.abs(a).sum(axis=(1, 2)), (a**2).sum(axis=(1, 2))], axis=1)
    values = np.asarray(values, np.float64)
    (l1, l2), *_ = np.linalg.lstsq(design, values, rcond=None)
    fits = bool(np.all(np.isfinite(values)) and np.allclose(design @ (l1, l2), values, rtol=1e-4, atol=1e-9))
    scale = max(abs(l1), abs(l2))
    # float32 rounding leaves ~1e-10 of the absent coefficient: that is 0
    l1, l2 = (0.0 if abs(c) <= 1e-6 * scale else float(c) for c in (l1, l2))
    return l1, l2, fits


def estimate_noise_std(clean: np.ndarray, noisy: np.ndarray, clipped: bool) -> float:
    """Maximum-likelihood standard deviation ``s`` of ``noisy = clip(clean + s·ε, 0, 1)``,
    ε ~ N(0, 1) (``clipped``), or of ``noisy = clean + s·ε``: pixels clipped to exactly 0 or 1
    are censored observations (only "at most 0" / "at least 1" is known), the others exact."""
    x, y = np.asarray(clean, np.float64), np.asarray(noisy, np.float64)
    d = y - x
    if np.all(np.abs(d) <= 1e-12):
        return 0.0
    low = (y <= 0.0) & clipped
    high = (y >= 1.0) & clipped
    inside = ~(low | high)
    d_in, x_low, x_high = d[inside], x[low], x[high]

    def negative_log_likelihood(log_s: float) -> float:
        s = np.exp(log_s)
        ll = np.sum(-0.5 * (d_in / s) ** 2) - d_in.size * log_s
        ll += np.sum(log_ndtr(-x_low / s)) + np.sum(log_ndtr((x_high - 1.0) / s))
        return -ll

    best = minimize_scalar(
        negative_log_likelihood, bounds=(np.log(1e-4), np.log(1e2)), method="bounded", options={"xatol": 1e-7}
    )
    return float(np.exp(best.x))
