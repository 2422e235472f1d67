"""The gradebook: every graded submission in a database (SQLAlchemy Core, any URL).

Tables (``docs/results-schema.md`` describes them column by column):

* ``submissions``: one row per (assignment, student), the latest grade; ``grade_json`` is the
  submission exactly as in ``results.json``. An assignment is a lab set for one class
  (:class:`grader.course.Assignment`); without one, the assignment is the lab's id.
* ``items`` and ``checks``: the same grade flattened for queries; deleted with their submission.
* ``results``: the judge's result of each submission (lossless JSON, figures included) with the
  key of the rubric, settings and grader that produced it: a re-run reuses it for an unchanged
  file instead of judging it again (``grader grade --regrade`` does not).
* ``manual_scores``: a person's points: an instructor's override of an item, or a grader's points
  for an answer (the manual part, :mod:`grader.manual`). Regrading never touches it, so a rerun
  keeps what a person typed in.
* ``assignments`` and ``students``: the course around a batch imported from an LMS: the
  assignment's LMS ids and late policy, and its roster (every person, with or without a
  submission, and what they handed in).
* the people who grade by hand and what they did (users, sessions, the audit log...), written by
  :mod:`grader.manual`; every table is declared in :mod:`grader.tables`.

The schema is migrated with Alembic (:mod:`grader.migrations`) when a gradebook is opened, so one
written by an earlier version opens with nothing lost.
:meth:`Gradebook.record` replaces a submission in one transaction: a crash leaves either the
old grade or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import StaticPool

from .course import Assignment, Delivery, LatePolicy, Person
from .outcomes import Grade, SubmissionResult, result_from_json, result_to_json
from .tables import (
    MIGRATIONS,
    OVERRIDE,
    PART,
    SCHEMA_REVISION,
    assignments_table,
    checks_table,
    items_table,
    manual_scores_table,
    results_table,
    students_table,
    submissions_table,
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def lock_key(conn: Connection, *key: str) -> None:
    """Make concurrent writers of one key wait for each other until ``conn``'s transaction ends.

    The writes here delete a key's rows and insert new ones (or read a version and write the next).
    Two such transactions at once on PostgreSQL (READ COMMITTED) both find nothing to delete and the
    second insert violates the primary key, or their cascades deadlock; a transaction-scoped
    advisory lock on the key serialises them. SQLite already allows one writer at a time."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": "\x1f".join(key)})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers (a dashboard, `grader status`) run while workers write; SQLite leaves
    # foreign keys off unless asked on every connection, and ON DELETE CASCADE needs them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _make_engine(url: str):
    """The engine and its kind: "server", "sqlite" (a file) or "memory" (in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url), "server"
    if parsed.database in (None, "", ":memory:"):
        # One shared connection, or every thread would see its own empty in-memory database.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        kind = "memory"
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        kind = "sqlite"
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine, kind


_MIGRATE_LOCK = threading.Lock()


def migrate(engine) -> None:
    """Bring the gradebook at ``engine`` to :data:`SCHEMA_REVISION`: create it when empty, upgrade it
    when an earlier version wrote it (one without Alembic's table is that first schema, revision
    0001). Every step runs in one transaction: a failure leaves the gradebook as it was."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's `context` is one module-wide object: two threads migrating at once would share it.
    with _MIGRATE_LOCK, engine.connect() as conn:
        lock_key(conn, "migrate")  # two processes opening a new gradebook: one migrates, the other waits
        current = MigrationContext.configure(conn).get_current_revision()
        if current == SCHEMA_REVISION:
            return
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # a batch migration copies a table and drops the old one; with foreign keys on, SQLite's
            # DROP would cascade to items, checks and results. The pragma is a no-op inside a
            # transaction, so it is set before the migration's transaction begins.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        config.attributes["connection"] = conn
        if current is None and inspect(conn).has_table("submissions"):
            command.stamp(config, "0001")
        command.upgrade(config, SCHEMA_REVISION)
        conn.commit()
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


