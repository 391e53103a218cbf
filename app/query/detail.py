"""One article's detail, found by id or by slug, with its neighbours in its feed.

A detail is what readers ask for most, each time a different one, so its reads are prepared statements
(`app.store.prepared`): the row, its categories' slugs with its feed's id, and one index range read per
neighbour.
"""

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, bindparam, select, tuple_
from sqlalchemy.engine import Connection

from app.query.categories import chain_categories
from app.query.schemas import ArticleDetail, ArticleLink
from app.store.prepared import Prepared
from app.store.tables import ARTICLE, LINK

DETAIL_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleDetail.model_fields if name in ARTICLE.c)
DETAIL_NAMES = tuple(column.name for column in DETAIL_COLUMNS)
LINK_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleLink.model_fields)
LINK_NAMES = tuple(column.name for column in LINK_COLUMNS)
_BY_KEY = {
    "id": Prepared(select(*DETAIL_COLUMNS).where(ARTICLE.c.id == bindparam("key"))),
    "slug": Prepared(select(*DETAIL_COLUMNS).where(ARTICLE.c.slug == bindparam("key"))),
}


def get_article(connection: Connection, key: str, by: Literal["id", "slug"] = "id") -> ArticleDetail | None:
    """The article whose id (or slug) is `key`, or None."""
    found = _BY_KEY[by].first(connection, key=key)
    if found is None:
        return None
    row = dict(zip(DETAIL_NAMES, found, strict=True))
    body = row["body_text"]
    slugs, feed = chain_categories(connection, row["categories"])
    newer, older = _neighbours(connection, feed, row["published_at"], row["id"])
    derived = {
        "paragraphs": body.split("\n\n") if body else [],
        "category_slugs": slugs,
        "newer": newer,
        "older": older,
    }
    return ArticleDetail.model_validate(row | derived)


def _neighbour_read(where: ColumnElement[bool], *order: Any) -> Prepared:
    return Prepared(
        select(*LINK_COLUMNS)
        .select_from(LINK.join(ARTICLE, ARTICLE.c.id == LINK.c.article_id))
        .where(LINK.c.category_id == bindparam("feed"), where)
        .order_by(*order)
        .limit(1)
    )


# Where the newer and the older neighbour are, in the listing's order (newest first, undated last): each
# an index range read on the link table's (category_id, published_at, article_id), tried in turn.
_MOMENT, _OTHER = LINK.c.published_at, LINK.c.article_id
_DATED, _UNDATED = _MOMENT.is_not(None), _MOMENT.is_(None)
_KEY, _HERE = tuple_(_MOMENT, _OTHER), tuple_(bindparam("moment", type_=_MOMENT.type), bindparam("article"))
_DATED_NEWER = [_neighbour_read(and_(_DATED, _KEY > _HERE), _MOMENT.asc(), _OTHER.asc())]
_DATED_OLDER = [
    _neighbour_read(and_(_DATED, _KEY < _HERE), _MOMENT.desc(), _OTHER.desc()),
    _neighbour_read(_UNDATED, _OTHER.desc()),
]
# An undated article: among the undated (by id, as listed), else the oldest dated.
_UNDATED_NEWER = [
    _neighbour_read(and_(_UNDATED, _OTHER > bindparam("article")), _OTHER.asc()),
    _neighbour_read(_DATED, _MOMENT.asc(), _OTHER.asc()),
]
_UNDATED_OLDER = [_neighbour_read(and_(_UNDATED, _OTHER < bindparam("article")), _OTHER.desc())]


def _neighbours(
    connection: Connection, feed: int | None, published_at: datetime | None, article_id: str
) -> tuple[ArticleLink | None, ArticleLink | None]:
    """The articles just before and just after this one in its feed's listing."""
    if feed is None:
        return None, None
    newer, older = (_UNDATED_NEWER, _UNDATED_OLDER) if published_at is None else (_DATED_NEWER, _DATED_OLDER)
    params = {"feed": feed, "moment": published_at, "article": article_id}
    return _first(connection, newer, params), _first(connection, older, params)


def _first(connection: Connection, reads: list[Prepared], params: dict[str, Any]) -> ArticleLink | None:
    for read in reads:
        row = read.first(connection, **params)
        if row is not None:
            return ArticleLink.model_validate(dict(zip(LINK_NAMES, row, strict=True)))
    return None
