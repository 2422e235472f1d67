"""Canvas's "Download Submissions" layout, its gradebook export read as the roster, and the import
CSV written back, re-read with Canvas's importer's rules.

Member names and gradebooks are built by reference/build/canvas_download.py from Canvas's own
code (content_zipper.rb, attachment.rb, gradebook_exporter.rb); ../shared/research/lms-formats.md
sections 3, 4 and 10 quote it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from pathlib import PurePosixPath as P

import pytest

from grader.course import Person
from grader.errors import CourseError, ExportError
from grader.lms.archive import read_download
from grader.lms.canvas import (
    CanvasDownload,
    CanvasGradebook,
    canvas_submissions,
    choose_canvas_notebook,
    given_name,
    read_gradebook,
    write_gradebook_import,
)
from grader.lms.marks import GRADED, PENDING, Mark
from reference.build.canvas_download import (
    ExportAssignment,
    ExportStudent,
    download_zip,
    file_member,
    gradebook_csv,
    member_prefix,
    page_member,
    unique_filename,
)


def read(*members: str) -> CanvasDownload:
    return canvas_submissions(P(m) for m in members)


def who(download: CanvasDownload) -> list[tuple[str, bool, str, bool, tuple[str, ...]]]:
    return [(s.user_id, s.anonymous, s.name, s.late, tuple(map(str, s.paths))) for s in download.submissions]


# The download ---------------------------------------------------------------------------------------


def test_an_on_time_upload_names_the_user_then_the_attachment():
    name = file_member(member_prefix("Doe, Jane", "12345"), "67890", "hw1.ipynb")
    assert name == "doejane_12345_67890_hw1.ipynb"
    (jane,) = read(name).submissions
    assert (jane.user_id, jane.anonymous, jane.name, jane.late) == ("12345", False, "doejane", False)
    assert [(f.attachment_id, f.given_name, f.numbered) for f in jane.files] == [("67890", "hw1.ipynb", False)]


def test_the_late_marker_of_current_canvas_and_of_older_lower_case_canvas():
    current = file_member(member_prefix("Doe, Jane", "12345", late=True), "67891", "hw1.ipynb")
    older = file_member(member_prefix("Roe, John", "12346", late=True, old=True), "67892", "hw1.ipynb")
    assert (current, older) == ("doejane_LATE_12345_67891_hw1.ipynb", "roejohn_late_12346_67892_hw1.ipynb")
    assert who(read(current, older)) == [
        ("12345", False, "doejane", True, (current,)),
        ("12346", False, "roejohn", True, (older,)),
    ]


def test_anonymous_grading_names_no_one_and_may_be_late_in_either_case():
    on_time = file_member(member_prefix(None, "", anonymous_id="aB3xQ"), "67892", "hw1.ipynb")
    late = file_member(member_prefix(None, "", late=True, anonymous_id="Zz9"), "67893", "hw1.ipynb")
    older = "late_anon_12345_67894_hw1.ipynb"  # an anonymous id may be all digits: still anonymous
    assert (on_time, late) == ("anon_aB3xQ_67892_hw1.ipynb", "LATE_anon_Zz9_67893_hw1.ipynb")
    assert who(read(on_time, late, older)) == [
        ("12345", True, "", True, (older,)),
        ("Zz9", True, "", True, (late,)),
        ("aB3xQ", True, "", False, (on_time,)),
    ]


def test_a_numbered_copy_keeps_its_member_path_and_gives_the_students_name():
    taken = unique_filename("hw1.ipynb", ["hw1.ipynb"])
    name = file_member(member_prefix("Doe, Jane", "12345"), "67891", taken)
    (jane,) = read(name).submissions
    (file,) = jane.files
    assert (str(file.path), file.given_name, file.numbered) == ("doejane_12345_67891_hw1-1.ipynb", "hw1.ipynb", True)


def test_the_number_goes_before_canvas_s_greedy_multi_dot_extension():
    assert unique_filename("a.b.c.pdf", ["a.b.c.pdf"]) == "a-1.b.c.pdf"
    assert given_name("a-1.b.c.pdf") == "a.b.c.pdf"
    assert given_name("lab.tar-3.gz") == "lab.tar.gz"  # older Canvas: File.extname, one extension
    assert given_name("hw1-8c1f3e2a-1b2c-4d5e-8f90-123456789abc.ipynb") == "hw1.ipynb"  # after -7: a uuid
    assert given_name("lab_2_final.ipynb") == "lab_2_final.ipynb"
    assert given_name("-1.ipynb") == "-1.ipynb"  # nothing would be left: not Canvas's number


def test_online_text_and_url_pages_join_the_files_of_the_same_student():
    prefix = member_prefix("Doe, Jane", "12345")
    upload = file_member(prefix, "67890", "hw1.ipynb")
    (jane,) = read(upload, page_member(prefix, "text"), page_member(prefix, "link")).submissions
    assert jane.text_html == P("doejane_12345_text.html")
    assert jane.link_html == P("doejane_12345_link.html")
    assert [str(f.path) for f in jane.files] == [upload]


def test_a_file_the_student_named_text_html_is_a_file_not_the_online_text():
    (jane,) = read("doejane_12345_67890_text.html").submissions
    assert jane.text_html is None
    assert [f.given_name for f in jane.files] == ["text.html"]


def test_an_anonymous_online_text_entry():
    (anon,) = read(page_member(member_prefix(None, "", anonymous_id="aB3xQ"))).submissions
    assert (anon.user_id, anon.anonymous, anon.text_html) == ("aB3xQ", True, P("anon_aB3xQ_text.html"))


def test_underscores_and_digits_of_a_name_and_of_a_file_name():
    # Canvas removes the "_" around digits in a name, so the first all-digit token is the user id
    prefix = member_prefix("Nowak_2_, Anna_Maria", "31")
    name = file_member(prefix, "77", "lab_2_final.ipynb")
    assert name == "nowak2anna_maria_31_77_lab_2_final.ipynb"
    assert who(read(name)) == [("31", False, "nowak2anna_maria", False, (name,))]
    assert read(name).submissions[0].files[0].given_name == "lab_2_final.ipynb"


def test_polish_letters_survive_the_sanitising():
    name = file_member(member_prefix("Żółkiewski, Łukasz", "506"), "1", "lab.ipynb")
    assert name == "żółkiewskiłukasz_506_1_lab.ipynb"
    assert who(read(name))[0][:3] == ("506", False, "żółkiewskiłukasz")


def test_students_are_sorted_by_user_id_as_numbers():
    download = read("b_100_1_a.ipynb", "a_9_2_a.ipynb")
    assert [s.user_id for s in download.submissions] == ["9", "100"]


def test_paths_of_no_student_are_kept_as_unrecognised():
    download = read(
        "doejane_12345_67890_hw1.ipynb",
        "readme.txt",
        "doejane_hw1.ipynb",
        "__MACOSX/._doejane_12345_67890_hw1.ipynb",
        "._doejane_12345_67890_hw1.ipynb",
        "../doejane_12345_67890_hw1.ipynb",
        "roejohn_12345_67891_other.ipynb",
    )
    assert who(download) == [("12345", False, "doejane", False, ("doejane_12345_67890_hw1.ipynb",))]
    assert download.unrecognised == (
        P("../doejane_12345_67890_hw1.ipynb"),
        P("._doejane_12345_67890_hw1.ipynb"),
        P("__MACOSX/._doejane_12345_67890_hw1.ipynb"),
        P("doejane_hw1.ipynb"),
        P("readme.txt"),
        P("roejohn_12345_67891_other.ipynb"),
    )


def test_an_unpacked_download_inside_a_folder():
    download = read("submissions/doejane_12345_67890_hw1.ipynb")
    assert who(download) == [("12345", False, "doejane", False, ("submissions/doejane_12345_67890_hw1.ipynb",))]


def test_a_zip_built_like_canvas_s_reads_through_the_safe_reader(tmp_path: Path):
    prefix = member_prefix("Doe, Jane", "12345", late=True)
    members = {
        file_member(prefix, "67890", "lab-1.ipynb"): b"{}",
        file_member(prefix, "67891", "helpers.py"): b"x = 1\n",
    }
    zipped = download_zip(tmp_path / "submissions.zip", members)
    download = canvas_submissions(entry.path for entry in read_download(zipped).entries)
    (jane,) = download.submissions
    assert jane.late and [f.given_name for f in jane.files] == ["lab.ipynb", "helpers.py"]


def test_the_notebook_is_chosen_by_the_name_the_student_gave():
    (jane,) = read(
        "doejane_12345_2_lab-1.ipynb", "doejane_12345_3_scratch.ipynb", "doejane_12345_4_helpers.py"
    ).submissions
    assert choose_canvas_notebook(jane, "templates/lab.ipynb") == (
        P("doejane_12345_2_lab-1.ipynb"),
        "2 notebooks submitted: took the one named like the template (lab.ipynb)",
    )


def test_two_notebooks_given_one_name_stay_two_and_the_newest_is_taken():
    (jane,) = read("doejane_12345_2_lab.ipynb", "doejane_12345_3_lab-1.ipynb").submissions
    first, second = P("doejane_12345_2_lab.ipynb"), P("doejane_12345_3_lab-1.ipynb")
    assert choose_canvas_notebook(jane, "lab.ipynb", {first: 20.0, second: 10.0}) == (
        first,
        "2 notebooks submitted, 2 named like the template: took the newest",
    )


def test_no_notebook_among_the_files():
    (jane,) = read("doejane_12345_2_lab.py").submissions
    assert choose_canvas_notebook(jane, "lab.ipynb") == (None, "no notebook submitted")


# The gradebook export -------------------------------------------------------------------------------

JANE = ExportStudent("Doe, Jane", "12345", "s100", "jdoe", "Section A", {"345": "7.00"})
JAN = ExportStudent("Kowalski, Jan", "12346", "s101", "jkowalski", "Section B", {"345": ""})
ZOFIA = ExportStudent("=Nowak, Zofia", "12347", "", "znowak", "Section A", {"345": "EX"})
LAB = ExportAssignment("Lab 3", "345", 10.0)
QUIZ = ExportAssignment("Quiz (week 2)", "346", 5.0)


def export(tmp_path: Path, name: str = "grades.csv", **options: object) -> Path:
    path = tmp_path / name
    students = options.pop("students", [JANE, JAN, ZOFIA])
    assignments = options.pop("assignments", [LAB, QUIZ])
    path.write_bytes(gradebook_csv(students, assignments, **options))  # type: ignore[arg-type]
    return path


def test_the_roster_of_an_export_with_a_bom(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path, bom=True))
    assert gradebook.bom and gradebook.delimiter == ","
    assert gradebook.roster.people == (
        Person(
            "Doe_Jane_12345", "Doe, Jane", lms_user_id="12345", sis_id="s100", sis_login="jdoe", section="Section A"
        ),
        Person(
            "Kowalski_Jan_12346",
            "Kowalski, Jan",
            lms_user_id="12346",
            sis_id="s101",
            sis_login="jkowalski",
            section="Section B",
        ),
        Person("Nowak_Zofia_12347", "=Nowak, Zofia", lms_user_id="12347", sis_login="znowak", section="Section A"),
    )
    assert gradebook.roster.source == str(tmp_path / "grades.csv")


def test_without_a_bom_with_semicolons_and_without_sis_user_ids(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path, delimiter=";", include_sis_id=False))
    assert not gradebook.bom and gradebook.delimiter == ";"
    assert gradebook.identity == 4
    assert [(p.display_name, p.sis_id, p.sis_login) for p in gradebook.roster.people][0] == ("Doe, Jane", "", "jdoe")


def test_the_points_possible_and_manual_posting_rows_are_no_students(tmp_path: Path):
    gradebook = read_gradebook(
        export(tmp_path, assignments=[ExportAssignment("Lab 3", "345", 10.0, manual_posting=True)])
    )
    assert gradebook.points_row[0] == "    Points Possible"
    assert gradebook.posting_row is not None and "Manual Posting" in gradebook.posting_row
    assert [p.lms_user_id for p in gradebook.roster.people] == ["12345", "12346", "12347"]
    assert gradebook.column("345").points_possible == "10.00"


def test_the_integration_id_column_in_its_fixed_place(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path, integration_id=True))
    assert gradebook.identity == 6 and gradebook.header[4] == "Integration ID"
    assert gradebook.roster.people[0].section == "Section A"


def test_the_test_student_is_kept_in_the_rows_and_out_of_the_roster(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path, test_student_id="999"))
    assert gradebook.test_students == ("999",)
    assert "999" not in [p.lms_user_id for p in gradebook.roster.people]
    assert [row[1] for row in gradebook.rows][-1] == "999"


def test_a_translated_test_student_is_recognised_by_its_hashed_login(tmp_path: Path):
    polish = ExportStudent("Testowy, Student", "998", "", "0123456789abcdef0123456789abcdef01234567", "A")
    gradebook = read_gradebook(export(tmp_path, students=[JANE, polish]))
    assert gradebook.test_students == ("998",)


def test_a_student_with_a_sis_id_is_never_taken_for_the_test_student(tmp_path: Path):
    named = ExportStudent("Student, Test", "997", "s9", "tstudent", "A")
    assert read_gradebook(export(tmp_path, students=[named])).test_students == ()


def test_assignment_columns_by_id_by_header_and_by_title(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path))
    assert gradebook.column("345").header == "Lab 3 (345)"
    assert gradebook.column("Lab 3 (345)").assignment_id == "345"
    assert gradebook.column("Quiz (week 2)").assignment_id == "346"  # parentheses in a title
    assert [c.header for c in gradebook.assignments] == ["Lab 3 (345)", "Quiz (week 2) (346)"]  # totals are not


def test_a_missing_assignment_column_names_the_file_the_columns_and_the_fix(tmp_path: Path):
    gradebook = read_gradebook(path := export(tmp_path))
    with pytest.raises(CourseError) as raised:
        gradebook.column("999")
    assert str(raised.value) == (
        f"{path}: no assignment column '999'; the assignment columns found: 'Lab 3 (345)', 'Quiz (week 2) (346)'. "
        "Fix: give the assignment's id (the number in its Canvas address, .../assignments/345) or its title as in the "
        "header; if it is not there, publish the assignment and export it again in Canvas: Grades > Export > Export "
        "Entire Gradebook."
    )


def test_two_columns_of_one_title_need_the_id(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path, assignments=[LAB, ExportAssignment("Lab 3", "347", 10)]))
    with pytest.raises(CourseError, match="2 assignment columns are titled 'Lab 3'"):
        gradebook.column("Lab 3")


def test_a_header_without_section_where_canvas_puts_it_is_refused(tmp_path: Path):
    path = tmp_path / "moved.csv"
    path.write_text("Student,ID,SIS Login ID,Lab 3 (345),Section\n    Points Possible,,,10,\n", encoding="utf-8")
    with pytest.raises(CourseError, match=r"column 4 is 'Lab 3 \(345\)' where Canvas puts 'Section'"):
        read_gradebook(path)


def test_a_file_that_is_not_a_canvas_export_is_refused(tmp_path: Path):
    path = tmp_path / "moodle.csv"
    path.write_text("Identifier,Full name,Email address,Grade\n", encoding="utf-8")
    with pytest.raises(CourseError, match="not Canvas's 'Student, ID, ...'"):
        read_gradebook(path)


def test_a_file_saved_again_in_another_encoding_is_refused(tmp_path: Path):
    path = tmp_path / "latin2.csv"
    path.write_bytes(gradebook_csv([ExportStudent("Żak, Ola", "1", "", "oz", "A")], [LAB]).decode().encode("cp1250"))
    with pytest.raises(CourseError, match="is not UTF-8"):
        read_gradebook(path)


def test_an_export_without_a_points_possible_row_is_refused(tmp_path: Path):
    path = tmp_path / "cut.csv"
    path.write_text('Student,ID,SIS Login ID,Section,Lab 3 (345)\n"Doe, Jane",12345,jdoe,A,7\n', encoding="utf-8")
    with pytest.raises(CourseError, match="has no 'Points Possible' row"):
        read_gradebook(path)


def test_one_id_on_two_rows_is_refused(tmp_path: Path):
    path = export(tmp_path, students=[JANE, ExportStudent("Doe, Janet", "12345", "", "jd2", "A")])
    with pytest.raises(CourseError, match="ID 12345 is on lines 3 and 4"):
        read_gradebook(path)


# The import CSV, re-read with Canvas's importer's rules ---------------------------------------------


def canvas_import(path: Path) -> dict[str, object]:
    """A small reimplementation of what app/models/gradebook_importer.rb does with a file, to check
    ours against: the delimiter detected, the header's student columns (Student, ID, SIS columns in
    fixed positions, last of them Section: else "Invalid header row"), totals stripped, every other
    header an assignment by ``Title (id)`` (an unknown one would be created), the Points Possible and
    posting rows skipped, students matched by ID; scores ``EX``, blank or ``-``, decimal commas read
    as points. Returns the assignments' headers, the points possible and the scores by user id."""
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[:3]
    sizes = {s: {len(next(csv.reader([line], delimiter=s))) for line in first} for s in ";,"}
    counts = {s: sizes[s].pop() if len(sizes[s]) == 1 else 0 for s in ";,"}
    delimiter = ";" if counts[";"] > counts[","] else ","
    rows = [
        r
        for r in csv.reader(io.StringIO(text), delimiter=delimiter)
        if r and not re.fullmatch(r"[;, ]+", delimiter.join(r))
    ]
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], "Invalid header row"
    count = 4 if re.search(r"SIS\s+Login\s+ID", header[2]) else 5 + bool(re.search("Integration", header[4]))
    assert "Section" in header[count - 1], "Invalid header row"
    assignments = [h for h in header[count:] if not re.search("Current|Final|Override", h)]
    assert all(re.fullmatch(r"(.*)\s\((\d+)\)", h) for h in assignments), "an unknown column would create an assignment"
    points: dict[str, str] = {}
    scores: dict[str, dict[str, str]] = {}
    for row in rows[1:]:
        if "Points Possible" in row[0]:
            points = {h: row[header.index(h)] for h in assignments}
        elif all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", c, re.IGNORECASE) for c in row):
            continue
        else:
            scores[row[1]] = {h: row[header.index(h)].replace(",", ".") for h in assignments}
    return {"assignments": assignments, "points": points, "scores": scores, "header": header[:count]}


