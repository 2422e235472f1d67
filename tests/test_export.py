"""results.json and grades.csv: schema, determinism, number formatting."""

from __future__ import annotations

import csv
import json

import pytest

from grader.export import format_number, results_document, write_grades_csv, write_results_json
from grader.i18n import Text
from grader.outcomes import Outcome
from tests.factories import RUBRIC_ITEMS, make_check, make_grade, without_timings

TOP_KEYS = ["schema_version", "lab", "grader_version", "lang", "meta", "submissions", "absent"]
SUBMISSION_KEYS = {
    "student",
    "file",
    "sha256",
    "status",
    "awaiting",
    "error",
    "error_i18n",
    "total",
    "max",
    "late",
    "late_deduction",
    "duration_s",
    "environment",
    "notices",
    "items",
    "cells",
}
ITEM_KEYS = {
    "feedback",
    "id",
    "title",
    "kind",
    "points",
    "max_points",
    "auto_points",
    "auto_max",
    "manual_points",
    "manual_max",
    "status",
    "bonus",
    "object_name",
    "object_cell",
    "notes",
    "message",
    "message_i18n",
    "answer",
    "checks",
    "tables",
    "duration_s",
}
CHECK_KEYS = {
    "id",
    "title",
    "status",
    "weight",
    "public",
    "message",
    "message_i18n",
    "hint",
    "expected",
    "got",
    "traceback",
    "duration_s",
}


def _failing_grade(student="s2", **kwargs):
    check = make_check(status=Outcome.FAILED, expected="(None, 42, 42, 1)", got="(None, 21, 21, 1)", duration_s=0.25)
    return make_grade(student, code_status=Outcome.FAILED, checks=(check,), **kwargs)


def test_results_document_has_the_documented_keys():
    doc = results_document([_failing_grade(), make_grade("s1")], "ae-tf", "en", {"run": 1})
    assert list(doc) == TOP_KEYS
    assert doc["schema_version"] == 1 and doc["lab"] == "ae-tf" and doc["lang"] == "en"
    assert isinstance(doc["grader_version"], str) and doc["grader_version"]
    assert doc["meta"] == {"run": 1}
    submission = doc["submissions"][0]
    assert set(submission) == SUBMISSION_KEYS
    assert set(submission["items"][0]) == ITEM_KEYS
    assert set(submission["items"][0]["checks"][0]) == CHECK_KEYS


def test_submissions_are_sorted_by_student():
    grades = [make_grade("zoe"), make_grade("adam"), make_grade("maria")]
    doc = results_document(grades, "ae-tf", "pl", {})
    assert [s["student"] for s in doc["submissions"]] == ["adam", "maria", "zoe"]


def test_strings_are_in_lang_and_i18n_carries_both():
    grade = _failing_grade(error=Text(pl="Plik pusty", en="File empty"))
    pl = results_document([grade], "ae-tf", "pl", {})["submissions"][0]
    en = results_document([grade], "ae-tf", "en", {})["submissions"][0]
    assert pl["error"] == "Plik pusty" and en["error"] == "File empty"
    assert en["error_i18n"] == {"pl": "Plik pusty", "en": "File empty"}
    check_pl, check_en = pl["items"][0]["checks"][0], en["items"][0]["checks"][0]
    assert check_pl["message"] == "Zły kształt" and check_en["message"] == "Wrong shape"
    assert check_en["hint"] == "Check the stride"
    assert check_en["message_i18n"] == {"pl": "Zły kształt", "en": "Wrong shape"}
    assert check_en["status"] == "failed" and check_en["expected"] == "(None, 42, 42, 1)"
    assert en["items"][0]["title"] == "Encoder" and pl["items"][0]["title"] == "Koder"
    assert en["items"][1]["status"] == "manual"
    assert en["items"][1]["answer"] == "Latent space is smooth."


def test_absent_texts_are_null():
    doc = results_document([make_grade()], "ae-tf", "en", {})
    submission = doc["submissions"][0]
    check = submission["items"][0]["checks"][0]
    assert submission["error"] is None and submission["error_i18n"] is None
    assert check["message"] is None and check["hint"] is None and check["message_i18n"] is None


def test_two_runs_differ_only_in_meta_and_durations(tmp_path):
    first = [_failing_grade(duration_s=3.0), make_grade("s1", duration_s=1.0)]
    second = [make_grade("s1", duration_s=9.5), _failing_grade(duration_s=0.1)]
    a = write_results_json(tmp_path / "a.json", first, "ae-tf", "pl", {"started": "10:00"})
    b = write_results_json(tmp_path / "b.json", second, "ae-tf", "pl", {"started": "11:30"})
    assert a.read_bytes() != b.read_bytes()
    doc_a = json.loads(a.read_text(encoding="utf-8"))
    doc_b = json.loads(b.read_text(encoding="utf-8"))

    def dump(document):
        return json.dumps(without_timings(document), indent=2, ensure_ascii=False).encode()

    assert dump(doc_a) == dump(doc_b)


def test_json_is_utf8_not_ascii_escaped(tmp_path):
    path = write_results_json(tmp_path / "r.json", [_failing_grade()], "ae-tf", "pl", {})
    text = path.read_text(encoding="utf-8")
    assert "Zły kształt" in text and "\\u" not in text
    assert text.startswith('{\n  "schema_version": 1,')


def test_same_input_gives_identical_bytes(tmp_path):
    grades = [_failing_grade(), make_grade("s1")]
    a = write_results_json(tmp_path / "a.json", grades, "ae-tf", "en", {"k": "v"})
    b = write_results_json(tmp_path / "b.json", list(reversed(grades)), "ae-tf", "en", {"k": "v"})
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize(
    "value, text",
    [
        (12.5, "12.5"),
        (3.0, "3"),
        (0.0, "0"),
        (-0.0, "0"),
        (1 / 3, "0.3333"),
        (2.25, "2.25"),
        (100.0, "100"),
        (None, ""),
    ],
)
def test_format_number_strips_trailing_zeros(value, text):
    assert format_number(value) == text


def test_grades_csv_columns_and_pending_prose(tmp_path):
    grades = [
        _failing_grade("s2"),
        make_grade("s1", manual_points=0.5),
        make_grade("s3", code_points=1.25, code_status=Outcome.FAILED),
    ]
    path = write_grades_csv(tmp_path / "grades.csv", grades, RUBRIC_ITEMS)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["student", "file", "status", "encoder", "q1", "late_deduction", "total", "max"]
    assert [r[0] for r in rows[1:]] == ["s1", "s2", "s3"]
    assert rows[1] == ["s1", "s1.ipynb", "graded", "2", "0.5", "0", "2.5", "3"]
    assert rows[2][3:] == ["0", "", "0", "0", "3"]  # s2's prose answer awaits a person: empty cell
    assert rows[3][3:] == ["1.25", "", "0", "1.25", "3"]


def test_grades_csv_missing_prose_is_zero_not_empty(tmp_path):
    path = write_grades_csv(tmp_path / "g.csv", [make_grade(answer=None)], RUBRIC_ITEMS)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][4] == "0"
