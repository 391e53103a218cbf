"""/authors: every author (the source's name) with its slug, article count and newest publication."""

from fastapi import APIRouter, Request

from app.api.deps import database_of
from app.api.known_parameters import CheckedRoute
from app.query.authors import list_authors
from app.query.schemas import Author

router = APIRouter(route_class=CheckedRoute, tags=["authors"])


@router.get(
    "/authors",
    response_model=list[Author],
    summary="Every author with its article count",
    operation_id="listAuthors",
)
async def authors(request: Request) -> list[Author]:
    """Authors by article count (most first, then by name); `author` filters take the name or the slug."""
    return await database_of(request).read(lambda session: list_authors(session=session))
