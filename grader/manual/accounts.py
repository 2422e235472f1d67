"""People who grade: per-person accounts (no shared account), one-time login links and
server-side sessions, each session with its own CSRF token.

Only SHA-256 digests of link and session tokens are stored, so a copy of the gradebook logs nobody
in. A link works once and expires; a session expires and ends at logout. Every account change
and every login and logout leaves an audit row.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import AccountError
from ..gradebook import Gradebook
from ..tables import login_links_table, sessions_table, users_table
from . import audit

INSTRUCTOR = "instructor"
TA = "ta"
ROLES = (INSTRUCTOR, TA)
LINK_LIFETIME = timedelta(days=7)
SESSION_LIFETIME = timedelta(hours=12)
# a person's name: what the audit log and the other graders see
NAME_PATTERN = r"^[\w.@+-][\w .@+-]{0,99}$"


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def is_instructor(self) -> bool:
        return self.role == INSTRUCTOR


@dataclass(frozen=True)
class Session:
    """A logged-in person: the CSRF token every state-changing request of theirs must carry."""

    user: User
    csrf_token: str
    expires_at: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(gradebook: Gradebook, name: str, role: str, actor: str = "cli") -> User:
    """A new account. Raises :class:`AccountError` for an unknown role, a name taken or not allowed."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}. Fix: use one of {', '.join(ROLES)}.")
    if not re.match(NAME_PATTERN, name):
        raise AccountError(
            f"{name!r} is not a usable name. Fix: 1-100 letters, digits, spaces or . @ + - (not starting with a space)."
        )
    try:
        with gradebook.writing() as conn:
            inserted = conn.execute(insert(users_table).values(name=name, role=role, created_at=audit.now()))
            user_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
            audit.log(conn, actor, "user.add", student=name, after={"name": name, "role": role})
    except IntegrityError:
        raise AccountError(
            f"{name!r} already has an account in {gradebook.url}. Fix: choose another name, or "
            f"`grader users link {name}` for a new login link."
        ) from None
    return User(user_id, name, role)


def disable_user(gradebook: Gradebook, name: str, actor: str = "cli") -> None:
    """Close an account: its sessions end now and its links stop working; its grades and audit
    rows stay (they name who gave them)."""
    user = find_user(gradebook, name)
    if user is None:
        raise AccountError(f"{name!r} has no open account. Fix: `grader users list` shows who has one.")
    with gradebook.writing() as conn:
        conn.execute(update(users_table).where(users_table.c.id == user.id).values(disabled=True))
        conn.execute(
            update(sessions_table)
            .where(and_(sessions_table.c.user_id == user.id, sessions_table.c.ended_at.is_(None)))
            .values(ended_at=audit.now())
        )
        audit.log(conn, actor, "user.disable", student=name, before={"name": name, "role": user.role})


def find_user(gradebook: Gradebook, name: str) -> User | None:
    t = users_table
    with gradebook.reading() as conn:
        row = conn.execute(select(t).where(and_(t.c.name == name, t.c.disabled.is_(False)))).first()
    return User(row.id, row.name, row.role) if row else None


def users(gradebook: Gradebook) -> list[User]:
    t = users_table
    with gradebook.reading() as conn:
        return [
            User(r.id, r.name, r.role)
            for r in conn.execute(select(t).where(t.c.disabled.is_(False)).order_by(t.c.name))
        ]


def login_link(gradebook: Gradebook, name: str, actor: str = "cli", lifetime: timedelta = LINK_LIFETIME) -> str:
    """A new one-time login token for ``name`` (the link is ``<base URL>/login/<token>``)."""
    user = find_user(gradebook, name)
    if user is None:
        raise AccountError(f"{name!r} has no account. Fix: `grader users add {name} --role ta` first.")
    token = secrets.token_urlsafe(32)
    created = datetime.now(UTC)
    with gradebook.writing() as conn:
        conn.execute(
            insert(login_links_table).values(
                token_sha256=digest(token),
                user_id=user.id,
                created_at=audit.timestamp(created),
                expires_at=audit.timestamp(created + lifetime),
            )
        )
        audit.log(conn, actor, "user.link", student=name)
    return token


def redeem(gradebook: Gradebook, token: str, lifetime: timedelta = SESSION_LIFETIME) -> tuple[str, Session] | None:
    """Use a login token once: a new session (its token for the cookie, and the session), or None
    when the token is unknown, used or expired. Two requests racing with one token get one session."""
    t = login_links_table
    moment = datetime.now(UTC)
    with gradebook.writing() as conn:
        used = conn.execute(
            update(t)
            .where(
                and_(t.c.token_sha256 == digest(token), t.c.used_at.is_(None), t.c.expires_at > audit.timestamp(moment))
            )
            .values(used_at=audit.timestamp(moment))
        )
        if used.rowcount != 1:
            return None
        user_id = conn.execute(select(t.c.user_id).where(t.c.token_sha256 == digest(token))).scalar_one()
        row = conn.execute(select(users_table).where(users_table.c.id == user_id)).one()
        if row.disabled:
            return None
        session_token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = audit.timestamp(moment + lifetime)
        conn.execute(
            insert(sessions_table).values(
                token_sha256=digest(session_token),
                user_id=user_id,
                csrf_token=csrf,
                created_at=audit.timestamp(moment),
                expires_at=expires,
            )
        )
        audit.log(conn, row.name, "session.login")
    return session_token, Session(User(row.id, row.name, row.role), csrf, expires)


def session(gradebook: Gradebook, token: str) -> Session | None:
    """The live session of a cookie's token, or None (unknown, ended, expired, account disabled)."""
    s, u = sessions_table, users_table
    query = (
        select(s.c.csrf_token, s.c.expires_at, u.c.id, u.c.name, u.c.role)
        .join(u, u.c.id == s.c.user_id)
        .where(
            and_(
                s.c.token_sha256 == digest(token),
                s.c.ended_at.is_(None),
                s.c.expires_at > audit.timestamp(datetime.now(UTC)),
                u.c.disabled.is_(False),
            )
        )
    )
    with gradebook.reading() as conn:
        row = conn.execute(query).first()
    return Session(User(row.id, row.name, row.role), row.csrf_token, row.expires_at) if row else None


def end_session(gradebook: Gradebook, token: str) -> None:
    """Log out: the session's token no longer works, here or in any copy of the cookie."""
    s = sessions_table
    live = session(gradebook, token)
    with gradebook.writing() as conn:
        conn.execute(update(s).where(s.c.token_sha256 == digest(token)).values(ended_at=audit.now()))
        if live:
            audit.log(conn, live.user.name, "session.logout")
