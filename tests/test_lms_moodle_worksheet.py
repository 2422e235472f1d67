"""Moodle's grading worksheet: the roster read from it, downloads matched to it, and the copy written
back with grades, re-read with Moodle's own importer rules (``moodle_import`` below).

Every worksheet and download is built by reference/build/moodle_download.py from the documented
formats (../shared/research/lms-formats.md, sections 1.2 and 2), in English and Polish.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath

import pytest

from grader.course import Person
from grader.errors import CourseError, ExportError
from grader.lms.archive import read_download
from grader.lms.marks import GRADED, PENDING, Mark
from grader.lms.moodle import moodle_submissions
from grader.lms.moodle_worksheet import (
    Worksheet,
    match_download,
    parse_moodle_date,
    read_worksheet,
    write_worksheet,
)
from reference.build.moodle_download import (
    WORKSHEET_STRINGS,
    Participant,
    csv_text,
    worksheet_rows,
    write_download,
    write_worksheet_csv,
)

WARSAW = timezone(timedelta(hours=2))
HOSTILE_NAMES = ["../x", "Anna_Maria Nowak", "Zażółć Gęślą-Jaźń", 'Tom "T" O\'Brien, Jr.', '=HYPERLINK("http://x")']


def people(names: list[str] | None = None, start: int = 1000001) -> list[Participant]:
    names = names or ["Jan Kowalski", "Zażółć Gęślą", "Anna_Maria Nowak", "Piotr Późny"]
    return [
        Participant(
            name=name,
            participant_id=start + 7 * n,
            email=f"s{n}@example.edu",
            id_number=f"ID{n}",
            files={"lab.ipynb": b"{}"} if n != 1 else {},
            submitted_at=datetime(2024, 10, 14, 9 + n, 5 * n),
        )
        for n, name in enumerate(names)
    ]


def mark(person: Person, points: float | None, max_points: float = 10.0, feedback: str = "<p>ok</p>") -> Mark:
    state = GRADED if points is not None else PENDING
    return Mark(person, state, points, max_points, feedback_html=feedback, report_html="<html>r</html>")


def moodle_import(
    data: bytes, lang: str, participants: Mapping[str, str], max_grade: float, *, decsep: str = "."
) -> dict[str, tuple[float, str | None]]:
    """Moodle's worksheet importer, as a test oracle (importgradeslib.php ``init()``/``next()`` and
    feedback/offline/locallib.php ``process_import_grades()``), for the importing user's language
    ``lang`` and the assignment's ``participants`` (participant id -> user):

    - the BOM is stripped (``core_text::trim_utf8_bom``), the rest parsed as comma-separated CSV;
    - ``Identifier``, ``Grade`` and ``Last modified (grade)`` must be headers, by exact text in
      ``lang``; ``Feedback comments`` is read when present; every other column is ignored;
    - the participant id is the Identifier cell after ``strlen(hiddenuser)`` bytes; a row of no
      participant is skipped;
    - the grade is ``unformat_float`` (trimmed, spaces dropped, the language's decimal separator made
      "."); a row is skipped when it is empty, not a number, below 0 or above the maximum.

    Returns user -> (grade, feedback) for the rows Moodle would import.
    """
    strings = WORKSHEET_STRINGS[lang]
    text = data.decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    for required in ("identifier", "grade", "modified_grade"):
        assert strings[required] in header, f"Moodle refuses the file: no {strings[required]!r} header"
    at = {
        role: header.index(strings[role])
        for role in ("identifier", "grade", "feedback_comments")
        if strings[role] in header
    }
    prefix = len(strings["hiddenuser"].encode("utf-8"))
    imported: dict[str, tuple[float, str | None]] = {}
    for row in rows[1:]:
        user = participants.get(row[at["identifier"]].encode("utf-8")[prefix:].decode("utf-8"))
        cell = row[at["grade"]].strip().replace(" ", "").replace(decsep, ".")
        if user is None or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cell):
            continue
        grade = float(cell)
        if 0 <= grade <= max_grade:
            imported[user] = (grade, row[at["feedback_comments"]] if "feedback_comments" in at else None)
    return imported


def sheet(
    tmp_path: Path, name: str = "grades.csv", who: list[Participant] | None = None, **options: object
) -> Worksheet:
    return read_worksheet(write_worksheet_csv(tmp_path / name, who or people(), **options))


# --- reading ---------------------------------------------------------------------------------


def test_english_worksheet_with_bom_and_crlf_gives_the_roster(tmp_path):
    worksheet = sheet(tmp_path, newline="\r\n", identity=("email", "id_number"))
    assert worksheet.bom and worksheet.newline == "\r\n" and worksheet.hiddenuser == "Participant "
    assert worksheet.max_grade == 10.0 and not worksheet.scale and not worksheet.blind
    first, second = worksheet.roster.people[:2]
    assert first == Person(
        key="Jan_Kowalski_1000001",
        display_name="Jan Kowalski",
        email="s0@example.edu",
        sis_id="ID0",
        participant_id="1000001",
        lms_status="Submitted for grading",
    )
    assert (second.key, second.lms_status) == ("Zażółć_Gęślą_1000008", "No submission")
    assert worksheet.submitted_at("1000001", WARSAW) == datetime(2024, 10, 14, 9, 0, tzinfo=WARSAW)
    assert worksheet.submitted_at("1000008", WARSAW) is None  # "-": not submitted
    assert worksheet.problems == ()


def test_polish_worksheet_without_bom_and_with_lf(tmp_path):
    worksheet = sheet(tmp_path, lang="pl", bom=False, identity=())
    assert not worksheet.bom and worksheet.newline == "\n" and worksheet.hiddenuser == "Uczestnik "
    assert worksheet.max_grade == 10.0  # "10,00": Polish decimal comma
    assert set(worksheet.columns) == {
        "identifier", "full_name", "status", "grade", "max_grade",
        "modified_submission", "modified_grade", "feedback_comments",
    }  # fmt: skip
    assert [p.display_name for p in worksheet.roster.people][2] == "Anna_Maria Nowak"
    assert worksheet.roster.people[0].email == ""  # no identity columns on this site
    assert worksheet.submitted_at("1000022", WARSAW) == datetime(2024, 10, 14, 12, 15, tzinfo=WARSAW)


def test_scale_grading_has_no_maximum_and_keeps_its_multiline_cell(tmp_path):
    worksheet = sheet(tmp_path, max_grade=None)
    assert worksheet.scale and worksheet.max_grade is None
    assert worksheet.rows[0][5] == "Poor\nGood\nExcellent"
    with pytest.raises(ExportError, match=r"graded with a scale .* set Grade > Type to Point"):
        write_worksheet(worksheet, [mark(worksheet.roster.people[0], 5)], tmp_path / "out.csv")


def test_blind_worksheet_names_each_person_by_the_identifier(tmp_path):
    worksheet = sheet(tmp_path, blind=True)
    assert worksheet.blind and "full_name" not in worksheet.columns
    assert [(p.key, p.display_name) for p in worksheet.roster.people][0] == (
        "Participant_1000001",
        "Participant 1000001",
    )


def german_worksheet(tmp_path: Path) -> Path:
    rows = worksheet_rows(people())
    german = {
        "Identifier": "Identifikator",
        "Full name": "Vollständiger Name",
        "Email address": "E-Mail-Adresse",
        "Status": "Status",
        "Grade": "Bewertung",
        "Maximum grade": "Bestmögliche Bewertung",
        "Grade can be changed": "Bewertung kann geändert werden",
        "Last modified (submission)": "Zuletzt geändert (Abgabe)",
        "Last modified (grade)": "Zuletzt geändert (Bewertung)",
        "Feedback comments": "Feedback als Kommentar",
    }
    rows[0] = [german[h] for h in rows[0]]
    path = tmp_path / "Bewertungen.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def test_another_language_reads_its_roster_by_position_but_cannot_be_written_without_columns(tmp_path):
    worksheet = read_worksheet(german_worksheet(tmp_path))
    assert [p.display_name for p in worksheet.roster.people][:1] == ["Jan Kowalski"]  # columns 1 and 2
    with pytest.raises(CourseError) as error:
        write_worksheet(worksheet, [], tmp_path / "out.csv")
    assert str(error.value) == (
        f"{worksheet.path}: no Grade, Last modified (grade) column (grade, modified_grade); its headers are "
        "['Identifikator', 'Vollständiger Name', 'E-Mail-Adresse', 'Status', 'Bewertung', 'Bestmögliche Bewertung', "
        "'Bewertung kann geändert werden', 'Zuletzt geändert (Abgabe)', 'Zuletzt geändert (Bewertung)', "
        "'Feedback als Kommentar']. Fix: give the worksheet Moodle's Download grading worksheet wrote, or, in a "
        "language not known here, pass the header of each column as columns={'grade': '...', ...}."
    )


def test_columns_override_names_the_headers_of_any_language(tmp_path):
    columns = {
        "grade": "Bewertung",
        "max_grade": "Bestmögliche Bewertung",
        "modified_grade": "Zuletzt geändert (Bewertung)",
        "feedback_comments": "Feedback als Kommentar",
        "email": "E-Mail-Adresse",
    }
    worksheet = read_worksheet(german_worksheet(tmp_path), columns)
    assert worksheet.max_grade == 10.0 and worksheet.roster.people[0].email == "s0@example.edu"
    result = write_worksheet(worksheet, [mark(worksheet.roster.people[0], 7.5)], tmp_path / "out.csv")
    assert [p.participant_id for p in result.written] == ["1000001"]
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text("utf-8"))))
    assert rows[1][4] == "7.5" and rows[1][9] == "<p>ok</p>"


def test_override_of_an_unknown_role_or_a_missing_header_is_refused(tmp_path):
    path = german_worksheet(tmp_path)
    with pytest.raises(CourseError, match=r"columns names no role 'note'\. Fix: use one of identifier, full_name"):
        read_worksheet(path, {"note": "Bewertung"})
    with pytest.raises(CourseError, match=r"no column is headed 'Note' \(columns\['grade'\]\); its headers are"):
        read_worksheet(path, {"grade": "Note"})


def test_a_file_that_is_not_utf8_says_to_download_it_again(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_bytes(csv_text(worksheet_rows(people())).encode("cp1250"))
    with pytest.raises(CourseError) as error:
        read_worksheet(path)
    assert str(error.value).startswith(f"{path}: is not UTF-8 (byte ")
    assert str(error.value).endswith(
        "Fix: download it again from Moodle (View all submissions > Grading action > Download grading worksheet) "
        "and do not open and save it in a spreadsheet program."
    )


def test_a_worksheet_saved_by_a_spreadsheet_with_semicolons_is_refused(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("Identifier;Full name;Grade\nParticipant 1;Jan;5\n", encoding="utf-8")
    with pytest.raises(CourseError, match=r"is separated by ';', as a spreadsheet program saves it\. Fix: download"):
        read_worksheet(path)


def test_empty_file_and_a_file_without_identifier_are_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(CourseError, match=r"empty\.csv: is empty\. Fix: download it again"):
        read_worksheet(empty)
    other = tmp_path / "other.csv"
    other.write_text("Name,Points\nJan,5\n", encoding="utf-8")
    with pytest.raises(
        CourseError, match=r"other\.csv: no Identifier column \(identifier\); its headers are \['Name', 'Points'\]"
    ):
        read_worksheet(other)


def test_two_rows_of_one_participant_are_refused(tmp_path):
    rows = worksheet_rows(people())
    rows.append(rows[1])
    path = tmp_path / "grades.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(CourseError, match=r"rows 2 and 6 are both 'Participant 1000001'\. Fix: download it again"):
        read_worksheet(path)


def test_bad_identifier_and_bad_date_are_problems_not_crashes(tmp_path):
    rows = worksheet_rows(people())
    rows[1][0] = "Participant X"
    rows[3][7] = "sometime last week"
    path = tmp_path / "grades.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    worksheet = read_worksheet(path)
    assert len(worksheet.roster.people) == 3
    assert worksheet.problems == (
        f"{path}: row 2: Identifier 'Participant X' carries no participant id; skipped",
        f"{path}: row 4: Last modified (submission) 'sometime last week' is not a date; taken as unknown",
    )
    assert worksheet.submitted_at("1000015", WARSAW) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Monday, 14 October 2024, 10:03 AM", datetime(2024, 10, 14, 10, 3)),
        ("Monday, 14 October 2024, 12:30 AM", datetime(2024, 10, 14, 0, 30)),
        ("Monday, 14 October 2024, 12:05 PM", datetime(2024, 10, 14, 12, 5)),
        ("Sunday, 3 November 2024, 9:59 PM", datetime(2024, 11, 3, 21, 59)),
        ("poniedziałek, 14 października 2024, 10:03", datetime(2024, 10, 14, 10, 3)),
        ("środa, 1 stycznia 2025, 00:01", datetime(2025, 1, 1, 0, 1)),
        ("14 October 2024, 10:03 AM", datetime(2024, 10, 14, 10, 3)),
        ("Monday, 31 February 2024, 10:03 AM", None),
        ("Monday, 14 Brumaire 2024, 10:03 AM", None),
        ("Monday, 14 October 2024, 13:03 PM", None),
        ("yesterday", None),
    ],
)
def test_moodle_dates_in_english_and_polish(cell, expected):
    assert parse_moodle_date(cell) == expected


# --- matching a download ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "layout", "blind"),
    [("4.1", "folders", False), ("3.x", "folders", False), ("4.1", "flat", False), ("4.1", "folders", True)],
)
def test_download_matches_the_worksheet_by_participant_id(tmp_path, version, layout, blind):
    who = people()
    worksheet = sheet(tmp_path, who=who)
    zipped = write_download(tmp_path / "COURSE-Lab-12.zip", who, version=version, layout=layout, blind=blind)
    download = moodle_submissions(e.path for e in read_download(zipped).entries)
    matched = match_download(worksheet, download, zipped.name)
    assert {pid: p.display_name for pid, p in matched.items()} == {
        "1000001": "Jan Kowalski",
        "1000015": "Anna_Maria Nowak",
        "1000022": "Piotr Późny",
    }  # 1000008 submitted nothing, so is not in the download
    assert download.submissions[0].blind is blind


def test_an_unpacked_download_folder_matches_too(tmp_path):
    who = people()
    folder = write_download(tmp_path / "unpacked", who, as_zip=False)
    download = moodle_submissions(e.path for e in read_download(folder).entries)
    assert sorted(match_download(sheet(tmp_path, who=who), download, "unpacked")) == ["1000001", "1000015", "1000022"]


def test_worksheet_of_another_assignment_shares_no_id(tmp_path):
    worksheet = sheet(tmp_path, who=people(start=2000001))
    zipped = write_download(tmp_path / "dl.zip", people())
    download = moodle_submissions(e.path for e in read_download(zipped).entries)
    with pytest.raises(CourseError) as error:
        match_download(worksheet, download, "dl.zip")
    assert str(error.value) == (
        "dl.zip: shares no participant id with it: Moodle numbers participants per assignment, so it is the "
        f"worksheet of another assignment ({worksheet.path}; ids 1000001, 1000015, 1000022). Fix: download the "
        "worksheet of the same assignment, after the last submission."
    )


def test_a_participant_missing_from_the_worksheet_is_named(tmp_path):
    who = people()
    worksheet = sheet(tmp_path, who=who[:2])
    download = moodle_submissions(P(f"{p.name}_{p.participant_id}_assignsubmission_file/lab.ipynb") for p in who)
    with pytest.raises(
        CourseError, match=r"dl: has 2 participant id\(s\) of 4 the worksheet lacks \(.*; ids 1000015, 1000022\)"
    ):
        match_download(worksheet, download, "dl")


def P(path: str) -> PurePosixPath:  # noqa: N802 - the shape of tests/test_lms_moodle.py
    return PurePosixPath(path.replace("Anna_Maria", "Anna Maria"))


# --- writing back ----------------------------------------------------------------------------


def users(worksheet: Worksheet) -> dict[str, str]:
    return {p.participant_id: p.key for p in worksheet.roster.people}


def unchanged_except(before: bytes, after: bytes, columns: set[int]) -> None:
    """Every cell outside ``columns``, and every row not graded, is as downloaded."""
    old = list(csv.reader(io.StringIO(before.decode("utf-8-sig"), newline="")))
    new = list(csv.reader(io.StringIO(after.decode("utf-8-sig"), newline="")))
    assert new[0] == old[0] and len(new) == len(old)
    for a, b in zip(old, new, strict=True):
        assert [c for i, c in enumerate(a) if i not in columns] == [c for i, c in enumerate(b) if i not in columns]


@pytest.mark.parametrize(("lang", "bom", "newline"), [("en", True, "\r\n"), ("pl", False, "\n"), ("pl", True, "\r\n")])
def test_round_trip_is_what_moodles_importer_accepts(tmp_path, lang, bom, newline):
    worksheet = sheet(tmp_path, lang=lang, bom=bom, newline=newline, identity=("email", "id_number"))
    jan, zaz, anna, piotr = worksheet.roster.people
    stranger = Person("Nobody_99", "Nobody", participant_id="99")
    marks = [
        mark(jan, 7.456),
        mark(zaz, 0.0, feedback="<p>Nie przesłano</p>"),
        mark(anna, None),
        mark(piotr, 10),
        mark(stranger, 5),
    ]
    before = worksheet.path.read_bytes()
    result = write_worksheet(worksheet, marks, tmp_path / "upload.csv")
    after = result.path.read_bytes()
    assert worksheet.path.read_bytes() == before  # the download is never modified
    assert (result.written, result.left_pending, result.not_in_worksheet) == ((jan, zaz, piotr), (anna,), (stranger,))
    assert result.feedback and result.capped == ()
    assert after.startswith(b"\xef\xbb\xbf") is bom and after.count(b"\r\n") == before.count(b"\r\n")
    grade, feedback = worksheet.columns["grade"], worksheet.columns["feedback_comments"]
    unchanged_except(before, after, {grade, feedback})
    assert moodle_import(after, lang, users(worksheet), 10.0, decsep="," if lang == "pl" else ".") == {
        jan.key: (7.46, "<p>ok</p>"),
        zaz.key: (0.0, "<p>Nie przesłano</p>"),
        piotr.key: (10.0, "<p>ok</p>"),
    }


def test_rows_not_graded_keep_their_bytes(tmp_path):
    worksheet = sheet(tmp_path, newline="\r\n")
    before = worksheet.path.read_bytes()
    write_worksheet(worksheet, [mark(p, None) for p in worksheet.roster.people], tmp_path / "same.csv")
    assert (tmp_path / "same.csv").read_bytes() == before
    first = worksheet.roster.people[0]
    write_worksheet(worksheet, [mark(first, 3)], tmp_path / "one.csv")
    old, new = before.split(b"\r\n"), (tmp_path / "one.csv").read_bytes().split(b"\r\n")
    assert new[0] == old[0] and new[2:] == old[2:]  # the header and every other row, byte for byte
    assert (
        new[1]
        == old[1].replace(b'Submitted for grading",,', b'Submitted for grading",3,').removesuffix(b",")
        + b',"<p>ok</p>"'
    )


def test_grades_are_rounded_to_two_decimals_and_kept_within_the_maximum(tmp_path):
    worksheet = sheet(tmp_path)
    jan, zaz, anna, piotr = worksheet.roster.people
    marks = [mark(jan, 9.999), mark(zaz, 12), mark(anna, -1), mark(piotr, 1 / 3)]
    result = write_worksheet(worksheet, marks, tmp_path / "out.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text("utf-8-sig"))))
    assert [r[worksheet.columns["grade"]] for r in rows[1:]] == ["10", "10", "0", "0.33"]
    assert result.capped == (zaz,)


def test_a_lab_maximum_other_than_the_worksheets_is_refused_unless_scaled(tmp_path):
    worksheet = sheet(tmp_path)
    jan = worksheet.roster.people[0]
    with pytest.raises(ExportError) as error:
        write_worksheet(worksheet, [mark(jan, 15, max_points=20)], tmp_path / "out.csv")
    assert str(error.value) == (
        f"{worksheet.path}: the worksheet's Maximum grade is 10, the lab's maximum 20. Fix: pass scale=True "
        "(--scale) to rescale the points proportionally, or set the maximum grade to 20 in the assignment's "
        "settings in Moodle and download the worksheet again."
    )
    assert not (tmp_path / "out.csv").exists()
    write_worksheet(worksheet, [mark(jan, 15, max_points=20)], tmp_path / "out.csv", scale=True)
    assert moodle_import((tmp_path / "out.csv").read_bytes(), "en", users(worksheet), 10.0) == {
        jan.key: (7.5, "<p>ok</p>")
    }


def test_a_worksheet_without_feedback_comments_takes_grades_only(tmp_path):
    worksheet = sheet(tmp_path, feedback_column=False)
    jan = worksheet.roster.people[0]
    result = write_worksheet(worksheet, [mark(jan, 4)], tmp_path / "out.csv")
    assert not result.feedback
    assert moodle_import(result.path.read_bytes(), "en", users(worksheet), 10.0) == {jan.key: (4.0, None)}


def test_empty_feedback_leaves_a_comment_typed_in_moodle(tmp_path):
    who = people()
    who[0] = Participant(**{**who[0].__dict__, "feedback": "<p>typed by hand</p>", "grade": "6.00"})
    worksheet = sheet(tmp_path, who=who)
    write_worksheet(worksheet, [mark(worksheet.roster.people[0], 8, feedback="")], tmp_path / "out.csv")
    assert moodle_import((tmp_path / "out.csv").read_bytes(), "en", users(worksheet), 10.0)["Jan_Kowalski_1000001"] == (
        8.0,
        "<p>typed by hand</p>",
    )


def test_a_worksheet_without_last_modified_grade_cannot_be_written(tmp_path):
    rows = [[c for i, c in enumerate(r) if i != 8] for r in worksheet_rows(people())]
    path = tmp_path / "grades.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    worksheet = read_worksheet(path)
    with pytest.raises(
        CourseError, match=r"no Last modified \(grade\) column \(modified_grade\); its headers are \['Identifier'"
    ):
        write_worksheet(worksheet, [], tmp_path / "out.csv")


def test_the_download_itself_is_never_the_output(tmp_path):
    worksheet = sheet(tmp_path)
    before = worksheet.path.read_bytes()
    with pytest.raises(ExportError, match=r"grades\.csv: is the downloaded worksheet itself\. Fix: write the copy"):
        write_worksheet(worksheet, [mark(worksheet.roster.people[0], 1)], worksheet.path)
    assert worksheet.path.read_bytes() == before


def test_short_rows_get_the_cells_they_lack(tmp_path):
    rows = worksheet_rows(people())
    rows[1] = rows[1][:3]
    path = tmp_path / "grades.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    worksheet = read_worksheet(path)
    write_worksheet(worksheet, [mark(worksheet.roster.people[0], 5)], tmp_path / "out.csv")
    out = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text("utf-8"))))
    assert out[1] == [*rows[1], "", "5", "", "", "", "", "<p>ok</p>"]


def test_hostile_names_are_read_as_given_and_written_back_untouched(tmp_path):
    who = people(HOSTILE_NAMES)
    worksheet = sheet(tmp_path, who=who, newline="\r\n")
    assert [p.display_name for p in worksheet.roster.people] == HOSTILE_NAMES
    assert [p.key for p in worksheet.roster.people] == [
        "x_1000001",  # grader.course.student_key: no "/" survives, no leading dot (a hidden file)
        "Anna_Maria_Nowak_1000008",
        "Zażółć_Gęślą-Jaźń_1000015",
        "Tom_T_O_Brien_Jr._1000022",
        "HYPERLINK_http_x_1000029",
    ]
    before = worksheet.path.read_bytes()
    marks = [mark(p, 5, feedback='<p class="x">a, "b"\nc</p>') for p in worksheet.roster.people]
    write_worksheet(worksheet, marks, tmp_path / "out.csv")
    after = (tmp_path / "out.csv").read_bytes()
    unchanged_except(before, after, {worksheet.columns["grade"], worksheet.columns["feedback_comments"]})
    imported = moodle_import(after, "en", users(worksheet), 10.0)
    assert set(imported.values()) == {(5.0, '<p class="x">a, "b"\nc</p>')} and len(imported) == 5


def test_eight_hundred_rows_read_and_write_quickly(tmp_path):
    from time import perf_counter

    from reference.build.moodle_download import participants

    who = participants(800)
    started = perf_counter()
    worksheet = sheet(tmp_path, who=who)
    write_worksheet(worksheet, [mark(p, 5) for p in worksheet.roster.people], tmp_path / "out.csv")
    assert len(worksheet.roster.people) == 800 and perf_counter() - started < 2
