"""article.file_stamp: size, mtime, ctime and cleaner version of the file, to skip unchanged files unread

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty for the stored articles: the next ingest hashes their files, as before, and stamps them.
    op.add_column("article", sa.Column("file_stamp", sa.String(80), nullable=True))


def downgrade() -> None:
    # Plain ALTER (SQLite 3.35+): batch mode would copy the table, and its foreign keys cascade.
    op.execute("ALTER TABLE article DROP COLUMN file_stamp")
