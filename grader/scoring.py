"""``score(results, rubric) -> Grade``: the one pure function that turns verdicts into points.

Rules (DESIGN.md decision 5):
- a code item earns ``points * (weight of passed checks) / (weight of all its checks)``; an
  item with a manual part (``manual_points``) earns so only ``points - manual_points``, the rest
  awaits a person (unless the item is missing and has no answer: then it is all decided, 0);
- a check that ended in ``grader_error`` is never charged: its share of the item is held back
  as ``manual_max`` (awaiting the instructor) instead of counted as lost;
- a code item with no checks, and a prose item with an answer, are ``manual``: 0 until a person
  scores them; a prose item with an empty or untouched answer scores 0 automatically;
- a manual score (``manual``, item id -> points) replaces the computed points of that item,
  clamped to [0, points]: an instructor's override;
- a person's points for the manual part (``manual_parts``, item id -> points, what a grader gives
  an answer in ``grader serve``) are added to the automatic points, clamped to [0, manual_max];
  an override of the same item wins;
- ``feedback`` (item id -> what the person applied and wrote) travels with the item to the
  report and the exports; it changes no points;
- a bonus item adds to ``total`` but not to ``max``;
- lateness (``lateness``, from the assignment's late policy) takes ``fraction`` of ``max`` off the
  total, never below 0; the grade keeps what was taken (``late_deduction``) and why (``lateness``).
No I/O, no clock: the same inputs give the same Grade.
"""

from __future__ import annotations

from collections.abc import Mapping

from .course import Lateness
from .outcomes import Feedback, Grade, ItemGrade, ItemResult, Outcome, SubmissionResult
from .rubric import Item, Rubric

ROUND = 6


def score(
    result: SubmissionResult,
    rubric: Rubric,
    manual: Mapping[str, float] | None = None,
    rubric_hash: str = "",
    lateness: Lateness | None = None,
    manual_parts: Mapping[str, float] | None = None,
    feedback: Mapping[str, Feedback] | None = None,
) -> Grade:
    manual = manual or {}
    parts = manual_parts or {}
    said = feedback or {}
    by_id = {r.item_id: r for r in result.items}
    items = tuple(
        _score_item(
            item, by_id.get(item.id) or _absent(item), manual.get(item.id), parts.get(item.id), said.get(item.id)
        )
        for item in rubric.items
    )
    earned = round(sum(i.points for i in items), ROUND)
    deduction = round(min(earned, lateness.fraction * rubric.max_points), ROUND) if lateness else 0.0
    total = round(earned - deduction, ROUND)
    return Grade(
        lab=rubric.lab,
        student=result.student,
        file=result.file,
        sha256=result.sha256,
        status=result.status,
        error=result.error,
        total=total,
        max=rubric.max_points,
        items=items,
        result=result,
        rubric_hash=rubric_hash,
        lateness=lateness,
        late_deduction=deduction,
    )


def _score_item(
    item: Item, result: ItemResult, manual_points: float | None, part: float | None, feedback: Feedback | None
) -> ItemGrade:
    auto_points, auto_max = _auto(item, result)
    manual_max = round(item.points - auto_max, ROUND)
    if manual_points is not None:
        points = min(max(float(manual_points), 0.0), item.points)
    elif part is not None and manual_max > 0:
        manual_points = min(max(float(part), 0.0), manual_max)
        points = auto_points + manual_points
    else:
        points = auto_points
    return ItemGrade(
        id=item.id,
        title=item.title.text(),
        kind=item.kind,
        points=round(points, ROUND),
        max_points=item.points,
        auto_points=auto_points,
        auto_max=auto_max,
        manual_points=manual_points,
        manual_max=manual_max,
        status=result.status,
        bonus=item.bonus,
        result=result,
        feedback=feedback,
    )


def _auto(item: Item, result: ItemResult) -> tuple[float, float]:
    """Automatic points and the part of the item's points decided automatically."""
    if result.status is Outcome.MANUAL or (result.status is Outcome.GRADER_ERROR and not result.checks):
        return 0.0, 0.0
    if not result.checks:  # missing / errored before any check ran, or empty prose answer
        return 0.0, item.points
    # the checks decide the item's points less its manual part (``manual_points``: conclusions a
    # person scores); with no answer to score either, nothing is left for a person
    share = item.points - item.manual_points
    if item.manual_points and result.status is Outcome.MISSING and not result.answer:
        share = item.points
    total_weight = sum(c.weight for c in result.checks)
    passed = sum(c.weight for c in result.checks if c.status is Outcome.PASSED)
    decided = sum(c.weight for c in result.checks if c.status.charged and c.status is not Outcome.MANUAL)
    return (round(share * passed / total_weight, ROUND), round(share * decided / total_weight, ROUND))


def _absent(item: Item) -> ItemResult:
    """An item the judge did not report on (should not happen) is a grader error, not a zero."""
    return ItemResult(item.id, Outcome.GRADER_ERROR)
