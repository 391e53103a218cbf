"""search index (SQLite): FTS5 keeps up to 8 MiB of new postings in memory before writing a segment

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# FTS5's default (1 MiB) flushed a segment every hundred or so articles, and merging those small segments
# was most of the cost of indexing: 8 MiB makes one segment per ingest batch, and the index a third cheaper
# to build. Queries read the same structure. A migration that makes article_fts again must set it again.
HASH_SIZE = 8 * 1024 * 1024
DEFAULT_HASH_SIZE = 1024 * 1024


def _set_hash_size(size: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO article_fts (article_fts, rank) VALUES ('hashsize', {size})")


def upgrade() -> None:
    _set_hash_size(HASH_SIZE)


def downgrade() -> None:
    _set_hash_size(DEFAULT_HASH_SIZE)
