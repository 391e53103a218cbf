"""Read side: listings, details and the category tree, as response schemas."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache, partial
from typing import Any, Literal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.parse.record import PATH_SEPARATOR
from app.query.facets import count_facets
from app.query.highlight import highlight_body, highlight_title
from app.query.pagination import (
    SortKey,
    decode_cursor,
    decode_position,
    encode_cursor,
    encode_position,
    keyset_rows,
)
from app.query.schemas import (
    ArticleBase,
    ArticleDetail,
    ArticlePage,
    ArticleSummary,
    CategoryNode,
    Highlights,
)
from app.query.sorts import IN_ONE_CATEGORY, KEYSET_SORTS, NEWEST_FIRST, Sort
from app.store.backends.fts5_terms import IndexedFilters
from app.store.backends.search_sql import excluding, matching
from app.store.backends.sqlite_search import sqlite_search_page
from app.store.tables import Article, ArticleCategory, Category
from app.text.query_syntax import SearchQuery

ARTICLE = Article.__table__  # type: ignore[attr-defined]
LINK = ArticleCategory.__table__  # type: ignore[attr-defined]
CATEGORY = Category.__table__  # type: ignore[attr-defined]

SUMMARY_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleBase.model_fields)
DETAIL_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleDetail.model_fields if name != "paragraphs")


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    """What a listing is narrowed by; empty lists and None mean no filter."""

    categories: Sequence[str] = field(default_factory=tuple)
    category_mode: Literal["any", "all"] = "any"
    authors: Sequence[str] = field(default_factory=tuple)
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    has_image: bool | None = None
    within: str | None = None  # a category slug the article must also be in (the /categories route)


def category_ids(session: Session, names_or_slugs: Sequence[str]) -> list[int]:
    """Ids of the categories whose name or slug is one of the values (a name may name several)."""
    query = select(CATEGORY.c.id).where(
        or_(CATEGORY.c.slug.in_(names_or_slugs), CATEGORY.c.name.in_(names_or_slugs))
    )
    return list(session.execute(query).scalars())


def _in_categories(ids: Sequence[int]) -> Any:
    return ARTICLE.c.id.in_(select(LINK.c.article_id).where(LINK.c.category_id.in_(ids)))


def _indexed_filters(session: Session, filters: ArticleFilters) -> IndexedFilters:
    """The filters other than dates, as the SQLite index answers them (category names resolved)."""
    if filters.category_mode == "all":
        groups = [category_ids(session, [value]) for value in filters.categories]
    else:
        groups = [category_ids(session, filters.categories)] if filters.categories else []
    if filters.within:
        groups.append(category_ids(session, [filters.within]))
    return IndexedFilters(category_groups=groups, authors=filters.authors, has_image=filters.has_image)


def _conditions(session: Session, filters: ArticleFilters) -> list[Any]:
    """The WHERE conditions of the filters (category names resolved once)."""
    conditions = []
    if filters.categories and filters.category_mode == "all":
        conditions += [_in_categories(category_ids(session, [value])) for value in filters.categories]
    elif filters.categories:
        conditions.append(_in_categories(category_ids(session, filters.categories)))
    if filters.within:
        conditions.append(_in_categories(category_ids(session, [filters.within])))
    if filters.authors:
        conditions.append(ARTICLE.c.author.in_(filters.authors))
    if filters.since is not None:
        conditions.append(ARTICLE.c.published_at >= filters.since)
    if filters.until is not None:
        conditions.append(ARTICLE.c.published_at < filters.until)
    if filters.has_image is not None:
        conditions.append(ARTICLE.c.image.is_not(None) if filters.has_image else ARTICLE.c.image.is_(None))
    return conditions


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
) -> ArticlePage:
    """A page of summaries: by relevance with a search, else newest first (or as `sort` says), starting
    after `cursor` or `offset` rows; `total` unless `count` is false, facets when asked for."""
    # Built on first use: SQLite's searched listing filters in its index and never needs them.
    conditions = cache(partial(_conditions, session, filters))
    if search is not None:
        page = _search_page(session, filters, conditions, search, sort, limit, offset, cursor, count)
    else:
        source = _listing_source(session, filters, conditions(), KEYSET_SORTS[sort or "-published_at"])
        page = _keyset_page(session, source, limit, offset, cursor, count)
    if facets:
        page.facets = count_facets(
            session=session, ids=_narrowed(session, search, conditions(), ARTICLE.c.id), names=facets
        )
    return page


def _narrowed(
    session: Session, search: SearchQuery | None, conditions: list[Any], *columns: Any, score: bool = False
) -> Select[Any]:
    """SELECT `columns` of the articles that pass the filters and match the search (and `_score`, the
    match's relevance, when asked and the search has terms to rank by)."""
    if search is None:
        return select(*columns).select_from(ARTICLE).where(*conditions)
    dialect = session.get_bind().dialect.name
    found, excluded = matching(dialect, search), excluding(dialect, search)
    wheres = [*conditions] if excluded is None else [*conditions, ARTICLE.c.id.not_in(excluded)]
    if found is None:
        return select(*columns).select_from(ARTICLE).where(*wheres)
    matches = found.subquery("matches")
    source = ARTICLE.join(matches, matches.c.article_id == ARTICLE.c.id)
    ranked = [*columns, matches.c.score.label("_score")] if score else columns
    return select(*ranked).select_from(source).where(*wheres)


@dataclass(frozen=True, slots=True)
class _Source:
    """The filtered rows of a listing (selects without columns yet) and the key to page them by."""

    rows: Select[Any]
    counted: Select[Any]  # the same rows, perhaps through fewer tables
    key: SortKey


def _listing_source(
    session: Session, filters: ArticleFilters, conditions: list[Any], key: SortKey
) -> _Source:
    """Where a listing reads from: the article table, or one category's slice of the link table's index."""
    values = [*filters.categories, *([filters.within] if filters.within else [])]
    ids = category_ids(session, values) if len(values) == 1 and key.name in IN_ONE_CATEGORY else []
    if len(ids) != 1:
        rows = select().select_from(ARTICLE).where(*conditions)
        return _Source(rows, rows, key)
    others = _conditions(session, replace(filters, categories=(), within=None))
    in_category = LINK.c.category_id == ids[0]
    joined = LINK.join(ARTICLE, ARTICLE.c.id == LINK.c.article_id)
    rows = select().select_from(joined).where(in_category, *others)
    counted = rows if others else select().select_from(LINK).where(in_category)  # an index-only count
    return _Source(rows, counted, IN_ONE_CATEGORY[key.name])


def _keyset_page(
    session: Session,
    source: _Source,
    limit: int,
    offset: int,
    cursor: str | None,
    count: bool,
) -> ArticlePage:
    """A page continuing `key`'s order after the cursor's row: a deep page costs what the first does."""
    key = source.key
    after = decode_cursor(key, cursor) if cursor else None
    query = source.rows.add_columns(*SUMMARY_COLUMNS, *key.labelled())
    if offset:
        statement = query.order_by(*key.order_by()).limit(limit + 1).offset(offset)
        rows = list(session.execute(statement).mappings())
    else:  # the first page too: the keyset ranges read the index even where NULLS LAST would not
        rows = keyset_rows(session=session, query=query, key=key, after=after, limit=limit + 1)
    next_cursor = encode_cursor(key, key.values(rows[limit - 1])) if len(rows) > limit else None
    items = [ArticleSummary.model_validate(dict(row)) for row in rows[:limit]]
    total = session.execute(source.counted.add_columns(func.count())).scalar_one() if count else None
    return ArticlePage(items=items, total=total, limit=limit, offset=offset, next_cursor=next_cursor)


def _search_page(
    session: Session,
    filters: ArticleFilters,
    conditions: Callable[[], list[Any]],
    search: SearchQuery,
    sort: Sort | None,
    limit: int,
    offset: int,
    cursor: str | None,
    count: bool,
) -> ArticlePage:
    """A page of a search: ranked results page by position (the cursor holds the next one); `total` when
    `count`."""
    start = offset + (decode_position(cursor) if cursor else 0)
    dialect = session.get_bind().dialect.name
    sort = sort or ("relevance" if search.groups else "-published_at")
    if search.groups and dialect == "sqlite" and sort in ("relevance", "-published_at"):
        fast = sqlite_search_page(
            session=session,
            query=search,
            filters=_indexed_filters(session, filters),
            since=filters.since,
            until=filters.until,
            relevance=sort == "relevance",
            limit=limit,
            offset=start,
            count=count,
        )
        (items, bodies), total, more = _summaries(session, fast.ids), fast.total, fast.more
    else:
        narrowed = _narrowed(session, search, conditions(), *SUMMARY_COLUMNS, score=sort == "relevance")
        matches = narrowed.selected_columns.get("_score")
        order = (
            [matches, *NEWEST_FIRST.order_by()]
            if sort == "relevance" and matches is not None
            else KEYSET_SORTS[sort].order_by()
        )
        rows = session.execute(narrowed.order_by(*order).limit(limit + 1).offset(start)).mappings().all()
        items = [
            ArticleSummary.model_validate({k: v for k, v in row.items() if k != "_score"})
            for row in rows[:limit]
        ]
        counted = select(func.count()).select_from(narrowed.subquery())
        total = session.execute(counted).scalar_one() if count else None
        more, bodies = len(rows) > limit, None
    if search.phrases:
        _add_highlights(session, items, search, bodies)
    next_cursor = encode_position(start + limit) if more else None
    return ArticlePage(items=items, total=total, limit=limit, offset=offset, next_cursor=next_cursor)


def _summaries(session: Session, ids: Sequence[str]) -> tuple[list[ArticleSummary], dict[str, str]]:
    """Summaries of these articles, in this order, and their bodies (for highlights: one read, not two)."""
    rows = session.execute(select(*SUMMARY_COLUMNS, ARTICLE.c.body_text).where(ARTICLE.c.id.in_(ids)))
    by_id, bodies = {}, {}
    for row in rows.mappings():
        summary = dict(row)
        bodies[row["id"]] = summary.pop("body_text")
        by_id[row["id"]] = ArticleSummary.model_validate(summary)
    return [by_id[article_id] for article_id in ids if article_id in by_id], bodies


def _add_highlights(
    session: Session,
    items: Sequence[ArticleSummary],
    search: SearchQuery,
    bodies: Mapping[str, str] | None = None,
) -> None:
    """Mark where the page's articles matched (their bodies, unless given, are read for this page only)."""
    if bodies is None:
        query = select(ARTICLE.c.id, ARTICLE.c.body_text).where(ARTICLE.c.id.in_([item.id for item in items]))
        bodies = dict(session.execute(query).tuples().all())
    for item in items:
        item.highlights = Highlights(
            title=highlight_title(item.title, search.phrases),
            body=highlight_body(bodies.get(item.id, ""), search.phrases),
        )


def get_article(*, session: Session, article_id: str) -> ArticleDetail | None:
    """The article with this id, or None."""
    row = session.execute(select(*DETAIL_COLUMNS).where(ARTICLE.c.id == article_id)).mappings().first()
    if row is None:
        return None
    body = row["body_text"]
    return ArticleDetail.model_validate(dict(row) | {"paragraphs": body.split("\n\n") if body else []})


def find_category(*, session: Session, slug: str) -> str | None:
    """The slug itself when such a category exists, else None."""
    return session.execute(select(CATEGORY.c.slug).where(CATEGORY.c.slug == slug)).scalar()


def category_tree(*, session: Session) -> list[CategoryNode]:
    """Every category with its article count, nested under its parent, siblings by name."""
    selected = session.execute(
        select(
            CATEGORY.c.id,
            CATEGORY.c.parent_id,
            CATEGORY.c.name,
            CATEGORY.c.slug,
            CATEGORY.c.path,
            CATEGORY.c.article_count,
        )
    ).all()
    # Sorted here, not in SQL, so the order is the same whatever the database's collation.
    rows = sorted(selected, key=lambda row: (row.name, row.id))
    nodes = {
        row.id: CategoryNode(
            name=row.name,
            slug=row.slug,
            path=row.path.split(PATH_SEPARATOR),
            article_count=row.article_count,
            children=[],
        )
        for row in rows
    }
    roots: list[CategoryNode] = []
    for row in rows:
        parent = nodes.get(row.parent_id) if row.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[row.id])
    return roots
