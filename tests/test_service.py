"""The service layer the front ends share (grader.service), on a small batch graded without a
sandbox: a stand-in judging returns hand-built results (tests.factories) for real files."""

from __future__ import annotations

import json

import pytest

from grader import service
from grader.errors import ManualScoreError, NotGraded
from grader.labs import Lab
from grader.pipeline import grading_key
from grader.report import render_student_report
from grader.rubric import Rubric
from grader.settings import Settings
from tests.factories import make_grade

RUBRIC = {
    "schema_version": 1,
    "lab": "ae-tf",
    "title": {"pl": "Autoenkodery", "en": "Autoencoders"},
    "framework": "none",
    "template": "template.ipynb",
    "checks": "ae_tf.checks",
    "public_dir": "public",
    "total": 3,
    "sections": {"1": "Encoder", "2": "Question"},
    "items": [
        {
            "id": "encoder",
            "title": {"pl": "Koder", "en": "Encoder"},
            "kind": "code",
            "points": 2,
            "section": "1",
            "object": "encoder",
            "checks": [{"id": "check_encoder_output_shape"}],
        },
        {"id": "q1", "title": {"pl": "Pytanie 1", "en": "Question 1"}, "kind": "prose", "points": 1, "section": "2"},
    ],
}
ANSWERS = {"s1": "Latent space is smooth.", "s2": None}  # s2 left the prose item unanswered


class StubJudging:
    """Judges nothing: each submission gets the factories' two-item result; remembers who was judged."""

    def __init__(self):
        self.judged: list[str] = []

    def __call__(self, submissions, lab, settings, hidden):
        for sub in submissions:
            self.judged.append(sub.student)
            yield make_grade(sub.student, answer=ANSWERS[sub.student], file=str(sub.path), sha256=sub.sha256).result

    def describe(self) -> dict:
        return {"judged_by": "stub"}


@pytest.fixture
def lab(tmp_path) -> Lab:
    return Lab("ae-tf", tmp_path, tmp_path / "rubric.yaml", Rubric.model_validate(RUBRIC), "r1")


@pytest.fixture
def batch(tmp_path, lab):
    """A class of two graded into tmp/out; yields (folder, out, judging, the gradebook)."""
    folder = tmp_path / "class"
    folder.mkdir()
    for student in ANSWERS:
        (folder / f"{student}.ipynb").write_text(json.dumps({"student": student}))
    judging = StubJudging()
    out = tmp_path / "out"
    service.grade([folder], lab, Settings(lang="en"), out, judging=judging)
    with service.open_gradebook(out) as book:
        yield folder, out, judging, book


def test_grade_records_each_grade_before_telling_and_writes_the_outputs(tmp_path, lab):
    folder = tmp_path / "class"
    folder.mkdir()
    for student in ANSWERS:
        (folder / f"{student}.ipynb").write_text("{}")
    out, started, told = tmp_path / "out", [], []

    def on_graded(grade):
        with service.open_gradebook(out) as book:  # already recorded when the front end hears of it
            told.append((grade.student, [r["student"] for r in book.submissions("ae-tf")]))

    judging = StubJudging()
    batch = service.grade(
        [folder], lab, Settings(lang="en"), out, judging=judging, on_start=started.append, on_graded=on_graded
    )
    assert started == [2]
    assert [(student, student in recorded) for student, recorded in told] == [("s1", True), ("s2", True)]
    assert [g.student for g in batch.grades] == ["s1", "s2"] and batch.meta["judged_by"] == "stub"
    assert all((out / name).is_file() for name in ("results.json", "grades.csv", "index.html", "students/s1.html"))

    again = StubJudging()
    service.grade([folder], lab, Settings(lang="en"), out, judging=again)
    assert judging.judged == ["s1", "s2"] and again.judged == []  # unchanged files: kept results, not judged


def test_set_manual_records_the_score_and_returns_the_new_grade(batch, lab):
    _folder, _out, _judging, book = batch
    grade = service.set_manual(book, lab, "s1", "q1", 0.75, comment="good")
    assert grade.total == 2.75 and grade.items[1].points == 0.75
    assert book.manual_scores("ae-tf", "s1") == {"q1": 0.75}
    [row] = [r for r in book.submissions("ae-tf") if r["student"] == "s1"]
    assert row["total"] == 2.75  # recorded, not only returned


@pytest.mark.parametrize(
    "item_id, points, words",
    [
        ("q1", 1.5, ["item q1", "outside 0..1", "Fix: give between 0 and 1 points"]),
        ("q1", -0.5, ["item q1", "outside 0..1"]),
        ("q9", 1.0, ["no item 'q9'", "Fix: use one of encoder, q1"]),
    ],
)
def test_set_manual_refuses_points_the_item_cannot_have(batch, lab, item_id, points, words):
    _folder, _out, _judging, book = batch
    with pytest.raises(ManualScoreError) as error:
        service.set_manual(book, lab, "s1", item_id, points)
    assert all(word in str(error.value) for word in words), str(error.value)
    assert book.manual_scores("ae-tf", "s1") == {}  # nothing written


def test_a_student_never_graded_is_named_with_the_fix(batch, lab):
    _folder, _out, _judging, book = batch
    for call in (
        lambda: service.set_manual(book, lab, "s9", "q1", 1.0),
        lambda: service.rescore(book, lab, "s9"),
        lambda: service.render_report(book, lab, "s9", "en"),
    ):
        with pytest.raises(NotGraded, match=r"no graded submission of 's9' for ae-tf\. Fix: grade it first"):
            call()
    assert book.manual_scores("ae-tf", "s9") == {}


def test_rescore_applies_scores_set_since_the_batch_without_judging(batch, lab):
    _folder, _out, judging, book = batch
    book.set_manual_score("ae-tf", "s1", "q1", 1.0)  # e.g. typed in by another front end
    grade = service.rescore(book, lab, "s1", lang="en")
    assert grade.total == 3.0 and grade.items[1].manual_points == 1.0
    assert judging.judged == ["s1", "s2"]  # the batch's judging only: nothing judged again
    [row] = [r for r in book.submissions("ae-tf") if r["student"] == "s1"]
    assert row["total"] == 3.0 and row["grade_json"]["items"][1]["points"] == 1.0
    assert "s1" in book.reusable("ae-tf", grading_key(lab, Settings()))  # kept under its key: a re-run reuses it


def test_answers_lists_one_item_across_the_class(batch, lab):
    _folder, _out, _judging, book = batch
    service.set_manual(book, lab, "s1", "q1", 0.5)
    assert service.answers(book, lab, "q1") == [
        service.Answer("s1", "Latent space is smooth.", 0.5, 1.0),
        service.Answer("s2", None, None, 1.0),
    ]
    with pytest.raises(ManualScoreError, match="no item 'q7'"):
        service.answers(book, lab, "q7")


def test_render_report_shows_the_current_grade(batch, lab):
    _folder, out, _judging, book = batch
    assert service.render_report(book, lab, "s1", "en", meta={"seed": 0}) == render_student_report(
        service.rescore(book, lab, "s1", "en"), "en", lab.title("en"), {"seed": 0}
    )
    service.set_manual(book, lab, "s2", "q1", 0.25)
    html = service.render_report(book, lab, "s2", "en")
    assert "s2" in html and "2.25" in html and "Content-Security-Policy" in html
    assert (out / "students" / "s2.html").read_text(encoding="utf-8") != html  # the batch's page is not rewritten
