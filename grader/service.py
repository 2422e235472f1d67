"""The operations every front end shares: the CLI today, a web page for manual grading or an
LMS adapter tomorrow.

Each function is one use case over the existing pieces (:func:`grader.pipeline.grade_batch`,
:class:`~grader.gradebook.Gradebook`, :func:`grader.scoring.score`, :mod:`grader.report`), so a
front end never repeats how a grade is computed or stored. The gradebook is the one source of
truth: every function that changes a grade records it there in one transaction before it returns.
Errors meant for the user are :class:`~grader.errors.GraderError` (the message names the item
or student and the fix); a front end shows the message as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import export
from .course import NO_NOTEBOOK, SUBMITTED, Intake, Person
from .errors import ManualScoreError, NotGraded
from .gradebook import Gradebook
from .labs import Lab
from .lms.marks import Mark, make_marks
from .lms.moodle_feedback import feedback_zip
from .manual.criteria import feedback_for
from .outcomes import Grade, SubmissionResult
from .pipeline import BatchResult, Judging, grade_batch, gradebook_url, write_outputs
from .report import render_student_report
from .rubric import Item
from .scoring import score
from .settings import Settings

__all__ = [
    "Answer",
    "Release",
    "release",
    "BatchResult",
    "answers",
    "current_grades",
    "grade",
    "marks",
    "open_gradebook",
    "render_report",
    "rescore",
    "set_manual",
]


@dataclass(frozen=True)
class Answer:
    """One student's answer to an item scored by a person, and the points a person gave it (None: not yet)."""

    student: str
    answer: str | None  # None: the student left the item unanswered
    points: float | None
    max_points: float


def grade(
    paths: list[Path],
    lab: Lab,
    settings: Settings,
    out_dir: Path,
    *,
    db_url: str | None = None,
    regrade: bool = False,
    judging: Judging | None = None,
    on_start: Callable[[int], None] | None = None,
    on_graded: Callable[[Grade], None] | None = None,
    intake: Intake | None = None,
) -> BatchResult:
    """Grade a class: every notebook under ``paths``, into ``out_dir`` (results.json, grades.csv, the
    reports) and the gradebook (``db_url``, else ``out_dir/gradebook.db``).

    Guarantees: each grade is in the gradebook before ``on_graded(grade)`` is called with it, so an
    interrupted batch keeps what it finished; unchanged files graded under the same rubric and
    settings are scored again from their kept result, not judged again (``regrade`` judges them);
    manual scores are applied. ``on_start(count)``: once the submissions are found. ``judging``:
    where they are judged (default: threads on this machine; :class:`grader.cluster.ClusterJudging`).
    ``intake``: a class imported from an LMS download (:mod:`grader.lms.intake`), graded under its
    assignment with its roster, instead of the notebooks found under ``paths``."""
    return grade_batch(
        paths,
        lab,
        settings,
        out_dir,
        db_url=db_url,
        regrade=regrade,
        judging=judging,
        on_start=on_start,
        on_graded=on_graded,
        intake=intake,
    )


def open_gradebook(out_dir: Path, db_url: str | None = None) -> Gradebook:
    """The gradebook a batch graded into ``out_dir`` wrote (``db_url`` when it was given one)."""
    return Gradebook(gradebook_url(out_dir, db_url))


def rescore(gradebook: Gradebook, lab: Lab, student: str, lang: str = "pl", assignment: str | None = None) -> Grade:
    """Score ``student``'s kept result again under ``lab``'s rubric, the manual scores now in the
    gradebook and the assignment's late policy, record the new grade (its document's texts in
    ``lang``, as a batch's ``--lang``) and return it. Nothing is judged again (no sandbox runs);
    results.json and the report files are rewritten by the next batch (:func:`render_report`
    renders one page now). ``assignment``: the gradebook's key (default: the lab's id).

    Raises :class:`~grader.errors.NotGraded` when the gradebook keeps no result for the student."""
    key = assignment or lab.name
    grading_key, result = _kept(gradebook, lab, student, key)
    new = _current(gradebook, lab, student, result, key)
    submitted_at = gradebook.submitted_at(key, student)
    document = export.submission_document(new, lang)
    gradebook.record(new, document, export.grader_version(), grading_key, assignment=key, submitted_at=submitted_at)
    return new


def set_manual(
    gradebook: Gradebook,
    lab: Lab,
    student: str,
    item_id: str,
    points: float,
    comment: str = "",
    lang: str = "pl",
    assignment: str | None = None,
) -> Grade:
    """Set a person's ``points`` for ``item_id`` of ``student`` and return the student's new grade
    (recorded, :func:`rescore`). A later batch keeps the score: regrading never touches it.

    Raises :class:`~grader.errors.ManualScoreError` when ``item_id`` is no item of the rubric or
    ``points`` is outside ``[0, the item's points]``, and :class:`~grader.errors.NotGraded` when
    the student was never graded; nothing is written then."""
    item = _item(lab, item_id)
    if not 0 <= points <= item.points:
        raise ManualScoreError(
            f"{lab.name} item {item_id}: {points:g} points is outside 0..{item.points:g}. "
            f"Fix: give between 0 and {item.points:g} points."
        )
    key = assignment or lab.name
    _kept(gradebook, lab, student, key)
    gradebook.set_manual_score(key, student, item_id, points, comment)
    return rescore(gradebook, lab, student, lang, key)


