"""Manual grading over the gradebook (grader.manual): versions and conflicts, claims, states,
criteria edits and their preview, overrides, flags, the append-only audit log, concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from grader import service
from grader.errors import GradingConflict, ManualScoreError
from grader.manual import accounts, audit, grading
from grader.manual.answers import AUTO_ZERO, GRADED, NEEDS_REVIEW, UNGRADED, ClassAnswers, manual_grades
from grader.manual.criteria import Criterion, item_rubric
from tests.serve_class import make_class

ASSIGNMENT = "generative-tf"


@pytest.fixture(params=["sqlite", "postgresql"])
def course(request, tmp_path):
    """A class of 12 on SQLite, and on a throwaway PostgreSQL server (tests/postgres.py)."""
    url = f"sqlite:///{tmp_path}/g.db" if request.param == "sqlite" else request.getfixturevalue("fresh_postgres_url")
    gradebook = make_class(url, 12)
    answers = ClassAnswers(gradebook, gradebook_lab(), ASSIGNMENT)
    ta = accounts.add_user(gradebook, "ta1", accounts.TA)
    boss = accounts.add_user(gradebook, "boss", accounts.INSTRUCTOR)
    yield gradebook, answers, ta, boss
    gradebook.close()


def gradebook_lab():
    from tests.serve_class import lab

    return lab()


def item(answers, item_id="1.1"):
    return next(i for i in answers.lab.rubric.items if i.id == item_id)


def views(answers, the_item):
    return answers.answers(the_item, item_rubric(answers.gradebook, ASSIGNMENT, the_item).version)


def to_grade(answers, the_item):
    return [v for v in views(answers, the_item) if v.state == UNGRADED]


def save(answers, the_item, view, user, criteria=("range",), version=0, **kw):
    return grading.save_grade(
        answers.gradebook,
        answers.lab,
        ASSIGNMENT,
        the_item,
        view,
        user,
        list(criteria),
        kw.pop("adjustment", 0.0),
        kw.pop("comment", ""),
        version,
        **kw,
    )


def test_a_save_scores_the_answer_by_its_criteria_and_rescores_the_student(course):
    gradebook, answers, ta, _ = course
    the_item = item(answers)
    view = to_grade(answers, the_item)[0]
    saved = save(answers, the_item, view, ta, ("range", "loss"))
    assert saved.points == pytest.approx(0.25) and saved.version == 1 and saved.graded_by == "ta1"
    grade = service.current_grades(gradebook, answers.lab)[view.student]
    scored = next(i for i in grade.items if i.id == "1.1")
    assert scored.points == pytest.approx(0.25) and scored.manual_points == pytest.approx(0.25)
    assert next(v for v in views(answers, the_item) if v.student == view.student).state == GRADED
    # the gradebook's submission row was re-scored too: what exports and the dashboard read
    assert gradebook.submissions(ASSIGNMENT) and any(
        row["student"] == view.student and row["total"] == pytest.approx(grade.total)
        for row in gradebook.submissions(ASSIGNMENT)
    )


def test_a_stale_version_is_a_conflict_and_writes_nothing(course):
    gradebook, answers, ta, boss = course
    the_item = item(answers)
    view = to_grade(answers, the_item)[0]
    save(answers, the_item, view, ta, ("range",))
    with pytest.raises(GradingConflict, match="ta1 saved this answer") as caught:
        save(answers, the_item, view, boss, ("loss",), version=0)
    assert caught.value.current.points == pytest.approx(0.15)
    assert manual_grades(gradebook, ASSIGNMENT, "1.1")[view.student].criteria == ("range",)
    # saving over it from the version now stored works, and the version moves on
    again = save(answers, the_item, view, boss, ("loss",), version=1)
    assert again.version == 2 and again.points == pytest.approx(0.1)


def test_the_mutant_without_a_version_check_overwrites_silently(course, monkeypatch):
    """What the version check prevents: with it gone, the second grader's save replaces the
    first's and nobody is told. The real check refuses it (test above)."""
    gradebook, answers, ta, boss = course
    the_item = item(answers)
    view = to_grade(answers, the_item)[0]
    save(answers, the_item, view, ta, ("range",))
    real = grading._write_versioned

    def unchecked(gradebook, assignment, student, item_id, values, expected_version, *rest, **kw):
        current = grading.stored_grade(gradebook, assignment, student, item_id)
        return real(gradebook, assignment, student, item_id, values, current.version if current else 0, *rest, **kw)

    monkeypatch.setattr(grading, "_write_versioned", unchecked)
    save(answers, the_item, view, boss, ("loss",), version=0)
    assert manual_grades(gradebook, ASSIGNMENT, "1.1")[view.student].graded_by == "boss"  # ta1's grade lost


