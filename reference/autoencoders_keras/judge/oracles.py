"""The seeded inputs of the lab autoencoders-keras (judge side only, never shipped to students).

The lab's checks compare no number with an expected one: they identify what a student's layers
compute (activations, regularizer coefficients, the noise added) from what they return on the
judge's inputs. Those inputs are what this module draws: the rows and arrays the probe
``model_layers`` runs each model on, and the pixel positions ``noise_setup`` reads the noisy
arrays at. The checks never call it: the case recipes (``judge/cases.py``) do, so the self-check
bundle serves the same inputs from its recording, whatever numpy the student has. How the checks
read the replies is analysis code (``public/analysis.py``).
"""

from __future__ import annotations

import numpy as np

from grader.checks import STANDIN, load_mnist

from ..public.analysis import DIM_X

PROBE_DIGITS = 8  # stand-in digits in model_layers' rows
WIDE_ROWS = 8  # wide-range rows each Dense block also gets (cut to its fan-in)
WIDE_COLUMNS = 1024  # at least the widest fan-in (784), so a cut never tiles
REG_SHAPE = (4, 8)  # each array a regularizer is evaluated on


def probe_inputs(seed: int, digits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x``: 24 rows of 784 (the 8 stand-in digits from index ``digits`` in [0, 1], the same
    negated, the first 4 ×5 and 4 normal rows: pre-activations of both signs); ``wide``: 8 normal
    rows (×1 and ×10) that each Dense block also gets, cut to its fan-in; ``reg_inputs``: 3
    arrays on which regularizers are evaluated (constant 0.5, constant 2, normal: their Σ|a| and
    Σa² are far from proportional, so l1 and l2 separate). ``seed`` draws the normal values."""
    (images, _), _ = load_mnist(STANDIN)
    picked = images[digits : digits + PROBE_DIGITS].reshape(PROBE_DIGITS, -1).astype(np.float32) / 255.0
    rng = np.random.default_rng(seed)
    x = np.concatenate([picked, -picked, 5.0 * picked[:4], rng.normal(0.0, 1.0, (4, DIM_X))]).astype(np.float32)
    scale = np.array([1.0] * (WIDE_ROWS // 2) + [10.0] * (WIDE_ROWS // 2))[:, None]
    wide = rng.normal(0.0, 1.0, (WIDE_ROWS, WIDE_COLUMNS)) * scale
    reg_inputs = np.stack([np.full(REG_SHAPE, 0.5), np.full(REG_SHAPE, 2.0), rng.normal(0.0, 1.0, REG_SHAPE)])
    return x, wide.astype(np.float32), reg_inputs.astype(np.float32)


def pixel_draws(seed: int, pairs: int, pixels: int) -> np.ndarray:
    """``(pairs, pixels)`` uniform fractions in [0, 1): row ``i`` names the positions (fraction of
    the array's size) at which ``noise_setup`` reads the ``i``-th (clean, noisy) pair. Drawn here,
    not in the sandbox, so a self-check reads the pixels the instructor's grader reads."""
    return np.random.default_rng(seed).random((pairs, pixels))
