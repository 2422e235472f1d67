"""One item's answers across the class: what a grader sees, in which order, in which state.

An answer's state (``STATES``):

* ``auto-0``: nothing to grade (empty or the template's placeholder): the grader scored it 0;
* ``ungraded``: a person's points are still missing;
* ``graded``: a person scored this very answer under the item's current criteria;
* ``needs-review``: graded, but the answer changed since (a regrade of a new file) or an edit
  of the criteria changed its points;
* ``flagged``: someone asked for a second look (it stays in the flags queue until unflagged).

Order: a stable pseudo-random order per item (a hash of assignment, item and student), so a
grader does not grade in alphabetical or submission order (sequential bias), and two items
are not graded in the same order. Alias: graders see six capital letters derived from the
file's SHA-256 (unknown to anyone without the file), not the name, until an instructor reveals it.

:class:`ClassAnswers` keeps the class's kept results in memory and reloads only those whose file
or grading key changed, so the next answer of 800 costs a dictionary lookup, not 800 JSON parses.
"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
import time
from dataclasses import dataclass

from sqlalchemy import and_, select

from ..gradebook import Gradebook
from ..labs import Lab
from ..outcomes import ItemResult, Outcome, SubmissionResult
from ..rubric import Item
from ..tables import PART, flags_table, manual_scores_table

AUTO_ZERO = "auto-0"
UNGRADED = "ungraded"
GRADED = "graded"
NEEDS_REVIEW = "needs-review"
FLAGGED = "flagged"
STATES = (UNGRADED, NEEDS_REVIEW, FLAGGED, GRADED, AUTO_ZERO)
TO_GRADE = (UNGRADED, NEEDS_REVIEW)  # what "next" offers


@dataclass(frozen=True)
class ManualGrade:
    """A person's grade of one answer as stored (``kind`` override: an instructor's override)."""

    points: float
    criteria: tuple[str, ...]
    adjustment: float
    comment: str
    version: int
    graded_by: str
    updated_at: str
    answer_sha256: str
    rubric_version: int
    via: str
    kind: str

    def as_dict(self) -> dict:
        return {
            "points": self.points,
            "criteria": list(self.criteria),
            "adjustment": self.adjustment,
            "comment": self.comment,
            "version": self.version,
            "graded_by": self.graded_by,
            "kind": self.kind,
            "via": self.via,
        }


@dataclass(frozen=True)
class Flag:
    by: str
    note: str
    at: str


@dataclass(frozen=True)
class AnswerView:
    """One student's answer to one item, as a grader sees it."""

    student: str
    alias: str
    position: int  # 1-based, in the item's order
    answer: str
    answer_sha256: str
    result: ItemResult
    state: str
    grade: ManualGrade | None
    flag: Flag | None


def gradable_items(lab: Lab) -> list[Item]:
    """The items with points a person gives: prose items and code items with a manual part."""
    return [i for i in lab.rubric.items if i.kind == "prose" or i.manual_points > 0]


def answer_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def order_key(assignment: str, item_id: str, student: str) -> str:
    return hashlib.sha256(f"order\0{assignment}\0{item_id}\0{student}".encode()).hexdigest()


def alias(file_sha256: str, student: str) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    number = int(hashlib.sha256(f"alias\0{file_sha256}\0{student}".encode()).hexdigest()[:12], 16)
    word = ""
    for _ in range(6):
        number, digit = divmod(number, len(letters))
        word += letters[digit]
    return word


def auto_decided(item: Item, result: ItemResult) -> bool:
    """True when the grader already decided the person's share (no answer to score: 0)."""
    if item.kind == "prose":
        return result.status is not Outcome.MANUAL and not (result.status is Outcome.GRADER_ERROR and result.answer)
    return not (result.answer or "").strip()


def state_of(item: Item, result: ItemResult, grade: ManualGrade | None, flag: Flag | None, version: int) -> str:
    if flag is not None:
        return FLAGGED
    if grade is not None:
        changed = grade.kind == PART and (
            grade.answer_sha256 != answer_digest(result.answer or "") or grade.rubric_version < version
        )
        return NEEDS_REVIEW if changed else GRADED
    return AUTO_ZERO if auto_decided(item, result) else UNGRADED


@dataclass(frozen=True)
class _Slot:
    """What does not change between two reads of one answer: who, where, what they wrote."""

    student: str
    alias: str
    position: int
    text: str
    digest: str
    result: ItemResult