def test_an_adjustment_needs_a_comment_and_criteria_must_exist(course):
    _, answers, ta, _ = course
    the_item = item(answers)
    view = to_grade(answers, the_item)[0]
    with pytest.raises(ManualScoreError, match="adjustment needs a comment"):
        save(answers, the_item, view, ta, ("range",), adjustment=0.05)
    with pytest.raises(ManualScoreError, match="no criterion nope"):
        save(answers, the_item, view, ta, ("nope",))
    with pytest.raises(ManualScoreError, match="at least one criterion"):
        save(answers, the_item, view, ta, ())
    saved = save(answers, the_item, view, ta, ("range",), adjustment=0.2, comment="excellent")
    assert saved.points == pytest.approx(0.25)  # clamped to the item's points


def test_two_graders_on_one_item_are_given_different_answers(course):
    _, answers, ta, boss = course
    the_item = item(answers)
    first = grading.next_answer(answers, the_item, ta)
    second = grading.next_answer(answers, the_item, boss)
    assert first and second and first.student != second.student
    # the same grader asking again gets their own claim back, not a third answer
    assert grading.next_answer(answers, the_item, ta).student == first.student


def test_a_changed_answer_needs_review_and_keeps_its_grade(course):
    gradebook, answers, ta, _ = course
    the_item = item(answers)
    view = to_grade(answers, the_item)[0]
    save(answers, the_item, view, ta, ("range",))
    # a regrade of a new file: the student's kept result now has another answer
    kept = gradebook.kept_results(ASSIGNMENT, [view.student])[view.student][1]
    from dataclasses import replace

    from grader import export
    from grader.scoring import score

    changed = replace(
        kept,
        sha256="cd" * 32,
        items=tuple(replace(r, answer="A new answer.") if r.item_id == "1.1" else r for r in kept.items),
    )
    grade = score(changed, answers.lab.rubric, {}, answers.lab.rubric_hash)
    gradebook.record(
        grade, export.submission_document(grade, "pl"), export.grader_version(), "k2", assignment=ASSIGNMENT
    )
    after = next(v for v in views(answers, the_item) if v.student == view.student)
    assert after.state == NEEDS_REVIEW and after.grade.points == pytest.approx(0.15)
    # the grader is shown what changed, against the text they graded (kept in the audit row)
    diff = grading.answer_diff(gradebook, ASSIGNMENT, view.student, "1.1", after.answer)
    assert diff == [diff[0], f"-{view.answer}", "+A new answer."] and diff[0].startswith("@@")
    assert grading.answer_diff(gradebook, ASSIGNMENT, view.student, "1.1", view.answer) == []


def test_a_criteria_edit_is_previewed_then_applied_to_every_grade_that_used_it(course):
    gradebook, answers, ta, boss = course
    the_item = item(answers)
    chosen = to_grade(answers, the_item)[:4]
    for n, view in enumerate(chosen):
        save(answers, the_item, view, ta, ("range",) if n < 3 else ("loss",))
    rubric = item_rubric(gradebook, ASSIGNMENT, the_item)
    new = [Criterion("range", 0.2, rubric.criteria[0].text), rubric.criteria[1]]
    preview = grading.preview_edit(gradebook, ASSIGNMENT, the_item, new)
    assert (preview.answers_changed, preview.students_changed) == (3, 3)
    assert manual_grades(gradebook, ASSIGNMENT, "1.1")[chosen[0].student].points == pytest.approx(
        0.15
    )  # nothing written
    with pytest.raises(ManualScoreError, match="only an instructor"):
        grading.edit_criteria(gradebook, answers.lab, ASSIGNMENT, the_item, new, ta, rubric.version)
    grading.edit_criteria(gradebook, answers.lab, ASSIGNMENT, the_item, new, boss, rubric.version)
    grades = manual_grades(gradebook, ASSIGNMENT, "1.1")
    assert [grades[v.student].points for v in chosen] == pytest.approx([0.2, 0.2, 0.2, 0.1])
    states = {v.student: v.state for v in views(answers, the_item)}
    assert [states[v.student] for v in chosen] == [NEEDS_REVIEW] * 3 + [GRADED]
    assert service.current_grades(gradebook, answers.lab)[chosen[0].student].items[0].points == pytest.approx(0.2)
    with pytest.raises(GradingConflict, match="edited meanwhile"):
        grading.edit_criteria(gradebook, answers.lab, ASSIGNMENT, the_item, new, boss, rubric.version)


