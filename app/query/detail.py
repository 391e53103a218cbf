"""One article's detail, found by id or by slug, with its neighbours in its feed."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select, tuple_
from sqlalchemy.orm import Session

from app.query.categories import category_slugs, feed_id
from app.query.schemas import ArticleDetail, ArticleLink
from app.store.tables import ARTICLE, LINK

DETAIL_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleDetail.model_fields if name in ARTICLE.c)
LINK_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleLink.model_fields)


def get_article(*, session: Session, where: ColumnElement[bool]) -> ArticleDetail | None:
    """The article `where` selects (`ARTICLE.c.id == ...` or `ARTICLE.c.slug == ...`), or None."""
    row = session.execute(select(*DETAIL_COLUMNS).where(where)).mappings().first()
    if row is None:
        return None
    body = row["body_text"]
    (slugs,) = category_slugs(session=session, chains=[row["categories"]])
    newer, older = _neighbours(session, row["categories"], row["published_at"], row["id"])
    derived = {
        "paragraphs": body.split("\n\n") if body else [],
        "category_slugs": slugs,
        "newer": newer,
        "older": older,
    }
    return ArticleDetail.model_validate(dict(row) | derived)


def _neighbours(
    session: Session, categories: list[str], published_at: datetime | None, article_id: str
) -> tuple[ArticleLink | None, ArticleLink | None]:
    """The articles just before and just after this one in its feed's listing (newest first, undated
    last): one index range read each, on the link table's (category_id, published_at, article_id)."""
    feed = feed_id(session=session, chain=categories)
    if feed is None:
        return None, None
    query = (
        select(*LINK_COLUMNS)
        .select_from(LINK.join(ARTICLE, ARTICLE.c.id == LINK.c.article_id))
        .where(LINK.c.category_id == feed)
    )
    newer, older = _steps(published_at, article_id)
    return _first(session, query, newer), _first(session, query, older)


Step = tuple[ColumnElement[bool], list[Any]]


def _steps(published_at: datetime | None, article_id: str) -> tuple[list[Step], list[Step]]:
    """Where to look for the newer and for the older neighbour, in order: (WHERE, ORDER BY) ranges."""
    moment, other = LINK.c.published_at, LINK.c.article_id
    dated, undated = moment.is_not(None), moment.is_(None)
    if published_at is None:  # undated: among the undated (by id, as listed), else the oldest dated
        newer = [(and_(undated, other > article_id), [other.asc()]), (dated, [moment.asc(), other.asc()])]
        older = [(and_(undated, other < article_id), [other.desc()])]
        return newer, older
    key, here = tuple_(moment, other), (published_at, article_id)
    newer = [(and_(dated, key > here), [moment.asc(), other.asc()])]
    older = [(and_(dated, key < here), [moment.desc(), other.desc()]), (undated, [other.desc()])]
    return newer, older


def _first(session: Session, query: Any, steps: list[Step]) -> ArticleLink | None:
    for where, order in steps:
        row = session.execute(query.where(where).order_by(*order).limit(1)).mappings().first()
        if row is not None:
            return ArticleLink.model_validate(dict(row))
    return None
