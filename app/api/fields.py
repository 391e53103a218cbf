"""`fields=`: return only the named fields of each article; `formats=`: only some forms of the body."""

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from app.api.on_event_loop import on_event_loop
from app.query.schemas import ArticleDetail, ArticlePage, ArticleSummary

FieldSet = frozenset[str] | None
# The body in each form a detail can carry it, by the name `formats` gives it.
FORMATS = {"text": "body_text", "html": "body_html", "paragraphs": "paragraphs"}


def name_list_pattern(names: Sequence[str]) -> str:
    """A regular expression for a comma-separated list of these names (spaces allowed around them): the
    schema states it, and the server checks values with it as JSON Schema does (a search)."""
    name = "(" + "|".join(map(re.escape, names)) + ")"
    return f"^ *{name}( *, *{name})* *$"


def _listed(pattern: str, name: str, known: Sequence[str], value: str) -> frozenset[str]:
    """The names in `value`, or a 422 naming the parameter and the valid names."""
    names = [part.strip() for part in value.split(",")]
    if re.search(pattern, value):
        return frozenset(names)
    unknown = [repr(part) for part in names if part not in known]
    reason = f"unknown {name} {', '.join(unknown)}" if any(names) else f"no {name} named"
    message = f"{reason}; choose from {', '.join(known)} (comma-separated)"
    raise RequestValidationError([{"loc": ("query", f"{name}s"), "msg": message}])


def field_selector(model: type[BaseModel]) -> Callable[..., FieldSet]:
    """A dependency reading `fields` as a comma-separated subset of `model`'s fields."""
    known = list(model.model_fields)
    pattern = name_list_pattern(known)

    def fields(
        fields: Annotated[
            str | None,
            Query(
                description="Comma-separated fields to return (default: all), e.g. `id,title,published_at`.",
                json_schema_extra={"pattern": pattern},
                examples=["id,title,published_at"],
            ),
        ] = None,
    ) -> FieldSet:
        return None if fields is None else _listed(pattern, "field", known, fields)

    return fields


FORMATS_PATTERN = name_list_pattern(list(FORMATS))


def formats_selector(
    formats: Annotated[
        str | None,
        Query(
            description="Comma-separated forms of the body to return (default: all): `text` (`body_text`), "
            "`html` (`body_html`), `paragraphs`; e.g. `html` for a page that renders HTML.",
            json_schema_extra={"pattern": FORMATS_PATTERN},
            examples=["html"],
        ),
    ] = None,
) -> frozenset[str]:
    """The body fields to leave out of a detail."""
    if formats is None:
        return frozenset()
    wanted = _listed(FORMATS_PATTERN, "format", list(FORMATS), formats)
    return frozenset(field for name, field in FORMATS.items() if name not in wanted)


SummaryFields = Annotated[FieldSet, Depends(on_event_loop(field_selector(ArticleSummary)))]
DetailFields = Annotated[FieldSet, Depends(on_event_loop(field_selector(ArticleDetail)))]
Formats = Annotated[frozenset[str], Depends(on_event_loop(formats_selector))]


def page_include(fields: FieldSet) -> Any:
    """The `include` argument of model_dump for a page whose items keep only `fields`."""
    if fields is None:
        return None
    return dict.fromkeys(ArticlePage.model_fields, True) | {"items": {"__all__": set(fields)}}


def detail_include(fields: FieldSet, left_out: frozenset[str]) -> set[str] | None:
    """The `include` argument of model_dump for a detail: `fields` (or all) less the body forms left out."""
    if fields is None and not left_out:
        return None
    return set(fields if fields is not None else ArticleDetail.model_fields) - left_out
