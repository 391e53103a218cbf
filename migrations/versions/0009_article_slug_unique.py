"""article: unique slugs (duplicates renamed, first stored keeps its slug) and content_changed_at

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

A slug now names one article, for `/articles/slug/{slug}`. Stored duplicates are renamed the way the writer
names a later article of the same title: the one stored first (then the smallest id) keeps the slug, each
other gets the slug, a dash and the first 6 characters of its id. `content_changed_at` starts empty: an
article's content has not changed since it was stored, as far as anyone can tell now.
"""

from collections.abc import Sequence
from itertools import chain, count

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied, not imported: this migration must build the same index whatever the application later calls it.
SLUG_INDEX = "ix_article_slug"


def _free(slug: str, article_id: str, taken: set[str]) -> str:
    """The writer's rule, as it stood when this migration was written."""
    numbered = (f"{slug}-{article_id}-{n}" for n in count(2))
    candidates = chain([slug, f"{slug}-{article_id[:6]}", f"{slug}-{article_id}"], numbered)
    return next(candidate for candidate in candidates if candidate not in taken)


def _renamed_duplicates() -> list[dict[str, str]]:
    connection = op.get_bind()
    duplicates = sa.text("SELECT slug FROM article GROUP BY slug HAVING count(*) > 1")
    if connection.execute(duplicates).first() is None:
        return []
    rows = connection.execute(sa.text("SELECT id, slug FROM article ORDER BY created_at, id")).all()
    taken = {row.slug for row in rows}
    kept: set[str] = set()
    renamed = []
    for row in rows:
        if row.slug not in kept:
            kept.add(row.slug)
            continue
        slug = _free(row.slug, row.id, taken)
        taken.add(slug)
        renamed.append({"id": row.id, "slug": slug})
    return renamed


def upgrade() -> None:
    renamed = _renamed_duplicates()
    if renamed:
        op.get_bind().execute(sa.text("UPDATE article SET slug = :slug WHERE id = :id"), renamed)
    op.create_index(SLUG_INDEX, "article", ["slug"], unique=True)
    op.add_column("article", sa.Column("content_changed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Plain ALTER (SQLite 3.35+): batch mode would copy the table, and its foreign keys cascade.
    op.execute("ALTER TABLE article DROP COLUMN content_changed_at")
    op.drop_index(SLUG_INDEX, table_name="article")
