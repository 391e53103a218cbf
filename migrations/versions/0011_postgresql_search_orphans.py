"""search index: PostgreSQL records index rows deleted behind the loader's back (article_search_orphan), as
SQLite has done since 0004, so that a search may trust the impact lists' counts while there are none

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

An article deleted with SQL rather than by `articles ingest --prune` takes its index row with it (the foreign
key cascades) but not its impact-list rows and counts. The trigger records each index row deleted outside
the loader's write transactions (which set `articles.loader`, keeping the lists in step themselves);
`articles reindex` empties the table.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE article_search_orphan (article_id VARCHAR(16) PRIMARY KEY)")
    op.execute(
        "CREATE FUNCTION article_search_orphan() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF coalesce(current_setting('articles.loader', true), '') <> 'on' THEN"
        " INSERT INTO article_search_orphan (article_id) VALUES (old.article_id) ON CONFLICT DO NOTHING;"
        " END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER article_search_orphan AFTER DELETE ON article_search"
        " FOR EACH ROW EXECUTE FUNCTION article_search_orphan()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER article_search_orphan ON article_search")
    op.execute("DROP FUNCTION article_search_orphan()")
    op.execute("DROP TABLE article_search_orphan")
