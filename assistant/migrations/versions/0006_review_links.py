"""client approval links: a link per campaign or chosen variants (its token's hash only) and
what happened through it

Revision ID: 0006_review_links
Revises: 0005_safety
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_review_links"
down_revision = "0005_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(100), nullable=True),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_review_links_token_hash"),
    )
    op.create_index("ix_review_links_campaign_id", "review_links", ["campaign_id"])
    op.create_table(
        "review_link_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("link_id", sa.Integer(), sa.ForeignKey("review_links.id"), nullable=True),
        sa.Column("variant_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_link_events_link_id", "review_link_events", ["link_id"])


def downgrade() -> None:
    op.drop_index("ix_review_link_events_link_id", table_name="review_link_events")
    op.drop_table("review_link_events")
    op.drop_index("ix_review_links_campaign_id", table_name="review_links")
    op.drop_table("review_links")
