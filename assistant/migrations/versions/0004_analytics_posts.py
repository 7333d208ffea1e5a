"""analytics posts: published posts imported from the networks' exports, one per network
and post id

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("network", sa.String(32), nullable=False),
        sa.Column("post_id", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("utc_offset_minutes", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("permalink", sa.Text(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("network", "post_id", name="uq_analytics_network_post"),
    )
    op.create_index("ix_analytics_posts_brand", "analytics_posts", ["brand"])


def downgrade() -> None:
    op.drop_index("ix_analytics_posts_brand", table_name="analytics_posts")
    op.drop_table("analytics_posts")
