"""Read side: listings, details and the category tree, as response schemas."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.ingest.categories import PATH_SEPARATOR
from app.models import Article, ArticleCategory, Category
from app.pagination import SortColumn, SortKey, decode_cursor, encode_cursor, keyset_rows
from app.schemas import ArticleDetail, ArticlePage, ArticleSummary, CategoryNode

ARTICLE = Article.__table__  # type: ignore[attr-defined]
LINK = ArticleCategory.__table__  # type: ignore[attr-defined]
CATEGORY = Category.__table__  # type: ignore[attr-defined]

SUMMARY_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleSummary.model_fields)
DETAIL_COLUMNS = tuple(ARTICLE.c[name] for name in ArticleDetail.model_fields if name != "paragraphs")

NEWEST_FIRST = SortKey(
    name="newest",
    columns=(SortColumn(ARTICLE.c.published_at, "datetime"), SortColumn(ARTICLE.c.id, "str")),
    descending=True,
    nullable_first=True,
)


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    """What a listing is narrowed by; empty lists mean no filter."""

    categories: Sequence[str] = field(default_factory=tuple)
    authors: Sequence[str] = field(default_factory=tuple)
    within: str | None = None  # a category slug the article must also be in (the /categories route)


def category_ids(session: Session, names_or_slugs: Sequence[str]) -> list[int]:
    """Ids of the categories whose name or slug is one of the values (a name may name several)."""
    query = select(CATEGORY.c.id).where(
        or_(CATEGORY.c.slug.in_(names_or_slugs), CATEGORY.c.name.in_(names_or_slugs))
    )
    return list(session.execute(query).scalars())


def _in_categories(ids: Sequence[int]) -> Any:
    return ARTICLE.c.id.in_(select(LINK.c.article_id).where(LINK.c.category_id.in_(ids)))


def _filtered(session: Session, query: Select[Any], filters: ArticleFilters) -> Select[Any]:
    if filters.categories:
        query = query.where(_in_categories(category_ids(session, filters.categories)))
    if filters.within:
        query = query.where(_in_categories(category_ids(session, [filters.within])))
    if filters.authors:
        query = query.where(ARTICLE.c.author.in_(filters.authors))
    return query


def list_articles(
    *,
    session: Session,
    filters: ArticleFilters,
    limit: int,
    offset: int = 0,
    cursor: str | None = None,
    count: bool = True,
) -> ArticlePage:
    """A page of article summaries, newest first (undated last), after `cursor` or `offset` rows."""
    key = NEWEST_FIRST
    after = decode_cursor(key, cursor) if cursor else None
    query = _filtered(session, select(*SUMMARY_COLUMNS, *key.labelled()), filters)
    if offset:
        rows = list(
            session.execute(query.order_by(*key.order_by()).limit(limit + 1).offset(offset)).mappings()
        )
    else:  # the first page too: the keyset ranges read the index even where NULLS LAST would not
        rows = keyset_rows(session=session, query=query, key=key, after=after, limit=limit + 1)
    next_cursor = encode_cursor(key, key.values(rows[limit - 1])) if len(rows) > limit else None
    items = [ArticleSummary.model_validate(dict(row)) for row in rows[:limit]]
    total = None
    if count:
        counting = _filtered(session, select(func.count()).select_from(ARTICLE), filters)
        total = session.execute(counting).scalar_one()
    return ArticlePage(items=items, total=total, limit=limit, offset=offset, next_cursor=next_cursor)


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
