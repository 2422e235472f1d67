"""Students' links to the web self-check of ``grader serve``, and each student's last result there.

A link is ``<base URL>/check/<token>``: the token is the student's only credential (students have
no account and no session). As for staff login links (:mod:`.accounts`), only the token's SHA-256
digest is stored, so a copy of the gradebook opens no student's page. A link expires
(:data:`LINK_LIFETIME` by default) and issuing a new one revokes the student's older link. Every
issue is an audit row. Of a student's runs only the last result is kept (its table as the student
saw it, the notebook's hash and the time): no history, no audit row per run, no notebook.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, insert, select, update

from ..errors import AccountError
from ..gradebook import Gradebook
from ..tables import selfcheck_results_table, student_links_table, submissions_table
from . import audit
from .accounts import digest

LINK_LIFETIME = timedelta(days=30)
ISSUE_ACTION = "student.link"


@dataclass(frozen=True)
class StudentLink:
    """What a live token opens: one student's page of one assignment."""

    assignment: str
    student: str
    expires_at: str


@dataclass(frozen=True)
class LastResult:
    table: str
    notebook_sha256: str
    checked_at: str


def students_of(gradebook: Gradebook, assignment: str) -> list[str]:
    """Who gets a link: the roster's people when the gradebook holds a roster (so a student who
    has not handed in yet can check too), else every graded student of the assignment."""
    people = [d.person.key for d in gradebook.roster(assignment)]
    if not people:
        t = submissions_table
        with gradebook.reading() as conn:
            people = list(
                conn.execute(select(t.c.student).where(t.c.assignment == assignment).distinct().order_by(t.c.student))
                .scalars()
                .all()
            )
    if not people:
        raise AccountError(
            f"the gradebook {gradebook.url} holds no roster and no graded student of {assignment!r}. "
            "Fix: import the class first (`grader import ...` or `grader grade ... --assignment NAME`)."
        )
    return people


def issue(
    gradebook: Gradebook, assignment: str, student: str, actor: str = "cli", lifetime: timedelta = LINK_LIFETIME
) -> str:
    """A new token for ``student``'s page of ``assignment``; the student's older links stop working."""
    token = secrets.token_urlsafe(32)
    created = datetime.now(UTC)
    t = student_links_table
    with gradebook.writing() as conn:
        revoked = conn.execute(
            update(t)
            .where(and_(t.c.assignment == assignment, t.c.student == student, t.c.revoked_at.is_(None)))
            .values(revoked_at=audit.timestamp(created))
        ).rowcount
        expires = audit.timestamp(created + lifetime)
        conn.execute(
            insert(t).values(
                token_sha256=digest(token),
                assignment=assignment,
                student=student,
                created_at=audit.timestamp(created),
                expires_at=expires,
            )
        )
        audit.log(
            conn,
            actor,
            ISSUE_ACTION,
            assignment=assignment,
            student=student,
            before={"links_revoked": revoked},
            after={"expires_at": expires},
        )
    return token


def issue_all(
    gradebook: Gradebook, assignment: str, actor: str = "cli", lifetime: timedelta = LINK_LIFETIME
) -> list[tuple[str, str]]:
    """A new link for every student of ``assignment`` (:func:`students_of`): ``(student, token)``."""
    return [
        (student, issue(gradebook, assignment, student, actor, lifetime))
        for student in students_of(gradebook, assignment)
    ]


def find(gradebook: Gradebook, token: str) -> StudentLink | None:
    """The page ``token`` opens, or None when it is unknown, expired or revoked."""
    t = student_links_table
    query = select(t.c.assignment, t.c.student, t.c.expires_at).where(
        and_(
            t.c.token_sha256 == digest(token),
            t.c.revoked_at.is_(None),
            t.c.expires_at > audit.timestamp(datetime.now(UTC)),
        )
    )
    with gradebook.reading() as conn:
        row = conn.execute(query).first()
    return StudentLink(row.assignment, row.student, row.expires_at) if row else None


def last_result(gradebook: Gradebook, assignment: str, student: str) -> LastResult | None:
    t = selfcheck_results_table
    query = select(t).where(and_(t.c.assignment == assignment, t.c.student == student))
    with gradebook.reading() as conn:
        row = conn.execute(query).first()
    return LastResult(row.table_text, row.notebook_sha256, row.checked_at) if row else None


def save_result(gradebook: Gradebook, assignment: str, student: str, table: str, notebook_sha256: str) -> LastResult:
    """Keep ``table`` as the student's only result, replacing the one before."""
    t = selfcheck_results_table
    result = LastResult(table, notebook_sha256, audit.now())
    with gradebook.writing() as conn:
        conn.execute(delete(t).where(and_(t.c.assignment == assignment, t.c.student == student)))
        conn.execute(
            insert(t).values(
                assignment=assignment,
                student=student,
                table_text=table,
                notebook_sha256=notebook_sha256,
                checked_at=result.checked_at,
            )
        )
    return result