def mark(person: Person, points: float | None, state: str = GRADED, pending: tuple[str, ...] = ()) -> Mark:
    return Mark(person, state, points, 10.0, pending)


def test_the_import_round_trip_fills_the_one_column_and_leaves_pending_cells_as_exported(tmp_path: Path):
    source = export(tmp_path, bom=True, test_student_id="999")
    before = source.read_bytes()
    gradebook = read_gradebook(source)
    jane, jan, zofia = gradebook.roster.people
    marks = [mark(jane, 8.5), mark(jan, None, PENDING, ("q3",)), mark(zofia, 10.0)]
    result = write_gradebook_import(gradebook, "345", marks, tmp_path / "import.csv")
    assert result.graded == ("Doe_Jane_12345", "Nowak_Zofia_12347")
    assert result.pending == (("Kowalski_Jan_12346", ("q3",)),)
    seen = canvas_import(result.path)
    assert seen["header"] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert seen["assignments"] == ["Lab 3 (345)"]
    assert seen["points"] == {"Lab 3 (345)": "10.00"}
    assert seen["scores"] == {
        "12345": {"Lab 3 (345)": "8.5"},
        "12346": {"Lab 3 (345)": ""},  # as exported: Canvas changes nothing
        "12347": {"Lab 3 (345)": "10"},
        "999": {"Lab 3 (345)": ""},
    }
    assert source.read_bytes() == before
    assert result.path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_untouched_cells_are_identical_to_the_export(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path, delimiter=";"))
    result = write_gradebook_import(gradebook, "Lab 3", [], tmp_path / "import.csv")
    written = list(csv.reader(io.StringIO(result.path.read_text(encoding="utf-8")), delimiter=";"))
    exported = list(csv.reader(io.StringIO(gradebook.source.read_text(encoding="utf-8")), delimiter=";"))
    kept = [0, 1, 2, 3, 4, 5]
    assert written == [[row[i] for i in kept] for row in exported]
    assert written[4][0] == '="=Nowak, Zofia"'  # the exporter's guard kept for the importer's name match


