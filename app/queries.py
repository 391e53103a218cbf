"""Read side: listings, details and the category tree, as response schemas."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.facets import count_facets
from app.ingest.categories import PATH_SEPARATOR
from app.models import Article, ArticleCategory, Category
from app.schemas import ArticleBase, ArticleDetail, ArticlePage, ArticleSummary, CategoryNode, Highlights
from app.search.highlight import highlight_body, highlight_title
from app.search.listing import sqlite_search_page
from app.search.query import SearchQuery
from app.search.sql import excluding, matching

ARTICLE = Article.__table__  # type: ignore[attr-defined]
LINK = ArticleCategory.__table__  # type: ignore[attr-defined]
CATEGORY = Category.__table__  # type: ignore[attr-defined]

SUMMARY_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleBase.model_fields)
DETAIL_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleDetail.model_fields if name != "paragraphs")


Sort = Literal["relevance", "-published_at", "published_at", "title"]


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


def _order(sort: Sort, matches: Any) -> list[Any]:
    newest = [ARTICLE.c.published_at.desc().nulls_last(), ARTICLE.c.id.desc()]
    if sort == "relevance" and matches is not None:
        return [matches.c.score, *newest]
    if sort == "published_at":
        return [ARTICLE.c.published_at.asc().nulls_last(), ARTICLE.c.id.asc()]
    if sort == "title":
        return [ARTICLE.c.title, ARTICLE.c.id]
    return newest


def list_articles(
    *,
    session: Session,
    filters: ArticleFilters,
    limit: int,
    offset: int,
    search: SearchQuery | None = None,
    sort: Sort | None = None,
    facets: Sequence[str] = (),
) -> ArticlePage:
    """A page of article summaries with the total count: by relevance with a search, else newest first."""
    dialect = session.get_bind().dialect.name
    found = matching(dialect, search) if search else None
    matches = found.subquery("matches") if found is not None else None
    excluded = excluding(dialect, search) if search else None
    conditions = _conditions(session, filters)
    if excluded is not None:
        conditions.append(ARTICLE.c.id.not_in(excluded))

    def narrowed(*columns: Any) -> Select[Any]:
        source = ARTICLE if matches is None else ARTICLE.join(matches, matches.c.article_id == ARTICLE.c.id)
        return select(*columns).select_from(source).where(*conditions)

    sort = sort or ("relevance" if matches is not None else "-published_at")
    if (
        search is not None
        and search.groups
        and dialect == "sqlite"
        and sort in ("relevance", "-published_at")
    ):
        fast = sqlite_search_page(
            session=session,
            query=search,
            conditions=_conditions(session, replace(filters, since=None, until=None)),
            since=filters.since,
            until=filters.until,
            relevance=sort == "relevance",
            limit=limit,
            offset=offset,
        )
        items, total = _summaries(session, fast.ids), fast.total
    else:
        rows = session.execute(
            narrowed(*SUMMARY_COLUMNS).order_by(*_order(sort, matches)).limit(limit).offset(offset)
        )
        items = [ArticleSummary.model_validate(dict(row)) for row in rows.mappings()]
        total = session.execute(narrowed(func.count())).scalar_one()
    if search is not None and search.phrases:
        _add_highlights(session, items, search)
    page = ArticlePage(items=items, total=total, limit=limit, offset=offset)
    if facets:
        page.facets = count_facets(session=session, ids=narrowed(ARTICLE.c.id), names=facets)
    return page


def _summaries(session: Session, ids: Sequence[str]) -> list[ArticleSummary]:
    """Summaries of these articles, in this order."""
    rows = session.execute(select(*SUMMARY_COLUMNS).where(ARTICLE.c.id.in_(ids))).mappings()
    by_id = {row["id"]: ArticleSummary.model_validate(dict(row)) for row in rows}
    return [by_id[article_id] for article_id in ids if article_id in by_id]


def _add_highlights(session: Session, items: Sequence[ArticleSummary], search: SearchQuery) -> None:
    """Mark where the page's articles matched (their bodies are read for this page only)."""
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
    rows = session.execute(
        select(
            CATEGORY.c.id,
            CATEGORY.c.parent_id,
            CATEGORY.c.name,
            CATEGORY.c.slug,
            CATEGORY.c.path,
            CATEGORY.c.article_count,
        ).order_by(CATEGORY.c.name, CATEGORY.c.id)
    ).all()
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
