"""/authors: every author (the source's name) with its slug, article count and newest publication."""

from fastapi import APIRouter

from app.api.deps import DatabaseDep
from app.query.authors import list_authors
from app.query.schemas import Author

router = APIRouter(tags=["authors"])


@router.get(
    "/authors",
    response_model=list[Author],
    summary="Every author with its article count",
    operation_id="listAuthors",
)
async def authors(database: DatabaseDep) -> list[Author]:
    """Authors by article count (most first, then by name); `author` filters take the name or the slug."""
    return await database.read(lambda session: list_authors(session=session))
