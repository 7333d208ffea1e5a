"""brief imports: a month of briefs from one spreadsheet, its progress kept in the store, and
one variant per (brief, network, variant number) so a resumed import never drafts one twice

Revision ID: 0007_brief_imports
Revises: 0006_review_links
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_brief_imports"
down_revision = "0006_review_links"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "brief_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("briefs", sa.Integer(), nullable=False),
        sa.Column("variants", sa.Integer(), nullable=False),
        sa.Column("drafted", sa.Integer(), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("rendered", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("visuals", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_index("ix_brief_imports_brand_sha256", "brief_imports", ["brand", "sha256"])
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("import_row", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("link", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("label", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("photo", sa.Text(), nullable=True))
        batch_op.create_index("ix_briefs_import_id", ["import_id"])
        batch_op.create_foreign_key("fk_briefs_import_id", "brief_imports", ["import_id"], ["id"])
    _renumber_repeated_variants()
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_variants_brief_platform_no", ["brief_id", "platform", "variant_no"]
        )


def _renumber_repeated_variants() -> None:
    """A store written before this key may hold two variants with one (brief, network,
    number), e.g. from two drafting runs at once: each later one takes the next free number
    of its brief and network, so the key can be created and no variant is lost."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, brief_id, platform, variant_no FROM variants "
            "ORDER BY brief_id, platform, variant_no, id"
        )
    ).all()
    highest: dict[tuple[int, str], int] = {}
    for _id, brief_id, platform, number in rows:
        key = (brief_id, platform)
        highest[key] = max(highest.get(key, 0), number or 0)
    seen: set[tuple[int, str, int]] = set()
    for variant_id, brief_id, platform, number in rows:
        if (brief_id, platform, number) in seen:
            highest[(brief_id, platform)] += 1
            number = highest[(brief_id, platform)]
            connection.execute(
                sa.text("UPDATE variants SET variant_no = :number WHERE id = :id"),
                {"number": number, "id": variant_id},
            )
        seen.add((brief_id, platform, number))


def downgrade() -> None:
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.drop_constraint("uq_variants_brief_platform_no", type_="unique")
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.drop_constraint("fk_briefs_import_id", type_="foreignkey")
        batch_op.drop_index("ix_briefs_import_id")
        for column in ("photo", "label", "link", "import_row", "import_id"):
            batch_op.drop_column(column)
    op.drop_index("ix_brief_imports_brand_sha256", "brief_imports")
    op.drop_table("brief_imports")
