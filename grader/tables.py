"""The gradebook's tables (SQLAlchemy Core), one :data:`metadata` for every module that stores
something: the grades (:mod:`grader.gradebook`), the course around them, and the people who grade
by hand and what they did (:mod:`grader.manual`). ``docs/results-schema.md`` describes them column
by column; the migrations in ``grader/migrations/versions/`` make them, and a test keeps the two
equal."""

from __future__ import annotations

from pathlib import Path

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
    false,
)

# The schema these tables describe: the newest revision in grader/migrations/versions/
# (tests/test_gradebook_migrations.py keeps the two equal).
SCHEMA_REVISION = "0004"
MIGRATIONS = Path(__file__).parent / "migrations"

metadata = MetaData()

# manual_scores.kind: an instructor's override replaces the item's computed points; a grader's
# part is added to its automatic points (the share a person scores)
OVERRIDE = "override"
PART = "part"

submissions_table = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("lab", String(200), nullable=False),
    Column("student", String(200), nullable=False),
    Column("assignment", String(200), nullable=False),
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
    Column("submitted_at", String(40)),  # ISO 8601, from the LMS; None for a plain folder
    Column("attempt", Integer, nullable=False, server_default="1"),
    Column("late", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("assignment", "student", name="uq_submissions_assignment_student"),
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
    Column("bonus", Boolean, nullable=False),
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
    Column("assignment", String(200), primary_key=True),
    Column("student", String(200), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("points", Float, nullable=False),
    Column("comment", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
    # r0003, manual grading in `grader serve`: every write checks and bumps ``version`` (optimistic
    # concurrency); ``kind`` says how ``points`` count (see grader.manual.grading)
    Column("version", Integer, nullable=False, server_default="1"),
    Column("kind", String(16), nullable=False, server_default="override"),
    Column("graded_by", String(200), nullable=False, server_default=""),
    Column("criteria_json", Text, nullable=False, server_default="[]"),
    Column("adjustment", Float, nullable=False, server_default="0"),
    Column("answer_sha256", String(64), nullable=False, server_default=""),
    Column("rubric_version", Integer, nullable=False, server_default="0"),
    Column("via", String(64), nullable=False, server_default=""),
)

assignments_table = Table(
    "assignments",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("lab", String(200), nullable=False),
    Column("lms", String(32), nullable=False),
    Column("lms_ids_json", Text, nullable=False),
    Column("due", String(40)),
    Column("late_policy_json", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

students_table = Table(
    "students",
    metadata,
    Column("assignment", String(200), primary_key=True),
    Column("student", String(200), primary_key=True),
    Column("display_name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("lms_user_id", String(64), nullable=False),
    Column("sis_id", String(200), nullable=False),
    Column("sis_login", String(200), nullable=False),
    Column("section", Text, nullable=False),
    Column("participant_id", String(64), nullable=False),
    Column("lms_status", Text, nullable=False),
    Column("delivery", String(32), nullable=False),
    Column("delivery_note", Text, nullable=False),
    Column("attachments_json", Text, nullable=False),
)


# --- manual grading (r0003): people, their sessions, what they did ------------------------------

users_table = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # instructor | ta
    Column("created_at", String(40), nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=false()),
)

# A one-time login link: only the SHA-256 of its token is stored, so a copy of the database
# logs nobody in.
login_links_table = Table(
    "login_links",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("used_at", String(40)),
)

sessions_table = Table(
    "sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("ended_at", String(40)),
)

# Append-only: the migration adds triggers that refuse UPDATE and DELETE on it.
audit_log_table = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("assignment", String(200), nullable=False),
    Column("student", String(200), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("before_json", Text, nullable=False),
    Column("after_json", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("via", String(64), nullable=False),
)

flags_table = Table(
    "flags",
    metadata,
    Column("assignment", String(200), primary_key=True),
    Column("student", String(200), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("flagged_by", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("at", String(40), nullable=False),
)

# A soft claim: the answer a grader has open, so "next" gives another grader a different one.
claims_table = Table(
    "claims",
    metadata,
    Column("assignment", String(200), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("student", String(200), primary_key=True),
    Column("grader", String(200), nullable=False),
    Column("until", String(40), nullable=False),
)

# An item's criteria as the instructors edited them (seeded from the rubric YAML on first use).
criteria_table = Table(
    "criteria",
    metadata,
    Column("assignment", String(200), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("criterion_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("points", Float, nullable=False),
    Column("text_pl", Text, nullable=False),
    Column("text_en", Text, nullable=False),
    Column("deleted", Boolean, nullable=False, server_default=false()),
)

item_rubrics_table = Table(
    "item_rubrics",
    metadata,
    Column("assignment", String(200), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("scoring", String(16), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

calibration_table = Table(
    "calibration",
    metadata,
    Column("assignment", String(200), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("student", String(200), primary_key=True),
    Column("chosen_by", String(200), nullable=False),
    Column("at", String(40), nullable=False),
)

calibration_grades_table = Table(
    "calibration_grades",
    metadata,
    Column("assignment", String(200), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("student", String(200), primary_key=True),
    Column("grader", String(200), primary_key=True),
    Column("points", Float, nullable=False),
    Column("criteria_json", Text, nullable=False),
    Column("at", String(40), nullable=False),
)

# The web self-check (grader/serve/selfcheck_web.py): one link per student of an assignment (only
# its token's digest; re-issuing revokes the older one) and that student's last result only.
student_links_table = Table(
    "student_links",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("assignment", String(200), nullable=False),
    Column("student", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
)

selfcheck_results_table = Table(
    "selfcheck_results",
    metadata,
    Column("assignment", String(200), primary_key=True),
    Column("student", String(200), primary_key=True),
    Column("table_text", Text, nullable=False),
    Column("notebook_sha256", String(64), nullable=False),
    Column("checked_at", String(40), nullable=False),
)
