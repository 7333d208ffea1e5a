"""jobs and blobs: stored files by the SHA-256 of their bytes (visuals, exports), and each
variant's image keys beside its image paths, a brief's photo key beside its path (older rows keep their paths, read as before)

Revision ID: 0010_jobs_blobs
Revises: 0009_users
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_jobs_blobs"
down_revision = "0009_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_keys", sa.JSON(), nullable=True))
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_key", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.drop_column("photo_key")
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.drop_column("image_keys")
    op.drop_table("blobs")
