"""The framework-neutral assertion helpers both labs' checks are written with."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import (
    CheckFailure,
    Text,
    assert_close,
    assert_differs,
    assert_finite,
    assert_in_range,
    default_tolerance,
    known_fault,
    matches,
)

WHAT = Text("źle", "wrong")


def test_default_tolerance_follows_the_precision_the_framework_computed_in():
    assert default_tolerance(np.float32) == 2e-5 and default_tolerance(np.float16) == 2e-3
    assert default_tolerance(np.float64) == 1e-9 and default_tolerance(np.int64) == 0.0
    # a float32 rounding difference passes; the same difference in float64 does not
    assert matches(np.float32(1000.01), 1000.0, atol=0)
    assert not matches(np.float64(1000.01), 1000.0, atol=0)


def test_assert_close_uses_the_dtype_of_what_the_student_returned():
    assert_close(np.asarray([1.0, 2.0], np.float32) * (1 + 1e-6), np.asarray([1.0, 2.0]), WHAT, atol=0)
    with pytest.raises(CheckFailure) as err:
        assert_close(np.asarray([1.0, 2.1], np.float32), np.asarray([1.0, 2.0]), WHAT, atol=1e-3)
    assert err.value.message.en == "wrong"
    with pytest.raises(CheckFailure, match="wrong"):
        assert_close(np.zeros(3), np.zeros(2), WHAT, atol=1)  # shapes differ


def test_known_fault_names_the_first_matching_mistake():
    variants = {"sum_over_batch": 40.0, "no_half": 20.0}
    assert known_fault(np.float64(20.0), variants, atol=1e-6) == "no_half"
    assert known_fault(np.float64(33.0), variants, atol=1e-6) is None
    assert known_fault(np.asarray([1.0, np.nan]), {"x": [1.0, np.nan]}, atol=1) is None  # NaN matches nothing


def test_assert_in_range_reports_the_observed_range():
    assert_in_range(np.asarray([0.0, 0.5, 1.0]), 0.0, 1.0, WHAT)
    with pytest.raises(CheckFailure) as err:
        assert_in_range(np.asarray([-0.5, 2.0]), 0.0, 1.0, WHAT)
    assert err.value.got == "values in [-0.5, 2]" and err.value.expected == "values in [0, 1]"
    with pytest.raises(CheckFailure, match="wrong"):
        assert_in_range(np.asarray([0.0, 1.0]), 0.0, np.inf, WHAT, strict_low=True)  # a zero scale


def test_assert_finite_and_assert_differs():
    with pytest.raises(CheckFailure) as err:
        assert_finite(np.asarray([1.0, np.inf, np.nan]), WHAT)
    assert err.value.got == "2 of 3 values NaN or infinite"
    assert_differs(np.asarray([1.0, 2.0]), np.asarray([1.0, 2.1]), WHAT)
    with pytest.raises(CheckFailure, match="wrong"):
        assert_differs(np.asarray([1.0, 2.0]), np.asarray([1.0, 2.0 + 1e-9]), WHAT)
