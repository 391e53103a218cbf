"""article: an index covering what ingest reads of every stored file, so a re-load skips the table's bodies

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every ingest starts by reading (file_path, id, content_hash, file_stamp) of every article: from the
    # table, that scan pages through every stored body (a tenth of a second per 20,000 articles).
    op.create_index("ix_article_file", "article", ["file_path", "id", "content_hash", "file_stamp"])


def downgrade() -> None:
    op.drop_index("ix_article_file", table_name="article")
