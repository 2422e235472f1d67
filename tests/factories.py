"""Hand-built grades for exporter, gradebook and report tests (no sandbox, no notebooks)."""

from __future__ import annotations

from grader.i18n import Text
from grader.outcomes import CheckResult, Figure, Grade, ItemGrade, ItemResult, Outcome, SubmissionResult

# A valid 1x1 PNG.
PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

RUBRIC_ITEMS = [("encoder", "code"), ("q1", "prose")]


def make_check(
    check_id: str = "check_encoder_output_shape",
    status: Outcome = Outcome.PASSED,
    expected: str | None = None,
    got: str | None = None,
    **extra,
) -> CheckResult:
    """One check result; failures get a bilingual message and hint."""
    failed = status is not Outcome.PASSED
    return CheckResult(
        id=check_id,
        title=Text(pl="Kształt wyjścia kodera", en="Encoder output shape"),
        status=status,
        message=Text(pl="Zły kształt", en="Wrong shape") if failed else None,
        hint=Text(pl="Sprawdź stride", en="Check the stride") if failed else None,
        expected=expected,
        got=got,
        **extra,
    )


def make_code_item(
    status: Outcome = Outcome.PASSED,
    points: float = 2.0,
    checks: tuple[CheckResult, ...] | None = None,
    figures: tuple[Figure, ...] = (),
) -> ItemGrade:
    """The ``encoder`` code item worth 2 points."""
    checks = checks if checks is not None else (make_check(status=status),)
    result = ItemResult(item_id="encoder", status=status, checks=checks, object_name="encoder", figures=figures)
    return ItemGrade(
        id="encoder",
        title=Text(pl="Koder", en="Encoder"),
        kind="code",
        points=points,
        max_points=2.0,
        auto_points=points,
        auto_max=2.0,
        manual_points=None,
        manual_max=0.0,
        status=status,
        bonus=False,
        result=result,
    )


def make_prose_item(answer: str | None = "Latent space is smooth.", manual_points: float | None = None) -> ItemGrade:
    """The ``q1`` prose item worth 1 point, awaiting a person unless ``manual_points``."""
    status = Outcome.MANUAL if answer else Outcome.MISSING
    message = Text(pl="Odpowiedź czeka na ocenę prowadzącego.", en="The answer awaits scoring by the instructor.")
    result = ItemResult(item_id="q1", status=status, message=message, answer=answer)
    return ItemGrade(
        id="q1",
        title=Text(pl="Pytanie 1", en="Question 1"),
        kind="prose",
        points=manual_points or 0.0,
        max_points=1.0,
        auto_points=0.0,
        auto_max=0.0,
        manual_points=manual_points,
        manual_max=1.0,
        status=status,
        bonus=False,
        result=result,
    )


def make_grade(
    student: str = "s1",
    answer: str | None = "Latent space is smooth.",
    code_status: Outcome = Outcome.PASSED,
    code_points: float | None = None,
    checks: tuple[CheckResult, ...] | None = None,
    error: Text | None = None,
    duration_s: float = 1.0,
    environment: dict | None = None,
    figures: tuple[Figure, ...] = (),
    manual_points: float | None = None,
    file: str | None = None,
    sha256: str = "ab" * 32,
    lab: str = "ae-tf",
    rubric_hash: str = "r1",
) -> Grade:
    """A two-item grade (code item ``encoder`` /2, prose item ``q1`` /1)."""
    if code_points is None:
        code_points = 2.0 if code_status is Outcome.PASSED else 0.0
    items = (make_code_item(code_status, code_points, checks, figures), make_prose_item(answer, manual_points))
    result = SubmissionResult(
        student=student,
        file=file or f"{student}.ipynb",
        sha256=sha256,
        items=tuple(i.result for i in items),
        error=error,
        environment=environment if environment is not None else {"mnist": "standin:sklearn-digits"},
        duration_s=duration_s,
    )
    return Grade(
        lab=lab,
        student=student,
        file=result.file,
        sha256=sha256,
        status=result.status,
        error=error,
        total=sum(i.points for i in items),
        max=3.0,
        items=items,
        result=result,
        rubric_hash=rubric_hash,
    )


def without_timings(value):
    """A results document without ``meta`` and ``duration_s``: what must not change between runs."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in ("meta", "duration_s")}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value
