"""Analysis code of the generative-tf checks: public, shipped with the self-check bundle.

What here adapts to the student's output and encodes the task's specification, never its answer:
the layout checker of conditioned_mnist (a digit unchanged in the cell its label names), the
point-set matcher and the extent counter of the latent plots, and the loss tolerance. The
expected values themselves come from the lab's cases (``grader.cases.CaseBook``), computed by
the judge-side oracles (``judge/oracles.py``) or read from the recording.
"""

from __future__ import annotations

import numpy as np

from grader.checks import Text

LOSS_ATOL = 0.02  # float32 sums of ~800 BCE terms carry ~1e-3 of error; variants differ by > 0.5


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


# ------------------------------------------------------------------------ latent plots


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
