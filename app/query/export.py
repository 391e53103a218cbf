"""Every article a listing's filters (and search) select, in the detail shape, streamed in id order.

One statement, read a chunk at a time (a server-side cursor on PostgreSQL; SQLite steps through its own):
the memory an export takes is the same for a thousand articles or a million, and what it writes is one
consistent snapshot even while an ingest commits. The detail's `newer` and `older` links (an article's
neighbours in its feed) are left out: they describe a position in a listing, not the article, and cost two
queries an article.
"""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.query.categories import category_slugs
from app.query.detail import DETAIL_COLUMNS
from app.query.filters import ArticleFilters, ResolvedFilters
from app.query.schemas import ArticleDetail
from app.store.backends import backend_of
from app.store.tables import ARTICLE
from app.text.query_syntax import SearchQuery

CHUNK = 500  # rows fetched at a time, whose category slugs are read in one query
LEFT_OUT: set[str] = {"newer", "older"}
EXPORTED_FIELDS = tuple(name for name in ArticleDetail.model_fields if name not in LEFT_OUT)


def export_articles(
    *, session: Session, filters: ArticleFilters, search: SearchQuery | None = None
) -> Iterator[ArticleDetail]:
    """The selected articles by id, as details whose `newer` and `older` are None (dump them with
    `exclude=LEFT_OUT`)."""
    statement = _selected(session, ResolvedFilters.resolve(session, filters), search)
    rows = session.execute(statement.order_by(ARTICLE.c.id), execution_options={"yield_per": CHUNK})
    for chunk in rows.mappings().partitions():
        chains = category_slugs(session=session, chains=[row["categories"] for row in chunk])
        for row, slugs in zip(chunk, chains, strict=True):
            body = row["body_text"]
            derived = {  # as the detail derives them
                "paragraphs": body.split("\n\n") if body else [],
                "category_slugs": slugs,
                "newer": None,
                "older": None,
            }
            yield ArticleDetail.model_validate(dict(row) | derived)


def _selected(session: Session, filters: ResolvedFilters, search: SearchQuery | None) -> Select[Any]:
    """The detail columns of the articles that pass the filters and match the search."""
    statement = select(*DETAIL_COLUMNS).where(*filters.conditions())
    if search is None:
        return statement
    backend = backend_of(session)
    excluded = backend.excluding(search)
    if excluded is not None:
        statement = statement.where(ARTICLE.c.id.not_in(excluded))
    found = backend.matching(search)
    if found is None:
        return statement
    matches = found.subquery("matches")
    return statement.join_from(ARTICLE, matches, matches.c.article_id == ARTICLE.c.id)
