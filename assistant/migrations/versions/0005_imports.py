"""analytics posts keyed by brand: the same network and post id audited under two brands
keeps both brands' rows (one brand's audit no longer overwrites another's)

Revision ID: 0005_imports
Revises: 0004
"""

from alembic import op


revision = "0005_imports"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("analytics_posts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_analytics_network_post", type_="unique")
        batch_op.create_unique_constraint(
            "uq_analytics_brand_network_post", ["brand", "network", "post_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("analytics_posts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_analytics_brand_network_post", type_="unique")
        batch_op.create_unique_constraint("uq_analytics_network_post", ["network", "post_id"])
