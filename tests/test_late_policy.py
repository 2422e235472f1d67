"""The late policy (grader/course.py LatePolicy) and its application in the pure score()."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from grader.course import Assignment, LatePolicy
from grader.errors import CourseError
from grader.i18n import Text
from grader.outcomes import CheckResult, ItemResult, Outcome, SubmissionResult
from grader.scoring import score
from tests.test_scoring import RUBRIC

DUE = datetime(2024, 10, 14, 23, 59, tzinfo=UTC)
POLICY = LatePolicy(due=DUE, penalty=0.1, per="day", cap=0.3, grace=timedelta(minutes=15))


def test_on_time_and_within_grace_cost_nothing():
    assert POLICY.lateness("s", DUE - timedelta(hours=1)).units == 0
    within = POLICY.lateness("s", DUE + timedelta(minutes=15))
    assert within.units == 0 and within.fraction == 0 and within.late_seconds == 900 and not within.late


def test_every_started_day_after_grace_counts():
    assert POLICY.lateness("s", DUE + timedelta(minutes=16)).units == 1
    assert POLICY.lateness("s", DUE + timedelta(days=1, minutes=15)).units == 1
    two = POLICY.lateness("s", DUE + timedelta(days=1, minutes=16))
    assert two.units == 2 and two.fraction == pytest.approx(0.2) and two.late


def test_the_cap_bounds_the_penalty():
    assert POLICY.lateness("s", DUE + timedelta(days=9)).fraction == 0.3


def test_per_hour():
    hourly = LatePolicy(due=DUE, penalty=0.02, per="hour")
    late = hourly.lateness("s", DUE + timedelta(hours=2, minutes=1))
    assert (late.units, late.fraction, late.per) == (3, 0.06, "hour")


def test_an_extension_moves_one_students_due_date():
    extended = LatePolicy(due=DUE, penalty=0.1, extensions={"ewa": DUE + timedelta(days=3)})
    when = DUE + timedelta(days=2)
    assert extended.lateness("ewa", when).units == 0
    assert extended.lateness("ewa", when).due == (DUE + timedelta(days=3)).isoformat()
    assert extended.lateness("jan", when).units == 2


def test_time_zones_are_compared_as_instants():
    warsaw = timezone(timedelta(hours=2))
    # 01:30 in Warsaw is 23:30 UTC, before the due date
    assert POLICY.lateness("s", datetime(2024, 10, 15, 1, 30, tzinfo=warsaw)).units == 0


def test_no_due_date_or_no_time_is_no_lateness():
    assert LatePolicy().lateness("s", DUE) is None
    assert POLICY.lateness("s", None) is None


def test_a_due_date_without_a_zone_is_refused():
    with pytest.raises(CourseError, match="has no time zone. Fix: write it as 2024-10-14T23:59"):
        LatePolicy(due=datetime(2024, 10, 14, 23, 59))


def test_a_penalty_that_is_not_a_fraction_is_refused():
    with pytest.raises(CourseError, match="penalty and cap are fractions"):
        LatePolicy(due=DUE, penalty=10)


def test_an_unknown_lms_is_refused():
    with pytest.raises(CourseError, match="lms 'blackboard' is unknown. Fix: use one of folder, moodle"):
        Assignment("Lab", "lab", "blackboard")


def _result(code=Outcome.PASSED):
    return SubmissionResult(
        "s1",
        "s1.ipynb",
        "0" * 64,
        (
            ItemResult(
                "code",
                code,
                (CheckResult("check_a", Text("t", "t"), code, 1), CheckResult("check_b", Text("t", "t"), code, 3)),
            ),
            ItemResult("prose", Outcome.MANUAL, (), answer="An answer."),
            ItemResult("bonus", Outcome.FAILED, (CheckResult("check_a", Text("t", "t"), Outcome.FAILED, 1),)),
        ),
    )


def test_score_takes_the_fraction_of_the_maximum_off_the_total():
    on_time = score(_result(), RUBRIC, {"prose": 0.5})  # 1.5 of 2
    late = score(_result(), RUBRIC, {"prose": 0.5}, lateness=POLICY.lateness("s1", DUE + timedelta(days=1, minutes=30)))
    assert late.late_deduction == pytest.approx(0.4)  # 2 days: 20 % of the maximum, 2
    assert late.total == pytest.approx(on_time.total - 0.4)
    assert late.lateness is not None and late.lateness.units == 2
    assert on_time.late_deduction == 0 and on_time.lateness is None


def test_lateness_never_takes_the_total_below_zero():
    harsh = LatePolicy(due=DUE, penalty=1.0)
    late = score(_result(Outcome.FAILED), RUBRIC, {}, lateness=harsh.lateness("s1", DUE + timedelta(days=1)))
    assert late.total == 0 and late.late_deduction == 0
