"""The typed hand-offs between the judge, ``score()`` and the exporters.

``Judge -> SubmissionResult (ItemResult, CheckResult) -> score() -> Grade (ItemGrade)``.
All frozen: a stage never mutates what an earlier stage produced.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .course import Lateness
from .i18n import Text


class Outcome(str, enum.Enum):  # noqa: UP042 - str-mixin: json.dumps and comparisons with plain strings
    """The closed set of outcomes of a check or an item (DESIGN.md decision 4)."""

    PASSED = "passed"  # right answer
    FAILED = "failed"  # wrong answer: expected / got / hint
    ERRORED = "errored"  # the student's code raised
    TIMED_OUT = "timed_out"  # the student's code ran past its limit
    MISSING = "missing"  # no answer: name not defined, template untouched, empty prose
    MANUAL = "manual"  # awaits a person
    GRADER_ERROR = "grader_error"  # our bug: flagged, never charged to the student

    @property
    def charged(self) -> bool:
        """Whether this outcome may cost the student points (a grader error never does)."""
        return self is not Outcome.GRADER_ERROR


@dataclass(frozen=True)
class CheckResult:
    """What one check found. ``expected``/``got`` are short renderings for the report."""

    id: str
    title: Text
    status: Outcome
    weight: float = 1.0
    public: bool = True
    message: Text | None = None
    hint: Text | None = None
    expected: str | None = None
    got: str | None = None
    traceback: str | None = None
    duration_s: float = 0.0


@dataclass(frozen=True)
class Figure:
    """A PNG the notebook showed, with where it came from."""

    cell: int
    png_base64: str
    # "stored": saved in the student's notebook, not re-run (not evidence); "executed": drawn when
    # the grader ran the notebook; "reference": the lab's solution notebook, same section
    source: str = "stored"


@dataclass(frozen=True)
class CellRun:
    """Execute mode: how one code cell of the notebook ran in the grader's kernel."""

    cell: int
    status: str  # ok | error | timed_out (cut after the cell timeout) | not_run
    duration_s: float
    error: str | None = None


@dataclass(frozen=True)
class Table:
    """Information shown with an item and never scored (e.g. a reference result computed on the
    student's model). Cells are plain strings: the report escapes them."""

    title: Text
    columns: tuple[Text, ...]
    rows: tuple[tuple[str, ...], ...]
    note: Text | None = None


@dataclass(frozen=True)
class ItemResult:
    """The judge's verdict on one rubric item, before points are computed.

    ``status`` summarises the checks (see :func:`item_status`). ``object_name`` is the
    student's name that was graded (an alias or a redefinition found in the section);
    ``answer`` is the extracted prose answer (prose items, and code items with a manual part);
    ``tables`` what the item's report functions computed (shown, never scored).
    ``object_cell`` is the (0-based) cell of the definition graded; ``notes`` say how the item
    was located when that is worth knowing (a heading not found and the boundary used instead,
    another item's object replaced by the reference's).
    """

    item_id: str
    status: Outcome
    checks: tuple[CheckResult, ...] = ()
    message: Text | None = None
    object_name: str | None = None
    answer: str | None = None
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    object_cell: int | None = None
    notes: tuple[Text, ...] = ()


def item_status(checks: tuple[CheckResult, ...]) -> Outcome:
    """Summarise check outcomes: all passed -> passed; else the most telling failure.

    Precedence: grader_error > timed_out > errored > missing > failed > manual > passed;
    a student sees first what stopped their code, then what was wrong.
    """
    order = [Outcome.GRADER_ERROR, Outcome.TIMED_OUT, Outcome.ERRORED, Outcome.MISSING, Outcome.FAILED, Outcome.MANUAL]
    statuses = {c.status for c in checks}
    for outcome in order:
        if outcome in statuses:
            return outcome
    return Outcome.PASSED


@dataclass(frozen=True)
class SubmissionResult:
    """Everything the judge learned about one submission (no points yet).

    ``error`` is set when the submission could not be graded at all (unreadable file);
    then ``items`` still lists every item, each ``missing``, so that the grade is 0 and
    nothing is silently dropped. ``environment`` records what the sandbox ran with
    (data source, isolation layers, seeds). ``notices`` are what the student should know about
    the file itself (cells whose bytes were not valid UTF-8 and how they were read).
    """

    student: str
    file: str
    sha256: str
    items: tuple[ItemResult, ...]
    error: Text | None = None
    environment: dict[str, Any] = field(default_factory=dict)  # a JSON object; its keys vary by sandbox and mode
    duration_s: float = 0.0
    cells: tuple[CellRun, ...] = ()  # execute mode: every code cell's run, in notebook order
    notices: tuple[Text, ...] = ()

    @property
    def status(self) -> str:
        return "error" if self.error is not None else "graded"