def test_the_manual_posting_row_of_the_assignment_is_kept(tmp_path: Path):
    gradebook = read_gradebook(
        export(tmp_path, assignments=[ExportAssignment("Lab 3", "345", 10, manual_posting=True)])
    )
    result = write_gradebook_import(gradebook, "345", [], tmp_path / "import.csv")
    assert result.path.read_text(encoding="utf-8").splitlines()[1] == ",,,,,Manual Posting"


def test_a_grade_above_points_possible_names_the_student_and_both_numbers(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path))
    jane = gradebook.roster.people[0]
    out = tmp_path / "import.csv"
    with pytest.raises(ExportError) as raised:
        write_gradebook_import(gradebook, "345", [mark(jane, 10.5)], out)
    assert str(raised.value) == (
        f"{out}: Doe, Jane (ID 12345) would get 10.5 points in 'Lab 3 (345)', whose Points Possible is 10. "
        "Fix: correct the grade, or the assignment's points in Canvas and export the gradebook again."
    )
    assert not out.exists()


def test_a_negative_grade_is_refused(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path))
    with pytest.raises(ExportError, match="would get -1 points"):
        write_gradebook_import(gradebook, "345", [mark(gradebook.roster.people[0], -1.0)], tmp_path / "i.csv")


def test_a_mark_for_someone_not_in_the_gradebook_is_refused(tmp_path: Path):
    gradebook = read_gradebook(export(tmp_path))
    stranger = Person("X_1", "X", lms_user_id="1")
    with pytest.raises(ExportError, match=r"1 marked people are not in this gradebook \(X\)"):
        write_gradebook_import(gradebook, "345", [mark(stranger, 1.0)], tmp_path / "i.csv")


