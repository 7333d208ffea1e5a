"""job outcomes: the answer of a job someone waits on, kept by the worker until read

Revision ID: 0011_job_outcomes
Revises: 0010_jobs_blobs
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_job_outcomes"
down_revision = "0010_jobs_blobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_outcomes",
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_job_outcomes_created_at", "job_outcomes", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_job_outcomes_created_at", table_name="job_outcomes")
    op.drop_table("job_outcomes")
