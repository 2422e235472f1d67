"""The gradebook: every graded submission in a database (SQLAlchemy Core, any URL).

Tables (``docs/results-schema.md`` describes them column by column):

* ``submissions``: one row per (lab, student), the latest grade; ``grade_json`` is the
  submission exactly as in ``results.json``.
* ``items`` and ``checks``: the same grade flattened for queries; deleted with their submission.
* ``results``: the judge's result of each submission (lossless JSON, figures included) with the
  key of the rubric, settings and grader that produced it: a re-run reuses it for an unchanged
  file instead of judging it again (``grader grade --regrade`` does not).
* ``manual_scores``: an instructor's points for prose items. Regrading never touches it, so a
  rerun keeps what a person typed in.

:meth:`Gradebook.record` replaces a submission in one transaction: a crash leaves either the
old grade or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import json
import threading
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from .outcomes import Grade, SubmissionResult, result_from_json, result_to_json

metadata = MetaData()

submissions_table = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("lab", String(200), nullable=False),
    Column("student", String(200), nullable=False),
    Column("file", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rubric_hash", String(64), nullable=False),
    Column("grader_version", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("error", Text),
    Column("total", Float, nullable=False),
    Column("max", Float, nullable=False),
    Column("graded_at", String(40), nullable=False),
    Column("grade_json", Text, nullable=False),
    UniqueConstraint("lab", "student", name="uq_submissions_lab_student"),
)

items_table = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("item_id", String(200), nullable=False),
    Column("status", String(32), nullable=False),
    Column("points", Float, nullable=False),
    Column("max_points", Float, nullable=False),
    Column("auto_points", Float, nullable=False),
    Column("manual_points", Float),
    Column("bonus", Boolean, nullable=False, default=False),
)

checks_table = Table(
    "checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("item_id", String(200), nullable=False),
    Column("check_id", String(400), nullable=False),
    Column("status", String(32), nullable=False),
    Column("message_pl", Text),
    Column("message_en", Text),
    Column("expected", Text),
    Column("got", Text),
)

results_table = Table(
    "results",
    metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
    Column("grading_key", String(64), nullable=False),  # rubric, settings and grader that produced it
    Column("result_json", Text, nullable=False),  # the judge's SubmissionResult, lossless
)

manual_scores_table = Table(
    "manual_scores",
    metadata,
    Column("lab", String(200), primary_key=True),
    Column("student", String(200), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("points", Float, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("updated_at", String(40), nullable=False),
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


class Gradebook:
    """A gradebook at a SQLAlchemy URL (``sqlite:///gradebook.db``); tables made on open."""

    def __init__(self, url: str):
        self.url = url
        self.engine, kind = _make_engine(url)
        # SQLite allows one writer at a time: serialise our own writers rather than have
        # threads spin on "database is locked". Server databases handle this themselves.
        lock = threading.Lock()
        self._write_lock = contextlib.nullcontext() if kind == "server" else lock
        # In-memory SQLite is one shared connection: readers must queue behind writers too.
        self._read_lock = lock if kind == "memory" else contextlib.nullcontext()
        metadata.create_all(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def record(self, grade: Grade, grade_json: dict, grader_version: str, grading_key: str = "") -> int:
        """Replace the (lab, student) submission with ``grade``, and keep the judge's result
        under ``grading_key`` for reuse (:meth:`reusable`); returns the new row id."""
        with self._write_lock, self.engine.begin() as conn:
            self._delete_submission(conn, grade.lab, grade.student)
            submission_id = conn.execute(
                insert(submissions_table).values(**_submission_row(grade, grade_json, grader_version))
            ).inserted_primary_key[0]
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
        return submission_id

    def reusable(self, lab: str, grading_key: str) -> dict[str, tuple[str, SubmissionResult]]:
        """The judge's results kept for ``lab`` under ``grading_key``: student -> (sha256, result).
        A re-run reuses them for files that did not change instead of judging them again."""
        s, r = submissions_table, results_table
        query = (
            select(s.c.student, s.c.sha256, r.c.result_json)
            .select_from(s.join(r, r.c.submission_id == s.c.id))
            .where(and_(s.c.lab == lab, r.c.grading_key == grading_key))
        )
        with self._read_lock, self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return {row.student: (row.sha256, result_from_json(json.loads(row.result_json))) for row in rows}

    def kept_results(self, lab: str) -> dict[str, tuple[str, SubmissionResult]]:
        """Every judge's result kept for ``lab``, whatever its grading key: student -> (grading key,
        result). What re-scoring and the class-wide views read (:mod:`grader.service`)."""
        s, r = submissions_table, results_table
        query = (
            select(s.c.student, r.c.grading_key, r.c.result_json)
            .select_from(s.join(r, r.c.submission_id == s.c.id))
            .where(s.c.lab == lab)
            .order_by(s.c.student)
        )
        with self._read_lock, self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return {row.student: (row.grading_key, result_from_json(json.loads(row.result_json))) for row in rows}

    @staticmethod
    def _delete_submission(conn, lab: str, student: str) -> None:
        old = select(submissions_table.c.id).where(
            and_(submissions_table.c.lab == lab, submissions_table.c.student == student)
        )
        # Delete children explicitly too: correct even where the database ignores CASCADE.
        conn.execute(delete(results_table).where(results_table.c.submission_id.in_(old)))
        conn.execute(delete(checks_table).where(checks_table.c.submission_id.in_(old)))
        conn.execute(delete(items_table).where(items_table.c.submission_id.in_(old)))
        conn.execute(
            delete(submissions_table).where(
                and_(submissions_table.c.lab == lab, submissions_table.c.student == student)
            )
        )

    def manual_scores(self, lab: str, student: str) -> dict[str, float]:
        """The instructor's points for ``student``'s items, by item id."""
        t = manual_scores_table
        query = select(t.c.item_id, t.c.points).where(and_(t.c.lab == lab, t.c.student == student))
        with self._read_lock, self.engine.connect() as conn:
            return {row.item_id: row.points for row in conn.execute(query)}

    def set_manual_score(self, lab: str, student: str, item_id: str, points: float, comment: str = "") -> None:
        """Set (or replace) the instructor's points for one item of one student."""
        t = manual_scores_table
        key = and_(t.c.lab == lab, t.c.student == student, t.c.item_id == item_id)
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(delete(t).where(key))
            conn.execute(
                insert(t).values(
                    lab=lab, student=student, item_id=item_id, points=float(points), comment=comment, updated_at=_now()
                )
            )

    def find(self, lab: str, student: str, sha256: str, rubric_hash: str, grader_version: str) -> bool:
        """Whether this exact file was already graded with this rubric and grader version."""
        t = submissions_table
        query = (
            select(func.count())
            .select_from(t)
            .where(
                and_(
                    t.c.lab == lab,
                    t.c.student == student,
                    t.c.sha256 == sha256,
                    t.c.rubric_hash == rubric_hash,
                    t.c.grader_version == grader_version,
                )
            )
        )
        with self._read_lock, self.engine.connect() as conn:
            return conn.execute(query).scalar_one() > 0

    def submissions(self, lab: str) -> list[dict]:
        """The lab's submissions sorted by student; ``grade_json`` comes back parsed."""
        t = submissions_table
        query = select(t).where(t.c.lab == lab).order_by(t.c.student)
        with self._read_lock, self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        for row in rows:
            row["grade_json"] = json.loads(row["grade_json"])
        return rows


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
