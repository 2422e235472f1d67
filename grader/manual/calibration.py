"""A calibration round: an instructor picks a few answers of an item, every grader scores them
blind (nobody sees another's grade) before grading the class, and the agreement shows whether
the criteria mean the same to everyone: exact agreement, Krippendorff's alpha (interval), and
the answers they disagree on, widest first (:mod:`grader.agreement`).

A calibration grade never counts for the student: it lives in its own table, and the class
is graded afterwards as usual."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, delete, insert, select

from ..agreement import Disagreement, disagreements, exact_agreement, krippendorff_alpha
from ..errors import ManualScoreError
from ..gradebook import Gradebook, lock_key
from ..rubric import Item
from ..tables import calibration_grades_table, calibration_table
from . import audit
from .accounts import User
from .criteria import item_rubric


def chosen(gradebook: Gradebook, assignment: str, item_id: str) -> list[str]:
    """The students whose answers form the item's calibration round (none: no round)."""
    t = calibration_table
    with gradebook.reading() as conn:
        rows = conn.execute(select(t.c.student).where(and_(t.c.assignment == assignment, t.c.item_id == item_id)))
        return sorted(row.student for row in rows)


def choose(gradebook: Gradebook, assignment: str, item_id: str, students: Iterable[str], instructor: User) -> None:
    """Set the item's calibration answers (replacing an earlier choice; its grades are kept)."""
    if not instructor.is_instructor:
        raise ManualScoreError("only an instructor chooses calibration answers.")
    picked = sorted(set(students))
    t = calibration_table
    with gradebook.writing() as conn:
        lock_key(conn, "calibration", assignment, item_id)
        before = [
            r.student
            for r in conn.execute(select(t.c.student).where(and_(t.c.assignment == assignment, t.c.item_id == item_id)))
        ]
        conn.execute(delete(t).where(and_(t.c.assignment == assignment, t.c.item_id == item_id)))
        for student in picked:
            conn.execute(
                insert(t).values(
                    assignment=assignment, item_id=item_id, student=student, chosen_by=instructor.name, at=audit.now()
                )
            )
        audit.log(
            conn,
            instructor.name,
            "calibration.choose",
            assignment=assignment,
            item_id=item_id,
            before={"students": sorted(before)},
            after={"students": picked},
        )


def graded_by(gradebook: Gradebook, assignment: str, item_id: str, grader: str) -> set[str]:
    t = calibration_grades_table
    query = select(t.c.student).where(and_(t.c.assignment == assignment, t.c.item_id == item_id, t.c.grader == grader))
    with gradebook.reading() as conn:
        return {row.student for row in conn.execute(query)}


def still_to_calibrate(gradebook: Gradebook, assignment: str, item_id: str, grader: str) -> list[str]:
    """The round's answers ``grader`` has not scored yet: they come before the class."""
    done = graded_by(gradebook, assignment, item_id, grader)
    return [s for s in chosen(gradebook, assignment, item_id) if s not in done]


def grade_blind(
    gradebook: Gradebook, assignment: str, item: Item, student: str, grader: User, criteria: Sequence[str]
) -> float:
    """``grader``'s calibration score of one answer (their own earlier one is replaced)."""
    if student not in chosen(gradebook, assignment, item.id):
        raise ManualScoreError(f"item {item.id}: this answer is not in the calibration round.")
    rubric = item_rubric(gradebook, assignment, item)
    unknown = [c for c in criteria if rubric.criterion(c) is None]
    if unknown or not criteria:
        raise ManualScoreError(f"item {item.id}: apply at least one of the item's criteria.")
    points = rubric.points(criteria)
    t = calibration_grades_table
    key = and_(t.c.assignment == assignment, t.c.item_id == item.id, t.c.student == student, t.c.grader == grader.name)
    with gradebook.writing() as conn:
        lock_key(conn, "calibration_grades", assignment, item.id, student, grader.name)
        conn.execute(delete(t).where(key))
        conn.execute(
            insert(t).values(
                assignment=assignment,
                item_id=item.id,
                student=student,
                grader=grader.name,
                points=points,
                criteria_json=json.dumps(sorted(set(criteria))),
                at=audit.now(),
            )
        )
        audit.log(
            conn,
            grader.name,
            "calibration.grade",
            assignment=assignment,
            student=student,
            item_id=item.id,
            after={"points": points, "criteria": sorted(set(criteria))},
        )
    return points


@dataclass(frozen=True)
class Agreement:
    graders: tuple[str, ...]
    answers: int
    exact: float | None
    alpha: float | None
    disagreements: tuple[Disagreement, ...]


def agreement(gradebook: Gradebook, assignment: str, item_id: str) -> Agreement:
    """How the graders agree on the round's answers so far (units rated by two or more)."""
    t = calibration_grades_table
    with gradebook.reading() as conn:
        rows = conn.execute(select(t).where(and_(t.c.assignment == assignment, t.c.item_id == item_id))).all()
    ratings: dict[str, dict[str, float]] = {}
    for row in rows:
        ratings.setdefault(row.grader, {})[row.student] = row.points
    return Agreement(
        tuple(sorted(ratings)),
        len({row.student for row in rows}),
        exact_agreement(ratings),
        krippendorff_alpha(ratings, "interval"),
        tuple(disagreements(ratings)),
    )
