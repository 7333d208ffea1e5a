"""audit trail: a variant's publish time moved (recommended slots), from when to when

Revision ID: 0005_review
Revises: 0005_imports
"""

import sqlalchemy as sa
from alembic import op


revision = "0005_review"
down_revision = "0005_imports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as table:
        table.add_column(sa.Column("from_time", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("to_time", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as table:
        table.drop_column("to_time")
        table.drop_column("from_time")
