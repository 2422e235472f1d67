"""The gradebook on a real PostgreSQL server (tests/postgres.py starts a throwaway one), not only SQLite.

The backend-neutral tests of tests/test_gradebook.py run here again, unchanged, on Postgres: they
are imported by name, and pytest runs them with this module's ``book`` fixture. The tests written
here (migrations from empty, the course tables, kept results, cascades, concurrent writers) run on
both backends, so a difference between them shows as one side failing.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from grader.course import NO_NOTEBOOK, NOT_SUBMITTED, SUBMITTED, Assignment, Delivery, LatePolicy, Person
from grader.export import submission_document
from grader.gradebook import Gradebook
from grader.outcomes import Figure, Outcome
from grader.tables import (
    SCHEMA_REVISION,
    checks_table,
    items_table,
    manual_scores_table,
    metadata,
    results_table,
    submissions_table,
)
from tests.factories import PNG_1X1, make_check, make_grade
from tests.postgres import running_postgres
from tests.test_gradebook import (  # noqa: F401 - collected here, on this module's Postgres `book`
    test_failed_record_keeps_the_old_grade,
    test_find_matches_only_identical_hashes_and_version,
    test_labs_are_separate,
    test_manual_scores_survive_regrading,
    test_record_from_many_threads,
    test_record_stores_submission_items_and_checks,
    test_rerecord_replaces_without_duplicates,
)

WRITERS = 4
THREADS_TIMEOUT_S = 10


@pytest.fixture
def book(fresh_postgres_url):  # noqa: F811 - the imported fixture, requested by name
    """What tests/test_gradebook.py's tests run on here: a gradebook in an empty Postgres database."""
    gradebook = Gradebook(fresh_postgres_url)
    yield gradebook
    gradebook.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """An empty gradebook database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gradebook.db'}"
    return request.getfixturevalue("fresh_postgres_url")


def _count(gradebook, table, *where) -> int:
    with gradebook.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _schema_diff(gradebook) -> list:
    with gradebook.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_an_empty_database_is_migrated_to_the_declared_tables(url):
    with Gradebook(url) as gradebook:
        with gradebook.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_REVISION]
        assert _schema_diff(gradebook) == [], "the migrated tables differ from grader/gradebook.py's"
        # the check can fail: a column the code declares but the database lacks is named
        with gradebook.engine.begin() as conn:
            conn.execute(text("ALTER TABLE students DROP COLUMN email"))
        assert [(op, column.name) for op, *_, column in _schema_diff(gradebook)] == [("add_column", "email")]
    with Gradebook(url) as again:  # opening a current gradebook migrates nothing
        assert again.submissions("ae-tf") == []


def test_a_gradebook_from_a_newer_grader_is_refused(url):
    Gradebook(url).close()
    with Gradebook(url) as gradebook, gradebook.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(Exception, match="9999"):
        Gradebook(url)
    if url.startswith("postgresql"):
        # nor does it keep a connection open: on a server that holds a slot until the garbage
        # collector runs, whenever that is (and psycopg's warning then fails some later test)
        assert _other_connections(url) == 0


def _other_connections(url: str) -> int:
    """How many sessions besides this query's are connected to ``url``'s database."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            query = (
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return conn.execute(text(query)).scalar_one()
    finally:
        engine.dispose()