def test_the_export_itself_is_never_overwritten(tmp_path: Path):
    gradebook = read_gradebook(source := export(tmp_path))
    with pytest.raises(ExportError, match="is the gradebook export itself"):
        write_gradebook_import(gradebook, "345", [], source)


def test_a_read_only_column_is_refused(tmp_path: Path):
    gradebook: CanvasGradebook = read_gradebook(export(tmp_path))
    column = gradebook.column("345")
    locked = type(column)(column.index, column.header, column.title, column.assignment_id, "(read only)")
    with pytest.raises(ExportError, match="is read-only in Canvas"):
        write_gradebook_import(gradebook, locked, [], tmp_path / "i.csv")


def test_decimal_comma_points_possible(tmp_path: Path):
    path = tmp_path / "pl.csv"
    path.write_text(
        'Student;ID;SIS Login ID;Section;Lab 3 (345)\n    Points Possible;;;;7,50\n"Doe, Jane";12345;jdoe;A;\n',
        encoding="utf-8",
    )
    gradebook = read_gradebook(path)
    with pytest.raises(ExportError, match="whose Points Possible is 7.5"):
        write_gradebook_import(gradebook, "345", [mark(gradebook.roster.people[0], 7.6)], tmp_path / "i.csv")


def test_an_id_that_is_no_canvas_user_id_names_its_line(tmp_path: Path):
    manual = [ExportAssignment("Lab 3", "345", 10.0, manual_posting=True)]
    path = export(tmp_path, students=[JANE, ExportStudent("Roe, John", "s-17", "", "jroe", "A")], assignments=manual)
    with pytest.raises(CourseError) as raised:
        read_gradebook(path)
    assert str(raised.value) == (
        f"{path}: line 5 ('Roe, John') has ID 's-17', not a Canvas user id. "
        "Fix: export it again in Canvas: Grades > Export > Export Entire Gradebook."
    )
