"""The orders a listing can be read in, as keyset sort keys (see app/pagination.py)."""

from typing import Literal

from app.query.pagination import SortColumn, SortKey
from app.store.tables import ARTICLE, LINK

Sort = Literal["relevance", "-published_at", "published_at", "title"]

_ID = SortColumn(ARTICLE.c.id, "str")
NEWEST_FIRST = SortKey(
    name="newest", columns=(SortColumn(ARTICLE.c.published_at, "datetime"), _ID), descending=True,
    nullable_first=True,
)  # fmt: skip
OLDEST_FIRST = SortKey(
    name="oldest", columns=(SortColumn(ARTICLE.c.published_at, "datetime"), _ID), descending=False,
    nullable_first=True,
)  # fmt: skip
BY_TITLE = SortKey(name="title", columns=(SortColumn(ARTICLE.c.title, "str"), _ID), descending=False)
# Within one category, the dates and ids come from the link table: its (category_id, published_at,
# article_id) index then serves any page of the category as one range read. The cursors are the same.
IN_ONE_CATEGORY = {
    key.name: SortKey(
        name=key.name,
        columns=(SortColumn(LINK.c.published_at, "datetime"), SortColumn(LINK.c.article_id, "str")),
        descending=key.descending,
        nullable_first=True,
    )
    for key in (NEWEST_FIRST, OLDEST_FIRST)
}
# Without q, every sort pages by keyset; "relevance" without q means newest first.
KEYSET_SORTS: dict[Sort, SortKey] = {
    "relevance": NEWEST_FIRST, "-published_at": NEWEST_FIRST, "published_at": OLDEST_FIRST, "title": BY_TITLE,
}  # fmt: skip