class Gradebook:
    """A gradebook at a SQLAlchemy URL (``sqlite:///gradebook.db``); made or migrated on open.

    Its submissions are keyed by ``assignment``: the name of an :class:`~grader.course.Assignment`,
    or, for a batch graded without one, the lab's id."""

    def __init__(self, url: str):
        self.url = url
        self.engine, kind = _make_engine(url)
        # SQLite allows one writer at a time: serialise our own writers rather than have
        # threads spin on "database is locked". Server databases handle this themselves.
        lock = threading.Lock()
        self._write_lock = contextlib.nullcontext() if kind == "server" else lock
        # In-memory SQLite is one shared connection: readers must queue behind writers too.
        self._read_lock = lock if kind == "memory" else contextlib.nullcontext()
        # how many submissions this object has recorded: a long-running reader in this process
        # (grader.manual.answers.ClassAnswers) re-reads what changed without polling
        self.changes = 0
        try:
            migrate(self.engine)
        except BaseException:
            self.engine.dispose()  # a refused gradebook keeps no connection open
            raise

    @contextlib.contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction on the gradebook, serialised with this process's other writers
        on SQLite (it allows one writer at a time); committed when the block ends."""
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads (no transaction is committed)."""
        with self._read_lock, self.engine.connect() as conn:
            yield conn

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def record(
        self,
        grade: Grade,
        grade_json: dict,
        grader_version: str,
        grading_key: str = "",
        *,
        assignment: str | None = None,
        submitted_at: str | None = None,
        attempt: int = 1,
    ) -> int:
        """Replace the (assignment, student) submission with ``grade``, and keep the judge's result
        under ``grading_key`` for reuse (:meth:`reusable`); returns the new row id. ``assignment``:
        default the grade's lab; ``submitted_at`` (ISO 8601) and ``attempt``: as the LMS said."""
        key = assignment or grade.lab
        row = _submission_row(grade, grade_json, grader_version) | {
            "assignment": key,
            "submitted_at": submitted_at,
            "attempt": attempt,
            "late": bool(grade.lateness and grade.lateness.late),
        }
        with self._write_lock, self.engine.begin() as conn:
            lock_key(conn, "submissions", key, grade.student)
            self._delete_submission(conn, key, grade.student)
            submission_id = conn.execute(insert(submissions_table).values(**row)).inserted_primary_key[0]
            item_rows, check_rows = _child_rows(grade, submission_id)
            if item_rows:
                conn.execute(insert(items_table), item_rows)
            if check_rows:
                conn.execute(insert(checks_table), check_rows)
            conn.execute(
                insert(results_table).values(
                    submission_id=submission_id,
                    grading_key=grading_key,
                    result_json=json.dumps(result_to_json(grade.result)),
                )
            )
        self.changes += 1
        return submission_id

    def reusable(self, assignment: str, grading_key: str) -> dict[str, tuple[str, SubmissionResult]]:
        """The judge's results kept for ``assignment`` under ``grading_key``: student -> (sha256, result).
        A re-run reuses them for files that did not change instead of judging them again."""
        s, r = submissions_table, results_table
        query = (
            select(s.c.student, s.c.sha256, r.c.result_json)
            .select_from(s.join(r, r.c.submission_id == s.c.id))
            .where(and_(s.c.assignment == assignment, r.c.grading_key == grading_key))
        )
        with self._read_lock, self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return {row.student: (row.sha256, result_from_json(json.loads(row.result_json))) for row in rows}

    def kept_results(
        self, assignment: str, students: Iterable[str] | None = None
    ) -> dict[str, tuple[str, SubmissionResult]]:
        """Every judge's result kept for ``assignment`` (only ``students``' when given), whatever its
        grading key: student -> (grading key, result). What re-scoring and the class-wide views read
        (:mod:`grader.service`)."""
        s, r = submissions_table, results_table
        query = (
            select(s.c.student, r.c.grading_key, r.c.result_json)
            .select_from(s.join(r, r.c.submission_id == s.c.id))
            .where(s.c.assignment == assignment)
            .order_by(s.c.student)
        )
        if students is not None:
            query = query.where(s.c.student.in_(list(students)))
        with self._read_lock, self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return {row.student: (row.grading_key, result_from_json(json.loads(row.result_json))) for row in rows}

    def result_versions(self, assignment: str) -> dict[str, str]:
        """A fingerprint of each student's kept result (the file's hash and the grading key): what a
        long-running reader (the web app) compares to see which results changed since it read them."""
        s, r = submissions_table, results_table
        query = (
            select(s.c.student, s.c.sha256, r.c.grading_key)
            .select_from(s.join(r, r.c.submission_id == s.c.id))
            .where(s.c.assignment == assignment)
        )
        with self._read_lock, self.engine.connect() as conn:
            return {row.student: f"{row.sha256} {row.grading_key}" for row in conn.execute(query)}

    @staticmethod
    def _delete_submission(conn, assignment: str, student: str) -> None:
        t = submissions_table
        old = select(t.c.id).where(and_(t.c.assignment == assignment, t.c.student == student))
        # Delete children explicitly too: correct even where the database ignores CASCADE.
        conn.execute(delete(results_table).where(results_table.c.submission_id.in_(old)))
        conn.execute(delete(checks_table).where(checks_table.c.submission_id.in_(old)))
        conn.execute(delete(items_table).where(items_table.c.submission_id.in_(old)))
        conn.execute(delete(t).where(and_(t.c.assignment == assignment, t.c.student == student)))

    def manual_scores(self, assignment: str, student: str) -> dict[str, float]:
        """The overrides of ``student``'s items (an instructor's points that replace the item's), by item id."""
        return self._manual(assignment, student, OVERRIDE)

    def manual_parts(self, assignment: str, student: str) -> dict[str, float]:
        """A grader's points for the manual part of ``student``'s items (added to the automatic
        points), by item id."""
        return self._manual(assignment, student, PART)

    def _manual(self, assignment: str, student: str, kind: str) -> dict[str, float]:
        t = manual_scores_table
        query = select(t.c.item_id, t.c.points).where(
            and_(t.c.assignment == assignment, t.c.student == student, t.c.kind == kind)
        )
        with self._read_lock, self.engine.connect() as conn:
            return {row.item_id: row.points for row in conn.execute(query)}

    def set_manual_score(self, assignment: str, student: str, item_id: str, points: float, comment: str = "") -> None:
        """Set (or replace) an override: the instructor's points for one item of one student, in
        place of the item's computed points. The row's version goes up, so a grader in
        ``grader serve`` holding the old one sees a conflict instead of overwriting it."""
        t = manual_scores_table
        key = and_(t.c.assignment == assignment, t.c.student == student, t.c.item_id == item_id)
        with self._write_lock, self.engine.begin() as conn:
            lock_key(conn, "manual_scores", assignment, student, item_id)
            version = conn.execute(select(t.c.version).where(key)).scalar() or 0
            conn.execute(delete(t).where(key))
            conn.execute(
                insert(t).values(
                    assignment=assignment,
                    student=student,
                    item_id=item_id,
                    points=float(points),
                    comment=comment,
                    updated_at=_now(),
                    version=version + 1,
                    kind=OVERRIDE,
                )
            )

    def find(self, assignment: str, student: str, sha256: str, rubric_hash: str, grader_version: str) -> bool:
        """Whether this exact file was already graded with this rubric and grader version."""
        t = submissions_table
        query = (
            select(func.count())
            .select_from(t)
            .where(
                and_(
                    t.c.assignment == assignment,
                    t.c.student == student,
                    t.c.sha256 == sha256,
                    t.c.rubric_hash == rubric_hash,
                    t.c.grader_version == grader_version,
                )
            )
        )
        with self._read_lock, self.engine.connect() as conn:
            return conn.execute(query).scalar_one() > 0

    def submissions(self, assignment: str) -> list[dict]:
        """The assignment's submissions sorted by student; ``grade_json`` comes back parsed."""
        t = submissions_table
        query = select(t).where(t.c.assignment == assignment).order_by(t.c.student)
        with self._read_lock, self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        for row in rows:
            row["grade_json"] = json.loads(row["grade_json"])
        return rows

    def submitted_at(self, assignment: str, student: str) -> str | None:
        """When ``student``'s submission came in, as the LMS said (ISO 8601), or None."""
        t = submissions_table
        query = select(t.c.submitted_at).where(and_(t.c.assignment == assignment, t.c.student == student))
        with self._read_lock, self.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    # -- the course: assignments and rosters --------------------------------------------------

    def save_assignment(self, assignment: Assignment) -> None:
        """Create or replace ``assignment`` (its lab, LMS ids and late policy)."""
        t = assignments_table
        row = {
            "name": assignment.name,
            "lab": assignment.lab,
            "lms": assignment.lms,
            "lms_ids_json": json.dumps(dict(assignment.lms_ids), sort_keys=True),
            "due": assignment.late.due.isoformat() if assignment.late.due else None,
            "late_policy_json": json.dumps(_policy_to_json(assignment.late), sort_keys=True),
            "updated_at": _now(),
        }
        with self._write_lock, self.engine.begin() as conn:
            lock_key(conn, "assignments", assignment.name)
            conn.execute(delete(t).where(t.c.name == assignment.name))
            conn.execute(insert(t).values(**row))

    def assignment(self, name: str) -> Assignment | None:
        """The assignment saved under ``name``, or None (a batch graded without one)."""
        t = assignments_table
        with self._read_lock, self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.name == name)).one_or_none()
        if row is None:
            return None
        return Assignment(
            name=row.name,
            lab=row.lab,
            lms=row.lms,
            lms_ids=json.loads(row.lms_ids_json),
            late=_policy_from_json(json.loads(row.late_policy_json)),
        )

    def save_roster(self, assignment: str, deliveries: Iterable[Delivery]) -> None:
        """Replace ``assignment``'s roster with ``deliveries``: every person, with what they handed in."""
        t = students_table
        rows = [
            {
                "assignment": assignment,
                "student": d.person.key,
                "display_name": d.person.display_name,
                "email": d.person.email,
                "lms_user_id": d.person.lms_user_id,
                "sis_id": d.person.sis_id,
                "sis_login": d.person.sis_login,
                "section": d.person.section,
                "participant_id": d.person.participant_id,
                "lms_status": d.person.lms_status,
                "delivery": d.state,
                "delivery_note": d.note,
                "attachments_json": json.dumps(list(d.attachments), ensure_ascii=False),
            }
            for d in deliveries
        ]
        with self._write_lock, self.engine.begin() as conn:
            lock_key(conn, "students", assignment)
            conn.execute(delete(t).where(t.c.assignment == assignment))
            if rows:
                conn.execute(insert(t), rows)

    def roster(self, assignment: str) -> list[Delivery]:
        """``assignment``'s roster as saved, sorted by student key; empty for a batch without one."""
        t = students_table
        query = select(t).where(t.c.assignment == assignment).order_by(t.c.student)
        with self._read_lock, self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return [
            Delivery(
                Person(
                    key=r.student,
                    display_name=r.display_name,
                    email=r.email,
                    lms_user_id=r.lms_user_id,
                    sis_id=r.sis_id,
                    sis_login=r.sis_login,
                    section=r.section,
                    participant_id=r.participant_id,
                    lms_status=r.lms_status,
                ),
                r.delivery,
                r.delivery_note,
                tuple(json.loads(r.attachments_json)),
            )
            for r in rows
        ]


