"""Listings (filtered, searched, paged, with facets) as the fields of the response schemas.

A page comes back as `ArticlePage`'s fields with the values it would hold (`Page`), its items as
`ArticleSummary`'s fields in its order (`Summary`), not as the models: the stored values need no
validation, and the API writes them as JSON directly (validating and serializing a page of 20 through the
models took a tenth of a category page's time).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from app.query.categories import category_slugs
from app.query.category_memo import session_categories
from app.query.facets import Facets, count_facets
from app.query.filters import ArticleFilters, ResolvedFilters
from app.query.highlight import highlight_body, highlight_title
from app.query.pagination import (
    SortKey,
    decode_cursor,
    decode_position,
    encode_cursor,
    encode_position,
    keyset_rows,
    prepared_keyset_rows,
)
from app.query.schemas import ArticleBase
from app.query.sorts import IN_ONE_CATEGORY, KEYSET_SORTS, NEWEST_FIRST, Sort
from app.store import impacts
from app.store.backends import backend_of
from app.store.backends.base import SearchRequest
from app.store.prepared import read_connection
from app.store.tables import ARTICLE, LINK
from app.text.query_syntax import SearchQuery

# The summary's fields in the schema's order, and those stored (category_slugs come from the category memo).
SUMMARY_FIELDS = tuple(ArticleBase.model_fields)
SUMMARY_COLUMNS = tuple(ARTICLE.c[name] for name in SUMMARY_FIELDS if name in ARTICLE.c)
Summary = dict[str, Any]  # ArticleSummary's fields, in its order; `highlights` (a dict) only with a search


@dataclass(slots=True)
class Page:
    """ArticlePage's fields: the items, `total` (None unless counted), `limit`, `offset`, `next_cursor`, and
    `facets` only when asked for."""

    items: list[Summary]
    total: int | None
    limit: int
    offset: int
    next_cursor: str | None
    facets: Facets | None = None


def list_articles(
    *,
    session: Session,
    filters: ArticleFilters,
    limit: int,
    offset: int = 0,
    cursor: str | None = None,
    count: bool = True,
    search: SearchQuery | None = None,
    sort: Sort | None = None,
    facets: Sequence[str] = (),
) -> Page:
    """A page of summaries: by relevance with a search, else newest first (or as `sort` says), starting
    after `cursor` or `offset` rows; `total` unless `count` is false, facets when asked for."""
    resolved = ResolvedFilters.resolve(session, filters)
    if search is not None:
        page = _search_page(session, resolved, search, sort, limit, offset, cursor, count)
    else:
        source = _listing_source(resolved, KEYSET_SORTS[sort or "-published_at"])
        page = _keyset_page(session, source, limit, offset, cursor, count)
    if facets:
        ids = _narrowed(session, search, resolved.conditions(), ARTICLE.c.id)
        page.facets = count_facets(session=session, ids=ids, names=facets)
    return page


def _narrowed(
    session: Session, search: SearchQuery | None, conditions: list[Any], *columns: Any
) -> Select[Any]:
    """SELECT `columns` of the articles that pass the filters and match the search."""
    if search is None:
        return select(*columns).select_from(ARTICLE).where(*conditions)
    backend = backend_of(session)
    found, excluded = backend.matching(search), backend.excluding(search)
    wheres = [*conditions] if excluded is None else [*conditions, ARTICLE.c.id.not_in(excluded)]
    if found is None:
        return select(*columns).select_from(ARTICLE).where(*wheres)
    matches = found.subquery("matches")
    source = ARTICLE.join(matches, matches.c.article_id == ARTICLE.c.id)
    return select(*columns).select_from(source).where(*wheres)


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a listing reads from, and the key to page it by: the article table, or (for one category
    and no other filter) that category's slice of the link table's index."""

    filters: ResolvedFilters
    key: SortKey
    linked: int | None = None  # the category whose slice of the link table is read, if any
    category: int | None = None  # the rows are all of this category's, and only those

    @property
    def rows(self) -> Select[Any]:
        """The filtered rows, a select without columns yet (built only when asked: the pages readers walk
        read the category's slice with a prepared statement instead, and building it cost them a tenth)."""
        if self.linked is None:
            return select().select_from(ARTICLE).where(*self.filters.conditions())
        joined = LINK.join(ARTICLE, ARTICLE.c.id == LINK.c.article_id)
        others = self.filters.without_categories().conditions()
        return select().select_from(joined).where(LINK.c.category_id == self.linked, *others)

    def total(self, session: Session) -> int:
        """How many rows there are."""
        if self.category is not None:
            return session_categories(session).total(read_connection(session), self.category)
        return int(session.execute(self.rows.add_columns(func.count())).scalar_one())


