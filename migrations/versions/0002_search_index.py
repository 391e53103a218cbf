"""search index: article_search (+ FTS5 on SQLite, tsvector + GIN on PostgreSQL), filled from the articles

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE article_search ("
            " article_id VARCHAR(16) PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE,"
            " tokenizer_version VARCHAR NOT NULL,"
            " document TSVECTOR NOT NULL,"
            " stream TEXT NOT NULL)"
        )
        op.execute("CREATE INDEX ix_article_search_document ON article_search USING gin (document)")
    else:
        # doc_id (the FTS5 rowid) is the publication time in seconds above 22 bits of a sequence number:
        # FTS5 walks matches newest first without sorting, and a doc_id is not reused by a later write.
        op.execute(
            "CREATE TABLE article_search ("
            " doc_id INTEGER PRIMARY KEY,"
            " article_id VARCHAR(16) NOT NULL UNIQUE REFERENCES article (id) ON DELETE CASCADE,"
            " tokenizer_version VARCHAR NOT NULL)"
        )
        op.execute("CREATE TABLE article_search_sequence (next INTEGER NOT NULL)")
        op.execute("INSERT INTO article_search_sequence (next) VALUES (0)")
        # The tokens are made in Python; 'ascii' only splits them on spaces (it keeps non-ASCII characters
        # whole, unlike unicode61, whose Unicode tables and diacritics folding we would depend on).
        # prefix='1' serves one-character queries, which match every token starting with the character.
        op.execute(
            "CREATE VIRTUAL TABLE article_fts USING fts5("
            "title, body, content='', tokenize='ascii', prefix='1')"
        )
    # Left empty: `articles ingest` indexes every article it finds stale (no row for its tokenizer).


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE article_fts")
        op.execute("DROP TABLE article_search_sequence")
    op.execute("DROP TABLE article_search")
