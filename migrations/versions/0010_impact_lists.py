"""search index: impact lists (search_impact, search_term) that rank a search alike on both databases; the
index is left empty

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

The lists are filled as articles are indexed. Like 0004, this migration imports nothing from `app` and does
not fill them: it empties the search index, which leaves every article stale, and `articles ingest` (or
`articles reindex`) indexes every stale article, lists included.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _empty_index() -> None:
    op.execute("DELETE FROM article_search")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO article_fts (article_fts) VALUES ('delete-all')")
        op.execute("DELETE FROM article_fts_orphan")  # the postings went with delete-all


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(
        "CREATE TABLE search_term (token VARCHAR PRIMARY KEY, articles INTEGER NOT NULL,"
        " floor INTEGER NOT NULL, listed INTEGER NOT NULL)"
    )
    # The primary key is the order a list is read in (backwards): impact, then newest, then id.
    op.execute(
        "CREATE TABLE search_impact (token VARCHAR NOT NULL, impact INTEGER NOT NULL,"
        " published BIGINT NOT NULL, article_id VARCHAR(16) NOT NULL,"
        " PRIMARY KEY (token, impact, published, article_id))" + (" WITHOUT ROWID" if sqlite else "")
    )
    _empty_index()


def downgrade() -> None:
    op.execute("DROP TABLE search_impact")
    op.execute("DROP TABLE search_term")
    _empty_index()
