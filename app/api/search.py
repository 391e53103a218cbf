"""The search parameters of the listings: `q`, `sort` and `facets`, validated."""

from typing import Annotated

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, WithJsonSchema

from app.api.on_event_loop import on_event_loop
from app.query.facets import FACETS
from app.query.sorts import Sort
from app.text.query_syntax import MAX_QUERY_LENGTH, QueryError, SearchQuery, parse_query


def _facet_names(values: list[str]) -> list[str]:
    names = [name.strip() for value in values for name in value.split(",")]
    if "" in names:
        raise ValueError(f"an empty facet name; choose from {', '.join(FACETS)}")
    unknown = sorted(set(names) - set(FACETS))
    if unknown:
        raise ValueError(f"unknown facet {', '.join(unknown)}; choose from {', '.join(FACETS)}")
    return list(dict.fromkeys(names))


# The schema lists the names (clients get an enum); a comma-separated value is also read, as it always was.
FacetName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(FACETS)})]


class SearchParams:
    """What to search for, how to order the result, which facets to count."""

    def __init__(
        self,
        q: Annotated[
            str | None,
            Query(
                max_length=MAX_QUERY_LENGTH,
                description="Full-text search in title and body. Terms separated by spaces must all match; "
                '`"quoted phrase"`, `-term` excludes, `a OR b`. Chinese matches as substrings (养老 finds '
                "养老保险), Traditional and Simplified alike; English and digits as words, any case.",
                examples=["养老 保险"],
            ),
        ] = None,
        sort: Annotated[
            Sort | None,
            Query(
                description="`relevance` (the default with q: title matches weigh more), `-published_at` "
                "(the default without q: newest first, undated last), `published_at`, `title`."
            ),
        ] = None,
        facets: Annotated[
            list[FacetName],
            Query(
                description=f"Facets to count over the whole result: {', '.join(FACETS)} (repeated, or "
                "comma-separated in one value).",
                examples=[["category", "month"]],
                max_length=len(FACETS),
            ),
            AfterValidator(_facet_names),
        ] = [],  # noqa: B006 - FastAPI builds a fresh list per request
    ) -> None:
        self.query = _parsed(q)
        self.sort = sort
        self.facets = facets


SearchDep = Annotated[SearchParams, Depends(on_event_loop(SearchParams))]


def _parsed(q: str | None) -> SearchQuery | None:
    """`q` parsed (once per request); None when it is absent or blank."""
    if q is None or not q.strip():
        return None
    try:
        return parse_query(q)
    except QueryError as exc:
        raise RequestValidationError([{"loc": ("query", "q"), "msg": f"Value error, {exc}"}]) from None
