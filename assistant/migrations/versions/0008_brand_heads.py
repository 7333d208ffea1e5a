"""brand heads: per brand and label, the adjustment of the triage learned from the labels
its team reviewed

Revision ID: 0008_brand_heads
Revises: 0007_brief_imports
"""

import sqlalchemy as sa
from alembic import op


revision = "0008_brand_heads"
down_revision = "0007_brief_imports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brand_heads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("brand", "field", name="uq_brand_heads_field"),
    )
    op.create_index("ix_brand_heads_brand", "brand_heads", ["brand"])


def downgrade() -> None:
    op.drop_index("ix_brand_heads_brand", table_name="brand_heads")
    op.drop_table("brand_heads")
