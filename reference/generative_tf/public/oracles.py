"""Float64 numpy oracles for the generative-tf checks (judge side).

The expected values and the values of known wrong answers, computed exactly from the same
inputs the sandbox receives. Inputs are seeded so every run sends the same data; each case
asserts its own sensitivity (the right answer and every known mistake are far apart compared
with the tolerance), so a check can never pass a wrong answer by a coincidence of the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grader.checks import Text

LOG2PI = np.log(2 * np.pi)
LOSS_ATOL = 0.02  # float32 sums of ~800 BCE terms carry ~1e-3 of error; variants differ by > 0.5
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


def conditioned_layout_problems(
    x: np.ndarray, y: np.ndarray, k: int, x_res: np.ndarray, y_res: np.ndarray
) -> list[tuple[str, Text]]:
    """Everything wrong with the layout of conditioned_mnist's output, each tagged with its
    kind (shape, cell, label, position, count, distinct); an empty list means right."""
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    if x_res.reshape(-1).size != n * k * 9 * h * w or y_res.shape != (n * k, 12):
        return [
            (
                "shape",
                Text(
                    f"oczekiwano {n * k} obrazów {3 * h}x{3 * w} i etykiet długości 12; otrzymano x_res {x_res.shape}, y_res {y_res.shape}",
                    f"expected {n * k} images {3 * h}x{3 * w} and labels of length 12; got x_res {x_res.shape}, y_res {y_res.shape}",
                ),
            )
        ]
    images = x_res.reshape(n * k, 3 * h, 3 * w).astype(np.float64)
    problems: list[tuple[str, Text]] = []
    placements = []  # (source digit, row, col, pos_x, pos_y)
    for j in range(n * k):
        found = _locate(images[j], x, h, w)
        if isinstance(found, Text):
            problems.append(("cell", Text(f"obraz {j}: {found.pl}", f"output {j}: {found.en}")))
            continue
        src, r, c = found
        if not np.allclose(y_res[j, :10], y[src]):
            problems.append(
                (
                    "label",
                    Text(
                        f"obraz {j}: etykieta one-hot {y_res[j, :10]} nie odpowiada cyfrze {int(np.argmax(y[src]))}",
                        f"output {j}: one-hot label {y_res[j, :10]} does not match digit {int(np.argmax(y[src]))}",
                    ),
                )
            )
        placements.append((src, r, c, float(y_res[j, 10]), float(y_res[j, 11])))
    problems += _position_problems(placements)
    problems += _distinct_problems(placements, n, k)
    return problems


def _locate(image: np.ndarray, x: np.ndarray, h: int, w: int):
    filled = [
        (r, c) for r in range(3) for c in range(3) if np.any(image[r * h : (r + 1) * h, c * w : (c + 1) * w] != 0)
    ]
    if len(filled) != 1:
        return Text(
            f"cyfra powinna zajmować dokładnie jedną komórkę siatki 3x3, zajmuje {len(filled)}",
            f"the digit should fill exactly one cell of the 3x3 grid, it fills {len(filled)}",
        )
    r, c = filled[0]
    block = image[r * h : (r + 1) * h, c * w : (c + 1) * w]
    matches = [i for i in range(len(x)) if np.allclose(block, x[i], atol=1e-6)]
    if not matches:
        return Text(
            "zawartość komórki nie jest żadną z cyfr wejściowych (cyfra zmieniona, przesunięta lub obrócona)",
            "the cell does not hold any input digit unchanged (digit altered, shifted or transposed)",
        )
    return matches[0], r, c


def _position_problems(placements: list) -> list[tuple[str, Text]]:
    allowed = {0.0, 0.5, 1.0}
    bad = [p for p in placements if p[3] not in allowed or p[4] not in allowed]
    if bad:
        return [
            (
                "position",
                Text(
                    f"pozycje muszą należeć do {{0, 0.5, 1}}; otrzymano ({bad[0][3]}, {bad[0][4]})",
                    f"positions must be in {{0, 0.5, 1}}; got ({bad[0][3]}, {bad[0][4]})",
                ),
            )
        ]
    column_first = all((px, py) == (c / 2, r / 2) for _, r, c, px, py in placements)
    row_first = all((px, py) == (r / 2, c / 2) for _, r, c, px, py in placements)
    if column_first or row_first:
        return []
    return [
        (
            "position",
            Text(
                "pozycje [pos_x, pos_y] nie odpowiadają komórce, w której jest cyfra (ani kolumna-wiersz, ani wiersz-kolumna dla wszystkich próbek)",
                "positions [pos_x, pos_y] do not match the cell holding the digit (neither column-row nor row-column for every sample)",
            ),
        )
    ]


def _distinct_problems(placements: list, n: int, k: int) -> list[tuple[str, Text]]:
    problems = []
    for src in range(n):
        cells = [(r, c) for s, r, c, _, _ in placements if s == src]
        if len(cells) != k:
            problems.append(
                (
                    "count",
                    Text(
                        f"cyfra {src} występuje {len(cells)} razy zamiast num_imgs={k}",
                        f"digit {src} appears {len(cells)} times instead of num_imgs={k}",
                    ),
                )
            )
        elif len(set(cells)) != k:
            problems.append(
                (
                    "distinct",
                    Text(
                        f"pozycje wylosowane dla cyfry {src} powtarzają się (losuj bez zwracania: replace=False)",
                        f"the positions drawn for digit {src} are not distinct (sample without replacement: replace=False)",
                    ),
                )
            )
    return problems


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


def matches_as_set(expected: np.ndarray, drawn: np.ndarray, tol: float = 1e-3) -> bool:
    """Every expected point is drawn (any order), within ``tol`` relative to its scale."""
    if len(drawn) < len(expected):
        return False
    scale = max(1.0, float(np.max(np.abs(expected))))
    for point in expected:
        if not np.any(np.all(np.abs(drawn - point) <= tol * scale, axis=1)):
            return False
    return True


def share_with_extent(sigmas: np.ndarray, extents: np.ndarray, factors=(1.0, 2.0), tol: float = 2e-3) -> float:
    """Share of (point, dimension) pairs whose value, times one of ``factors``, is the length
    of some drawn segment or ellipse axis along that dimension."""
    if len(extents) == 0:
        return 0.0
    hits = 0
    for i in range(sigmas.shape[0]):
        for d in range(2):
            ok = any(np.any(np.abs(extents[:, d] - f * sigmas[i, d]) <= tol * max(1.0, sigmas[i, d])) for f in factors)
            hits += ok
    return hits / (2 * sigmas.shape[0])