def test_an_override_replaces_an_automatic_item_and_needs_a_reason(course):
    gradebook, answers, ta, boss = course
    code = item(answers, "1.2")
    student = sorted(gradebook.kept_results(ASSIGNMENT))[0]
    with pytest.raises(ManualScoreError, match="only an instructor"):
        grading.override(gradebook, answers.lab, ASSIGNMENT, code, student, 0.1, "regrade", ta, 0)
    with pytest.raises(ManualScoreError, match="needs a reason"):
        grading.override(gradebook, answers.lab, ASSIGNMENT, code, student, 0.1, " ", boss, 0)
    grading.override(gradebook, answers.lab, ASSIGNMENT, code, student, 0.1, "regrade request #4", boss, 0)
    scored = next(i for i in service.current_grades(gradebook, answers.lab)[student].items if i.id == "1.2")
    assert scored.points == pytest.approx(0.1)
    [entry] = audit.entries(gradebook, action="grade.override")
    assert (entry.actor, entry.reason, entry.after["points"]) == ("boss", "regrade request #4", 0.1)


def test_auto_zero_answers_are_confirmed_in_bulk(course):
    _, answers, ta, _ = course
    the_item = item(answers)
    empty = [v for v in views(answers, the_item) if v.state == AUTO_ZERO]
    assert empty, "the generated class has empty answers"
    assert grading.confirm_auto_zero(answers, the_item, ta) == len(empty)
    assert all(v.state == GRADED for v in views(answers, the_item) if v.student in {e.student for e in empty})
    assert grading.confirm_auto_zero(answers, the_item, ta) == 0


def test_every_write_leaves_an_audit_row_and_the_log_refuses_changes(course):
    gradebook, answers, ta, boss = course
    the_item = item(answers)
    view = to_grade(answers, the_item)[0]
    before = len(audit.entries(gradebook))
    save(answers, the_item, view, ta, ("range",), comment="good")
    grading.set_flag(gradebook, ASSIGNMENT, "1.1", view.student, ta, "unsure", True)
    grading.reveal(gradebook, ASSIGNMENT, "1.1", view.student, boss)
    actions = [e.action for e in audit.entries(gradebook)][before:]
    assert actions == ["grade.save", "answer.flag", "identity.reveal"]
    saved = audit.entries(gradebook, action="grade.save")[-1]
    assert (saved.before, saved.after["points"], saved.reason) == (None, 0.15, "good")
    with gradebook.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE audit_log SET actor = 'nobody'"))
    with gradebook.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM audit_log"))


def test_four_graders_at_once_lose_no_grade_and_double_none(course):
    gradebook, answers, _, _ = course
    the_item = item(answers)
    graders = [accounts.add_user(gradebook, f"t{n}", accounts.TA) for n in range(4)]
    saved: list[str] = []
    errors: list[BaseException] = []

    def work(user):
        try:
            while (view := grading.next_answer(answers, the_item, user)) is not None:
                try:
                    save(answers, the_item, view, user, ("range",), version=view.grade.version if view.grade else 0)
                    saved.append(view.student)
                except GradingConflict:
                    pass
        except Exception as exc:  # noqa: BLE001 - any failure in a thread is reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(g,)) for g in graders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    ungraded_before = 12 - sum(1 for v in views(answers, the_item) if v.state == AUTO_ZERO)
    assert len(saved) == len(set(saved)) == ungraded_before  # each answer graded once
    grades = manual_grades(gradebook, ASSIGNMENT, "1.1")
    assert all(grades[s].version == 1 for s in saved)
    assert len(audit.entries(gradebook, action="grade.save")) == len(saved)


def test_assigned_answers_go_to_their_grader_first_and_to_nobody_else(course):
    gradebook, answers, ta, boss = course
    the_item = item(answers)
    other = accounts.add_user(gradebook, "ta2", accounts.TA)
    late = accounts.add_user(gradebook, "ta3", accounts.TA)
    with pytest.raises(ManualScoreError, match="only an instructor"):
        grading.assign_graders(answers, the_item, ["ta1"], ta)
    given = grading.assign_graders(answers, the_item, ["ta1", "ta2"], boss)
    free = len(to_grade(answers, the_item))
    assert sum(given.values()) == free and abs(given["ta1"] - given["ta2"]) <= 1
    held = grading.live_claims(gradebook, ASSIGNMENT, "1.1")
    # ta1 grades exactly their share, then has nothing left; ta3 was given none and gets none
    seen = []
    while (view := grading.next_answer(answers, the_item, ta)) is not None:
        assert held[view.student] == "ta1"
        save(answers, the_item, view, ta, ("range",))
        seen.append(view.student)
    assert len(seen) == given["ta1"]
    assert grading.next_answer(answers, the_item, late) is None
    assert grading.next_answer(answers, the_item, other).student in {s for s, g in held.items() if g == "ta2"}
    [entry] = audit.entries(gradebook, action="answers.assign")
    assert entry.after == given
