"""article (SQLite): an index covering what ingest reads of every stored file, so a re-load skips the bodies

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

# Copied, not imported: this migration must build the same index whatever the application later calls it.
STORED_FILES_INDEX = "ix_article_file"
COLUMNS = ["file_path", "id", "content_hash", "file_stamp"]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    # Every ingest starts by reading these columns of every article. SQLite stores a row's body in the
    # table's own pages, so that scan pages through every body: a tenth of a second per 20,000 articles,
    # against a hundredth from the index.
    if _sqlite():
        op.create_index(STORED_FILES_INDEX, "article", COLUMNS)


def downgrade() -> None:
    if _sqlite():
        op.drop_index(STORED_FILES_INDEX, table_name="article")
