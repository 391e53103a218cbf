"""/articles: the filtered listing, one article by id or by slug, and the articles related to one."""

from typing import Annotated

from annotated_types import Ge, Le
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from app.api.conditional import http_date
from app.api.deps import DatabaseDep
from app.api.fields import DetailFields, FieldSet, Formats, SummaryFields, detail_include
from app.api.listing import INVALID, NOT_FOUND, FiltersDep, listing_response
from app.api.paging import PagingDep
from app.api.params import DIGITS
from app.api.search import SearchDep
from app.query.detail import get_article
from app.query.related import related_articles
from app.query.schemas import ArticleDetail, ArticleList, ArticlePage
from app.store.tables import ARTICLE

router = APIRouter(tags=["articles"])

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
    database: DatabaseDep,
    paging: PagingDep,
    filters: FiltersDep,
    search: SearchDep,
    fields: SummaryFields,
) -> Response:
    """Article summaries (no body): newest first (undated last), or by relevance with `q`."""
    return await database.read(
        lambda session: listing_response(request, session, filters, paging, search, fields)
    )


def _detail(
    session: Session, where: ColumnElement[bool], missing: str, fields: FieldSet, formats: frozenset[str]
) -> Response:
    """The detail as JSON with its Last-Modified, or a 404 saying what was not found."""
    found = get_article(session=session, where=where)
    if found is None:
        raise HTTPException(status_code=404, detail=missing)
    return Response(
        found.model_dump_json(include=detail_include(fields, formats)),
        media_type="application/json",
        headers={"Last-Modified": http_date(found.updated_at)},
    )


@router.get(
    "/articles/{article_id}",
    response_model=ArticleDetail,
    responses=NOT_FOUND | INVALID,
    summary="One article with its clean body",
    operation_id="getArticle",
)
async def article(
    database: DatabaseDep,
    article_id: Annotated[str, Path(description="The article's id.", max_length=64)],
    fields: DetailFields,
    formats: Formats,
) -> Response:
    """The article's metadata, clean text, paragraphs, sanitized HTML, images, media and neighbours."""
    missing = f"No article with id {article_id!r}."
    where = ARTICLE.c.id == article_id
    return await database.read(lambda session: _detail(session, where, missing, fields, formats), quick=True)


@router.get(
    "/articles/slug/{slug}",
    response_model=ArticleDetail,
    responses=NOT_FOUND | INVALID,
    summary="One article, found by its slug",
    operation_id="getArticleBySlug",
)
async def article_by_slug(
    database: DatabaseDep,
    slug: Annotated[str, Path(description="The article's slug (unique).", max_length=300)],
    fields: DetailFields,
    formats: Formats,
) -> Response:
    """The same article, body, headers and `fields` as `/articles/{id}`, found by slug."""
    where, missing = ARTICLE.c.slug == slug, f"No article with slug {slug!r}."
    return await database.read(lambda session: _detail(session, where, missing, fields, formats), quick=True)


@router.get(
    "/articles/{article_id}/related",
    response_model=ArticleList,
    responses=NOT_FOUND | INVALID,
    summary="The articles most like one article",
    operation_id="listRelatedArticles",
)
async def related(
    database: DatabaseDep,
    article_id: Annotated[str, Path(description="The article's id.", max_length=64)],
    fields: SummaryFields,
    limit: Annotated[
        int, Ge(1), Le(MAX_RELATED), DIGITS, Query(description=f"How many (1-{MAX_RELATED}).")
    ] = 5,
) -> Response:
    """Summaries of the articles whose text is most similar (its most distinctive terms, ranked), best
    first; the article itself is never among them."""
    found = await database.read(
        lambda session: related_articles(session=session, article_id=article_id, limit=limit)
    )
    if found is None:
        raise HTTPException(status_code=404, detail=f"No article with id {article_id!r}.")
    include = {"items": {"__all__": set(fields)}} if fields is not None else None
    return Response(found.model_dump_json(include=include), media_type="application/json")
