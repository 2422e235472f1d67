"""Inter-rater agreement for a calibration round: several graders score the same answers blind,
and before the real grading starts the course sees how far they agree and on which answers not.

``ratings[rater][unit]`` is the points a rater gave a unit (an answer: a student's response to one
rubric item). A rater who skipped a unit simply has no entry for it (a NaN counts as no entry);
units rated by fewer than two raters say nothing about agreement and are left out everywhere.

- :func:`exact_agreement`: the share of units on which all their raters gave the same points.
  Easy to read, but blind to how far apart the points are and inflated by chance.
- :func:`krippendorff_alpha`: Krippendorff's alpha, 1 - observed / expected disagreement, with
  missing data, for nominal, ordinal or interval points (Krippendorff 2011, "Computing
  Krippendorff's Alpha-Reliability", https://repository.upenn.edu/asc_papers/43). 1 is perfect
  agreement, 0 is what chance would give, below 0 is systematic disagreement.
- :func:`disagreements`: the units where the raters differ, widest spread first: what the graders
  discuss before they grade the class.

Points are compared after rounding to 9 decimals, so ``0.1 + 0.2`` and ``0.3`` are the same score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

Level = Literal["nominal", "ordinal", "interval"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval")
_DECIMALS = 9

Ratings = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Disagreement:
    """A unit on which its raters gave different points: ``points[rater]``, raters in sorted order;
    ``spread`` is the highest minus the lowest."""

    unit: str
    points: Mapping[str, float]
    spread: float


def _by_unit(ratings: Ratings) -> dict[str, dict[str, float]]:
    """``unit -> {rater: points}`` for the units rated by at least two raters, both keys sorted."""
    units: dict[str, dict[str, float]] = {}
    for rater in sorted(ratings):
        for unit, points in ratings[rater].items():
            value = float(points)
            if math.isnan(value):
                continue
            if math.isinf(value):
                raise ValueError(f"rater {rater!r} gave unit {unit!r} {value} points: points must be finite")
            units.setdefault(unit, {})[rater] = round(value, _DECIMALS)
    return {unit: units[unit] for unit in sorted(units) if len(units[unit]) >= 2}


def exact_agreement(ratings: Ratings) -> float | None:
    """The fraction of units rated by two or more raters on which all of them gave equal points;
    None when no unit has two raters."""
    units = _by_unit(ratings)
    if not units:
        return None
    agreed = sum(1 for points in units.values() if len(set(points.values())) == 1)
    return agreed / len(units)


def krippendorff_alpha(ratings: Ratings, level: Level = "interval") -> float | None:
    """Krippendorff's alpha of ``ratings`` at the given level of measurement.

    None when alpha is undefined: no unit has two raters, or every rating has the same value
    (the expected disagreement is 0, so alpha would be 0/0; Krippendorff leaves it undefined; the
    raters do agree then, and :func:`exact_agreement` says 1.0).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    units = _by_unit(ratings)
    if not units:
        return None
    values = sorted({value for points in units.values() for value in points.values()})
    if len(values) < 2:
        return None
    coincidences = _coincidences(units, values)
    totals = coincidences.sum(axis=1)  # n_c: how often each value was paired
    delta = _squared_differences(np.array(values), totals, level)
    pairable = float(totals.sum())  # n
    observed = float((coincidences * delta).sum())
    expected = float((np.outer(totals, totals) * delta).sum()) / (pairable - 1)
    return 1.0 - observed / expected


def _coincidences(units: Mapping[str, Mapping[str, float]], values: list[float]) -> np.ndarray:
    """Krippendorff's coincidence matrix: o[c, k] counts the ordered pairs of values (c, k) given
    to one unit by two different raters, each unit's pairs weighted 1 / (its ratings - 1)."""
    index = {value: i for i, value in enumerate(values)}
    counts = np.zeros((len(units), len(values)))  # counts[u, c]: raters giving unit u value c
    for row, points in enumerate(units.values()):
        for value in points.values():
            counts[row, index[value]] += 1
    weights = 1.0 / (counts.sum(axis=1) - 1.0)
    pairs = (counts * weights[:, None]).T @ counts
    # a rating is never paired with itself
    return np.asarray(pairs - np.diag((counts * weights[:, None]).sum(axis=0)))


def _squared_differences(values: np.ndarray, totals: np.ndarray, level: Level) -> np.ndarray:
    """delta^2[c, k], the difference function of the level (Krippendorff 2011, section E)."""
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        return np.asarray(np.subtract.outer(values, values) ** 2)
    # ordinal: the number of pairable values between c and k, each end counted half
    cumulative = np.cumsum(totals) - totals / 2.0
    return np.asarray(np.subtract.outer(cumulative, cumulative) ** 2)


def disagreements(ratings: Ratings) -> list[Disagreement]:
    """The units rated by two or more raters who did not all give the same points, widest spread
    first (then by unit)."""
    found = [
        Disagreement(unit, points, max(points.values()) - min(points.values()))
        for unit, points in _by_unit(ratings).items()
        if len(set(points.values())) > 1
    ]
    return sorted(found, key=lambda disagreement: (-disagreement.spread, disagreement.unit))
