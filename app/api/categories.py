"""/categories: the tree with counts, and the listing of one category (named by its slug or its name)."""

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response
from sqlalchemy.orm import Session

from app.api.deps import database_of
from app.api.fields import SummaryFields
from app.api.known_parameters import CheckedRoute
from app.api.listing import INVALID, NOT_FOUND, FiltersDep, listing_response
from app.api.paging import Paging, PagingDep
from app.api.search import SearchDep, SearchParams
from app.query.categories import category_tree, find_category
from app.query.filters import ArticleFilters
from app.query.schemas import ArticlePage, CategoryNode

router = APIRouter(route_class=CheckedRoute, tags=["categories"])


@router.get(
    "/categories",
    response_model=list[CategoryNode],
    summary="The category tree with article counts",
    operation_id="listCategories",
)
async def categories(request: Request) -> list[CategoryNode]:
    """Top categories with their sources and feeds nested below; a count includes all descendants."""
    return await database_of(request).read(lambda session: category_tree(session=session))


@router.get(
    "/categories/{slug}/articles",
    response_model=ArticlePage,
    responses=NOT_FOUND | INVALID,
    summary="List or search the articles of one category",
    operation_id="listCategoryArticles",
)
async def category_articles(
    request: Request,
    slug: Annotated[
        str,
        Path(
            description="The category's slug (see /categories), or its name when that names one category.",
            max_length=200,
        ),
    ],
    paging: PagingDep,
    filters: FiltersDep,
    search: SearchDep,
    fields: SummaryFields,
) -> Response:
    """Like /articles, restricted to this category and its descendants (other filters combine with it)."""

    def listing(session: Session) -> Response:
        found = find_category(session=session, value=slug)
        if found.slug is None:
            raise HTTPException(status_code=404, detail=_not_found(slug, found.candidates))
        within = replace(filters, within=found.slug)
        return listing_response(request, session, within, paging, search, fields)

    return await database_of(request).read(listing, bounded=_bounded(filters, paging, search))


def _bounded(filters: ArticleFilters, paging: Paging, search: SearchParams) -> bool:
    """True for the pages readers walk: the category's articles by date, from its start or from a cursor
    (index range reads of the link table, the count kept per data version)."""
    plain = filters == ArticleFilters() and search.query is None and not search.facets
    return plain and not paging.offset and search.sort in (None, "relevance", "-published_at", "published_at")


def _not_found(value: str, candidates: tuple[str, ...]) -> str:
    if not candidates:
        return f"No category with slug or name {value!r}."
    return f"{value!r} names {len(candidates)} categories; use one of their slugs: {', '.join(candidates)}."