@dataclass(frozen=True)
class Feedback:
    """What the person who scored an item told the student: the criteria they applied (id,
    points, text) and their comment (markdown, sanitised wherever it is shown)."""

    criteria: tuple[tuple[str, float, Text], ...] = ()
    comment: str = ""
    adjustment: float = 0.0


@dataclass(frozen=True)
class ItemGrade:
    """One item's points, as ``score()`` computed them from an ItemResult and the rubric."""

    id: str
    title: Text
    kind: str
    points: float
    max_points: float
    auto_points: float
    auto_max: float
    manual_points: float | None
    manual_max: float
    status: Outcome
    bonus: bool
    result: ItemResult
    feedback: Feedback | None = None


@dataclass(frozen=True)
class Grade:
    """A submission's grade: the exporters only format this."""

    lab: str
    student: str
    file: str
    sha256: str
    status: str
    error: Text | None
    total: float
    max: float
    items: tuple[ItemGrade, ...]
    result: SubmissionResult
    rubric_hash: str = ""
    lateness: Lateness | None = None  # how late it came in, under the assignment's late policy
    late_deduction: float = 0.0  # points taken off ``total`` for lateness (already applied)

    @property
    def awaiting(self) -> tuple[str, ...]:
        """The items that still await a person's points (their share is not in ``total`` yet)."""
        return tuple(i.id for i in self.items if i.manual_points is None and i.manual_max > 0)

    @property
    def awaiting_points(self) -> float:
        return round(sum(i.manual_max for i in self.items if i.id in self.awaiting), 6)

    @property
    def state(self) -> str:
        """``error``, ``awaiting`` (items await a person: the total is not final) or ``graded``."""
        if self.status == "error":
            return "error"
        return "awaiting" if self.awaiting else self.status


# ---------------------------------------------------------------------------------------------
# A lossless JSON form of a SubmissionResult: what the gradebook keeps so that a re-run can
# reuse a grade (same file, rubric, settings, grader) without judging the notebook again.
# ---------------------------------------------------------------------------------------------


def _text(value: Text | None) -> dict[str, str] | None:
    return None if value is None else value.to_json()


def result_to_json(result: SubmissionResult) -> dict:
    return {
        "student": result.student,
        "file": result.file,
        "sha256": result.sha256,
        "error": _text(result.error),
        "environment": result.environment,
        "duration_s": result.duration_s,
        "cells": [[c.cell, c.status, c.duration_s, c.error] for c in result.cells],
        "notices": [_text(n) for n in result.notices],
        "items": [
            {
                "item_id": i.item_id,
                "status": i.status.value,
                "message": _text(i.message),
                "object_name": i.object_name,
                "answer": i.answer,
                "object_cell": i.object_cell,
                "notes": [_text(n) for n in i.notes],
                "figures": [[f.cell, f.png_base64, f.source] for f in i.figures],
                "tables": [
                    {
                        "title": _text(t.title),
                        "columns": [_text(c) for c in t.columns],
                        "rows": [list(r) for r in t.rows],
                        "note": _text(t.note),
                    }
                    for t in i.tables
                ],
                "checks": [
                    {
                        "id": c.id,
                        "title": _text(c.title),
                        "status": c.status.value,
                        "weight": c.weight,
                        "public": c.public,
                        "message": _text(c.message),
                        "hint": _text(c.hint),
                        "expected": c.expected,
                        "got": c.got,
                        "traceback": c.traceback,
                        "duration_s": c.duration_s,
                    }
                    for c in i.checks
                ],
            }
            for i in result.items
        ],
    }


def result_from_json(data: dict) -> SubmissionResult:
    text = Text.from_json
    items = tuple(
        ItemResult(
            i["item_id"],
            Outcome(i["status"]),
            tuple(
                CheckResult(
                    c["id"],
                    text(c["title"]),
                    Outcome(c["status"]),
                    c["weight"],
                    c["public"],
                    text(c["message"]),
                    text(c["hint"]),
                    c["expected"],
                    c["got"],
                    c["traceback"],
                    c["duration_s"],
                )
                for c in i["checks"]
            ),
            text(i["message"]),
            i["object_name"],
            i["answer"],
            tuple(Figure(cell, png, source) for cell, png, source in i["figures"]),
            tuple(
                Table(
                    text(t["title"]),
                    tuple(text(c) for c in t["columns"]),
                    tuple(tuple(r) for r in t["rows"]),
                    text(t["note"]),
                )
                for t in i["tables"]
            ),
            i.get("object_cell"),
            tuple(text(n) for n in i.get("notes", ())),  # absent in results stored before these fields existed
        )
        for i in data["items"]
    )
    return SubmissionResult(
        data["student"],
        data["file"],
        data["sha256"],
        items,
        text(data["error"]),
        data["environment"],
        data["duration_s"],
        tuple(CellRun(cell, status, duration, error) for cell, status, duration, error in data["cells"]),
        tuple(text(n) for n in data.get("notices", ())),
    )
