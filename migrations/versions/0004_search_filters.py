"""search index: filter terms in FTS5 and orphan tracking (SQLite), rebuilt from the articles

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every doc_id that leaves article_search is recorded; `forget` takes back those whose postings it removed.
ORPHAN_TRIGGER = (
    "CREATE TRIGGER article_search_orphan AFTER DELETE ON article_search BEGIN"
    " INSERT OR IGNORE INTO article_fts_orphan (doc_id) VALUES (old.doc_id); END"
)


def upgrade() -> None:
    from app.store.search_index import rebuild, refresh_stale

    if op.get_bind().dialect.name == "postgresql":
        refresh_stale(op.get_bind())  # its index is unchanged (filters read the article table): fill gaps
        return
    # A contentless FTS5 table cannot gain a column: it is made again and filled from the articles.
    op.execute("DROP TABLE article_fts")
    op.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5("
        "title, body, filters, content='', tokenize='ascii', prefix='1')"
    )
    op.execute("ALTER TABLE article_search ADD COLUMN filters TEXT NOT NULL DEFAULT ''")
    op.execute("CREATE TABLE article_fts_orphan (doc_id INTEGER PRIMARY KEY)")
    op.execute(ORPHAN_TRIGGER)
    rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    # The index is left empty in its old shape: `articles ingest` re-indexes every article it finds stale.
    op.execute("DROP TRIGGER article_search_orphan")
    op.execute("DROP TABLE article_fts_orphan")
    op.execute("DELETE FROM article_search")
    op.execute("ALTER TABLE article_search DROP COLUMN filters")
    op.execute("DROP TABLE article_fts")
    op.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5(title, body, content='', tokenize='ascii', prefix='1')"
    )