def test_a_submission_round_trips_with_its_lms_columns(url):
    policy = LatePolicy(due=datetime(2024, 10, 14, 23, 59, tzinfo=UTC), penalty=0.1)
    submitted = datetime(2024, 10, 16, 8, 0, tzinfo=UTC)
    grade = dataclasses.replace(make_grade("Zażółć_Gęślą_42"), lateness=policy.lateness("s1", submitted))
    with Gradebook(url) as gradebook:
        gradebook.record(
            grade,
            submission_document(grade, "pl"),
            "0.1.0",
            "k1",
            assignment="Lab 3",
            submitted_at=submitted.isoformat(),
            attempt=2,
        )
        gradebook.record(make_grade("on_time"), {}, "0.1.0", "k1", assignment="Lab 3")
        late, on_time = gradebook.submissions("Lab 3")
        assert (late["student"], late["attempt"], late["late"], late["submitted_at"]) == (
            "Zażółć_Gęślą_42",
            2,
            True,
            "2024-10-16T08:00:00+00:00",
        )
        assert late["grade_json"] == submission_document(grade, "pl")
        # the server defaults of migration 0002 and a Python bool, not 0/1, on either backend
        assert (on_time["attempt"], on_time["late"], on_time["submitted_at"]) == (1, False, None)
        assert gradebook.submitted_at("Lab 3", "Zażółć_Gęślą_42") == "2024-10-16T08:00:00+00:00"
        assert gradebook.find("Lab 3", "on_time", "ab" * 32, "r1", "0.1.0")


def test_kept_results_are_lossless_and_reused_only_under_their_key(url):
    figure = Figure(2, PNG_1X1, "executed")
    first = make_grade("s1", figures=(figure,), checks=(make_check("check_b", Outcome.FAILED, expected="1", got="2"),))
    with Gradebook(url) as gradebook:
        gradebook.record(first, {}, "0.1.0", "k1", assignment="a")
        gradebook.record(make_grade("s2"), {}, "0.1.0", "k2", assignment="a")
        assert gradebook.reusable("a", "k1") == {"s1": (first.sha256, first.result)}
        assert gradebook.reusable("a", "k3") == {} and gradebook.reusable("b", "k1") == {}
        assert gradebook.kept_results("a") == {"s1": ("k1", first.result), "s2": ("k2", make_grade("s2").result)}


def test_a_rerecord_replaces_the_submission_and_its_child_rows(url):
    with Gradebook(url) as gradebook:
        old_id = gradebook.record(make_grade("s1", code_status=Outcome.FAILED), {}, "0.1.0", "k1")
        gradebook.record(make_grade("s2"), {}, "0.1.0", "k1")
        new_id = gradebook.record(make_grade("s1"), {}, "0.1.0", "k2")
        assert new_id != old_id
        for table in (items_table, checks_table, results_table):
            assert _count(gradebook, table, table.c.submission_id == old_id) == 0, table.name
            assert _count(gradebook, table, table.c.submission_id == new_id) >= 1, table.name
        assert [(r["student"], r["total"]) for r in gradebook.submissions("ae-tf")] == [("s1", 2.0), ("s2", 2.0)]
        # and the database's own ON DELETE CASCADE: deleting a submission row takes its children
        with gradebook.engine.begin() as conn:
            conn.execute(submissions_table.delete().where(submissions_table.c.id == new_id))
        for table in (items_table, checks_table, results_table):
            assert _count(gradebook, table, table.c.submission_id == new_id) == 0, table.name
        assert _count(gradebook, items_table) == 2  # s2's, untouched


def test_an_assignment_and_its_roster_round_trip_and_are_replaced(url):
    policy = LatePolicy(
        due=datetime(2024, 10, 14, 23, 59, tzinfo=UTC),
        penalty=0.1,
        per="hour",
        cap=0.5,
        grace=timedelta(minutes=15),
        extensions={"Ewa_Nowak_12": datetime(2024, 10, 20, 12, 0, tzinfo=UTC)},
    )
    assignment = Assignment("Lab 3 — 2024", "generative-tf", "moodle", {"cmid": "991", "course": "12"}, policy)
    jan = Person("Jan_Kowalski_11", "Jan Kowalski", "jan@example.org", "", "s11", "jk", "A", "11", "Submitted")
    ewa = Person("Ewa_Nowak_12", "Ewa Nowak", participant_id="12")
    people = [
        Delivery(jan, SUBMITTED, "the only notebook", ("report.pdf", "zdjęcie.png")),
        Delivery(ewa, NOT_SUBMITTED),
        Delivery(Person("Łucja_13", "Łucja"), NO_NOTEBOOK, "files without a notebook", ("lab.py",)),
    ]
    with Gradebook(url) as gradebook:
        gradebook.save_assignment(assignment)
        gradebook.save_roster(assignment.name, people)
        assert gradebook.assignment(assignment.name) == assignment
        assert gradebook.assignment("Lab 4") is None
        assert gradebook.roster(assignment.name) == sorted(people, key=lambda d: d.person.key)
        # saving again replaces, never adds
        moved = dataclasses.replace(assignment, late=LatePolicy())
        gradebook.save_assignment(moved)
        gradebook.save_roster(assignment.name, people[:1])
        assert gradebook.assignment(assignment.name) == moved
        assert gradebook.roster(assignment.name) == people[:1]
        gradebook.save_roster(assignment.name, [])
        assert gradebook.roster(assignment.name) == []


