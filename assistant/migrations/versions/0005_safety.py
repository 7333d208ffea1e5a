"""safety topic of a comment: the built-in topic the safety layer found (injury, self_harm…),
kept beside the escalation rule it was routed to

Revision ID: 0005_safety
Revises: 0005_review
"""

import sqlalchemy as sa
from alembic import op


revision = "0005_safety"
down_revision = "0005_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_items") as batch:
        batch.add_column(sa.Column("topic", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox_items") as batch:
        batch.drop_column("topic")