def _policy_to_json(policy: LatePolicy) -> dict:
    return {
        "due": policy.due.isoformat() if policy.due else None,
        "penalty": policy.penalty,
        "per": policy.per,
        "cap": policy.cap,
        "grace_s": policy.grace.total_seconds(),
        "extensions": {k: v.isoformat() for k, v in sorted(policy.extensions.items())},
    }


def _policy_from_json(data: dict) -> LatePolicy:
    return LatePolicy(
        due=datetime.fromisoformat(data["due"]) if data["due"] else None,
        penalty=data["penalty"],
        per=data["per"],
        cap=data["cap"],
        grace=timedelta(seconds=data["grace_s"]),
        extensions={k: datetime.fromisoformat(v) for k, v in data["extensions"].items()},
    )


def _submission_row(grade: Grade, grade_json: dict, grader_version: str) -> dict:
    return {
        "lab": grade.lab,
        "student": grade.student,
        "file": grade.file,
        "sha256": grade.sha256,
        "rubric_hash": grade.rubric_hash,
        "grader_version": grader_version,
        "status": grade.status,
        # English in the column for queries; both languages are in grade_json's error_i18n.
        "error": None if grade.error is None else grade.error.en,
        "total": grade.total,
        "max": grade.max,
        "graded_at": _now(),
        "grade_json": json.dumps(grade_json, ensure_ascii=False),
    }


def _child_rows(grade: Grade, submission_id: int) -> tuple[list[dict], list[dict]]:
    items, checks = [], []
    for item in grade.items:
        items.append(
            {
                "submission_id": submission_id,
                "item_id": item.id,
                "status": item.status.value,
                "points": item.points,
                "max_points": item.max_points,
                "auto_points": item.auto_points,
                "manual_points": item.manual_points,
                "bonus": item.bonus,
            }
        )
        for check in item.result.checks:
            checks.append(
                {
                    "submission_id": submission_id,
                    "item_id": item.id,
                    "check_id": check.id,
                    "status": check.status.value,
                    "message_pl": check.message.pl if check.message else None,
                    "message_en": check.message.en if check.message else None,
                    "expected": check.expected,
                    "got": check.got,
                }
            )
    return items, checks
