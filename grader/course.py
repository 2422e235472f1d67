"""The course around a lab: an assignment (a lab set for one class, its LMS and its late policy),
the people on its roster, and how late a submission was. Pure data and arithmetic: no I/O, no clock.

A lab (``rubrics/<lab>.yaml``) is what is graded; an :class:`Assignment` is one use of it, so two
courses (or two years) grading the same lab keep apart in one gradebook. A :class:`Person` is a
roster row as the LMS gave it; ``key`` is the grader's student id for this assignment (what the
gradebook, the reports and the manual scores are keyed by), stable across re-downloads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from .discover import Submission
from .errors import CourseError

LMS_KINDS = ("folder", "moodle", "canvas", "gradescope")


@dataclass(frozen=True)
class Person:
    """One student on an assignment's roster. Empty strings where the LMS gave nothing."""

    key: str  # the grader's student id for this assignment
    display_name: str
    email: str = ""
    lms_user_id: str = ""  # Canvas's user id (the number in its download names)
    sis_id: str = ""  # Canvas "SIS User ID"; Moodle "ID number"
    sis_login: str = ""  # Canvas "SIS Login ID"
    section: str = ""
    participant_id: str = ""  # Moodle's per-assignment number ("Participant 1234567")
    lms_status: str = ""  # the LMS's own submission status text, as given


@dataclass(frozen=True)
class Roster:
    """The people of an assignment, in the order of the file they came from (``source``)."""

    people: tuple[Person, ...]
    source: str

    def by_key(self) -> dict[str, Person]:
        return {p.key: p for p in self.people}


@dataclass(frozen=True)
class Lateness:
    """How late one submission was and what that costs, as :func:`grader.scoring.score` applies it."""

    submitted_at: str  # ISO 8601
    due: str  # ISO 8601: the student's own due date (an extension applied)
    late_seconds: float  # after the due date, before grace
    units: int  # days or hours charged: after grace, every started unit counts
    per: str  # "day" or "hour"
    fraction: float  # of the maximum points, capped

    @property
    def late(self) -> bool:
        return self.units > 0


@dataclass(frozen=True)
class LatePolicy:
    """A late policy as Canvas words it: ``penalty`` of the maximum points per started ``per`` (day or
    hour) after ``due`` plus ``grace``, at most ``cap`` in all; ``extensions`` move one student's due date.
    """

    due: datetime | None = None  # timezone-aware
    penalty: float = 0.0  # fraction of the maximum points per unit: 0.1 = 10 %
    per: Literal["day", "hour"] = "day"
    cap: float = 1.0  # the most that lateness can cost, as a fraction of the maximum
    grace: timedelta = timedelta(0)
    extensions: Mapping[str, datetime] = field(default_factory=dict)  # student key -> their due date

    def __post_init__(self) -> None:
        for moment in (self.due, *self.extensions.values()):
            if moment is not None and moment.tzinfo is None:
                raise CourseError(
                    f"late policy: {moment.isoformat()} has no time zone. Fix: write it as 2024-10-14T23:59+02:00."
                )
        if not 0 <= self.penalty <= 1 or not 0 <= self.cap <= 1:
            raise CourseError(
                "late policy: penalty and cap are fractions. Fix: give them between 0 and 1 (0.1 = 10 %)."
            )

    def lateness(self, student: str, submitted_at: datetime | None) -> Lateness | None:
        """The lateness of ``student``'s submission at ``submitted_at``; None when there is no due date
        or no submission time (nothing to apply)."""
        due = self.extensions.get(student, self.due)
        if due is None or submitted_at is None:
            return None
        late_by = (submitted_at - due).total_seconds()
        unit = 86400 if self.per == "day" else 3600
        charged = late_by - self.grace.total_seconds()
        units = math.ceil(charged / unit) if charged > 0 else 0
        fraction = min(self.cap, round(units * self.penalty, 6))
        return Lateness(submitted_at.isoformat(), due.isoformat(), max(late_by, 0.0), units, self.per, fraction)


@dataclass(frozen=True)
class Assignment:
    """A lab set for one class: what the gradebook keys its submissions by."""

    name: str
    lab: str
    lms: str = "folder"
    lms_ids: Mapping[str, str] = field(default_factory=dict)  # e.g. {"course": "12", "assignment": "345"}
    late: LatePolicy = LatePolicy()

    def __post_init__(self) -> None:
        if self.lms not in LMS_KINDS:
            raise CourseError(
                f"assignment {self.name!r}: lms {self.lms!r} is unknown. Fix: use one of {', '.join(LMS_KINDS)}."
            )


def student_key(display_name: str, number: str = "") -> str:
    """A student id made from a name and the LMS's number for them: letters (any script), digits,
    ``.`` and ``-`` kept, every other run of characters one ``_``: ``Zażółć Gęślą`` + 42 ->
    ``Zażółć_Gęślą_42``. The number keeps two people of one name apart."""
    cleaned = re.sub(r"[^\w.-]+", "_", display_name).lstrip("._").rstrip("_") or "student"
    return f"{cleaned}_{number}" if number else cleaned


# What a roster person handed in (``Delivery.state``).
SUBMITTED = "submitted"
NO_NOTEBOOK = "no notebook"
NOT_SUBMITTED = "not submitted"


@dataclass(frozen=True)
class Delivery:
    """What one roster person handed in for an assignment: a notebook, files without one, or nothing."""

    person: Person
    state: str  # SUBMITTED, NO_NOTEBOOK or NOT_SUBMITTED
    note: str = ""  # which notebook was taken and why
    attachments: tuple[str, ...] = ()  # the other files: kept and listed, never graded as students


@dataclass(frozen=True)
class Intake:
    """A class as imported from an LMS download: the notebooks to grade (one per person, keyed by
    :attr:`Person.key`), what every roster person handed in, when, and what the import noticed."""

    assignment: Assignment
    submissions: tuple[Submission, ...]
    deliveries: tuple[Delivery, ...]
    submitted_at: Mapping[str, datetime] = field(default_factory=dict)  # student key -> when it came in
    problems: tuple[str, ...] = ()  # what was refused or guessed, each naming the file
    source: str = ""  # the download it came from
