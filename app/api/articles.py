"""/articles: the filtered listing and one article's detail."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import AfterValidator
from sqlmodel import Session

from app.api.conditional import http_date
from app.api.deps import SessionDep
from app.api.fields import DetailFields, FieldSet, SummaryFields
from app.api.on_event_loop import on_event_loop
from app.api.paging import Paging, PagingDep, page_response
from app.api.search import SearchDep, SearchParams
from app.query.filters import ArticleFilters
from app.query.listings import get_article, list_articles
from app.query.schemas import ArticleDetail, ArticlePage, ProblemDetail

router = APIRouter(tags=["articles"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ProblemDetail, "description": "No such article or category."}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ProblemDetail, "description": "A parameter is invalid; `errors` names it."}
}


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value and value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def listing_filters(
    category: Annotated[
        list[str],
        Query(
            description="Category name or slug; repeat for any of several. Parents include descendants.",
            examples=[["金融"]],
            max_length=20,
        ),
    ] = [],  # noqa: B006 - FastAPI builds a fresh list per request
    category_mode: Annotated[
        Literal["any", "all"],
        Query(description="With several `category`: `any` (the default) or `all` of them."),
    ] = "any",
    author: Annotated[
        list[str],
        Query(description="Source name; repeat for any of several.", examples=[["新浪财经"]], max_length=20),
    ] = [],  # noqa: B006
    since: Annotated[
        datetime | None,
        Query(
            description="Published at or after (inclusive): ISO date or datetime, UTC unless offset.",
            examples=["2021-09-01"],
        ),
        AfterValidator(_as_utc),
    ] = None,
    until: Annotated[
        datetime | None,
        Query(
            description="Published before (exclusive): ISO date or datetime, UTC unless offset.",
            examples=["2021-10-01T00:00:00+08:00"],
        ),
        AfterValidator(_as_utc),
    ] = None,
    has_image: Annotated[
        bool | None, Query(description="true: only articles with an image; false: only those without.")
    ] = None,
) -> ArticleFilters:
    """The filters shared by every listing (undated articles never pass `since` or `until`)."""
    return ArticleFilters(
        categories=category,
        category_mode=category_mode,
        authors=author,
        since=since,
        until=until,
        has_image=has_image,
    )


FiltersDep = Annotated[ArticleFilters, Depends(on_event_loop(listing_filters))]


@router.get("/articles", response_model=ArticlePage, responses=INVALID, summary="List or search articles")
def articles(
    request: Request,
    session: SessionDep,
    paging: PagingDep,
    filters: FiltersDep,
    search: SearchDep,
    fields: SummaryFields,
) -> Response:
    """Article summaries (no body): newest first (undated last), or by relevance with `q`."""
    return listing_response(request, session, filters, paging, search, fields)


def listing_response(
    request: Request,
    session: Session,
    filters: ArticleFilters,
    paging: Paging,
    search: SearchParams,
    fields: FieldSet,
) -> Response:
    """One page of a listing as JSON, with its Link header (shared by every listing route)."""
    page = list_articles(
        session=session,
        filters=filters,
        limit=paging.limit,
        offset=paging.offset,
        cursor=paging.cursor,
        count=paging.count,
        search=search.query,
        sort=search.sort,
        facets=search.facets,
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
