"""One article's detail, found by id or by slug, with its neighbours in its feed.

A detail is what readers ask for most, each time a different one, so it is two prepared reads
(`app.store.prepared`), each one round trip to the database: the row, with the data version that says
whether the categories kept in memory are current (`app.query.category_memo`), then both neighbours at once.
The detail comes back as `ArticleDetail`'s fields in its order, with the values it would hold, not as the
model: the stored values need no validation, and the API writes them as JSON directly.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, bindparam, literal_column, select, tuple_, union_all
from sqlalchemy.engine import Connection

from app.query.category_memo import category_memo
from app.query.schemas import ArticleDetail, ArticleLink
from app.store.data_version import VERSION_NOW
from app.store.prepared import Prepared
from app.store.tables import ARTICLE, LINK

DETAIL_FIELDS = tuple(ArticleDetail.model_fields)
DETAIL_COLUMNS = tuple(ARTICLE.c[name] for name in DETAIL_FIELDS if name in ARTICLE.c)
DETAIL_NAMES = tuple(column.name for column in DETAIL_COLUMNS)
LINK_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleLink.model_fields)
LINK_NAMES = tuple(column.name for column in LINK_COLUMNS)
Link = dict[str, Any]  # ArticleLink's fields, in its order
Detail = dict[str, Any]  # ArticleDetail's fields, in its order (`newer` and `older` each a Link or None)
_ROW = select(*DETAIL_COLUMNS, VERSION_NOW.scalar_subquery().label("data_version"))
_BY_KEY = {
    key: Prepared(_ROW.where(column == bindparam("key")))
    for key, column in (("id", ARTICLE.c.id), ("slug", ARTICLE.c.slug))
}


def get_article(connection: Connection, key: str, by: Literal["id", "slug"] = "id") -> Detail | None:
    """The fields of the article whose id (or slug) is `key`, or None."""
    found = _BY_KEY[by].first(connection, key=key)
    if found is None:
        return None
    *values, version = found
    row = dict(zip(DETAIL_NAMES, values, strict=True))
    slugs, feed = category_memo(connection, version=version).chain(row["categories"])
    newer, older = (None, None) if feed is None else _neighbours(connection, feed.id, row)
    body = row["body_text"]
    row["paragraphs"] = body.split("\n\n") if body else []
    row["category_slugs"] = slugs
    row["newer"], row["older"] = newer, older
    return {name: row[name] for name in DETAIL_FIELDS}


def _range(where: ColumnElement[bool], *order: Any) -> Select[Any]:
    return (
        select(*LINK_COLUMNS)
        .select_from(LINK.join(ARTICLE, ARTICLE.c.id == LINK.c.article_id))
        .where(LINK.c.category_id == bindparam("feed"), where)
        .order_by(*order)
        .limit(1)
    )


def _both_sides(newer: Select[Any], older: Select[Any]) -> Prepared:
    """The first range of each side in one statement, each row tagged 0 (newer) or 1 (older)."""
    tagged = [
        select(literal_column(str(place)).label("place"), *branch.subquery().c)
        for place, branch in enumerate([newer, older])
    ]
    return Prepared(select(union_all(*tagged).subquery()))


@dataclass(frozen=True, slots=True)
class _Sides:
    """How to find both neighbours: the first range of each side at once; the others (where dated and
    undated articles meet, at one end of the feed) one at a time, only when the first found nothing."""

    first: Prepared
    newer: tuple[Prepared, ...]
    older: tuple[Prepared, ...]

    @classmethod
    def of(cls, newer: list[Select[Any]], older: list[Select[Any]]) -> "_Sides":
        rest = (tuple(Prepared(branch) for branch in side[1:]) for side in (newer, older))
        return cls(_both_sides(newer[0], older[0]), *rest)


# Where the newer and the older neighbour are, in the listing's order (newest first, undated last): each
# an index range read on the link table's (category_id, published_at, article_id), tried in turn.
_MOMENT, _OTHER = LINK.c.published_at, LINK.c.article_id
_DATED, _UNDATED = _MOMENT.is_not(None), _MOMENT.is_(None)
_KEY, _HERE = tuple_(_MOMENT, _OTHER), tuple_(bindparam("moment", type_=_MOMENT.type), bindparam("article"))
_DATED_NEWER = [_range(and_(_DATED, _KEY > _HERE), _MOMENT.asc(), _OTHER.asc())]
_DATED_OLDER = [
    _range(and_(_DATED, _KEY < _HERE), _MOMENT.desc(), _OTHER.desc()),
    _range(_UNDATED, _OTHER.desc()),
]
# An undated article: among the undated (by id, as listed), else the oldest dated.
_UNDATED_NEWER = [
    _range(and_(_UNDATED, _OTHER > bindparam("article")), _OTHER.asc()),
    _range(_DATED, _MOMENT.asc(), _OTHER.asc()),
]
_UNDATED_OLDER = [_range(and_(_UNDATED, _OTHER < bindparam("article")), _OTHER.desc())]
_DATED_SIDES = _Sides.of(_DATED_NEWER, _DATED_OLDER)
_UNDATED_SIDES = _Sides.of(_UNDATED_NEWER, _UNDATED_OLDER)


def _neighbours(connection: Connection, feed: int, row: dict[str, Any]) -> tuple[Link | None, Link | None]:
    """The articles just before and just after this one in its feed's listing."""
    published_at: datetime | None = row["published_at"]
    sides = _UNDATED_SIDES if published_at is None else _DATED_SIDES
    params = {"feed": feed, "moment": published_at, "article": row["id"]}
    found = {place: tuple(link) for place, *link in sides.first.rows(connection, **params)}
    newer: tuple[Any, ...] | None = found.get(0)
    older: tuple[Any, ...] | None = found.get(1)
    for read in sides.newer if newer is None else ():
        if (newer := read.first(connection, **params)) is not None:
            break
    for read in sides.older if older is None else ():
        if (older := read.first(connection, **params)) is not None:
            break
    return _link(newer), _link(older)


def _link(values: Sequence[Any] | None) -> Link | None:
    return None if values is None else dict(zip(LINK_NAMES, values, strict=True))
