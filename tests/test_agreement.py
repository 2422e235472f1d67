"""Inter-rater agreement (grader/agreement.py) against published worked examples.

Sources of the expected figures (each recomputed here from the matrix, not copied from a program):

- Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability". Annenberg School for
  Communication, University of Pennsylvania, https://repository.upenn.edu/asc_papers/43,
  section C (the reliability data of 4 observers and 12 units, with missing values):
  nominal alpha = 0.743, ordinal 0.815, interval 0.849.
- Wikipedia, "Krippendorff's alpha", "A computational example" (3 coders, 15 units; also the
  example of the ``krippendorff`` PyPI package's README and sample script): nominal alpha = 0.691,
  interval 0.811.
"""

from __future__ import annotations

import math

import pytest

from grader.agreement import Disagreement, disagreements, exact_agreement, krippendorff_alpha


def _matrix(rows: dict[str, str]) -> dict[str, dict[str, float]]:
    """A reliability data matrix as printed in the papers: a row per rater, ``*`` for missing."""
    return {
        rater: {f"u{column:02d}": float(value) for column, value in enumerate(row.split(), start=1) if value != "*"}
        for rater, row in rows.items()
    }


KRIPPENDORFF_2011 = _matrix(
    {
        "A": "1 2 3 3 2 1 4 1 2 * * *",
        "B": "1 2 3 3 2 2 4 1 2 5 * 3",
        "C": "* 3 3 3 2 3 4 2 2 5 1 *",
        "D": "1 2 3 3 2 4 4 1 2 5 1 *",
    }
)
WIKIPEDIA = _matrix(
    {
        "A": "* * * * * 3 4 1 2 1 1 3 3 * 3",
        "B": "1 * 2 1 3 3 4 3 * * * * * * *",
        "C": "* * 2 1 3 4 4 * 2 1 1 3 3 * 4",
    }
)


@pytest.mark.parametrize(
    ("ratings", "level", "published"),
    [
        (KRIPPENDORFF_2011, "nominal", 0.743),
        (KRIPPENDORFF_2011, "ordinal", 0.815),
        (KRIPPENDORFF_2011, "interval", 0.849),
        (WIKIPEDIA, "nominal", 0.691),
        (WIKIPEDIA, "interval", 0.811),
    ],
)
def test_alpha_reproduces_the_published_examples(ratings, level, published):
    assert krippendorff_alpha(ratings, level) == pytest.approx(published, abs=5e-4)


def test_a_wrong_difference_function_misses_the_published_figure():
    # the mutant: the nominal figure is not what the interval metric gives, so the check can fail
    assert krippendorff_alpha(KRIPPENDORFF_2011, "interval") != pytest.approx(0.743, abs=5e-4)


def test_units_with_one_rating_are_left_out():
    # unit 12 has one rating (B: 3): without it alpha is the same, with it counted it would not be
    without = {rater: {u: p for u, p in units.items() if u != "u12"} for rater, units in KRIPPENDORFF_2011.items()}
    assert krippendorff_alpha(without, "nominal") == krippendorff_alpha(KRIPPENDORFF_2011, "nominal")
    assert exact_agreement(KRIPPENDORFF_2011) == pytest.approx(8 / 11)


def test_nan_is_a_missing_rating():
    with_nan = {rater: dict(units) for rater, units in KRIPPENDORFF_2011.items()}
    with_nan["A"]["u10"] = math.nan
    assert krippendorff_alpha(with_nan, "interval") == pytest.approx(0.849, abs=5e-4)


PERFECT = {"ta1": {"s1": 0.0, "s2": 1.0, "s3": 2.0}, "ta2": {"s1": 0.0, "s2": 1.0, "s3": 2.0, "s4": 1.0}}


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_perfect_agreement_is_one(level):
    assert krippendorff_alpha(PERFECT, level) == 1.0
    assert exact_agreement(PERFECT) == 1.0
    assert disagreements(PERFECT) == []


# ta2 systematically gives the opposite of ta1's points: worse than chance
OPPOSITE = {"ta1": {"s1": 0.0, "s2": 2.0, "s3": 0.0, "s4": 2.0}, "ta2": {"s1": 2.0, "s2": 0.0, "s3": 2.0, "s4": 0.0}}


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_systematic_disagreement_is_below_zero(level):
    alpha = krippendorff_alpha(OPPOSITE, level)
    assert alpha is not None and alpha < 0
    assert exact_agreement(OPPOSITE) == 0.0


def test_one_rater_a_point_stricter_lowers_interval_alpha_more_than_nominal_says():
    # ta2 always one point below ta1: nominal sees total disagreement, interval a partial one
    strict = {"ta1": {f"s{i}": float(i % 4 + 1) for i in range(8)}, "ta2": {f"s{i}": float(i % 4) for i in range(8)}}
    interval, nominal = krippendorff_alpha(strict, "interval"), krippendorff_alpha(strict, "nominal")
    assert interval is not None and nominal is not None
    assert nominal < interval < 1.0


def test_alpha_is_none_when_undefined():
    assert krippendorff_alpha({}) is None
    # no unit rated twice
    assert krippendorff_alpha({"ta1": {"s1": 1.0}, "ta2": {"s2": 0.0}}) is None
    assert exact_agreement({"ta1": {"s1": 1.0}, "ta2": {"s2": 0.0}}) is None
    # everyone gave every answer the same points: no variation, expected disagreement 0
    same = {"ta1": {"s1": 1.0, "s2": 1.0}, "ta2": {"s1": 1.0, "s2": 1.0}}
    assert krippendorff_alpha(same) is None
    assert exact_agreement(same) == 1.0


def test_invalid_input_is_refused_with_its_reason():
    with pytest.raises(ValueError, match="level must be one of nominal, ordinal, interval"):
        krippendorff_alpha(PERFECT, "ratio")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rater 'ta1' gave unit 's1' inf points"):
        krippendorff_alpha({"ta1": {"s1": math.inf}, "ta2": {"s1": 0.0}})


def test_points_equal_after_float_noise_agree():
    noisy = {"ta1": {"s1": 0.1 + 0.2}, "ta2": {"s1": 0.3}}
    assert exact_agreement(noisy) == 1.0


def test_disagreements_widest_spread_first():
    found = disagreements(KRIPPENDORFF_2011)
    assert found[0] == Disagreement("u06", {"A": 1.0, "B": 2.0, "C": 3.0, "D": 4.0}, 3.0)
    assert [(d.unit, d.spread) for d in found] == [("u06", 3.0), ("u02", 1.0), ("u08", 1.0)]
    assert list(found[1].points) == ["A", "B", "C", "D"]
