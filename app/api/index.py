"""`/`: a browser gets the reader's front page; an API client gets an index of the entry points."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from app import __version__
from app.api.json_body import json_body
from app.api.known_parameters import CheckedRoute
from app.api.links import public_base
from app.api.openapi import operation_id
from app.api.reader import reader_page
from app.api.routes import operations

router = APIRouter(route_class=CheckedRoute, tags=["operations"])

VARY = {"Vary": "Accept"}


class EntryPoint(BaseModel):
    """One operation of the API, as a link."""

    rel: str = Field(description="The operation's id in the OpenAPI document.", examples=["listArticles"])
    href: str = Field(
        description="Absolute URL; `{name}` marks a path parameter (an RFC 6570 template).",
        examples=["https://news.example/api/articles"],
    )
    title: str = Field(description="What it returns.", examples=["List or search articles"])


class ApiIndex(BaseModel):
    """What this API is and where its entry points are."""

    title: str = Field(description="The API's name.", examples=["articles-api"])
    version: str = Field(description="The API's version.", examples=[__version__])
    documentation: str = Field(
        description="Interactive documentation.", examples=["https://news.example/api/docs"]
    )
    openapi: str = Field(
        description="The OpenAPI document.", examples=["https://news.example/api/openapi.json"]
    )
    links: list[EntryPoint] = Field(description="Every operation of the API, in the document's order.")


def prefers_html(accept: str) -> bool:
    """True when the Accept header names text/html and ranks it at least as high as JSON (a browser)."""
    ranks: dict[str, float] = {}
    for entry in accept.lower().split(","):
        media_type, *parameters = (part.strip() for part in entry.split(";"))
        quality = next((p.removeprefix("q=") for p in parameters if p.startswith("q=")), "1")
        try:
            ranks[media_type] = float(quality)
        except ValueError:
            ranks[media_type] = 0.0
    html = ranks.get("text/html", 0.0)
    return html > 0 and html >= ranks.get("application/json", 0.0)


@router.get(
    "/",
    response_model=ApiIndex,
    responses={
        200: {
            "description": "The index; a browser (`Accept: text/html`) gets the reader's front page.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    },
    summary="The API's entry points (browsers: the reader)",
    operation_id="getApiIndex",
)
def index(request: Request) -> Response:
    """For API clients, an index of every operation with its absolute URL; a browser gets the reader, which
    shows its front page here (its links lead under /read/)."""
    if prefers_html(request.headers.get("accept", "")):
        page = reader_page(request)
        page.headers.update(VARY)
        return page
    base = public_base(request)
    links = [
        EntryPoint(rel=operation_id(route), href=base + path, title=route.summary or "")
        for path, route in operations(request.app)
        if route.include_in_schema and path != "/"
    ]
    body = ApiIndex(
        title=request.app.title,
        version=request.app.version,
        documentation=base + "/docs",
        openapi=base + (request.app.openapi_url or "/openapi.json"),
        links=links,
    )
    return Response(json_body(body), media_type="application/json", headers=VARY)
