"""The gradebook as grader 0.1 wrote it before migrations existed: submissions keyed by
(lab, student), their items and checks, the judge's kept results and the manual scores.

A gradebook without an ``alembic_version`` table but with these tables is stamped at this revision
and upgraded from here (:func:`grader.gradebook.migrate`)."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("lab", sa.String(200), nullable=False),
        sa.Column("student", sa.String(200), nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rubric_hash", sa.String(64), nullable=False),
        sa.Column("grader_version", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("max", sa.Float, nullable=False),
        sa.Column("graded_at", sa.String(40), nullable=False),
        sa.Column("grade_json", sa.Text, nullable=False),
        sa.UniqueConstraint("lab", "student", name="uq_submissions_lab_student"),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("max_points", sa.Float, nullable=False),
        sa.Column("auto_points", sa.Float, nullable=False),
        sa.Column("manual_points", sa.Float),
        sa.Column("bonus", sa.Boolean, nullable=False),
    )
    op.create_table(
        "checks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("check_id", sa.String(400), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("message_pl", sa.Text),
        sa.Column("message_en", sa.Text),
        sa.Column("expected", sa.Text),
        sa.Column("got", sa.Text),
    )
    op.create_table(
        "results",
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("grading_key", sa.String(64), nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
    )
    op.create_table(
        "manual_scores",
        sa.Column("lab", sa.String(200), primary_key=True),
        sa.Column("student", sa.String(200), primary_key=True),
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    for table in ("manual_scores", "results", "checks", "items", "submissions"):
        op.drop_table(table)