def _in_threads(work) -> list[BaseException | str]:
    """Run ``work(i)`` in WRITERS threads at once; the exceptions they raised, and a line for each
    thread still running after THREADS_TIMEOUT_S (a deadlock must fail the test, not hang it)."""
    errors: list[BaseException | str] = []
    start = threading.Barrier(WRITERS)

    def run(i: int) -> None:
        try:
            start.wait()
            work(i)
        except Exception as exc:  # noqa: BLE001 - surfaced by the caller: a thread's exception is otherwise lost
            errors.append(exc)

    # daemon: a hung writer must not keep pytest from exiting (stopping the server ends it)
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + THREADS_TIMEOUT_S
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    errors += [f"{t.name} still running after {THREADS_TIMEOUT_S} s: deadlocked?" for t in threads if t.is_alive()]
    return errors


def test_gradebooks_opened_at_once_on_an_empty_database_migrate_it_once(url):
    """Two `grader` processes starting on a new gradebook: one creates the tables, the rest wait."""
    assert _in_threads(lambda i: Gradebook(url).close()) == []
    with Gradebook(url) as gradebook, gradebook.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_REVISION]


def test_concurrent_writers_lose_and_double_no_manual_score(url):
    """Four writers, each with a gradebook of its own (its own connections, as separate processes
    would have): distinct keys all land once; one key written by all ends as one row."""
    Gradebook(url).close()  # migrated once before the writers open it
    rounds = 10

    def write(i: int) -> None:
        with Gradebook(url) as gradebook:
            for n in range(rounds):
                gradebook.set_manual_score("a", f"s{i}", f"q{n}", float(n), comment=f"writer {i}")
                gradebook.set_manual_score("a", "shared", "q1", float(i), comment=f"writer {i}")

    assert _in_threads(write) == []
    with Gradebook(url) as gradebook:
        for i in range(WRITERS):
            assert gradebook.manual_scores("a", f"s{i}") == {f"q{n}": float(n) for n in range(rounds)}
        assert _count(gradebook, manual_scores_table) == WRITERS * rounds + 1
        assert gradebook.manual_scores("a", "shared")["q1"] in {float(i) for i in range(WRITERS)}


def test_concurrent_regrades_of_one_student_leave_one_submission(url):
    Gradebook(url).close()

    def regrade(i: int) -> None:
        with Gradebook(url) as gradebook:
            for attempt in range(5):
                gradebook.record(make_grade("s1", duration_s=attempt), {}, "0.1.0", f"k{i}", assignment="a")

    assert _in_threads(regrade) == []
    with Gradebook(url) as gradebook:
        assert len(gradebook.submissions("a")) == 1
        assert _count(gradebook, items_table) == 2 and _count(gradebook, results_table) == 1


@pytest.mark.parametrize(
    ("ci", "outcome", "words"),
    [("", pytest.skip.Exception, "apt-get install postgresql"), ("true", pytest.fail.Exception, "CI=true: failing")],
)
def test_without_the_server_tests_skip_but_on_ci_they_fail(monkeypatch, ci, outcome, words):
    monkeypatch.setattr("tests.postgres.find_binaries", lambda: None)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=words), running_postgres():
        pass
