"""The zip for Moodle's "Upload multiple feedback files in a zip", re-read with the importer's own
filename rule (``moodle_feedback_import`` below), hostile names included."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from grader.course import Person
from grader.errors import ExportError
from grader.lms.archive import read_download
from grader.lms.marks import GRADED, Mark
from grader.lms.moodle import moodle_submissions
from grader.lms.moodle_feedback import feedback_zip, folder_name

HOSTILE = [
    "../x",
    "Anna_Maria Nowak",
    "Zażółć Gęślą-Jaźń",
    'Tom "T" O\'Brien, Jr.',
    '=HYPERLINK("http://x")',
    "...",
    "_12_",
]


def marks_for(names: list[str], start: int = 1000001) -> list[Mark]:
    return [
        Mark(
            Person(f"key{n}", name, participant_id=str(start + n)),
            GRADED,
            5.0,
            10.0,
            report_html=f"<html>report of {name}</html>",
        )
        for n, name in enumerate(names)
    ]


def php_is_numeric(text: str) -> bool:
    return re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text) is not None


def moodle_feedback_import(names: list[str], participants: set[int]) -> dict[int, list[str]]:
    """Moodle's feedback-zip importer, as a test oracle (``is_valid_filename_for_import`` in
    mod/assign/feedback/file/importziplib.php): directories and files whose name starts with "." or
    "~" are skipped; each path part is split with ``explode('_', $part, 5)``; the first part with at
    least 4 fields whose ``info[1]`` is numeric and a participant of the assignment, and whose
    ``info[2]``/``info[3]`` name a plugin (here: assignsubmission/file), decides the participant;
    what follows becomes the feedback file's name. Returns participant -> file names."""
    found: dict[int, list[str]] = {}
    for name in names:
        if name.endswith("/") or PurePosixPath(name).name[:1] in (".", "~"):
            continue
        parts = name.split("/")
        while parts:
            info = parts.pop(0).split("_", 4)  # explode('_', $part, 5)
            if len(info) < 4 or not php_is_numeric(info[1]) or int(float(info[1])) not in participants:
                continue
            if (info[2], info[3]) != ("assignsubmission", "file"):
                continue
            rest = [info[4] if len(info) == 5 else "", *parts]
            found.setdefault(int(float(info[1])), []).append("/".join(rest))
            break
    return found


def test_each_folder_is_matched_to_exactly_its_participant(tmp_path):
    marks = marks_for(["Jan Kowalski", "Zażółć Gęślą", "Piotr Późny"])
    names = feedback_zip(marks, tmp_path / "feedback.zip")
    assert names == [
        "Jan Kowalski_1000001_assignsubmission_file/grader-report.html",
        "Piotr Późny_1000003_assignsubmission_file/grader-report.html",
        "Zażółć Gęślą_1000002_assignsubmission_file/grader-report.html",
    ]
    with zipfile.ZipFile(tmp_path / "feedback.zip") as archive:
        assert archive.namelist() == names
        assert archive.read(names[0]) == b"<html>report of Jan Kowalski</html>"
    assert moodle_feedback_import(names, {1000001, 1000002, 1000003}) == {
        1000001: ["/grader-report.html"],
        1000002: ["/grader-report.html"],
        1000003: ["/grader-report.html"],
    }


def test_hostile_names_still_match_only_their_participant(tmp_path):
    marks = marks_for(HOSTILE)
    names = feedback_zip(marks, tmp_path / "feedback.zip", file_name="raport.html")
    assert [folder_name(m.person.display_name, m.person.participant_id) for m in marks] == [
        "x_1000001_assignsubmission_file",
        "Anna Maria Nowak_1000002_assignsubmission_file",
        "Zażółć Gęślą-Jaźń_1000003_assignsubmission_file",
        "Tom T O'Brien, Jr_1000004_assignsubmission_file",
        "=HYPERLINK(httpx)_1000005_assignsubmission_file",
        "Participant_1000006_assignsubmission_file",
        "12_1000007_assignsubmission_file",
    ]
    assert all(PurePosixPath(n).parts[0] != ".." and ".." not in PurePosixPath(n).parts for n in names)
    ids = set(range(1000001, 1000008))
    assert moodle_feedback_import(names, ids) == {pid: ["/raport.html"] for pid in ids}


def test_the_zip_reads_back_as_a_moodle_layout(tmp_path):
    marks = marks_for(HOSTILE)
    feedback_zip(marks, tmp_path / "feedback.zip")
    download = read_download(tmp_path / "feedback.zip")
    assert download.problems == ()
    layout = moodle_submissions(e.path for e in download.entries)
    assert [s.participant_id for s in layout.submissions] == [str(1000001 + n) for n in range(len(HOSTILE))]
    assert layout.unrecognised == ()


def test_the_zip_is_the_same_bytes_on_every_run(tmp_path):
    marks = marks_for(["Jan Kowalski", "Zażółć Gęślą"])
    feedback_zip(marks, tmp_path / "a.zip")
    feedback_zip(list(reversed(marks)), tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_marks_without_a_report_are_left_out(tmp_path):
    marks = marks_for(["Jan Kowalski", "Anna Nowak"])
    marks[1] = Mark(marks[1].person, GRADED, 5.0, 10.0)
    assert feedback_zip(marks, tmp_path / "f.zip") == ["Jan Kowalski_1000001_assignsubmission_file/grader-report.html"]


@pytest.mark.parametrize("file_name", [".report.html", "~report.html", "a/b.html", ""])
def test_a_report_name_moodle_would_skip_or_split_is_refused(tmp_path, file_name):
    with pytest.raises(ExportError, match=r"would be skipped or split by Moodle's importer\. Fix: use a plain name"):
        feedback_zip(marks_for(["Jan"]), tmp_path / "f.zip", file_name=file_name)
    assert not (tmp_path / "f.zip").exists()


def test_a_person_without_participant_id_or_a_shared_one_is_refused(tmp_path):
    lost = Mark(Person("Jan_K", "Jan K"), GRADED, 1.0, 10.0, report_html="<html></html>")
    with pytest.raises(
        ExportError,
        match=r"Jan_K has no Moodle participant id.*Fix: read the roster from the assignment's grading worksheet",
    ):
        feedback_zip([lost], tmp_path / "f.zip")
    twice = marks_for(["Jan", "Anna"])
    twice[1] = Mark(Person("Anna_1", "Anna", participant_id="1000001"), GRADED, 1.0, 10.0, report_html="x")
    with pytest.raises(
        ExportError, match=r"key0 and Anna_1 share participant id 1000001\. Fix: give each person one mark"
    ):
        feedback_zip(twice, tmp_path / "f.zip")


def test_an_output_that_cannot_be_written_is_an_export_error(tmp_path: Path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match=r"cannot be written .* Fix: choose a folder you can write to"):
        feedback_zip(marks_for(["Jan"]), tmp_path / "file" / "f.zip")
