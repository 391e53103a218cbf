"""/articles: the filtered listing, one article by id or by slug, and the articles related to one."""

from typing import Annotated, Literal

from annotated_types import Ge, Le
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from sqlalchemy.engine import Connection

from app.api.conditional import http_date
from app.api.deps import database_of
from app.api.fields import DetailInclude, SummaryFields
from app.api.json_body import json_body, json_fields
from app.api.known_parameters import CheckedRoute
from app.api.listing import INVALID, NOT_FOUND, FiltersDep, listing_response
from app.api.paging import PagingDep
from app.api.params import DIGITS
from app.api.search import SearchDep
from app.query.detail import get_article
from app.query.related import related_articles
from app.query.schemas import ArticleDetail, ArticleList, ArticlePage

router = APIRouter(route_class=CheckedRoute, tags=["articles"])

MAX_RELATED = 20


@router.get(
    "/articles",
    response_model=ArticlePage,
    responses=INVALID,
    summary="List or search articles",
    operation_id="listArticles",
)
async def articles(
    request: Request,
    paging: PagingDep,
    filters: FiltersDep,
    search: SearchDep,
    fields: SummaryFields,
) -> Response:
    """Article summaries (no body): newest first (undated last), or by relevance with `q`."""
    return await database_of(request).read(
        lambda session: listing_response(request, session, filters, paging, search, fields)
    )


def _detail(
    connection: Connection, key: str, by: Literal["id", "slug"], include: set[str] | None
) -> Response:
    """The detail as JSON with its Last-Modified, or a 404 saying what was not found."""
    found = get_article(connection, key, by)
    if found is None:
        raise HTTPException(status_code=404, detail=f"No article with {by} {key!r}.")
    return Response(
        json_fields(found, ArticleDetail, include),
        media_type="application/json",
        headers={"Last-Modified": http_date(found["updated_at"])},
    )


@router.get(
    "/articles/{article_id}",
    response_model=ArticleDetail,
    responses=NOT_FOUND | INVALID,
    summary="One article with its clean body",
    operation_id="getArticle",
)
async def article(
    request: Request,
    article_id: Annotated[str, Path(description="The article's id.", max_length=64)],
    include: DetailInclude,
) -> Response:
    """The article's metadata, clean text, paragraphs, sanitized HTML, images, media and neighbours."""
    return await database_of(request).lookup(
        lambda connection: _detail(connection, article_id, "id", include)
    )


@router.get(
    "/articles/slug/{slug}",
    response_model=ArticleDetail,
    responses=NOT_FOUND | INVALID,
    summary="One article, found by its slug",
    operation_id="getArticleBySlug",
)
async def article_by_slug(
    request: Request,
    slug: Annotated[str, Path(description="The article's slug (unique).", max_length=300)],
    include: DetailInclude,
) -> Response:
    """The same article, body, headers and `fields` as `/articles/{id}`, found by slug."""
    return await database_of(request).lookup(lambda connection: _detail(connection, slug, "slug", include))


@router.get(
    "/articles/{article_id}/related",
    response_model=ArticleList,
    responses=NOT_FOUND | INVALID,
    summary="The articles most like one article",
    operation_id="listRelatedArticles",
)
async def related(
    request: Request,
    article_id: Annotated[str, Path(description="The article's id.", max_length=64)],
    fields: SummaryFields,
    limit: Annotated[
        int, Ge(1), Le(MAX_RELATED), DIGITS, Query(description=f"How many (1-{MAX_RELATED}).")
    ] = 5,
) -> Response:
    """Summaries of the articles whose text is most similar (its most distinctive terms, ranked), best
    first; the article itself is never among them."""
    found = await database_of(request).read(
        lambda session: related_articles(session=session, article_id=article_id, limit=limit)
    )
    if found is None:
        raise HTTPException(status_code=404, detail=f"No article with id {article_id!r}.")
    include = {"items": {"__all__": set(fields)}} if fields is not None else None
    return Response(json_body(found, include=include), media_type="application/json")
