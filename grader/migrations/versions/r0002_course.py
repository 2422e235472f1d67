"""The course model: submissions belong to an assignment (a lab set for one class) instead of the lab,
so two courses or two years grading one lab keep apart; the roster's people; when each submission
came in and whether it was late.

Every existing row is kept: its assignment is its lab (what it was keyed by before), and the
manual scores follow under the same key."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("lab", sa.String(200), nullable=False),
        sa.Column("lms", sa.String(32), nullable=False),
        sa.Column("lms_ids_json", sa.Text, nullable=False),
        sa.Column("due", sa.String(40)),
        sa.Column("late_policy_json", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "students",
        sa.Column("assignment", sa.String(200), primary_key=True),
        sa.Column("student", sa.String(200), primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("lms_user_id", sa.String(64), nullable=False),
        sa.Column("sis_id", sa.String(200), nullable=False),
        sa.Column("sis_login", sa.String(200), nullable=False),
        sa.Column("section", sa.Text, nullable=False),
        sa.Column("participant_id", sa.String(64), nullable=False),
        sa.Column("lms_status", sa.Text, nullable=False),
        sa.Column("delivery", sa.String(32), nullable=False),  # submitted, no notebook, not submitted
        sa.Column("delivery_note", sa.Text, nullable=False),  # which notebook was taken and why
        sa.Column("attachments_json", sa.Text, nullable=False),
    )
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("assignment", sa.String(200)))
        batch.add_column(sa.Column("submitted_at", sa.String(40)))
        batch.add_column(sa.Column("attempt", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute("UPDATE submissions SET assignment = lab")
    with op.batch_alter_table("submissions") as batch:
        batch.alter_column("assignment", existing_type=sa.String(200), nullable=False)
        batch.drop_constraint("uq_submissions_lab_student", type_="unique")
        batch.create_unique_constraint("uq_submissions_assignment_student", ["assignment", "student"])
    with op.batch_alter_table("manual_scores") as batch:
        batch.alter_column("lab", new_column_name="assignment", existing_type=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("manual_scores") as batch:
        batch.alter_column("assignment", new_column_name="lab", existing_type=sa.String(200), existing_nullable=False)
    with op.batch_alter_table("submissions") as batch:
        batch.drop_constraint("uq_submissions_assignment_student", type_="unique")
        batch.create_unique_constraint("uq_submissions_lab_student", ["lab", "student"])
        for column in ("late", "attempt", "submitted_at", "assignment"):
            batch.drop_column(column)
    op.drop_table("students")
    op.drop_table("assignments")
