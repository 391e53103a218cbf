"""article.origin: the original publisher a source line of the body names ("来源：华夏时报")

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty for the stored articles: the cleaner's new version makes the next ingest re-clean them.
    op.add_column("article", sa.Column("origin", sa.String(), nullable=True))


def downgrade() -> None:
    # Plain ALTER (SQLite 3.35+): batch mode would copy the table, and its foreign keys cascade.
    op.execute("ALTER TABLE article DROP COLUMN origin")
