"""A class from an LMS download: one notebook per roster person, ready for :func:`grader.service.grade`.

``moodle_intake`` and ``canvas_intake`` read the download (zip or folder, :mod:`grader.lms.archive`),
match its submissions to the roster (Moodle's grading worksheet, Canvas's gradebook export), choose
each person's notebook (:func:`grader.lms.moodle.choose_notebook`) and copy it, and only it, to
``work_dir/notebooks/<student key>.ipynb``: the download is never modified and never extracted,
and a helper ``.py`` or a data file beside the notebook stays an attachment, never a student.

Every roster person ends as a :class:`~grader.course.Delivery`: ``submitted`` (with the reason
their notebook was chosen), ``no notebook`` (files, none a notebook) or ``not submitted``. What the
import noticed (refused members, files of no one, unreadable dates) is in ``Intake.problems``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path, PurePosixPath

from ..course import NO_NOTEBOOK, NOT_SUBMITTED, SUBMITTED, Assignment, Delivery, Intake, Person, student_key
from ..discover import Submission
from ..errors import CourseError
from .archive import Download, Entry, read_download
from .canvas import CanvasGradebook, canvas_submissions, choose_canvas_notebook, read_gradebook
from .moodle import BLIND_NAMES, choose_notebook, moodle_submissions
from .moodle_worksheet import Worksheet, match_download, read_worksheet


@dataclass(frozen=True)
class _Handed:
    """What one person handed in: their member paths, the chosen notebook and why."""

    person: Person
    paths: tuple[PurePosixPath, ...]
    notebook: PurePosixPath | None
    why: str


def moodle_intake(
    download_path: Path,
    assignment: Assignment,
    template_name: str,
    work_dir: Path,
    *,
    worksheet_path: Path | None = None,
    tz: tzinfo = UTC,
    columns: Mapping[str, str] | None = None,
    blind_names: Iterable[str] = BLIND_NAMES,
) -> tuple[Intake, Worksheet | None]:
    """A Moodle "Download all submissions" zip (or its folder) with the assignment's grading worksheet.

    With the worksheet the roster is the worksheet's (people without a submission are listed as not
    submitted) and each submission time is its ``Last modified (submission)`` read in ``tz``; a
    participant of the download missing from the worksheet is a CourseError naming both files.
    Without it the roster is the download's own participants, and times are the zip's (Moodle writes
    each file's time of upload). Returns the worksheet too: the Moodle export writes into a copy of it."""
    download = read_download(download_path)
    layout = moodle_submissions((e.path for e in download.entries), tuple(blind_names))
    problems = list(download.problems) + [
        f"{download_path}: {p}: no participant's file, not graded" for p in layout.unrecognised
    ]
    worksheet = read_worksheet(worksheet_path, columns) if worksheet_path else None
    teams: dict[str, tuple[Person, ...]] = {}
    if worksheet is not None:
        problems += list(worksheet.problems)
        # Moodle >= 4.1 names a team's folder by its group and numbers it by the group id, which no
        # worksheet row carries: the team is the people whose Group cell is that name
        teams = {s.participant_id: worksheet.members(s.display_name) for s in layout.submissions}
        teams = {pid: members for pid, members in teams.items() if members}
        individual = replace(layout, submissions=tuple(s for s in layout.submissions if s.participant_id not in teams))
        by_participant = match_download(worksheet, individual, str(download_path))
        people = list(worksheet.roster.people)
    else:
        by_participant = {
            s.participant_id: Person(
                student_key(s.display_name, s.participant_id), s.display_name, participant_id=s.participant_id
            )
            for s in layout.submissions
        }
        people = list(by_participant.values())
    mtimes = _mtimes(download)
    handed = {}
    for submission in layout.submissions:
        notebook, why = choose_notebook(submission.files, template_name, mtimes)
        for person in teams.get(submission.participant_id) or (by_participant[submission.participant_id],):
            team = f"; the team submission of {submission.display_name}" if submission.participant_id in teams else ""
            handed[person.key] = _Handed(person, submission.files, notebook, why + team)

    def when(person: Person, notebook: PurePosixPath) -> datetime | None:
        if worksheet is not None:
            moment = worksheet.submitted_at(person.participant_id, tz)
            if moment is not None:
                return moment
        return _zip_time(download, notebook, tz)

    intake = _intake(assignment, download, people, handed, work_dir, when, problems)
    return intake, worksheet


def canvas_intake(
    download_path: Path,
    assignment: Assignment,
    template_name: str,
    work_dir: Path,
    *,
    gradebook_path: Path | None = None,
) -> tuple[Intake, CanvasGradebook | None]:
    """A Canvas "Download Submissions" zip (or its folder) with the course's gradebook export.

    With the gradebook the roster is its students (the test student aside), matched by Canvas user
    id; a user id of the download missing from it is a CourseError naming both files. Canvas's
    zip carries no submission time: the ``LATE`` marker Canvas writes is kept in the delivery's note
    (Canvas applies its own late policy), and a late policy of ours needs the times from elsewhere."""
    download = read_download(download_path)
    layout = canvas_submissions(e.path for e in download.entries)
    problems = list(download.problems) + [
        f"{download_path}: {p}: no student's file, not graded" for p in layout.unrecognised
    ]
    gradebook = read_gradebook(gradebook_path) if gradebook_path else None
    if gradebook is not None:
        by_user = {p.lms_user_id: p for p in gradebook.roster.people}
        unknown = [s.user_id for s in layout.submissions if s.user_id not in by_user]
        if unknown:
            raise CourseError(
                f"{download_path}: {len(unknown)} user id(s) of {len(layout.submissions)} are not in {gradebook_path} "
                f"(first: {', '.join(unknown[:5])}). Fix: export the gradebook of the same course "
                "(Grades > Export > Export Entire Gradebook) after the last submission."
            )
        people = list(gradebook.roster.people)
    else:
        by_user = {
            s.user_id: Person(
                student_key(s.name or "anon", s.user_id), s.name or f"anon {s.user_id}", lms_user_id=s.user_id
            )
            for s in layout.submissions
        }
        people = list(by_user.values())
    mtimes = _mtimes(download)
    handed = {}
    for submission in layout.submissions:
        person = by_user[submission.user_id]
        notebook, why = choose_canvas_notebook(submission, template_name, mtimes)
        if submission.late:
            why += "; Canvas marked it late"
        handed[person.key] = _Handed(person, submission.paths, notebook, why)
    intake = _intake(assignment, download, people, handed, work_dir, lambda _p, _n: None, problems)
    return intake, gradebook


def _intake(
    assignment, download: Download, people, handed: Mapping[str, _Handed], work_dir: Path, when, problems
) -> Intake:
    entries = {e.path: e for e in download.entries}
    folder = work_dir / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    submissions, deliveries, times = [], [], {}
    for person in people:
        got = handed.get(person.key)
        if got is None:
            deliveries.append(Delivery(person, NOT_SUBMITTED))
            continue
        others = tuple(str(p) for p in got.paths if p != got.notebook)
        if got.notebook is None:
            deliveries.append(Delivery(person, NO_NOTEBOOK, got.why, others))
            continue
        submissions.append(_copy(entries[got.notebook], folder / f"{person.key}.ipynb", person.key))
        deliveries.append(Delivery(person, SUBMITTED, f"{got.notebook}: {got.why}", others))
        moment = when(person, got.notebook)
        if moment is not None:
            times[person.key] = moment
    return Intake(
        assignment,
        tuple(sorted(submissions, key=lambda s: s.student)),
        tuple(deliveries),
        times,
        tuple(problems),
        str(download.source),
    )


def _copy(entry: Entry, target: Path, key: str) -> Submission:
    """The member's bytes at ``target`` (written atomically), as the submission of ``key``."""
    data = entry.read()
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".intake-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp, target)
    return Submission(key, target, hashlib.sha256(data).hexdigest(), len(data))


def _mtimes(download: Download) -> dict[PurePosixPath, float]:
    return {e.path: e.modified.timestamp() for e in download.entries if e.modified is not None}


def _zip_time(download: Download, path: PurePosixPath, tz: tzinfo) -> datetime | None:
    # a zip's times carry no zone: they are the server's local time, taken to be ``tz``
    entry = next((e for e in download.entries if e.path == path), None)
    return entry.modified.replace(tzinfo=tz) if entry and entry.modified else None