def _listing_source(filters: ResolvedFilters, key: SortKey) -> _Source:
    """Where a listing reads from, and the key to page it by (a category's own key on its slice)."""
    category = filters.one_category() if key.name in IN_ONE_CATEGORY else None
    if category is None:
        return _Source(filters, key)
    alone = filters.without_categories() == ResolvedFilters()
    return _Source(filters, IN_ONE_CATEGORY[key.name], category, category if alone else None)


# The articles of one category, through the link table's index (the category a bind parameter).
_CATEGORY_ROWS = (
    select()
    .select_from(LINK.join(ARTICLE, ARTICLE.c.id == LINK.c.article_id))
    .where(LINK.c.category_id == bindparam("category"))
)


@cache
def _category_query(key: SortKey) -> Select[Any]:
    return _CATEGORY_ROWS.add_columns(*SUMMARY_COLUMNS, *key.labelled())


def _keyset_page(
    session: Session,
    source: _Source,
    limit: int,
    offset: int,
    cursor: str | None,
    count: bool,
) -> Page:
    """A page continuing `key`'s order after the cursor's row: a deep page costs what the first does."""
    key = source.key
    after = decode_cursor(key, cursor) if cursor else None
    rows: Sequence[Mapping[Any, Any]]
    if not offset and source.category is not None:  # a category's pages by date: the pages readers walk
        connection, query = read_connection(session), _category_query(key)
        rows = prepared_keyset_rows(connection, query, key, after, limit + 1, category=source.category)
    elif offset:
        query = source.rows.add_columns(*SUMMARY_COLUMNS, *key.labelled())
        statement = query.order_by(*key.order_by()).limit(limit + 1).offset(offset)
        rows = list(session.execute(statement).mappings())
    else:  # the first page too: the keyset ranges read the index even where NULLS LAST would not
        query = source.rows.add_columns(*SUMMARY_COLUMNS, *key.labelled())
        rows = keyset_rows(session=session, query=query, key=key, after=after, limit=limit + 1)
    next_cursor = encode_cursor(key, key.values(rows[limit - 1])) if len(rows) > limit else None
    items = summaries(session, rows[:limit])
    total = source.total(session) if count else None
    return Page(items=items, total=total, limit=limit, offset=offset, next_cursor=next_cursor)


def _search_page(
    session: Session,
    filters: ResolvedFilters,
    search: SearchQuery,
    sort: Sort | None,
    limit: int,
    offset: int,
    cursor: str | None,
    count: bool,
) -> Page:
    """A page of a search: ranked results page by position (the cursor holds the next one); `total` when
    `count`."""
    start = offset + (decode_position(cursor) if cursor else 0)
    sort = sort or ("relevance" if search.groups else "-published_at")
    indexed, in_index = None, filters.indexed()
    if sort in ("relevance", "-published_at") and in_index is not None:  # what an index can hand out
        request = SearchRequest(
            search, in_index, filters.since, filters.until, sort == "relevance", limit, start, count
        )
        indexed = backend_of(session).search_page(session, request)
    if indexed is not None:
        (items, bodies), total, more = _summaries(session, indexed.ids), indexed.total, indexed.more
    else:
        narrowed = _narrowed(session, search, filters.conditions(), *SUMMARY_COLUMNS)
        if sort == "relevance" and search.groups:
            rows = _ranked_rows(session, search, narrowed, limit + 1, start)
        else:
            ordered = narrowed.order_by(*KEYSET_SORTS[sort].order_by()).limit(limit + 1).offset(start)
            rows = list(session.execute(ordered).mappings())
        items = summaries(session, rows[:limit])
        counted = select(func.count()).select_from(narrowed.subquery())
        total = session.execute(counted).scalar_one() if count else None
        more, bodies = len(rows) > limit, None
    if search.phrases:
        _add_highlights(session, items, search, bodies)
    next_cursor = encode_position(start + limit) if more else None
    return Page(items=items, total=total, limit=limit, offset=offset, next_cursor=next_cursor)


