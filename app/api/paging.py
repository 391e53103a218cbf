"""Paging parameters and the JSON response of a listing page, with its Link header."""

from typing import Annotated

from annotated_types import Ge, Le
from fastapi import Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from app.api.fields import FieldSet
from app.api.json_body import json_bytes
from app.api.links import link_header, variant_url
from app.api.on_event_loop import on_event_loop
from app.api.params import DIGITS, Flag
from app.query.listings import Page
from app.query.schemas import ArticlePage

MAX_OFFSET = 10_000
PAGE_FIELDS = tuple(ArticlePage.model_fields)


class Paging:
    """`limit`, then either `offset` (small jumps) or `cursor` (walking), and whether to count."""

    def __init__(
        self,
        limit: Annotated[int, Ge(1), Le(100), DIGITS, Query(description="Items per page (1-100).")] = 20,
        offset: Annotated[
            int,
            Ge(0),
            Le(MAX_OFFSET),
            DIGITS,
            Query(
                description=f"Matching articles to skip (0-{MAX_OFFSET}); for walking further, use `cursor`.",
            ),
        ] = 0,
        cursor: Annotated[
            str | None,
            Query(
                description="The `next_cursor` of the previous page: continue right after its last article.",
                max_length=500,
            ),
        ] = None,
        count: Annotated[
            Flag, Query(description="Count the matching articles (`total`); false is faster, total null.")
        ] = True,
    ) -> None:
        if cursor is not None and offset:
            raise RequestValidationError(
                [{"loc": ("query", "offset"), "msg": "give either offset or cursor, not both"}]
            )
        self.limit = limit
        self.offset = offset
        self.cursor = cursor or None
        self.count = count


PagingDep = Annotated[Paging, Depends(on_event_loop(Paging))]


def page_response(request: Request, page: Page, fields: FieldSet) -> Response:
    """The page as JSON (only `fields` of each item), linking to the next, previous and first pages."""
    response = Response(_page_json(page, fields), media_type="application/json")
    links: dict[str, str] = {}
    if page.next_cursor:
        links["next"] = variant_url(request, drop=["offset"], cursor=page.next_cursor)
    if page.offset:
        earlier = page.offset - page.limit
        paged = {"offset": earlier} if earlier > 0 else {}
        links["prev"] = variant_url(request, drop=["cursor", "offset"], **paged)
    if page.offset or "cursor" in request.query_params:
        links["first"] = variant_url(request, drop=["cursor", "offset"])
    if links:
        response.headers["Link"] = link_header(links)
    return response


def _page_json(page: Page, fields: FieldSet) -> bytes:
    """The page as `ArticlePage` writes it (only `fields` of each item), `highlights` and `facets` only where
    the page has them. Its values are text, lists of text, times and counts, which orjson always writes."""
    values = {
        name: getattr(page, name) for name in PAGE_FIELDS if name != "facets" or page.facets is not None
    }
    if fields is not None:
        values["items"] = [
            {name: value for name, value in item.items() if name in fields} for item in page.items
        ]
    return json_bytes(values)
