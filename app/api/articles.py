"""/articles: the filtered listing and one article's detail."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response

from app.api.conditional import http_date
from app.api.deps import SessionDep
from app.api.fields import DetailFields, SummaryFields
from app.api.listing import INVALID, NOT_FOUND, FiltersDep, listing_response
from app.api.paging import PagingDep
from app.api.search import SearchDep
from app.query.listings import get_article
from app.query.schemas import ArticleDetail, ArticlePage

router = APIRouter(tags=["articles"])


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
