"""The audit log: one row for every write a person makes, in the same transaction as the write.

Append-only twice over: this module has no update or delete, and the migration (r0003) adds
triggers that refuse UPDATE and DELETE on the table, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, insert, select

from ..gradebook import Gradebook
from ..tables import audit_log_table


def timestamp(moment: datetime) -> str:
    """``moment`` as every manual-grading table stores a time (UTC, ISO 8601, microseconds): one
    format, so the tables' times compare as strings."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def now() -> str:
    """The time a write happened, as every manual-grading table stores it."""
    return timestamp(datetime.now(UTC))


@dataclass(frozen=True)
class Entry:
    """One audit row: ``before`` and ``after`` are what the write changed (JSON objects)."""

    id: int
    at: str
    actor: str
    action: str
    assignment: str
    student: str
    item_id: str
    before: dict | None
    after: dict | None
    reason: str
    via: str


def log(
    conn: Connection,
    actor: str,
    action: str,
    *,
    assignment: str = "",
    student: str = "",
    item_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    via: str = "",
) -> None:
    """Append one row on ``conn`` (the caller's transaction: the write and its row commit together)."""
    conn.execute(
        insert(audit_log_table).values(
            at=now(),
            actor=actor,
            action=action,
            assignment=assignment,
            student=student,
            item_id=item_id,
            before_json=json.dumps(before, ensure_ascii=False, sort_keys=True),
            after_json=json.dumps(after, ensure_ascii=False, sort_keys=True),
            reason=reason,
            via=via,
        )
    )


def entries(
    gradebook: Gradebook,
    *,
    assignment: str | None = None,
    student: str | None = None,
    item_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> list[Entry]:
    """The rows matching every filter given, oldest first: an answer's history, a person's writes."""
    t = audit_log_table
    filters = [
        column == value
        for column, value in (
            (t.c.assignment, assignment),
            (t.c.student, student),
            (t.c.item_id, item_id),
            (t.c.actor, actor),
            (t.c.action, action),
        )
        if value is not None
    ]
    query = select(t).order_by(t.c.id)
    if filters:
        query = query.where(and_(*filters))
    with gradebook.reading() as conn:
        return [
            Entry(
                row.id,
                row.at,
                row.actor,
                row.action,
                row.assignment,
                row.student,
                row.item_id,
                json.loads(row.before_json),
                json.loads(row.after_json),
                row.reason,
                row.via,
            )
            for row in conn.execute(query)
        ]
