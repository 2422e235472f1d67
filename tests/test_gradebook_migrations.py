"""The gradebook's schema migrations (grader/migrations, docs/results-schema.md "Migrations").

The fixture ``v0.1-406e7db.db`` is a gradebook written by the version before migrations existed
(two labs, five submissions, four manual scores; ``make_v0.py`` beside it says how). Opening a
copy must bring it to the current schema with every grade, item, check, kept result and manual
score kept, and the migrated tables must equal the ones the code declares.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from grader import service
from grader.course import NOT_SUBMITTED, SUBMITTED, Assignment, Delivery, LatePolicy, Person
from grader.gradebook import Gradebook
from grader.labs import find_lab
from grader.settings import load_settings
from grader.tables import MIGRATIONS, SCHEMA_REVISION, metadata
from tests.factories import make_grade

V0 = Path(__file__).parent / "fixtures" / "gradebooks" / "v0.1-406e7db.db"


def _snapshot(path: Path) -> dict:
    """What a gradebook holds, in terms that do not depend on its schema version."""
    with sqlite3.connect(path) as db:
        key = "lab"  # the v0 submissions and manual_scores were keyed by lab; after 0002 by assignment
        columns = {row[1] for row in db.execute("PRAGMA table_info(manual_scores)")}
        manual_key = "assignment" if "assignment" in columns else key
        return {
            "submissions": sorted(
                db.execute("SELECT lab, student, file, sha256, total, max, status, grade_json FROM submissions")
            ),
            "items": sorted(
                db.execute(
                    "SELECT s.lab, s.student, i.item_id, i.points, i.manual_points FROM items i "
                    "JOIN submissions s ON s.id = i.submission_id"
                )
            ),
            "checks": sorted(
                db.execute(
                    "SELECT s.lab, s.student, c.check_id, c.status, c.message_en FROM checks c "
                    "JOIN submissions s ON s.id = c.submission_id"
                )
            ),
            "results": sorted(
                db.execute(
                    "SELECT s.lab, s.student, r.grading_key, r.result_json FROM results r "
                    "JOIN submissions s ON s.id = r.submission_id"
                )
            ),
            "manual": sorted(
                db.execute(f"SELECT {manual_key}, student, item_id, points, comment, updated_at FROM manual_scores")
            ),
        }


def lost_rows(before: dict, after: dict) -> list[str]:
    """What ``after`` no longer holds of ``before``, table by table (empty: nothing lost)."""
    lost = []
    for table, rows in before.items():
        missing = [row for row in rows if row not in set(after[table])]
        if missing:
            lost.append(f"{table}: {len(missing)} of {len(rows)} rows lost, e.g. {missing[0][:3]}")
    return lost


@pytest.fixture
def v0_copy(tmp_path) -> Path:
    path = tmp_path / "gradebook.db"
    shutil.copyfile(V0, path)
    return path


def test_the_fixture_is_a_gradebook_from_before_migrations():
    with sqlite3.connect(V0) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "alembic_version" not in tables and "submissions" in tables
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 5
        assert db.execute("SELECT COUNT(*) FROM manual_scores").fetchone()[0] == 4
        assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] > 0


def test_a_gradebook_from_the_previous_version_migrates_with_nothing_lost(v0_copy):
    before = _snapshot(v0_copy)
    Gradebook(f"sqlite:///{v0_copy}").close()
    after = _snapshot(v0_copy)
    assert lost_rows(before, after) == []
    with sqlite3.connect(v0_copy) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_REVISION,)]
        # every old row's assignment is its lab: what it was keyed by before
        assert db.execute("SELECT COUNT(*) FROM submissions WHERE assignment != lab").fetchone()[0] == 0
    assert V0.read_bytes() != v0_copy.read_bytes()  # the copy was migrated, the fixture not touched


def test_the_migrated_gradebook_scores_as_before(v0_copy):
    """Re-scoring every kept result after the migration gives the totals the old version recorded,
    with the manual scores applied (they came through under the same key)."""
    with sqlite3.connect(v0_copy) as db:
        recorded = {
            (lab, student): total for lab, student, total in db.execute("SELECT lab, student, total FROM submissions")
        }
    settings = load_settings({"lang": "en"})
    with Gradebook(f"sqlite:///{v0_copy}") as gradebook:
        for lab_id in sorted({lab for lab, _ in recorded}):
            lab = find_lab(lab_id, settings)
            for student, grade in service.current_grades(gradebook, lab).items():
                assert grade.total == pytest.approx(recorded[(lab_id, student)]), (lab_id, student)
        assert gradebook.manual_scores("generative-tf", "solution") == {"1.1": 0.25}


def test_the_mutant_migration_that_cascades_loses_rows_and_the_check_says_so(v0_copy):
    """The migration copies ``submissions`` and drops the old table; with SQLite's foreign keys on
    that DROP would delete every item, check and result. Doing exactly that must be caught."""
    before = _snapshot(v0_copy)
    with sqlite3.connect(v0_copy) as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("DELETE FROM submissions WHERE student = 'solution'")
    lost = lost_rows(before, _snapshot(v0_copy))
    tables = [line.split(":")[0] for line in lost]
    assert tables == ["submissions", "items", "checks", "results"]  # manual scores have no foreign key
    assert lost[0].startswith("submissions: 2 of 5 rows lost")


def test_the_declared_tables_equal_what_the_migrations_make(tmp_path, v0_copy):
    for path in (tmp_path / "fresh.db", v0_copy):
        Gradebook(f"sqlite:///{path}").close()
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        engine.dispose()
        assert diff == [], f"{path.name}: the tables in grader/gradebook.py and the migrations differ: {diff}"


def test_the_schema_revision_is_the_newest_migration():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_a_gradebook_from_a_newer_grader_is_refused_not_rewritten(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    Gradebook(url).close()
    with sqlite3.connect(tmp_path / "g.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    before = (tmp_path / "g.db").read_bytes()
    with pytest.raises(Exception, match="9999"):
        Gradebook(url)
    assert (tmp_path / "g.db").read_bytes() == before


def test_two_assignments_of_one_lab_keep_apart(tmp_path):
    """The same student graded for one lab in two courses: two rows, two sets of manual scores."""
    with Gradebook(f"sqlite:///{tmp_path / 'g.db'}") as gradebook:
        gradebook.record(make_grade("s1", manual_points=0.5), {}, "v", "k", assignment="2024 lab 3")
        gradebook.record(make_grade("s1"), {}, "v", "k", assignment="2025 lab 3")
        gradebook.set_manual_score("2024 lab 3", "s1", "q1", 1.0)
        assert [r["total"] for r in gradebook.submissions("2024 lab 3")] == [2.5]
        assert len(gradebook.submissions("2025 lab 3")) == 1
        assert gradebook.manual_scores("2025 lab 3", "s1") == {}


def test_an_assignment_and_its_roster_are_kept(tmp_path):
    policy = LatePolicy(
        due=datetime(2024, 10, 14, 23, 59, tzinfo=UTC), penalty=0.1, cap=0.5, grace=timedelta(minutes=15)
    )
    assignment = Assignment("Lab 3", "generative-tf", "moodle", {"cmid": "991"}, policy)
    people = [
        Delivery(Person("Jan_Kowalski_11", "Jan Kowalski", participant_id="11"), SUBMITTED, "the only notebook"),
        Delivery(Person("Ewa_Nowak_12", "Ewa Nowak", participant_id="12"), NOT_SUBMITTED),
    ]
    with Gradebook(f"sqlite:///{tmp_path / 'g.db'}") as gradebook:
        gradebook.save_assignment(assignment)
        gradebook.save_roster("Lab 3", people)
        assert gradebook.assignment("Lab 3") == assignment
        assert gradebook.assignment("Lab 4") is None
        assert gradebook.roster("Lab 3") == sorted(people, key=lambda d: d.person.key)
