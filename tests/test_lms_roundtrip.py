"""The Moodle round trip end to end, as an instructor runs it (docs/lms.md): the bundled download of
the demo (submissions/moodle/generative-tf, built by reference/generative_tf/build/moodle_demo.py)
is graded with its worksheet and a late policy, then exported; the worksheet and the feedback zip
are read back with Moodle's own importer rules (the oracles of tests/test_lms_moodle_worksheet.py
and tests/test_lms_moodle_feedback.py)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from grader import service
from grader.cli import main
from grader.labs import find_lab
from grader.settings import load_settings
from tests.test_lms_moodle_feedback import moodle_feedback_import
from tests.test_lms_moodle_worksheet import moodle_import

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "submissions" / "moodle" / "generative-tf"
WORKSHEET = DEMO / "Grades-ML-Lab 3-991.csv"
PARTICIPANTS = {str(n): str(n) for n in range(1000101, 1000107)}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("moodle-round-trip")
    before = (DEMO / "download.zip").read_bytes(), WORKSHEET.read_bytes()
    # fmt: off
    code = main([
        "grade", str(DEMO / "download.zip"), "--lab", "generative-tf", "--lms", "moodle", "--roster", str(WORKSHEET),
        "--assignment", "ML Lab 3 2024", "--due", "2024-10-14T23:59", "--tz", "Europe/Warsaw",
        "--late-penalty", "0.1", "--grace", "15m", "--out", str(out), "--quiet", "--lang", "en",
    ])
    # fmt: on
    assert code == 0
    assert ((DEMO / "download.zip").read_bytes(), WORKSHEET.read_bytes()) == before  # inputs only read
    return out


def _export(out: Path, *extra: str) -> int:
    return main(
        ["export", "moodle", "--lab", "generative-tf", "--assignment", "ML Lab 3 2024", "--worksheet", str(WORKSHEET)]
        + ["--out", str(out), "--lang", "en", *extra]
    )


def test_the_roster_is_graded_with_nobody_lost(graded):
    with (graded / "grades.csv").open(encoding="utf-8") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    # graded, with the prose awaiting a person: "awaiting manual grading (N items, P points)"
    assert {k: r["status"].split(" (")[0] for k, r in rows.items()} == {
        "Zażółć_Gęślą_1000101": "awaiting manual grading",
        "Anna_Maria_Nowak_1000102": "awaiting manual grading",  # the worksheet's name, with its underscore
        "Łukasz_Wójcik_1000103": "awaiting manual grading",
        "Jan_Kowalski_1000104": "awaiting manual grading",  # his helpers.py is an attachment, not a student
        "Ewa_Kamińska_1000105": "no notebook",
        "Piotr_Zieliński_1000106": "not submitted",
    }
    results = json.loads((graded / "results.json").read_text(encoding="utf-8"))
    late = {s["student"]: s["late_deduction"] for s in results["submissions"]}
    assert late["Łukasz_Wójcik_1000103"] == pytest.approx(1.1)  # 2 started days after grace: 20 % of 5.5
    assert late["Zażółć_Gęślą_1000101"] == 0


def test_by_default_pending_students_are_left_out_and_listed(graded, capsys):
    assert _export(graded) == 0
    said = capsys.readouterr().out
    assert "4 students have items awaiting manual grading, left out" in said
    imported = moodle_import((graded / "lms" / "moodle-grading-worksheet.csv").read_bytes(), "en", PARTICIPANTS, 5.5)
    # only the people with nothing to wait for get a grade: the 0 of who handed in no notebook
    assert {user: grade for user, (grade, _) in imported.items()} == {"1000105": 0.0, "1000106": 0.0}


def test_with_allow_pending_moodle_imports_every_grade_and_report(graded):
    assert _export(graded, "--allow-pending") == 0
    data = (graded / "lms" / "moodle-grading-worksheet.csv").read_bytes()
    imported = moodle_import(data, "en", PARTICIPANTS, 5.5)
    assert set(imported) == set(PARTICIPANTS)
    assert imported["1000103"][0] == pytest.approx(1.9, abs=0.01)  # 3.0 earned, 1.1 off for lateness
    assert "Submitted 2 days late" in imported["1000103"][1]
    # every column Moodle reads or compares is kept as downloaded
    before = list(csv.reader(io.StringIO(WORKSHEET.read_text(encoding="utf-8-sig"))))
    after = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert after[0] == before[0]
    assert [r[0] for r in after] == [r[0] for r in before]  # Identifier cells
    modified_grade = before[0].index("Last modified (grade)")
    assert [r[modified_grade] for r in after] == [r[modified_grade] for r in before]
    names = zipfile.ZipFile(graded / "lms" / "moodle-feedback-files.zip").namelist()
    matched = moodle_feedback_import(names, {int(p) for p in PARTICIPANTS})
    assert {p: [f.lstrip("/") for f in files] for p, files in matched.items()} == {
        n: ["grader-report.html"] for n in (1000101, 1000102, 1000103, 1000104)
    }


def test_manual_scores_make_the_grade_final(graded):
    lab = find_lab("generative-tf", load_settings())
    with service.open_gradebook(graded) as gradebook:
        for item in lab.rubric.items:
            if item.kind == "prose" or item.manual_points:
                service.set_manual(gradebook, lab, "Jan_Kowalski_1000104", item.id, 0.0, assignment="ML Lab 3 2024")
        marks = {m.person.key: m for m in service.marks(gradebook, lab, "en", "ML Lab 3 2024")}
    assert marks["Jan_Kowalski_1000104"].state == "graded" and marks["Jan_Kowalski_1000104"].points is not None
    assert marks["Zażółć_Gęślą_1000101"].points is None  # still pending
