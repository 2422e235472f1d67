"""What every LMS exporter writes, one :class:`Mark` per roster person: the points to send (or why
none), a short feedback text and the student's full report.

The exporters (:mod:`grader.lms.moodle_worksheet`, :mod:`grader.lms.canvas`,
:mod:`grader.lms.canvas_api`, :mod:`grader.lms.gradescope`) only format marks; whether a grade is
final, pending a person, or absent is decided once, here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

from ..course import Person
from ..export import format_number, late_text
from ..i18n import message
from ..outcomes import Grade

# Why a person gets no points in an export, or partial ones.
GRADED = "graded"
PENDING = "pending"  # items await a person: left out unless allow_pending
NOT_SUBMITTED = "not submitted"  # on the roster, nothing in the download: 0
NO_NOTEBOOK = "no notebook"  # submitted files, none of them a notebook: 0
STATES = (GRADED, PENDING, NOT_SUBMITTED, NO_NOTEBOOK)


@dataclass(frozen=True)
class Mark:
    """One person's line in an export."""

    person: Person
    state: str  # one of STATES
    points: float | None  # what to send; None: leave the LMS's grade as it is (pending)
    max_points: float
    pending: tuple[str, ...] = ()  # item ids still awaiting a person
    feedback_html: str = ""  # short, escaped HTML for a comment field (Moodle, Canvas)
    report_html: str | None = None  # the student's full report page, for a feedback file
    grade: Grade | None = None


def pending_items(grade: Grade) -> tuple[str, ...]:
    """The items of ``grade`` that still await a person's points."""
    return grade.awaiting


def make_marks(
    people: Iterable[Person],
    grades: Mapping[str, Grade],
    max_points: float,
    *,
    no_notebook: Iterable[str] = (),
    reports: Mapping[str, str] | None = None,
    allow_pending: bool = False,
    lang: str = "pl",
) -> list[Mark]:
    """A mark for every person, in roster order: ``grades`` and ``reports`` by student key;
    ``no_notebook``: keys of people who submitted files but no notebook; feedback in ``lang``."""
    reports = reports or {}
    without = set(no_notebook)
    marks = []
    for person in people:
        grade = grades.get(person.key)
        if grade is None:
            state = NO_NOTEBOOK if person.key in without else NOT_SUBMITTED
            said = message("lms_no_notebook" if state == NO_NOTEBOOK else "lms_not_submitted")(lang)
            marks.append(Mark(person, state, 0.0, max_points, feedback_html=f"<p>{escape(said)}</p>"))
            continue
        pending = pending_items(grade)
        state = PENDING if pending else GRADED
        points = grade.total if (not pending or allow_pending) else None
        marks.append(
            Mark(
                person,
                state,
                points,
                max_points,
                pending,
                feedback_summary(grade, lang),
                reports.get(person.key),
                grade,
            )
        )
    return marks


def feedback_summary(grade: Grade, lang: str = "pl") -> str:
    """A few lines of HTML in ``lang`` for an LMS comment: the total, each item's points, what is
    pending. Every text is escaped (item titles come from the rubric, but nothing here trusts them)."""
    lines = [f"<p><strong>{format_number(grade.total)} / {format_number(grade.max)}</strong></p>"]
    late = late_text(grade)
    if late is not None:
        lines.append(f"<p>{escape(late(lang))}</p>")
    lines.append("<ul>")
    for item in grade.items:
        waiting = item.manual_points is None and item.manual_max > 0
        shown = f"{format_number(item.points)} / {format_number(item.max_points)}"
        shown += f" ({message('lms_awaiting')(lang)})" if waiting else ""
        lines.append(f"<li>{escape(item.id)} {escape(item.title(lang))}: {escape(shown)}</li>")
    lines.append("</ul>")
    return "".join(lines)
