"""Importing a class from an LMS download (grader/lms/intake.py): one notebook per roster person,
copied out of the download (never extracted, never modified), attachments never students, every
roster person accounted for. Fast: nothing is graded here (tests/test_lms_roundtrip.py grades)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from grader.course import NO_NOTEBOOK, NOT_SUBMITTED, SUBMITTED, Assignment, LatePolicy
from grader.errors import CourseError
from grader.lms.intake import canvas_intake, moodle_intake
from reference.build.canvas_download import (
    ExportAssignment,
    ExportStudent,
    download_zip,
    file_member,
    gradebook_csv,
    member_prefix,
)
from reference.build.moodle_download import Participant, write_download, write_worksheet_csv

WARSAW = timezone(timedelta(hours=2))
NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
ASSIGNMENT = Assignment("Lab 3", "lab", "moodle", late=LatePolicy(due=datetime(2024, 10, 14, 23, 59, tzinfo=WARSAW)))


def _class() -> list[Participant]:
    on_time = datetime(2024, 10, 14, 21, 15)
    return [
        Participant("Zażółć Gęślą", 11, files={"template.ipynb": NB}, submitted_at=on_time),
        Participant(
            "Anna_Maria Nowak", 12, files={"template.ipynb": NB + b" ", "helpers.py": b"x = 1\n"}, submitted_at=on_time
        ),
        Participant("Ewa Kamińska", 13, files={"lab3.pdf": b"%PDF"}, submitted_at=on_time),
        Participant("Piotr Zieliński", 14),
        Participant(
            "Jan Kowalski",
            15,
            files={"old.ipynb": NB + b"  ", "template.ipynb": NB + b"   "},
            submitted_at=datetime(2024, 10, 16, 9, 30),
        ),
    ]


@pytest.fixture
def moodle(tmp_path) -> tuple[Path, Path]:
    people = _class()
    return write_download(tmp_path / "download.zip", people), write_worksheet_csv(tmp_path / "Grades.csv", people)


def test_every_roster_person_is_accounted_for(tmp_path, moodle):
    download, worksheet = moodle
    before = download.read_bytes()
    intake, sheet = moodle_intake(
        download, ASSIGNMENT, "template.ipynb", tmp_path / "out", worksheet_path=worksheet, tz=WARSAW
    )
    states = {d.person.display_name: d.state for d in intake.deliveries}
    assert states == {
        "Zażółć Gęślą": SUBMITTED,
        "Anna_Maria Nowak": SUBMITTED,
        "Ewa Kamińska": NO_NOTEBOOK,
        "Piotr Zieliński": NOT_SUBMITTED,
        "Jan Kowalski": SUBMITTED,
    }
    # the key comes from the worksheet's name (with its underscore) and the participant id
    assert [s.student for s in intake.submissions] == ["Anna_Maria_Nowak_12", "Jan_Kowalski_15", "Zażółć_Gęślą_11"]
    assert sheet is not None and download.read_bytes() == before  # the download is only read


def test_attachments_stay_attachments_and_the_notebook_is_copied_exactly(tmp_path, moodle):
    download, worksheet = moodle
    intake, _ = moodle_intake(download, ASSIGNMENT, "template.ipynb", tmp_path / "out", worksheet_path=worksheet)
    anna = next(d for d in intake.deliveries if d.person.key == "Anna_Maria_Nowak_12")
    assert anna.attachments == ("Anna Maria Nowak_12_assignsubmission_file/helpers.py",)
    submission = next(s for s in intake.submissions if s.student == "Anna_Maria_Nowak_12")
    assert submission.path == tmp_path / "out" / "notebooks" / "Anna_Maria_Nowak_12.ipynb"
    assert submission.path.read_bytes() == NB + b" "
    assert submission.sha256 == hashlib.sha256(NB + b" ").hexdigest()
    assert not any(s.path.suffix == ".py" for s in intake.submissions)


def test_of_two_notebooks_the_one_named_like_the_template_is_taken_and_said(tmp_path, moodle):
    download, worksheet = moodle
    intake, _ = moodle_intake(download, ASSIGNMENT, "template.ipynb", tmp_path / "out", worksheet_path=worksheet)
    jan = next(d for d in intake.deliveries if d.person.key == "Jan_Kowalski_15")
    assert "took the one named like the template (template.ipynb)" in jan.note
    assert jan.attachments == ("Jan Kowalski_15_assignsubmission_file/old.ipynb",)
    assert (tmp_path / "out" / "notebooks" / "Jan_Kowalski_15.ipynb").read_bytes() == NB + b"   "


def test_submission_times_come_from_the_worksheet_in_the_given_zone(tmp_path, moodle):
    download, worksheet = moodle
    intake, _ = moodle_intake(
        download, ASSIGNMENT, "template.ipynb", tmp_path / "out", worksheet_path=worksheet, tz=WARSAW
    )
    assert intake.submitted_at["Jan_Kowalski_15"] == datetime(2024, 10, 16, 9, 30, tzinfo=WARSAW)
    late = ASSIGNMENT.late.lateness("Jan_Kowalski_15", intake.submitted_at["Jan_Kowalski_15"])
    assert late is not None and late.units == 2


def test_without_a_worksheet_the_download_is_the_roster_and_the_zip_gives_the_times(tmp_path, moodle):
    download, _ = moodle
    intake, sheet = moodle_intake(download, ASSIGNMENT, "template.ipynb", tmp_path / "out", tz=UTC)
    assert sheet is None
    # the download has no row for who submitted nothing: Piotr is unknown without the worksheet
    assert {d.person.display_name for d in intake.deliveries} == {
        "Zażółć Gęślą",
        "Anna Maria Nowak",
        "Ewa Kamińska",
        "Jan Kowalski",
    }
    assert intake.submitted_at["Jan_Kowalski_15"] == datetime(2024, 10, 16, 9, 30, tzinfo=UTC)


def test_a_worksheet_of_another_assignment_is_refused_naming_both_files(tmp_path, moodle):
    download, _ = moodle
    other = write_worksheet_csv(tmp_path / "Grades-other.csv", [Participant("Someone", 99)])
    with pytest.raises(CourseError, match=r"download.zip: shares no participant id .*Grades-other.csv"):
        moodle_intake(download, ASSIGNMENT, "template.ipynb", tmp_path / "out", worksheet_path=other)


def test_files_of_no_one_are_problems_not_students(tmp_path):
    people = _class()[:1]
    download = write_download(tmp_path / "d", people, as_zip=False)
    (download / "readme.txt").write_text("from the teacher")
    intake, _ = moodle_intake(download, ASSIGNMENT, "template.ipynb", tmp_path / "out")
    assert [s.student for s in intake.submissions] == ["Zażółć_Gęślą_11"]
    assert any("readme.txt: no participant's file, not graded" in p for p in intake.problems)


def test_a_canvas_download_with_its_gradebook(tmp_path):
    prefix = member_prefix("Doe, Jane", "101", late=True)
    download = download_zip(
        tmp_path / "submissions.zip",
        {
            file_member(prefix, "9001", "template.ipynb"): NB,
            file_member(member_prefix("Roe, Rick", "102"), "9002", "notes.txt"): b"x",
        },
    )
    students = [ExportStudent("Doe, Jane", "101"), ExportStudent("Roe, Rick", "102"), ExportStudent("Poe, Ann", "103")]
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_bytes(gradebook_csv(students, [ExportAssignment("Lab 3", "345", 5.5)]))
    intake, book = canvas_intake(download, ASSIGNMENT, "template.ipynb", tmp_path / "out", gradebook_path=gradebook)
    states = {d.person.lms_user_id: d.state for d in intake.deliveries}
    assert states == {"101": SUBMITTED, "102": NO_NOTEBOOK, "103": NOT_SUBMITTED}
    jane = next(d for d in intake.deliveries if d.person.lms_user_id == "101")
    assert "Canvas marked it late" in jane.note and book is not None


def test_a_canvas_download_of_another_course_is_refused(tmp_path):
    download = download_zip(tmp_path / "s.zip", {file_member(member_prefix("Doe, Jane", "101"), "1", "t.ipynb"): NB})
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_bytes(gradebook_csv([ExportStudent("Roe, Rick", "555")], [ExportAssignment("Lab 3", "345", 5.5)]))
    with pytest.raises(CourseError, match=r"s.zip: 1 user id\(s\) of 1 are not in .*gradebook.csv \(first: 101\)"):
        canvas_intake(download, ASSIGNMENT, "template.ipynb", tmp_path / "out", gradebook_path=gradebook)


@pytest.mark.parametrize("version", ["4.1", "3.x"])
def test_a_team_submission_is_every_members_notebook(tmp_path, version):
    """Moodle >= 4.1 writes one folder per team, named and numbered by the group; 3.1-4.0 one
    folder per member. Either way every member of the team gets the team's notebook."""
    on_time = datetime(2024, 10, 14, 21, 15)
    team = {"template.ipynb": NB}
    people = [
        Participant("Jan Kowalski", 11, files=team, submitted_at=on_time, group="Group A", group_id=41),
        Participant("Ewa Nowak", 12, files=team, submitted_at=on_time, group="Group A", group_id=41),
        Participant("Piotr Zieliński", 13, group="Group B", group_id=42),
    ]
    download = write_download(tmp_path / "d.zip", people, version=version, team=True)
    worksheet = write_worksheet_csv(tmp_path / "Grades.csv", people, team=True)
    intake, _ = moodle_intake(download, ASSIGNMENT, "template.ipynb", tmp_path / "out", worksheet_path=worksheet)
    states = {d.person.key: d.state for d in intake.deliveries}
    assert states == {"Jan_Kowalski_11": SUBMITTED, "Ewa_Nowak_12": SUBMITTED, "Piotr_Zieliński_13": NOT_SUBMITTED}
    assert [s.student for s in intake.submissions] == ["Ewa_Nowak_12", "Jan_Kowalski_11"]
