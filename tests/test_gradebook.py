"""The gradebook: replace-on-regrade, manual scores, resume lookups, SQLite settings."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from grader.export import submission_document
from grader.gradebook import Gradebook, checks_table, items_table, submissions_table
from grader.outcomes import Outcome
from tests.factories import make_check, make_grade


@pytest.fixture
def book(tmp_path):
    gradebook = Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}")
    yield gradebook
    gradebook.close()


def _record(book, grade, version="0.1.0"):
    return book.record(grade, submission_document(grade, "pl"), version)


def _count(book, table) -> int:
    with book.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_record_stores_submission_items_and_checks(book):
    grade = make_grade("s1", checks=(make_check(), make_check("check_b", Outcome.FAILED, expected="1", got="2")))
    _record(book, grade)
    [row] = book.submissions("ae-tf")
    assert row["student"] == "s1" and row["total"] == 2.0 and row["max"] == 3.0
    assert row["status"] == "graded" and row["rubric_hash"] == "r1"
    assert row["grade_json"] == submission_document(grade, "pl")
    assert row["graded_at"].endswith("+00:00")
    assert _count(book, items_table) == 2 and _count(book, checks_table) == 2
    with book.engine.connect() as conn:
        failed = conn.execute(select(checks_table).where(checks_table.c.check_id == "check_b")).one()
    assert (failed.message_pl, failed.message_en, failed.expected, failed.got) == (
        "Zły kształt",
        "Wrong shape",
        "1",
        "2",
    )


def test_rerecord_replaces_without_duplicates(book):
    first_id = _record(book, make_grade("s1", code_status=Outcome.FAILED))
    _record(book, make_grade("s2"))
    second_id = _record(book, make_grade("s1"))
    assert second_id != first_id
    rows = book.submissions("ae-tf")
    assert [r["student"] for r in rows] == ["s1", "s2"]
    assert rows[0]["total"] == 2.0
    assert _count(book, submissions_table) == 2
    assert _count(book, items_table) == 4 and _count(book, checks_table) == 2
    with book.engine.connect() as conn:
        owners = set(conn.execute(select(items_table.c.submission_id)).scalars())
    assert first_id not in owners


def test_labs_are_separate(book):
    _record(book, make_grade("s1", lab="ae-tf"))
    _record(book, make_grade("s1", lab="vae-torch"))
    assert len(book.submissions("ae-tf")) == 1 and len(book.submissions("vae-torch")) == 1


def test_manual_scores_survive_regrading(book):
    _record(book, make_grade("s1"))
    book.set_manual_score("ae-tf", "s1", "q1", 0.5, comment="ok")
    book.set_manual_score("ae-tf", "s1", "q1", 0.75, comment="better on reread")
    book.set_manual_score("ae-tf", "s2", "q1", 1.0)
    _record(book, make_grade("s1", code_status=Outcome.FAILED))
    assert book.manual_scores("ae-tf", "s1") == {"q1": 0.75}
    assert book.manual_scores("ae-tf", "s2") == {"q1": 1.0}
    assert book.manual_scores("ae-tf", "nobody") == {}


def test_find_matches_only_identical_hashes_and_version(book):
    _record(book, make_grade("s1", sha256="a" * 64, rubric_hash="r1"), version="0.1.0")
    assert book.find("ae-tf", "s1", "a" * 64, "r1", "0.1.0")
    assert not book.find("ae-tf", "s1", "b" * 64, "r1", "0.1.0")
    assert not book.find("ae-tf", "s1", "a" * 64, "r2", "0.1.0")
    assert not book.find("ae-tf", "s1", "a" * 64, "r1", "0.2.0")
    assert not book.find("ae-tf", "s2", "a" * 64, "r1", "0.1.0")


def test_failed_record_keeps_the_old_grade(book):
    _record(book, make_grade("s1"))
    broken_json = {"not serialisable": object()}
    with pytest.raises(TypeError):
        book.record(make_grade("s1", code_status=Outcome.FAILED), broken_json, "0.1.0")
    [row] = book.submissions("ae-tf")
    assert row["total"] == 2.0
    assert _count(book, items_table) == 2


def test_sqlite_uses_wal_and_foreign_keys(book):
    _record(book, make_grade("s1"))
    with book.engine.begin() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # With foreign keys on, deleting a submission cascades to its children.
        conn.execute(submissions_table.delete())
    assert _count(book, items_table) == 0 and _count(book, checks_table) == 0


def test_record_from_many_threads(book):
    errors = []

    def worker(i):
        try:
            for attempt in range(3):
                _record(book, make_grade(f"s{i:02d}", duration_s=attempt))
        except Exception as exc:  # noqa: BLE001 - surfaced below: a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [r["student"] for r in book.submissions("ae-tf")] == [f"s{i:02d}" for i in range(8)]
    assert _count(book, items_table) == 16


def test_in_memory_database_is_shared_across_threads():
    book = Gradebook("sqlite://")
    try:
        thread = threading.Thread(target=_record, args=(book, make_grade("s1")))
        thread.start()
        thread.join()
        assert [r["student"] for r in book.submissions("ae-tf")] == ["s1"]
    finally:
        book.close()


def test_results_are_kept_losslessly_for_reuse_under_their_grading_key(tmp_path):
    import dataclasses
    import json as _json

    from grader.i18n import Text
    from grader.outcomes import CellRun, Figure, Table, result_from_json, result_to_json

    grade = make_grade()
    item = grade.result.items[0]
    rich = dataclasses.replace(
        grade.result,
        cells=(CellRun(3, "timed_out", 60.0, "cut after 60 s"),),
        items=(
            dataclasses.replace(
                item,
                figures=(Figure(2, "iVBOR", "executed"),),
                tables=(Table(Text("t", "t"), (Text("a", "b"),), (("1", "2"),), None),),
                object_cell=41,
                notes=(Text("nagłówek", "heading"),),
            ),
            *grade.result.items[1:],
        ),
        notices=(Text("komórka 3", "cell 3"),),
    )
    assert result_from_json(_json.loads(_json.dumps(result_to_json(rich)))) == rich
    # a result kept by an earlier version (no object_cell, notes, notices) still reads, with their defaults
    old = result_to_json(grade.result)
    del old["notices"]
    for kept_item in old["items"]:
        del kept_item["object_cell"], kept_item["notes"]
    assert result_from_json(_json.loads(_json.dumps(old))) == grade.result
    grade = dataclasses.replace(grade, result=rich)
    with Gradebook(f"sqlite:///{tmp_path / 'g.db'}") as book:
        book.record(grade, {"student": grade.student}, "0.1.0", grading_key="k1")
        ((sha, kept),) = book.reusable(grade.lab, "k1").values()
        assert sha == grade.sha256 and kept == rich
        assert book.reusable(grade.lab, "k2") == {}  # other settings: not reused
        book.record(grade, {"student": grade.student}, "0.1.0", grading_key="k2")  # replaced, not duplicated
        assert list(book.reusable(grade.lab, "k2")) == [grade.student] and book.reusable(grade.lab, "k1") == {}
