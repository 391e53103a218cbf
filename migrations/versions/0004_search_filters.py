"""search index: filter terms in FTS5 and orphan tracking (SQLite); the index is left empty

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Like every migration, this one is frozen in time and imports nothing from `app`: the index code writes the
newest shape of the tables, which an old database passing through here does not have yet. So the index is
not filled here. On SQLite the FTS5 table is made again in its new shape and `article_search` is emptied,
which leaves every article stale (no `article_search` row with the current tokenizer version). On
PostgreSQL the index keeps its shape (the filters read the article table) and no data is touched. Either
way, `articles ingest` indexes every stale article when it ends, and `articles serve` warns to run
`articles reindex` while any is left.
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
    if op.get_bind().dialect.name == "postgresql":
        return
    # A contentless FTS5 table cannot gain a column: it is made again, empty, so the rows that pointed
    # into the old one go too.
    op.execute("DROP TABLE article_fts")
    op.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5("
        "title, body, filters, content='', tokenize='ascii', prefix='1')"
    )
    op.execute("DELETE FROM article_search")
    op.execute("ALTER TABLE article_search ADD COLUMN filters TEXT NOT NULL DEFAULT ''")
    op.execute("CREATE TABLE article_fts_orphan (doc_id INTEGER PRIMARY KEY)")
    # Created after the delete above: the new FTS5 table holds no postings, so those rows left no orphans.
    op.execute(ORPHAN_TRIGGER)


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
