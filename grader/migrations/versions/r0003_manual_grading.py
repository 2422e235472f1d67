"""Manual grading in `grader serve`: the people who grade (per-person accounts, one-time login
links, server-side sessions with their CSRF token), an append-only audit log, flags, soft claims,
the criteria of each item as instructors edit them, calibration rounds; and on each manual score
its version (optimistic concurrency), who gave it, the criteria applied, the answer it scored.

Every existing manual score is kept as an override of its item (what it meant before), version 1."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

# The audit log is append-only in the database itself, not only in the code that writes it: a
# bug or a hand-typed UPDATE is refused.
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
_POSTGRES_TRIGGERS = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]


def _key(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.String(200), primary_key=True) for name in names]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    for table in ("login_links", "sessions"):
        columns: list[sa.Column] = [
            sa.Column("token_sha256", sa.String(64), primary_key=True),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        ]
        if table == "sessions":
            columns.append(sa.Column("csrf_token", sa.String(64), nullable=False))
        columns += [
            sa.Column("created_at", sa.String(40), nullable=False),
            sa.Column("expires_at", sa.String(40), nullable=False),
            sa.Column("used_at" if table == "login_links" else "ended_at", sa.String(40)),
        ]
        op.create_table(table, *columns)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("assignment", sa.String(200), nullable=False),
        sa.Column("student", sa.String(200), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("before_json", sa.Text, nullable=False),
        sa.Column("after_json", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("via", sa.String(64), nullable=False),
    )
    op.create_table(
        "flags",
        *_key("assignment", "student", "item_id"),
        sa.Column("flagged_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_table(
        "claims",
        *_key("assignment", "item_id", "student"),
        sa.Column("grader", sa.String(200), nullable=False),
        sa.Column("until", sa.String(40), nullable=False),
    )
    op.create_table(
        "criteria",
        *_key("assignment", "item_id"),
        sa.Column("criterion_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("text_pl", sa.Text, nullable=False),
        sa.Column("text_en", sa.Text, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "item_rubrics",
        *_key("assignment", "item_id"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("scoring", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "calibration",
        *_key("assignment", "item_id", "student"),
        sa.Column("chosen_by", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_table(
        "calibration_grades",
        *_key("assignment", "item_id", "student", "grader"),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("criteria_json", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    with op.batch_alter_table("manual_scores") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="override"))
        batch.add_column(sa.Column("graded_by", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("criteria_json", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("adjustment", sa.Float, nullable=False, server_default="0"))
        batch.add_column(sa.Column("answer_sha256", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("rubric_version", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("via", sa.String(64), nullable=False, server_default=""))
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRES_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    with op.batch_alter_table("manual_scores") as batch:
        for column in ("via", "rubric_version", "answer_sha256", "adjustment", "criteria_json", "graded_by", "kind"):
            batch.drop_column(column)
        batch.drop_column("version")
    for table in (
        "calibration_grades",
        "calibration",
        "item_rubrics",
        "criteria",
        "claims",
        "flags",
        "audit_log",
        "sessions",
        "login_links",
        "users",
    ):
        op.drop_table(table)