class ClassAnswers:
    """The kept results of one assignment, in memory, refreshed from the gradebook on demand.

    Only a batch changes a kept result (a new file, a new grading key). This process's own
    writes are seen at once (:attr:`Gradebook.changes`); another process's (a ``grader grade``
    running beside the app) within ``recheck_s``. Each item's ordered answers are built once per
    change of the results, so the next answer of 800 costs two small queries (grades, flags)."""

    def __init__(self, gradebook: Gradebook, lab: Lab, assignment: str, recheck_s: float = 1.0):
        self.gradebook, self.lab, self.assignment = gradebook, lab, assignment
        self.recheck_s = recheck_s
        self._results: dict[str, SubmissionResult] = {}
        self._versions: dict[str, str] = {}
        self._slots: dict[str, list[_Slot]] = {}
        self._seen: tuple[int, float] | None = None  # (gradebook.changes, monotonic time) at the last check
        self._lock = threading.Lock()

    def refresh(self) -> dict[str, SubmissionResult]:
        """Reload the results whose file or grading key changed; return all of them by student
        (the mapping is this object's own: read it, do not change it)."""
        with self._lock:
            now = time.monotonic()
            if self._seen and self._seen[0] == self.gradebook.changes and now - self._seen[1] < self.recheck_s:
                return self._results
            versions = self.gradebook.result_versions(self.assignment)
            self._seen = (self.gradebook.changes, now)
            stale = [s for s, v in versions.items() if self._versions.get(s) != v]
            gone = set(self._results) - set(versions)
            if not stale and not gone:
                return self._results
            results = dict(self._results)
            for student in gone:
                results.pop(student, None)
                self._versions.pop(student, None)
            for student, (_key, result) in self.gradebook.kept_results(self.assignment, stale).items():
                results[student] = result
                self._versions[student] = versions[student]
            self._results, self._slots = results, {}
            # hundreds of parsed results make every full collection slow (100-200 ms pauses on
            # the next requests); freezing them moves them out of the collector's way
            gc.collect()
            gc.freeze()
            return self._results

    def _item_slots(self, item: Item) -> list[_Slot]:
        results = self.refresh()
        with self._lock:
            slots = self._slots.get(item.id)
            if slots is None:
                ordered = sorted(results, key=lambda s: order_key(self.assignment, item.id, s))
                slots = []
                for position, student in enumerate(ordered, 1):
                    result = results[student]
                    found = next(
                        (r for r in result.items if r.item_id == item.id), ItemResult(item.id, Outcome.MISSING)
                    )
                    text = found.answer or ""
                    slots.append(
                        _Slot(student, alias(result.sha256, student), position, text, answer_digest(text), found)
                    )
                self._slots[item.id] = slots
            return slots

    def answers(self, item: Item, version: int) -> list[AnswerView]:
        """Every graded student's answer to ``item``, in the item's order, with state and grade
        (``version``: the item's criteria version now)."""
        slots = self._item_slots(item)
        grades = manual_grades(self.gradebook, self.assignment, item.id)
        flags = item_flags(self.gradebook, self.assignment, item.id)
        views = []
        for slot in slots:
            grade, flag = grades.get(slot.student), flags.get(slot.student)
            views.append(
                AnswerView(
                    slot.student,
                    slot.alias,
                    slot.position,
                    slot.text,
                    slot.digest,
                    slot.result,
                    state_of(item, slot.result, grade, flag, version),
                    grade,
                    flag,
                )
            )
        return views


def manual_grades(gradebook: Gradebook, assignment: str, item_id: str) -> dict[str, ManualGrade]:
    t = manual_scores_table
    with gradebook.reading() as conn:
        rows = conn.execute(select(t).where(and_(t.c.assignment == assignment, t.c.item_id == item_id))).all()
    return {row.student: grade_from_row(row) for row in rows}


def grade_from_row(row) -> ManualGrade:
    return ManualGrade(
        row.points,
        tuple(json.loads(row.criteria_json)),
        row.adjustment,
        row.comment,
        row.version,
        row.graded_by,
        row.updated_at,
        row.answer_sha256,
        row.rubric_version,
        row.via,
        row.kind,
    )


def item_flags(gradebook: Gradebook, assignment: str, item_id: str) -> dict[str, Flag]:
    t = flags_table
    with gradebook.reading() as conn:
        rows = conn.execute(select(t).where(and_(t.c.assignment == assignment, t.c.item_id == item_id))).all()
    return {row.student: Flag(row.flagged_by, row.note, row.at) for row in rows}
