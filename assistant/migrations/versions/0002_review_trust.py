"""review trust: unique version numbers, visuals tied to a text version, truncation kept,
variants per network remembered for resuming

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _renumber_duplicates() -> None:
    """Databases written before the constraint may hold two versions with one number:
    number each variant's versions again in the order they were saved."""
    bind = op.get_bind()
    duplicated = bind.execute(
        sa.text(
            "SELECT variant_id FROM versions GROUP BY variant_id, number HAVING COUNT(*) > 1"
        )
    ).scalars().all()
    for variant_id in sorted(set(duplicated)):
        ids = bind.execute(
            sa.text("SELECT id FROM versions WHERE variant_id = :v ORDER BY id"), {"v": variant_id}
        ).scalars().all()
        for number, version_id in enumerate(ids, 1):
            bind.execute(
                sa.text("UPDATE versions SET number = :n WHERE id = :i"),
                {"n": number, "i": version_id},
            )


def upgrade() -> None:
    _renumber_duplicates()
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_versions_variant_number", ["variant_id", "number"])
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("images_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cut_text", sa.Text(), nullable=True))
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "variants_per_network", sa.Integer(), nullable=False, server_default="1"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.drop_column("variants_per_network")
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.drop_column("cut_text")
        batch_op.drop_column("images_version")
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_versions_variant_number", type_="unique")
