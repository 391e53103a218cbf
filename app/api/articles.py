"""/articles: the filtered listing and one article's detail."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response

from app.api.conditional import http_date
from app.api.deps import SessionDep
from app.api.fields import DetailFields, SummaryFields
from app.api.paging import PagingDep, page_response
from app.queries import ArticleFilters, get_article, list_articles
from app.schemas import ArticleDetail, ArticlePage, ProblemDetail

router = APIRouter(tags=["articles"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ProblemDetail, "description": "No such article or category."}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ProblemDetail, "description": "A parameter is invalid; `errors` names it."}
}


def listing_filters(
    category: Annotated[
        list[str],
        Query(
            description="Category name or slug; repeat for any of several. Parents include descendants.",
            examples=[["金融"]],
            max_length=20,
        ),
    ] = [],  # noqa: B006 - FastAPI builds a fresh list per request
    author: Annotated[
        list[str],
        Query(description="Source name; repeat for any of several.", examples=[["新浪财经"]], max_length=20),
    ] = [],  # noqa: B006
) -> ArticleFilters:
    """The filters shared by every listing."""
    return ArticleFilters(categories=category, authors=author)


FiltersDep = Annotated[ArticleFilters, Depends(listing_filters)]


@router.get("/articles", response_model=ArticlePage, responses=INVALID, summary="List articles, newest first")
def articles(
    request: Request, session: SessionDep, paging: PagingDep, filters: FiltersDep, fields: SummaryFields
) -> Response:
    """Article summaries (no body), newest first; articles without a date come last."""
    page = list_articles(
        session=session,
        filters=filters,
        limit=paging.limit,
        offset=paging.offset,
        cursor=paging.cursor,
        count=paging.count,
    )
    return page_response(request, page, fields)


@router.get(
    "/articles/{article_id}",
    response_model=ArticleDetail,
    responses=NOT_FOUND | INVALID,
    summary="One article with its clean body",
)
def article(
    session: SessionDep,
    article_id: Annotated[str, Path(description="The article's id.", max_length=64)],
    fields: DetailFields,
) -> Response:
    """The article's metadata, clean text, paragraphs, sanitized HTML, images and media."""
    found = get_article(session=session, article_id=article_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"No article with id {article_id!r}.")
    include = set(fields) if fields is not None else None
    return Response(
        found.model_dump_json(include=include),
        media_type="application/json",
        headers={"Last-Modified": http_date(found.updated_at)},
    )
