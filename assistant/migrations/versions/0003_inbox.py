"""inbox: comments from the networks, their replies with versions, audit, label corrections

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("network", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("post", sa.Text(), nullable=True),
        sa.Column("parent", sa.String(200), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("sentiment", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(16), nullable=False),
        sa.Column("escalation", sa.String(64), nullable=True),
        sa.Column("faq", sa.String(64), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("corrected", sa.JSON(), nullable=False),
        sa.Column("imported_at", WHEN, nullable=False),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("brand", "network", "external_id", name="uq_inbox_network_id"),
    )
    for column in ("brand", "intent", "status"):
        op.create_index(f"ix_inbox_items_{column}", "inbox_items", [column])
    op.create_table(
        "replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("inbox_items.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("option", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("approved_by", sa.String(100), nullable=True),
        sa.Column("approved_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("item_id", name="uq_replies_item"),
    )
    op.create_table(
        "reply_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reply_id", sa.Integer(), sa.ForeignKey("replies.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("option", sa.String(16), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("cause", sa.String(32), nullable=False),
        sa.Column("matches", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("reply_id", "number", name="uq_reply_versions_number"),
    )
    op.create_index("ix_reply_versions_reply_id", "reply_versions", ["reply_id"])
    for table, extra in (
        (
            "inbox_audit",
            [
                sa.Column("actor", sa.String(100), nullable=False),
                sa.Column("action", sa.String(32), nullable=False),
                sa.Column("from_status", sa.String(16), nullable=True),
                sa.Column("to_status", sa.String(16), nullable=True),
                sa.Column("reason", sa.Text(), nullable=True),
            ],
        ),
        (
            "label_corrections",
            [
                sa.Column("field", sa.String(16), nullable=False),
                sa.Column("old_value", sa.String(64), nullable=True),
                sa.Column("new_value", sa.String(64), nullable=True),
                sa.Column("actor", sa.String(100), nullable=False),
            ],
        ),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("item_id", sa.Integer(), sa.ForeignKey("inbox_items.id"), nullable=False),
            *extra,
            sa.Column("created_at", WHEN, nullable=False),
        )
        op.create_index(f"ix_{table}_item_id", table, ["item_id"])


def downgrade() -> None:
    for table in ("label_corrections", "inbox_audit", "reply_versions", "replies", "inbox_items"):
        op.drop_table(table)
