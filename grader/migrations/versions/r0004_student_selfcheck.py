"""The web self-check of ``grader serve``: per-student links (only their tokens' SHA-256 digests,
an expiry, a revocation when a newer link is issued) and each student's last self-check result
(one row per assignment and student, replaced by every run)."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "student_links",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("assignment", sa.String(200), nullable=False),
        sa.Column("student", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
        sa.Column("revoked_at", sa.String(40)),
    )
    op.create_table(
        "selfcheck_results",
        sa.Column("assignment", sa.String(200), primary_key=True),
        sa.Column("student", sa.String(200), primary_key=True),
        sa.Column("table_text", sa.Text, nullable=False),
        sa.Column("notebook_sha256", sa.String(64), nullable=False),
        sa.Column("checked_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("selfcheck_results")
    op.drop_table("student_links")