def _ranked_rows(
    session: Session, search: SearchQuery, narrowed: Select[Any], limit: int, start: int
) -> list[Mapping[Any, Any]]:
    """`limit` rows of `narrowed` from `start`, by relevance: the best-ranked articles that it selects
    (`app.store.impacts`), then the others newest first."""
    listed = impacts.ranked(session.connection(), search)
    among = narrowed.with_only_columns(ARTICLE.c.id).where(ARTICLE.c.id.in_(listed))
    selected = set(session.execute(among).scalars()) if listed else set()
    ranked = [article_id for article_id in listed if article_id in selected]
    page = ranked[start : start + limit]
    if page:
        rows = session.execute(narrowed.where(ARTICLE.c.id.in_(page))).mappings()
        by_id = {row["id"]: row for row in rows}
        found: list[Mapping[Any, Any]] = [by_id[article_id] for article_id in page]
    else:
        found = []
    if len(found) < limit:  # past the ranked articles: the other matches follow, newest first
        rest = narrowed.where(ARTICLE.c.id.not_in(ranked)).order_by(*NEWEST_FIRST.order_by())
        rest = rest.limit(limit - len(found)).offset(max(0, start - len(ranked)))
        found += session.execute(rest).mappings()
    return found


def summaries(session: Session, rows: Sequence[Mapping[Any, Any]]) -> list[Summary]:
    """Summaries of rows holding the stored summary fields (other keys are ignored), with the slugs of
    their categories from the category memo."""
    chains = category_slugs(session=session, chains=[row["categories"] for row in rows])
    return [
        {name: slugs if name == "category_slugs" else row[name] for name in SUMMARY_FIELDS}
        for row, slugs in zip(rows, chains, strict=True)
    ]


def summaries_by_id(session: Session, ids: Sequence[str]) -> list[Summary]:
    """Summaries of these articles, in this order (ids of articles gone are skipped)."""
    rows = session.execute(select(*SUMMARY_COLUMNS).where(ARTICLE.c.id.in_(ids))).mappings()
    by_id = {row["id"]: row for row in rows}
    return summaries(session, [by_id[article_id] for article_id in ids if article_id in by_id])


def _summaries(session: Session, ids: Sequence[str]) -> tuple[list[Summary], dict[str, str]]:
    """Summaries of these articles, in this order, and their bodies (for highlights: one read, not two)."""
    rows = session.execute(select(*SUMMARY_COLUMNS, ARTICLE.c.body_text).where(ARTICLE.c.id.in_(ids)))
    by_id = {row["id"]: row for row in rows.mappings()}
    found = [by_id[article_id] for article_id in ids if article_id in by_id]
    return summaries(session, found), {row["id"]: row["body_text"] for row in found}


def _add_highlights(
    session: Session,
    items: Sequence[Summary],
    search: SearchQuery,
    bodies: Mapping[str, str] | None = None,
) -> None:
    """Mark where the page's articles matched (their bodies, unless given, are read for this page only)."""
    if bodies is None:
        ids = [item["id"] for item in items]
        query = select(ARTICLE.c.id, ARTICLE.c.body_text).where(ARTICLE.c.id.in_(ids))
        bodies = dict(session.execute(query).tuples().all())
    for item in items:
        item["highlights"] = {
            "title": highlight_title(item["title"], search.phrases),
            "body": highlight_body(bodies.get(item["id"], ""), search.phrases),
        }
