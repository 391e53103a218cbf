"""What every listing route shares: the filter parameters, the responses they document, and the page."""

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response
from sqlalchemy.orm import Session

from app.api.fields import FieldSet
from app.api.on_event_loop import on_event_loop
from app.api.paging import Paging, page_response
from app.api.params import Flag, Moment
from app.api.search import SearchParams
from app.query.filters import ArticleFilters
from app.query.listings import list_articles
from app.query.schemas import ProblemDetail

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
    category_mode: Annotated[
        Literal["any", "all"],
        Query(description="With several `category`: `any` (the default) or `all` of them."),
    ] = "any",
    author: Annotated[
        list[str],
        Query(
            description="Source name or its slug (see /authors); repeat for any of several.",
            examples=[["新浪财经"]],
            max_length=20,
        ),
    ] = [],  # noqa: B006
    since: Annotated[
        Moment,
        Query(
            description="Published at or after (inclusive): a date (midnight UTC) or an RFC 3339 date-time "
            "with its offset.",
            examples=["2021-09-01"],
        ),
    ] = None,
    until: Annotated[
        Moment,
        Query(
            description="Published before (exclusive): a date (midnight UTC) or an RFC 3339 date-time with "
            "its offset.",
            examples=["2021-10-01T00:00:00+08:00"],
        ),
    ] = None,
    has_image: Annotated[
        Flag | None, Query(description="true: only articles with an image; false: only those without.")
    ] = None,
    article_slug: Annotated[
        list[str],
        Query(
            alias="slug",  # /categories/{slug}/articles has a path parameter of that name
            description="Article slug; repeat for any of several.",
            examples=[["zhe-jiang-jia-kuai-jian-quan-she-hui-bao-zhang-ti-xi"]],
            max_length=20,
        ),
    ] = [],  # noqa: B006
) -> ArticleFilters:
    """The filters shared by every listing (undated articles never pass `since` or `until`)."""
    return ArticleFilters(
        categories=tuple(category),
        category_mode=category_mode,
        authors=tuple(author),
        since=since,
        until=until,
        has_image=has_image,
        slugs=tuple(article_slug),
    )


FiltersDep = Annotated[ArticleFilters, Depends(on_event_loop(listing_filters))]


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