def answers(gradebook: Gradebook, lab: Lab, item_id: str, assignment: str | None = None) -> list[Answer]:
    """Every graded student's answer to ``item_id`` (a prose item, or the conclusions of a code item
    with a manual part), sorted by student, with the points a person gave each so far.

    Raises :class:`~grader.errors.ManualScoreError` when ``item_id`` is no item of the rubric."""
    item = _item(lab, item_id)
    key = assignment or lab.name
    found = []
    for student, (_grading_key, result) in sorted(gradebook.kept_results(key).items()):
        answer = next((r.answer for r in result.items if r.item_id == item_id), None)
        found.append(Answer(student, answer, gradebook.manual_scores(key, student).get(item_id), item.points))
    return found


def render_report(
    gradebook: Gradebook, lab: Lab, student: str, lang: str, meta: dict | None = None, assignment: str | None = None
) -> str:
    """``student``'s report as a self-contained HTML page, from the kept result and the manual
    scores now in the gradebook (so it shows a score set since the batch). ``meta``: the "run
    information" rows (a batch's reports show its ``meta``; none by default). Writes nothing.

    Raises :class:`~grader.errors.NotGraded` when the gradebook keeps no result for the student."""
    key = assignment or lab.name
    _grading_key, result = _kept(gradebook, lab, student, key)
    return render_student_report(_current(gradebook, lab, student, result, key), lang, lab.title(lang), meta or {})


def current_grades(gradebook: Gradebook, lab: Lab, assignment: str | None = None) -> dict[str, Grade]:
    """Every graded student's grade as it stands now (kept result, manual scores, lateness), by
    student: what the LMS exports send. Nothing is recorded or judged."""
    key = assignment or lab.name
    return {
        student: _current(gradebook, lab, student, result, key)
        for student, (_grading_key, result) in gradebook.kept_results(key).items()
    }


def marks(
    gradebook: Gradebook, lab: Lab, lang: str = "pl", assignment: str | None = None, allow_pending: bool = False
) -> list[Mark]:
    """What an LMS export sends, one :class:`~grader.lms.marks.Mark` per roster person (every graded
    student when the batch had no roster): the grade as it stands now, each student's report, and
    why a person gets no points (pending a person, not submitted, no notebook). With items still
    awaiting a person the points are left out unless ``allow_pending`` (the partial total)."""
    key = assignment or lab.name
    grades = current_grades(gradebook, lab, key)
    roster = gradebook.roster(key)
    people = [d.person for d in roster] or [Person(student, student) for student in sorted(grades)]
    no_notebook = [d.person.key for d in roster if d.state == NO_NOTEBOOK]
    reports = {s: render_student_report(g, lang, lab.title(lang), {}) for s, g in grades.items()}
    return make_marks(
        people,
        grades,
        lab.rubric.max_points,
        no_notebook=no_notebook,
        reports=reports,
        allow_pending=allow_pending,
        lang=lang,
    )


@dataclass(frozen=True)
class Release:
    """What :func:`release` wrote: the folder, how many reports, and who is still awaiting a person."""

    out_dir: Path
    reports: int
    awaiting: tuple[str, ...]  # students whose totals are partial (items await a person)
    files: tuple[Path, ...]


def release(
    gradebook: Gradebook,
    lab: Lab,
    out_dir: Path,
    lang: str = "pl",
    assignment: str | None = None,
    meta: dict | None = None,
) -> Release:
    """Write the class's outputs again from the gradebook as it stands now (manual scores, criteria
    and comments included): results.json, grades.csv, the dashboard, each student's report, and
    the Moodle feedback-files zip (what needs no file from the LMS; the worksheet and the Canvas
    CSV are ``grader export``'s). Nothing is judged again."""
    key = assignment or lab.name
    grades = sorted(current_grades(gradebook, lab, key).values(), key=lambda g: g.student)
    absent = [d for d in gradebook.roster(key) if d.state != SUBMITTED]
    out_dir.mkdir(parents=True, exist_ok=True)
    write_outputs(out_dir, grades, lab, lang, {"assignment": key, **(meta or {})}, absent)
    files = [out_dir / "results.json", out_dir / "grades.csv", out_dir / "index.html"]
    saved = gradebook.assignment(key)
    if saved is not None and saved.lms == "moodle":
        (out_dir / "lms").mkdir(exist_ok=True)
        files.append(out_dir / "lms" / "moodle-feedback-files.zip")
        feedback_zip(marks(gradebook, lab, lang, key, allow_pending=False), files[-1])
    return Release(out_dir, len(grades), tuple(g.student for g in grades if g.awaiting), tuple(files))


def _current(gradebook: Gradebook, lab: Lab, student: str, result: SubmissionResult, key: str) -> Grade:
    """The grade of a kept result under the manual scores and late policy in the gradebook now."""
    saved = gradebook.assignment(key)
    submitted_at = gradebook.submitted_at(key, student)
    when = datetime.fromisoformat(submitted_at) if submitted_at else None
    lateness = saved.late.lateness(student, when) if saved else None
    overrides, parts = gradebook.manual_scores(key, student), gradebook.manual_parts(key, student)
    feedback = feedback_for(gradebook, key, lab.rubric.items, student)
    return score(result, lab.rubric, overrides, lab.rubric_hash, lateness, parts, feedback)


def _kept(gradebook: Gradebook, lab: Lab, student: str, key: str) -> tuple[str, SubmissionResult]:
    kept = gradebook.kept_results(key, [student])
    if student not in kept:
        raise NotGraded(
            f"the gradebook {gradebook.url} holds no graded submission of {student!r} for {key}. "
            f"Fix: grade it first (`grader grade PATH --lab {lab.name}`), or check the student id."
        )
    return kept[student]


def _item(lab: Lab, item_id: str) -> Item:
    item = next((i for i in lab.rubric.items if i.id == item_id), None)
    if item is None:
        known = ", ".join(i.id for i in lab.rubric.items)
        raise ManualScoreError(f"{lab.name} has no item {item_id!r}. Fix: use one of {known}.")
    return item
